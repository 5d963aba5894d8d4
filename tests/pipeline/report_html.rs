//! The auditors' HTML report: a snapshot of the page for the minimal
//! fixture, determinism, the self-contained page (CSP pinning the only
//! script and stylesheet, print styles), escaping of every YAML value that
//! reaches the page, and the command line.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::files::copy_dir;
use alma_access::model::AccessRepo;
use alma_access::report::{self, html};
use chrono::NaiveDate;
use sha2::{Digest, Sha256};

const TODAY: &str = "2026-11-23";

fn today() -> NaiveDate {
    NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap()
}

fn manifest(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn load(root: &Path) -> AccessRepo {
    let (_, outcome) = alma_access::validate::validate_dir(root, today());
    outcome.repo.expect("the repository validates")
}

fn page(root: &Path) -> String {
    html::render(&report::build(
        &load(root),
        today(),
        Some("0123456789abcdef".into()),
    ))
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn snapshot_of_the_minimal_institution() {
    let page = page(&manifest("tests/fixtures/minimal"));
    // The embedded assets are checked separately; keep the snapshot about the content.
    let page = page
        .replace(html::CSS, "/* report.css */")
        .replace(html::SCRIPT, "/* report.js */");
    insta::assert_snapshot!(page);
}

#[test]
fn the_page_is_deterministic_and_complete() {
    let sample = manifest("access");
    let a = page(&sample);
    assert_eq!(a, page(&sample));
    let repo = load(&sample);
    for login in &repo.logins {
        assert!(
            a.contains(&format!(">{}</code>", login.primary_id)),
            "{}",
            login.primary_id
        );
    }
    for unit in repo.units.ids() {
        assert!(a.contains(&format!("id=\"holdings-{unit}\"")), "{unit}");
    }
    assert!(a.contains("As of <time datetime=\"2026-11-23\">2026-11-23</time>, from commit <code>0123456789abcdef</code>"));
}

#[test]
fn self_contained_with_only_its_own_script_and_style() {
    let page = page(&manifest("access"));
    let hash = |text: &str| {
        let digest = Sha256::digest(text.as_bytes());
        // Standard base64, as CSP expects.
        let table = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in digest.chunks(3) {
            let n =
                chunk.iter().fold(0u32, |n, b| (n << 8) | u32::from(*b)) << (8 * (3 - chunk.len()));
            for i in 0..=chunk.len() {
                out.push(table[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
            out.push_str(&"=".repeat(3 - chunk.len()));
        }
        format!("'sha256-{out}'")
    };
    let csp = format!(
        "content=\"default-src 'none'; style-src {}; script-src {}; base-uri 'none'; form-action 'none'\"",
        hash(html::CSS),
        hash(html::SCRIPT)
    );
    assert!(page.contains(&csp), "the CSP pins the embedded assets");
    assert!(page.contains(&format!("<style>{}</style>", html::CSS)));
    assert!(page.contains(&format!("<script>{}</script>", html::SCRIPT)));
    assert_eq!(page.matches("<script").count(), 1);
    assert_eq!(page.matches("<style").count(), 1);
    for remote in ["http://", "https://", "src=", "<link", "@import", "url("] {
        assert!(!page.contains(remote), "{remote}");
    }
    // Printable: the filter is hidden and rows are not split across pages.
    let print = &html::CSS[html::CSS.find("@media print").expect("print styles")..];
    assert!(print.contains(".filter, nav { display: none; }"));
    assert!(print.contains("break-inside: avoid"));
    // The script marks the page ready and counts rows.
    assert!(html::SCRIPT.contains("data-ready") && html::SCRIPT.contains("data-rows"));
    assert!(page.contains("<body data-ready=\"0\">"));
}

#[test]
fn yaml_values_cannot_inject_markup() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("access");
    copy_dir(&manifest("tests/fixtures/minimal"), &root);
    let evil = r#"<script>alert('x')</script><img src=x onerror="alert(1)">&amp;"#;
    let yaml = format!("'{}'", evil.replace('\'', "''"));
    edit(
        &root.join("logins/main/10000001.yaml"),
        "name: ",
        &format!("name: {yaml}\nx_old_name: "),
    );
    // The old name line is now an unknown key: remove it again.
    let path = root.join("logins/main/10000001.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let text: String = text
        .lines()
        .filter(|l| !l.starts_with("x_old_name:"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&path, text).unwrap();
    edit(
        &root.join("units.yaml"),
        "name: Main Library",
        &format!("name: {yaml}"),
    );
    edit(
        &root.join("institution.yaml"),
        "institution: 01TEST_INST",
        &format!("institution: 01TEST_INST\nname: {yaml}"),
    );
    edit(
        &root.join("logins/main/10000001.yaml"),
        "consultation: SYS-4502",
        &format!("consultation: {yaml}"),
    );
    let page = page(&root);
    assert!(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;amp;"));
    // Name (twice per table it appears in), unit heading, title and h1, consultation.
    assert!(page.matches("&lt;script&gt;alert").count() >= 6, "{page}");
    assert_eq!(
        page.matches("<script").count(),
        1,
        "only the page's own script"
    );
    assert!(!page.contains("<img"));
    assert!(!page.contains("onerror=\""));
}

#[test]
fn the_command_writes_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out/report.html");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_alma-access"))
            .args(args)
            .output()
            .unwrap()
    };
    let access = manifest("access");
    let args = [
        "report",
        access.to_str().unwrap(),
        "--html",
        out.to_str().unwrap(),
        "--today",
        TODAY,
    ];
    let first = run(&args);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(String::from_utf8_lossy(&first.stdout).contains("42 logins"));
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"<!DOCTYPE html>"));
    assert!(run(&args).status.success());
    assert_eq!(
        std::fs::read(&out).unwrap(),
        bytes,
        "same repository and day, same page"
    );
    let missing = run(&["report", access.to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(2), "--html is required");
}

#[test]
fn the_report_gives_evidence_from_history_and_from_alma() {
    let dir = tempfile::tempdir().unwrap();
    let access = dir.path().join("access");
    copy_dir(&manifest("tests/fixtures/minimal"), &access);
    let systems = ("Systems", "lts@example.edu");
    let message = "Merge pull request #3 from nfu/new-logins\n\nApproved-by: boss-main\nReviewed-by: liaison-main\n";
    crate::files::commit_as(dir.path(), "access", message, systems);
    // A later commit that changes only a comment does not count as a change
    // of the login; one that changes a value does.
    for (file, from, to, subject) in [
        (
            "logins/main/10000007.yaml",
            "name:",
            "# Desk lead.\nname:",
            "Reword a comment",
        ),
        (
            "logins/main/10000001.yaml",
            "Ada Example",
            "Ada Example-Lovelace",
            "Rename Ada",
        ),
    ] {
        let path = access.join(file);
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replacen(from, to, 1);
        std::fs::write(&path, text).unwrap();
        crate::files::commit_as(dir.path(), "access", subject, systems);
    }
    // Alma as an apply leaves it (the built-in emulator), then one role of
    // Ada's taken away by hand in the Alma UI: drift beside users that match.
    let apply = Command::new(env!("CARGO_BIN_EXE_alma-access"))
        .current_dir(dir.path())
        .args(["apply", "access", "--confirm", "--today", TODAY])
        .env_remove("ALMA_PROD_API_KEY")
        .env_remove("ALMA_SANDBOX_API_KEY")
        .output()
        .unwrap();
    assert!(
        apply.status.success(),
        "{}",
        String::from_utf8_lossy(&apply.stderr)
    );
    let state_file = dir.path().join(".alma-access/emulator/production.json");
    let mut state = alma_access::emulator::State::load(&state_file).unwrap();
    let ada = state.user_index("10000001").unwrap();
    state.users[ada].user_role.as_mut().unwrap().pop();
    state.save(&state_file).unwrap();
    let out = dir.path().join("report.html");
    let run = Command::new(env!("CARGO_BIN_EXE_alma-access"))
        .current_dir(dir.path())
        .args(["report", "access", "--alma", "--today", TODAY, "--html"])
        .arg(&out)
        .env_remove("ALMA_PROD_API_KEY")
        .env_remove("ALMA_SANDBOX_API_KEY")
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let page = std::fs::read_to_string(&out).unwrap();
    assert!(
        page.contains("Merge pull request #3 from nfu/new-logins")
            && page.contains("approved by boss-main, liaison-main"),
        "when each file changed, in which merge, approved by whom"
    );
    assert!(page.contains("Rename Ada"), "a changed value is a change");
    assert!(
        !page.contains("Reword a comment"),
        "a changed comment is not"
    );
    // Logins without review_by: the next re-certification is the last change plus 365 days.
    let committed = chrono::Utc::now().date_naive();
    let next = committed.checked_add_days(chrono::Days::new(365)).unwrap();
    assert!(
        page.contains(&format!("<time datetime=\"{next}\">")),
        "computed next review {next}"
    );
    assert!(page.contains("<section id=\"alma\">") && page.contains("What Alma holds"));
    assert!(page.contains("DRIFT: "), "the drift is marked");
    assert!(page.contains("matches the files"));
    assert!(
        page.contains("data-table=\"standing-table\" data-mark=\"active\""),
        "cards follow the filter"
    );
}
