//! Safety gates (R10), checked on a plan before anything is written. Every
//! loss of access counts toward the caps (a removal, a deactivation, an
//! expiry date moved earlier), per environment, against the count and
//! against the share of all the institution's managed roles in that
//! environment, whatever the plan's scope. Beside the caps: too few active
//! holders left of a critical role, and any change to a protected user.
//! Pure: a plan and the repository in, losses and stops out. Only the caps
//! yield, and only to an explicit override that the audit log records.

use std::collections::{BTreeMap, BTreeSet};

use crate::alma::RoleStatus;
use crate::model::AccessRepo;

use super::desired::Desired;
use super::diff::Managed;
use super::plan::{ChangeKind, Losses, Plan, SafetyRule, SafetyStop, UserStatus};
use super::shown::{Shown, shown};

/// Whether a change takes access away: a removal, a deactivation, or an
/// expiry date set or moved earlier.
pub fn is_loss(kind: &ChangeKind) -> bool {
    match kind {
        ChangeKind::Remove | ChangeKind::Deactivate => true,
        ChangeKind::Expiry { from, to } => match (from, to) {
            (None, Some(_)) => true,
            (Some(from), Some(to)) => to < from,
            _ => false,
        },
        ChangeKind::Add | ChangeKind::Activate | ChangeKind::Deduplicate { .. } => false,
    }
}

/// Per environment of the plan: its losses of access, and every managed role
/// of the institution there (as read for the users planned, as the repository
/// grants them for the logins the plan did not read).
pub fn losses(
    plan: &Plan,
    desired: &BTreeMap<String, BTreeMap<String, Desired>>,
    managed: &Managed,
) -> BTreeMap<String, Losses> {
    let mut out = BTreeMap::new();
    for env in &plan.environments {
        let users: Vec<_> = plan
            .users
            .iter()
            .filter(|u| &u.environment == env)
            .collect();
        let read: BTreeSet<String> = users.iter().map(|u| u.primary_id.to_lowercase()).collect();
        let held: usize = users
            .iter()
            .map(|u| u.before.iter().filter(|r| managed.role(r)).count())
            .sum();
        let granted: usize = desired
            .get(env)
            .into_iter()
            .flatten()
            .filter(|(id, _)| !read.contains(*id))
            .map(|(_, d)| d.roles.len())
            .sum();
        // A role whose parameters change is one update, a loss only when a parameter goes.
        let count = users
            .iter()
            .filter(|u| u.status == UserStatus::Changed)
            .flat_map(|u| shown(&u.changes))
            .filter(Shown::is_loss)
            .count();
        out.insert(
            env.clone(),
            Losses {
                count,
                managed: held + granted,
            },
        );
    }
    out
}

/// Checks a plan (with its `losses` filled in) against `institution.yaml`'s
/// `safety` settings. `desired` is every login's desired state per
/// environment (not only the planned ones), so holders are counted across
/// the whole institution.
pub fn check(
    plan: &Plan,
    repo: &AccessRepo,
    desired: &BTreeMap<String, BTreeMap<String, Desired>>,
) -> Vec<SafetyStop> {
    let mut stops = caps(plan, repo);
    stops.extend(min_holders(plan, repo, desired));
    stops.extend(protected(plan, repo));
    stops
}

