//! A liaison fixes a file in one round: every check that can run does, a
//! schema error no longer hides the policy checks, errors that only follow
//! from another are not repeated, syntax errors point at the place to fix,
//! a misplaced file says where it belongs, and `--format github` puts each
//! error on its line of the pull request.

use std::process::Command;

use alma_access::diag::Code;

use crate::fixture::{Fixture, TODAY};

const ADA: &str = "logins/main/10000001.yaml";
const CY: &str = "logins/main/10000003.yaml";

/// Ada's file with four mistakes, each of another kind: a misspelt key (a
/// schema error), a level the catalogue lacks, a desk of another unit, and
/// an end before the start.
fn four_mistakes() -> Fixture {
    let f = Fixture::minimal();
    f.edit(ADA, "training:", "trainig:")
        .edit(
            ADA,
            "level: operator-extended\n    circulation_desks: [MAIN_CIRC]",
            "level: extended-operator\n    circulation_desks: [MAIN_CIRC, SCI_CIRC]",
        )
        .edit(
            ADA,
            "work_order_departments",
            "start_date: 2026-12-01\nend_date: 2026-11-01\nwork_order_departments",
        );
    f
}

#[test]
fn four_mistakes_in_one_file_are_all_reported_in_one_run() {
    let report = four_mistakes().validate();
    let mut codes = report.codes();
    codes.sort();
    assert_eq!(
        codes,
        [
            Code::UnknownKey,
            Code::CodeNotInUnit,
            Code::DateOrder,
            Code::UnknownLevel
        ],
        "{}",
        report.text
    );
    assert!(report.outcome.repo.is_none());
    insta::assert_snapshot!("four_mistakes", report.text);
}

#[test]
fn an_unreadable_value_is_reported_once() {
    // `level: 7` is a schema error; "needs a `level`" would only repeat it.
    let f = Fixture::minimal();
    f.edit(
        ADA,
        "level: operator-extended\n    circulation_desks",
        "level: 7\n    circulation_desks",
    );
    let report = f.validate();
    assert_eq!(report.codes(), [Code::WrongType], "{}", report.text);
    // A level truly missing elsewhere in the same file is still reported.
    f.edit(ADA, "level: operator\n    departments", "departments");
    let report = f.validate();
    let mut codes = report.codes();
    codes.sort();
    assert_eq!(
        codes,
        [Code::WrongType, Code::UnknownLevel],
        "{}",
        report.text
    );
}

#[test]
fn an_unknown_profile_does_not_add_missing_fields() {
    let f = Fixture::minimal();
    f.edit(CY, "profile: circ-student", "profile: circ-studnet");
    let report = f.validate();
    assert_eq!(report.codes(), [Code::UnknownProfile], "{}", report.text);
    assert!(
        report.text.contains("did you mean `circ-student`?"),
        "{}",
        report.text
    );
}

#[test]
fn a_broken_profile_is_reported_in_its_own_file_only() {
    let f = Fixture::minimal();
    f.edit(
        "profiles/circ-student.yaml",
        "login: personal",
        "login: personal\nbogus: 1",
    );
    let report = f.validate();
    assert_eq!(report.codes(), [Code::UnknownKey], "{}", report.text);
    assert_eq!(
        report.diagnostics[0].file,
        "access/profiles/circ-student.yaml"
    );
}

#[test]
fn a_missing_training_date_is_a_warning_that_roles_stay_inactive() {
    let f = Fixture::minimal();
    f.edit(ADA, "  ferpa: 2026-09-02\n", "");
    let report = f.validate();
    assert_eq!(report.codes(), [Code::MissingTraining], "{}", report.text);
    let d = &report.diagnostics[0];
    assert!(!d.is_error());
    assert!(d.message.contains("training `ferpa`"), "{}", d.message);
    assert!(
        d.message
            .contains("stay inactive in Alma until it is recorded (R4)"),
        "{}",
        d.message
    );
    assert!(
        report.outcome.repo.is_some(),
        "a warning leaves the repository valid"
    );
}

#[test]
fn a_login_file_outside_its_unit_folder_says_where_to_move_it() {
    let f = Fixture::minimal();
    let text = std::fs::read_to_string(f.root.join(ADA)).unwrap();
    f.remove(ADA).write("logins/10000001.yaml", &text);
    f.write(
        "logins/main/old/10000009.yaml",
        text.replace("10000001", "10000009"),
    );
    f.write(
        "logins/main/10000010.yml",
        text.replace("10000001", "10000010"),
    );
    let report = f.validate();
    let misplaced: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::MisplacedLogin)
        .map(|d| {
            (
                d.file.as_str(),
                d.is_error(),
                d.help.as_deref().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        misplaced,
        [
            (
                "access/logins/10000001.yaml",
                true,
                "move it to `access/logins/main/10000001.yaml`"
            ),
            (
                "access/logins/main/10000010.yml",
                true,
                "move it to `access/logins/main/10000010.yaml`"
            ),
            (
                "access/logins/main/old/10000009.yaml",
                true,
                "move it to `access/logins/main/10000009.yaml`"
            ),
        ],
        "{}",
        report.text
    );
}

#[test]
fn an_unclosed_bracket_is_reported_at_the_bracket() {
    let f = Fixture::minimal();
    f.edit(
        ADA,
        "circulation_desks: [MAIN_CIRC]",
        "circulation_desks: [MAIN_CIRC",
    );
    let report = f.validate();
    assert_eq!(report.codes(), [Code::YamlSyntax], "{}", report.text);
    let d = &report.diagnostics[0];
    let span = d.span().expect("located");
    let text = std::fs::read_to_string(f.root.join(ADA)).unwrap();
    let at = alma_access::yaml::Lines::new(&text).pos(span.start as usize);
    assert_eq!((at.line, at.col), (15, 24), "{}", report.text);
    assert_eq!(d.message, "this `[` is never closed");
}

#[test]
fn github_annotations_put_each_error_on_its_line() {
    let f = four_mistakes();
    let out = Command::new(env!("CARGO_BIN_EXE_alma-access"))
        .args([
            "validate",
            f.root.to_str().unwrap(),
            "--format",
            "github",
            "--today",
            TODAY,
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let errors: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("::error "))
        .collect();
    assert_eq!(errors.len(), 4, "{stdout}");
    let file = format!("file={}", f.root.join(ADA).display());
    assert!(errors.iter().all(|l| l.contains(&file)), "{stdout}");
    assert!(
        errors.iter().any(|l| l.contains(",line=") && l.contains("title=alma-access unknown-key::unknown key `trainig`%0Ahelp: did you mean `training`?")),
        "{stdout}"
    );
    assert!(
        stdout
            .trim_end()
            .ends_with("4 errors, 3 warnings in 13 files"),
        "{stdout}"
    );
}
