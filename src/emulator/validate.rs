//! The emulator's check of a user's whole role list before a PUT, all or
//! nothing as Alma does it: every role must have a status, scope and role
//! type; the status is ACTIVE, INACTIVE or NEW (NEW appears in Ex Libris's
//! own documentation example, so Alma holds it); every role type must be in
//! the role-type code table, every scope the institution, one of its
//! libraries or one of the state's other scopes (a network zone); roles 32,
//! 51, 221 and 299 need a `CirculationDesk` of the scope library and roles
//! 37 and 214 a `ServiceUnit` of it (of the parameter's own scope when it
//! names a library). Alma's own codes for these refusals are
//! not documented; the `4018xx` codes below are the emulator's. Stored roles
//! get the descriptions they lack, and only those: a role sent back as it
//! was read (its descriptions present, even `null`) is stored as sent.

use serde_json::Value;

use crate::alma::error::AlmaErrorDetail;
use crate::alma::role::parse_date;
use crate::alma::wire::{Parameter, RoleFields, UserRole};

use super::state::{CodeEntry, LibraryEntry, NamedEntry, State};

/// A role type that is not in `HFrUserRoles.roleType`.
pub const INVALID_ROLE_TYPE: &str = "401875";
/// A scope that is neither the institution nor one of its libraries.
pub const INVALID_SCOPE: &str = "401876";
/// A role without the parameter its type requires.
pub const MISSING_PARAMETER: &str = "401877";
/// A desk or service unit that is not one of the library's.
pub const INVALID_PARAMETER: &str = "401878";
/// A status other than ACTIVE, INACTIVE or NEW.
pub const INVALID_STATUS: &str = "401879";
/// An expiry date that is not a date.
pub const INVALID_DATE: &str = "401880";
/// A role without a status, scope or role type, or not shaped like a role.
pub const INVALID_ROLE: &str = "401881";

/// Role types that need a circulation desk.
pub const DESK_ROLES: [&str; 4] = ["32", "51", "221", "299"];
/// Role types that need a service unit.
pub const SERVICE_UNIT_ROLES: [&str; 2] = ["37", "214"];
/// The statuses Alma holds roles in.
pub const STATUSES: [&str; 3] = ["ACTIVE", "INACTIVE", "NEW"];

const DESK: &str = "CirculationDesk";
const SERVICE_UNIT: &str = "ServiceUnit";

