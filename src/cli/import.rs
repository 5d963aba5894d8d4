//! `alma-access import`: writes a login file for each STAFF user of one
//! Alma environment (the built-in emulated Alma when no API key is set, as
//! for plan), so an institution can start from what Alma holds. Reads only.
//! Existing files are kept unless `--force`; a user already described in
//! another unit's folder is never written twice. Each file written is
//! listed with what needs a person: the placeholder manager, additional
//! roles, inactive or expiring roles, and what a plan would still change.
//! Exit codes: 0 success, 1 a user could not be read or a file written,
//! 2 wrong usage.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::scope::{self, ScopeArgs};
use super::{EXIT_FAILURE, EXIT_OK, EXIT_USAGE};
use crate::import::adopt::{self, Done, Placement};
use crate::import::{self, Imported};
use crate::reconcile::target::Access;

#[derive(Debug, clap::Args)]
#[command(after_long_help = adopt::RULES)]
pub struct Args {
    /// The access folder (or a repository holding `access/`).
    #[arg(default_value = "access")]
    pub path: PathBuf,
    /// The environment to read (default: the first of default_environments).
    #[arg(long = "env", value_name = "ENV")]
    pub environment: Option<String>,
    /// Only users whose roles place them in this unit.
    #[arg(long, value_name = "UNIT")]
    pub unit: Option<String>,
    /// Only this user (repeatable).
    #[arg(long = "user", value_name = "ID")]
    pub users: Vec<String>,
    /// Only the users listed in this file, one primary id a line (`#` starts a comment).
    #[arg(long, value_name = "FILE")]
    pub users_from: Option<PathBuf>,
    /// The day written into the files (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE")]
    pub today: Option<NaiveDate>,
    /// Overwrite login files that already exist.
    #[arg(long)]
    pub force: bool,
    /// Record today as the completion date of every required training
    /// (otherwise imported roles stay inactive until training is recorded, R4).
    #[arg(long)]
    pub assume_trained: bool,
}

pub fn run(args: Args) -> u8 {
    let scope_args = ScopeArgs {
        path: args.path.clone(),
        environments: Vec::new(),
        only: Vec::new(),
        changed_since: None,
        today: args.today,
    };
    let start = match scope::start(&scope_args) {
        Ok(start) => start,
        Err(code) => return code,
    };
    let request = adopt::Request {
        environment: args.environment.clone(),
        unit: args.unit.clone(),
        users: args.users.clone(),
        users_from: args.users_from.clone(),
        assume_trained: args.assume_trained,
    };
    let (options, ids) = match adopt::options(&start.repo, &request, start.today) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let env = options.environment.clone();
    let connection = start.repo.institution.connection();
    let envs = std::slice::from_ref(&env);
    let fetched = scope::with_alma(&start, &connection, envs, Access::Read, async |alma| {
        let progress = super::terminal_progress();
        import::fetch(&alma[&env], ids.as_deref(), &progress)
            .await
            .map_err(|e| e.to_string())
    });
    let fetched = match fetched {
        Ok(f) => f,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_FAILURE;
        }
    };
    let sorted = adopt::sort(&start.repo, &fetched.users, &options, ids.is_some());
    let (written, kept, write_failed) = write_all(&start, &sorted.imported, args.force);
    for (item, reason) in &kept {
        println!("kept {}: {reason}", item.path.display());
    }
    for s in fetched.missing.iter().chain(&sorted.skipped) {
        println!("skipped {}: {}", s.primary_id, s.reason);
    }
    for s in &fetched.failed {
        eprintln!("error: {}: {}", s.primary_id, s.reason);
    }
    let done = Done {
        options: &options,
        imported: &sorted.imported,
        written,
        kept: kept.len(),
        other_units: sorted.other_units,
    };
    print!("{}", adopt::summary(&start.repo, &done));
    if write_failed || !fetched.failed.is_empty() {
        EXIT_FAILURE
    } else {
        EXIT_OK
    }
}

/// Places every file, printing each one written; returns how many were
/// written, the ones kept and why, and whether a write failed.
fn write_all<'a>(
    start: &scope::Start,
    imported: &'a [Imported],
    force: bool,
) -> (usize, Vec<(&'a Imported, String)>, bool) {
    let (mut written, mut kept, mut failed) = (0, Vec::new(), false);
    for item in imported {
        match adopt::place(&start.root, &start.repo, item, force) {
            Ok(()) => {
                written += 1;
                print!("{}", adopt::written(item));
            }
            Err(Placement::Kept(reason)) => kept.push((item, reason)),
            Err(e) => {
                eprintln!("error: {e}");
                failed = true;
            }
        }
    }
    (written, kept, failed)
}
