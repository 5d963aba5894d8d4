//! Which folder a path given to a command names: the access folder itself,
//! or a repository that holds `access/`. Links are looked at, not
//! followed: a linked access folder is returned as it is, for the loader
//! to refuse with a diagnostic naming it.

use std::fs::symlink_metadata as lstat;
use std::path::{Path, PathBuf};

/// A path that names no access folder.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RootError {
    #[error("`{}` does not exist; pass the access folder (default: `access`)", .0.display())]
    Missing(PathBuf),
    #[error("`{}` is not a folder; pass the access folder (default: `access`)", .0.display())]
    NotAFolder(PathBuf),
}

/// The access folder `path` names.
pub fn access_root(path: &Path) -> Result<PathBuf, RootError> {
    // Without the trailing slash, so that `access/` names a link, not its target.
    let given: PathBuf = path.components().collect();
    let meta = lstat(&given).map_err(|_| RootError::Missing(path.to_path_buf()))?;
    if meta.file_type().is_symlink() {
        return Ok(path.to_path_buf());
    }
    if !meta.is_dir() {
        return Err(RootError::NotAFolder(path.to_path_buf()));
    }
    let nested = path.join("access");
    let nested_is_link = lstat(&nested).is_ok_and(|m| m.file_type().is_symlink());
    let has_tables = |p: &Path| lstat(p.join("institution.yaml")).is_ok();
    if !has_tables(path) && (nested_is_link || has_tables(&nested)) {
        return Ok(nested);
    }
    Ok(path.to_path_buf())
}
