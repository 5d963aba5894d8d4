//! One apply run, from a fresh plan to the audit log: check what is asked
//! ([`prepare`]: the saved plan read, the scope selected, the checkout no
//! older than the revision it starts from), plan again (and, given a saved
//! plan, go on only if the fresh one is what it shows), stop
//! before anything is written when a user could not be read or a safety
//! rule stops the plan (the caps yield to an audited mass-change reason),
//! stop at a dry run, take the apply lock, then write user by user. What
//! the run did is a [`Ran`]; [`done_line`] and [`summary`] say it for
//! people.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::{Done, Report, apply_with};
use crate::alma::{AlmaError, AlmaRead, AlmaWrite};
use crate::git::{self, GitError};
use crate::reconcile::audit::{AuditLog, Outcome};
use crate::reconcile::lock::{ApplyLock, lock_path};
use crate::reconcile::plan::{Plan, UserStatus};
use crate::reconcile::saved::{self, SavedPlanError};
use crate::reconcile::select::{self, SelectError, Selection};
use crate::reconcile::{Progress, Request, render, safety};
use crate::validate::Valid;

/// How to apply.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Write to Alma; without it, a dry run.
    pub confirm: bool,
    /// The audit log (JSON Lines); the apply lock is kept beside it.
    pub audit: PathBuf,
    /// The reason for an intended mass change past the caps.
    pub mass_change: Option<String>,
    /// The roles every write passes through untouched.
    pub preserve: BTreeSet<String>,
}

/// Why an apply run stopped with nothing (more) written.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("--allow-mass-change needs the reason for the mass change")]
    NoReason,
    #[error("{} covers {}; give no --env, or the same ones", path.display(), saved.join(", "))]
    OtherEnvironments { path: PathBuf, saved: Vec<String> },
    #[error(transparent)]
    Alma(#[from] AlmaError),
    #[error(transparent)]
    Saved(#[from] SavedPlanError),
    #[error(transparent)]
    Select(#[from] SelectError),
    /// The checkout is older than the revision the run starts from.
    #[error(transparent)]
    Backwards(GitError),
    /// A user could not be read, or a safety rule stops the plan.
    #[error("{0}")]
    Refused(String),
    #[error("cannot open the audit log {}: {source}", path.display())]
    Audit {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl RunError {
    /// Whether the command was asked something it cannot do (exit 2).
    pub fn is_usage(&self) -> bool {
        match self {
            RunError::NoReason | RunError::OtherEnvironments { .. } => true,
            RunError::Select(e) => e.is_usage(),
            _ => false,
        }
    }
}

/// What the command line asks of an apply run.
#[derive(Clone, Debug, Default)]
pub struct Asked<'a> {
    /// A saved plan (`plan --out`) to apply again.
    pub saved: Option<&'a Path>,
    /// What the flags select; a saved plan selects its own scope.
    pub selection: Selection,
    /// Write to Alma; without it, a dry run.
    pub confirm: bool,
    /// The audit log; the apply lock is kept beside it.
    pub audit: PathBuf,
    /// The reason given for an intended mass change.
    pub mass_change: Option<&'a str>,
}

/// An apply run checked and ready: what to plan afresh, the saved plan
/// the fresh one must match, and how to apply.
#[derive(Debug)]
pub struct Prepared<'a> {
    /// What to plan afresh.
    pub request: Request<'a>,
    /// The saved plan, and where it was read, that the fresh one must match.
    pub saved: Option<(PathBuf, Plan)>,
    /// How to apply.
    pub options: Options,
}

/// Checks what is asked of a run on the repository `valid` holds, before
/// anything is read from Alma: the mass-change reason; the saved plan
/// (made at the commit checked out, for the environments asked for),
/// whose commit, environments and scope decide what is planned again; the
/// selection ([`select::request`], telling `progress` how the reading
/// goes); and that a run since a revision only moves forward from it.
pub fn prepare<'a>(
    valid: &'a Valid,
    asked: Asked<'_>,
    progress: Progress,
) -> Result<Prepared<'a>, RunError> {
    let mass_change = mass_change(asked.mass_change)?;
    let saved = match asked.saved {
        None => None,
        Some(path) => Some((path.to_path_buf(), saved_plan(valid, &asked, path)?)),
    };
    let selection = saved
        .as_ref()
        .map_or(asked.selection, |(_, plan)| Selection::of(plan));
    let (repo, root) = (&valid.repo, &valid.root);
    let request = select::request(repo, root, valid.today, &selection, progress)?;
    if let Some(rev) = &selection.changed_since {
        git::moves_forward(root, rev).map_err(RunError::Backwards)?;
    }
    let options = Options {
        confirm: asked.confirm,
        audit: asked.audit,
        mass_change,
        preserve: repo.institution.preserve_roles.clone(),
    };
    Ok(Prepared {
        request,
        saved,
        options,
    })
}

/// The saved plan at `path`, made at the commit checked out (a clean one
/// when it is to be applied), for the environments asked for.
fn saved_plan(valid: &Valid, asked: &Asked<'_>, path: &Path) -> Result<Plan, RunError> {
    let commit = select::commit_of(&valid.root);
    let plan = saved::read(path, commit.as_deref(), asked.confirm)?;
    same_environments(path, &plan, &asked.selection.environments)?;
    Ok(plan)
}

/// The mass-change reason given, trimmed; an empty one is refused.
pub fn mass_change(reason: Option<&str>) -> Result<Option<String>, RunError> {
    match reason.map(str::trim) {
        Some("") => Err(RunError::NoReason),
        other => Ok(other.map(str::to_string)),
    }
}

