//! Hostile entries in an access folder, as a pull request can commit them:
//! symbolic links (to the process environment, to a file outside, to
//! `/dev/zero`, to a folder), named pipes, a linked access folder, names
//! that would forge output. Each is refused with an error naming it;
//! nothing a link points at is read, so no secret of the environment
//! reaches the output. The real binary runs with
//! a memory cap and a deadline, so a regression fails here instead of
//! hanging or exhausting the machine.

use std::io::Read;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use alma_access::diag::Code;

use crate::fixture::{Fixture, TODAY};

const PROD_KEY: &str = "prod-key-3f9c1e7a-never-printed";
const SANDBOX_KEY: &str = "sandbox-key-b2d84c60-never-printed";
const NEW_LOGIN: &str = "logins/main/10000009.yaml";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn output(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    /// Fails unless no part of any secret is in the output.
    fn assert_keeps(&self, secrets: &[&str]) {
        let out = self.output();
        for secret in secrets {
            for part in secret.split('-').filter(|p| p.len() >= 8) {
                assert!(!out.contains(part), "`{part}` was printed:\n{out}");
            }
        }
    }
}

/// Runs alma-access with only `env` added to a clean set of Alma keys,
/// capped at 2 GiB of address space and killed after a minute.
fn run(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new("sh");
    command
        .args(["-c", "ulimit -v 2097152; exec \"$0\" \"$@\""])
        .arg(env!("CARGO_BIN_EXE_alma-access"))
        .args(args)
        .env_remove("ALMA_PROD_API_KEY")
        .env_remove("ALMA_SANDBOX_API_KEY")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("alma-access starts");
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            let _ = pipe.read_to_end(&mut text);
            String::from_utf8_lossy(&text).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("alma-access {args:?} did not finish within a minute");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

fn validate(path: &Path) -> Run {
    run(
        &["validate", path.to_str().unwrap(), "--today", TODAY],
        &[
            ("ALMA_PROD_API_KEY", PROD_KEY),
            ("ALMA_SANDBOX_API_KEY", SANDBOX_KEY),
        ],
    )
}

/// Asserts exit 1 and an error `code` about `file` (a path ending).
fn assert_refused(run: &Run, code: Code, file: &str) {
    assert_eq!(run.code, 1, "{}", run.output());
    let header = format!("error[{}]", code.as_str());
    let named = run
        .stdout
        .split("\n\n")
        .any(|d| d.starts_with(&header) && d.lines().nth(1).is_some_and(|l| l.ends_with(file)));
    assert!(named, "no {header} naming {file}:\n{}", run.output());
}

/// A folder beside the access folder, outside it.
fn outside(f: &Fixture) -> std::path::PathBuf {
    let dir = f.root.parent().unwrap().join("outside");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn link(f: &Fixture, target: impl AsRef<Path>, rel: &str) {
    let at = f.root.join(rel);
    std::fs::create_dir_all(at.parent().unwrap()).unwrap();
    symlink(target, at).unwrap();
}

#[test]
fn a_login_linked_to_the_environment_prints_no_key() {
    let f = Fixture::minimal();
    link(&f, "/proc/self/environ", NEW_LOGIN);
    let text = validate(&f.root);
    assert_refused(&text, Code::Symlink, NEW_LOGIN);
    text.assert_keeps(&[PROD_KEY, SANDBOX_KEY]);
    let json = run(
        &["validate", f.root.to_str().unwrap(), "--format", "json"],
        &[
            ("ALMA_PROD_API_KEY", PROD_KEY),
            ("ALMA_SANDBOX_API_KEY", SANDBOX_KEY),
        ],
    );
    assert_eq!(json.code, 1, "{}", json.output());
    json.assert_keeps(&[PROD_KEY, SANDBOX_KEY]);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    let refused = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["code"] == "symlink" && d["file"].as_str().unwrap().ends_with(NEW_LOGIN));
    assert!(refused, "{}", json.stdout);
}

#[test]
fn plan_refuses_a_linked_login_and_prints_no_secret() {
    let f = Fixture::minimal();
    link(&f, "/proc/self/environ", NEW_LOGIN);
    let secret = "test-secret-91c0d2e6-never-printed";
    let plan = run(
        &["plan", f.root.to_str().unwrap(), "--today", TODAY],
        &[("ALMA_ACCESS_TEST_SECRET", secret)],
    );
    assert_eq!(plan.code, 1, "{}", plan.output());
    assert!(
        plan.stderr.contains("error[symlink]") && plan.stderr.contains(NEW_LOGIN),
        "{}",
        plan.output()
    );
    assert!(plan.stderr.contains("is not valid"), "{}", plan.output());
    plan.assert_keeps(&[secret]);
    assert!(
        !f.root.parent().unwrap().join(".alma-access").exists(),
        "plan went on to the emulator"
    );
}

#[test]
fn a_link_to_a_file_outside_is_not_read() {
    for rel in [NEW_LOGIN, "units.yaml", "profiles/circ-student.yaml"] {
        let f = Fixture::minimal();
        let secret = outside(&f).join("secret.yaml");
        std::fs::write(
            &secret,
            "primary_id: \"10000009\"\nname: outside-7d4e0b95-secret\n",
        )
        .unwrap();
        if f.root.join(rel).exists() {
            f.remove(rel);
        }
        link(&f, &secret, rel);
        let run = validate(&f.root);
        assert_refused(&run, Code::Symlink, rel);
        run.assert_keeps(&["outside-7d4e0b95-secret"]);
        assert!(!run.stdout.contains("missing-file"), "{}", run.stdout);
    }
}

#[test]
fn a_link_to_dev_zero_is_refused_at_once() {
    let f = Fixture::minimal();
    link(&f, "/dev/zero", NEW_LOGIN);
    // Reading /dev/zero would run into the memory cap or the deadline.
    let run = validate(&f.root);
    assert_refused(&run, Code::Symlink, NEW_LOGIN);
}

#[test]
fn a_named_pipe_is_refused_without_being_opened() {
    let f = Fixture::minimal();
    for rel in [NEW_LOGIN, ".cache/pipe", "docs/pipe.md"] {
        let at = f.root.join(rel);
        std::fs::create_dir_all(at.parent().unwrap()).unwrap();
        let made = Command::new("mkfifo")
            .arg(&at)
            .status()
            .expect("mkfifo runs");
        assert!(made.success(), "mkfifo {rel}");
    }
    let run = validate(&f.root);
    for rel in [NEW_LOGIN, ".cache/pipe", "docs/pipe.md"] {
        assert_refused(&run, Code::SpecialFile, rel);
    }
    assert!(run.stdout.contains("named pipe"), "{}", run.stdout);
}

#[test]
fn a_linked_folder_is_reported_not_walked() {
    let f = Fixture::minimal();
    let elsewhere = outside(&f).join("main");
    std::fs::rename(f.root.join("logins/main"), &elsewhere).unwrap();
    std::fs::write(
        elsewhere.join("10000099.yaml"),
        "primary_id: \"10000099\"\nname: folder-2a6f9c31-secret\n",
    )
    .unwrap();
    link(&f, &elsewhere, "logins/main");
    let run = validate(&f.root);
    assert_refused(&run, Code::Symlink, "logins/main");
    run.assert_keeps(&["folder-2a6f9c31-secret"]);
    assert!(
        !run.stdout.contains("logins/main/"),
        "a file in the linked folder was looked at:\n{}",
        run.stdout
    );
}

#[test]
fn a_linked_access_folder_is_refused() {
    let f = Fixture::minimal();
    let top = f.root.parent().unwrap();
    let real = top.join("real-access");
    std::fs::rename(&f.root, &real).unwrap();
    symlink(&real, &f.root).unwrap();
    let given = f.root.to_str().unwrap().to_string();
    for path in [given.clone(), format!("{given}/"), format!("{given}/.")] {
        let run = validate(Path::new(&path));
        assert_eq!(run.code, 1, "{path}: {}", run.output());
        assert!(
            run.stdout
                .contains("error[symlink]: the access folder is a symbolic link"),
            "{path}: {}",
            run.stdout
        );
        assert!(run.stdout.contains("in 0 files"), "{path}: {}", run.stdout);
    }
    // A repository whose `access` is a link.
    let run = validate(top);
    assert_eq!(run.code, 1, "{}", run.output());
    assert!(run.stdout.contains("error[symlink]"), "{}", run.stdout);
    assert!(run.stdout.contains("in 0 files"), "{}", run.stdout);
}

#[test]
fn links_are_refused_anywhere_hidden_and_outside_the_layout_included() {
    let f = Fixture::minimal();
    let places = [
        ".environ",
        ".github/x.yaml",
        "docs/notes.md",
        "logins/main/.draft.yaml",
        "logins/main/deeper/x.yaml",
        "logins/README.md",
    ];
    for rel in places {
        link(&f, "/proc/self/environ", rel);
    }
    let run = validate(&f.root);
    for rel in places {
        assert_refused(&run, Code::Symlink, rel);
    }
    run.assert_keeps(&[PROD_KEY, SANDBOX_KEY]);
    // The same through the library, with paths as a pull request shows them.
    let report = f.validate();
    assert!(report.outcome.repo.is_none());
    insta::assert_snapshot!("links_everywhere", report.text);
}

#[test]
fn regular_files_outside_the_layout_stay_warnings() {
    let f = Fixture::minimal();
    f.write(".github/notes.yaml", "a: 1\n")
        .write("docs/deeper/x.yaml", "a: 1\n");
    let report = f.validate();
    assert_eq!(report.codes(), vec![Code::StrayFile], "{}", report.text);
    assert!(report.outcome.repo.is_some());
}

#[test]
fn a_hostile_file_name_cannot_forge_output() {
    let f = Fixture::minimal();
    f.write(
        "logins/main/x\nerror[forged]: all clear\u{1b}[2K.yaml",
        "primary_id: \"10000009\"\n",
    );
    let report = f.validate();
    assert!(
        report
            .text
            .contains("x\\u{a}error[forged]: all clear\\u{1b}[2K.yaml"),
        "{}",
        report.text
    );
    assert!(
        !report
            .text
            .lines()
            .any(|l| l.starts_with("error[forged]") || l.contains('\u{1b}')),
        "{}",
        report.text
    );
}
