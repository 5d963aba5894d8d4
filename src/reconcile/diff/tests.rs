use super::*;
use crate::alma::RoleParameter;
use crate::reconcile::desired::DesiredRole;

fn role(role_type: &str, scope: &str, status: RoleStatus) -> Role {
    Role {
        role_type: role_type.into(),
        scope: scope.into(),
        status,
        expiry_date: None,
        parameters: vec![],
    }
}

fn receiving(parameter_scope: Option<&str>) -> Role {
    Role {
        parameters: vec![RoleParameter {
            kind: "ServiceUnit".into(),
            value: "MAIN_ACQ".into(),
            scope: parameter_scope.map(String::from),
        }],
        ..role("37", "MAIN", RoleStatus::Active)
    }
}

fn desired(roles: &[Role]) -> Desired {
    Desired {
        primary_id: "u1".into(),
        file: "logins/main/u1.yaml".into(),
        unit: "main".into(),
        environments: vec!["production".into()],
        standing: Standing::Active,
        roles: roles
            .iter()
            .map(|r| DesiredRole {
                role: r.clone(),
                sources: vec![],
                lapse: None,
            })
            .collect(),
        ended: Vec::new(),
    }
}

fn managed() -> Managed {
    Managed {
        preserve: BTreeSet::from(["200".to_string()]),
        scopes: BTreeSet::from(["01X".to_string(), "MAIN".to_string()]),
    }
}

fn plan(wanted: &[Role], held: &[Role]) -> UserPlan {
    let held = Held::from(held.to_vec());
    let desired = desired(wanted);
    diff("production", "u1", Some(&desired), Some(&held), &managed())
}

fn user(roles: serde_json::Value) -> crate::alma::wire::User {
    serde_json::from_value(serde_json::json!({"primary_id": "u1", "user_role": roles})).unwrap()
}

/// Each change as (action, role type, scope).
fn kinds(plan: &UserPlan) -> Vec<(&str, &str, &str)> {
    plan.changes
        .iter()
        .map(|c| {
            (
                c.kind.label(),
                c.role.role_type.as_str(),
                c.role.scope.as_str(),
            )
        })
        .collect()
}

#[test]
fn a_role_held_is_planned_as_held_whatever_its_parameter_scopes() {
    let held = [receiving(None)];
    let unchanged = plan(&[receiving(Some("MAIN"))], &held);
    assert_eq!(unchanged.status, UserStatus::Unchanged);
    assert_eq!(unchanged.after, held);
    let mut inactive = receiving(Some("MAIN"));
    inactive.status = RoleStatus::Inactive;
    let changed = plan(&[inactive], &held);
    assert_eq!(changed.status, UserStatus::Changed);
    assert_eq!(
        changed.after,
        [Role {
            status: RoleStatus::Inactive,
            ..receiving(None)
        }]
    );
}

#[test]
fn duplicate_preserved_roles_are_sent_back_as_they_are() {
    let patron = role("200", "01X", RoleStatus::Active);
    let viewer = role("21", "01X", RoleStatus::Active);
    let held = [
        patron.clone(),
        viewer.clone(),
        patron.clone(),
        viewer.clone(),
    ];
    let planned = plan(std::slice::from_ref(&viewer), &held);
    assert_eq!(kinds(&planned), [("deduplicate", "21", "01X")]);
    assert_eq!(planned.after, [patron.clone(), patron, viewer]);
}

#[test]
fn roles_scoped_outside_the_institution_pass_through() {
    let network = role("51", "01NZ_NETWORK", RoleStatus::Active);
    let other = role("21", "01OTHER_INST", RoleStatus::Inactive);
    let viewer = role("21", "01X", RoleStatus::Active);
    let held = [network.clone(), other.clone(), viewer.clone()];
    let planned = plan(&[], &held);
    assert_eq!(kinds(&planned), [("remove", "21", "01X")]);
    assert_eq!(planned.after, [other.clone(), network.clone()]);
    // Granted by the repository and already held there: nothing to add.
    let active = Role {
        status: RoleStatus::Active,
        ..other.clone()
    };
    let planned = plan(&[network.clone(), active], &held);
    assert_eq!(kinds(&planned), [("remove", "21", "01X")]);
    assert_eq!(planned.after, [other, network]);
}

#[test]
fn roles_that_cannot_be_read_and_are_not_the_tools_pass_through() {
    let read = user(serde_json::json!([
        {"status": {"value": "NEW", "desc": "New"}, "scope": {"value": "01X"}, "role_type": {"value": "200"}},
        {"scope": {"value": "01NZ_NETWORK"}, "role_type": {"value": "51"}},
        {"status": {"value": "ACTIVE"}, "scope": {"value": "01X"}, "role_type": {"value": "21"}}
    ]));
    let held = Held::read_for(&read, &managed()).unwrap();
    assert_eq!(held.roles, [role("21", "01X", RoleStatus::Active)]);
    assert_eq!(held.unreadable.len(), 2);
    assert_ne!(
        held.fingerprint(),
        Held::from(held.roles.clone()).fingerprint()
    );
    // The login file was deleted: the last readable role can be removed,
    // since the update still carries the two others.
    let planned = diff("production", "u1", None, Some(&held), &managed());
    assert_eq!(kinds(&planned), [("remove", "21", "01X")]);
    assert!(planned.after.is_empty());
    let notes = planned.notes.join("\n");
    assert!(notes.contains("role 200 @ 01X cannot be read"), "{notes}");
    assert!(
        notes.contains("role 51 @ 01NZ_NETWORK cannot be read"),
        "{notes}"
    );
}

#[test]
fn a_role_the_tool_may_manage_that_cannot_be_read_is_an_error() {
    for bad in [
        serde_json::json!({"status": {"value": "NEW"}, "scope": {"value": "MAIN"}, "role_type": {"value": "32"}}),
        serde_json::json!({"status": {"value": "ACTIVE"}, "role_type": {"value": "32"}}),
        serde_json::json!({"status": {"value": "ACTIVE"}, "scope": {"value": "01X"}}),
        serde_json::json!("not a role"),
    ] {
        let read = user(serde_json::json!([bad]));
        let err = Held::read_for(&read, &managed()).unwrap_err();
        assert!(
            matches!(err, crate::alma::AlmaError::Decode { .. }),
            "{bad}"
        );
        assert_eq!(Held::read(&read).unreadable.len(), 1);
    }
}

#[test]
fn the_tool_manages_the_institution_its_libraries_and_managed_scopes() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let (_, outcome) = crate::validate::validate_dir(&root, today);
    let mut repo = outcome.repo.expect("the minimal fixture is valid");
    let at = |scope: &str| role("21", scope, RoleStatus::Active);
    let managed = Managed::of(&repo);
    assert!(managed.role(&at("01TEST_INST")) && managed.role(&at("MAIN")));
    assert!(!managed.role(&at("01TEST_NETWORK")));
    assert!(!managed.role(&role("200", "MAIN", RoleStatus::Active)));
    repo.institution
        .managed_scopes
        .insert("01TEST_NETWORK".into());
    assert!(Managed::of(&repo).role(&at("01TEST_NETWORK")));
}
