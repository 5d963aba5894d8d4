//! Everything alma-access reads from or writes to git, in one place (the
//! only module that uses `git2`): the checkout an access folder lives in,
//! the commit checked out and whether it has uncommitted changes, the rule
//! that apply only moves forward ([`moves_forward`]), files and whole
//! repositories as they are at a revision ([`at`]), what changed since a
//! revision ([`changes`]), when each file last changed ([`evidence`]), the
//! files a pull request changes between two revisions ([`pull`]), and
//! proposals committed on a new branch ([`branch`]). Every failure is a
//! [`GitError`] that says what could not be done and why.

pub mod at;
pub mod branch;
pub mod changes;
pub mod evidence;
pub mod pull;

use std::path::{Path, PathBuf};

use git2::{DiffOptions, Oid, Repository};

pub use at::{institution_at, repo_at};
pub use changes::{Changes, Deleted, TableChange, changed_since};
pub use evidence::{FileChange, last_changes};

/// What went wrong with git, and where.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("`{path}` is not in a git repository: {message}")]
    NotARepository { path: PathBuf, message: String },
    #[error("the git repository has no working tree")]
    NoWorkTree,
    #[error("the access folder `{0}` is outside the git working tree")]
    OutsideWorkTree(PathBuf),
    #[error("cannot find `{path}`: {message}")]
    Path { path: PathBuf, message: String },
    #[error("cannot find revision `{rev}`: {message}")]
    UnknownRevision { rev: String, message: String },
    #[error("`{file}` at `{rev}` {problem}")]
    FileAt {
        file: String,
        rev: String,
        problem: String,
    },
    #[error(
        "refusing to apply: the checkout ({head}) is older than `{rev}` ({base}), the last commit \
         applied; applying it would undo what was applied since. Apply the default branch's \
         newest commit instead"
    )]
    OlderThanApplied {
        rev: String,
        base: String,
        head: String,
    },
    #[error(
        "refusing to apply: `{rev}` ({base}) is not in the history of the checkout ({head}); the \
         history was rewritten. A member of the systems group checks what Alma holds (plan), \
         then moves the tag to a reviewed commit of this history"
    )]
    NotInHistory {
        rev: String,
        base: String,
        head: String,
    },
    #[error("{0}")]
    Refused(String),
    #[error("cannot {doing}: {message}")]
    Failed { doing: String, message: String },
}

impl GitError {
    /// A git2 failure while `doing` something.
    pub(crate) fn failed(doing: impl Into<String>) -> impl FnOnce(git2::Error) -> GitError {
        let doing = doing.into();
        move |e| GitError::Failed {
            doing,
            message: e.message().to_string(),
        }
    }
}

/// The git repository holding an access folder, and the folder's path
/// inside its working tree (empty when the folder is the working tree).
pub struct Checkout {
    pub(crate) repo: Repository,
    pub(crate) relative: PathBuf,
}

impl Checkout {
    /// The repository holding `access_dir`.
    pub fn open(access_dir: &Path) -> Result<Checkout, GitError> {
        let repo = Repository::discover(access_dir).map_err(|e| GitError::NotARepository {
            path: access_dir.to_path_buf(),
            message: e.message().to_string(),
        })?;
        let workdir = canonical(repo.workdir().ok_or(GitError::NoWorkTree)?)?;
        let access = canonical(access_dir)?;
        let relative = access
            .strip_prefix(&workdir)
            .map_err(|_| GitError::OutsideWorkTree(access_dir.to_path_buf()))?
            .to_path_buf();
        Ok(Checkout { repo, relative })
    }

    /// The access folder's path inside the repository, `/`-separated.
    pub(crate) fn prefix(&self) -> String {
        self.relative.to_string_lossy().replace('\\', "/")
    }

    /// The commit `rev` names.
    pub(crate) fn commit(&self, rev: &str) -> Result<git2::Commit<'_>, GitError> {
        self.repo
            .revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
            .map_err(|e| GitError::UnknownRevision {
                rev: rev.to_string(),
                message: e.message().to_string(),
            })
    }

    /// The id of the commit `rev` names.
    pub(crate) fn commit_id(&self, rev: &str) -> Result<Oid, GitError> {
        self.commit(rev).map(|c| c.id())
    }
}

fn canonical(path: &Path) -> Result<PathBuf, GitError> {
    path.canonicalize().map_err(|e| GitError::Path {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// Apply only moves forward: `rev` (the last commit applied) must be the
/// commit checked out or one of its ancestors. An older checkout (an old
/// workflow run re-run) would put back access removed since, so it is
/// refused, as is a history that no longer contains `rev`.
pub fn moves_forward(access_dir: &Path, rev: &str) -> Result<(), GitError> {
    let checkout = Checkout::open(access_dir)?;
    let (base, head) = (checkout.commit_id(rev)?, checkout.commit_id("HEAD")?);
    let repo = &checkout.repo;
    if base == head || repo.graph_descendant_of(head, base).unwrap_or(false) {
        return Ok(());
    }
    let older = repo.graph_descendant_of(base, head).unwrap_or(false);
    let short = |id: Oid| id.to_string()[..12].to_string();
    let (rev, base, head) = (rev.to_string(), short(base), short(head));
    Err(if older {
        GitError::OlderThanApplied { rev, base, head }
    } else {
        GitError::NotInHistory { rev, base, head }
    })
}

/// The commit checked out, if the access folder is in a git repository with one.
pub fn head_commit(access_dir: &Path) -> Option<String> {
    let checkout = Checkout::open(access_dir).ok()?;
    Some(checkout.commit_id("HEAD").ok()?.to_string())
}

/// Whether the working tree differs from HEAD under the access folder
/// (staged, unstaged and untracked files).
pub fn is_dirty(access_dir: &Path) -> bool {
    let Ok(checkout) = Checkout::open(access_dir) else {
        return false;
    };
    let Ok(head) = checkout.repo.head().and_then(|h| h.peel_to_tree()) else {
        return false;
    };
    let mut opts = DiffOptions::new();
    opts.pathspec(checkout.prefix()).include_untracked(true);
    checkout
        .repo
        .diff_tree_to_workdir_with_index(Some(&head), Some(&mut opts))
        .map(|d| d.deltas().len() > 0)
        .unwrap_or(false)
}
