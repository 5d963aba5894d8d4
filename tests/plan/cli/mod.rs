//! `plan` and `apply` as a systems team runs them: the built-in emulated
//! Alma on a fresh checkout, exit codes, saved plans that are stale or
//! altered, and an Alma configured by API key whose key never shows.
//! `trust`: attacks on plan and apply that once worked, one test each.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::alma_process;
use crate::files::copy_dir;
use alma_process::Alma;

mod people;
mod trust;
mod whole_truth;

/// The binary under test: this build's, or the one `ALMA_ACCESS_TEST_BIN`
/// names (to show that an attack test fails on an older build).
fn binary() -> PathBuf {
    std::env::var_os("ALMA_ACCESS_TEST_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_alma-access")),
        PathBuf::from,
    )
}

const TODAY: &str = "2026-11-23";

/// A git checkout holding a copy of the sample institution.
struct Checkout {
    dir: tempfile::TempDir,
}

impl Checkout {
    /// The sample institution.
    fn new() -> Checkout {
        Checkout::of("access")
    }

    /// The folder `source` (relative to the crate) as `access/`, committed.
    fn of(source: &str) -> Checkout {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join(source),
            &dir.path().join("access"),
        );
        let checkout = Checkout { dir };
        checkout.commit("Import the institution");
        checkout
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn commit(&self, message: &str) {
        crate::files::commit(self.root(), "access", message);
    }

    fn edit(&self, rel: &str, from: &str, to: &str) {
        let path = self.root().join("access").join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{rel} has no {from:?}");
        std::fs::write(path, text.replacen(from, to, 1)).unwrap();
    }

    fn remove(&self, rel: &str) {
        std::fs::remove_file(self.root().join("access").join(rel)).unwrap();
    }

    fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(binary());
        cmd.current_dir(self.root())
            .args(args)
            .args(["--today", TODAY]);
        cmd.env_remove("ALMA_PROD_API_KEY")
            .env_remove("ALMA_SANDBOX_API_KEY");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    }
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_fresh_checkout_plans_applies_and_converges_against_the_built_in_emulator() {
    let c = Checkout::new();
    let out = c.run(&["plan", "--detailed-exitcode"], &[]);
    let (stdout, stderr) = text(&out);
    assert_eq!(
        out.status.code(),
        Some(2),
        "drift in the seed means changes:\n{stdout}\n{stderr}"
    );
    assert!(stderr.contains("built-in emulated Alma"), "{stderr}");
    assert!(
        stdout.contains("Logins: 8 to change (1 in production, 6 in production and sandbox, 1 in sandbox), 2 waiting"),
        "{stdout}"
    );

    let out = c.run(&["apply"], &[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out).0.contains("Dry run: nothing was written"));
    let after_dry_run = text(&c.run(&["plan"], &[])).0;
    assert!(
        after_dry_run.contains("Logins: 8 to change"),
        "a dry run writes nothing:\n{after_dry_run}"
    );

    let out = c.run(&["apply", "--confirm"], &[]);
    let (stdout, _) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("Applied: 14 user(s) written and verified."),
        "{stdout}"
    );
    assert!(
        stdout.contains("log out of Alma and log in again"),
        "{stdout}"
    );

    let out = c.run(&["plan", "--detailed-exitcode"], &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "the plan after apply is empty:\n{}",
        text(&out).0
    );
    let out = c.run(&["apply", "--confirm"], &[]);
    assert!(
        text(&out).0.contains("Nothing to apply"),
        "{}",
        text(&out).0
    );
    let audit = std::fs::read_to_string(c.root().join(".alma-access/audit.jsonl")).unwrap();
    assert_eq!(
        audit.lines().count(),
        28,
        "a started and an applied record per write, none for the no-op apply"
    );
}

#[test]
fn a_saved_plan_is_applied_as_shown_and_refused_once_stale_or_altered() {
    let c = Checkout::new();
    let plan = c.root().join("plan.json");
    let out = c.run(&["plan", "--out", plan.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(0));

    // Altered: any edit to the file breaks its digest.
    let original = std::fs::read_to_string(&plan).unwrap();
    std::fs::write(&plan, original.replacen("\"Active\"", "\"Inactive\"", 1)).unwrap();
    let out = c.run(
        &["apply", "--plan", plan.to_str().unwrap(), "--confirm"],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).1.contains("was altered after it was made"),
        "{}",
        text(&out).1
    );

    // Stale: the repository moved on since the plan was made.
    std::fs::write(&plan, &original).unwrap();
    c.edit(
        "logins/main/80155203.yaml",
        "type: view",
        "type: view-analytics",
    );
    c.commit("Give analytics to a viewer");
    let out = c.run(
        &["apply", "--plan", plan.to_str().unwrap(), "--confirm"],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).1.contains("is stale"), "{}", text(&out).1);
    assert!(
        !c.root().join(".alma-access/audit.jsonl").exists(),
        "nothing was written"
    );

    // A fresh plan of the new commit applies.
    let out = c.run(&["plan", "--out", plan.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(0));
    let out = c.run(
        &["apply", "--plan", plan.to_str().unwrap(), "--confirm"],
        &[],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        text(&out).0,
        text(&out).1
    );
}

