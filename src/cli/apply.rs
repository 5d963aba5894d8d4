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
use super::{EXIT_FAILURE, EXIT_OK, Outcome, fail};
use crate::reconcile::Progress;
use crate::reconcile::apply::Done;
use crate::reconcile::apply::run::{self, Asked, Ran, Watch};
use crate::reconcile::plan::Plan;
use crate::reconcile::render::{self, Legend};
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

pub fn run(args: Args) -> Outcome {
    let start = scope::load(&args.scope.path, args.scope.today)?;
    let asked = Asked {
        saved: args.plan.as_deref(),
        selection: args.scope.selection(),
        confirm: args.confirm,
        audit: args.audit.clone(),
        mass_change: args.allow_mass_change.as_deref(),
    };
    let prepared = run::prepare(&start, asked, Progress::on_terminal()).map_err(fail)?;
    let mut printer = Printer {
        catalog: &start.repo.catalog,
        started: false,
    };
    let connection = start.repo.institution.connection();
    let envs = prepared.request.environments.clone();
    let ran = scope::with_alma(&start, &connection, &envs, Access::Write, async |alma| {
        run::run(alma, prepared, &mut printer).await
    })?;
    if let Ran::Locked { why, .. } = &ran {
        eprintln!("error: {why}");
    }
    print!("{}", run::summary(&ran, &args.audit));
    Ok(if ran.ok() { EXIT_OK } else { EXIT_FAILURE })
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
