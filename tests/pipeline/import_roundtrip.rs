//! `import` against the built-in emulated Alma seeded from the sample
//! institution (drift and all), into a repository with the sample's tables
//! and no logins: the result validates, a plan against the same Alma only
//! shows what a login file cannot say (and exactly what import warned
//! about), and importing twice gives byte-identical files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use alma_access::alma::AlmaRead;
use alma_access::emulator::{Emulator, seed};
use alma_access::import::{self, Options};
use alma_access::model::AccessRepo;
use alma_access::reconcile::{self, ChangeKind, Scope};
use chrono::NaiveDate;

const TODAY: &str = "2026-11-23";

fn today() -> NaiveDate {
    NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap()
}

fn sample_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("access")
}

fn load(root: &Path) -> AccessRepo {
    let (_, outcome) = alma_access::validate::validate_dir(root, today());
    outcome.repo.expect("the repository validates")
}

/// A folder with the sample's tables, an empty `logins/`, and the emulator
/// state seeded from the sample (so Alma holds the sample's users).
fn empty_institution() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let access = dir.path().join("access");
    std::fs::create_dir_all(access.join("logins")).unwrap();
    for file in ["institution.yaml", "catalog.yaml", "units.yaml"] {
        std::fs::copy(sample_root().join(file), access.join(file)).unwrap();
    }
    std::fs::create_dir_all(access.join("profiles")).unwrap();
    for entry in std::fs::read_dir(sample_root().join("profiles")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(
            entry.path(),
            access.join("profiles").join(entry.file_name()),
        )
        .unwrap();
    }
    let state = sample_alma();
    let emulator = dir.path().join(".alma-access/emulator");
    std::fs::create_dir_all(&emulator).unwrap();
    state.save(&emulator.join("production.json")).unwrap();
    dir
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_alma-access"))
        .current_dir(dir)
        .args(args)
        .args(["--today", TODAY])
        .env_remove("ALMA_PROD_API_KEY")
        .env_remove("ALMA_SANDBOX_API_KEY")
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every file under `logins/`, by relative path.
fn files(access: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for unit in std::fs::read_dir(access.join("logins")).unwrap() {
        let unit = unit.unwrap();
        for file in std::fs::read_dir(unit.path()).unwrap() {
            let file = file.unwrap();
            let rel = format!(
                "{}/{}",
                unit.file_name().to_string_lossy(),
                file.file_name().to_string_lossy()
            );
            out.insert(rel, std::fs::read(file.path()).unwrap());
        }
    }
    out
}

/// The users import said a plan would still change.
fn warned(stdout: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut current = None;
    for line in stdout.lines() {
        if let Some(rest) = line.strip_prefix("wrote logins/") {
            let file = rest.split(' ').next().unwrap();
            current = Some(
                file.rsplit('/')
                    .next()
                    .unwrap()
                    .trim_end_matches(".yaml")
                    .to_string(),
            );
        } else if line.starts_with("  warning: a plan will still ") {
            ids.push(current.clone().unwrap());
        }
    }
    ids.sort();
    ids.dedup();
    ids
}

