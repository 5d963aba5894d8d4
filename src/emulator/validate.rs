//! The emulator's check of a user's whole role list before a PUT, all or
//! nothing as Alma does it: every role type must be in the role-type code
//! table, every scope the institution or one of its libraries, roles 32, 51,
//! 221 and 299 need a `CirculationDesk` of the scope library and roles 37
//! and 214 a `ServiceUnit` of it. Alma's own codes for these refusals are
//! not documented; the `4018xx` codes below are the emulator's.

use crate::alma::error::AlmaErrorDetail;
use crate::alma::role::parse_date;
use crate::alma::wire::UserRole;

use super::state::{LibraryEntry, NamedEntry, State};

/// A role type that is not in `HFrUserRoles.roleType`.
pub const INVALID_ROLE_TYPE: &str = "401875";
/// A scope that is neither the institution nor one of its libraries.
pub const INVALID_SCOPE: &str = "401876";
/// A role without the parameter its type requires.
pub const MISSING_PARAMETER: &str = "401877";
/// A desk or service unit that is not one of the library's.
pub const INVALID_PARAMETER: &str = "401878";
/// A status other than ACTIVE or INACTIVE.
pub const INVALID_STATUS: &str = "401879";
/// An expiry date that is not a date.
pub const INVALID_DATE: &str = "401880";

/// Role types that need a circulation desk.
pub const DESK_ROLES: [&str; 4] = ["32", "51", "221", "299"];
/// Role types that need a service unit.
pub const SERVICE_UNIT_ROLES: [&str; 2] = ["37", "214"];

const DESK: &str = "CirculationDesk";
const SERVICE_UNIT: &str = "ServiceUnit";

/// Every problem of a role list, as (code, message) pairs; empty when valid.
pub(crate) fn check_roles(state: &State, roles: &[UserRole]) -> Vec<(&'static str, String)> {
    let role_types = state
        .code_table(crate::alma::ROLE_TYPE_TABLE)
        .unwrap_or_default();
    let mut problems = Vec::new();
    for role in roles {
        let kind = role.role_type.value.as_str();
        let scope = role.scope.value.as_str();
        let status = role.status.value.to_ascii_uppercase();
        if status != "ACTIVE" && status != "INACTIVE" {
            problems.push((
                INVALID_STATUS,
                format!("Role status {:?} is not valid.", role.status.value),
            ));
        }
        if !role_types.iter().any(|r| r.code == kind) {
            problems.push((
                INVALID_ROLE_TYPE,
                format!("Role type {kind:?} is not valid."),
            ));
        }
        if scope != state.institution_code && state.library(scope).is_none() {
            problems.push((
                INVALID_SCOPE,
                format!("Scope {scope:?} of role {kind} is not valid."),
            ));
        }
        let bad_date = role
            .expiry_date
            .as_deref()
            .filter(|d| !d.trim().is_empty() && parse_date(d).is_err());
        if let Some(date) = bad_date {
            problems.push((
                INVALID_DATE,
                format!("Expiry date {date:?} of role {kind} is not valid."),
            ));
        }
        for (needed, types) in [
            (DESK, &DESK_ROLES[..]),
            (SERVICE_UNIT, &SERVICE_UNIT_ROLES[..]),
        ] {
            let has = role
                .parameter
                .iter()
                .flatten()
                .any(|p| p.kind.value == needed);
            if types.contains(&kind) && !has {
                problems.push((
                    MISSING_PARAMETER,
                    format!("Role {kind} in scope {scope} requires a parameter of type {needed}."),
                ));
            }
        }
        for p in role.parameter.iter().flatten() {
            if p.kind.value != DESK && p.kind.value != SERVICE_UNIT {
                continue;
            }
            let library_code = p.scope.as_ref().map_or(scope, |s| s.value.as_str());
            let known = state
                .library(library_code)
                .and_then(|l| entries(l, &p.kind.value))
                .is_some_and(|list| list.iter().any(|e| e.code == p.value.value));
            if !known {
                problems.push((
                    INVALID_PARAMETER,
                    format!(
                        "{} {:?} is not defined in library {library_code:?} (role {kind}).",
                        p.kind.value, p.value.value
                    ),
                ));
            }
        }
    }
    problems
}

