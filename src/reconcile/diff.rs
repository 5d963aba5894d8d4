//! `diff`: the pure comparison of what a login should hold with what Alma
//! holds, for one user in one environment. No I/O, no clock: the day is in
//! the desired state. Roles are matched by type, scope and parameter
//! values (not descriptions, not parameter scopes), and a role held is
//! planned as held but for the status and expiry granted, so what the plan
//! shows is what apply sends; Alma's duplicates are dropped; roles the
//! institution preserves pass through untouched (R2).

use std::collections::{BTreeMap, BTreeSet};

use crate::alma::role::RoleKey;
use crate::alma::{Role, RoleStatus, normalize};
use crate::lifecycle::{Inactivity, Standing};

use super::desired::Desired;
use super::plan::{Change, ChangeKind, UserPlan, UserStatus, fingerprint, sorted};

/// The user as read from Alma: `None` when Alma has no such user.
pub type Actual<'a> = Option<&'a [Role]>;

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
    preserve: &BTreeSet<String>,
) -> UserPlan {
    compare(environment, primary_id, desired, actual, preserve, DELETED)
}

/// The plan for a staff user Alma has and no login file names, when
/// `unmanaged_access: remove`: every managed role goes (R11).
pub fn unmanaged(
    environment: &str,
    primary_id: &str,
    actual: &[Role],
    preserve: &BTreeSet<String>,
) -> UserPlan {
    compare(
        environment,
        primary_id,
        None,
        Some(actual),
        preserve,
        UNMANAGED,
    )
}

fn compare(
    environment: &str,
    primary_id: &str,
    desired: Option<&Desired>,
    actual: Actual<'_>,
    preserve: &BTreeSet<String>,
    gone: &str,
) -> UserPlan {
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
    };
    if let Some(Standing::Inactive {
        why: Inactivity::AwaitingReactivation { until },
    }) = &plan.standing
    {
        plan.notes.push(format!("leave ended {until}: roles stay inactive until a reviewed change removes the `leave` block (R6)"));
    }
    let Some(actual) = actual else {
        plan.status = UserStatus::Waiting;
        plan.notes.push(
            "no such user in Alma yet: waiting for the account to be created by the user feed (R1)"
                .into(),
        );
        return plan;
    };
    plan.before = sorted(actual);
    plan.fingerprint = Some(fingerprint(actual));

    let (preserved, managed): (Vec<&Role>, Vec<&Role>) =
        actual.iter().partition(|r| preserve.contains(&r.role_type));
    // Alma's copies of a role, grouped by what they are matched on.
    let mut held: BTreeMap<RoleKey, Vec<&Role>> = BTreeMap::new();
    for role in &managed {
        held.entry(role.key()).or_default().push(role);
    }
    let wanted: Vec<(Role, String)> = match desired {
        Some(d) => d
            .roles
            .iter()
            .map(|r| (r.role.clone(), grant_reason(d, &r.sources)))
            .collect(),
        None => Vec::new(),
    };
    let mut after: Vec<Role> = preserved.iter().map(|r| (*r).clone()).collect();
    let mut changes = Vec::new();
    for (role, why) in &wanted {
        match held.remove(&role.key()) {
            None => {
                changes.push(change(ChangeKind::Add, role, why.clone()));
                after.push(role.clone());
            }
            Some(copies) => {
                let current = copies[0];
                // What is sent: the role as held (its parameter scopes, which
                // are not compared), with the status and expiry granted.
                after.push(Role {
                    status: role.status,
                    expiry_date: role.expiry_date,
                    ..current.clone()
                });
                if copies.len() > 1 {
                    changes.push(change(
                        ChangeKind::Deduplicate {
                            copies: copies.len() - 1,
                        },
                        role,
                        "Alma holds identical copies of this role".into(),
                    ));
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
                    let why = match role.expiry_date {
                        Some(d) => {
                            format!("access lapses after the last day of work, {d} (end_date, R5)")
                        }
                        None => "the login has no end_date".to_string(),
                    };
                    changes.push(change(
                        ChangeKind::Expiry {
                            from: current.expiry_date,
                            to: role.expiry_date,
                        },
                        role,
                        why,
                    ));
                }
            }
        }
    }
    // Whatever is left is held but not granted.
    let remove_reason = match desired {
        None => gone.to_string(),
        Some(d) if matches!(d.standing, Standing::Ended { .. }) => d.standing.describe(),
        Some(d) => format!("not granted by {}", d.file),
    };
    let mut removed: Vec<Role> = Vec::new();
    for copies in held.into_values() {
        for role in copies {
            removed.push(role.clone());
            changes.push(change(ChangeKind::Remove, role, remove_reason.clone()));
        }
    }
    // Alma keeps a user's roles when a PUT carries none: the last roles cannot
    // be removed, only deactivated.
    if after.is_empty() && !removed.is_empty() {
        changes.retain(|c| c.kind != ChangeKind::Remove);
        let mut seen = BTreeSet::new();
        for role in removed {
            if !seen.insert(role.key()) {
                continue;
            }
            let mut inactive = role.clone();
            inactive.status = RoleStatus::Inactive;
            if role.status == RoleStatus::Active {
                changes.push(change(
                    ChangeKind::Deactivate,
                    &inactive,
                    remove_reason.clone(),
                ));
            }
            after.push(inactive);
        }
        plan.notes
            .push("Alma cannot remove a user's last roles: they are set INACTIVE instead".into());
    }
    plan.after = normalize(after);
    changes.sort_by(|a, b| (&a.role, &a.kind).cmp(&(&b.role, &b.kind)));
    plan.status = if changes.is_empty() {
        UserStatus::Unchanged
    } else {
        UserStatus::Changed
    };
    plan.changes = changes;
    plan
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
mod tests;
