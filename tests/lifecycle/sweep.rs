//! `alma-access sweep-inactive` (R8) in a git checkout of the minimal
//! fixture, on 2027-01-15 with a report of that day: CSV and XLSX reports,
//! users missing from the report with and without a retention that covers
//! the window, new staff left alone, the branch and its commit message, a
//! diff of each swept file that is the inserted `suspended` block and
//! nothing else, and swept files that still validate. `from_alma`: the
//! same sweep with the logins read from the (emulated) Alma API.

use crate::fixture;
use crate::support;

mod from_alma;

use std::path::{Path, PathBuf};

use alma_access::lifecycle::{Inactivity, Standing, standing};
use chrono::NaiveDate;
use fixture::Fixture;
use serde_json::Value;
use support::{XCell, branch_commit, commit_all, only_inserted, run, stderr, stdout, xlsx};

const DAY: &str = "2027-01-15";
const BRANCH: &str = "alma-access/sweep-inactive-2027-01-15";
const ADA: &str = "access/logins/main/10000001.yaml";

const CSV: &str = "Staff Login Report\n\
Report generated: 01/15/2027\n\
\n\
User Name,Primary Identifier,Last Login\n\
\"Example, Ada\",10000001,2026-09-30 14:02:11\n\
Bo Finance,10000002,01/10/2027\n\
Cy Student,10000003,-\n\
Di Buyer,10000004,\n\
Fay Admin,10000006,2027-01-14T08:00:00Z\n\
Desk terminal,main-desk1,2026-10-01\n\
Someone Else,99999999,2027-01-01\n";

/// The same report as Alma's XLSX export: the dates are date cells.
fn report_xlsx() -> Vec<u8> {
    use XCell::{Date, Empty, Text};
    xlsx(&[
        vec![Text("Staff Login Report")],
        vec![Text("Report generated:"), Date(46402.0)],
        vec![],
        vec![
            Text("User Name"),
            Text("Primary Identifier"),
            Text("Last Login"),
        ],
        vec![Text("Example, Ada"), Text("10000001"), Date(46295.5847)],
        vec![Text("Bo Finance"), Text("10000002"), Date(46397.0)],
        vec![Text("Cy Student"), Text("10000003"), Text("-")],
        vec![Text("Di Buyer"), Text("10000004"), Empty],
        vec![
            Text("Fay Admin"),
            Text("10000006"),
            Text("2027-01-14 08:00:00"),
        ],
        vec![Text("Desk terminal"), Text("main-desk1"), Date(46296.0)],
        vec![Text("Someone Else"), Text("99999999"), Date(46388.0)],
    ])
}

/// A committed checkout of the minimal fixture, with comments in Ada's
/// file and Di's training recorded (Di started 2026-12-01: new staff).
struct Checkout {
    fixture: Fixture,
    reports: tempfile::TempDir,
}

impl Checkout {
    fn new() -> Checkout {
        let fixture = Fixture::minimal();
        fixture
            .edit(
                "logins/main/10000001.yaml",
                "primary_id:",
                "# Ada's login (ticket LIB-101)\nprimary_id:",
            )
            .edit(
                "logins/main/10000001.yaml",
                "name: Ada Example",
                "name: Ada Example   # as in the HR feed",
            )
            .edit(
                "logins/main/10000001.yaml",
                "ferpa: 2026-09-02\n",
                "ferpa: 2026-09-02\n\n# Reviewed by the liaison in October.\n",
            )
            .edit(
                "logins/main/10000004.yaml",
                "review_by:",
                "training:\n  security_awareness: 2026-11-02\n  ferpa: 2026-11-03\nreview_by:",
            );
        commit_all(fixture.root.parent().unwrap(), "the fixture");
        Checkout {
            fixture,
            reports: tempfile::tempdir().unwrap(),
        }
    }

    fn dir(&self) -> &Path {
        self.fixture.root.parent().unwrap()
    }

