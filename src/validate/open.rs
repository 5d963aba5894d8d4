//! What every command that works on a valid repository starts from: the
//! access folder a path names (the folder itself, or a repository that
//! holds `access/`), read and validated for a day. An invalid repository
//! is refused with its diagnostics, rendered with file, line and column.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::diag::render;
use crate::load::{self, RootError};
use crate::model::AccessRepo;

/// A repository read from its folder and valid on `today`.
pub struct Valid {
    /// The access folder.
    pub root: PathBuf,
    pub repo: AccessRepo,
    pub today: NaiveDate,
}

impl Valid {
    /// The folder beside the access folder (for `.alma-access/`).
    pub fn repo_root(&self) -> &Path {
        self.root
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
    }
}

/// Why there is no valid repository to start from.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(transparent)]
    Root(#[from] RootError),
    /// The repository has errors: `diagnostics` shows them all, rendered.
    #[error("the access repository is not valid ({summary}); fix it first")]
    Invalid {
        diagnostics: String,
        summary: String,
    },
}

/// The access folder `path` names, validated for `today`.
pub fn open(path: &Path, today: NaiveDate) -> Result<Valid, OpenError> {
    let root = load::access_root(path)?;
    let (loaded, outcome) = super::validate_dir(&root, today);
    match outcome.repo {
        Some(repo) => Ok(Valid { root, repo, today }),
        None => Err(OpenError::Invalid {
            diagnostics: render::text(&outcome.diagnostics, &loaded.sources),
            summary: render::summary(&outcome.diagnostics, outcome.files),
        }),
    }
}
