//! `alma-access lifecycle` over copies of the minimal fixture, edited per
//! case, on a fixed day: one test per R4-R7 transition (starts, training,
//! ends, short and long leaves and their ends under both reactivation
//! modes, suspensions) and for `review_by`, with JSON assertions, and text
//! snapshots of the whole calendar.

use crate::fixture;
use crate::support;

use fixture::{Fixture, TODAY};
use serde_json::Value;
use support::{run, stderr, stdout};

const GUS: &str = "logins/main/10000007.yaml";

/// Adds lines to the end of a fixture file.
fn append(f: &Fixture, rel: &str, lines: &str) {
    let path = f.root.join(rel);
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(lines);
    std::fs::write(path, text).unwrap();
}

fn automatic(f: &Fixture) {
    f.edit(
        "institution.yaml",
        "reactivation: by-request",
        "reactivation: automatic",
    );
}

fn lifecycle_text(f: &Fixture, extra: &[&str]) -> String {
    let mut args = vec!["lifecycle", "access", "--today", TODAY];
    args.extend(extra);
    let out = run(f.root.parent().unwrap(), &args);
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

fn lifecycle_json(f: &Fixture) -> Value {
    let out = run(
        f.root.parent().unwrap(),
        &["lifecycle", "access", "--today", TODAY, "--format", "json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// The items about one login, as (date, kind, rule, what, to do).
fn items(json: &Value, id: &str) -> Vec<(String, String, String, String, String)> {
    let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
    json["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["login"]["primary_id"] == id)
        .map(|i| {
            (
                s(&i["date"]),
                s(&i["kind"]),
                s(&i["rule"]),
                s(&i["what"]),
                s(&i["todo"]),
            )
        })
        .collect()
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({snapshot_path => "snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!(name, text);
    });
}

#[test]
fn the_minimal_fixture_calendar() {
    let f = Fixture::minimal();
    snapshot("minimal", &lifecycle_text(&f, &[]));
}

#[test]
fn json_is_sorted_stable_and_names_who_acts() {
    let f = Fixture::minimal();
    let json = lifecycle_json(&f);
    assert_eq!(json, lifecycle_json(&f), "two runs give the same JSON");
    assert_eq!(json["today"], TODAY);
    assert_eq!(json["through"], "2026-12-07");
    assert_eq!(json["days"], 14);
    let keys: Vec<(String, String)> = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["date"].as_str().unwrap().to_string(),
                i["login"]["primary_id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    let suspended = &json["items"][0];
    assert_eq!(suspended["kind"], "suspended");
    assert_eq!(suspended["login"]["name"], "Ed Lender");
    assert_eq!(suspended["login"]["unit"], "sharing");
    assert_eq!(
        suspended["login"]["file"],
        "access/logins/sharing/10000005.yaml"
    );
    assert_eq!(
        suspended["who"],
        serde_json::json!(["boss-rs", "liaison-rs"])
    );
}

#[test]
fn r4_a_start_with_training_done_activates_the_roles() {
    let f = Fixture::minimal();
    append(&f, GUS, "start_date: 2026-11-30\n");
    assert_eq!(
        items(&lifecycle_json(&f), "10000007"),
        [(
            "2026-11-30".into(),
            "start".into(),
            "R4".into(),
            "first day of work: roles become active".into(),
            String::new()
        )]
    );
}

#[test]
fn r4_a_start_without_training_stays_inactive_and_asks_for_it() {
    let json = lifecycle_json(&Fixture::minimal());
    let di = items(&json, "10000004");
    assert_eq!(di.len(), 2, "{di:?}");
    assert_eq!(di[0].1, "training-missing");
    assert_eq!(di[0].0, TODAY);
    assert_eq!(
        (di[1].0.as_str(), di[1].1.as_str(), di[1].3.as_str()),
        (
            "2026-12-01",
            "start",
            "first day of work: roles stay inactive (training not recorded: security_awareness, ferpa)"
        )
    );
    assert!(di[1].4.contains("record the missing training"));
}

#[test]
fn r4_a_training_dated_in_the_window_activates_on_that_day() {
    let f = Fixture::minimal();
    f.edit(GUS, "ferpa: 2026-09-02", "ferpa: 2026-11-30");
    assert_eq!(
        items(&lifecycle_json(&f), "10000007"),
        [(
            "2026-11-30".into(),
            "training".into(),
            "R4".into(),
            "training `ferpa` completed: roles become active".into(),
            String::new()
        )]
    );
}

#[test]
fn r4_a_training_dated_after_the_window_is_missing_today() {
    let f = Fixture::minimal();
    f.edit(GUS, "ferpa: 2026-09-02", "ferpa: 2027-01-15");
    let gus = items(&lifecycle_json(&f), "10000007");
    assert_eq!(gus.len(), 1, "{gus:?}");
    assert_eq!(
        (gus[0].0.as_str(), gus[0].1.as_str()),
        (TODAY, "training-missing")
    );
    assert!(gus[0].3.starts_with("training not recorded: ferpa"));
}

#[test]
fn r5_roles_are_removed_the_day_after_the_last_day() {
    let f = Fixture::minimal();
    append(&f, GUS, "end_date: 2026-11-30\n");
    let gus = items(&lifecycle_json(&f), "10000007");
    assert_eq!(gus.len(), 1);
    assert_eq!(
        (
            gus[0].0.as_str(),
            gus[0].1.as_str(),
            gus[0].2.as_str(),
            gus[0].3.as_str()
        ),
        (
            "2026-12-01",
            "end",
            "R5",
            "the last day of work was 2026-11-30: every managed role is removed"
        )
    );
    let f = Fixture::minimal();
    append(&f, GUS, "end_date: 2026-11-22\n");
    assert_eq!(items(&lifecycle_json(&f), "10000007")[0].0, TODAY);
    let f = Fixture::minimal();
    append(&f, GUS, "end_date: 2026-10-31\nreview_by: 2026-11-01\n");
    assert!(
        items(&lifecycle_json(&f), "10000007").is_empty(),
        "an ended login has nothing left to do"
    );
}

#[test]
fn r6_a_leave_shorter_than_the_threshold_changes_nothing() {
    let f = Fixture::minimal();
    append(&f, GUS, "leave:\n  from: 2026-11-25\n  until: 2026-12-20\n");
    assert_eq!(
        items(&lifecycle_json(&f), "10000007"),
        [(
            "2026-11-25".into(),
            "leave-begins".into(),
            "R6".into(),
            "short leave begins (2026-11-25 to 2026-12-20, 26 days, under the 90 days that deactivate): no change, roles stay active".into(),
            String::new()
        )]
    );
}

#[test]
fn r6_a_long_leave_deactivates_from_its_first_day() {
    let f = Fixture::minimal();
    append(&f, GUS, "leave:\n  from: 2026-11-25\n  until: 2027-03-31\n");
    assert_eq!(
        items(&lifecycle_json(&f), "10000007"),
        [(
            "2026-11-25".into(),
            "leave-begins".into(),
            "R6".into(),
            "leave begins (2026-11-25 to 2027-03-31, 127 days): roles become inactive (on leave 2026-11-25 to 2027-03-31)".into(),
            String::new()
        )]
    );
}

#[test]
fn r6_after_a_long_leave_by_request_roles_stay_inactive_and_flagged() {
    let f = Fixture::minimal();
    append(&f, GUS, "leave:\n  from: 2026-06-01\n  until: 2026-11-30\n");
    let gus = items(&lifecycle_json(&f), "10000007");
    assert_eq!(gus.len(), 1, "{gus:?}");
    assert_eq!(
        (gus[0].0.as_str(), gus[0].1.as_str()),
        ("2026-12-01", "leave-ends")
    );
    assert_eq!(
        gus[0].3,
        "leave ended 2026-11-30: roles stay inactive (waiting for a reactivation request (reactivation: by-request))"
    );
    assert!(
        gus[0].4.contains("remove the `leave` block"),
        "{}",
        gus[0].4
    );

    // Ended before today: still waiting, and flagged from the day after.
    let f = Fixture::minimal();
    append(&f, GUS, "leave:\n  from: 2026-05-01\n  until: 2026-11-01\n");
    let gus = items(&lifecycle_json(&f), "10000007");
    assert_eq!(gus.len(), 1, "{gus:?}");
    assert_eq!(
        (gus[0].0.as_str(), gus[0].1.as_str(), gus[0].2.as_str()),
        ("2026-11-02", "awaiting-reactivation", "R6")
    );
    assert!(gus[0].4.contains("remove the `leave` block"));
}

#[test]
fn r6_after_a_long_leave_automatic_reactivation_restores_roles() {
    let f = Fixture::minimal();
    automatic(&f);
    append(&f, GUS, "leave:\n  from: 2026-06-01\n  until: 2026-11-30\n");
    assert_eq!(
        items(&lifecycle_json(&f), "10000007"),
        [(
            "2026-12-01".into(),
            "leave-ends".into(),
            "R6".into(),
            "leave ended 2026-11-30 (reactivation: automatic): roles become active".into(),
            String::new()
        )]
    );
    let f = Fixture::minimal();
    automatic(&f);
    append(&f, GUS, "leave:\n  from: 2026-05-01\n  until: 2026-11-01\n");
    assert!(items(&lifecycle_json(&f), "10000007").is_empty());
}

#[test]
fn r7_a_suspension_waits_for_a_reviewed_change() {
    let f = Fixture::minimal();
    append(
        &f,
        GUS,
        "suspended:\n  since: 2026-11-23\n  reason: security\n",
    );
    let gus = items(&lifecycle_json(&f), "10000007");
    assert_eq!(gus.len(), 1, "{gus:?}");
    assert_eq!(
        (
            gus[0].0.as_str(),
            gus[0].1.as_str(),
            gus[0].2.as_str(),
            gus[0].3.as_str()
        ),
        (
            TODAY,
            "suspended",
            "R7",
            "suspended since 2026-11-23 (security): roles stay inactive until a reviewed change removes `suspended`"
        )
    );
    // A leave beginning while suspended changes nothing.
    append(&f, GUS, "leave:\n  from: 2026-11-25\n  until: 2027-03-31\n");
    let gus = items(&lifecycle_json(&f), "10000007");
    assert!(
        gus.iter().any(|i| i.1 == "leave-begins"
            && i.3
                .ends_with("no change, roles stay inactive (suspended since 2026-11-23)")),
        "{gus:?}"
    );
}

#[test]
fn review_by_overdue_and_upcoming() {
    let f = Fixture::minimal();
    append(&f, GUS, "review_by: 2026-11-01\n");
    append(&f, "logins/main/10000001.yaml", "review_by: 2026-12-05\n");
    let json = lifecycle_json(&f);
    let gus = items(&json, "10000007");
    assert_eq!(
        (gus[0].0.as_str(), gus[0].1.as_str(), gus[0].3.as_str()),
        (
            "2026-11-01",
            "review-overdue",
            "re-certification overdue by 22 days (review_by 2026-11-01)"
        )
    );
    assert!(gus[0].4.contains("alma-access review --unit main"));
    let ada = items(&json, "10000001");
    assert_eq!(
        (ada[0].0.as_str(), ada[0].1.as_str()),
        ("2026-12-05", "review-due")
    );
    assert_eq!(ada[0].2, "", "re-certification has no R rule");
}

#[test]
fn every_transition_in_one_calendar() {
    let f = Fixture::minimal();
    append(&f, GUS, "leave:\n  from: 2026-05-01\n  until: 2026-11-01\n");
    append(
        &f,
        "logins/main/10000001.yaml",
        "end_date: 2026-12-04\nreview_by: 2026-12-03\n",
    );
    append(
        &f,
        "logins/finance/10000002.yaml",
        "leave:\n  from: 2026-11-30\n  until: 2027-06-30\n",
    );
    append(
        &f,
        "logins/main/10000003.yaml",
        "leave:\n  from: 2026-12-01\n  until: 2026-12-31\n",
    );
    f.edit(
        "logins/systems/10000006.yaml",
        "ferpa: 2026-09-02",
        "ferpa: 2026-11-27",
    );
    f.edit(
        "logins/main/10000004.yaml",
        "review_by: 2027-11-01",
        "training:\n  security_awareness: 2026-11-02\n  ferpa: 2026-11-03\nreview_by: 2027-11-01",
    );
    snapshot("every_transition", &lifecycle_text(&f, &[]));
}

#[test]
fn zero_days_looks_at_today_only() {
    let f = Fixture::minimal();
    append(&f, GUS, "start_date: 2026-11-24\n");
    let text = lifecycle_text(&f, &["--days", "0"]);
    assert!(text.contains("through 2026-11-23 (0 days ahead)"), "{text}");
    assert!(!text.contains("2026-11-24"), "{text}");
}

#[test]
fn an_invalid_repository_fails_with_its_diagnostics() {
    let f = Fixture::minimal();
    f.edit(GUS, "unit: main", "unit: nowhere");
    let out = run(
        f.root.parent().unwrap(),
        &["lifecycle", "access", "--today", TODAY],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty());
    let err = stderr(&out);
    assert!(err.contains("access/logins/main/10000007.yaml"), "{err}");
    assert!(err.contains("the access repository is not valid"), "{err}");
}

const ADA: &str = "logins/main/10000001.yaml";

#[test]
fn r12_a_grant_ending_in_the_window_is_listed_with_who_may_extend_it() {
    let f = Fixture::minimal();
    f.edit(
        ADA,
        "  analytics: {}\n",
        "  analytics:\n    until: 2026-12-01\n",
    );
    let json = lifecycle_json(&f);
    let ada = items(&json, "10000001");
    let (date, kind, rule, what, todo) = ada
        .iter()
        .find(|i| i.1 == "grant-ends")
        .unwrap_or_else(|| panic!("{ada:?}"))
        .clone();
    assert_eq!(
        (date.as_str(), kind.as_str(), rule.as_str()),
        ("2026-12-01", "grant-ends", "R12")
    );
    assert!(
        what.contains("the grant `analytics` ends on 2026-12-01"),
        "{what}"
    );
    assert!(todo.contains("change `until` of `analytics`"), "{todo}");
    // After the window, nothing yet.
    f.edit(ADA, "until: 2026-12-01", "until: 2027-01-31");
    assert!(
        !items(&lifecycle_json(&f), "10000001")
            .iter()
            .any(|i| i.1 == "grant-ends")
    );
}

#[test]
fn v15_an_exception_due_for_review_asks_the_systems_group_too() {
    let f = Fixture::minimal();
    f.edit(
        "catalog.yaml",
        "acquisitions:\n",
        "separation_of_duties:\n  order-and-pay:\n    description: ordering vs approving invoices\n    conflicting: [acquisitions, invoice]\nacquisitions:\n",
    );
    append(
        &f,
        ADA,
        "sod_exceptions:\n  - rule: order-and-pay\n    consultation: SYS-4620\n    reason: one-person office\n    review_by: 2026-12-04\n",
    );
    let json = lifecycle_json(&f);
    let due: Vec<&Value> = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "exception-due")
        .collect();
    assert_eq!(due.len(), 1, "{json}");
    assert_eq!(due[0]["rule"], "V15");
    assert_eq!(
        due[0]["who"],
        serde_json::json!(["boss-main", "liaison-main", "sys-admin1", "sys-admin2"])
    );
    assert!(
        due[0]["todo"]
            .as_str()
            .unwrap()
            .contains("reason on file: one-person office")
    );
    // Once the date has passed, it is overdue.
    f.edit(ADA, "review_by: 2026-12-04", "review_by: 2026-11-20");
    let text = lifecycle_text(&f, &[]);
    assert!(
        text.contains("is 3 days past its review (review_by 2026-11-20)"),
        "{text}"
    );
}
