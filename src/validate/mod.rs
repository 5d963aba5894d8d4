//! Validation: turns the loaded files into a validated [`AccessRepo`],
//! collecting every problem on the way. The stages run in order and never
//! stop at the first problem:
//!
//! 1. schema: each file against its embedded JSON Schema ([`crate::schema`]);
//! 2. typed: files that pass become raw typed values (`serde_yaml`); a
//!    login file that fails is read without the failing values
//!    ([`partial`]), so its policy checks still run;
//! 3. tables: institution, catalogue and units are checked against each other (V13);
//! 4. logins: each login is merged with its profile and checked against the
//!    policy rules V1-V12 and V14 ([`login`], [`roles`], [`privilege`]).
//!
//! A repository is returned only when there is no error: nothing downstream
//! ever plans from a half-valid tree.

mod login;
mod partial;
mod privilege;
mod roles;
mod tables;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::NaiveDate;
use serde::de::DeserializeOwned;

use crate::diag::{self, Code, Diagnostic};
use crate::load::{self, FileKind, Loaded, SourceFile};
use crate::model::{AccessRepo, Catalog, Institution, Profile, Units, login::RawLogin};
use crate::schema::{self, SchemaKind};
use crate::yaml::{self, Node, Part, Span, Step};

/// The result of validating a repository.
#[derive(Debug)]
pub struct Outcome {
    /// The validated repository, present only when there are no errors.
    pub repo: Option<AccessRepo>,
    /// Every diagnostic, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// How many files were read.
    pub files: usize,
}

impl Outcome {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Loads and validates the access folder at `root`, with `today` for date rules.
pub fn validate_dir(root: &Path, today: NaiveDate) -> (Loaded, Outcome) {
    let loaded = load::load_dir(root);
    let outcome = validate(&loaded, today);
    (loaded, outcome)
}

/// Validates loaded files.
pub fn validate(loaded: &Loaded, today: NaiveDate) -> Outcome {
    let mut diagnostics = loaded.diagnostics.clone();
    let mut institution = None;
    let mut catalog = None;
    let mut units = None;
    let mut profiles = BTreeMap::new();
    let mut broken_profiles = BTreeSet::new();
    let mut raw_logins = Vec::new();
    let mut set_aside: BTreeMap<&str, (&Node, Vec<Vec<Step>>)> = BTreeMap::new();
    for file in &loaded.files {
        let Some(root) = &file.root else { continue };
        let doc = Doc {
            file: &file.display,
            root,
        };
        match &file.kind {
            FileKind::Institution => {
                institution = typed::<Institution>(&doc, SchemaKind::Institution, &mut diagnostics)
            }
            FileKind::Catalog => {
                catalog = typed::<Catalog>(&doc, SchemaKind::Catalog, &mut diagnostics)
            }
            FileKind::Units => units = typed::<Units>(&doc, SchemaKind::Units, &mut diagnostics),
            FileKind::Profile { name } => {
                match typed::<Profile>(&doc, SchemaKind::Profile, &mut diagnostics) {
                    Some(p) => {
                        profiles.insert(name.clone(), (p, file));
                    }
                    None => {
                        broken_profiles.insert(name.clone());
                    }
                }
            }
            FileKind::Login { .. } => {
                if let Some((l, aside)) =
                    read_on::<RawLogin>(&doc, SchemaKind::Login, &mut diagnostics)
                {
                    if !aside.is_empty() {
                        set_aside.insert(&file.display, (root, aside));
                    }
                    raw_logins.push((l, file));
                }
            }
        }
    }
    let tables_ok = match (&institution, &catalog, &units) {
        (Some(i), Some(c), Some(u)) => {
            let before = diagnostics.len();
            tables::check(loaded, i, c, u, &mut diagnostics);
            !diagnostics[before..].iter().any(Diagnostic::is_error)
        }
        _ => false,
    };
    let mut logins = Vec::new();
    if let (true, Some(i), Some(c), Some(u)) = (tables_ok, &institution, &catalog, &units) {
        let tables = Tables {
            institution: i,
            catalog: c,
            units: u,
            profiles: &profiles,
            broken_profiles: &broken_profiles,
            today,
        };
        let before = diagnostics.len();
        logins = login::check_all(&tables, &raw_logins, &mut diagnostics);
        drop_consequences(&mut diagnostics, before, &set_aside);
        // Which catalogue entries are unused is only known when every login is sound.
        let complete = !diagnostics.iter().any(Diagnostic::is_error);
        privilege::check(&tables, loaded, &logins, complete, &mut diagnostics);
    } else {
        // Without a sound catalogue and units, only the rules of a single file apply.
        let before = diagnostics.len();
        for (raw, file) in &raw_logins {
            login::check_standalone(raw, file, today, &mut diagnostics);
        }
        drop_consequences(&mut diagnostics, before, &set_aside);
    }
    diag::sort(&mut diagnostics);
    let has_errors = diagnostics.iter().any(Diagnostic::is_error);
    let repo = match (has_errors, institution, catalog, units) {
        (false, Some(institution), Some(catalog), Some(units)) => {
            logins.sort_by(|a, b| a.primary_id.cmp(&b.primary_id));
            Some(AccessRepo {
                institution,
                catalog,
                units,
                profiles: profiles.into_iter().map(|(k, (p, _))| (k, p)).collect(),
                logins,
            })
        }
        _ => None,
    };
    Outcome {
        repo,
        diagnostics,
        files: loaded.files.len(),
    }
}

/// The tables every login rule consults.
pub(crate) struct Tables<'a> {
    pub institution: &'a Institution,
    pub catalog: &'a Catalog,
    pub units: &'a Units,
    pub profiles: &'a BTreeMap<String, (Profile, &'a SourceFile)>,
    /// Profiles whose file could not be read (already reported there).
    pub broken_profiles: &'a BTreeSet<String>,
    pub today: NaiveDate,
}

