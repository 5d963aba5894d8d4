//! The command line: one file per subcommand, each with its `Args` and a
//! `run` that returns the process exit code. Exit codes follow one rule
//! everywhere: 0 success, 1 the command ran and found errors (or failed),
//! 2 the command was used wrongly (bad flags, missing paths).

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

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

/// Runs one parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    if !matches!(cli.command, Command::Emulator(_)) {
        init_logging();
    }
    let code = match cli.command {
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

/// The access folder a command-line path names ([`crate::load::access_root`]);
/// a path that names none is printed and answered with the usage exit code.
pub fn access_root(path: &std::path::Path) -> Result<std::path::PathBuf, u8> {
    crate::load::access_root(path).map_err(|e| {
        eprintln!("error: {e}");
        EXIT_USAGE
    })
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

/// Progress on stderr while users are read, when stderr is a terminal
/// (never in logs or pipes): one line rewritten in place, ended when done.
pub fn terminal_progress() -> crate::reconcile::Progress {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return crate::reconcile::Progress::default();
    }
    crate::reconcile::Progress::new(|what, done, of| {
        let step = (of / 100).max(1);
        if done == of || done % step == 0 {
            let end = if done == of { "\n" } else { "" };
            eprint!("\r{what}: {done} of {of}{end}");
        }
    })
}

/// Writes to stdout; a closed pipe is a failure, not a panic.
pub fn emit(text: &str) -> u8 {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => EXIT_OK,
        Err(_) => EXIT_FAILURE,
    }
}
