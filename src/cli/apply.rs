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
use super::target::{self, Access};
use super::{EXIT_FAILURE, EXIT_OK, EXIT_USAGE};
use crate::history;
use crate::reconcile::apply::{Done, Report};
use crate::reconcile::audit::AuditLog;
use crate::reconcile::audit::Outcome;
use crate::reconcile::lock::{ApplyLock, lock_path};
use crate::reconcile::render::{self, Legend};
use crate::reconcile::{self, UserStatus, safety, saved};

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
    let mass_change = match args.allow_mass_change.as_deref().map(str::trim) {
        Some("") => {
            eprintln!("error: --allow-mass-change needs the reason for the mass change");
            return EXIT_USAGE;
        }
        other => other.map(str::to_string),
    };
    // A saved plan decides nothing but what to plan again: its commit,
    // environments and scope.
    let saved = match &args.plan {
        None => None,
        Some(path) => match saved::read(path, scope::commit_of(&start).as_deref(), args.confirm) {
            Ok(plan) => Some((path.clone(), plan)),
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_FAILURE;
            }
        },
    };
    if let Some((path, plan)) = &saved
        && !args.scope.environments.is_empty()
        && args.scope.environments != plan.environments
    {
        eprintln!(
            "error: {} covers {}; give no --env, or the same ones",
            path.display(),
            plan.environments.join(", ")
        );
        return EXIT_USAGE;
    }
    let selection = saved.as_ref().map_or(args.scope.clone(), |(_, plan)| {
        scope::selection_of(plan, &args.scope)
    });
    let request = match scope::request(&selection, &start) {
        Ok(r) => r,
        Err(code) => return code,
    };
    if let Some(rev) = &selection.changed_since
        && let Err(why) = history::moves_forward(&start.root, rev)
    {
        eprintln!("error: {why}");
        return EXIT_FAILURE;
    }
    let preserve = start.repo.institution.preserve_roles.clone();
    let confirm = args.confirm;
    let audit_path = args.audit.clone();
    let outcome = scope::runtime().block_on(async {
        let targets = target::connect(
            &start.repo,
            &start.repo.institution.connection(),
            &request.environments,
            start.repo_root(),
            Access::Write,
            start.today,
        )
        .await?;
        let planned = reconcile::plan(&targets.clients, &request)
            .await
            .map_err(|e| e.to_string());
        let plan = match (planned, &saved) {
            (Err(e), _) => Err(e),
            (Ok(fresh), Some((path, plan))) => saved::compare(path, plan, &fresh)
                .map(|()| fresh)
                .map_err(|e| e.to_string()),
            (Ok(fresh), None) => Ok(fresh),
        };
        let plan = match plan {
            Ok(plan) => plan,
            Err(e) => {
                targets.close().await;
                return Err(e);
            }
        };
        print!(
            "{}",
            render::body(&plan, &Legend::for_plan(&start.repo.catalog, &plan))
        );
        if let Some(refusal) = safety::refusal(&plan, mass_change.is_some()) {
            targets.close().await;
            return Err(refusal);
        }
        if !confirm {
            targets.close().await;
            return Ok(Ran::DryRun);
        }
        let blocked = plan.users.iter().any(|u| u.status == UserStatus::Blocked);
        if !plan.has_changes() && !blocked {
            targets.close().await;
            return Ok(Ran::Nothing);
        }
        let lock = match ApplyLock::acquire(&lock_path(&audit_path)) {
            Ok(lock) => lock,
            Err(why) => {
                targets.close().await;
                let users = plan
                    .changed()
                    .map(|u| (u.environment.clone(), u.primary_id.clone()))
                    .collect();
                return Ok(Ran::Locked { why, users });
            }
        };
        let audit = AuditLog::open(&audit_path)
            .map_err(|e| format!("cannot open the audit log {}: {e}", audit_path.display()))?;
        let mut audit = audit.with_mass_change(mass_change);
        println!();
        let report = reconcile::apply::apply_with(
            &targets.clients,
            &plan,
            &preserve,
            &mut audit,
            &mut print_done,
        )
        .await;
        drop(lock);
        targets.close().await;
        Ok(Ran::Applied(report))
    });
    match outcome {
        Err(message) => {
            eprintln!("error: {message}");
            EXIT_FAILURE
        }
        Ok(Ran::DryRun) => {
            println!("\nDry run: nothing was written to Alma. Run again with --confirm to apply.");
            EXIT_OK
        }
        Ok(Ran::Nothing) => {
            println!("\nNothing to apply: Alma already matches the repository.");
            EXIT_OK
        }
        Ok(Ran::Locked { why, users }) => {
            eprintln!("error: {why}");
            println!();
            for (env, id) in &users {
                println!("Skipped {env} {id}: not written, another apply holds the lock");
            }
            println!(
                "Skipped: {} user(s); nothing was written to Alma.",
                users.len()
            );
            EXIT_FAILURE
        }
        Ok(Ran::Applied(report)) => summarize(&report, &args.audit),
    }
}

/// How a run ended, short of an error.
enum Ran {
    DryRun,
    Nothing,
    Applied(Report),
    /// Another apply holds the lock (or left it behind): nothing written.
    Locked {
        why: String,
        users: Vec<(String, String)>,
    },
}

/// One line per user as apply goes: what became of it, who it is.
fn print_done(done: Done<'_>) {
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
    println!("{}", crate::text::line(&line));
}

fn summarize(report: &Report, audit: &std::path::Path) -> u8 {
    println!(
        "\nApplied: {} user(s) written and verified.",
        report.applied.len()
    );
    for (env, id, why) in &report.skipped {
        println!("Skipped {env} {id}: {why}");
    }
    for (env, id, why) in &report.verify_failed {
        println!("NOT VERIFIED {env} {id}: {why}");
    }
    for (env, id, why) in &report.failed {
        println!("FAILED {env} {id}: {why}");
    }
    for (env, id, why) in &report.blocked {
        println!("NOT APPLIED {env} {id}: {why}");
    }
    for e in &report.audit_errors {
        println!("AUDIT LOG NOT WRITTEN: {e}");
    }
    println!("Audit log: {}", audit.display());
    if !report.applied.is_empty() {
        println!("{}", render::LOG_OUT);
    }
    if report.ok() { EXIT_OK } else { EXIT_FAILURE }
}
