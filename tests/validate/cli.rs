//! The `validate` and `explain` commands as a user runs them: exit codes,
//! text and JSON output.

use std::process::Command;

use crate::fixture::{Fixture, TODAY};

fn alma_access(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_alma-access"))
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_sample_institution_is_valid() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/access");
    let (code, stdout, _) = alma_access(&["validate", root, "--today", TODAY]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout
            .trim_end()
            .ends_with("0 errors, 2 warnings in 49 files"),
        "{stdout}"
    );
}

#[test]
fn a_repository_root_is_accepted_for_its_access_folder() {
    let (code, stdout, _) =
        alma_access(&["validate", env!("CARGO_MANIFEST_DIR"), "--today", TODAY]);
    assert_eq!(code, 0, "{stdout}");
}

#[test]
fn errors_exit_1_with_diagnostics_on_stdout() {
    let f = Fixture::minimal();
    f.edit("logins/main/10000007.yaml", "unit: main", "unit: mian");
    let (code, stdout, _) = alma_access(&["validate", f.root.to_str().unwrap(), "--today", TODAY]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("error[unknown-unit]: unit `mian` is not in units.yaml"),
        "{stdout}"
    );
    assert!(stdout.contains("did you mean `main`?"), "{stdout}");
}

#[test]
fn json_output_is_machine_readable() {
    let f = Fixture::minimal();
    f.edit("logins/main/10000007.yaml", "unit: main", "unit: mian");
    let (code, stdout, _) = alma_access(&[
        "validate",
        f.root.to_str().unwrap(),
        "--format",
        "json",
        "--today",
        TODAY,
    ]);
    assert_eq!(code, 1);
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
    assert_eq!(report["valid"], false);
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let first = diagnostics
        .iter()
        .find(|d| d["code"] == "unknown-unit")
        .expect("unknown-unit reported");
    assert_eq!(first["rule"], "V2");
    assert_eq!(first["line"], 3);
    assert_eq!(first["column"], 7);
    assert!(
        first["file"]
            .as_str()
            .unwrap()
            .ends_with("logins/main/10000007.yaml")
    );
}

#[test]
fn usage_errors_exit_2() {
    let (code, _, stderr) = alma_access(&["validate", "/nonexistent/access", "--today", TODAY]);
    assert_eq!(code, 2);
    assert!(stderr.contains("does not exist"), "{stderr}");
    let (code, _, _) = alma_access(&["validate", "--format", "yaml"]);
    assert_eq!(code, 2);
    let (code, _, _) = alma_access(&["validate", "--today", "2026-02-30"]);
    assert_eq!(code, 2);
}

#[test]
fn explain_documents_every_code() {
    let (code, stdout, _) = alma_access(&["explain"]);
    assert_eq!(code, 0);
    let codes = alma_access::diag::Code::ALL;
    for code in codes {
        assert!(
            stdout.contains(code.as_str()),
            "{} is not explained",
            code.as_str()
        );
    }
    for rule in alma_access::diag::rules::RULES {
        assert!(
            stdout.contains(&format!("{:<4} {}", rule.id, rule.says)),
            "{}",
            rule.id
        );
    }
    let (code, stdout, _) = alma_access(&["explain", "V8"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("batch-attestation"));
    let (code, _, stderr) = alma_access(&["explain", "nope-nope"]);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn the_readme_code_table_is_current() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("<!-- codes:start -->")
        .expect("codes table start");
    let end = readme.find("<!-- codes:end -->").expect("codes table end");
    let table: Vec<&str> = readme[start..end]
        .lines()
        .filter(|l| l.starts_with("| `"))
        .collect();
    let expected: Vec<String> = alma_access::diag::Code::ALL
        .iter()
        .map(|c| {
            // An empty rule cell is written `| |`, as the table has it.
            let rule = c.rule().map_or(String::new(), |r| format!("{r} "));
            format!("| `{}` | {rule}| {} |", c.as_str(), c.summary())
        })
        .collect();
    assert_eq!(
        table, expected,
        "README.md's diagnostic table is stale: regenerate it from `alma-access explain`"
    );
}
