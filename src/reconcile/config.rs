//! Alma's own configuration, checked before a write fails. Alma refuses a
//! whole user update when any one of its roles is invalid, a role the user
//! already held included (one scoped to a library since closed, say). So a
//! plan reads, once per environment, the role type code table, the
//! libraries, and the circulation desks of the libraries its roles name,
//! and reports:
//!
//! - roles the repository grants that Alma does not have (a role type, a
//!   library, a desk missing from Alma): those users are blocked, nothing
//!   of theirs is applied, and the plan says which catalogue or units entry
//!   to fix;
//! - roles a user holds, and would keep, that Alma will now refuse: a
//!   warning with the role and the fix, since that user's write would fail.
//!
//! The role type table also names every role code in the plan.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::desired::Desired;
use crate::alma::{AlmaError, AlmaRead, ROLE_TYPE_TABLE, Role};

/// The parameter type that names a circulation desk.
const DESK: &str = "CirculationDesk";

/// What one environment's Alma is configured with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AlmaConfig {
    pub institution: String,
    /// Role type code -> its name in Alma.
    pub role_types: BTreeMap<String, String>,
    pub libraries: BTreeSet<String>,
    /// Library -> its circulation desks (only the libraries read).
    pub desks: BTreeMap<String, BTreeSet<String>>,
}

/// Reads the configuration `roles` need checking against: the role type
/// table, the libraries, and the desks of each library a desk parameter of
/// `roles` names.
pub async fn read<R: AlmaRead>(
    reader: &R,
    institution: &str,
    roles: &[&Role],
) -> Result<AlmaConfig, AlmaError> {
    let role_types = reader
        .code_table(ROLE_TYPE_TABLE)
        .await?
        .into_iter()
        .map(|row| (row.code, row.description))
        .collect();
    let libraries: BTreeSet<String> = reader
        .libraries()
        .await?
        .into_iter()
        .map(|l| l.code)
        .collect();
    let mut desks = BTreeMap::new();
    let wanted: BTreeSet<&str> = roles
        .iter()
        .filter(|r| r.parameters.iter().any(|p| p.kind == DESK))
        .map(|r| desk_library(r))
        .filter(|l| libraries.contains(*l))
        .collect();
    for library in wanted {
        let codes = reader
            .circulation_desks(library)
            .await?
            .into_iter()
            .map(|d| d.code)
            .collect();
        desks.insert(library.to_string(), codes);
    }
    Ok(AlmaConfig {
        institution: institution.to_string(),
        role_types,
        libraries,
        desks,
    })
}

/// The library a role's desks belong to: a desk parameter's own scope, or the role's.
fn desk_library(role: &Role) -> &str {
    role.parameters
        .iter()
        .find(|p| p.kind == DESK)
        .and_then(|p| p.scope.as_deref())
        .unwrap_or(&role.scope)
}

/// Why Alma would refuse a role, if it would.
pub fn refusal(config: &AlmaConfig, role: &Role) -> Option<String> {
    if !config.role_types.contains_key(&role.role_type) {
        return Some(format!(
            "role type {} is not in Alma's role table ({ROLE_TYPE_TABLE})",
            role.role_type
        ));
    }
    let scoped_to_library = !role.scope.eq_ignore_ascii_case(&config.institution);
    if scoped_to_library && !config.libraries.contains(&role.scope) {
        return Some(format!("library {} does not exist in Alma", role.scope));
    }
    for p in role.parameters.iter().filter(|p| p.kind == DESK) {
        let library = desk_library(role);
        if let Some(desks) = config.desks.get(library)
            && !desks.contains(&p.value)
        {
            return Some(format!(
                "circulation desk {} is not a desk of library {library} in Alma",
                p.value
            ));
        }
    }
    None
}

/// A problem with Alma's configuration found by a plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ConfigFinding {
    /// The repository grants a role Alma does not have: the user is blocked.
    Missing {
        environment: String,
        primary_id: String,
        role: Role,
        why: String,
        /// Where the grant comes from, e.g. `fulfillment operator-extended`.
        sources: Vec<String>,
    },
    /// A user holds, and would keep, a role Alma will refuse on a write.
    Refused {
        environment: String,
        primary_id: String,
        role: Role,
        why: String,
    },
}

/// The roles of `desired` that Alma does not have, with why.
pub fn missing(config: &AlmaConfig, desired: &Desired) -> Vec<(Role, String, Vec<String>)> {
    desired
        .roles
        .iter()
        .filter_map(|r| {
            refusal(config, &r.role).map(|why| (r.role.clone(), why, r.sources.clone()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alma::{RoleParameter, RoleStatus};

    fn role(code: &str, scope: &str, desk: Option<&str>) -> Role {
        Role {
            role_type: code.into(),
            scope: scope.into(),
            status: RoleStatus::Active,
            expiry_date: None,
            parameters: desk
                .map(|d| RoleParameter {
                    kind: DESK.into(),
                    value: d.into(),
                    scope: Some(scope.into()),
                })
                .into_iter()
                .collect(),
        }
    }

    #[test]
    fn roles_alma_lacks_are_named() {
        let config = AlmaConfig {
            institution: "01X".into(),
            role_types: [("221".to_string(), "Circulation Desk Manager".to_string())].into(),
            libraries: ["MAIN".to_string()].into(),
            desks: [("MAIN".to_string(), ["MAIN_CIRC".to_string()].into())].into(),
        };
        assert_eq!(
            refusal(&config, &role("221", "MAIN", Some("MAIN_CIRC"))),
            None
        );
        assert_eq!(refusal(&config, &role("221", "01X", None)), None);
        let why = |r: Role| refusal(&config, &r).unwrap();
        assert!(why(role("999", "01X", None)).contains("role type 999"));
        assert!(why(role("221", "CLOSED", None)).contains("library CLOSED"));
        assert!(why(role("221", "MAIN", Some("OLD_DESK"))).contains("desk OLD_DESK"));
    }
}