type Problems = Vec<(&'static str, String)>;

/// Every problem of a role list, as (code, message) pairs; empty when valid.
pub(crate) fn check_roles(state: &State, roles: &[UserRole]) -> Problems {
    let role_types = state
        .code_table(crate::alma::ROLE_TYPE_TABLE)
        .unwrap_or_default();
    let mut problems = Vec::new();
    for role in roles {
        match role.fields() {
            Ok(fields) => check_role(state, &role_types, &fields, &mut problems),
            Err(why) => problems.push((INVALID_ROLE, format!("Role is not valid: {why}."))),
        }
    }
    problems
}

fn check_role(state: &State, role_types: &[CodeEntry], role: &RoleFields, problems: &mut Problems) {
    let kind = role.role_type.value.as_str();
    let scope = role.scope.value.as_str();
    if !STATUSES.contains(&role.status.value.to_ascii_uppercase().as_str()) {
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
    if state.scope_name(scope).is_none() {
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
        let library_code = parameter_library(state, scope, p);
        if entry(state, library_code, &p.kind.value, &p.value.value).is_none() {
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

/// Fills in the descriptions a stored role lacks, as Alma does.
pub(crate) fn describe_roles(state: &State, roles: &mut [UserRole]) {
    let role_types = state
        .code_table(crate::alma::ROLE_TYPE_TABLE)
        .unwrap_or_default();
    for role in roles {
        let Ok(fields) = role.fields() else { continue };
        let json = role.json_mut();
        let status = fields.status.value.to_ascii_uppercase();
        fill(json, "status", status_name(&status));
        if let Some(row) = role_types.iter().find(|r| r.code == fields.role_type.value) {
            fill(json, "role_type", &row.description);
        }
        if let Some(name) = state.scope_name(&fields.scope.value) {
            fill(json, "scope", &name);
        }
        for (i, p) in fields.parameter.iter().flatten().enumerate() {
            let library = parameter_library(state, &fields.scope.value, p);
            let found = entry(state, library, &p.kind.value, &p.value.value);
            if let (Some(found), Some(parameter)) = (found, nth_parameter(json, i)) {
                fill(parameter, "value", &found.name);
            }
        }
    }
}

fn status_name(status: &str) -> &str {
    match status {
        "ACTIVE" => "Active",
        "INACTIVE" => "Inactive",
        "NEW" => "New",
        other => other,
    }
}

/// Adds `desc` to the code field `key` of `parent` when it has none.
fn fill(parent: &mut Value, key: &str, desc: &str) {
    if let Some(Value::Object(field)) = parent.get_mut(key) {
        field
            .entry("desc")
            .or_insert_with(|| Value::String(desc.into()));
    }
}

/// Parameter `i` of a role's JSON (`parameter` may be one object).
fn nth_parameter(role: &mut Value, i: usize) -> Option<&mut Value> {
    match role.get_mut("parameter")? {
        Value::Array(list) => list.get_mut(i),
        one @ Value::Object(_) if i == 0 => Some(one),
        _ => None,
    }
}

/// The library a parameter's desk or service unit belongs to: the
/// parameter's own scope, or the role's when it has none or names the
/// institution (as some consortia's ServiceUnit parameters do).
fn parameter_library<'a>(state: &State, role_scope: &'a str, p: &'a Parameter) -> &'a str {
    match p.scope.as_ref() {
        Some(s) if s.value != state.institution_code => &s.value,
        _ => role_scope,
    }
}

/// The desk or service unit `code` of library `library`, if it has one.
fn entry<'a>(state: &'a State, library: &str, kind: &str, code: &str) -> Option<&'a NamedEntry> {
    state
        .library(library)
        .and_then(|l| entries(l, kind))
        .and_then(|list| list.iter().find(|e| e.code == code))
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
        bad.set_code("status", "MAYBE");
        bad.set_expiry_date(Some("soon".into()));
        assert_eq!(codes(&[bad]), [INVALID_STATUS, INVALID_DATE]);
        let scopeless = serde_json::from_value::<UserRole>(
            json!({"status": {"value": "ACTIVE"}, "role_type": {"value": "21"}}),
        )
        .unwrap();
        assert_eq!(codes(&[scopeless]), [INVALID_ROLE]);
    }

    #[test]
    fn new_roles_and_other_scopes_are_valid() {
        let mut state = state();
        state.other_scopes = vec![NamedEntry {
            code: "01NZ_NETWORK".into(),
            name: "Network zone".into(),
        }];
        let mut new = role("200", "INST", json!([]));
        new.set_code("status", "NEW");
        let roles = [new, role("21", "01NZ_NETWORK", json!([]))];
        assert!(check_roles(&state, &roles).is_empty());
        assert_eq!(codes(&roles[1..]), [INVALID_SCOPE]);
    }

    #[test]
    fn missing_descriptions_are_filled() {
        let mut roles = vec![role("32", "MAIN", json!([desk(None, "DESK1")]))];
        describe_roles(&state(), &mut roles);
        assert_eq!(
            roles[0].json(),
            &json!({
                "status": {"value": "ACTIVE", "desc": "Active"},
                "scope": {"value": "MAIN", "desc": "Main"},
                "role_type": {"value": "32", "desc": "Circulation Desk Operator"},
                "parameter": [{"type": {"value": "CirculationDesk"},
                               "value": {"value": "DESK1", "desc": "Desk one"}}]
            })
        );
    }

    #[test]
    fn descriptions_present_are_kept_even_null() {
        let value = json!({
            "status": {"value": "ACTIVE", "desc": null},
            "scope": {"value": "MAIN", "desc": "Main Library (old name)"},
            "role_type": {"value": "37", "desc": null},
            "parameter": [{"type": {"value": "ServiceUnit"}, "scope": null,
                           "value": {"value": "SU1", "desc": null}}]
        });
        let mut roles = vec![serde_json::from_value::<UserRole>(value.clone()).unwrap()];
        describe_roles(&state(), &mut roles);
        assert_eq!(roles[0].json(), &value);
    }

    #[test]
    fn users_in_published_shapes_are_valid_and_stored_as_sent() {
        let state = crate::emulator::fixtures::institution_with_published_shapes();
        for (user, (name, value)) in state
            .users
            .iter()
            .zip(crate::emulator::fixtures::published_shapes())
        {
            let mut roles = user.user_role.clone().unwrap_or_default();
            assert!(check_roles(&state, &roles).is_empty(), "{name}");
            describe_roles(&state, &mut roles);
            assert_eq!(
                serde_json::to_value(&roles).unwrap(),
                value["user_role"],
                "{name}"
            );
        }
    }
}
