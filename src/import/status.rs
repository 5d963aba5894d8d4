//! What Alma's role status and expiry dates become in a login file, and
//! what a plan would still change once the file exists. Every managed role
//! INACTIVE: a `suspended` block (reason other, "imported inactive"); some
//! inactive: imported as granted, and the plan activates them. The expiry
//! most roles share becomes `end_date`. The prediction compiles the login
//! and diffs it with the reconciler's own functions, so it is exactly what
//! `plan` will show for the user.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{Note, Options, SUSPENDED_NOTE};
use crate::alma::{Role, RoleStatus};
use crate::model::login::Suspension;
use crate::model::{AccessRepo, Login, SuspendReason};
use crate::reconcile::{Change, ChangeKind, desired, diff};

/// Status and expiry: `suspended` when every managed role is inactive,
/// `end_date` from the expiry most roles share.
pub fn lifecycle(login: &mut Login, managed: &[Role], today: NaiveDate, notes: &mut Vec<Note>) {
    let inactive = managed
        .iter()
        .filter(|r| r.status == RoleStatus::Inactive)
        .count();
    if inactive == managed.len() {
        login.suspended = Some(Suspension {
            since: today,
            reason: SuspendReason::Other,
            note: Some(SUSPENDED_NOTE.to_string()),
        });
        notes.push(Note::info(format!(
            "all {inactive} managed role(s) are INACTIVE in Alma: written as `suspended` (reason other, \"{SUSPENDED_NOTE}\")"
        )));
    } else if inactive > 0 {
        notes.push(Note::warn(format!(
            "{inactive} of {} managed roles are INACTIVE in Alma: imported as granted; the plan will activate them",
            managed.len()
        )));
    }
    let mut counts: BTreeMap<Option<NaiveDate>, usize> = BTreeMap::new();
    for r in managed {
        *counts.entry(r.expiry_date).or_default() += 1;
    }
    // Most roles first; among equals a date before none, earlier before later.
    let chosen = counts
        .iter()
        .max_by(|a, b| {
            (a.1, a.0.is_some(), std::cmp::Reverse(a.0)).cmp(&(
                b.1,
                b.0.is_some(),
                std::cmp::Reverse(b.0),
            ))
        })
        .and_then(|(d, _)| *d);
    login.end_date = chosen;
    if counts.len() > 1 {
        let dates: Vec<String> = counts
            .keys()
            .map(|d| d.map_or("none".to_string(), |d| d.to_string()))
            .collect();
        notes.push(Note::warn(format!(
            "the roles expire on different days ({}): end_date {}; the plan will align the others",
            dates.join(", "),
            chosen.map_or("left out".to_string(), |d| d.to_string())
        )));
    }
    if let Some(end) = chosen
        && end < today
    {
        notes.push(Note::warn(format!(
            "the roles expired on {end}: the login has ended and the plan will remove them (R5)"
        )));
    }
}

/// The changes a plan would make to this user once the file exists.
pub fn predict(repo: &AccessRepo, login: &Login, held: &[Role], options: &Options) -> Vec<Change> {
    let wanted = desired::compile(repo, login, options.today);
    diff::diff(
        &options.environment,
        &login.primary_id,
        Some(&wanted),
        Some(&diff::Held::from(held.to_vec())),
        &diff::Managed::of(repo),
    )
    .changes
}

/// One warning per kind of change a plan would still make, with why.
pub fn plan_notes(plan: &[Change]) -> Vec<Note> {
    let mut groups: BTreeMap<(&str, String), Vec<String>> = BTreeMap::new();
    for c in plan {
        let why = match c.kind {
            ChangeKind::Deduplicate { .. } => {
                "Alma holds identical copies, and a login file cannot list a role twice".to_string()
            }
            ChangeKind::Activate => {
                "a login file cannot keep one role inactive while the others are active".to_string()
            }
            ChangeKind::Expiry { .. } => {
                "a login file has one end_date for all its roles".to_string()
            }
            _ => c.reason.clone(),
        };
        groups
            .entry((c.kind.label(), why))
            .or_default()
            .push(format!("{} at {}", c.role.role_type, c.role.scope));
    }
    groups
        .into_iter()
        .map(|((label, why), roles)| {
            Note::warn(format!(
                "a plan will still {label} {} role(s) of this user ({}): {why}",
                roles.len(),
                roles.join(", ")
            ))
        })
        .collect()
}
