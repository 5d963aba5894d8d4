//! `alma-access apply`: makes Alma match the repository. A dry run unless
//! `--confirm`. It always plans afresh; with `--plan FILE` it applies only
//! if that fresh plan is what the saved one shows (`reconcile::saved`).
//! `--changed-since REV` only moves forward: a checkout older than `REV`
//! is refused. Safety stops (R10; the caps yield to `--allow-mass-change
//! REASON`) and unreadable users refuse the whole run before anything is
//! written. `--confirm` takes the apply lock (`reconcile::lock`); each
//! write is re-checked, recorded in the audit log before it is sent,
//! verified, and recorded again.

use std::path::PathBuf;

use super::scope::{self, ScopeArgs};
use super::{EXIT_FAILURE, EXIT_OK, EXIT_USAGE};
use crate::git;
use crate::reconcile::apply::Done;
use crate::reconcile::apply::run::{self, Options, Ran, RunError, Watch};
use crate::reconcile::plan::Plan;
use crate::reconcile::render::{self, Legend};
use crate::reconcile::saved;
use crate::reconcile::select::Selection;
use crate::reconcile::target::Access;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// Apply what this saved plan (from `plan --out`) shows: it is planned
    /// again at its commit, with its environments and scope, and applied only
    /// if the fresh plan is the same.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["only", "changed_since"])]
    pub plan: Option<PathBuf>,
    /// Write to Alma. Without it, apply only shows what it would do. Takes
    /// the apply lock (`apply.lock` beside the audit log) for the run.
    #[arg(long)]
    pub confirm: bool,
    /// The audit log to append to (JSON Lines). The apply lock
    /// (`apply.lock`) is kept in the same folder.
    #[arg(long, value_name = "FILE", default_value = ".alma-access/audit.jsonl")]
    pub audit: PathBuf,
    /// Apply an intended mass change past the caps on losses of access
    /// (`safety.max_removals`), giving the reason; every audit record of the
    /// run carries it. Protected users and minimum holders still stop a plan.
    #[arg(long, value_name = "REASON")]
    pub allow_mass_change: Option<String>,
}

pub fn run(args: Args) -> u8 {
    let start = match scope::start(&args.scope) {
        Ok(start) => start,
        Err(code) => return code,
    };
    let fail = |e: RunError| {
        eprintln!("error: {e}");
        if e.is_usage() {
            EXIT_USAGE
        } else {
            EXIT_FAILURE
        }
    };
    let mass_change = match run::mass_change(args.allow_mass_change.as_deref()) {
        Ok(reason) => reason,
        Err(e) => return fail(e),
    };
    // A saved plan decides nothing but what to plan again: its commit,
    // environments and scope.
    let commit = scope::commit_of(&start);
    let saved = match &args.plan {
        None => None,
        Some(path) => match saved::read(path, commit.as_deref(), args.confirm) {
            Ok(plan) => Some((path.clone(), plan)),
            Err(e) => return fail(e.into()),
        },
    };
    if let Some((path, plan)) = &saved
        && let Err(e) = run::same_environments(path, plan, &args.scope.environments)
    {
        return fail(e);
    }
    let selection = saved.as_ref().map_or(args.scope.clone(), |(_, plan)| {
        args.scope.with(Selection::of(plan))
    });
    let request = match scope::request(&selection, &start) {
        Ok(r) => r,
        Err(code) => return code,
    };
    if let Some(rev) = &selection.changed_since
        && let Err(why) = git::moves_forward(&start.root, rev)
    {
        eprintln!("error: {why}");
        return EXIT_FAILURE;
    }
    let options = Options {
        confirm: args.confirm,
        audit: args.audit.clone(),
        mass_change,
        preserve: start.repo.institution.preserve_roles.clone(),
    };
    let mut printer = Printer {
        catalog: &start.repo.catalog,
        started: false,
    };
    let saved = saved.as_ref().map(|(path, plan)| (path.as_path(), plan));
    let connection = start.repo.institution.connection();
    let envs = &request.environments;
    let outcome = scope::with_alma(&start, &connection, envs, Access::Write, async |alma| {
        run::run(alma, &request, saved, options, &mut printer)
            .await
            .map_err(|e| e.to_string())
    });
    match outcome {
        Err(message) => {
            eprintln!("error: {message}");
            EXIT_FAILURE
        }
        Ok(ran) => {
            if let Ran::Locked { why, .. } = &ran {
                eprintln!("error: {why}");
            }
            print!("{}", run::summary(&ran, &args.audit));
            match ran {
                Ran::DryRun | Ran::Nothing => EXIT_OK,
                Ran::Applied(report) if report.ok() => EXIT_OK,
                _ => EXIT_FAILURE,
            }
        }
    }
}

/// Prints a run as it goes: the plan, warnings, then a line per user.
struct Printer<'a> {
    catalog: &'a crate::model::Catalog,
    started: bool,
}

impl Watch for Printer<'_> {
    fn planned(&mut self, plan: &Plan) {
        print!(
            "{}",
            render::body(plan, &Legend::for_plan(self.catalog, plan))
        );
    }

    fn warning(&mut self, text: &str) {
        eprintln!("warning: {text}");
    }

    fn done(&mut self, done: Done<'_>) {
        if !self.started {
            self.started = true;
            println!();
        }
        println!("{}", run::done_line(&done));
    }
}
