//! `alma-access report`: writes one static HTML page for auditors (who holds
//! which role type and level by unit, privileged grants, ends and
//! re-certifications due, each login's standing, when its file last
//! changed and in which merge), self-contained and printable, stamped with
//! the day and the commit. Reads the files and their git history; with
//! `--alma` also what Alma holds (a read-only key, or the built-in
//! emulator), with drift marked. Exit codes: 0 written, 1 the repository is
//! not valid, Alma could not be read or the page could not be written,
//! 2 wrong usage.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::scope::{self, ScopeArgs};
use super::{EXIT_FAILURE, EXIT_OK};
use crate::git;
use crate::reconcile::render::Legend;
use crate::reconcile::target::Access;
use crate::report;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The access folder (or a repository holding `access/`).
    #[arg(default_value = "access")]
    pub path: PathBuf,
    /// Where to write the page.
    #[arg(long, value_name = "OUT")]
    pub html: PathBuf,
    /// The day the report is for (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE")]
    pub today: Option<NaiveDate>,
    /// Also read what Alma holds for every login (a read-only key suffices;
    /// the built-in emulator when none is set) and mark the drift.
    #[arg(long)]
    pub alma: bool,
}

pub fn run(args: Args) -> u8 {
    let start = match scope::start(&ScopeArgs {
        path: args.path.clone(),
        environments: Vec::new(),
        only: Vec::new(),
        changed_since: None,
        today: args.today,
    }) {
        Ok(start) => start,
        Err(code) => return code,
    };
    let commit = scope::commit_of(&start);
    let mut built = report::build(&start.repo, start.today, commit);
    if let Ok(changes) = git::last_changes(&start.root) {
        let interval = crate::lifecycle::recert::interval_days(&start.repo.institution);
        built = built.with_history(&changes, interval);
    }
    if args.alma {
        match read_alma(&start) {
            Ok(plan) => {
                let legend = Legend::for_plan(&start.repo.catalog, &plan);
                built = built.with_alma(&plan, &legend);
            }
            Err(message) => {
                eprintln!("error: {message}");
                return EXIT_FAILURE;
            }
        }
    }
    let page = report::html::render(&built);
    if let Some(parent) = args.html.parent().filter(|p| !p.as_os_str().is_empty())
        && let Err(e) = std::fs::create_dir_all(parent)
    {
        eprintln!("error: cannot create {}: {e}", parent.display());
        return EXIT_FAILURE;
    }
    if let Err(e) = std::fs::write(&args.html, page) {
        eprintln!("error: cannot write {}: {e}", args.html.display());
        return EXIT_FAILURE;
    }
    println!(
        "wrote {}: {} logins, {} privileged grants, {} due or overdue, as of {}",
        args.html.display(),
        built.logins.len(),
        built.privileged.len(),
        built.calendar.len(),
        built.today
    );
    EXIT_OK
}

/// A full plan of every environment: what Alma holds, and what differs.
fn read_alma(start: &scope::Start) -> Result<crate::reconcile::Plan, String> {
    let args = ScopeArgs {
        path: start.root.clone(),
        environments: Vec::new(),
        only: Vec::new(),
        changed_since: None,
        today: Some(start.today),
    };
    let request = scope::request(&args, start)
        .map_err(|_| "the environments cannot be planned".to_string())?;
    let connection = start.repo.institution.connection();
    let envs = &request.environments;
    scope::with_alma(start, &connection, envs, Access::Read, async |alma| {
        crate::reconcile::plan(alma, &request)
            .await
            .map_err(|e| format!("reading Alma failed: {e}"))
    })
}
