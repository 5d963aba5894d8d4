//! The desired state: each login compiled into the exact Alma roles it
//! should hold on a given day (R1-R7). Grants come from the catalogue,
//! profile, unit and `additional_roles` ([`crate::model::grants`]); the
//! login's standing ([`crate::lifecycle`]) sets their status, `end_date`
//! and each grant's `until` their expiry (R5, R12); a grant whose `until`
//! has passed gives nothing. Pure: the day is passed in.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::alma::{Role, RoleParameter, RoleStatus};
use crate::lifecycle::{self, Standing};
use crate::model::grants::{self, AlmaGrant, BySource, GrantSource};
use crate::model::{AccessRepo, Login};

/// One role a login should hold, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DesiredRole {
    pub role: Role,
    /// What grants it, e.g. `fulfillment operator-extended`.
    pub sources: Vec<String>,
    /// Why it expires when it does (its `expiry_date`), if it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lapse: Option<Lapse>,
}

/// Why a role expires on its `expiry_date`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lapse {
    /// The login's last day of work (R5).
    EndDate(NaiveDate),
    /// The last day of the grant that gives it longest (R12).
    Until { grant: String, day: NaiveDate },
}

impl Lapse {
    /// The role's `expiry_date`.
    pub fn day(&self) -> NaiveDate {
        match self {
            Lapse::EndDate(day) | Lapse::Until { day, .. } => *day,
        }
    }

    /// The earlier of the last day of work and the grants' last day.
    fn of(end_date: Option<NaiveDate>, until: Option<(NaiveDate, GrantSource)>) -> Option<Lapse> {
        match (end_date, until) {
            (Some(end), Some((day, _))) if end <= day => Some(Lapse::EndDate(end)),
            (_, Some((day, grant))) => Some(Lapse::Until {
                grant: grant.to_string(),
                day,
            }),
            (end, None) => end.map(Lapse::EndDate),
        }
    }

    /// Why the role expires then, in words.
    pub fn reason(&self) -> String {
        match self {
            Lapse::EndDate(day) => {
                format!("access lapses after the last day of work, {day} (end_date, R5)")
            }
            Lapse::Until { grant, day } => {
                format!("the grant `{grant}` ends on {day} (until, R12)")
            }
        }
    }
}

/// A grant whose `until` has passed, and the roles it gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndedGrant {
    /// `course-reserves`, `fulfillment temporary-cover`.
    pub grant: String,
    pub until: NaiveDate,
    /// `(role type, scope)` of each role it gave.
    pub roles: Vec<(String, String)>,
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
    /// Grants that ended (R12): their roles go unless another grant gives them.
    pub ended: Vec<EndedGrant>,
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
    let mut ended = Vec::new();
    if !matches!(standing, Standing::Ended { .. })
        && let Some(unit) = repo.units.get(&login.unit)
    {
        let inst = &repo.institution.institution;
        let by_source = grants::by_source(login, &repo.catalog, unit, inst);
        for e in grants::entitled(login, &by_source, today) {
            let lapse = Lapse::of(login.end_date, e.until);
            roles.push(DesiredRole {
                role: to_role(&e.grant, status, lapse.as_ref().map(Lapse::day)),
                sources: e.sources.iter().map(ToString::to_string).collect(),
                lapse,
            });
        }
        ended = ended_grants(login, &by_source, today);
    }
    roles.sort_by(|a, b| a.role.cmp(&b.role));
    Desired {
        primary_id: login.primary_id.clone(),
        file: login.file.clone(),
        unit: login.unit.clone(),
        environments: login.environments.clone(),
        standing,
        roles,
        ended,
    }
}

/// The grants of `login` that ended before `today` (R12), with their roles.
fn ended_grants(login: &Login, by_source: &BySource, today: NaiveDate) -> Vec<EndedGrant> {
    by_source
        .iter()
        .filter_map(|(source, set)| {
            let until = grants::until_of(login, source).filter(|last| *last < today)?;
            Some(EndedGrant {
                grant: source.to_string(),
                until,
                roles: set
                    .iter()
                    .map(|g| (g.role_type.clone(), g.scope.clone()))
                    .collect(),
            })
        })
        .collect()
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
