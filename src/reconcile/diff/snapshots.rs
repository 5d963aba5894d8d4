//! The diff's cases as inline snapshots: each shows a user's changes, one
//! line each with its reason, then the roles planned. Read them as a
//! reviewer reads a plan.

use chrono::NaiveDate;
use insta::assert_snapshot;

use super::*;
use crate::alma::RoleParameter;
use crate::reconcile::desired::{DesiredRole, EndedGrant};

fn role(role_type: &str, scope: &str) -> Role {
    Role {
        role_type: role_type.into(),
        scope: scope.into(),
        status: RoleStatus::Active,
        expiry_date: None,
        parameters: vec![],
    }
}

fn desk(role_type: &str, desk: &str) -> Role {
    Role {
        parameters: vec![RoleParameter {
            kind: "CirculationDesk".into(),
            value: desk.into(),
            scope: None,
        }],
        ..role(role_type, "MAIN")
    }
}

fn inactive(role: Role) -> Role {
    Role {
        status: RoleStatus::Inactive,
        ..role
    }
}

fn expiring(role: Role, day: &str) -> Role {
    Role {
        expiry_date: NaiveDate::parse_from_str(day, "%Y-%m-%d").ok(),
        ..role
    }
}

fn wanted(roles: &[Role], standing: Standing) -> Desired {
    Desired {
        primary_id: "u1".into(),
        file: "logins/main/u1.yaml".into(),
        unit: "main".into(),
        environments: vec!["production".into()],
        standing,
        roles: roles
            .iter()
            .map(|r| DesiredRole {
                role: r.clone(),
                sources: vec!["fulfillment operator".into()],
                lapse: r.expiry_date.map(Lapse::EndDate),
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

fn line(role: &Role) -> String {
    let params: Vec<String> = role
        .parameters
        .iter()
        .map(|p| format!("{}={}", p.kind, p.value))
        .collect();
    let expiry = role
        .expiry_date
        .map_or(String::new(), |d| format!(" until {d}"));
    let params = if params.is_empty() {
        String::new()
    } else {
        format!(" [{}]", params.join(", "))
    };
    format!(
        "{} @{}{params} {:?}{expiry}",
        role.role_type, role.scope, role.status
    )
}

/// A user's plan as a reviewer reads it.
fn shown(plan: &UserPlan) -> String {
    let mut out = format!("{:?}\n", plan.status);
    for c in &plan.changes {
        out.push_str(&format!(
            "  {} {}: {}\n",
            c.kind.label(),
            line(&c.role),
            c.reason
        ));
    }
    out.push_str("after:\n");
    for r in &plan.after {
        out.push_str(&format!("  {}\n", line(r)));
    }
    for note in &plan.notes {
        out.push_str(&format!("note: {note}\n"));
    }
    out
}

fn plan(desired: Option<&Desired>, held: &[Role]) -> String {
    let held = Held::from(held.to_vec());
    shown(&diff("production", "u1", desired, Some(&held), &managed()))
}

#[test]
fn a_new_grant_is_added_beside_the_preserved_patron() {
    let want = wanted(&[desk("221", "MAIN_CIRC")], Standing::Active);
    assert_snapshot!(plan(Some(&want), &[role("200", "01X")]), @r"
    Changed
      add 221 @MAIN [CirculationDesk=MAIN_CIRC] Active: granted by fulfillment operator in logins/main/u1.yaml
    after:
      200 @01X Active
      221 @MAIN [CirculationDesk=MAIN_CIRC] Active
    ");
}

#[test]
fn a_role_no_grant_names_is_removed() {
    let want = wanted(&[role("32", "MAIN")], Standing::Active);
    let held = [role("32", "MAIN"), role("206", "01X")];
    assert_snapshot!(plan(Some(&want), &held), @r"
    Changed
      remove 206 @01X Active: not granted by logins/main/u1.yaml
    after:
      32 @MAIN Active
    ");
}

#[test]
fn matching_roles_change_nothing() {
    let want = wanted(&[role("32", "MAIN")], Standing::Active);
    assert_snapshot!(plan(Some(&want), &[role("32", "MAIN"), role("200", "01X")]), @r"
    Unchanged
    after:
      200 @01X Active
      32 @MAIN Active
    ");
}

#[test]
fn a_suspended_login_is_deactivated_and_its_end_date_set_as_expiry() {
    let suspended = Standing::Inactive {
        why: crate::lifecycle::Inactivity::Suspended {
            since: NaiveDate::from_ymd_opt(2026, 11, 10).unwrap(),
            reason: crate::model::SuspendReason::ManagerRequest,
        },
    };
    let want = wanted(
        &[expiring(inactive(role("32", "MAIN")), "2027-05-15")],
        suspended,
    );
    assert_snapshot!(plan(Some(&want), &[role("32", "MAIN")]), @r"
    Changed
      deactivate 32 @MAIN Inactive until 2027-05-15: suspended since 2026-11-10 (manager request); remove `suspended` in a reviewed change to restore (R7)
      expiry 32 @MAIN Inactive until 2027-05-15: access lapses after the last day of work, 2027-05-15 (end_date, R5)
    after:
      32 @MAIN Inactive until 2027-05-15
    ");
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

#[test]
fn a_grant_with_until_sets_the_expiry_and_names_the_grant() {
    let mut want = wanted(
        &[expiring(role("231", "MAIN"), "2027-01-15")],
        Standing::Active,
    );
    want.roles[0].lapse = Some(Lapse::Until {
        grant: "course-reserves".into(),
        day: day("2027-01-15"),
    });
    assert_snapshot!(plan(Some(&want), &[role("231", "MAIN")]), @r"
    Changed
      expiry 231 @MAIN Active until 2027-01-15: the grant `course-reserves` ends on 2027-01-15 (until, R12)
    after:
      231 @MAIN Active until 2027-01-15
    ");
}

#[test]
fn the_roles_of_an_ended_grant_are_removed_with_its_until() {
    let mut want = wanted(&[role("32", "MAIN")], Standing::Active);
    want.ended.push(EndedGrant {
        grant: "course-reserves".into(),
        until: day("2027-01-15"),
        roles: vec![("231".into(), "MAIN".into())],
    });
    let held = [
        role("32", "MAIN"),
        expiring(role("231", "MAIN"), "2027-01-15"),
        role("206", "01X"),
    ];
    assert_snapshot!(plan(Some(&want), &held), @r"
    Changed
      remove 206 @01X Active: not granted by logins/main/u1.yaml
      remove 231 @MAIN Active until 2027-01-15: the grant `course-reserves` ended on 2027-01-15 (until, R12)
    after:
      32 @MAIN Active
    ");
}

#[test]
fn alma_duplicates_of_a_managed_role_are_dropped() {
    let want = wanted(&[role("32", "MAIN")], Standing::Active);
    let held = [role("32", "MAIN"), role("32", "MAIN"), role("32", "MAIN")];
    assert_snapshot!(plan(Some(&want), &held), @r"
    Changed
      deduplicate 32 @MAIN Active: Alma holds identical copies of this role
    after:
      32 @MAIN Active
    ");
}

#[test]
fn a_deleted_login_loses_every_managed_role_but_keeps_the_patron() {
    let held = [role("200", "01X"), role("32", "MAIN"), role("206", "01X")];
    assert_snapshot!(plan(None, &held), @r"
    Changed
      remove 206 @01X Active: the login file was deleted (R9)
      remove 32 @MAIN Active: the login file was deleted (R9)
    after:
      200 @01X Active
    ");
}

#[test]
fn a_user_alma_does_not_have_yet_is_waiting() {
    let want = wanted(&[role("32", "MAIN")], Standing::Active);
    let planned = diff("production", "u1", Some(&want), None, &managed());
    assert_snapshot!(shown(&planned), @r"
    Waiting
    after:
    note: no such user in Alma yet: waiting for the account to be created by the user feed (R1)
    ");
}

#[test]
fn unmanaged_access_is_removed_with_its_own_reason() {
    let held = Held::from(vec![role("200", "01X"), role("51", "MAIN")]);
    let planned = unmanaged("production", "u9", &held, &managed());
    assert_snapshot!(shown(&planned), @r"
    Changed
      remove 51 @MAIN Active: no login file grants access to this staff user (unmanaged access, R11)
    after:
      200 @01X Active
    ");
}
