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
use git2::{BranchType, FileMode, Repository, Signature, build::TreeUpdateBuilder};

use crate::diag::render;
use crate::history;
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

/// The branch written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposal {
    pub branch: String,
    pub commit: String,
}

/// Reads a login's file from the access folder `root` and edits its text.
pub fn edit_login(
    root: &Path,
    login: &Login,
    edit: impl FnOnce(&str) -> Result<String, String>,
) -> Result<FileEdit, String> {
    let path = root
        .join("logins")
        .join(&login.unit)
        .join(format!("{}.yaml", login.primary_id));
    let before =
        std::fs::read_to_string(&path).map_err(|e| format!("cannot read `{}`: {e}", login.file))?;
    let after = edit(&before).map_err(|e| format!("cannot edit `{}`: {e}", login.file))?;
    Ok(FileEdit {
        display: login.file.clone(),
        path,
        before,
        after,
    })
}

/// Validates the access folder at `root` as it would be with `edits`
/// applied. On errors, returns them rendered (with file, line and column).
pub fn validate_with(root: &Path, edits: &[FileEdit], today: NaiveDate) -> Result<(), String> {
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
        return Ok(());
    }
    let errors: Vec<_> = outcome
        .diagnostics
        .into_iter()
        .filter(|d| d.is_error())
        .collect();
    Err(render::text(&errors, &edited.sources))
}

/// Whether `name` is a usable new branch name.
pub fn check_branch_name(name: &str) -> Result<(), String> {
    match git2::Branch::name_is_valid(name) {
        Ok(true) => Ok(()),
        _ => Err(format!("`{name}` is not a valid git branch name")),
    }
}

/// Commits `edits` on a new branch `branch` made from HEAD, with `message`.
pub fn commit_branch(
    root: &Path,
    edits: &[FileEdit],
    branch: &str,
    message: &str,
) -> Result<Proposal, String> {
    check_branch_name(branch)?;
    let repo = Repository::discover(root).map_err(|e| {
        format!(
            "`{}` is not in a git repository ({}); use --dry-run to see the proposal without a branch",
            root.display(),
            e.message()
        )
    })?;
    let workdir = repo
        .workdir()
        .ok_or("the git repository has no working tree")?
        .canonicalize()
        .map_err(|e| e.to_string())?;
    let head = repo.head().and_then(|h| h.peel_to_commit()).map_err(|e| {
        format!(
            "the repository has no commit to branch from: {}",
            e.message()
        )
    })?;
    if repo.find_branch(branch, BranchType::Local).is_ok() {
        return Err(format!(
            "the branch `{branch}` already exists; delete it or name another with --branch"
        ));
    }
    if history::is_dirty(root) {
        return Err(format!(
            "`{}` has changes not committed (or untracked files); commit or stash them first: the branch is made from HEAD",
            root.display()
        ));
    }
    let head_tree = head.tree().map_err(|e| e.message().to_string())?;
    let mut update = TreeUpdateBuilder::new();
    for edit in edits {
        let rel = edit
            .path
            .canonicalize()
            .ok()
            .and_then(|p| p.strip_prefix(&workdir).ok().map(Path::to_path_buf))
            .ok_or_else(|| format!("`{}` is outside the git working tree", edit.display))?;
        let entry = head_tree
            .get_path(&rel)
            .map_err(|_| format!("`{}` is not committed yet", edit.display))?;
        let committed = repo
            .find_blob(entry.id())
            .map_err(|e| e.message().to_string())?;
        if committed.content() != edit.before.as_bytes() {
            return Err(format!(
                "`{}` differs from its last commit; commit or stash the change first",
                edit.display
            ));
        }
        let blob = repo
            .blob(edit.after.as_bytes())
            .map_err(|e| e.message().to_string())?;
        let mode = if entry.filemode() == i32::from(FileMode::BlobExecutable) {
            FileMode::BlobExecutable
        } else {
            FileMode::Blob
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        update.upsert(rel.as_str(), blob, mode);
    }
    let tree_id = update
        .create_updated(&repo, &head_tree)
        .map_err(|e| e.message().to_string())?;
    let tree = repo
        .find_tree(tree_id)
        .map_err(|e| e.message().to_string())?;
    let sig = repo
        .signature()
        .or_else(|_| Signature::now("alma-access", "alma-access@localhost"))
        .map_err(|e| e.message().to_string())?;
    let commit = repo
        .commit(None, &sig, &sig, message, &tree, &[&head])
        .map_err(|e| format!("cannot commit: {}", e.message()))?;
    let target = repo
        .find_commit(commit)
        .map_err(|e| e.message().to_string())?;
    repo.branch(branch, &target, false)
        .map_err(|e| format!("cannot create the branch `{branch}`: {}", e.message()))?;
    Ok(Proposal {
        branch: branch.to_string(),
        commit: commit.to_string(),
    })
}

/// Writes the edited files into the working tree.
pub fn write_files(edits: &[FileEdit]) -> Result<(), String> {
    for edit in edits {
        std::fs::write(&edit.path, &edit.after)
            .map_err(|e| format!("cannot write `{}`: {e}", edit.display))?;
    }
    Ok(())
}