/// Fills the descriptions Alma adds to a stored role.
pub(crate) fn describe_roles(state: &State, roles: &mut [UserRole]) {
    let role_types = state
        .code_table(crate::alma::ROLE_TYPE_TABLE)
        .unwrap_or_default();
    for role in roles {
        role.status.value = role.status.value.to_ascii_uppercase();
        role.status.desc = Some(
            if role.status.value == "ACTIVE" {
                "Active"
            } else {
                "Inactive"
            }
            .into(),
        );
        if let Some(row) = role_types.iter().find(|r| r.code == role.role_type.value) {
            role.role_type.desc = Some(row.description.clone());
        }
        role.scope.desc = match state.library(&role.scope.value) {
            Some(library) => Some(library.name.clone()),
            None => state
                .institution_name
                .clone()
                .or_else(|| Some(state.institution_code.clone())),
        };
        let scope = role.scope.value.clone();
        for p in role.parameter.iter_mut().flatten() {
            let library = state.library(
                p.scope
                    .as_ref()
                    .map_or(scope.as_str(), |s| s.value.as_str()),
            );
            let found = library
                .and_then(|l| entries(l, &p.kind.value))
                .and_then(|list| list.iter().find(|e| e.code == p.value.value));
            if let Some(entry) = found {
                p.value.desc = Some(entry.name.clone());
            }
        }
    }
}

/// The desks or service units of a library, by parameter type.
fn entries<'a>(library: &'a LibraryEntry, kind: &str) -> Option<&'a [NamedEntry]> {
    match kind {
        DESK => Some(&library.circulation_desks),
        SERVICE_UNIT => Some(&library.service_units),
        _ => None,
    }
}

/// Details for a refusal, each with a fresh tracking id.
pub(crate) fn details(
    problems: Vec<(&'static str, String)>,
    mut tracking: impl FnMut() -> String,
) -> Vec<AlmaErrorDetail> {
    problems
        .into_iter()
        .map(|(code, message)| AlmaErrorDetail {
            code: code.into(),
            message,
            tracking_id: Some(tracking()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn state() -> State {
        serde_json::from_value(json!({
            "institution_code": "INST",
            "libraries": [
                {"code": "MAIN", "name": "Main", "circulation_desks": [{"code": "DESK1", "name": "Desk one"}],
                 "service_units": [{"code": "SU1", "name": "Unit one"}]},
                {"code": "BRANCH", "name": "Branch"}
            ]
        }))
        .unwrap()
    }

    fn role(kind: &str, scope: &str, params: serde_json::Value) -> UserRole {
        serde_json::from_value(json!({
            "status": {"value": "ACTIVE"}, "scope": {"value": scope}, "role_type": {"value": kind},
            "parameter": params
        }))
        .unwrap()
    }

    fn desk(scope: Option<&str>, code: &str) -> serde_json::Value {
        match scope {
            Some(s) => {
                json!({"type": {"value": "CirculationDesk"}, "scope": {"value": s}, "value": {"value": code}})
            }
            None => json!({"type": {"value": "CirculationDesk"}, "value": {"value": code}}),
        }
    }

    fn codes(roles: &[UserRole]) -> Vec<&'static str> {
        check_roles(&state(), roles)
            .into_iter()
            .map(|(c, _)| c)
            .collect()
    }

    #[test]
    fn valid_roles_pass() {
        let roles = [
            role("21", "INST", json!([])),
            role("32", "MAIN", json!([desk(None, "DESK1")])),
            role("32", "INST", json!([desk(Some("MAIN"), "DESK1")])),
            role(
                "37",
                "MAIN",
                json!([{"type": {"value": "ServiceUnit"}, "value": {"value": "SU1"}}]),
            ),
        ];
        assert!(codes(&roles).is_empty());
    }

    #[test]
    fn each_problem_is_reported() {
        assert_eq!(
            codes(&[role("999", "INST", json!([]))]),
            [INVALID_ROLE_TYPE]
        );
        assert_eq!(codes(&[role("21", "NOWHERE", json!([]))]), [INVALID_SCOPE]);
        assert_eq!(codes(&[role("32", "MAIN", json!([]))]), [MISSING_PARAMETER]);
        assert_eq!(
            codes(&[role("214", "MAIN", json!([]))]),
            [MISSING_PARAMETER]
        );
        assert_eq!(
            codes(&[role("32", "BRANCH", json!([desk(None, "DESK1")]))]),
            [INVALID_PARAMETER]
        );
        let mut bad = role("21", "INST", json!([]));
        bad.status.value = "MAYBE".into();
        bad.expiry_date = Some("soon".into());
        assert_eq!(codes(&[bad]), [INVALID_STATUS, INVALID_DATE]);
    }

    #[test]
    fn descriptions_are_filled() {
        let mut roles = vec![role("32", "MAIN", json!([desk(None, "DESK1")]))];
        describe_roles(&state(), &mut roles);
        assert_eq!(
            roles[0].role_type.desc.as_deref(),
            Some("Circulation Desk Operator")
        );
        assert_eq!(roles[0].scope.desc.as_deref(), Some("Main"));
        assert_eq!(
            roles[0].parameter.as_ref().unwrap()[0]
                .value
                .desc
                .as_deref(),
            Some("Desk one")
        );
    }
}
