//! What changed in git: the logins a plan must look at when only some files
//! changed (`--changed-since REV`), and the login files deleted since then
//! (R9: their users lose every managed role). Compares the base commit's
//! tree with the working tree (staged and unstaged changes included), so a
//! pull request's checkout and a liaison's local edits are seen alike.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use git2::{Delta, DiffOptions, Repository};

mod evidence;

pub use evidence::{FileChange, last_changes};

use crate::load::FileKind;
use crate::model::{AccessRepo, Institution};
use crate::reconcile::{Deleted, TableChange};
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

/// The git repository holding `access_dir`, and the access folder's path within it.
fn open(access_dir: &Path) -> Result<(Repository, PathBuf), String> {
    let repo = Repository::discover(access_dir).map_err(|e| {
        format!(
            "`{}` is not in a git repository: {}",
            access_dir.display(),
            e.message()
        )
    })?;
    let workdir = repo
        .workdir()
        .ok_or("the git repository has no working tree")?
        .canonicalize()
        .map_err(|e| e.to_string())?;
    let access = access_dir.canonicalize().map_err(|e| e.to_string())?;
    let relative = access
        .strip_prefix(&workdir)
        .map_err(|_| "the access folder is outside the git working tree".to_string())?
        .to_path_buf();
    Ok((repo, relative))
}

/// `institution.yaml` as it is at revision `rev`: the reviewed settings a
/// plan of a change must connect with. Read strictly, as validate reads it;
/// an absent or unreadable file is an error (a plan is then refused).
pub fn institution_at(access_dir: &Path, rev: &str) -> Result<Institution, String> {
    let (repo, relative) = open(access_dir)?;
    let commit = repo
        .revparse_single(rev)
        .and_then(|o| o.peel_to_commit())
        .map_err(|e| format!("cannot find revision `{rev}`: {}", e.message()))?;
    let path = relative.join("institution.yaml");
    let shown = path.to_string_lossy().replace('\\', "/");
    let entry = commit
        .tree()
        .and_then(|t| t.get_path(&path))
        .map_err(|_| format!("`{shown}` does not exist at `{rev}`"))?;
    let blob = entry
        .to_object(&repo)
        .and_then(|o| o.peel_to_blob())
        .map_err(|_| format!("`{shown}` at `{rev}` is not a file"))?;
    let text = std::str::from_utf8(blob.content())
        .map_err(|_| format!("`{shown}` at `{rev}` is not UTF-8 text"))?;
    let doc = yaml::parse(text);
    if let Some(problem) = doc.problems.first() {
        return Err(format!(
            "`{shown}` at `{rev}` is not valid YAML (line {})",
            problem.span().start.line
        ));
    }
    let root = doc
        .root
        .ok_or_else(|| format!("`{shown}` at `{rev}` is empty"))?;
    serde_yaml::from_value(yaml::to_serde_yaml(&root))
        .map_err(|e| format!("`{shown}` at `{rev}` cannot be read: {e}"))
}

/// The access repository as it is at revision `rev`, read from git and
/// validated for `today` like the working tree (links and oversized files
/// refused, as on disk). `None` when it does not validate there.
pub fn repo_at(
    access_dir: &Path,
    rev: &str,
    today: chrono::NaiveDate,
) -> Result<Option<AccessRepo>, String> {
    let (repo, relative) = open(access_dir)?;
    let tree = repo
        .revparse_single(rev)
        .and_then(|o| o.peel_to_tree())
        .map_err(|e| format!("cannot find revision `{rev}`: {}", e.message()))?;
    let tree = if relative.as_os_str().is_empty() {
        tree
    } else {
        match tree
            .get_path(&relative)
            .and_then(|e| e.to_object(&repo))
            .and_then(|o| o.peel_to_tree())
        {
            Ok(t) => t,
            Err(_) => return Ok(None),
        }
    };
    let mut raw = Vec::new();
    tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
        let rel = format!("{dir}{}", entry.name().unwrap_or_default());
        let Some(kind) = FileKind::classify(&rel) else {
            return git2::TreeWalkResult::Ok;
        };
        // Only plain blobs: a link (mode 120000) is never read as content.
        let blob = (entry.filemode() & 0o170000 == 0o100000)
            .then(|| repo.find_blob(entry.id()).ok())
            .flatten()
            .filter(|b| (b.size() as u64) <= crate::load::MAX_FILE_BYTES);
        if let Some(blob) = blob {
            raw.push(crate::load::RawFile {
                display: rel,
                kind,
                bytes: Ok(blob.content().to_vec()),
            });
        }
        git2::TreeWalkResult::Ok
    })
    .map_err(|e| format!("cannot read `{rev}`: {}", e.message()))?;
    let loaded = crate::load::parse_files(raw);
    Ok(crate::validate::validate(&loaded, today).repo)
}

