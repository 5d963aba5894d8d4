//! `alma-access apply`: makes Alma match the repository. A dry run unless
//! `--confirm`. With `--plan FILE` it applies a saved plan, refused if the
//! file was altered or the repository moved on since; without, it plans
//! afresh. Safety stops (R10) and unreadable users refuse the whole run
//! before anything is written. Each write is re-checked against the plan,
//! verified, and recorded in the audit log.

use std::path::PathBuf;

use super::scope::{self, ScopeArgs};
use super::target::{self, Access};
use super::{EXIT_FAILURE, EXIT_OK, EXIT_USAGE};
use crate::reconcile::apply::Report;
use crate::reconcile::audit::AuditLog;
use crate::reconcile::plan::SavedPlan;
use crate::reconcile::render::{self, Legend};
use crate::reconcile::{self, Plan};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// Apply this saved plan (from `plan --out`) instead of planning afresh.
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    /// Write to Alma. Without it, apply only shows what it would do.
    #[arg(long)]
    pub confirm: bool,
    /// The audit log to append to (JSON Lines).
    #[arg(long, value_name = "FILE", default_value = ".alma-access/audit.jsonl")]
    pub audit: PathBuf,
}

pub fn run(args: Args) -> u8 {
    let start = match scope::start(&args.scope) {
        Ok(start) => start,
        Err(code) => return code,
    };
    let request = match scope::request(&args.scope, &start) {
        Ok(r) => r,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };
    let saved = match &args.plan {
        None => None,
        Some(path) => match load(path, request.commit.as_deref()) {
            Ok(plan) => Some(plan),
            Err(message) => {
                eprintln!("error: {message}");
                return EXIT_FAILURE;
            }
        },
    };
    let legend = Legend::from_catalog(&start.repo.catalog);
    let preserve = start.repo.institution.preserve_roles.clone();
    let environments = saved
        .as_ref()
        .map_or(request.environments.clone(), |p| p.environments.clone());
    let confirm = args.confirm;
    let audit_path = args.audit.clone();
    let outcome = scope::runtime().block_on(async {
        let targets = target::connect(
            &start.repo,
            &environments,
            start.repo_root(),
            Access::Write,
            start.today,
        )
        .await?;
        let plan = match saved {
            Some(plan) => plan,
            None => reconcile::plan(&targets.clients, &request)
                .await
                .map_err(|e| e.to_string())?,
        };
        print!("{}", render::text(&plan, &legend));
        if let Some(refusal) = refusal(&plan) {
            targets.close().await;
            return Err(refusal);
        }
        if !plan.has_changes() || !confirm {
            targets.close().await;
            return Ok(None);
        }
        let mut audit = AuditLog::open(&audit_path)
            .map_err(|e| format!("cannot open the audit log {}: {e}", audit_path.display()))?;
        let report = reconcile::apply::apply(&targets.clients, &plan, &preserve, &mut audit).await;
        targets.close().await;
        Ok(Some(report))
    });
    match outcome {
        Err(message) => {
            eprintln!("error: {message}");
            EXIT_FAILURE
        }
        Ok(None) if !confirm => {
            println!("\nDry run: nothing was written to Alma. Run again with --confirm to apply.");
            EXIT_OK
        }
        Ok(None) => {
            println!("\nNothing to apply: Alma already matches the repository.");
            EXIT_OK
        }
        Ok(Some(report)) => summarize(&report, &args.audit),
    }
}

/// Why a plan must not be applied at all, if it must not.
fn refusal(plan: &Plan) -> Option<String> {
    if !plan.errors.is_empty() {
        return Some(format!(
            "{} user(s) could not be read; nothing was written (a failed read is never taken for \"no roles\")",
            plan.errors.len()
        ));
    }
    if !plan.safety.is_empty() {
        let stops: Vec<String> = plan
            .safety
            .iter()
            .map(|s| format!("{}: {}", s.rule, s.message))
            .collect();
        return Some(format!(
            "safety stop, nothing was written: {}",
            stops.join("; ")
        ));
    }
    None
}

/// Loads a saved plan, refusing one that was altered or made at another commit.
fn load(path: &std::path::Path, commit: Option<&str>) -> Result<Plan, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the plan {}: {e}", path.display()))?;
    let saved: SavedPlan = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not a plan file: {e}", path.display()))?;
    if saved.plan.format != crate::reconcile::plan::FORMAT {
        return Err(format!(
            "{} has plan format {}, this alma-access reads format {}",
            path.display(),
            saved.plan.format,
            crate::reconcile::plan::FORMAT
        ));
    }
    if saved.plan.digest() != saved.digest {
        return Err(format!(
            "{} was altered after it was made (its digest does not match); make a new plan",
            path.display()
        ));
    }
    if saved.plan.commit.as_deref() != commit {
        return Err(format!(
            "{} is stale: it was made at commit {}, the repository is at {}; make a new plan",
            path.display(),
            saved.plan.commit.as_deref().unwrap_or("(none)"),
            commit.unwrap_or("(none)")
        ));
    }
    Ok(saved.plan)
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
    for e in &report.audit_errors {
        println!("AUDIT LOG NOT WRITTEN: {e}");
    }
    println!("Audit log: {}", audit.display());
    println!("Users must log out of Alma and log in again for role changes to take effect.");
    if report.ok() { EXIT_OK } else { EXIT_FAILURE }
}
