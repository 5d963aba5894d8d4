//! Saved plans (`plan --out FILE`): a record of what reviewers saw, never
//! an instruction. Its digest is a plain SHA-256 that anyone can recompute,
//! so it only catches accidents; `apply --plan FILE` trusts nothing else in
//! the file either. It takes from it the commit, the environments and the
//! scope, plans afresh from the repository at that commit, and applies the
//! fresh plan only when it is the same: the same users, the same changes,
//! the same roles after, the same safety verdict. A plan made on a working
//! tree with uncommitted changes names no reviewed commit and is never
//! applied.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use super::plan::{ChangeKind, FORMAT, Plan, SavedPlan, UserStatus};
use crate::alma::Role;

/// The plan as saved and printed for machines: the plan with its digest.
pub fn artifact(plan: &Plan) -> String {
    let saved = SavedPlan {
        digest: plan.digest(),
        plan: plan.clone(),
    };
    serde_json::to_string_pretty(&saved).expect("plans serialize")
}

/// Writes the plan's artifact to `path`, making its folder.
pub fn write(plan: &Plan, path: &Path) -> std::io::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, artifact(plan) + "\n")
}

/// Why a saved plan cannot be applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SavedPlanError {
    /// The file cannot be read, or is not a plan.
    Unreadable { path: PathBuf, message: String },
    /// A plan of another file format.
    Format { path: PathBuf, found: u32 },
    /// The digest does not match: the file was changed after it was made.
    Altered { path: PathBuf },
    /// Made at another commit than the one checked out.
    Stale {
        path: PathBuf,
        made_at: Option<String>,
        checked_out: Option<String>,
    },
    /// Made on a working tree with uncommitted changes (or outside git).
    Unreviewed { path: PathBuf },
    /// A fresh plan at the same commit differs from the saved one.
    Differs {
        path: PathBuf,
        differences: Vec<String>,
    },
}

impl fmt::Display for SavedPlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SavedPlanError::Unreadable { path, message } => {
                write!(
                    f,
                    "{} is not a readable plan file: {message}",
                    path.display()
                )
            }
            SavedPlanError::Format { path, found } => write!(
                f,
                "{} has plan format {found}, this alma-access reads format {FORMAT}; make a new plan",
                path.display()
            ),
            SavedPlanError::Altered { path } => write!(
                f,
                "{} was altered after it was made (its digest does not match); make a new plan",
                path.display()
            ),
            SavedPlanError::Stale {
                path,
                made_at,
                checked_out,
            } => write!(
                f,
                "{} is stale: it was made at commit {}, the repository is at {}; make a new plan",
                path.display(),
                made_at.as_deref().unwrap_or("(none)"),
                checked_out.as_deref().unwrap_or("(none)")
            ),
            SavedPlanError::Unreviewed { path } => write!(
                f,
                "{} was made on a working tree with uncommitted changes (or outside git), so it \
                 describes no reviewed commit and cannot be applied; commit the change, have it \
                 reviewed, and plan again",
                path.display()
            ),
            SavedPlanError::Differs { path, differences } => write!(
                f,
                "{} is not what a fresh plan of its commit shows, so it was not applied; make a \
                 new plan and review it. Differences: {}",
                path.display(),
                differences.join("; ")
            ),
        }
    }
}

impl std::error::Error for SavedPlanError {}

/// Reads a saved plan and checks it was made at `commit` (the checkout's).
/// `confirm`: the plan is about to be applied, so it must name a clean commit.
pub fn read(path: &Path, commit: Option<&str>, confirm: bool) -> Result<Plan, SavedPlanError> {
    let unreadable = |message: String| SavedPlanError::Unreadable {
        path: path.to_path_buf(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| unreadable(e.to_string()))?;
    let saved: SavedPlan = serde_json::from_str(&text).map_err(|e| unreadable(e.to_string()))?;
    let path = path.to_path_buf();
    if saved.plan.format != FORMAT {
        let found = saved.plan.format;
        return Err(SavedPlanError::Format { path, found });
    }
    if saved.plan.digest() != saved.digest {
        return Err(SavedPlanError::Altered { path });
    }
    let made_at = saved.plan.commit.clone();
    let unreviewed = made_at.as_deref().is_none_or(|c| c.ends_with("-dirty"));
    if confirm && unreviewed {
        return Err(SavedPlanError::Unreviewed { path });
    }
    if made_at.as_deref() != commit {
        let checked_out = commit.map(str::to_string);
        return Err(SavedPlanError::Stale {
            path,
            made_at,
            checked_out,
        });
    }
    Ok(saved.plan)
}

/// What apply compares per user: what is written and what it is written
/// over. Reasons are left out: they name files by the path the access
/// folder was given as, and they change nothing that is written.
type Shown<'a> = (
    UserStatus,
    Vec<(&'a ChangeKind, &'a Role)>,
    &'a [Role],
    Option<&'a str>,
);

/// Each user of a plan, by environment and lower-cased primary id.
fn shown(plan: &Plan) -> BTreeMap<(String, String), Shown<'_>> {
    plan.users
        .iter()
        .map(|u| {
            let key = (u.environment.clone(), u.primary_id.to_lowercase());
            let changes = u.changes.iter().map(|c| (&c.kind, &c.role)).collect();
            let value = (u.status, changes, &u.after[..], u.fingerprint.as_deref());
            (key, value)
        })
        .collect()
}

/// Checks that `fresh`, planned anew at the saved plan's commit, is what
/// `saved` shows; the differences otherwise, at most a dozen named.
pub fn compare(path: &Path, saved: &Plan, fresh: &Plan) -> Result<(), SavedPlanError> {
    let mut differences = Vec::new();
    if saved.environments != fresh.environments || saved.scope != fresh.scope {
        differences.push("it covers other environments or logins".to_string());
    }
    let (old, new) = (shown(saved), shown(fresh));
    for key in old
        .keys()
        .chain(new.keys().filter(|k| !old.contains_key(*k)))
    {
        let (env, id) = key;
        match (old.get(key), new.get(key)) {
            (Some(a), Some(b)) if a == b => {}
            (Some(_), Some(_)) => differences.push(format!("{env} {id}: the changes differ")),
            (Some(_), None) => differences.push(format!("{env} {id}: not in a fresh plan")),
            (None, _) => differences.push(format!("{env} {id}: missing from the saved plan")),
        }
    }
    if saved.safety != fresh.safety {
        let verdict = |p: &Plan| match p.safety.len() {
            0 => "ok".to_string(),
            n => format!("{n} safety stop(s)"),
        };
        differences.push(format!(
            "the safety verdict differs (saved: {}; fresh: {})",
            verdict(saved),
            verdict(fresh)
        ));
    }
    if saved.errors.len() != fresh.errors.len() {
        differences.push("users that could not be read differ".to_string());
    }
    if differences.is_empty() {
        return Ok(());
    }
    let more = differences.len().saturating_sub(12);
    differences.truncate(12);
    if more > 0 {
        differences.push(format!("and {more} more"));
    }
    Err(SavedPlanError::Differs {
        path: path.to_path_buf(),
        differences,
    })
}
