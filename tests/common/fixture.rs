//! A throwaway copy of an access folder that a test edits and validates.
// Shared by several test binaries; each uses only part of it.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use alma_access::diag::{Code, Diagnostic, render};

use crate::files::copy_dir;
use alma_access::load;
use alma_access::validate::{self, Outcome};
use chrono::NaiveDate;

pub const TODAY: &str = "2026-11-23";

pub struct Fixture {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
}

/// What validating a fixture found. `diagnostics` and `text` leave out
/// what the unedited minimal fixture reports itself (its [`baseline`]:
/// warnings that some of its logins have no training recorded), so a test
/// sees what its own edit caused; `outcome` keeps everything.
pub struct Report {
    pub outcome: Outcome,
    pub diagnostics: Vec<Diagnostic>,
    pub text: String,
}

impl Report {
    pub fn codes(&self) -> Vec<Code> {
        self.diagnostics.iter().map(|d| d.code).collect()
    }

    pub fn errors(&self) -> usize {
        self.outcome
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .count()
    }
}

/// The diagnostics of the unedited minimal fixture.
pub fn baseline() -> &'static [Diagnostic] {
    static BASELINE: OnceLock<Vec<Diagnostic>> = OnceLock::new();
    BASELINE.get_or_init(|| {
        let f = Fixture::minimal();
        let loaded = load::load_dir_as(&f.root, "access/");
        let today = NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap();
        validate::validate(&loaded, today).diagnostics
    })
}

impl Fixture {
    /// A copy of `tests/fixtures/minimal`.
    pub fn minimal() -> Fixture {
        Fixture::copy_of(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal"))
    }

    fn copy_of(src: &Path) -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("access");
        copy_dir(src, &root);
        Fixture { _dir: dir, root }
    }

    /// Replaces the first occurrence of `from` in a file; the text must be there.
    pub fn edit(&self, rel: &str, from: &str, to: &str) -> &Self {
        let path = self.root.join(rel);
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert!(text.contains(from), "{rel} has no {from:?}");
        fs::write(&path, text.replacen(from, to, 1)).unwrap();
        self
    }

    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> &Self {
        let path = self.root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, content).unwrap();
        self
    }

    pub fn remove(&self, rel: &str) -> &Self {
        let path = self.root.join(rel);
        if path.is_dir() {
            fs::remove_dir_all(path)
        } else {
            fs::remove_file(path)
        }
        .unwrap();
        self
    }

    pub fn validate(&self) -> Report {
        self.validate_on(NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap())
    }

    pub fn validate_on(&self, today: NaiveDate) -> Report {
        let loaded = load::load_dir_as(&self.root, "access/");
        let outcome = validate::validate(&loaded, today);
        let diagnostics: Vec<Diagnostic> = outcome
            .diagnostics
            .iter()
            .filter(|d| !baseline().contains(d))
            .cloned()
            .collect();
        let text = render::text(&diagnostics, &loaded.sources);
        Report {
            outcome,
            diagnostics,
            text,
        }
    }
}
