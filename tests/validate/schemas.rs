//! `alma-access schemas` as a systems librarian runs it: the committed
//! editor schemas are fresh, `--check` fails once the tables change or a
//! login names another unit's schema, and writing brings everything back.

use std::path::Path;
use std::process::Command;

use crate::fixture::{Fixture, TODAY};

fn schemas(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_alma-access"))
        .arg("schemas")
        .args(args)
        .args(["--today", TODAY])
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn first_line(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines().next().unwrap_or_default().to_string()
}

#[test]
fn the_committed_schemas_and_first_lines_are_fresh() {
    let root = env!("CARGO_MANIFEST_DIR");
    let (code, stdout, stderr) = schemas(&[root, "--check"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("is up to date (10 schemas)"), "{stdout}");
    let line = first_line(&Path::new(root).join("access/logins/law/NFU-LAW-CIRC1.yaml"));
    assert_eq!(
        line,
        "# yaml-language-server: $schema=../../../schemas/institution/login-law.schema.json"
    );
}

#[test]
fn a_table_change_makes_them_stale_until_written() {
    let f = Fixture::minimal();
    let access = f.root.to_str().unwrap();
    let out = f.root.parent().unwrap().join("schemas/institution");
    let (code, stdout, stderr) = schemas(&[access, "--check"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("login-main.schema.json: missing"),
        "{stdout}"
    );
    assert!(
        stderr.contains("run `alma-access schemas --write` and commit"),
        "{stderr}"
    );
    // Writing is the default; the files then name their unit's schema.
    let (code, stdout, _) = schemas(&[access]);
    assert_eq!(code, 0, "{stdout}");
    assert!(out.join("login-sharing.schema.json").is_file());
    assert_eq!(
        first_line(&f.root.join("logins/main/10000001.yaml")),
        "# yaml-language-server: $schema=../../../schemas/institution/login-main.schema.json"
    );
    assert_eq!(schemas(&[access, "--check"]).0, 0);

    f.edit(
        "units.yaml",
        "circulation_desks: [MAIN_CIRC, MAIN_RES]",
        "circulation_desks: [MAIN_CIRC, MAIN_RES, MAIN_LATE]",
    );
    let (code, stdout, _) = schemas(&[access, "--check"]);
    assert_eq!(code, 1);
    assert!(stdout.contains("login-main.schema.json: stale"), "{stdout}");
    assert!(!stdout.contains("login-finance.schema.json"), "{stdout}");
    assert_eq!(schemas(&[access, "--write"]).0, 0);
    let main = std::fs::read_to_string(out.join("login-main.schema.json")).unwrap();
    assert!(main.contains("\"MAIN_LATE\""));

    // A removed unit's schema is no longer generated: stale, then removed.
    f.remove("logins/sharing").edit(
        "units.yaml",
        "sharing:\n  name: Resource Sharing\n  liaisons: [liaison-rs]\n  alma_library: MAIN\n  flags: [resource-sharing]\n",
        "",
    );
    let (code, stdout, _) = schemas(&[access, "--check"]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("login-sharing.schema.json: no longer generated"),
        "{stdout}"
    );
    let (code, stdout, _) = schemas(&[access]);
    assert_eq!(code, 0);
    assert!(stdout.contains("removed "), "{stdout}");
    assert!(!out.join("login-sharing.schema.json").exists());
    assert_eq!(schemas(&[access, "--check"]).0, 0);
}

#[test]
fn a_login_naming_another_units_schema_is_reported_and_fixed() {
    let f = Fixture::minimal();
    let access = f.root.to_str().unwrap();
    assert_eq!(schemas(&[access]).0, 0);
    let file = f.root.join("logins/finance/10000002.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replacen("login-finance", "login-main", 1)).unwrap();
    let (code, stdout, _) = schemas(&[access, "--check"]);
    assert_eq!(code, 1);
    let right =
        "# yaml-language-server: $schema=../../../schemas/institution/login-finance.schema.json";
    assert!(
        stdout.contains("logins/finance/10000002.yaml: the first line is `# yaml-language-server: $schema=../../../schemas/institution/login-main.schema.json`"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("it should be `{right}`")),
        "{stdout}"
    );
    assert_eq!(schemas(&[access]).0, 0);
    assert_eq!(first_line(&file), right);
}

#[test]
fn an_invalid_repository_or_wrong_use_writes_nothing() {
    let f = Fixture::minimal();
    f.edit("logins/main/10000007.yaml", "unit: main", "unit: mian");
    let access = f.root.to_str().unwrap();
    let (code, _, stderr) = schemas(&[access]);
    assert_eq!(code, 1);
    assert!(stderr.contains("error[unknown-unit]"), "{stderr}");
    assert!(stderr.contains("made from a valid repository"), "{stderr}");
    assert!(!f.root.parent().unwrap().join("schemas").exists());
    assert_eq!(schemas(&[access, "--write", "--check"]).0, 2);
    assert_eq!(schemas(&["/no/such/access/folder"]).0, 2);
}
