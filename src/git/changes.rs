//! What changed in git since a revision: the logins a plan must look at
//! when only some files changed (`--changed-since REV`), the login files
//! deleted since then (R9: their users lose every managed role), and the
//! shared files that changed with the logins each concerns (the change's
//! blast radius). Compares the base commit's tree with the working tree
//! (staged and unstaged changes included), so a pull request's checkout and
//! a liaison's local edits are seen alike.

use std::collections::BTreeSet;
use std::path::Path;

use git2::{Delta, DiffOptions, Repository};

use super::{Checkout, GitError};
use crate::load::FileKind;
use crate::model::AccessRepo;
use crate::yaml::{self, Value};

/// The logins touched since a base revision.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// A table (institution, catalogue, units) changed: every login is concerned.
    pub everything: bool,
    /// Lower-cased primary ids of logins whose file or profile changed.
    pub logins: BTreeSet<String>,
    /// Login files deleted (and not merely moved).
    pub deleted: Vec<Deleted>,
    /// Files changed under the access folder.
    pub files: usize,
    /// The shared files that changed (institution, catalogue, units,
    /// profiles), each with the logins it concerns: the change's blast radius.
    pub tables: Vec<TableChange>,
}

/// A login file deleted since the base revision (R9): its user loses every
/// managed role in the environments the file named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deleted {
    pub primary_id: String,
    pub file: String,
    pub environments: Vec<String>,
}

/// A shared file (institution, catalogue, units, a profile) changed since
/// the base revision, with the logins it concerns (`None`: every login).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableChange {
    /// The path inside the access folder, e.g. `catalog.yaml`.
    pub file: String,
    /// Lower-cased primary ids.
    pub logins: Option<BTreeSet<String>>,
}

/// The logins changed between `base` and the working tree.
pub fn changed_since(
    access_dir: &Path,
    base: &str,
    current: &AccessRepo,
) -> Result<Changes, GitError> {
    let checkout = Checkout::open(access_dir)?;
    let repo = &checkout.repo;
    let base_tree = checkout
        .commit(base)?
        .tree()
        .map_err(GitError::failed(format!("read `{base}`")))?;
    let prefix = checkout.prefix();
    let mut opts = DiffOptions::new();
    opts.include_untracked(true).recurse_untracked_dirs(true);
    if !prefix.is_empty() {
        opts.pathspec(&prefix);
    }
    let diff = repo
        .diff_tree_to_workdir_with_index(Some(&base_tree), Some(&mut opts))
        .map_err(GitError::failed(format!("compare with `{base}`")))?;
    let mut changes = Changes::default();
    let mut deleted_files = Vec::new();
    for delta in diff.deltas() {
        changes.files += 1;
        // (file, deleted, whether this side is the base version)
        let sides = match delta.status() {
            Delta::Deleted => vec![(delta.old_file(), true, true)],
            Delta::Added | Delta::Untracked => vec![(delta.new_file(), false, false)],
            _ => vec![
                (delta.old_file(), false, true),
                (delta.new_file(), false, false),
            ],
        };
        for (file, gone, is_base) in sides {
            let Some(path) = file.path() else { continue };
            let path = path.to_string_lossy().replace('\\', "/");
            let Some(rel) = strip(&path, &prefix) else {
                continue;
            };
            let concerns = |changes: &mut Changes, logins: Option<BTreeSet<String>>| {
                match &logins {
                    Some(ids) => changes.logins.extend(ids.iter().cloned()),
                    None => changes.everything = true,
                }
                changes.tables.push(TableChange {
                    file: rel.to_string(),
                    logins,
                });
            };
            match FileKind::classify(rel) {
                Some(FileKind::Institution)
                    if is_base || !matches!(delta.status(), Delta::Modified) =>
                {
                    concerns(&mut changes, None)
                }
                Some(FileKind::Institution) => {}
                // A table is compared from its base version; a new table concerns everyone.
                Some(kind @ (FileKind::Catalog | FileKind::Units)) if is_base => {
                    concerns(&mut changes, table_changes(repo, file.id(), &kind, current))
                }
                Some(FileKind::Catalog | FileKind::Units)
                    if delta.status() == Delta::Added || delta.status() == Delta::Untracked =>
                {
                    concerns(&mut changes, None)
                }
                Some(FileKind::Catalog | FileKind::Units) => {}
                Some(FileKind::Profile { name })
                    if is_base || !matches!(delta.status(), Delta::Modified) =>
                {
                    let users = current
                        .logins
                        .iter()
                        .filter(|l| l.profile.as_deref() == Some(name.as_str()))
                        .map(|l| l.primary_id.to_lowercase())
                        .collect();
                    concerns(&mut changes, Some(users));
                }
                Some(FileKind::Profile { .. }) => {}
                Some(FileKind::Login { stem, .. }) if gone => {
                    deleted_files.push((path.clone(), stem, file.id()))
                }
                Some(FileKind::Login { stem, .. }) => {
                    changes.logins.insert(stem.to_lowercase());
                }
                None => {}
            }
        }
    }
    for (path, stem, blob) in deleted_files {
        let (primary_id, environments) = read_deleted(repo, blob).unwrap_or((stem, None));
        if current.login(&primary_id).is_some() {
            // Moved to another unit's folder, not deleted.
            changes.logins.insert(primary_id.to_lowercase());
            continue;
        }
        changes.deleted.push(Deleted {
            primary_id,
            file: path,
            environments: environments
                .unwrap_or_else(|| current.institution.default_environments.clone()),
        });
    }
    Ok(changes)
}

