//! `alma-access validate [PATH]`: checks the access repository against the
//! schemas and every policy rule, prints all diagnostics, and exits 0 when
//! valid (warnings allowed), 1 on errors, 2 when PATH is unusable. With
//! `--format github` each diagnostic is a workflow annotation, shown on its
//! line in the pull request's diff.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::{EXIT_FAILURE, EXIT_OK, Outcome, emit, today_or, usage};
use crate::diag::{github, render};

/// How `validate` prints its diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For people: each problem with its source line and a caret.
    Text,
    /// For machines: one JSON document with counts.
    Json,
    /// GitHub Actions annotations (`::error file=...,line=...::`), then the summary line.
    Github,
}
use crate::validate;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The access folder (or a repository holding `access/`).
    #[arg(default_value = "access")]
    pub path: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// The date rules are checked against (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE")]
    pub today: Option<NaiveDate>,
}

pub fn run(args: Args) -> Outcome {
    let root = crate::load::access_root(&args.path).map_err(usage)?;
    let (loaded, outcome) = validate::validate_dir(&root, today_or(args.today));
    let (diagnostics, sources) = (&outcome.diagnostics, &loaded.sources);
    let summary = || render::summary(diagnostics, outcome.files) + "\n";
    emit(&match args.format {
        Format::Json => render::json(diagnostics, sources, outcome.files) + "\n",
        Format::Text => render::text(diagnostics, sources) + &summary(),
        Format::Github => github::annotations(diagnostics, sources) + &summary(),
    })?;
    Ok(if outcome.has_errors() {
        EXIT_FAILURE
    } else {
        EXIT_OK
    })
}
