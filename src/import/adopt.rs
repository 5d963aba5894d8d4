//! Adopting an Alma environment's staff users as one job: the options
//! checked against the repository (an environment it defines, a unit it
//! has, the users named), the users read sorted into login files to write
//! and users skipped (with why), each file placed (never over an existing
//! one without `force`, never twice for a user described in another
//! unit), and what was done said for people, with what still needs one.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::{
    CONSULTATION_IMPORTED, Fetched, Imported, MANAGER_PLACEHOLDER, Options, SkipReason, Skipped,
    describe,
};
use crate::alma::wire;
use crate::model::AccessRepo;
use crate::model::institution::EnvironmentError;

/// How import maps Alma to login files, for `import --help`.
pub const RULES: &str = "\
How users become login files:
  - STAFF users only; Patron and other preserve_roles are never written; protected users are skipped.
  - The unit is the one whose library, desks, departments and PO line owners the roles point at
    (ties: the unit the Alma record names, then --unit, then the first unit, with a warning).
  - Roles equal to a bundle give type view, view-analytics or systems; otherwise type custom with,
    per role type, the largest level whose every grant the user holds (limits from scopes and
    parameters). Levels needing a batch attestation, or a business need for students
    and temps, are not claimed.
  - Roles left over become additional_roles with `consultation: imported` (a warning each).
  - All managed roles INACTIVE: `suspended: {since: <today>, reason: other, note: imported inactive}`;
    some inactive: imported as granted, and the plan activates them.
  - The expiry date most roles share becomes end_date.
  - manager is the placeholder `set--manager` (a warning per file: replace it with the manager's
    GitHub handle before the pull request, as rule A1 asks the manager to approve); liaison is the
    unit's first liaison.
  - Training dates are written (as today) only with --assume-trained; otherwise roles stay
    inactive until training is recorded (R4).
  - Each file's warnings say what a plan would still change (duplicates Alma holds, one inactive
    role among active ones, roles expiring on different days: things a login file cannot say).";

/// Why an import cannot start.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Environment(#[from] EnvironmentError),
    #[error("unknown unit `{unit}`; units.yaml defines: {}", known.join(", "))]
    UnknownUnit { unit: String, known: Vec<String> },
    #[error("cannot read {}: {source}", file.display())]
    ReadList {
        file: PathBuf,
        source: std::io::Error,
    },
    #[error("{} lists no primary ids", file.display())]
    EmptyList { file: PathBuf },
}

/// What the command line asks for.
#[derive(Clone, Debug, Default)]
pub struct Request {
    pub environment: Option<String>,
    pub unit: Option<String>,
    pub users: Vec<String>,
    /// A file of primary ids, one a line (`#` starts a comment).
    pub users_from: Option<PathBuf>,
    pub assume_trained: bool,
}

/// The options of an import, and the users named (`None`: every user).
pub fn options(
    repo: &AccessRepo,
    request: &Request,
    today: NaiveDate,
) -> Result<(Options, Option<Vec<String>>), ImportError> {
    let environment = repo
        .institution
        .environment(request.environment.as_deref())?;
    if let Some(unit) = &request.unit
        && repo.units.get(unit).is_none()
    {
        return Err(ImportError::UnknownUnit {
            unit: unit.clone(),
            known: repo.units.ids().map(String::from).collect(),
        });
    }
    let mut ids = request.users.clone();
    if let Some(file) = &request.users_from {
        let text = std::fs::read_to_string(file).map_err(|source| ImportError::ReadList {
            file: file.clone(),
            source,
        })?;
        ids.extend(crate::lifecycle::recert::ids_in(&text));
        if ids.is_empty() {
            return Err(ImportError::EmptyList { file: file.clone() });
        }
    }
    let named = (!ids.is_empty() || request.users_from.is_some()).then_some(ids);
    let options = Options {
        environment,
        today,
        unit: request.unit.clone(),
        assume_trained: request.assume_trained,
    };
    Ok((options, named))
}

/// The users read, sorted into login files and users skipped.
#[derive(Debug, Default)]
pub struct Sorted {
    pub imported: Vec<Imported>,
    pub skipped: Vec<Skipped>,
    /// Users of other units than the one asked for (not listed one by one).
    pub other_units: usize,
}

/// Describes every user read. When every user was listed (`named` false),
/// patrons are left out silently: only named ones are worth a line.
pub fn sort(repo: &AccessRepo, users: &[wire::User], options: &Options, named: bool) -> Sorted {
    let mut sorted = Sorted::default();
    for user in users {
        match describe(repo, user, options) {
            Ok(i) => sorted.imported.push(i),
            Err(Skipped {
                reason: SkipReason::OtherUnit(_),
                ..
            }) if options.unit.is_some() => sorted.other_units += 1,
            Err(Skipped {
                reason: SkipReason::NotStaff,
                ..
            }) if !named => {}
            Err(s) => sorted.skipped.push(s),
        }
    }
    sorted
}

