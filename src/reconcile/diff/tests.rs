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
            })
            .collect(),
    }
}

fn preserve() -> BTreeSet<String> {
    BTreeSet::from(["200".to_string()])
}

fn plan(wanted: &[Role], held: &[Role]) -> UserPlan {
    diff(
        "production",
        "u1",
        Some(&desired(wanted)),
        Some(held),
        &preserve(),
    )
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