    fn report(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.reports.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn sweep(&self, report: &Path, extra: &[&str]) -> std::process::Output {
        let report = report.to_str().unwrap();
        let mut args = vec![
            "sweep-inactive",
            "access",
            "--staff-login-report",
            report,
            "--today",
            DAY,
        ];
        args.extend(extra);
        run(self.dir(), &args)
    }

    fn json(&self, report: &Path, extra: &[&str]) -> Value {
        let mut args = vec!["--dry-run", "--format", "json"];
        args.extend(extra);
        let out = self.sweep(report, &args);
        assert!(out.status.success(), "{}", stderr(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    fn file(&self, rel: &str) -> String {
        std::fs::read_to_string(self.dir().join(rel)).unwrap()
    }
}

fn ids(json: &Value, list: &str) -> Vec<String> {
    json["sweep"][list]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["login"]["primary_id"].as_str().unwrap().to_string())
        .collect()
}

const SWEPT: [&str; 4] = ["10000001", "10000003", "10000007", "MAIN-DESK1"];

#[test]
fn a_csv_report_proposes_a_branch_listing_who_and_why() {
    let c = Checkout::new();
    let head = git2::Repository::open(c.dir())
        .unwrap()
        .head()
        .unwrap()
        .target()
        .unwrap();
    let head_name = git2::Repository::open(c.dir())
        .unwrap()
        .head()
        .unwrap()
        .name()
        .unwrap()
        .to_string();
    let before = c.file(ADA);
    let out = c.sweep(&c.report("report.csv", CSV.as_bytes()), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(&format!("Branch {BRANCH} (commit ")),
        "{text}"
    );
    assert!(text.contains("To suspend (4):"), "{text}");
    let commit = branch_commit(c.dir(), BRANCH).expect("the branch exists");
    assert_eq!(commit.parent, head, "the branch starts at HEAD");
    for line in [
        "Suspend 4 logins without a staff login in 90 days (R8)\n",
        "No staff login from 2026-10-17 through 2027-01-15",
        "- 10000001, Ada Example, main: last login 2026-09-30\n",
        "- 10000003, Cy Student, main: no login recorded\n",
        "- 10000007, Gus Viewer, main: no login recorded (not in the report)\n",
        "- MAIN-DESK1, Main circulation desk terminal 1, main: last login 2026-10-01\n",
    ] {
        assert!(
            commit.message.contains(line),
            "{line:?} in\n{}",
            commit.message
        );
    }
    let files: Vec<&str> = commit.changes.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(
        files,
        [
            ADA,
            "access/logins/main/10000003.yaml",
            "access/logins/main/10000007.yaml",
            "access/logins/main/MAIN-DESK1.yaml"
        ]
    );
    // Nothing was checked out or written: HEAD and the working tree are as they were.
    let repo = git2::Repository::open(c.dir()).unwrap();
    assert_eq!(repo.head().unwrap().target(), Some(head));
    assert_eq!(repo.head().unwrap().name(), Ok(head_name.as_str()));
    assert_eq!(c.file(ADA), before);
}

#[test]
fn each_swept_file_only_gains_the_suspended_block() {
    let c = Checkout::new();
    let out = c.sweep(&c.report("report.csv", CSV.as_bytes()), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let commit = branch_commit(c.dir(), BRANCH).unwrap();
    for (path, before, after) in &commit.changes {
        let added = only_inserted(before, after)
            .unwrap_or_else(|| panic!("{path}: more than an insertion:\n{after}"));
        assert_eq!(added.len(), 4, "{path}: {added:?}");
        assert_eq!(added[0], "suspended:\n");
        assert_eq!(added[1], "  since: 2027-01-15\n");
        assert_eq!(added[2], "  reason: inactivity\n");
        assert!(added[3].starts_with("  note: \""), "{}", added[3]);
    }
    let (_, before, after) = &commit.changes[0];
    assert_eq!(
        after,
        &before.replace(
            "ferpa: 2026-09-02\n",
            "ferpa: 2026-09-02\nsuspended:\n  since: 2027-01-15\n  reason: inactivity\n  \
             note: \"last staff login 2026-09-30 (Staff Login Report of 2027-01-15)\"\n"
        ),
        "the block goes after the last entry, before the trailing comment"
    );
}

#[test]
fn the_swept_files_validate_and_are_suspended() {
    let c = Checkout::new();
    assert!(
        c.sweep(&c.report("r.csv", CSV.as_bytes()), &[])
            .status
            .success()
    );
    let out = tempfile::tempdir().unwrap();
    support::export_access(c.dir(), BRANCH, out.path());
    let day = NaiveDate::parse_from_str(DAY, "%Y-%m-%d").unwrap();
    let (_, outcome) = alma_access::validate::validate_dir(&out.path().join("access"), day);
    let repo = outcome.repo.expect("the branch validates");
    for id in SWEPT {
        let login = repo.login(id).unwrap();
        assert!(
            matches!(
                standing(login, &repo.institution, day),
                Standing::Inactive {
                    why: Inactivity::Suspended { .. }
                }
            ),
            "{id}"
        );
    }
}

#[test]
fn an_xlsx_report_reads_like_the_csv() {
    let c = Checkout::new();
    let csv = c.json(&c.report("r.csv", CSV.as_bytes()), &[]);
    // No extension: told by its zip signature.
    let xlsx = c.json(&c.report("export", &report_xlsx()), &[]);
    assert_eq!(ids(&xlsx, "inactive"), SWEPT);
    assert_eq!(xlsx["sweep"], csv["sweep"]);
    assert_eq!(xlsx["report"]["generated"], "2027-01-15");
    assert_eq!(xlsx["dry_run"], true);
    assert_eq!(xlsx["branch"], Value::Null);
    assert!(
        branch_commit(c.dir(), BRANCH).is_none(),
        "a dry run writes no branch"
    );
}

#[test]
fn who_is_judged_and_who_is_not() {
    let c = Checkout::new();
    let json = c.json(&c.report("r.csv", CSV.as_bytes()), &[]);
    assert_eq!(ids(&json, "inactive"), SWEPT);
    assert_eq!(ids(&json, "active"), ["10000002", "10000006"]);
    assert_eq!(
        ids(&json, "not_judged"),
        ["10000004", "10000005", "10000008"]
    );
    assert!(ids(&json, "unknown").is_empty());
    let di = &json["sweep"]["not_judged"][0]["why"];
    assert_eq!(
        di,
        "roles active only since 2026-12-01 (new, back from leave or newly trained): not a full window yet"
    );
}

#[test]
fn missing_users_are_unknown_when_the_retention_does_not_cover_the_window() {
    let c = Checkout::new();
    let report = c.report("r.csv", CSV.as_bytes());
    let json = c.json(&report, &["--report-retention-days", "30"]);
    assert_eq!(ids(&json, "inactive"), ["10000001", "MAIN-DESK1"]);
    assert_eq!(ids(&json, "unknown"), ["10000003", "10000007"]);
    assert_eq!(
        json["sweep"]["unknown"][1]["why"],
        "unknown: not in the report, and the report's retention (30 days) does not cover 90 days"
    );
    let out = c.sweep(&report, &["--report-retention-days", "30", "--dry-run"]);
    let text = stdout(&out);
    assert!(text.contains("Unknown, left alone (2):"), "{text}");
    assert!(
        text.contains("logins missing from it are unknown, not inactive"),
        "{text}"
    );
    assert!(text.contains("Dry run: no branch written"), "{text}");
}

#[test]
fn a_report_without_a_date_needs_report_date() {
    let c = Checkout::new();
    let bare = CSV.split_once("\n\n").unwrap().1;
    let report = c.report("r.csv", bare.as_bytes());
    let out = c.sweep(&report, &["--dry-run"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--report-date"), "{}", stderr(&out));
    let json = c.json(&report, &["--report-date", "2027-01-15"]);
    assert_eq!(ids(&json, "inactive"), SWEPT);
}

#[test]
fn an_older_report_judges_the_window_up_to_its_date() {
    let c = Checkout::new();
    let report = c.report("r.csv", CSV.replace("01/15/2027", "12/25/2026").as_bytes());
    let json = c.json(&report, &[]);
    assert_eq!(json["sweep"]["window_start"], "2026-09-26");
    assert_eq!(ids(&json, "inactive"), ["10000003", "10000007"]);
    assert_eq!(
        ids(&json, "active"),
        ["10000001", "10000002", "10000006", "MAIN-DESK1"]
    );
    let text = stdout(&c.sweep(&report, &["--dry-run"]));
    assert!(
        text.contains("Note: the report is 21 days old; logins after 2026-12-25 are not in it."),
        "{text}"
    );
}

#[test]
fn uncommitted_changes_stop_the_branch_but_not_a_dry_run() {
    let c = Checkout::new();
    c.fixture.edit(
        "logins/finance/10000002.yaml",
        "name: Bo Finance",
        "name: Bo F.",
    );
    let report = c.report("r.csv", CSV.as_bytes());
    let out = c.sweep(&report, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("commit or stash"), "{}", stderr(&out));
    assert!(branch_commit(c.dir(), BRANCH).is_none());
    assert!(c.sweep(&report, &["--dry-run"]).status.success());
}

#[test]
fn a_named_branch_is_never_overwritten() {
    let c = Checkout::new();
    let report = c.report("r.csv", CSV.as_bytes());
    let args = ["--branch", "sweep/january"];
    assert!(c.sweep(&report, &args).status.success());
    assert!(branch_commit(c.dir(), "sweep/january").is_some());
    let again = c.sweep(&report, &args);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn write_also_edits_the_working_tree() {
    let c = Checkout::new();
    let before = c.file(ADA);
    let out = c.sweep(
        &c.report("r.csv", CSV.as_bytes()),
        &["--dry-run", "--write"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let added = only_inserted(&before, &c.file(ADA)).expect("an insertion");
    assert_eq!(added[0], "suspended:\n");
}

#[test]
fn a_report_that_matches_no_login_is_refused() {
    let c = Checkout::new();
    let report = c.report(
        "r.csv",
        b"Primary Identifier,Last Login\nnobody,2026-01-01\n",
    );
    let out = c.sweep(&report, &["--report-date", DAY]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("none of the report's 1 users"),
        "{}",
        stderr(&out)
    );
}

/// The committed fixtures (for trying the command by hand) are the ones
/// these tests use; `LIFECYCLE_WRITE_FIXTURES=1` rewrites them.
#[test]
fn the_committed_report_fixtures_are_fresh() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/staff-login-report");
    let files = [
        ("staff-login-report.csv", CSV.as_bytes().to_vec()),
        ("staff-login-report.xlsx", report_xlsx()),
    ];
    for (name, bytes) in files {
        let path = dir.join(name);
        if std::env::var_os("LIFECYCLE_WRITE_FIXTURES").is_some() {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &bytes).unwrap();
        }
        assert_eq!(
            std::fs::read(&path).ok(),
            Some(bytes),
            "{name} is stale: run with LIFECYCLE_WRITE_FIXTURES=1"
        );
    }
}
