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

use super::Error;
use super::input::{ChangedFile, FileStatus, PullRequest, Review, Source};
use crate::git::GitError;
use crate::git::pull::{Revisions, Status};

/// A local git repository as a [`Source`].
pub struct LocalSource {
    revisions: Revisions,
}

/// A revision that is not there is the caller's mistake; anything else a failure.
fn error(e: GitError) -> Error {
    match e {
        GitError::NotARepository { .. } | GitError::UnknownRevision { .. } => {
            Error::Usage(e.to_string())
        }
        other => Error::Failed(other.to_string()),
    }
}

impl LocalSource {
    /// Opens the repository holding `dir`.
    pub fn open(dir: &Path) -> Result<LocalSource, Error> {
        Ok(LocalSource {
            revisions: Revisions::open(dir).map_err(error)?,
        })
    }

    /// The pull request that would merge `head` into `base`, with the reviews in `reviews`.
    pub fn pull_request(
        &self,
        base: &str,
        head: &str,
        author: &str,
        reviews: &[Review],
    ) -> Result<PullRequest, Error> {
        let revisions = &self.revisions;
        let base_id = revisions.commit(base).map_err(error)?;
        let head_id = revisions.commit(head).map_err(error)?;
        let from = revisions.merge_base(base_id, head_id);
        let files = revisions
            .changed(from, head_id)
            .map_err(error)?
            .into_iter()
            .map(|changed| ChangedFile {
                path: changed.path,
                status: match changed.status {
                    Status::Added => FileStatus::Added,
                    Status::Deleted => FileStatus::Deleted,
                    Status::Renamed { from } => FileStatus::Renamed { from },
                    Status::Modified => FileStatus::Modified,
                },
            })
            .collect();
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

    /// A review's commit as a full id; left as written when it names no commit.
    fn resolve(&self, rev: &str) -> String {
        self.revisions
            .commit(rev)
            .map(|id| id.to_string())
            .unwrap_or_else(|_| rev.to_string())
    }
}

impl Source for LocalSource {
    async fn read(&self, rev: &str, path: &str) -> Result<Option<String>, Error> {
        self.revisions.read(rev, path).map_err(error)
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
