//! `alma-access lifecycle [PATH] --today DATE [--days 14] [--format text|json]`:
//! what the calendar changes today and in the next days (starts, ends,
//! leaves beginning and ending, training completions, `review_by` dates)
//! and what waits for someone (reactivations by request, suspensions,
//! missing training, overdue re-certifications), each with the rule and
//! the manager and liaison who should act. Run daily by a workflow that
//! keeps one issue up to date. Exit 0; 1 when the repository is not valid.
//! Also holds the flags for delivering a proposal, which `review` and
//! `sweep-inactive` share.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::{Format, Outcome, emit, fail, json, scope};
use crate::lifecycle::calendar;
use crate::lifecycle::propose::{self, Delivery, FileEdit, Proposal};
use crate::lifecycle::render;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The access folder (or a repository holding `access/`).
    #[arg(default_value = "access")]
    pub path: PathBuf,
    /// The day to start from (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE")]
    pub today: Option<NaiveDate>,
    /// How many days ahead to look, after today.
    #[arg(long, value_name = "N", default_value_t = 14)]
    pub days: u32,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub fn run(args: Args) -> Outcome {
    let valid = scope::load(&args.path, args.today)?;
    let agenda = calendar::agenda(&valid.repo, valid.today, args.days);
    emit(&match args.format {
        Format::Json => json(&agenda),
        Format::Text => render::agenda(&agenda),
    })
}

/// How `sweep-inactive` and `review` deliver edited login files: committed
/// on a new branch (the default, nothing checked out), not at all
/// (`--dry-run`), or also into the working tree (`--write`).
#[derive(Debug, clap::Args)]
pub struct ProposalArgs {
    /// The branch to create (default: alma-access/<command>-...-TODAY).
    #[arg(long, value_name = "NAME")]
    pub branch: Option<String>,
    /// Show the proposal; write no branch.
    #[arg(long)]
    pub dry_run: bool,
    /// Also write the edited files into the working tree.
    #[arg(long)]
    pub write: bool,
}

impl ProposalArgs {
    /// Delivers edited login files ([`propose::deliver`]). Errors are
    /// printed (the diagnostics of files that would not validate first);
    /// the exit code is returned. `what` names the files in messages.
    pub fn deliver(
        &self,
        root: &std::path::Path,
        edits: &[FileEdit],
        today: chrono::NaiveDate,
        what: &str,
        branch: &str,
        message: &str,
    ) -> Result<Option<Proposal>, u8> {
        let delivery = Delivery {
            dry_run: self.dry_run,
            write: self.write,
        };
        propose::deliver(root, edits, today, delivery, what, branch, message).map_err(fail)
    }
}
