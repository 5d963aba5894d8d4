//! The review check's inputs without GitHub: the changed files between two
//! git revisions (from their merge base to the head, renames detected, as
//! a pull request shows them), the files' text at either side, and the
//! reviews from a JSON file (`[{"user": "...", "state": "APPROVED",
//! "commit_id": "..."}]`, in the order they were given). A review's
//! `commit_id` may be any revision (`HEAD`, a branch); it is resolved to
//! its commit.
//!
//! Only `--author` is excluded for who opened the change (A2): git commits
//! carry names and emails, not GitHub handles, so the authors and
//! committers of the commits are not excluded here as they are on GitHub.
//! The `alma-access/approvals` status that `plan.yml` sets always comes
//! from the GitHub API (`--repo --pr`), never from here.

use std::path::Path;

use git2::{Delta, DiffFindOptions, Oid, Repository};

use super::Error;
use super::input::{ChangedFile, FileStatus, PullRequest, Review, Source};

/// A local git repository as a [`Source`].
pub struct LocalSource {
    repo: Repository,
}

impl LocalSource {
    /// Opens the repository holding `dir`.
    pub fn open(dir: &Path) -> Result<LocalSource, Error> {
        let repo = Repository::discover(dir).map_err(|e| {
            Error::Usage(format!(
                "`{}` is not in a git repository: {}",
                dir.display(),
                e.message()
            ))
        })?;
        Ok(LocalSource { repo })
    }

    /// The pull request that would merge `head` into `base`, with the reviews in `reviews`.
    pub fn pull_request(
        &self,
        base: &str,
        head: &str,
        author: &str,
        reviews: &[Review],
    ) -> Result<PullRequest, Error> {
        let base_id = self.commit(base)?;
        let head_id = self.commit(head)?;
        let from = self.repo.merge_base(base_id, head_id).unwrap_or(base_id);
        let tree = |id: Oid| {
            self.repo
                .find_commit(id)
                .and_then(|c| c.tree())
                .map_err(|e| Error::Failed(e.message().to_string()))
        };
        let mut diff = self
            .repo
            .diff_tree_to_tree(Some(&tree(from)?), Some(&tree(head_id)?), None)
            .map_err(|e| {
                Error::Failed(format!("cannot compare {base} and {head}: {}", e.message()))
            })?;
        diff.find_similar(Some(DiffFindOptions::new().renames(true)))
            .map_err(|e| Error::Failed(e.message().to_string()))?;
        let path = |f: git2::DiffFile| f.path().map(|p| p.to_string_lossy().replace('\\', "/"));
        let mut files = Vec::new();
        for delta in diff.deltas() {
            let (old, new) = (path(delta.old_file()), path(delta.new_file()));
            let file = match (delta.status(), old, new) {
                (Delta::Added | Delta::Copied, _, Some(p)) => ChangedFile {
                    path: p,
                    status: FileStatus::Added,
                },
                (Delta::Deleted, Some(p), _) => ChangedFile {
                    path: p,
                    status: FileStatus::Deleted,
                },
                (Delta::Renamed, Some(from), Some(p)) => ChangedFile {
                    path: p,
                    status: FileStatus::Renamed { from },
                },
                (_, _, Some(p)) => ChangedFile {
                    path: p,
                    status: FileStatus::Modified,
                },
                _ => continue,
            };
            files.push(file);
        }
        let reviews = reviews
            .iter()
            .map(|r| Review {
                commit_id: r.commit_id.as_ref().map(|c| self.resolve(c)),
                ..r.clone()
            })
            .collect();
        Ok(PullRequest {
            number: None,
            author: author.to_string(),
            commit_authors: Vec::new(),
            head_sha: head_id.to_string(),
            base_sha: from.to_string(),
            base_branch: None,
            default_branch: None,
            files,
            reviews,
        })
    }

    fn commit(&self, rev: &str) -> Result<Oid, Error> {
        self.repo
            .revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
            .map(|c| c.id())
            .map_err(|e| Error::Usage(format!("cannot find revision `{rev}`: {}", e.message())))
    }

    /// A review's commit as a full id; left as written when it names no commit.
    fn resolve(&self, rev: &str) -> String {
        self.commit(rev)
            .map(|id| id.to_string())
            .unwrap_or_else(|_| rev.to_string())
    }
}

impl Source for LocalSource {
    async fn read(&self, rev: &str, path: &str) -> Result<Option<String>, Error> {
        let id = self.commit(rev)?;
        let tree = self
            .repo
            .find_commit(id)
            .and_then(|c| c.tree())
            .map_err(|e| Error::Failed(e.message().to_string()))?;
        let Ok(entry) = tree.get_path(Path::new(path)) else {
            return Ok(None);
        };
        let Ok(blob) = self.repo.find_blob(entry.id()) else {
            return Ok(None);
        };
        String::from_utf8(blob.content().to_vec())
            .map(Some)
            .map_err(|_| Error::Failed(format!("{path} at {rev} is not UTF-8 text")))
    }
}

/// Reads a reviews file: a JSON list of `{user, state, commit_id}`.
pub fn read_reviews(path: &Path) -> Result<Vec<Review>, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::Usage(format!("cannot read {}: {e}", path.display())))?;
    serde_json::from_str(&text).map_err(|e| {
        Error::Usage(format!(
            "{} is not a list of reviews ([{{\"user\": ..., \"state\": \"APPROVED\", \"commit_id\": ...}}]): {e}",
            path.display()
        ))
    })
}