/// Apply only moves forward: `rev` (the last commit applied) must be the
/// commit checked out or one of its ancestors. An older checkout (an old
/// workflow run re-run) would put back access removed since, so it is
/// refused, as is a history that no longer contains `rev`.
pub fn moves_forward(access_dir: &Path, rev: &str) -> Result<(), String> {
    let (repo, _) = open(access_dir)?;
    let find = |r: &str| {
        repo.revparse_single(r)
            .and_then(|o| o.peel_to_commit())
            .map(|c| c.id())
            .map_err(|e| format!("cannot find revision `{r}`: {}", e.message()))
    };
    let (base, head) = (find(rev)?, find("HEAD")?);
    if base == head || repo.graph_descendant_of(head, base).unwrap_or(false) {
        return Ok(());
    }
    let older = repo.graph_descendant_of(base, head).unwrap_or(false);
    let short = |id: git2::Oid| id.to_string()[..12].to_string();
    Err(if older {
        format!(
            "refusing to apply: the checkout ({}) is older than `{rev}` ({}), the last commit \
             applied; applying it would undo what was applied since. Apply the default branch's \
             newest commit instead",
            short(head),
            short(base)
        )
    } else {
        format!(
            "refusing to apply: `{rev}` ({}) is not in the history of the checkout ({}); the \
             history was rewritten. A member of the systems group checks what Alma holds \
             (plan), then moves the tag to a reviewed commit of this history",
            short(base),
            short(head)
        )
    })
}

/// The commit checked out, if the access folder is in a git repository with one.
pub fn head_commit(access_dir: &Path) -> Option<String> {
    let (repo, _) = open(access_dir).ok()?;
    let head = repo.head().ok()?.peel_to_commit().ok()?;
    Some(head.id().to_string())
}

/// Whether the working tree differs from HEAD under the access folder.
pub fn is_dirty(access_dir: &Path) -> bool {
    let Ok((repo, relative)) = open(access_dir) else {
        return false;
    };
    let Ok(head) = repo.head().and_then(|h| h.peel_to_tree()) else {
        return false;
    };
    let mut opts = DiffOptions::new();
    opts.pathspec(relative.to_string_lossy().as_ref())
        .include_untracked(true);
    repo.diff_tree_to_workdir_with_index(Some(&head), Some(&mut opts))
        .map(|d| d.deltas().len() > 0)
        .unwrap_or(false)
}

/// The logins changed between `base` and the working tree.
pub fn changed_since(
    access_dir: &Path,
    base: &str,
    current: &AccessRepo,
) -> Result<Changes, String> {
    let (repo, relative) = open(access_dir)?;
    let base_tree = repo
        .revparse_single(base)
        .and_then(|o| o.peel_to_tree())
        .map_err(|e| format!("cannot find revision `{base}`: {}", e.message()))?;
    let prefix = relative.to_string_lossy().replace('\\', "/");
    let mut opts = DiffOptions::new();
    opts.include_untracked(true).recurse_untracked_dirs(true);
    if !prefix.is_empty() {
        opts.pathspec(&prefix);
    }
    let diff = repo
        .diff_tree_to_workdir_with_index(Some(&base_tree), Some(&mut opts))
        .map_err(|e| format!("cannot compare with `{base}`: {}", e.message()))?;
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
                Some(kind @ (FileKind::Catalog | FileKind::Units)) if is_base => concerns(
                    &mut changes,
                    table_changes(&repo, file.id(), &kind, current),
                ),
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
        let (primary_id, environments) = read_deleted(&repo, blob).unwrap_or((stem, None));
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
