//! `import` options as a liaison uses them: one user, users from a list,
//! one unit, without assuming training, existing files, and wrong usage.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use alma_access::emulator::{State, seed};
use chrono::NaiveDate;

const TODAY: &str = "2026-11-23";

fn sample_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("access")
}

/// The sample's tables with no logins, and Alma seeded from the sample.
fn empty_institution() -> (tempfile::TempDir, State) {
    let dir = tempfile::tempdir().unwrap();
    let access = dir.path().join("access");
    std::fs::create_dir_all(access.join("logins")).unwrap();
    std::fs::create_dir_all(access.join("profiles")).unwrap();
    for file in ["institution.yaml", "catalog.yaml", "units.yaml"] {
        std::fs::copy(sample_root().join(file), access.join(file)).unwrap();
    }
    for entry in std::fs::read_dir(sample_root().join("profiles")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(
            entry.path(),
            access.join("profiles").join(entry.file_name()),
        )
        .unwrap();
    }
    let today = NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap();
    let description = seed::sample("production").unwrap();
    let state = seed::from_description(&description, today);
    let emulator = dir.path().join(".alma-access/emulator");
    std::fs::create_dir_all(&emulator).unwrap();
    state.save(&emulator.join("production.json")).unwrap();
    (dir, state)
}

fn run(dir: &Path, args: &[&str]) -> (Output, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_alma-access"))
        .current_dir(dir)
        .args(args)
        .args(["--today", TODAY])
        .env_remove("ALMA_PROD_API_KEY")
        .env_remove("ALMA_SANDBOX_API_KEY")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out, text)
}

fn logins(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let root = dir.join("access/logins");
    for unit in std::fs::read_dir(&root).unwrap() {
        let unit = unit.unwrap();
        for file in std::fs::read_dir(unit.path()).unwrap() {
            out.push(format!(
                "{}/{}",
                unit.file_name().to_string_lossy(),
                file.unwrap().file_name().to_string_lossy()
            ));
        }
    }
    out.sort();
    out
}

#[test]
fn named_users_and_a_list_file() {
    let (dir, state) = empty_institution();
    let patron = state
        .users
        .iter()
        .find(|u| u.rest["record_type"]["value"] == "PUBLIC")
        .unwrap()
        .primary_id
        .clone();
    std::fs::write(
        dir.path().join("ids.txt"),
        format!("# who to import\n80231457\n\n{patron}   # a patron\nNOBODY-1\n"),
    )
    .unwrap();
    let (out, text) = run(
        dir.path(),
        &[
            "import",
            "access",
            "--user",
            "NFU-MAIN-CIRC1",
            "--users-from",
            "ids.txt",
            "--assume-trained",
        ],
    );
    assert!(out.status.success(), "{text}");
    assert_eq!(
        logins(dir.path()),
        ["main/80231457.yaml", "main/NFU-MAIN-CIRC1.yaml"],
        "{text}"
    );
    assert!(
        text.contains("skipped NOBODY-1: no such user in Alma"),
        "{text}"
    );
    assert!(
        text.contains(&format!("skipped {patron}: not a staff user")),
        "{text}"
    );
    let desk =
        std::fs::read_to_string(dir.path().join("access/logins/main/NFU-MAIN-CIRC1.yaml")).unwrap();
    assert!(
        desk.contains("login: shared-desk\ntype: custom\n"),
        "{desk}"
    );
    assert!(
        desk.contains(
            "  fulfillment:\n    level: operator\n    circulation_desks: [NFU_MAIN_CIRC]\n"
        ),
        "{desk}"
    );
}

#[test]
fn one_unit_only() {
    let (dir, _) = empty_institution();
    let (out, text) = run(
        dir.path(),
        &["import", "access", "--unit", "law", "--assume-trained"],
    );
    assert!(out.status.success(), "{text}");
    let files = logins(dir.path());
    assert!(!files.is_empty());
    assert!(files.iter().all(|f| f.starts_with("law/")), "{files:?}");
    assert!(
        text.contains("user(s) belong to other units than `law`"),
        "{text}"
    );
}

#[test]
fn without_training_the_roles_would_stay_inactive_and_import_says_so() {
    let (dir, _) = empty_institution();
    let (out, text) = run(dir.path(), &["import", "access", "--user", "80231457"]);
    assert!(out.status.success(), "{text}");
    let file =
        std::fs::read_to_string(dir.path().join("access/logins/main/80231457.yaml")).unwrap();
    assert!(!file.contains("training:"), "{file}");
    assert!(
        text.contains("roles stay inactive until training is recorded (R4)"),
        "{text}"
    );
    assert!(
        text.contains("a plan will still deactivate 8 role(s) of this user")
            && text.contains("inactive until training is recorded"),
        "{text}"
    );
    let (out, validate) = run(dir.path(), &["validate", "access"]);
    assert!(out.status.success(), "{validate}");
}

#[test]
fn existing_files_are_kept_and_a_login_is_never_described_twice() {
    let (dir, _) = empty_institution();
    let (out, text) = run(
        dir.path(),
        &["import", "access", "--user", "80155203", "--assume-trained"],
    );
    assert!(out.status.success(), "{text}");
    let main = dir.path().join("access/logins/main/80155203.yaml");
    let body = std::fs::read_to_string(&main).unwrap();
    assert!(body.contains("type: view\n"), "{body}");
    // The liaison moves the view-only login to the law library.
    let law = dir.path().join("access/logins/law/80155203.yaml");
    std::fs::create_dir_all(law.parent().unwrap()).unwrap();
    std::fs::write(
        &law,
        body.replace("unit: main", "unit: law")
            .replace("liaison: mgarcia-lib", "liaison: cbarros"),
    )
    .unwrap();
    std::fs::remove_file(&main).unwrap();
    let (out, text) = run(
        dir.path(),
        &[
            "import",
            "access",
            "--user",
            "80155203",
            "--assume-trained",
            "--force",
        ],
    );
    assert!(out.status.success(), "{text}");
    assert!(text.contains("already described in unit `law`"), "{text}");
    assert_eq!(logins(dir.path()), ["law/80155203.yaml"]);
}

#[test]
fn wrong_usage_exits_2() {
    let (dir, _) = empty_institution();
    for args in [
        &["import", "access", "--env", "staging"][..],
        &["import", "access", "--unit", "nowhere"][..],
        &["import", "access", "--users-from", "missing.txt"][..],
    ] {
        let (out, text) = run(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {text}");
    }
}
