//! Validation: turns the loaded files into a validated [`AccessRepo`],
//! collecting every problem on the way. The stages run in order and never
//! stop at the first problem:
//!
//! 1. tables: the institution, catalogue, units and profiles are parsed,
//!    schema-checked ([`crate::schema`]), read as typed values and checked
//!    against each other (V13, [`tables`]); their trees are kept, to point
//!    into them;
//! 2. logins, one file at a time: parsed, schema-checked, read as a typed
//!    value (a file that fails its schema is read without the failing
//!    values, [`partial`], so its policy checks still run), merged with its
//!    profile and checked against the policy rules V1-V12 ([`login`],
//!    [`roles`]) and V14 ([`privilege`]); then its tree is dropped, so
//!    memory grows with the validated logins, not with the trees.
//!
//! Each rule is a function that gathers facts and returns findings, each
//! finding a type that says itself as a diagnostic ([`finding`]).
//!
//! A repository is returned only when there is no error: nothing downstream
//! ever plans from a half-valid tree.

mod finding;
mod login;
mod open;
mod partial;
mod privilege;
mod roles;
mod tables;

pub use open::{OpenError, Valid, open};

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::NaiveDate;
use serde::de::DeserializeOwned;

use crate::diag::{self, Code, Diagnostic};
use crate::load::{self, FileKind, Loaded, SourceFile};
use crate::model::{
    AccessRepo, Catalog, Institution, Login, Profile, Units, login::RawLogin, read,
};
use crate::schema::{self, SchemaKind};
use crate::yaml::{Node, Part, Span, Step};

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
    let read = read_tables(loaded, &mut diagnostics);
    let doc = |kind: FileKind| read.doc(&kind);
    let tables_ok = match (&read.institution, &read.catalog, &read.units) {
        (Some(i), Some(c), Some(u)) => {
            let before = diagnostics.len();
            tables::check(
                doc(FileKind::Institution),
                doc(FileKind::Catalog),
                i,
                c,
                u,
                &mut diagnostics,
            );
            !diagnostics[before..].iter().any(Diagnostic::is_error)
        }
        _ => false,
    };
    let tables = match (tables_ok, &read.institution, &read.catalog, &read.units) {
        (true, Some(institution), Some(catalog), Some(units)) => Some(Tables {
            institution,
            catalog,
            units,
            profiles: &read.profiles,
            broken_profiles: &read.broken_profiles,
            today,
        }),
        _ => None,
    };
    let logins = check_logins(loaded, tables.as_ref(), &mut diagnostics);
    if let Some(tables) = &tables
        && let Some(catalog) = doc(FileKind::Catalog)
        // Which catalogue entries are unused is only known when every login is sound.
        && !diagnostics.iter().any(Diagnostic::is_error)
    {
        privilege::unused(tables, &catalog, &logins, &mut diagnostics);
    }
    diag::sort(&mut diagnostics);
    let has_errors = diagnostics.iter().any(Diagnostic::is_error);
    let repo = match (has_errors, read.institution, read.catalog, read.units) {
        (false, Some(institution), Some(catalog), Some(units)) => {
            let mut logins = logins;
            // Ids are unique (a repeated one is an error), so an in-place
            // sort gives the one order, without a copy of every login.
            logins.sort_unstable_by(|a, b| a.primary_id.cmp(&b.primary_id));
            Some(AccessRepo {
                institution,
                catalog,
                units,
                profiles: read
                    .profiles
                    .into_iter()
                    .map(|(k, (p, _))| (k, p))
                    .collect(),
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

/// The institution-wide files as read: typed where they passed, and their trees.
#[derive(Default)]
struct ReadTables<'l> {
    institution: Option<Institution>,
    catalog: Option<Catalog>,
    units: Option<Units>,
    profiles: BTreeMap<String, (Profile, &'l str)>,
    /// Profiles whose file could not be read (reported there).
    broken_profiles: BTreeSet<String>,
    /// The trees of the institution, catalogue and units files, to point into.
    trees: Vec<(&'l SourceFile, Node)>,
}

impl ReadTables<'_> {
    fn doc(&self, kind: &FileKind) -> Option<Doc<'_>> {
        self.trees
            .iter()
            .find(|(file, _)| &file.kind == kind)
            .map(|(file, root)| Doc {
                file: &file.display,
                root,
            })
    }
}

/// Parses one file's text, reporting its YAML problems; its tree, if any.
fn parse(loaded: &Loaded, file: &SourceFile, diagnostics: &mut Vec<Diagnostic>) -> Option<Node> {
    let text = loaded.text_of(file)?;
    let parsed = load::parse_text(&file.display, text);
    diagnostics.extend(parsed.diagnostics);
    parsed.root
}

/// Reads every file but the logins.
fn read_tables<'l>(loaded: &'l Loaded, diagnostics: &mut Vec<Diagnostic>) -> ReadTables<'l> {
    let mut read = ReadTables::default();
    for file in &loaded.files {
        if matches!(file.kind, FileKind::Login { .. }) {
            continue;
        }
        let Some(root) = parse(loaded, file, diagnostics) else {
            continue;
        };
        let doc = Doc {
            file: &file.display,
            root: &root,
        };
        match &file.kind {
            FileKind::Institution => {
                read.institution = typed(&doc, SchemaKind::Institution, diagnostics)
            }
            FileKind::Catalog => read.catalog = typed(&doc, SchemaKind::Catalog, diagnostics),
            FileKind::Units => read.units = typed(&doc, SchemaKind::Units, diagnostics),
            FileKind::Profile { name } => {
                match typed::<Profile>(&doc, SchemaKind::Profile, diagnostics) {
                    Some(p) => {
                        read.profiles
                            .insert(name.clone(), (p, file.display.as_str()));
                    }
                    None => {
                        read.broken_profiles.insert(name.clone());
                    }
                }
                continue;
            }
            FileKind::Login { .. } => continue,
        }
        read.trees.push((file, root));
    }
    read
}

/// Checks the login files one at a time: with the tables when they are
/// sound, otherwise only by the rules of a single file.
fn check_logins(
    loaded: &Loaded,
    tables: Option<&Tables<'_>>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Login> {
    let files = loaded.of_kind(|k| matches!(k, FileKind::Login { .. }));
    let mut seen = login::Seen::new(loaded);
    let mut logins = Vec::with_capacity(files.size_hint().1.unwrap_or(0));
    for file in files {
        let Some(root) = parse(loaded, file, diagnostics) else {
            continue;
        };
        let doc = Doc {
            file: &file.display,
            root: &root,
        };
        let Some((raw, aside)) = read_on::<RawLogin>(&doc, SchemaKind::Login, diagnostics) else {
            continue;
        };
        let before = diagnostics.len();
        match tables {
            Some(tables) => {
                if let Some(valid) = login::check(tables, &mut seen, file, &doc, raw, diagnostics) {
                    privilege::redundant(tables, &doc, &valid, diagnostics);
                    logins.push(valid);
                }
            }
            None => login::check_standalone(&doc, &file.kind, &raw, diagnostics),
        }
        if !aside.is_empty() {
            drop_consequences(diagnostics, before, &root, &aside);
        }
    }
    logins
}

/// The tables every login rule consults.
pub(crate) struct Tables<'a> {
    pub institution: &'a Institution,
    pub catalog: &'a Catalog,
    pub units: &'a Units,
    /// Each profile with the file it was read from.
    pub profiles: &'a BTreeMap<String, (Profile, &'a str)>,
    /// Profiles whose file could not be read (already reported there).
    pub broken_profiles: &'a BTreeSet<String>,
    pub today: NaiveDate,
}

/// Drops the diagnostics from `from` on that only report the absence of a
/// value set aside in the file of `root` (its schema error is reported already).
fn drop_consequences(
    diagnostics: &mut Vec<Diagnostic>,
    from: usize,
    root: &Node,
    aside: &[Vec<Step>],
) {
    let mut i = 0;
    diagnostics.retain(|d| {
        i += 1;
        i <= from || !partial::follows_from(d, root, aside)
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
    let value = read::from_node::<T>(&rest).ok()?;
    Some((value, aside))
}

fn deserialize<T: DeserializeOwned>(
    doc: &Doc<'_>,
    root: &Node,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<T> {
    match read::from_node::<T>(root) {
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
