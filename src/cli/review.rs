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

use serde_json::json;

use super::lifecycle::ProposalArgs;
use super::{EXIT_FAILURE, EXIT_USAGE, Format, emit, scope};
use crate::lifecycle::recert::{self, RecertError};
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

pub fn run(args: Args) -> u8 {
    let valid = match scope::load(&args.path, args.today) {
        Ok(valid) => valid,
        Err(code) => return code,
    };
    let fail = |e: RecertError| {
        eprintln!("error: {e}");
        match e {
            RecertError::Propose(_) => EXIT_FAILURE,
            _ => EXIT_USAGE,
        }
    };
    let review = match recert::unit_review(&valid.repo, &args.unit, valid.today) {
        Ok(review) => review,
        Err(e) => return fail(e),
    };
    let mut ids = args.confirm.clone();
    if let Some(file) = &args.confirm_file {
        match std::fs::read_to_string(file) {
            Ok(text) => ids.extend(recert::ids_in(&text)),
            Err(e) => {
                eprintln!("error: cannot read `{}`: {e}", file.display());
                return EXIT_USAGE;
            }
        }
    }
    if ids.is_empty() {
        return emit(&match args.format {
            Format::Text => render::unit_review(&review),
            Format::Json => {
                serde_json::to_string_pretty(&review).expect("reviews serialize") + "\n"
            }
        });
    }
    let confirmation = match recert::confirm(&valid.repo, &valid.root, &review, &ids) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let branch = args
        .proposal
        .branch
        .clone()
        .unwrap_or_else(|| format!("alma-access/review-{}-{}", args.unit, valid.today));
    let edits = &confirmation.edits;
    let message = &confirmation.message;
    let proposal = match args.proposal.deliver(
        &valid.root,
        edits,
        valid.today,
        "edited files",
        &branch,
        message,
    ) {
        Ok(proposal) => proposal,
        Err(code) => return code,
    };
    emit(&match args.format {
        Format::Text => render::confirmation(message, &branch, proposal.as_ref(), edits.is_empty()),
        Format::Json => {
            let confirmed: Vec<_> = confirmation
                .confirmed
                .iter()
                .map(|l| &l.primary_id)
                .collect();
            serde_json::to_string_pretty(&json!({
                "unit": review.unit,
                "today": review.today,
                "review_by": review.next_review_by,
                "confirmed": confirmed,
                "files": edits.iter().map(|e| &e.display).collect::<Vec<_>>(),
                "dry_run": args.proposal.dry_run,
                "branch": proposal.as_ref().map(|p| json!({"name": p.branch, "commit": p.commit})),
            }))
            .expect("json serializes")
                + "\n"
        }
    })
}
