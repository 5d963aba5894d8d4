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

use super::{EXIT_FAILURE, EXIT_OK, Outcome, scope, usage};
use crate::import::adopt::{self, Done};
use crate::import::{self, Imported};
use crate::reconcile::Progress;
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

pub fn run(args: Args) -> Outcome {
    let start = scope::load(&args.path, args.today)?;
    let request = adopt::Request {
        environment: args.environment.clone(),
        unit: args.unit.clone(),
        users: args.users.clone(),
        users_from: args.users_from.clone(),
        assume_trained: args.assume_trained,
    };
    let (options, ids) = adopt::options(&start.repo, &request, start.today).map_err(usage)?;
    let env = &options.environment;
    let connection = start.repo.institution.connection();
    let envs = std::slice::from_ref(env);
    let fetched = scope::with_alma(&start, &connection, envs, Access::Read, async |alma| {
        import::fetch(&alma[env], ids.as_deref(), &Progress::on_terminal()).await
    })?;
    let (root, repo) = (&start.root, &start.repo);
    let sorted = adopt::sort(repo, &fetched.users, &options, ids.is_some());
    let mut wrote = |item: &Imported| print!("{}", adopt::written(item));
    let placed = adopt::place_all(root, repo, &sorted.imported, args.force, &mut wrote);
    for e in &placed.failed {
        eprintln!("error: {e}");
    }
    for s in &fetched.failed {
        eprintln!("error: {}: {}", s.primary_id, s.reason);
    }
    let done = Done {
        options: &options,
        fetched: &fetched,
        sorted: &sorted,
        placed: &placed,
    };
    print!("{}", adopt::summary(repo, &done));
    Ok(if done.ok() { EXIT_OK } else { EXIT_FAILURE })
}