#[test]
fn import_validates_plans_clean_but_for_what_it_warned_and_is_stable() {
    let dir = empty_institution();
    let out = run(
        dir.path(),
        &[
            "import",
            "access",
            "--env",
            "production",
            "--assume-trained",
        ],
    );
    let text = stdout(&out);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = files(&dir.path().join("access"));
    assert!(written.len() >= 30, "{} files\n{text}", written.len());
    for (path, bytes) in &written {
        let body = String::from_utf8(bytes.clone()).unwrap();
        let unit = path.split('/').next().unwrap();
        assert!(
            body.starts_with(&format!(
                "# yaml-language-server: $schema=../../../schemas/institution/login-{unit}.schema.json\n"
            )),
            "{path}"
        );
        assert!(body.contains("\nmanager: set--manager"), "{path}");
    }
    // The user with Patron only has no login to describe; the two waiting users are not in Alma.
    assert!(
        text.contains("skipped 80305567: holds no managed roles"),
        "{text}"
    );
    assert_eq!(
        text.matches("  warning: `manager` is the placeholder")
            .count(),
        written.len()
    );

    let validate = run(dir.path(), &["validate", "access"]);
    assert!(
        validate.status.success(),
        "{}\n{}",
        stdout(&validate),
        String::from_utf8_lossy(&validate.stderr)
    );
    // The editor schemas the imported files name are the ones `schemas` writes.
    let schemas = run(dir.path(), &["schemas", "access"]);
    assert!(schemas.status.success(), "{}", stdout(&schemas));
    assert!(
        !stdout(&schemas).contains("pointed "),
        "{}",
        stdout(&schemas)
    );

    let plan = run(
        dir.path(),
        &["plan", "access", "--env", "production", "--format", "json"],
    );
    assert!(
        plan.status.success(),
        "{}",
        String::from_utf8_lossy(&plan.stderr)
    );
    let saved: serde_json::Value = serde_json::from_slice(&plan.stdout).unwrap();
    let users = saved["plan"]["users"].as_array().unwrap();
    assert_eq!(users.len(), written.len());
    let mut changed: Vec<String> = Vec::new();
    for user in users {
        assert_ne!(user["status"], "waiting", "{user}");
        for change in user["changes"].as_array().unwrap() {
            let action = change["action"].as_str().unwrap();
            // Only what a login file cannot say: Alma's duplicates, one role
            // inactive among active ones, roles expiring on different days.
            assert!(
                ["deduplicate", "activate", "expiry"].contains(&action),
                "{}: {change}",
                user["primary_id"]
            );
        }
        if user["status"] == "changed" {
            changed.push(user["primary_id"].as_str().unwrap().to_string());
        }
    }
    changed.sort();
    assert_eq!(changed, warned(&text), "{text}");
    // Four users hold what no file can say exactly: duplicates, an inactive
    // role among active ones, and (80141122) batch roles Alma expires on
    // the load project's last day, of a level import cannot claim (its
    // batch attestation and `until` are not in Alma).
    assert!(changed.len() <= 4, "{changed:?}");
    assert!(saved["plan"]["safety"].as_array().unwrap().is_empty());

    // Again, over the same files: nothing is overwritten without --force.
    let again = run(
        dir.path(),
        &[
            "import",
            "access",
            "--env",
            "production",
            "--assume-trained",
        ],
    );
    assert!(again.status.success());
    assert!(
        stdout(&again).contains("kept logins/"),
        "{}",
        stdout(&again)
    );
    assert_eq!(files(&dir.path().join("access")), written);
    // With --force, and into a second empty folder: byte-identical.
    let forced = run(
        dir.path(),
        &[
            "import",
            "access",
            "--env",
            "production",
            "--assume-trained",
            "--force",
        ],
    );
    assert!(forced.status.success());
    assert_eq!(files(&dir.path().join("access")), written);
    let other = empty_institution();
    let out = run(
        other.path(),
        &[
            "import",
            "access",
            "--env",
            "production",
            "--assume-trained",
        ],
    );
    assert!(out.status.success());
    assert_eq!(files(&other.path().join("access")), written);
}

/// The sample's Alma (production), as the built-in target holds it.
fn sample_alma() -> alma_access::emulator::State {
    seed::from_description(&seed::sample("production").unwrap(), today())
}

/// In process: import everything `state` (the Alma of `source`) holds
/// into an empty copy of `source`'s tables, then plan; what import
/// predicted for each user is exactly what the plan shows, and no change
/// is an addition, removal or deactivation.
async fn round_trip_in_process(source: &Path, state: alma_access::emulator::State) -> usize {
    let staff = state
        .users
        .iter()
        .filter(|u| u.rest["record_type"]["value"] == "STAFF")
        .count();
    let emulator = Emulator::new(state);
    let dir = tempfile::tempdir().unwrap();
    let access = dir.path().join("access");
    alma_access::synth::institution(source, &access, 0).unwrap();
    let empty = load(&access);
    assert!(empty.logins.is_empty());
    let options = Options {
        environment: "production".into(),
        today: today(),
        unit: None,
        assume_trained: true,
    };
    let told = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = told.clone();
    let progress = alma_access::reconcile::Progress::new(move |what, done, of| {
        log.lock().unwrap().push((what.to_string(), done, of));
    });
    let fetched = import::fetch(&emulator, None, &progress).await.unwrap();
    let told = told.lock().unwrap().clone();
    let last_read = told
        .iter()
        .rev()
        .find(|(what, _, _)| what == "reading staff users");
    assert!(
        told.iter()
            .any(|(what, done, of)| what == "listing users" && done == of),
        "listing progress: {told:?}"
    );
    assert!(
        last_read.is_some_and(|(_, done, of)| done == of && *of > 0),
        "read progress ends complete: {told:?}"
    );
    assert!(fetched.failed.is_empty() && fetched.missing.is_empty());
    assert!(fetched.listed > staff as u64, "patrons are listed too");
    assert_eq!(
        fetched.users.len(),
        staff,
        "every STAFF user is read, across pages"
    );
    let mut predicted = BTreeMap::new();
    let mut skipped = Vec::new();
    for user in &fetched.users {
        match import::describe(&empty, user, &options) {
            Ok(imported) => {
                let path = access.join(&imported.path);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, &imported.text).unwrap();
                predicted.insert(imported.primary_id.clone(), imported.plan);
            }
            Err(skip) => skipped.push(skip),
        }
    }
    // Every staff user read is written, but for those a login file must not
    // describe: a protected user, or one without managed roles.
    assert!(
        skipped.iter().all(|s| matches!(
            s.reason,
            import::SkipReason::Protected | import::SkipReason::NoManagedRoles
        )),
        "{skipped:?}"
    );
    assert!(
        skipped.len() * 10 <= fetched.users.len(),
        "at most one staff user in ten is not imported: {skipped:?}"
    );
    let repo = load(&access);
    let alma = BTreeMap::from([("production".to_string(), emulator)]);
    let request = reconcile::Request {
        repo: &repo,
        today: today(),
        environments: vec!["production".into()],
        scope: Scope::Full,
        only: None,
        deleted: Vec::new(),
        commit: None,
        tables: Vec::new(),
        reviewed: Default::default(),
        progress: Default::default(),
        notices: Vec::new(),
    };
    let plan = reconcile::plan(&alma, &request).await.unwrap();
    assert!(plan.errors.is_empty() && plan.safety.is_empty());
    assert_eq!(plan.users.len(), predicted.len());
    for user in &plan.users {
        assert_eq!(
            &user.changes, &predicted[&user.primary_id],
            "{}",
            user.primary_id
        );
        assert!(user.changes.iter().all(|c| !matches!(
            c.kind,
            ChangeKind::Add | ChangeKind::Remove | ChangeKind::Deactivate
        )));
    }
    assert!(alma["production"].usage().calls > 0);
    plan.changed().count()
}

