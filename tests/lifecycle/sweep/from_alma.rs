//! `sweep-inactive --from-alma` against the built-in emulator (no API key
//! set; the seeded state file carries the logins): the same proposals as
//! an exported report of the same logins, with the emulator's paging and
//! date filter in the way; the flags; and an empty report refused.
//! `inactivity_days` is lowered to 60 here so that a login can be
//! inactive with a last login inside Alma's 90 days.

use std::path::Path;
use std::process::{Command, Output};

use alma_access::emulator::{StaffLoginRecord, State};
use chrono::{NaiveDate, NaiveDateTime};
use serde_json::Value;

use super::support::{branch_commit, commit_all, stderr, stdout};
use super::{BRANCH, Checkout, DAY, ids};

/// The key variables of the fixture's environments: never set here, so
/// the binary uses the emulator (and no test reaches the internet).
const KEY_VARS: [&str; 2] = ["ALMA_PROD_API_KEY", "ALMA_SANDBOX_API_KEY"];

fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
}

fn login(id: &str, when: &str, successful: bool) -> StaffLoginRecord {
    StaffLoginRecord {
        primary_id: id.into(),
        login_date: at(when),
        successful,
    }
}

/// The staff logins Alma holds, as the emulator lists them: Ada's last
/// login is before the 90 days asked for and she has a failed attempt
/// within them; Bo logs in 150 times (more than a page); Cy only fails;
/// the desk last logged in on 2026-10-20, and once on 2026-10-16 (outside
/// the 90 days); Fay's only login comes last, on the second page.
fn alma_logins() -> Vec<StaffLoginRecord> {
    let mut logins = vec![
        login("10000001", "2026-09-30 14:02", true),
        login("main-desk1", "2026-10-16 23:30", true),
        login("main-desk1", "2026-10-20 07:55", true),
        login("10000001", "2026-12-01 09:10", false),
        login("10000003", "2026-12-02 10:00", false),
        login("10000003", "2026-12-02 10:01", false),
        login("99999999", "2027-01-01 12:00", true),
    ];
    let first = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    for i in 0..150u64 {
        let day = first + chrono::Days::new(i % 71); // through 2027-01-10
        let when = day.and_hms_opt(8 + (i % 9) as u32, 0, 0).unwrap();
        logins.push(StaffLoginRecord {
            primary_id: "10000002".into(),
            login_date: when,
            successful: true,
        });
    }
    logins.push(login("10000006", "2027-01-14 08:00", true));
    logins
}

/// The exported report with the same logins: each user's last successful
/// login within the 90 days, `-` for only failed attempts.
const SAME_CSV: &str = "Report generated: 2027-01-15\n\
Primary Identifier,Last Login\n\
10000001,-\n\
10000002,2027-01-10 16:00:00\n\
10000003,-\n\
10000006,2027-01-14T08:00:00Z\n\
main-desk1,2026-10-20 07:55:00\n\
99999999,2027-01-01\n";

/// The logins swept with `inactivity_days: 60`.
const SWEPT: [&str; 4] = ["10000001", "10000003", "10000007", "MAIN-DESK1"];

/// A committed checkout with `inactivity_days: 60`, and the emulator's
/// state for `production` (the built-in target's), holding `logins`.
fn checkout(logins: Vec<StaffLoginRecord>) -> Checkout {
    let c = Checkout::new();
    c.fixture.edit(
        "institution.yaml",
        "inactivity_days: 90",
        "inactivity_days: 60",
    );
    commit_all(c.dir(), "sweep after 60 days");
    let day: NaiveDate = DAY.parse().unwrap();
    let (_, outcome) = alma_access::validate::validate_dir(&c.fixture.root, day);
    let mut state: State = alma_access::synth::built_in(&outcome.repo.unwrap(), "production", day);
    state.staff_logins = logins;
    let dir = c.dir().join(".alma-access/emulator");
    std::fs::create_dir_all(&dir).unwrap();
    state.save(&dir.join("production.json")).unwrap();
    c
}

/// Runs the binary in the checkout, with no Alma key set.
fn run(dir: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_alma-access"));
    command
        .current_dir(dir)
        .args(["sweep-inactive", "access", "--today", DAY])
        .args(args)
        .env_remove("ALMA_ACCESS_LOG");
    for var in KEY_VARS {
        command.env_remove(var);
    }
    command.output().expect("the binary runs")
}

