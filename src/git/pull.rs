//! A pull request as git sees it, for checking approvals without GitHub:
//! the files changed from the merge base of two revisions to the head
//! (renames detected, as a pull request shows them) and a file's text at
//! either side.

use std::path::Path;

use git2::{Delta, DiffFindOptions, Oid, Repository};

use super::GitError;

/// How a file changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    Added,
    Deleted,
    Renamed { from: String },
    Modified,
}

/// One changed file, by its path in the repository.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Changed {
    pub path: String,
    pub status: Status,
}

/// A repository whose revisions are compared.
pub struct Revisions {
    repo: Repository,
}

impl Revisions {
    /// The repository holding `dir`.
    pub fn open(dir: &Path) -> Result<Revisions, GitError> {
        let repo = Repository::discover(dir).map_err(|e| GitError::NotARepository {
            path: dir.to_path_buf(),
            message: e.message().to_string(),
        })?;
        Ok(Revisions { repo })
    }

    /// The commit `rev` names.
    pub fn commit(&self, rev: &str) -> Result<Oid, GitError> {
        self.repo
            .revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
            .map(|c| c.id())
            .map_err(|e| GitError::UnknownRevision {
                rev: rev.to_string(),
                message: e.message().to_string(),
            })
    }

    /// Where `head` parted from `base` (`base` itself when they share no history).
    pub fn merge_base(&self, base: Oid, head: Oid) -> Oid {
        self.repo.merge_base(base, head).unwrap_or(base)
    }

    /// The files changed from `from` to `to`, renames detected.
    pub fn changed(&self, from: Oid, to: Oid) -> Result<Vec<Changed>, GitError> {
        let tree = |id: Oid| {
            self.repo
                .find_commit(id)
                .and_then(|c| c.tree())
                .map_err(GitError::failed(format!("read commit {id}")))
        };
        let compare = format!("compare {from} and {to}");
        let mut diff = self
            .repo
            .diff_tree_to_tree(Some(&tree(from)?), Some(&tree(to)?), None)
            .map_err(GitError::failed(compare.clone()))?;
        diff.find_similar(Some(DiffFindOptions::new().renames(true)))
            .map_err(GitError::failed(compare))?;
        let path = |f: git2::DiffFile| f.path().map(|p| p.to_string_lossy().replace('\\', "/"));
        Ok(diff
            .deltas()
            .filter_map(|delta| {
                let (old, new) = (path(delta.old_file()), path(delta.new_file()));
                let (path, status) = match (delta.status(), old, new) {
                    (Delta::Added | Delta::Copied, _, Some(p)) => (p, Status::Added),
                    (Delta::Deleted, Some(p), _) => (p, Status::Deleted),
                    (Delta::Renamed, Some(from), Some(p)) => (p, Status::Renamed { from }),
                    (_, _, Some(p)) => (p, Status::Modified),
                    _ => return None,
                };
                Some(Changed { path, status })
            })
            .collect())
    }

    /// The text of `path` at `rev`; `None` when there is no such file.
    pub fn read(&self, rev: &str, path: &str) -> Result<Option<String>, GitError> {
        let id = self.commit(rev)?;
        let tree = self
            .repo
            .find_commit(id)
            .and_then(|c| c.tree())
            .map_err(GitError::failed(format!("read `{rev}`")))?;
        let Ok(entry) = tree.get_path(Path::new(path)) else {
            return Ok(None);
        };
        let Ok(blob) = self.repo.find_blob(entry.id()) else {
            return Ok(None);
        };
        String::from_utf8(blob.content().to_vec())
            .map(Some)
            .map_err(|_| GitError::FileAt {
                file: path.to_string(),
                rev: rev.to_string(),
                problem: "is not UTF-8 text".into(),
            })
    }
}
