//! `alma-access review --unit U`: re-certification. Lists each login of a
//! unit with its grants, standing and `review_by`, for the unit's liaison
//! and the managers to confirm. `--confirm ID...` (or `--confirm-file`)
//! moves `review_by` of the confirmed logins to today +
//! `review_interval_days` (default 365), editing only that value in each
//! file (inserted when absent; comments kept), validates the result and
//! commits it on a new branch from HEAD (default
//! `alma-access/review-UNIT-TODAY`) for a pull request. Nothing is checked
//! out; `--write` also writes the working tree; `--dry-run` writes nothing.

use std::path::PathBuf;

use super::lifecycle::ProposalArgs;
use super::{Format, Outcome, emit, fail, json, scope};
use crate::lifecycle::recert;
use crate::lifecycle::render;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The access folder (or a repository holding `access/`).
    #[arg(default_value = "access")]
    pub path: PathBuf,
    /// The unit to re-certify (a key of units.yaml).
    #[arg(long, value_name = "UNIT")]
    pub unit: String,
    /// The day of the review (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE")]
    pub today: Option<chrono::NaiveDate>,
    /// Primary ids of the logins confirmed: their review_by moves to today + review_interval_days.
    #[arg(long, value_name = "ID", num_args = 1..)]
    pub confirm: Vec<String>,
    /// A file of confirmed primary ids, one per line (`#` starts a comment).
    #[arg(long, value_name = "FILE")]
    pub confirm_file: Option<PathBuf>,
    #[command(flatten)]
    pub proposal: ProposalArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub fn run(args: Args) -> Outcome {
    let valid = scope::load(&args.path, args.today)?;
    let review = recert::unit_review(&valid.repo, &args.unit, valid.today).map_err(fail)?;
    let ids = recert::confirmed_ids(&args.confirm, args.confirm_file.as_deref()).map_err(fail)?;
    if ids.is_empty() {
        return emit(&match args.format {
            Format::Text => render::unit_review(&review),
            Format::Json => json(&review),
        });
    }
    let confirmation = recert::confirm(&valid.repo, &valid.root, &review, &ids).map_err(fail)?;
    let branch = args
        .proposal
        .branch
        .clone()
        .unwrap_or_else(|| format!("alma-access/review-{}-{}", args.unit, valid.today));
    let (edits, message) = (&confirmation.edits, &confirmation.message);
    let today = valid.today;
    let proposal =
        args.proposal
            .deliver(&valid.root, edits, today, "edited files", &branch, message)?;
    let proposal = proposal.as_ref();
    emit(&match args.format {
        Format::Text => render::confirmation(message, &branch, proposal, edits.is_empty()),
        Format::Json => json(&confirmation.record(&review, proposal, args.proposal.dry_run)),
    })
}