/// A saved plan is planned again with its own environments: other ones
/// asked for are refused.
pub fn same_environments(path: &Path, saved: &Plan, asked: &[String]) -> Result<(), RunError> {
    if asked.is_empty() || asked == saved.environments {
        return Ok(());
    }
    Err(RunError::OtherEnvironments {
        path: path.to_path_buf(),
        saved: saved.environments.clone(),
    })
}

/// How a run ended, short of an error.
#[derive(Debug)]
pub enum Ran {
    /// Nothing was written: a dry run.
    DryRun,
    /// Alma already matches.
    Nothing,
    Applied(Report),
    /// Another apply holds the lock: nothing written to these users.
    Locked {
        why: String,
        users: Vec<(String, String)>,
    },
}

impl Ran {
    /// Whether the run did all it was asked: a dry run, nothing to do, or
    /// every user applied and verified.
    pub fn ok(&self) -> bool {
        match self {
            Ran::DryRun | Ran::Nothing => true,
            Ran::Applied(report) => report.ok(),
            Ran::Locked { .. } => false,
        }
    }
}

/// Who follows a run as it goes (the command line prints).
pub trait Watch {
    /// The fresh plan, before anything is decided.
    fn planned(&mut self, plan: &Plan);
    /// Something a person should know, e.g. that the last apply stopped midway.
    fn warning(&mut self, text: &str);
    /// One user done.
    fn done(&mut self, done: Done<'_>);
}

/// Plans the prepared request afresh, checks it against the saved plan
/// (when given) and the safety rules, and with `options.confirm` takes the
/// lock and applies it; `watch` sees the plan, warnings, and each user as
/// it is done.
pub async fn run<C: AlmaRead + AlmaWrite>(
    clients: &BTreeMap<String, C>,
    prepared: Prepared<'_>,
    watch: &mut dyn Watch,
) -> Result<Ran, RunError> {
    let Prepared {
        request,
        saved,
        options,
    } = prepared;
    let plan = crate::reconcile::plan(clients, &request).await?;
    if let Some((path, saved)) = &saved {
        saved::compare(path, saved, &plan)?;
    }
    watch.planned(&plan);
    if let Some(refusal) = safety::refusal(&plan, options.mass_change.is_some()) {
        return Err(RunError::Refused(refusal));
    }
    if !options.confirm {
        return Ok(Ran::DryRun);
    }
    let blocked = plan.users.iter().any(|u| u.status == UserStatus::Blocked);
    if !plan.has_changes() && !blocked {
        return Ok(Ran::Nothing);
    }
    let lock = match ApplyLock::acquire(&lock_path(&options.audit)) {
        Ok(lock) => lock,
        Err(why) => {
            let users = plan
                .changed()
                .map(|u| (u.environment.clone(), u.primary_id.clone()))
                .collect();
            return Ok(Ran::Locked {
                why: why.to_string(),
                users,
            });
        }
    };
    if let Some(note) = lock.interrupted_note() {
        watch.warning(&note);
    }
    let audit = AuditLog::open(&options.audit).map_err(|source| RunError::Audit {
        path: options.audit.clone(),
        source,
    })?;
    let mut audit = audit.with_mass_change(options.mass_change);
    let mut done = |d: Done<'_>| watch.done(d);
    let report = apply_with(clients, &plan, &options.preserve, &mut audit, &mut done).await;
    drop(lock);
    Ok(Ran::Applied(report))
}

/// One line per user as apply goes: what became of it, who it is.
pub fn done_line(done: &Done<'_>) -> String {
    let user = done.user;
    let who = user
        .requested
        .as_ref()
        .map_or(String::new(), |r| format!(" {}", r.person()));
    let what = match done.outcome {
        Outcome::Applied => "applied",
        Outcome::VerifyFailed => "NOT VERIFIED",
        Outcome::Skipped => "skipped",
        Outcome::Failed | Outcome::Started => "FAILED",
    };
    let detail = done.detail.map_or(String::new(), |d| format!(": {d}"));
    let line = format!(
        "{what} {} {}{who}{detail}",
        user.environment, user.primary_id
    );
    crate::text::line(&line).into_owned()
}

/// What a run ended with, for people.
pub fn summary(ran: &Ran, audit: &Path) -> String {
    match ran {
        Ran::DryRun => {
            "\nDry run: nothing was written to Alma. Run again with --confirm to apply.\n".into()
        }
        Ran::Nothing => "\nNothing to apply: Alma already matches the repository.\n".into(),
        Ran::Locked { users, .. } => {
            let mut out = String::from("\n");
            for (env, id) in users {
                out.push_str(&format!(
                    "Skipped {env} {id}: not written, another apply holds the lock\n"
                ));
            }
            out.push_str(&format!(
                "Skipped: {} user(s); nothing was written to Alma.\n",
                users.len()
            ));
            out
        }
        Ran::Applied(report) => applied(report, audit),
    }
}

fn applied(report: &Report, audit: &Path) -> String {
    let mut out = format!(
        "\nApplied: {} user(s) written and verified.\n",
        report.applied.len()
    );
    let lists = [
        ("Skipped", &report.skipped),
        ("NOT VERIFIED", &report.verify_failed),
        ("FAILED", &report.failed),
        ("NOT APPLIED", &report.blocked),
    ];
    for (tag, list) in lists {
        for (env, id, why) in list {
            out.push_str(&format!("{tag} {env} {id}: {why}\n"));
        }
    }
    for e in &report.audit_errors {
        out.push_str(&format!("AUDIT LOG NOT WRITTEN: {e}\n"));
    }
    out.push_str(&format!("Audit log: {}\n", audit.display()));
    if !report.applied.is_empty() {
        out.push_str(render::LOG_OUT);
        out.push('\n');
    }
    out
}
