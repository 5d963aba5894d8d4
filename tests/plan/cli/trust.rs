//! Attacks on `plan` and `apply` that once worked, one test each: a pull
//! request steering where the API key goes, a forged saved plan, a plan of
//! a dirty tree, an old checkout re-applied, and a mass loss of access that
//! passed the caps.

use std::io::Read;
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use alma_access::reconcile::plan::SavedPlan;
use serde_json::json;

use super::{Alma, Checkout, TODAY, text};

const KEY: &str = "k3y-trust-SECRET-never-shown-4d1";

/// A listener on 127.0.0.1 that counts the connections it is offered and
/// keeps what they sent: where a hostile `api_url` would send the key.
struct Trap {
    port: u16,
    connections: Arc<AtomicUsize>,
}

impl Trap {
    fn new() -> Trap {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(AtomicUsize::new(0));
        let seen = connections.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                seen.fetch_add(1, Ordering::SeqCst);
                let mut stream = stream;
                let _ = stream.set_read_timeout(Some(std::time::Duration::from_millis(200)));
                let mut buf = [0u8; 1024];
                let _ = stream.read(&mut buf);
            }
        });
        Trap { port, connections }
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

/// The minimal institution with each environment served by a stand-in Alma
/// (an emulator process holding `KEY`), committed.
fn checkout_with_alma() -> (Checkout, Vec<Alma>) {
    let c = Checkout::of("tests/fixtures/minimal");
    let today = chrono::NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap();
    let (_, outcome) = alma_access::validate::validate_dir(&c.root().join("access"), today);
    let repo = outcome.repo.expect("the fixture validates");
    let mut alma = Vec::new();
    for env in ["production", "sandbox"] {
        let mut state = alma_access::synth::built_in(&repo, env, today);
        state
            .api_keys
            .push(serde_json::from_value(json!({"key": KEY, "access": "read-write"})).unwrap());
        let path = c.root().join(format!("{env}-alma.json"));
        state.save(&path).unwrap();
        let served = Alma::serve(&path);
        c.edit(
            "institution.yaml",
            "api_url: \"https://api-na.hosted.exlibrisgroup.com\"",
            &format!("api_url: \"http://{}\"", served.addr),
        );
        alma.push(served);
    }
    c.edit(
        "institution.yaml",
        "default_environments:",
        "api: {requests_per_second: 25}\ndefault_environments:",
    );
    c.commit("Point the environments at the stand-in Alma");
    (c, alma)
}

const KEYS: [(&str, &str); 3] = [
    ("ALMA_PROD_API_KEY", KEY),
    ("ALMA_SANDBOX_API_KEY", KEY),
    (
        "GITHUB_TOKEN",
        "ghs_a-token-a-hostile-api_key_env-would-send",
    ),
];

#[test]
fn a_pull_request_cannot_choose_where_the_api_key_goes() {
    let (c, alma) = checkout_with_alma();
    let trap = Trap::new();
    // The pull request: both environments sent to the trap, the production
    // key taken from another variable, and a login changed.
    for served in &alma {
        c.edit(
            "institution.yaml",
            &format!("api_url: \"http://{}\"", served.addr),
            &format!("api_url: \"http://127.0.0.1:{}\"", trap.port),
        );
    }
    c.edit(
        "institution.yaml",
        "api_key_env: ALMA_PROD_API_KEY",
        "api_key_env: GITHUB_TOKEN",
    );
    c.edit(
        "logins/main/10000007.yaml",
        "type: view",
        "type: view-analytics",
    );
    c.commit("A hostile pull request");
    let out = c.run(&["plan", "--changed-since", "HEAD~1"], &KEYS);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert_eq!(trap.connections(), 0, "the change's api_url was used");
    assert!(
        stdout.contains(&format!("Alma: production at {}", alma[0].addr)),
        "the header names the reviewed host:\n{stdout}"
    );
    for line in [
        "NOTE: institution.yaml: environment `production`: api_url changes from",
        "NOTE: institution.yaml: environment `production`: api_key_env changes from ALMA_PROD_API_KEY to GITHUB_TOKEN: planned with the reviewed setting; takes effect after merge",
    ] {
        assert!(stdout.contains(line), "missing {line:?} in\n{stdout}");
    }
    assert!(!stdout.contains(KEY) && !stderr.contains(KEY));
    assert!(alma[0].stats().reads > 0, "the reviewed Alma was read");
}

