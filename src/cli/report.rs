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

use super::{EXIT_OK, Outcome, failed, scope};
use crate::reconcile::Progress;
use crate::reconcile::target::Access;
use crate::report::job;

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

pub fn run(args: Args) -> Outcome {
    let start = scope::load(&args.path, args.today)?;
    let mut report = job::of(&start);
    if args.alma {
        let request = job::alma_request(&start, Progress::on_terminal()).map_err(failed)?;
        let connection = start.repo.institution.connection();
        let envs = &request.environments;
        report = scope::with_alma(&start, &connection, envs, Access::Read, async |alma| {
            job::with_alma(report, alma, &request).await
        })?;
    }
    job::write(&report, &args.html).map_err(failed)?;
    println!("{}", job::written(&report, &args.html));
    Ok(EXIT_OK)
}