/// Drops the diagnostics from `from` on that only report the absence of a
/// value set aside in their file (its schema error is reported already).
fn drop_consequences(
    diagnostics: &mut Vec<Diagnostic>,
    from: usize,
    set_aside: &BTreeMap<&str, (&Node, Vec<Vec<Step>>)>,
) {
    let mut i = 0;
    diagnostics.retain(|d| {
        i += 1;
        i <= from
            || !set_aside
                .get(d.file.as_str())
                .is_some_and(|(root, aside)| partial::follows_from(d, root, aside))
    });
}

/// One parsed file, for locating diagnostics.
#[derive(Clone, Copy)]
pub(crate) struct Doc<'a> {
    pub file: &'a str,
    pub root: &'a Node,
}

impl Doc<'_> {
    /// The span of the value at `path` (or of its nearest existing ancestor).
    pub fn value(&self, path: &[Step]) -> Span {
        self.root.span_at(path, Part::Value)
    }

    /// The span of the key at `path` (or of its nearest existing ancestor).
    pub fn key(&self, path: &[Step]) -> Span {
        self.root.span_at(path, Part::Key)
    }

    pub fn error(&self, code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(code, self.file, message).at(span)
    }

    pub fn warning(&self, code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::warning(code, self.file, message).at(span)
    }
}

/// Builds a path into a document: `steps!["roles", name, "level"]`, `steps!["x", 2usize]`.
macro_rules! steps {
    ($($step:expr),* $(,)?) => { ::std::vec::Vec::<$crate::yaml::Step>::from([$($crate::validate::IntoStep::into_step($step)),*]) };
}
pub(crate) use steps;

pub(crate) trait IntoStep {
    fn into_step(self) -> Step;
}

impl IntoStep for &str {
    fn into_step(self) -> Step {
        Step::Key(self.to_string())
    }
}

impl IntoStep for &String {
    fn into_step(self) -> Step {
        Step::Key(self.clone())
    }
}

impl IntoStep for usize {
    fn into_step(self) -> Step {
        Step::Index(self)
    }
}

/// Schema-checks a document and, when it passes, deserializes it.
fn typed<T: DeserializeOwned>(
    doc: &Doc<'_>,
    kind: SchemaKind,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<T> {
    let problems = schema::check(kind, doc.file, doc.root);
    if !problems.is_empty() {
        diagnostics.extend(problems);
        return None;
    }
    deserialize(doc, doc.root, diagnostics)
}

/// As [`typed`], but a document that fails its schema is reported and then
/// read without the failing values, which are returned beside it.
fn read_on<T: DeserializeOwned>(
    doc: &Doc<'_>,
    kind: SchemaKind,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(T, Vec<Vec<Step>>)> {
    let problems = schema::check(kind, doc.file, doc.root);
    if problems.is_empty() {
        return deserialize(doc, doc.root, diagnostics).map(|value| (value, Vec::new()));
    }
    diagnostics.extend(problems);
    let (rest, aside) = partial::without_failing(kind, doc.root)?;
    // What is left passed the schema; should it still not deserialize, the
    // schema errors already say what to fix.
    let value = serde_yaml::from_value::<T>(yaml::to_serde_yaml(&rest)).ok()?;
    Some((value, aside))
}

fn deserialize<T: DeserializeOwned>(
    doc: &Doc<'_>,
    root: &Node,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<T> {
    match serde_yaml::from_value::<T>(yaml::to_serde_yaml(root)) {
        Ok(value) => Some(value),
        Err(e) => {
            diagnostics.push(
                doc.error(
                    Code::InvalidValue,
                    doc.value(&[]),
                    format!("the file does not have the expected shape: {e}"),
                )
                .help(
                    "compare the file with the schema in schemas/ and the examples in the README",
                ),
            );
            None
        }
    }
}

/// Parses an ISO date, reporting rule V12 at `path` when it is not a real date.
pub(crate) fn date(
    doc: &Doc<'_>,
    path: &[Step],
    text: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<NaiveDate> {
    match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            diagnostics.push(
                doc.error(
                    Code::InvalidDate,
                    doc.value(path),
                    format!("`{text}` is not a real calendar date"),
                )
                .help("write an existing date as YYYY-MM-DD, e.g. 2026-09-30"),
            );
            None
        }
    }
}