fn json(out: &Output) -> Value {
    assert!(out.status.success(), "{}", stderr(out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_api_proposes_what_a_file_with_the_same_logins_proposes() {
    let api = checkout(alma_logins());
    let file = checkout(Vec::new());
    let report = file.report("same.csv", SAME_CSV.as_bytes());
    let report = report.to_str().unwrap();
    let from_api = json(&run(api.dir(), &["--from-alma", "--format", "json"]));
    let from_file = json(&run(
        file.dir(),
        &["--staff-login-report", report, "--format", "json"],
    ));
    assert_eq!(ids(&from_api, "inactive"), SWEPT);
    assert_eq!(from_api["sweep"], from_file["sweep"]);
    assert_eq!(from_api["files"], from_file["files"]);
    assert_eq!(from_api["branch"]["name"], BRANCH);
    assert_eq!(from_file["branch"]["name"], BRANCH);
    let (a, f) = (
        branch_commit(api.dir(), BRANCH).unwrap(),
        branch_commit(file.dir(), BRANCH).unwrap(),
    );
    assert_eq!(a.changes.len(), 4);
    assert_eq!(a.changes, f.changes, "the same edited files");
    let desk = &a.changes[3].2;
    assert!(
        desk.contains("note: \"last staff login 2026-10-20 (Staff Login Report of 2027-01-15)\""),
        "{desk}"
    );
    let r = &from_api["report"];
    assert_eq!(r["source"], "alma");
    assert_eq!(r["environment"], "production");
    assert_eq!(r["login_date_from"], "2026-10-17");
    assert_eq!(r["login_date_to"], "2027-01-15");
    assert_eq!(r["entries"], 156, "nothing before 2026-10-17");
    assert_eq!(r["pages"], 2);
    assert_eq!(r["failed_only"], 2);
    assert_eq!(r["generated"], "2027-01-15");
    let message = from_api["commit_message"].as_str().unwrap();
    assert!(
        message.contains("by the Staff Login Report of 2027-01-15 from the Alma API\n(production:"),
        "{message}"
    );
    assert_eq!(a.message, message);
}

#[test]
fn the_text_output_names_the_api_and_the_emulator() {
    let c = checkout(alma_logins());
    let out = run(c.dir(), &["--from-alma", "--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("Report: Alma's staff login report (production, 127.0.0.1:"),
        "{text}"
    );
    assert!(
        text.contains(
            "from 2026-10-17 through 2027-01-15: 156 entries, 6 users, 2 with only failed attempts"
        ),
        "{text}"
    );
    assert!(text.contains("To suspend (4):"), "{text}");
    assert!(
        stderr(&out).contains("using the built-in emulated Alma"),
        "{}",
        stderr(&out)
    );
    assert!(branch_commit(c.dir(), BRANCH).is_none(), "a dry run");
}

#[test]
fn exactly_one_input_and_only_alma_s_retention() {
    let c = checkout(alma_logins());
    let report = c.report("same.csv", SAME_CSV.as_bytes());
    let report = report.to_str().unwrap();
    for (args, says) in [
        (vec![], "--staff-login-report"),
        (
            vec!["--from-alma", "--staff-login-report", report],
            "cannot be used with",
        ),
        (
            vec!["--from-alma", "--report-date", DAY],
            "cannot be used with",
        ),
        (
            vec!["--staff-login-report", report, "--env", "production"],
            "--from-alma",
        ),
        (
            vec!["--from-alma", "--env", "staging"],
            "unknown environment `staging`",
        ),
        (
            vec!["--from-alma", "--report-retention-days", "120"],
            "at most 90 days",
        ),
    ] {
        let out = run(c.dir(), &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
    let sandbox = json(&run(
        c.dir(),
        &[
            "--from-alma",
            "--env",
            "sandbox",
            "--dry-run",
            "--format",
            "json",
        ],
    ));
    assert_eq!(sandbox["report"]["environment"], "sandbox");
}

#[test]
fn an_empty_report_from_alma_is_refused() {
    // A state file written before the emulator kept staff logins.
    let c = checkout(Vec::new());
    let out = run(c.dir(), &["--from-alma"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("lists no login from 2026-10-17 through 2027-01-15"),
        "{err}"
    );
    assert!(err.contains("to seed it afresh"), "{err}");
    assert!(branch_commit(c.dir(), BRANCH).is_none());
}
