//! Proposals as commits on a new branch, for a pull request: HEAD's tree
//! with some files' contents replaced. Nothing is checked out; the index
//! and the working tree are not touched, so uncommitted work elsewhere is
//! safe. Each file must be committed and unchanged since (what was judged
//! is what is committed), and the access folder must have no uncommitted
//! changes.

use std::path::Path;

use git2::{BranchType, FileMode, Signature, build::TreeUpdateBuilder};

use super::{Checkout, GitError};

/// One file's new content.
#[derive(Clone, Copy, Debug)]
pub struct Replace<'a> {
    /// The file on disk.
    pub path: &'a Path,
    /// The file as diagnostics show it.
    pub display: &'a str,
    /// Its content as committed at HEAD.
    pub before: &'a str,
    pub after: &'a str,
}

/// The branch written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposal {
    pub branch: String,
    pub commit: String,
}

/// Whether `name` is a usable new branch name.
pub fn check_branch_name(name: &str) -> Result<(), GitError> {
    match git2::Branch::name_is_valid(name) {
        Ok(true) => Ok(()),
        _ => Err(GitError::Refused(format!(
            "`{name}` is not a valid git branch name"
        ))),
    }
}

/// Commits `files` on a new branch `branch` made from HEAD, with `message`.
pub fn commit_branch(
    access_dir: &Path,
    files: &[Replace<'_>],
    branch: &str,
    message: &str,
) -> Result<Proposal, GitError> {
    check_branch_name(branch)?;
    let checkout = Checkout::open(access_dir).map_err(|e| match e {
        GitError::NotARepository { path, message } => GitError::Refused(format!(
            "`{}` is not in a git repository ({message}); use --dry-run to see the proposal \
             without a branch",
            path.display()
        )),
        other => other,
    })?;
    let repo = &checkout.repo;
    let head = checkout.commit("HEAD").map_err(|e| {
        GitError::Refused(format!("the repository has no commit to branch from: {e}"))
    })?;
    if repo.find_branch(branch, BranchType::Local).is_ok() {
        return Err(GitError::Refused(format!(
            "the branch `{branch}` already exists; delete it or name another with --branch"
        )));
    }
    if super::is_dirty(access_dir) {
        return Err(GitError::Refused(format!(
            "`{}` has changes not committed (or untracked files); commit or stash them first: \
             the branch is made from HEAD",
            access_dir.display()
        )));
    }
    let failed = |doing: &str| GitError::failed(doing.to_string());
    let head_tree = head.tree().map_err(failed("read HEAD"))?;
    let workdir = super::canonical(repo.workdir().ok_or(GitError::NoWorkTree)?)?;
    let mut update = TreeUpdateBuilder::new();
    for file in files {
        let outside = || {
            GitError::Refused(format!(
                "`{}` is outside the git working tree",
                file.display
            ))
        };
        let rel = super::canonical(file.path)
            .ok()
            .and_then(|p| p.strip_prefix(&workdir).ok().map(Path::to_path_buf))
            .ok_or_else(outside)?;
        let entry = head_tree
            .get_path(&rel)
            .map_err(|_| GitError::Refused(format!("`{}` is not committed yet", file.display)))?;
        let committed = repo.find_blob(entry.id()).map_err(failed("read a file"))?;
        if committed.content() != file.before.as_bytes() {
            return Err(GitError::Refused(format!(
                "`{}` differs from its last commit; commit or stash the change first",
                file.display
            )));
        }
        let blob = repo
            .blob(file.after.as_bytes())
            .map_err(failed("write a file"))?;
        let mode = if entry.filemode() == i32::from(FileMode::BlobExecutable) {
            FileMode::BlobExecutable
        } else {
            FileMode::Blob
        };
        update.upsert(
            rel.to_string_lossy().replace('\\', "/").as_str(),
            blob,
            mode,
        );
    }
    let tree_id = update
        .create_updated(repo, &head_tree)
        .map_err(failed("build the tree"))?;
    let tree = repo.find_tree(tree_id).map_err(failed("build the tree"))?;
    let sig = repo
        .signature()
        .or_else(|_| Signature::now("alma-access", "alma-access@localhost"))
        .map_err(failed("sign the commit"))?;
    let commit = repo
        .commit(None, &sig, &sig, message, &tree, &[&head])
        .map_err(failed("commit"))?;
    let target = repo.find_commit(commit).map_err(failed("commit"))?;
    repo.branch(branch, &target, false)
        .map_err(failed(&format!("create the branch `{branch}`")))?;
    Ok(Proposal {
        branch: branch.to_string(),
        commit: commit.to_string(),
    })
}