/// The logins a change to catalog.yaml or units.yaml concerns: those using a
/// role type, login type or unit whose entry differs from the base version.
/// `None` when the base version cannot be read (then every login is).
fn table_changes(
    repo: &Repository,
    base_blob: git2::Oid,
    kind: &FileKind,
    current: &AccessRepo,
) -> Option<BTreeSet<String>> {
    let blob = repo.find_blob(base_blob).ok()?;
    let root = yaml::parse(std::str::from_utf8(blob.content()).ok()?).root?;
    let base = yaml::to_json(&root);
    let base = base.as_object()?;
    let now = match kind {
        FileKind::Catalog => serde_json::to_value(&current.catalog).ok()?,
        _ => serde_json::to_value(&current.units).ok()?,
    };
    let now = now.as_object()?;
    // Entries compared through the typed form, so formatting and comments do not count.
    let typed_base: serde_json::Value = match kind {
        FileKind::Catalog => serde_json::to_value(
            serde_json::from_value::<crate::model::Catalog>(serde_json::Value::Object(
                base.clone(),
            ))
            .ok()?,
        )
        .ok()?,
        _ => serde_json::to_value(
            serde_json::from_value::<crate::model::Units>(serde_json::Value::Object(base.clone()))
                .ok()?,
        )
        .ok()?,
    };
    let typed_base = typed_base.as_object()?;
    let changed: BTreeSet<&str> = typed_base
        .keys()
        .chain(now.keys())
        .filter(|k| typed_base.get(*k) != now.get(*k))
        .map(String::as_str)
        .collect();
    let login_types_changed = |kind: crate::model::LoginType| {
        let name = kind.as_str();
        typed_base.get("login_types").and_then(|t| t.get(name))
            != now.get("login_types").and_then(|t| t.get(name))
    };
    Some(
        current
            .logins
            .iter()
            .filter(|l| match kind {
                FileKind::Catalog => {
                    login_types_changed(l.kind)
                        || l.roles.keys().any(|rt| changed.contains(rt.as_str()))
                }
                _ => changed.contains(l.unit.as_str()),
            })
            .map(|l| l.primary_id.to_lowercase())
            .collect(),
    )
}

fn strip<'a>(path: &'a str, prefix: &str) -> Option<&'a str> {
    if prefix.is_empty() {
        Some(path)
    } else {
        path.strip_prefix(prefix)?.strip_prefix('/')
    }
}

/// The primary id and environments a deleted login file declared.
fn read_deleted(repo: &Repository, blob: git2::Oid) -> Option<(String, Option<Vec<String>>)> {
    let blob = repo.find_blob(blob).ok()?;
    let text = std::str::from_utf8(blob.content()).ok()?;
    let root = yaml::parse(text).root?;
    let primary_id = match &root.get("primary_id")?.value.value {
        Value::Str(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        _ => return None,
    };
    let environments = root.get("environments").and_then(|e| match &e.value.value {
        Value::Seq(items) => Some(
            items
                .iter()
                .filter_map(|n| match &n.value {
                    Value::Str(s) => Some(s.clone()),
                    _ => None,
                })
                .collect(),
        ),
        _ => None,
    });
    Some((primary_id, environments))
}
