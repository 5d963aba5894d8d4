//! Unit tests of the fitting rules on the sample institution's catalogue.

use std::path::Path;

use chrono::NaiveDate;
use serde_json::json;

use super::*;

fn sample() -> AccessRepo {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("access");
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let (_, outcome) = crate::validate::validate_dir(&root, today);
    outcome.repo.expect("the sample validates")
}

fn options() -> Options {
    Options {
        environment: "production".into(),
        today: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        unit: None,
        assume_trained: true,
    }
}

fn role(code: &str, scope: &str, params: &[(&str, &str)], status: &str) -> serde_json::Value {
    let parameter: Vec<_> = params
        .iter()
        .map(|(t, v)| json!({"type": {"value": t}, "value": {"value": v}}))
        .collect();
    json!({"status": {"value": status}, "scope": {"value": scope}, "role_type": {"value": code},
           "parameter": parameter})
}

fn user(id: &str, group: &str, roles: Vec<serde_json::Value>) -> wire::User {
    serde_json::from_value(json!({
        "primary_id": id, "record_type": {"value": "STAFF"}, "full_name": "Test <b>User</b>",
        "user_group": {"value": group}, "user_role": roles
    }))
    .unwrap()
}

#[test]
fn a_desk_supervisor_gets_the_largest_level_and_its_desks() {
    let repo = sample();
    let desks = [
        ("CirculationDesk", "NFU_MAIN_CIRC"),
        ("CirculationDesk", "NFU_MAIN_LATE"),
    ];
    let u = user(
        "80000001",
        "STAFF",
        vec![
            role("58", "01NFU_INST", &[], "ACTIVE"),
            role("245", "01NFU_INST", &[], "ACTIVE"),
            role("32", "NFU_MAIN", &desks, "ACTIVE"),
            role("51", "NFU_MAIN", &desks, "ACTIVE"),
            role("221", "NFU_MAIN", &desks, "ACTIVE"),
            role("231", "NFU_MAIN", &[], "ACTIVE"),
            role("200", "01NFU_INST", &[], "ACTIVE"),
        ],
    );
    let imported = describe(&repo, &u, &options()).unwrap();
    assert_eq!(imported.unit, "main");
    assert_eq!(
        imported.summary,
        "custom; course-reserves, fulfillment operator-extended"
    );
    assert!(imported.plan.is_empty(), "{:?}", imported.plan);
    assert!(
        imported
            .text
            .contains("circulation_desks: [NFU_MAIN_CIRC, NFU_MAIN_LATE]"),
        "{}",
        imported.text
    );
    assert!(imported.text.contains("name: \"Test <b>User</b>\""));
    assert!(
        !imported.text.contains("\"200\""),
        "Patron is never written"
    );
}

#[test]
fn leftover_roles_become_additional_roles_and_inactive_ones_suspend() {
    let repo = sample();
    let u = user(
        "80000002",
        "STAFF",
        vec![
            role("58", "01NFU_INST", &[], "INACTIVE"),
            role("245", "01NFU_INST", &[], "INACTIVE"),
            role("220", "01NFU_INST", &[], "INACTIVE"),
            role("26", "01NFU_INST", &[], "INACTIVE"),
        ],
    );
    let imported = describe(&repo, &u, &options()).unwrap();
    assert_eq!(
        imported.summary,
        "custom; analytics; 1 additional role(s); suspended"
    );
    assert!(imported.text.contains("  - alma_role: \"26\""));
    assert!(imported.text.contains("note: imported inactive"));
    assert!(imported.plan.is_empty(), "{:?}", imported.plan);
    assert!(
        imported
            .notes
            .iter()
            .any(|n| n.warning && n.text.contains("fits no catalogue level"))
    );
}

#[test]
fn bundles_and_the_systems_unit() {
    let repo = sample();
    let view = user(
        "80000003",
        "STAFF",
        vec![
            role("58", "01NFU_INST", &[], "ACTIVE"),
            role("245", "01NFU_INST", &[], "ACTIVE"),
        ],
    );
    let imported = describe(&repo, &view, &options()).unwrap();
    assert_eq!(imported.summary, "view");
    let systems: Vec<_> = ["26", "50", "205", "56", "52", "53"]
        .iter()
        .map(|c| role(c, "01NFU_INST", &[], "ACTIVE"))
        .collect();
    let imported = describe(&repo, &user("80000004", "STAFF", systems), &options()).unwrap();
    assert_eq!(
        (imported.unit.as_str(), imported.summary.as_str()),
        ("systems", "systems")
    );
    assert!(imported.text.contains("consultation: imported"));
}

#[test]
fn not_staff_or_no_managed_roles_is_skipped() {
    let repo = sample();
    let mut patron = user(
        "P1",
        "UNDERGRAD",
        vec![role("200", "01NFU_INST", &[], "ACTIVE")],
    );
    assert_eq!(
        describe(&repo, &patron, &options()).unwrap_err().reason,
        SkipReason::NoManagedRoles
    );
    patron
        .rest
        .insert("record_type".into(), json!({"value": "PUBLIC"}));
    assert_eq!(
        describe(&repo, &patron, &options()).unwrap_err().reason,
        SkipReason::NotStaff
    );
}
