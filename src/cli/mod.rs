//! The command line: one file per subcommand, each with its `Args` and a
//! `run` that returns the process exit code ([`Outcome`]). Exit codes
//! follow one rule everywhere: 0 success, 1 the command ran and found
//! errors (or failed), 2 the command was used wrongly (bad flags, missing
//! paths); a stage's error says which ([`Failure`]) and [`fail`] prints it.

use std::fmt::Display;
use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::editor_schemas::job::PrepareError;
use crate::emulator::process::ProcessError;
use crate::lifecycle::propose::ProposeError;
use crate::lifecycle::recert::RecertError;
use crate::lifecycle::sweep::SweepError;
use crate::reconcile::apply::run::RunError;
use crate::reconcile::select::SelectError;
use crate::validate::OpenError;

pub mod apply;
pub mod approvals;
pub mod codeowners;
pub mod emulator;
pub mod explain;
pub mod import;
pub mod lifecycle;
pub mod plan;
pub mod report;
pub mod review;
pub mod schemas;
pub(crate) mod scope;
pub mod sweep_inactive;
pub mod validate;

/// Access-as-code for Ex Libris Alma staff logins.
#[derive(Debug, Parser)]
#[command(name = "alma-access", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the access repository against its schemas and the institution's policy.
    Validate(validate::Args),
    /// Show what would change in Alma, and why.
    Plan(plan::Args),
    /// Make Alma match the repository (a dry run unless --confirm).
    Apply(apply::Args),
    /// Explain a diagnostic code, or list them all.
    Explain(explain::Args),
    /// Serve an emulated Alma Users API from a JSON state file.
    Emulator(emulator::Args),
    /// Check that a pull request has the approvals its changes need (rules A1-A5).
    Approvals(approvals::Args),
    /// Generate .github/CODEOWNERS from units.yaml and the systems group, or check it is fresh.
    Codeowners(codeowners::Args),
    /// Generate the institution's editor schemas (completion of role types, levels, codes), or check they are fresh.
    Schemas(schemas::Args),
    /// Write login files for the staff users an Alma environment already has.
    Import(import::Args),
    /// Write a self-contained HTML access report for auditors.
    Report(report::Args),
    /// List what the calendar changes today and in the next days, and what waits for someone (R4-R7).
    Lifecycle(lifecycle::Args),
    /// Propose suspending logins without a staff login for inactivity_days, from Alma's Staff Login Report (R8).
    SweepInactive(sweep_inactive::Args),
    /// Re-certify a unit's logins: list their grants, or confirm them to move review_by.
    Review(review::Args),
}

/// How a report-like command prints: text for people, JSON for machines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: the command ran and found errors, or failed.
pub const EXIT_FAILURE: u8 = 1;
/// Exit code: the command was used wrongly.
pub const EXIT_USAGE: u8 = 2;

/// What a command returns: the exit code of a run that went to its end,
/// or (`Err`) of one that stopped, its error already printed.
pub type Outcome = Result<u8, u8>;

/// Runs one parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    if !matches!(cli.command, Command::Emulator(_)) {
        init_logging();
    }
    let (Ok(code) | Err(code)) = match cli.command {
        Command::Validate(args) => validate::run(args),
        Command::Plan(args) => plan::run(args),
        Command::Apply(args) => apply::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Emulator(args) => emulator::run(args),
        Command::Approvals(args) => approvals::run(args),
        Command::Codeowners(args) => codeowners::run(args),
        Command::Schemas(args) => schemas::run(args),
        Command::Import(args) => import::run(args),
        Command::Report(args) => report::run(args),
        Command::Lifecycle(args) => lifecycle::run(args),
        Command::SweepInactive(args) => sweep_inactive::run(args),
        Command::Review(args) => review::run(args),
    };
    ExitCode::from(code)
}

/// An error a command prints, and the exit code it gives.
pub trait Failure: Display {
    /// Whether the command was used wrongly (exit 2) rather than failing (exit 1).
    fn is_usage(&self) -> bool;
    /// What is printed before the `error:` line: rendered diagnostics.
    fn detail(&self) -> Option<&str> {
        None
    }
}

/// Prints a failure (its detail, then `error: ...`); returns its exit code.
pub fn fail(e: impl Failure) -> u8 {
    if let Some(detail) = e.detail() {
        eprint!("{detail}");
    }
    eprintln!("error: {e}");
    if e.is_usage() {
        EXIT_USAGE
    } else {
        EXIT_FAILURE
    }
}

/// Prints `error: ...`; returns the exit code of a command that failed.
pub fn failed(e: impl Display) -> u8 {
    eprintln!("error: {e}");
    EXIT_FAILURE
}

/// Prints `error: ...`; returns the exit code of a command used wrongly.
pub fn usage(e: impl Display) -> u8 {
    eprintln!("error: {e}");
    EXIT_USAGE
}

/// The errors that say themselves whether they are wrong usage.
macro_rules! usage_when {
    ($($error:ty),*) => {$(
        impl Failure for $error {
            fn is_usage(&self) -> bool {
                <$error>::is_usage(self)
            }
        }
    )*};
}
usage_when!(SweepError, RunError, SelectError, ProcessError);

impl Failure for OpenError {
    fn is_usage(&self) -> bool {
        matches!(self, OpenError::Root(_))
    }
    fn detail(&self) -> Option<&str> {
        match self {
            OpenError::Invalid { diagnostics, .. } => Some(diagnostics),
            OpenError::Root(_) => None,
        }
    }
}

impl Failure for ProposeError {
    fn is_usage(&self) -> bool {
        false
    }
    fn detail(&self) -> Option<&str> {
        match self {
            ProposeError::Invalid { diagnostics, .. } => Some(diagnostics),
            _ => None,
        }
    }
}

impl Failure for PrepareError {
    fn is_usage(&self) -> bool {
        false
    }
    fn detail(&self) -> Option<&str> {
        match self {
            PrepareError::Invalid { diagnostics } => Some(diagnostics),
            _ => None,
        }
    }
}

impl Failure for RecertError {
    fn is_usage(&self) -> bool {
        !matches!(self, RecertError::Propose(_))
    }
}

/// The date to evaluate rules against: the one given, or today's local date.
pub fn today_or(given: Option<chrono::NaiveDate>) -> chrono::NaiveDate {
    given.unwrap_or_else(|| chrono::Local::now().date_naive())
}

/// Logs go to stderr; `ALMA_ACCESS_LOG` (e.g. `info`, `debug`) sets the level, default `warn`.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ALMA_ACCESS_LOG")
        .unwrap_or_else(|_| "warn".into());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Writes to stdout; a closed pipe is a failure, not a panic.
pub fn emit(text: &str) -> Outcome {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(EXIT_OK),
        Err(_) => Err(EXIT_FAILURE),
    }
}

/// A value as pretty JSON, ended by a newline.
pub fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value).expect("JSON values serialize") + "\n"
}
