//! When each login file last changed, for auditors: walking the default
//! branch's first-parent history from the commit checked out, the commit
//! that brought each file's current version in (on a branch merged through
//! pull requests, the merge: its subject names the pull request), its date,
//! and the approvers its message records in `Approved-by:` or
//! `Reviewed-by:` trailers, when it does. A commit that changed only a
//! file's comments or layout (the editor-schema line, say) did not change
//! what it grants and is passed over: it says nothing of when the access
//! was last decided, and re-certification is counted from that.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, NaiveDate};
use git2::{DiffOptions, Repository};

use super::{Checkout, GitError};

/// How far back the walk goes.
const MAX_COMMITS: usize = 20_000;

/// The commit that last changed a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileChange {
    pub commit: String,
    pub date: NaiveDate,
    /// The commit's first line (a merge names its pull request).
    pub subject: String,
    /// From `Approved-by:` / `Reviewed-by:` trailers.
    pub approvers: Vec<String>,
}

/// For each file under the access folder (by its path inside it, e.g.
/// `logins/main/80012345.yaml`), the first-parent commit that last changed it.
pub fn last_changes(access_dir: &Path) -> Result<BTreeMap<String, FileChange>, GitError> {
    let checkout = Checkout::open(access_dir)?;
    let (repo, prefix) = (&checkout.repo, checkout.prefix());
    let mut commit = checkout.commit("HEAD")?;
    let mut out = BTreeMap::new();
    for _ in 0..MAX_COMMITS {
        let parent = commit.parents().next();
        for path in changed(repo, &commit, parent.as_ref(), &prefix)? {
            out.entry(path).or_insert_with(|| describe(&commit));
        }
        match parent {
            Some(p) => commit = p,
            None => break,
        }
    }
    Ok(out)
}

/// The files under `prefix` that `commit` changed against `parent`.
fn changed(
    repo: &Repository,
    commit: &git2::Commit,
    parent: Option<&git2::Commit>,
    prefix: &str,
) -> Result<Vec<String>, GitError> {
    let read = || GitError::failed(format!("read commit {}", commit.id()));
    let tree = commit.tree().map_err(read())?;
    let base = parent.map(|p| p.tree()).transpose().map_err(read())?;
    let mut opts = DiffOptions::new();
    if !prefix.is_empty() {
        opts.pathspec(prefix);
    }
    let diff = repo
        .diff_tree_to_tree(base.as_ref(), Some(&tree), Some(&mut opts))
        .map_err(read())?;
    let strip = |p: &str| -> Option<String> {
        if prefix.is_empty() {
            Some(p.to_string())
        } else {
            p.strip_prefix(prefix)?
                .strip_prefix('/')
                .map(str::to_string)
        }
    };
    Ok(diff
        .deltas()
        .filter(|d| !same_meaning(repo, d.old_file().id(), d.new_file().id()))
        .filter_map(|d| {
            d.new_file()
                .path()
                .map(|p| p.to_string_lossy().replace('\\', "/"))
        })
        .filter_map(|p| strip(&p))
        .collect())
}

/// Whether two versions of a file hold the same YAML values (only comments
/// or layout differ). A version that is missing or does not read as YAML
/// counts as a change.
fn same_meaning(repo: &Repository, old: git2::Oid, new: git2::Oid) -> bool {
    let value = |id: git2::Oid| {
        let blob = repo.find_blob(id).ok()?;
        let text = std::str::from_utf8(blob.content()).ok()?;
        let doc = crate::yaml::parse(text);
        if !doc.problems.is_empty() {
            return None;
        }
        doc.root.map(|root| crate::yaml::to_json(&root))
    };
    if old.is_zero() || new.is_zero() {
        return false;
    }
    matches!((value(old), value(new)), (Some(a), Some(b)) if a == b)
}

fn describe(commit: &git2::Commit) -> FileChange {
    let message = commit.message().unwrap_or_default();
    let approvers = message
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            ["Approved-by:", "Reviewed-by:"]
                .iter()
                .find_map(|t| l.strip_prefix(t))
                .map(|who| who.trim().to_string())
        })
        .filter(|who| !who.is_empty())
        .collect();
    FileChange {
        commit: commit.id().to_string(),
        date: DateTime::from_timestamp(commit.time().seconds(), 0)
            .map_or(NaiveDate::MIN, |t| t.date_naive()),
        subject: message.lines().next().unwrap_or_default().to_string(),
        approvers,
    }
}
