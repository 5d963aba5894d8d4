//! Proposing edits as a reviewed change (R8): edited login files are first
//! validated together with the rest of the repository (in memory), then
//! committed on a new branch for a pull request. The branch's commit is
//! HEAD's tree with the edited blobs replaced; nothing is checked out, the
//! index and the working tree are not touched (unless the caller also
//! asks for [`write_files`]), so uncommitted work elsewhere is safe. The
//! access folder itself must match HEAD, so what was judged is what is
//! committed.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::edit::EditError;
use crate::diag::render;
use crate::git::GitError;
use crate::git::branch::{self, Replace};
use crate::load::{self, RawFile};
use crate::model::Login;
use crate::validate;

/// One edited file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileEdit {
    /// The path as diagnostics show it (the login's `file`).
    pub display: String,
    /// Where it is on disk.
    pub path: PathBuf,
    pub before: String,
    pub after: String,
}

pub use crate::git::branch::Proposal;

/// Why a proposal was not made.
#[derive(Debug, thiserror::Error)]
pub enum ProposeError {
    #[error("cannot read `{file}`: {source}")]
    Read {
        file: String,
        source: std::io::Error,
    },
    #[error("cannot edit `{file}`: {reason}")]
    Edit { file: String, reason: EditError },
    /// The edited repository has errors; `diagnostics` shows them rendered.
    #[error("the {what} would not validate; nothing was written")]
    Invalid { what: String, diagnostics: String },
    #[error(transparent)]
    Git(#[from] GitError),
    #[error("cannot write `{file}`: {source}")]
    Write {
        file: String,
        source: std::io::Error,
    },
}

/// How edited files are delivered: committed on a new branch (unless a dry
/// run, or nothing changed) and, with `write`, also into the working tree.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Delivery {
    pub dry_run: bool,
    pub write: bool,
}

/// Delivers edited login files: checks that the repository with them
/// validates, commits them on `branch` with `message` (unless a dry run or
/// nothing changed), and with `write` also writes them into the working
/// tree. `what` names the files in the error ("swept files").
pub fn deliver(
    root: &Path,
    edits: &[FileEdit],
    today: NaiveDate,
    delivery: Delivery,
    what: &str,
    branch: &str,
    message: &str,
) -> Result<Option<Proposal>, ProposeError> {
    if let Some(diagnostics) = errors_with(root, edits, today) {
        return Err(ProposeError::Invalid {
            what: what.to_string(),
            diagnostics,
        });
    }
    let mut proposal = None;
    if !edits.is_empty() && !delivery.dry_run {
        proposal = Some(commit_branch(root, edits, branch, message)?);
    }
    if delivery.write {
        write_files(edits)?;
    }
    Ok(proposal)
}

/// Reads a login's file from the access folder `root` and edits its text.
pub fn edit_login(
    root: &Path,
    login: &Login,
    edit: impl FnOnce(&str) -> Result<String, EditError>,
) -> Result<FileEdit, ProposeError> {
    let path = root
        .join("logins")
        .join(&login.unit)
        .join(format!("{}.yaml", login.primary_id));
    let file = || login.file.clone();
    let before = std::fs::read_to_string(&path).map_err(|source| ProposeError::Read {
        file: file(),
        source,
    })?;
    let after = edit(&before).map_err(|reason| ProposeError::Edit {
        file: file(),
        reason,
    })?;
    Ok(FileEdit {
        display: login.file.clone(),
        path,
        before,
        after,
    })
}

/// The errors the access folder at `root` would have with `edits`
/// applied, rendered with file, line and column; `None` when it is valid.
fn errors_with(root: &Path, edits: &[FileEdit], today: NaiveDate) -> Option<String> {
    let loaded = load::load_dir(root);
    let raw = loaded
        .files
        .iter()
        .map(|f| {
            let text = edits
                .iter()
                .find(|e| e.display == f.display)
                .map(|e| e.after.clone())
                .or_else(|| loaded.sources.get(&f.display).cloned())
                .unwrap_or_default();
            RawFile {
                display: f.display.clone(),
                kind: f.kind.clone(),
                bytes: Ok(text.into_bytes()),
            }
        })
        .collect();
    let edited = load::parse_files(raw);
    let outcome = validate::validate(&edited, today);
    if !outcome.has_errors() {
        return None;
    }
    let errors: Vec<_> = outcome
        .diagnostics
        .into_iter()
        .filter(|d| d.is_error())
        .collect();
    Some(render::text(&errors, &edited.sources))
}

/// Whether `name` is a usable new branch name.
pub fn check_branch_name(name: &str) -> Result<(), GitError> {
    branch::check_branch_name(name)
}

/// Commits `edits` on a new branch `branch` made from HEAD, with `message`.
pub fn commit_branch(
    root: &Path,
    edits: &[FileEdit],
    branch: &str,
    message: &str,
) -> Result<Proposal, GitError> {
    let files: Vec<Replace<'_>> = edits
        .iter()
        .map(|e| Replace {
            path: &e.path,
            display: &e.display,
            before: &e.before,
            after: &e.after,
        })
        .collect();
    branch::commit_branch(root, &files, branch, message)
}

/// Writes the edited files into the working tree.
pub fn write_files(edits: &[FileEdit]) -> Result<(), ProposeError> {
    for edit in edits {
        std::fs::write(&edit.path, &edit.after).map_err(|source| ProposeError::Write {
            file: edit.display.clone(),
            source,
        })?;
    }
    Ok(())
}