/// Why a file was not written.
#[derive(Debug, thiserror::Error)]
pub enum Placement {
    /// Left as it is, for a reason the person should know.
    #[error("{0}")]
    Kept(String),
    #[error("cannot write {}: {source}", path.display())]
    Failed {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Writes one file under the access folder `root`, unless it exists
/// (without `force`) or the user's login lives in another unit's folder.
pub fn place(
    root: &Path,
    repo: &AccessRepo,
    item: &Imported,
    force: bool,
) -> Result<(), Placement> {
    if let Some(existing) = repo.login(&item.primary_id)
        && existing.unit != item.unit
    {
        return Err(Placement::Kept(format!(
            "user {} is already described in unit `{}` ({}); move or delete that file first",
            item.primary_id, existing.unit, existing.file
        )));
    }
    let path = root.join(&item.path);
    if path.exists() && !force {
        return Err(Placement::Kept(
            "the file exists; --force overwrites it".into(),
        ));
    }
    let failed = |source| Placement::Failed {
        path: path.clone(),
        source,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(failed)?;
    }
    std::fs::write(&path, &item.text).map_err(failed)
}

/// What placing the files did.
#[derive(Debug, Default)]
pub struct Placed<'a> {
    /// How many files were written.
    pub written: usize,
    /// The files left as they were, and why.
    pub kept: Vec<(&'a Imported, String)>,
    /// The files that could not be written.
    pub failed: Vec<Placement>,
}

/// Places every file in turn ([`place`]); `wrote` hears each one written.
pub fn place_all<'a>(
    root: &Path,
    repo: &AccessRepo,
    imported: &'a [Imported],
    force: bool,
    wrote: &mut dyn FnMut(&Imported),
) -> Placed<'a> {
    let mut placed = Placed::default();
    for item in imported {
        match place(root, repo, item, force) {
            Ok(()) => {
                placed.written += 1;
                wrote(item);
            }
            Err(Placement::Kept(reason)) => placed.kept.push((item, reason)),
            Err(e) => placed.failed.push(e),
        }
    }
    placed
}

/// One file written, with its notes and warnings.
pub fn written(item: &Imported) -> String {
    let mut out = format!("wrote {} ({})\n", item.path.display(), item.summary);
    for note in &item.notes {
        let tag = if note.warning { "warning" } else { "note" };
        out.push_str(&format!("  {tag}: {}\n", note.text));
    }
    out
}

/// What was done, and what still needs a person.
pub struct Done<'a> {
    pub options: &'a Options,
    pub fetched: &'a Fetched,
    pub sorted: &'a Sorted,
    pub placed: &'a Placed<'a>,
}

impl Done<'_> {
    /// Whether every user was read and every file placed.
    pub fn ok(&self) -> bool {
        self.placed.failed.is_empty() && self.fetched.failed.is_empty()
    }
}

/// The closing report: the files kept and the users skipped, with why,
/// then the counts and the warnings that concern every file.
pub fn summary(repo: &AccessRepo, done: &Done<'_>) -> String {
    let mut out = String::new();
    for (item, reason) in &done.placed.kept {
        out.push_str(&format!("kept {}: {reason}\n", item.path.display()));
    }
    for s in done.fetched.missing.iter().chain(&done.sorted.skipped) {
        out.push_str(&format!("skipped {}: {}\n", s.primary_id, s.reason));
    }
    out.push_str(&counts(done));
    for line in warnings(repo, done) {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The line of counts: files written and kept, users of other units.
fn counts(done: &Done<'_>) -> String {
    let (options, placed) = (done.options, done.placed);
    let mut out = format!(
        "\nimported {} login file(s) from Alma ({})",
        placed.written, options.environment
    );
    if !placed.kept.is_empty() {
        let kept = placed.kept.len();
        out.push_str(&format!("; kept {kept} existing file(s)"));
    }
    let other_units = done.sorted.other_units;
    if other_units > 0 {
        out.push_str(&format!(
            "; {other_units} user(s) belong to other units than `{}`",
            options.unit.as_deref().unwrap_or_default()
        ));
    }
    out + "\n"
}

/// What still needs a person, for every file at once.
fn warnings(repo: &AccessRepo, done: &Done<'_>) -> Vec<String> {
    let (imported, written) = (&done.sorted.imported, done.placed.written);
    let mut out = Vec::new();
    if imported.is_empty() {
        out.push("no STAFF user with managed roles was found (for a repository other than the sample, the built-in emulated Alma gives its users the Patron role only)".into());
    }
    let extra = imported
        .iter()
        .filter(|i| i.text.contains("\nadditional_roles:"))
        .count();
    let changing = imported.iter().filter(|i| !i.plan.is_empty()).count();
    if written > 0 {
        out.push(format!(
            "warning: every file has `manager: {MANAGER_PLACEHOLDER}`: set each manager's GitHub handle before the pull request"
        ));
    }
    if extra > 0 {
        out.push(format!(
            "warning: {extra} login(s) carry additional_roles (consultation: {CONSULTATION_IMPORTED}): review them with the systems team (rule A3)"
        ));
    }
    let training = &repo.institution.required_training;
    if !done.options.assume_trained && !training.is_empty() {
        out.push(format!(
            "warning: Alma does not know training dates ({}): none were written, so the imported roles stay inactive until training is recorded (R4); record the dates, or re-run with --assume-trained",
            training.join(", ")
        ));
    }
    if changing > 0 {
        out.push(format!(
            "warning: a plan will still change {changing} user(s): see the warnings above"
        ));
    } else if written > 0 {
        out.push("a plan against this Alma now shows no changes for the imported users".into());
    }
    out
}
