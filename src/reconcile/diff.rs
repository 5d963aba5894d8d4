//! `diff`: the pure comparison of what a login should hold with what Alma
//! holds, for one user in one environment. No I/O, no clock: the day is in
//! the desired state. Roles are matched by type, scope and parameter
//! values (not descriptions, not parameter scopes), and a role held is
//! planned as held but for the status and expiry granted, so what the plan
//! shows is what apply sends; Alma's duplicates of a managed role are
//! dropped; roles that are not the tool's ([`Managed`]: preserved types,
//! R2, and roles scoped outside the institution) pass through untouched,
//! duplicates and all, and so do roles that cannot be read ([`Held`]).

use std::collections::{BTreeMap, BTreeSet};

use crate::alma::role::RoleKey;
use crate::alma::{Role, RoleStatus};
use crate::lifecycle::{Inactivity, Standing};

use super::desired::{Desired, Lapse};
use super::plan::{Change, ChangeKind, UserPlan, UserStatus, sorted};

mod held;

pub use held::{Held, Managed, Unreadable};

/// The user as read from Alma: `None` when Alma has no such user.
pub type Actual<'a> = Option<&'a Held>;

/// Why a user without a desired state loses its managed roles.
const DELETED: &str = "the login file was deleted (R9)";
const UNMANAGED: &str = "no login file grants access to this staff user (unmanaged access, R11)";

/// Compares one user. `desired` is `None` when the login file was deleted
/// (R9: every managed role goes); `primary_id` names the user either way.
pub fn diff(
    environment: &str,
    primary_id: &str,
    desired: Option<&Desired>,
    actual: Actual<'_>,
    managed: &Managed,
) -> UserPlan {
    compare(environment, primary_id, desired, actual, managed, DELETED)
}

/// The plan for a staff user Alma has and no login file names, when
/// `unmanaged_access: remove`: every managed role goes (R11).
pub fn unmanaged(
    environment: &str,
    primary_id: &str,
    actual: &Held,
    managed: &Managed,
) -> UserPlan {
    compare(
        environment,
        primary_id,
        None,
        Some(actual),
        managed,
        UNMANAGED,
    )
}

fn compare(
    environment: &str,
    primary_id: &str,
    desired: Option<&Desired>,
    actual: Actual<'_>,
    managed: &Managed,
    gone: &str,
) -> UserPlan {
    let mut plan = empty(environment, primary_id, desired);
    let Some(actual) = actual else {
        plan.status = UserStatus::Waiting;
        plan.notes.push(
            "no such user in Alma yet: waiting for the account to be created by the user feed (R1)"
                .into(),
        );
        return plan;
    };
    plan.before = sorted(&actual.roles);
    plan.fingerprint = Some(actual.fingerprint());
    plan.notes.extend(actual.notes());

    // Roles that are not the tool's go back as they are, duplicates and all.
    let (kept, mine): (Vec<&Role>, Vec<&Role>) =
        actual.roles.iter().partition(|r| !managed.role(r));
    // Alma's copies of a role, grouped by what they are matched on.
    let mut held: BTreeMap<RoleKey, Vec<&Role>> = BTreeMap::new();
    for role in mine {
        held.entry(role.key()).or_default().push(role);
    }
    let mut after: Vec<Role> = kept.iter().map(|r| (*r).clone()).collect();
    let mut changes = Vec::new();
    for (role, why, lapse) in wanted(desired) {
        let copies = held.remove(&role.key());
        let passed_through = kept.iter().any(|k| k.key() == role.key());
        match copies {
            // Granted and held, but not the tool's to change.
            None if passed_through && !managed.role(&role) => {}
            None => {
                changes.push(change(ChangeKind::Add, &role, why));
                after.push(role);
            }
            Some(copies) => {
                let (sent, found) = keep(desired, &role, lapse.as_ref(), &copies);
                after.push(sent);
                changes.extend(found);
            }
        }
    }
    // Whatever is left is held but not granted.
    let why = |role: &Role| remove_reason(desired, gone, role);
    let removed: Vec<&Role> = held.into_values().flatten().collect();
    changes.extend(
        removed
            .iter()
            .map(|r| change(ChangeKind::Remove, r, why(r))),
    );
    // Alma keeps a user's roles when a PUT carries none: the last roles cannot
    // be removed, only deactivated.
    if after.is_empty() && actual.unreadable.is_empty() && !removed.is_empty() {
        changes.retain(|c| c.kind != ChangeKind::Remove);
        for role in deactivated(&removed) {
            let inactive = Role {
                status: RoleStatus::Inactive,
                ..role.clone()
            };
            if role.status == RoleStatus::Active {
                changes.push(change(ChangeKind::Deactivate, &inactive, why(role)));
            }
            after.push(inactive);
        }
        plan.notes
            .push("Alma cannot remove a user's last roles: they are set INACTIVE instead".into());
    }
    plan.after = sorted(&after);
    changes.sort_by(|a, b| (&a.role, &a.kind).cmp(&(&b.role, &b.kind)));
    plan.status = if changes.is_empty() {
        UserStatus::Unchanged
    } else {
        UserStatus::Changed
    };
    plan.changes = changes;
    plan
}