/// The caps on losses of access, per environment.
fn caps(plan: &Plan, repo: &AccessRepo) -> Vec<SafetyStop> {
    let Some(max) = repo.institution.safety.max_removals else {
        return Vec::new();
    };
    let override_hint = "if this mass change is intended, a member of the systems group \
                         applies it with `apply --allow-mass-change REASON` (recorded in the audit log)";
    let mut stops = Vec::new();
    for (env, losses) in &plan.losses {
        if losses.count > max.count as usize {
            stops.push(SafetyStop {
                rule: SafetyRule::MaxRemovalsCount,
                message: format!(
                    "{env}: the plan takes away access {} times (removals, deactivations, earlier expiry); \
                     institution.yaml allows {} per apply; {override_hint}",
                    losses.count, max.count
                ),
            });
        }
        if let Some(ratio) = max.ratio
            && losses.managed > 0
            && losses.count as f64 / losses.managed as f64 > ratio
        {
            stops.push(SafetyStop {
                rule: SafetyRule::MaxRemovalsRatio,
                message: format!(
                    "{env}: the plan takes away {} of the institution's {} managed roles ({:.1}%); \
                     institution.yaml allows {:.1}%; {override_hint}",
                    losses.count,
                    losses.managed,
                    100.0 * losses.count as f64 / losses.managed as f64,
                    100.0 * ratio
                ),
            });
        }
    }
    stops
}

fn min_holders(
    plan: &Plan,
    repo: &AccessRepo,
    desired: &BTreeMap<String, BTreeMap<String, Desired>>,
) -> Vec<SafetyStop> {
    let mut stops = Vec::new();
    for (code, min) in &repo.institution.safety.min_holders {
        for (env, logins) in desired {
            let takes_away = plan
                .changed()
                .filter(|u| &u.environment == env)
                .flat_map(|u| &u.changes)
                .any(|c| &c.role.role_type == code && is_loss(&c.kind));
            let holders = logins
                .values()
                .filter(|d| {
                    d.roles
                        .iter()
                        .any(|r| &r.role.role_type == code && r.role.status == RoleStatus::Active)
                })
                .count();
            if takes_away && holders < *min as usize {
                stops.push(SafetyStop {
                    rule: SafetyRule::MinHolders,
                    message: format!("role {code} would have {holders} active holders in {env}; institution.yaml requires at least {min}"),
                });
            }
        }
    }
    stops
}

fn protected(plan: &Plan, repo: &AccessRepo) -> Vec<SafetyStop> {
    let protected = &repo.institution.safety.protected_users;
    plan.changed()
        .filter(|u| {
            protected
                .iter()
                .any(|p| p.eq_ignore_ascii_case(&u.primary_id))
        })
        .map(|user| SafetyStop {
            rule: SafetyRule::ProtectedUsers,
            message: format!(
                "{} is a protected user in {}; its roles are changed by hand only",
                user.primary_id, user.environment
            ),
        })
        .collect()
}

/// Why a plan must not be applied at all, if it must not. With
/// `mass_change` (an intended mass change, its reason given), the caps on
/// losses of access yield; unreadable users, minimum holders and protected
/// users never do.
pub fn refusal(plan: &Plan, mass_change: bool) -> Option<String> {
    if !plan.errors.is_empty() {
        return Some(format!(
            "{} user(s) could not be read; nothing was written (a failed read is never taken for \"no roles\")",
            plan.errors.len()
        ));
    }
    let stops: Vec<String> = plan
        .safety
        .iter()
        .filter(|s| !(mass_change && s.rule.is_cap()))
        .map(|s| format!("{}: {}", s.rule, s.message))
        .collect();
    (!stops.is_empty()).then(|| format!("safety stop, nothing was written: {}", stops.join("; ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn day(d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(2027, 5, d)
    }

    #[test]
    fn every_loss_of_access_counts() {
        assert!(is_loss(&ChangeKind::Remove));
        assert!(is_loss(&ChangeKind::Deactivate));
        assert!(is_loss(&ChangeKind::Expiry {
            from: None,
            to: day(1)
        }));
        assert!(is_loss(&ChangeKind::Expiry {
            from: day(20),
            to: day(1)
        }));
        assert!(!is_loss(&ChangeKind::Expiry {
            from: day(1),
            to: day(20)
        }));
        assert!(!is_loss(&ChangeKind::Expiry {
            from: day(1),
            to: None
        }));
        assert!(!is_loss(&ChangeKind::Add));
        assert!(!is_loss(&ChangeKind::Activate));
        assert!(!is_loss(&ChangeKind::Deduplicate { copies: 3 }));
    }
}
