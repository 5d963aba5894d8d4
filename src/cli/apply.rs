//! `alma-access apply`: makes Alma match the repository. A dry run unless
//! `--confirm`. With `--plan FILE` it applies a saved plan, refused if the
//! file was altered or the repository moved on since; without, it plans
//! afresh. Safety stops (R10) and unreadable users refuse the whole run
//! before anything is written. Each write is re-checked against the plan,
//! recorded in the audit log before it is sent, verified, and recorded again.
//!
//! Two applies never write at once from one checkout: `--confirm` takes an
//! exclusive lock file beside the audit log (`.alma-access/apply.lock`,
//! created only if absent, holding the pid, host and start time). An apply
//! that finds it held writes nothing, lists every user of its plan as
//! skipped and exits 1. A lock left by a process that is no longer running
//! (an apply that was killed) is reported with how to remove it, never taken
//! over silently. Across machines the lock cannot see the other runner: there
//! the CI workflow's `concurrency:` group is the guard, and in every case the
//! per-user compare-and-swap (re-read, refuse if changed since the plan)
//! still applies.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::{SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use super::scope::{self, ScopeArgs};
use super::target::{self, Access};
use super::{EXIT_FAILURE, EXIT_OK};
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
    /// Write to Alma. Without it, apply only shows what it would do. Takes
    /// the apply lock (`apply.lock` beside the audit log) for the run.
    #[arg(long)]
    pub confirm: bool,
    /// The audit log to append to (JSON Lines). The apply lock
    /// (`apply.lock`) is kept in the same folder.
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
        Err(code) => return code,
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
        if !confirm {
            targets.close().await;
            return Ok(Ran::DryRun);
        }
        if !plan.has_changes() {
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
        let mut audit = AuditLog::open(&audit_path)
            .map_err(|e| format!("cannot open the audit log {}: {e}", audit_path.display()))?;
        let report = reconcile::apply::apply(&targets.clients, &plan, &preserve, &mut audit).await;
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

/// The apply lock: beside the audit log.
fn lock_path(audit: &Path) -> PathBuf {
    audit
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join("apply.lock")
}

/// Who holds the apply lock, as written in the lock file.
#[derive(Debug, Serialize, Deserialize)]
struct Holder {
    pid: u32,
    host: String,
    started: String,
}

/// A held apply lock; released (the file removed) when dropped. A process
/// that is killed leaves the file behind, to be reported as stale.
struct ApplyLock {
    path: PathBuf,
}

impl ApplyLock {
    /// Takes the lock, or says who holds it and what to do.
    fn acquire(path: &Path) -> Result<ApplyLock, String> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        match OpenOptions::new().write(true).create_new(true).open(path) {
            Ok(mut file) => {
                let lock = ApplyLock {
                    path: path.to_path_buf(),
                };
                let holder = Holder {
                    pid: std::process::id(),
                    host: host(),
                    started: Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
                };
                let mut body = serde_json::to_vec(&holder).unwrap_or_default();
                body.push(b'\n');
                file.write_all(&body)
                    .and_then(|()| file.sync_all())
                    .map_err(|e| format!("cannot write the lock {}: {e}", path.display()))?;
                Ok(lock)
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(held(path)),
            Err(e) => Err(format!("cannot create the lock {}: {e}", path.display())),
        }
    }
}

impl Drop for ApplyLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// What to say about a lock file someone else created.
fn held(path: &Path) -> String {
    let shown = path.display();
    let holder = fs::read_to_string(path)
        .ok()
        .and_then(|text| serde_json::from_str::<Holder>(&text).ok());
    let Some(h) = holder else {
        return format!(
            "another apply holds {shown} (its holder is still being written, or unreadable); \
             nothing was written. Wait for that apply to finish; if none is running, \
             remove the lock (rm {shown}) and apply again"
        );
    };
    let this_host = h.host == host();
    if this_host && !alive(h.pid) {
        return format!(
            "{shown} was left by an apply that is no longer running (pid {} on {}, started {}): \
             it was stopped before it finished. Nothing was written. Look in the audit log for \
             `started` records without an outcome, run plan to see where Alma stands, \
             then remove the lock (rm {shown}) and apply again",
            h.pid, h.host, h.started
        );
    }
    format!(
        "another apply is running from this checkout: {shown} is held by pid {} on {} since {}; \
         nothing was written. Wait for it to finish, then plan again{}",
        h.pid,
        h.host,
        h.started,
        if this_host {
            ""
        } else {
            " (it is another host's: if no apply runs there, remove the lock)"
        }
    )
}

/// This machine's name, as the lock records it.
fn host() -> String {
    fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown-host".into())
}

/// Whether a process of this host is running. Where that cannot be told,
/// it is taken to be running (a lock is never taken over on a guess).
fn alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_is_exclusive_and_released_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let path = lock_path(&dir.path().join("state/audit.jsonl"));
        assert_eq!(path, dir.path().join("state/apply.lock"));
        let lock = ApplyLock::acquire(&path).unwrap();
        let holder: Holder = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(holder.pid, std::process::id());
        let why = ApplyLock::acquire(&path).err().unwrap();
        assert!(why.contains("another apply is running"), "{why}");
        drop(lock);
        assert!(!path.exists());
        assert!(ApplyLock::acquire(&path).is_ok());
    }

    #[test]
    fn a_lock_left_by_a_dead_process_is_reported_never_taken() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("apply.lock");
        let dead = Holder {
            pid: u32::MAX,
            host: host(),
            started: "2026-11-23T08:00:00Z".into(),
        };
        fs::write(&path, serde_json::to_string(&dead).unwrap()).unwrap();
        let why = ApplyLock::acquire(&path).err().unwrap();
        if cfg!(target_os = "linux") {
            assert!(
                why.contains("no longer running") && why.contains("rm "),
                "{why}"
            );
        }
        assert!(
            path.exists(),
            "the stale lock stays until a person removes it"
        );
        fs::write(&path, "").unwrap();
        let why = ApplyLock::acquire(&path).err().unwrap();
        assert!(why.contains("remove the lock"), "{why}");
    }
}
