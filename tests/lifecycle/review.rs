//! `alma-access review --unit U`: the unit's logins with their grants for
//! re-certification (text snapshot, JSON), and `--confirm` writing a branch
//! whose commit changes `review_by` and nothing else.

use crate::fixture;
use crate::support;

use std::path::Path;

use fixture::{Fixture, TODAY};
use serde_json::Value;
use support::{branch_commit, commit_all, run, stderr, stdout};

const BRANCH: &str = "alma-access/review-main-2026-11-23";

fn checkout() -> Fixture {
    let f = Fixture::minimal();
    f.edit(
        "logins/main/10000004.yaml",
        "review_by: 2027-11-01",
        "review_by: 2027-11-01  # agreed with the manager",
    )
    .edit(
        "logins/main/10000001.yaml",
        "primary_id:",
        "# Ada's login\nprimary_id:",
    );
    commit_all(f.root.parent().unwrap(), "the fixture");
    f
}

fn review(f: &Fixture, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["review", "access", "--unit", "main", "--today", TODAY];
    args.extend(extra);
    run(f.root.parent().unwrap(), &args)
}

/// The lines of `text` that are not `review_by` lines.
fn without_review_by(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| !l.starts_with("review_by:"))
        .collect()
}

#[test]
fn the_unit_s_logins_with_their_grants() {
    let f = Fixture::minimal();
    let out = review(&f, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    insta::with_settings!({snapshot_path => "snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("review_main", stdout(&out));
    });
}

#[test]
fn json_lists_every_login_of_the_unit_and_only_those() {
    let f = Fixture::minimal();
    let out = review(&f, &["--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = json["logins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["login"]["primary_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "10000001",
            "10000003",
            "10000004",
            "10000007",
            "10000008",
            "MAIN-DESK1"
        ]
    );
    assert_eq!(json["liaisons"], serde_json::json!(["liaison-main"]));
    assert_eq!(json["next_review_by"], "2027-11-23");
    let ada = &json["logins"][0];
    assert_eq!(ada["roles"][0]["role_type"], "acquisitions");
    assert_eq!(ada["roles"][0]["level"], "operator-extended");
    assert_eq!(
        ada["roles"][0]["limits"]["po_line_owners"],
        serde_json::json!(["MAIN"])
    );
    assert_eq!(ada["standing"]["standing"], "active");
    assert_eq!(ada["review_status"], "not-set");
    let di = &json["logins"][2];
    assert_eq!(di["review_by"], "2027-11-01");
    assert_eq!(di["standing"]["why"]["kind"], "not-started");
    let cy = &json["logins"][1];
    assert_eq!(cy["profile"], "circ-student");
    assert_eq!(
        cy["roles"][0]["limits"]["circulation_desks"],
        serde_json::json!(["MAIN_RES"])
    );
}

#[test]
fn confirm_writes_a_branch_that_only_moves_review_by() {
    let f = checkout();
    let dir = f.root.parent().unwrap();
    let before: Vec<String> = ["10000001", "10000004"]
        .iter()
        .map(|id| std::fs::read_to_string(f.root.join(format!("logins/main/{id}.yaml"))).unwrap())
        .collect();
    let out = review(&f, &["--confirm", "10000004", "10000001"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains(&format!("Branch {BRANCH} (commit ")));
    let commit = branch_commit(dir, BRANCH).expect("the branch exists");
    assert!(
        commit
            .message
            .starts_with("Re-certify 2 logins of main until 2027-11-23\n"),
        "{}",
        commit.message
    );
    assert!(
        commit
            .message
            .contains("- 10000001, Ada Example, main: review_by not set -> 2027-11-23\n")
    );
    assert!(
        commit
            .message
            .contains("- 10000004, Di Buyer, main: review_by 2027-11-01 -> 2027-11-23\n")
    );
    assert_eq!(commit.changes.len(), 2);
    for ((path, old, new), disk) in commit.changes.iter().zip(&before) {
        assert_eq!(
            old, disk,
            "{path}: the branch starts from the committed file"
        );
        assert_eq!(without_review_by(old), without_review_by(new), "{path}");
        assert!(new.contains("review_by: 2027-11-23"), "{path}:\n{new}");
    }
    let di = &commit.changes[1].2;
    assert!(
        di.contains("review_by: 2027-11-23  # agreed with the manager\n"),
        "the comment after the value stays:\n{di}"
    );
    // The working tree is untouched.
    assert_eq!(
        std::fs::read_to_string(f.root.join("logins/main/10000001.yaml")).unwrap(),
        before[0]
    );
}

#[test]
fn confirm_file_and_the_institution_s_interval() {
    let f = Fixture::minimal();
    f.edit(
        "institution.yaml",
        "inactivity_days: 90",
        "inactivity_days: 90\nreview_interval_days: 180",
    );
    commit_all(f.root.parent().unwrap(), "the fixture");
    let list = f.root.parent().unwrap().join("confirmed.txt");
    std::fs::write(
        &list,
        "# confirmed by @liaison-main\nmain-desk1\n\n10000007  # Gus\n",
    )
    .unwrap();
    let out = review(
        &f,
        &[
            "--confirm-file",
            list.to_str().unwrap(),
            "--dry-run",
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["review_by"], "2027-05-22");
    assert_eq!(
        json["confirmed"],
        serde_json::json!(["10000007", "MAIN-DESK1"])
    );
    assert_eq!(json["branch"], Value::Null);
    assert!(branch_commit(f.root.parent().unwrap(), BRANCH).is_none());
}

#[test]
fn logins_of_other_units_and_unknown_units_are_refused() {
    let f = checkout();
    let out = review(&f, &["--confirm", "10000002", "nobody"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not logins of unit `main`: 10000002, nobody"),
        "{}",
        stderr(&out)
    );
    let out = run(
        Path::new(f.root.parent().unwrap()),
        &["review", "access", "--unit", "nowhere", "--today", TODAY],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown unit `nowhere`"));
}
