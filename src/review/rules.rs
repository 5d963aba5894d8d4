//! The review rules A1-A4 as a pure function: from the changed files (with
//! their base and head text), the tables at base and head, the author, the
//! head commit and the reviews, [`requirements`] computes who must approve
//! each file and whether they have.
//!
//! - A1: a login file needs a liaison of its unit (from the base
//!   `units.yaml`, so a pull request cannot make its author a liaison) and
//!   its manager; when the manager changes, the new one. A deleted login
//!   needs the base file's liaison and manager; a login moved to another
//!   unit needs a liaison of each.
//! - A2: the author never counts; the staff member's own `github` handle
//!   (at base or head) never counts for their login.
//! - A3: sensitive logins (base or head) and every change outside the login
//!   folders need a member of the base `approver_groups.systems`. A changed
//!   file that cannot be read needs the systems group too.
//! - A4: the latest review per reviewer stands (`APPROVED` counts,
//!   `CHANGES_REQUESTED` and `DISMISSED` cancel, comments change nothing),
//!   and an approval counts only when given on the head commit.

use serde::Serialize;

use super::approvers::{liaison_explanations, liaisons, systems_group};
use super::input::{Change, FileStatus, Review, Tables, parse_strict};
use super::sensitive::{PathKind, login_reasons};
use super::verdict::{evaluate, standing};
use crate::model::login::RawLogin;

/// Who must approve.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Approver {
    /// Any liaison of the unit.
    Liaison { unit: String, handles: Vec<String> },
    /// The login's manager.
    Manager { handle: String },
    /// Any member of `approver_groups.systems`.
    SystemsGroup { handles: Vec<String> },
}

impl Approver {
    /// Everyone whose approval would satisfy the requirement.
    pub fn handles(&self) -> Vec<String> {
        match self {
            Approver::Liaison { handles, .. } | Approver::SystemsGroup { handles } => {
                handles.clone()
            }
            // An imported login's placeholder manager is nobody: it can never approve.
            Approver::Manager { handle } if handle == crate::import::MANAGER_PLACEHOLDER => {
                Vec::new()
            }
            Approver::Manager { handle } => vec![handle.clone()],
        }
    }
}

impl std::fmt::Display for Approver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Approver::Liaison { unit, .. } => write!(f, "liaison of {unit}"),
            Approver::Manager { handle } => write!(f, "manager @{handle}"),
            Approver::SystemsGroup { .. } => f.write_str("systems group"),
        }
    }
}

/// An approval that does not count, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Excluded {
    pub handle: String,
    pub why: String,
}

/// One approval a file needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Requirement {
    pub file: String,
    pub who: Approver,
    pub reason: String,
    /// The approvals that satisfy it (empty: not met).
    pub met_by: Vec<String>,
    /// Approvals that were given but do not count here.
    pub excluded: Vec<Excluded>,
}

impl Requirement {
    pub fn is_met(&self) -> bool {
        !self.met_by.is_empty()
    }
}

/// The pull request's facts the rules need beside the changes.
#[derive(Clone, Copy, Debug)]
pub struct Context<'a> {
    /// The access folder in the repository, with a trailing `/` (or empty).
    pub prefix: &'a str,
    pub author: &'a str,
    pub head_sha: &'a str,
    /// In the order they were submitted.
    pub reviews: &'a [Review],
    pub base: &'a Tables,
    pub head: &'a Tables,
}

/// Every requirement of every change, files in path order.
pub fn requirements(changes: &[Change], ctx: &Context) -> Vec<Requirement> {
    let approvals = standing(ctx.reviews);
    let mut sorted: Vec<&Change> = changes.iter().collect();
    sorted.sort_by(|a, b| a.file.path.cmp(&b.file.path));
    let mut out = Vec::new();
    for change in sorted {
        for (who, reason, extra, not_counting) in for_change(change, ctx) {
            let (met_by, mut excluded) = evaluate(&who, &not_counting, &approvals, ctx.head_sha);
            for (handle, why) in extra.into_iter().filter(|_| met_by.is_empty()) {
                if let Some(a) = approvals.get(&handle.to_lowercase())
                    && !excluded
                        .iter()
                        .any(|e| e.handle.eq_ignore_ascii_case(&handle))
                    && !met_by.iter().any(|m| m.eq_ignore_ascii_case(&handle))
                {
                    excluded.push(Excluded {
                        handle: a.handle.clone(),
                        why,
                    });
                }
            }
            out.push(Requirement {
                file: change.file.path.clone(),
                who,
                reason,
                met_by,
                excluded,
            });
        }
    }
    out
}

/// A requirement before evaluation: who, why, approvers worth explaining, and who never counts.
type Draft = (
    Approver,
    String,
    Vec<(String, String)>,
    Vec<(String, String)>,
);