#[test]
fn changed_since_reads_only_the_changed_login() {
    let c = Checkout::new();
    assert_eq!(c.run(&["apply", "--confirm"], &[]).status.code(), Some(0));
    c.edit(
        "logins/main/80155203.yaml",
        "type: view",
        "type: view-analytics",
    );
    c.commit("Give analytics to a viewer");
    let out = c.run(
        &["plan", "--changed-since", "HEAD~1", "--format", "json"],
        &[],
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let plan: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let users = plan["plan"]["users"].as_array().unwrap();
    assert_eq!(users.len(), 2, "one user, two environments");
    for env in ["production", "sandbox"] {
        let calls = &plan["plan"]["calls"][env];
        assert_eq!(
            calls["used"].as_u64().unwrap() - calls["config"].as_u64().unwrap(),
            1,
            "exactly one user read per environment: {calls}"
        );
        assert_eq!(
            calls["config"], 2,
            "the role table and the libraries: {calls}"
        );
    }
}

#[test]
fn an_invalid_repository_is_not_planned() {
    let c = Checkout::new();
    c.edit("logins/main/80155203.yaml", "unit: main", "unit: mian");
    let out = c.run(&["plan"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let (_, stderr) = text(&out);
    assert!(
        stderr.contains("error[unknown-unit]") && stderr.contains("fix it first"),
        "{stderr}"
    );
}

#[test]
fn with_api_keys_set_the_real_client_is_used_and_the_key_never_shows() {
    const KEY: &str = "l7xq-SECRET-do-not-print-9f3k2";
    let c = Checkout::new();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let (_, outcome) = alma_access::validate::validate_dir(&c.root().join("access"), today);
    let repo = outcome.repo.unwrap();
    let mut alma = Vec::new();
    for env in ["production", "sandbox"] {
        let mut state = alma_access::synth::built_in(&repo, env, today);
        state.api_keys.push(
            serde_json::from_value(serde_json::json!({"key": KEY, "access": "read-write"}))
                .unwrap(),
        );
        let path: PathBuf = c.root().join(format!("{env}-alma.json"));
        state.save(&path).unwrap();
        alma.push(Alma::serve(&path));
    }
    // Point each environment at its stand-in, in the order institution.yaml lists them.
    for a in &alma {
        c.edit(
            "institution.yaml",
            "api_url: https://api-na.hosted.exlibrisgroup.com",
            &format!("api_url: http://{}", a.addr),
        );
    }
    c.edit(
        "institution.yaml",
        "requests_per_second: 10",
        "requests_per_second: 25",
    );
    let institution = std::fs::read_to_string(c.root().join("access/institution.yaml")).unwrap();
    assert!(
        !institution.contains("exlibrisgroup.com"),
        "no test may reach a real Alma"
    );
    let keys = [
        ("ALMA_PROD_API_KEY", KEY),
        ("ALMA_SANDBOX_API_KEY", KEY),
        ("ALMA_ACCESS_LOG", "trace"),
    ];
    let plan_file = c.root().join("plan.json");
    let runs = [
        c.run(&["plan", "--out", plan_file.to_str().unwrap()], &keys),
        c.run(&["plan", "--format", "json"], &keys),
        c.run(&["apply", "--confirm"], &keys),
        c.run(&["plan", "--detailed-exitcode"], &keys),
    ];
    let (stdout, stderr) = text(&runs[0]);
    assert_eq!(runs[0].status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        !stderr.contains("built-in emulated Alma"),
        "the configured Alma is used"
    );
    assert_eq!(runs[2].status.code(), Some(0), "{}", text(&runs[2]).0);
    assert_eq!(runs[3].status.code(), Some(0), "converged");
    let mut everything = String::new();
    for out in &runs {
        let (o, e) = text(out);
        everything.push_str(&o);
        everything.push_str(&e);
    }
    everything.push_str(&std::fs::read_to_string(&plan_file).unwrap());
    everything
        .push_str(&std::fs::read_to_string(c.root().join(".alma-access/audit.jsonl")).unwrap());
    assert!(everything.contains("GET"), "trace logs were captured");
    assert!(!everything.contains(KEY), "the API key leaked");
    assert!(
        !everything.contains("SECRET-do-not-print"),
        "part of the API key leaked"
    );

    let out = c.run(&["plan"], &[("ALMA_PROD_API_KEY", KEY)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).1.contains("ALMA_SANDBOX_API_KEY is not set"),
        "{}",
        text(&out).1
    );
}