/// The plan of one user before anything is compared.
fn empty(environment: &str, primary_id: &str, desired: Option<&Desired>) -> UserPlan {
    let mut plan = UserPlan {
        environment: environment.to_string(),
        primary_id: desired.map_or(primary_id, |d| &d.primary_id).to_string(),
        file: desired.map(|d| d.file.clone()),
        unit: desired.map(|d| d.unit.clone()),
        status: UserStatus::Unchanged,
        standing: desired.map(|d| d.standing.clone()),
        notes: Vec::new(),
        before: Vec::new(),
        after: Vec::new(),
        changes: Vec::new(),
        fingerprint: None,
        requested: None,
        request_changes: Vec::new(),
        pending: Vec::new(),
    };
    if let Some(Standing::Inactive {
        why: Inactivity::AwaitingReactivation { until },
    }) = &plan.standing
    {
        plan.notes.push(format!("leave ended {until}: roles stay inactive until a reviewed change removes the `leave` block (R6)"));
    }
    plan
}

/// The roles granted, each with why, and why it expires when it does.
fn wanted(desired: Option<&Desired>) -> Vec<(Role, String, Option<Lapse>)> {
    desired.map_or_else(Vec::new, |d| {
        d.roles
            .iter()
            .map(|r| (r.role.clone(), grant_reason(d, &r.sources), r.lapse.clone()))
            .collect()
    })
}

/// A role granted and held (in `copies`, Alma's duplicates): what is sent,
/// and the changes to get there. What is sent is the role as held (its
/// parameter scopes, which are not compared) with the status and expiry
/// granted, once.
fn keep(
    desired: Option<&Desired>,
    role: &Role,
    lapse: Option<&Lapse>,
    copies: &[&Role],
) -> (Role, Vec<Change>) {
    let current = copies[0];
    let mut changes = Vec::new();
    if copies.len() > 1 {
        let kind = ChangeKind::Deduplicate {
            copies: copies.len() - 1,
        };
        let why = "Alma holds identical copies of this role";
        changes.push(change(kind, role, why.into()));
    }
    if current.status != role.status {
        let (kind, why) = match role.status {
            RoleStatus::Active => (
                ChangeKind::Activate,
                standing_reason(desired, "the login is active"),
            ),
            RoleStatus::Inactive => (
                ChangeKind::Deactivate,
                standing_reason(desired, "the login is inactive"),
            ),
        };
        changes.push(change(kind, role, why));
    }
    if current.expiry_date != role.expiry_date {
        let why = lapse.map_or_else(
            || "the login has no end_date and the grant no until".to_string(),
            Lapse::reason,
        );
        let kind = ChangeKind::Expiry {
            from: current.expiry_date,
            to: role.expiry_date,
        };
        changes.push(change(kind, role, why));
    }
    let sent = Role {
        status: role.status,
        expiry_date: role.expiry_date,
        ..current.clone()
    };
    (sent, changes)
}

/// Why a role held is not granted: the file is gone, the login ended, a
/// grant of it ended (R12), or nothing in the file grants it.
fn remove_reason(desired: Option<&Desired>, gone: &str, role: &Role) -> String {
    let Some(d) = desired else {
        return gone.to_string();
    };
    if matches!(d.standing, Standing::Ended { .. }) {
        return d.standing.describe();
    }
    let key = (&role.role_type, &role.scope);
    match d
        .ended
        .iter()
        .find(|e| e.roles.iter().any(|(t, s)| (t, s) == key))
    {
        Some(e) => format!("the grant `{}` ended on {} (until, R12)", e.grant, e.until),
        None => format!("not granted by {}", d.file),
    }
}

/// The roles removed, one copy of each, as a user's last roles are kept
/// but deactivated.
fn deactivated<'a>(removed: &[&'a Role]) -> Vec<&'a Role> {
    let mut seen = BTreeSet::new();
    removed
        .iter()
        .copied()
        .filter(|r| seen.insert(r.key()))
        .collect()
}

fn change(kind: ChangeKind, role: &Role, reason: String) -> Change {
    Change {
        kind,
        role: role.clone(),
        reason,
    }
}

fn grant_reason(desired: &Desired, sources: &[String]) -> String {
    if sources.is_empty() {
        format!("granted by {}", desired.file)
    } else {
        format!("granted by {} in {}", sources.join(" + "), desired.file)
    }
}

fn standing_reason(desired: Option<&Desired>, default: &str) -> String {
    desired.map_or_else(|| default.to_string(), |d| d.standing.describe())
}

#[cfg(test)]
mod snapshots;
#[cfg(test)]
mod tests;
