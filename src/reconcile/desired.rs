//! The desired state: each login compiled into the exact Alma roles it
//! should hold on a given day (R1-R7). Grants come from the catalogue,
//! profile, unit and `additional_roles` ([`crate::model::grants`]); the
//! login's standing ([`crate::lifecycle`]) sets their status, `end_date`
//! their expiry. Pure: the day is passed in.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::alma::{Role, RoleParameter, RoleStatus};
use crate::lifecycle::{self, Standing};
use crate::model::grants::{self, AlmaGrant};
use crate::model::{AccessRepo, Login};

/// One role a login should hold, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DesiredRole {
    pub role: Role,
    /// What grants it, e.g. `fulfillment operator-extended`.
    pub sources: Vec<String>,
}

/// What one login should hold in Alma.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Desired {
    pub primary_id: String,
    pub file: String,
    pub unit: String,
    pub environments: Vec<String>,
    pub standing: Standing,
    /// Sorted by role; empty once the login has ended.
    pub roles: Vec<DesiredRole>,
}

/// Compiles one login for `today`.
pub fn compile(repo: &AccessRepo, login: &Login, today: NaiveDate) -> Desired {
    let standing = lifecycle::standing(login, &repo.institution, today);
    let status = if standing.is_active() {
        RoleStatus::Active
    } else {
        RoleStatus::Inactive
    };
    let mut roles = Vec::new();
    if !matches!(standing, Standing::Ended { .. })
        && let Some(unit) = repo.units.get(&login.unit)
    {
        // Sources per merged grant, so each role can say where it comes from.
        let by_source =
            grants::by_source(login, &repo.catalog, unit, &repo.institution.institution);
        let mut sources: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
        for (source, set) in &by_source {
            for grant in set {
                sources
                    .entry((grant.role_type.clone(), grant.scope.clone()))
                    .or_default()
                    .push(source.to_string());
            }
        }
        for grant in grants::entitlements(login, &repo.catalog, unit, &repo.institution.institution)
        {
            let key = (grant.role_type.clone(), grant.scope.clone());
            roles.push(DesiredRole {
                role: to_role(&grant, status, login.end_date),
                sources: sources.remove(&key).unwrap_or_default(),
            });
        }
    }
    roles.sort_by(|a, b| a.role.cmp(&b.role));
    Desired {
        primary_id: login.primary_id.clone(),
        file: login.file.clone(),
        unit: login.unit.clone(),
        environments: login.environments.clone(),
        standing,
        roles,
    }
}

/// Compiles every login that applies to `environment`, keyed by lower-cased primary id.
pub fn for_environment(
    repo: &AccessRepo,
    environment: &str,
    today: NaiveDate,
) -> BTreeMap<String, Desired> {
    repo.logins
        .iter()
        .filter(|l| l.environments.iter().any(|e| e == environment))
        .map(|l| (l.primary_id.to_lowercase(), compile(repo, l, today)))
        .collect()
}

fn to_role(grant: &AlmaGrant, status: RoleStatus, expiry: Option<NaiveDate>) -> Role {
    Role {
        role_type: grant.role_type.clone(),
        scope: grant.scope.clone(),
        status,
        expiry_date: expiry,
        parameters: grant
            .parameters
            .iter()
            .map(|(kind, value)| RoleParameter {
                kind: kind.clone(),
                value: value.clone(),
                scope: Some(grant.scope.clone()),
            })
            .collect(),
    }
}