#[test]
fn plain_http_to_another_host_is_refused_before_anything_is_sent() {
    let (c, _alma) = checkout_with_alma();
    let text_before = std::fs::read_to_string(c.root().join("access/institution.yaml")).unwrap();
    let first = text_before
        .lines()
        .find(|l| l.contains("api_url"))
        .unwrap()
        .to_string();
    let url = first.split('"').nth(1).unwrap().to_string();
    c.edit("institution.yaml", &url, "http://alma.example.net");
    let out = c.run(&["plan"], &KEYS);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("plain http") && stderr.contains("use https"),
        "{stderr}"
    );
    let out = c.run(&["validate"], &[]);
    assert_eq!(out.status.code(), Some(1));
}

/// A saved plan of the checkout against the built-in emulator.
fn saved_plan(c: &Checkout) -> (std::path::PathBuf, SavedPlan) {
    let path = c.root().join("plan.json");
    let out = c.run(&["plan", "--out", path.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    let saved: SavedPlan = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    (path, saved)
}

/// Writes `saved` back with a digest recomputed, as anyone can.
fn forge(path: &std::path::Path, mut saved: SavedPlan) {
    saved.digest = saved.plan.digest();
    std::fs::write(path, serde_json::to_string_pretty(&saved).unwrap()).unwrap();
}

#[test]
fn a_forged_saved_plan_is_never_applied() {
    let c = Checkout::of("tests/fixtures/minimal");
    let (path, saved) = saved_plan(&c);
    // Add General System Administrator to Gus, a view login, and re-sign.
    let mut forged = saved;
    let gus = forged
        .plan
        .users
        .iter_mut()
        .find(|u| u.environment == "production" && u.primary_id == "10000007")
        .unwrap();
    let admin: alma_access::alma::Role = serde_json::from_value(json!({
        "role_type": "26", "scope": "01TEST_INST", "status": "Active",
        "expiry_date": null, "parameters": []
    }))
    .unwrap();
    gus.after.push(admin.clone());
    gus.changes.push(alma_access::reconcile::Change {
        kind: alma_access::reconcile::ChangeKind::Add,
        role: admin,
        reason: "granted by access/logins/main/10000007.yaml".into(),
    });
    gus.status = alma_access::reconcile::UserStatus::Changed;
    forge(&path, forged);
    let out = c.run(
        &["apply", "--plan", path.to_str().unwrap(), "--confirm"],
        &[],
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("is not what a fresh plan of its commit shows")
            && stderr.contains("production 10000007: the changes differ"),
        "{stderr}"
    );
    assert!(
        !c.root().join(".alma-access/audit.jsonl").exists(),
        "nothing was written"
    );
}

#[test]
fn a_saved_plan_with_its_safety_stop_cleared_is_never_applied() {
    let c = Checkout::new();
    // No loss of access allowed at all: the sample's drift makes a stop.
    c.edit(
        "institution.yaml",
        "max_removals: {count: 25, ratio: 0.10}",
        "max_removals: {count: 0, ratio: 0.5}",
    );
    c.commit("Allow no loss of access");
    let (path, mut saved) = saved_plan(&c);
    assert!(!saved.plan.safety.is_empty(), "the plan has a safety stop");
    saved.plan.safety.clear();
    forge(&path, saved);
    let out = c.run(
        &["apply", "--plan", path.to_str().unwrap(), "--confirm"],
        &[],
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("the safety verdict differs (saved: ok; fresh:"),
        "{stderr}"
    );
    assert!(!c.root().join(".alma-access/audit.jsonl").exists());
}

#[test]
fn a_plan_of_a_dirty_working_tree_cannot_be_applied() {
    let c = Checkout::of("tests/fixtures/minimal");
    c.edit(
        "logins/main/10000007.yaml",
        "type: view",
        "type: view-analytics",
    );
    let (path, saved) = saved_plan(&c);
    assert!(saved.plan.commit.as_deref().unwrap().ends_with("-dirty"));
    let out = c.run(
        &["apply", "--plan", path.to_str().unwrap(), "--confirm"],
        &[],
    );
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("uncommitted changes"), "{stderr}");
    assert!(!c.root().join(".alma-access/audit.jsonl").exists());
}

#[test]
fn apply_only_moves_forward() {
    let c = Checkout::of("tests/fixtures/minimal");
    let repo = git2::Repository::open(c.root()).unwrap();
    let old = repo.head().unwrap().peel_to_commit().unwrap().id();
    c.remove("logins/main/10000007.yaml");
    c.commit("Gus has left");
    let new = repo.head().unwrap().peel_to_commit().unwrap().id();
    // The old workflow run, re-run: its checkout is the commit before the deletion.
    repo.set_head_detached(old).unwrap();
    repo.checkout_head(Some(git2::build::CheckoutBuilder::new().force()))
        .unwrap();
    assert!(c.root().join("access/logins/main/10000007.yaml").exists());
    let out = c.run(
        &["apply", "--changed-since", &new.to_string(), "--confirm"],
        &[],
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("is older than") && stderr.contains("the last commit applied"),
        "{stderr}"
    );
    assert!(!c.root().join(".alma-access/audit.jsonl").exists());
}

#[test]
fn a_mass_loss_of_access_stops_and_needs_an_explicit_override() {
    let c = Checkout::of("tests/fixtures/minimal");
    // The seed's drift takes away a few roles of a small institution: allow it.
    c.edit(
        "institution.yaml",
        "max_removals: {count: 25, ratio: 0.1}",
        "max_removals: {count: 15, ratio: 0.5}",
    );
    c.commit("Allow 15 roles, and half the roles, to go in one apply");
    let out = c.run(&["apply", "--confirm"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).0);
    // One more required training: every login's roles go inactive at once.
    c.edit(
        "institution.yaml",
        "required_training: [security_awareness, ferpa]",
        "required_training: [security_awareness, ferpa, data_protection]",
    );
    // The systems administrator has done it: a critical role keeps its holder.
    c.edit(
        "logins/systems/10000006.yaml",
        "  ferpa: 2026-09-02",
        "  ferpa: 2026-09-02\n  data_protection: 2026-11-20",
    );
    c.commit("Require data protection training");
    let out = c.run(&["plan", "--changed-since", "HEAD~1"], &[]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stdout.contains("SAFETY STOP (max_removals.count): production: the plan takes away access"),
        "{stdout}"
    );
    assert!(
        stdout.contains("SAFETY STOP (max_removals.ratio)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Blast radius of institution.yaml:"),
        "{stdout}"
    );
    let out = c.run(&["apply", "--changed-since", "HEAD~1", "--confirm"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).1.contains("safety stop, nothing was written"));
    let audit = c.root().join(".alma-access/audit.jsonl");
    let before = std::fs::read_to_string(&audit).unwrap().lines().count();

    let reason = "data protection training rollout, approved by LTS";
    let out = c.run(
        &[
            "apply",
            "--changed-since",
            "HEAD~1",
            "--confirm",
            "--allow-mass-change",
            reason,
        ],
        &[],
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    let records = alma_access::reconcile::audit::AuditLog::read(&audit).unwrap();
    assert!(records.len() > before);
    assert!(
        records[before..]
            .iter()
            .all(|r| r.mass_change.as_deref() == Some(reason)),
        "every record of the override run carries its reason"
    );
    assert!(records[..before].iter().all(|r| r.mass_change.is_none()));
}

#[cfg(unix)]
#[test]
fn the_built_in_emulator_never_keeps_its_state_through_a_link() {
    let c = Checkout::of("tests/fixtures/minimal");
    let elsewhere = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), c.root().join(".alma-access")).unwrap();
    let out = c.run(&["plan"], &[]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(".alma-access is a symbolic link"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_dir(elsewhere.path()).unwrap().count(),
        0,
        "nothing was written through the link"
    );
}
