//! Safety gates (R10), checked on a plan before anything is written:
//! too many removals, too few holders left of a critical role, any change to
//! a protected user. Pure: a plan and the repository in, stops out.

use std::collections::BTreeMap;

use crate::alma::RoleStatus;
use crate::model::AccessRepo;

use super::desired::Desired;
use super::plan::{ChangeKind, Plan, SafetyStop, Scope};

/// Checks a plan against `institution.yaml`'s `safety` settings. `desired`
/// is every login's desired state per environment (not only the planned
/// ones), so holders are counted across the whole institution.
pub fn check(
    plan: &Plan,
    repo: &AccessRepo,
    desired: &BTreeMap<String, BTreeMap<String, Desired>>,
) -> Vec<SafetyStop> {
    let safety = &repo.institution.safety;
    let mut stops = Vec::new();
    let removals = plan
        .changed()
        .flat_map(|u| &u.changes)
        .filter(|c| c.kind == ChangeKind::Remove)
        .count();
    if let Some(max) = safety.max_removals {
        if removals > max.count as usize {
            stops.push(SafetyStop {
                rule: "max_removals.count".into(),
                message: format!(
                    "the plan removes {removals} roles; institution.yaml allows {} per apply",
                    max.count
                ),
            });
        }
        // A share only means something over the whole institution.
        let held: usize = plan.users.iter().map(|u| u.before.len()).sum();
        if let (Some(ratio), Scope::Full) = (max.ratio, &plan.scope)
            && held > 0
            && removals as f64 / held as f64 > ratio
        {
            stops.push(SafetyStop {
                rule: "max_removals.ratio".into(),
                message: format!(
                    "the plan removes {removals} of {held} roles ({:.0}%); institution.yaml allows {:.0}%",
                    100.0 * removals as f64 / held as f64,
                    100.0 * ratio
                ),
            });
        }
    }
    for (code, min) in &safety.min_holders {
        for (env, logins) in desired {
            let takes_away = plan
                .changed()
                .filter(|u| &u.environment == env)
                .flat_map(|u| &u.changes)
                .any(|c| {
                    &c.role.role_type == code
                        && matches!(c.kind, ChangeKind::Remove | ChangeKind::Deactivate)
                });
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
                    rule: "min_holders".into(),
                    message: format!("role {code} would have {holders} active holders in {env}; institution.yaml requires at least {min}"),
                });
            }
        }
    }
    for user in plan.changed() {
        if safety
            .protected_users
            .iter()
            .any(|p| p.eq_ignore_ascii_case(&user.primary_id))
        {
            stops.push(SafetyStop {
                rule: "protected_users".into(),
                message: format!(
                    "{} is a protected user in {}; its roles are changed by hand only",
                    user.primary_id, user.environment
                ),
            });
        }
    }
    stops
}
