//! `alma-access report`: writes one static HTML page for auditors (who holds
//! which role type and level by unit, privileged grants, ends and
//! re-certifications due, each login's standing), self-contained and
//! printable, stamped with the day and the commit. Reads only the files:
//! no Alma connection. Exit codes: 0 written, 1 the repository is not
//! valid or the page could not be written, 2 wrong usage.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::scope::{self, ScopeArgs};
use super::{EXIT_FAILURE, EXIT_OK};
use crate::history;
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
    let commit = history::head_commit(&start.root).map(|c| {
        if history::is_dirty(&start.root) {
            format!("{c}-dirty")
        } else {
            c
        }
    });
    let built = report::build(&start.repo, start.today, commit);
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
