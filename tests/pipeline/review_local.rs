//! `alma-access approvals --base --head --reviews --author`: the same check
//! without GitHub, from a git repository (built here with git2) and a
//! reviews file whose commit ids may be revisions.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::files::copy_dir;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_alma-access");

struct Repo {
    _dir: tempfile::TempDir,
    root: PathBuf,
    git: git2::Repository,
}

impl Repo {
    /// A repository whose first commit (branch `main`) is `tests/fixtures/minimal` as `access/`.
    fn new() -> Repo {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal"),
            &root.join("access"),
        );
        let git = git2::Repository::init(&root).unwrap();
        let repo = Repo {
            _dir: dir,
            root,
            git,
        };
        repo.commit("base");
        repo.git
            .branch(
                "main",
                &repo.git.head().unwrap().peel_to_commit().unwrap(),
                true,
            )
            .unwrap();
        repo
    }

    fn commit(&self, message: &str) -> String {
        crate::files::commit(&self.root, "*", message).to_string()
    }

    fn edit(&self, rel: &str, from: &str, to: &str) {
        let path = self.root.join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from));
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }

    fn approvals(&self, author: &str, reviews: &str) -> (i32, String) {
        let file = self.root.join("reviews.json");
        std::fs::write(&file, reviews).unwrap();
        let out = Command::new(BIN)
            .args([
                "approvals",
                "--base",
                "main",
                "--head",
                "HEAD",
                "--format",
                "json",
            ])
            .args(["--author", author, "--reviews"])
            .arg(&file)
            .arg("--git-dir")
            .arg(&self.root)
            .output()
            .unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8(out.stdout).unwrap() + &String::from_utf8_lossy(&out.stderr),
        )
    }
}

fn requirements(out: &str) -> Vec<(String, String, bool)> {
    let report: Value = serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"));
    report["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["file"].as_str().unwrap().to_string(),
                r["who"]["kind"].as_str().unwrap().to_string(),
                !r["met_by"].as_array().unwrap().is_empty(),
            )
        })
        .collect()
}

#[test]
fn a_moved_login_needs_both_units_and_approvals_follow_the_head() {
    let repo = Repo::new();
    std::fs::create_dir_all(repo.root.join("access/logins/finance")).unwrap();
    std::fs::rename(
        repo.root.join("access/logins/main/10000008.yaml"),
        repo.root.join("access/logins/finance/10000008.yaml"),
    )
    .unwrap();
    repo.edit(
        "access/logins/finance/10000008.yaml",
        "unit: main",
        "unit: finance",
    );
    repo.edit(
        "access/logins/finance/10000008.yaml",
        "liaison: liaison-main",
        "liaison: liaison-fin",
    );
    let first = repo.commit("move");
    let reviews = format!(
        r#"[{{"user": "liaison-fin", "state": "APPROVED", "commit_id": "HEAD"}},
            {{"user": "liaison-main", "state": "APPROVED", "commit_id": "HEAD"}},
            {{"user": "boss-main", "state": "APPROVED", "commit_id": "{first}"}}]"#
    );
    let (code, out) = repo.approvals("requester", &reviews);
    assert_eq!(code, 0, "{out}");
    let file = "access/logins/finance/10000008.yaml";
    assert_eq!(
        requirements(&out),
        [
            (file.into(), "liaison".into(), true),
            (file.into(), "liaison".into(), true),
            (file.into(), "manager".into(), true),
        ]
    );

    // A new commit: the manager's approval was on the previous head (A4).
    repo.edit(
        file,
        "environments: [production]",
        "environments: [production, sandbox]",
    );
    repo.commit("sandbox too");
    let (code, out) = repo.approvals("requester", &reviews);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        requirements(&out)[2],
        (file.into(), "manager".into(), false)
    );
}

#[test]
fn a_bad_reviews_file_is_a_usage_error() {
    let repo = Repo::new();
    repo.edit(
        "access/units.yaml",
        "name: Main Library",
        "name: Main Library (Widener)",
    );
    repo.commit("rename");
    let (code, out) = repo.approvals("requester", "{not json");
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("is not a list of reviews"));
    let (code, out) = repo.approvals(
        "requester",
        r#"[{"user": "sys-admin2", "state": "APPROVED", "commit_id": "HEAD"}]"#,
    );
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        requirements(&out),
        [("access/units.yaml".into(), "systems-group".into(), true)]
    );
}