fn for_change(change: &Change, ctx: &Context) -> Vec<Draft> {
    let base_kind = change.file.base_path().map(|p| PathKind::of(p, ctx.prefix));
    let head_kind = change.file.head_path().map(|p| PathKind::of(p, ctx.prefix));
    let mut systems: Vec<String> = Vec::new();
    for kind in [&base_kind, &head_kind].into_iter().flatten() {
        if let Some(reason) = kind.systems_reason() {
            push_unique(&mut systems, reason);
        }
    }
    let base = read_login(&base_kind, &change.base, "base", &mut systems);
    let head = read_login(&head_kind, &change.head, "head", &mut systems);
    let mut author_only = vec![(
        ctx.author.to_lowercase(),
        "opened the pull request (A2)".to_string(),
    )];
    let mut drafts = Vec::new();
    let unit_of = |k: &Option<PathKind>| match k {
        Some(PathKind::Login { unit }) => Some(unit.clone()),
        _ => None,
    };
    let (base_unit, head_unit) = (unit_of(&base_kind), unit_of(&head_kind));
    if let Some(unit) = head_unit.clone().or(base_unit.clone()) {
        for login in [&base, &head].into_iter().flatten() {
            if let Some(github) = &login.github {
                author_only.push((
                    github.to_lowercase(),
                    "is the staff member whose login this is (A2)".to_string(),
                ));
            }
        }
        let deleted = matches!(change.file.status, FileStatus::Deleted);
        let mut units = vec![(unit.clone(), None)];
        if let (Some(from), Some(to)) = (&base_unit, &head_unit)
            && from != to
        {
            units.push((
                from.clone(),
                Some(format!("the login moves from {from} to {to}")),
            ));
        }
        for (unit, moved) in units {
            let (handles, note) = liaisons(&unit, ctx);
            let mut reason = match (&moved, deleted) {
                (Some(moved), _) => format!("A1: {moved}; a liaison of {unit} signs off"),
                (None, true) => format!("A1: a liaison of {unit} signs off the deletion"),
                (None, false) => format!("A1: a liaison of {unit} signs off"),
            };
            if let Some(note) = note {
                reason = format!("{reason} ({note})");
            }
            let named = if moved.is_some() {
                &base
            } else {
                head.as_ref().map_or(&base, |_| &head)
            };
            let extra = liaison_explanations(&unit, &handles, named, ctx);
            drafts.push((
                Approver::Liaison { unit, handles },
                reason,
                extra,
                author_only.clone(),
            ));
        }
        if let Some(draft) = manager(&base, &head, deleted) {
            drafts.push((draft.0, draft.1, draft.2, author_only.clone()));
        }
        let head_reasons = head
            .as_ref()
            .map(|l| login_reasons(l, ctx.base, ctx.head))
            .unwrap_or_default();
        for reason in &head_reasons {
            push_unique(&mut systems, format!("sensitive: {reason} (A3)"));
        }
        for reason in base
            .as_ref()
            .map(|l| login_reasons(l, ctx.base, ctx.head))
            .unwrap_or_default()
        {
            if !head_reasons.contains(&reason) {
                let when = if deleted { "" } else { " before this change" };
                push_unique(&mut systems, format!("sensitive{when}: {reason} (A3)"));
            }
        }
    }
    if !systems.is_empty() {
        let (handles, note) = systems_group(ctx);
        let mut reason = systems.join("; ");
        if let Some(note) = note {
            reason = format!("{reason} ({note})");
        }
        drafts.push((
            Approver::SystemsGroup { handles },
            reason,
            Vec::new(),
            author_only,
        ));
    }
    drafts
}

/// Reads one side of a login file; problems become reasons for the systems group.
fn read_login(
    kind: &Option<PathKind>,
    text: &Option<String>,
    side: &str,
    systems: &mut Vec<String>,
) -> Option<RawLogin> {
    if !matches!(kind, Some(PathKind::Login { .. })) {
        return None;
    }
    match text {
        None => {
            push_unique(systems, format!("the {side} version could not be read"));
            None
        }
        Some(text) => match parse_strict::<RawLogin>(text) {
            Ok(login) => Some(login),
            Err(e) => {
                push_unique(
                    systems,
                    format!("the {side} version is not a readable login ({e})"),
                );
                None
            }
        },
    }
}

type ManagerDraft = (Approver, String, Vec<(String, String)>);

fn manager(
    base: &Option<RawLogin>,
    head: &Option<RawLogin>,
    deleted: bool,
) -> Option<ManagerDraft> {
    match (base, head) {
        (Some(b), Some(h)) if !b.manager.eq_ignore_ascii_case(&h.manager) => Some((
            Approver::Manager {
                handle: h.manager.clone(),
            },
            format!(
                "A1: the manager changes from @{} to @{}; the new manager signs off",
                b.manager, h.manager
            ),
            vec![(
                b.manager.clone(),
                "was the manager before this change; the new manager signs off".to_string(),
            )],
        )),
        (_, Some(h)) => Some((
            Approver::Manager {
                handle: h.manager.clone(),
            },
            "A1: the login's manager signs off".to_string(),
            Vec::new(),
        )),
        (Some(b), None) => Some((
            Approver::Manager {
                handle: b.manager.clone(),
            },
            if deleted {
                "A1: the manager of the deleted login signs off".to_string()
            } else {
                "A1: the login's manager (as at the base) signs off".to_string()
            },
            Vec::new(),
        )),
        (None, None) => None,
    }
}

fn push_unique(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