#[tokio::test]
async fn predicted_changes_are_the_plans_changes() {
    let changed = round_trip_in_process(&sample_root(), sample_alma()).await;
    assert!(changed <= 4, "{changed}");
}

#[tokio::test]
async fn a_larger_institution_pages_and_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("access");
    let production = seed::sample("production").unwrap();
    let synthetic =
        alma_access::synth::with_alma(&sample_root(), &source, 260, &production).unwrap();
    let state = seed::from_description(&synthetic.alma(&production, 0), today());
    let staff = state
        .users
        .iter()
        .filter(|u| {
            u.rest
                .get("record_type")
                .is_some_and(|t| t["value"] == "STAFF")
        })
        .count();
    assert!(
        staff > 200,
        "260 logins make more than two pages of staff: {staff}"
    );
    let changed = round_trip_in_process(&source, state).await;
    assert!(
        changed <= staff / 10,
        "{changed} of {staff} change after the import"
    );
}

/// Takes out of a seeded Alma the drift a login file cannot describe:
/// duplicate roles, one role inactive among active ones, roles expiring on
/// different days. What is left is an Alma the format can state exactly.
fn describable(state: &mut alma_access::emulator::State) {
    use alma_access::alma::{Role, RoleStatus, normalize};
    for user in &mut state.users {
        let Some(wire) = user.user_role.take() else {
            continue;
        };
        let mut roles: Vec<Role> =
            normalize(wire.iter().map(|w| Role::from_wire(w).unwrap()).collect());
        let managed: Vec<&Role> = roles.iter().filter(|r| r.role_type != "200").collect();
        let mixed_status = managed.iter().any(|r| r.status != managed[0].status);
        let mixed_expiry = managed
            .iter()
            .any(|r| r.expiry_date != managed[0].expiry_date);
        for role in roles.iter_mut().filter(|r| r.role_type != "200") {
            if mixed_status {
                role.status = RoleStatus::Active;
            }
            if mixed_expiry {
                role.expiry_date = None;
            }
        }
        user.user_role = Some(roles.iter().map(Role::to_wire).collect());
    }
}

#[test]
fn an_alma_the_format_can_describe_imports_to_an_empty_plan() {
    let dir = empty_institution();
    let path = dir.path().join(".alma-access/emulator/production.json");
    let mut state = alma_access::emulator::State::load(&path).unwrap();
    describable(&mut state);
    state.save(&path).unwrap();

    let out = run(
        dir.path(),
        &[
            "import",
            "access",
            "--env",
            "production",
            "--assume-trained",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !stdout(&out).contains("a plan will still"),
        "{}",
        stdout(&out)
    );
    let plan = run(
        dir.path(),
        &[
            "plan",
            "access",
            "--env",
            "production",
            "--detailed-exitcode",
        ],
    );
    assert_eq!(
        plan.status.code(),
        Some(0),
        "plan after import is not empty:\n{}",
        stdout(&plan)
    );
    assert!(stdout(&plan).contains("0 to change"), "{}", stdout(&plan));
}
