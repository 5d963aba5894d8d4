//! `alma-access sweep-inactive [PATH] (--staff-login-report FILE | --from-alma [--env ENV])`:
//! proposes suspending (R8) every active login that Alma's Staff Login
//! Report shows without a staff login for `inactivity_days`. The last
//! logins come from an exported report file or, with `--from-alma`, from
//! the API (`GET /users/staff-login-report` for the retention up to today,
//! with the environment's key, or the built-in emulator when no key is
//! set, as `plan` does); either way the same table goes through the same
//! sweep. Each such login file gets
//! `suspended: {since: TODAY, reason: inactivity, note: ...}` inserted as
//! text (the rest of the file is kept byte for byte), the edited repository
//! is validated, and the edits are committed on a new branch made from
//! HEAD (default `alma-access/sweep-inactive-TODAY`) whose message lists
//! who and why, ready for a pull request. Nothing is checked out; the
//! working tree is written only with `--write`. `--dry-run` shows the
//! proposal and writes no branch.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::lifecycle::ProposalArgs;
use super::{Format, Outcome, emit, fail, scope};
use crate::lifecycle::last_logins::ALMA_RETENTION_DAYS;
use crate::lifecycle::sweep::{self, Input, render};
use crate::reconcile::target::{Access, emulator_dir};

#[derive(Debug, clap::Args)]
#[command(after_help = sweep::HELP)]
#[command(group(
    clap::ArgGroup::new("input")
        .required(true)
        .args(["staff_login_report", "from_alma"])
))]
pub struct Args {
    /// The access folder (or a repository holding `access/`).
    #[arg(default_value = "access")]
    pub path: PathBuf,
    /// The exported Staff Login Report (.xlsx or .csv).
    #[arg(long, value_name = "FILE")]
    pub staff_login_report: Option<PathBuf>,
    /// Read the staff logins from the Alma API instead of a file (the report is dated today).
    #[arg(long)]
    pub from_alma: bool,
    /// With --from-alma: the environment to read (default: the first of default_environments).
    #[arg(
        long = "env",
        value_name = "ENV",
        conflicts_with = "staff_login_report"
    )]
    pub environment: Option<String>,
    /// The day the report was exported (YYYY-MM-DD), when the file does not say.
    #[arg(long, value_name = "DATE", conflicts_with = "from_alma")]
    pub report_date: Option<NaiveDate>,
    /// How many days of logins the report keeps (Alma's staff_login_ip_address_retention, at most 90).
    #[arg(long, value_name = "DAYS", default_value_t = ALMA_RETENTION_DAYS)]
    pub report_retention_days: u32,
    /// The day of the sweep, written as `suspended.since` (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE")]
    pub today: Option<NaiveDate>,
    #[command(flatten)]
    pub proposal: ProposalArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub fn run(args: Args) -> Outcome {
    let valid = scope::load(&args.path, args.today)?;
    let input = match &args.staff_login_report {
        Some(file) => sweep::from_file(file, args.report_date, valid.today).map_err(fail)?,
        None => from_alma(&args, &valid)?,
    };
    let today = valid.today;
    let branch = sweep::branch(args.proposal.branch.as_deref(), today).map_err(fail)?;
    let retention = args.report_retention_days;
    let made = sweep::propose(&valid.repo, &valid.root, &input, retention, today).map_err(fail)?;
    let (edits, message) = (&made.edits, &made.message);
    let proposal =
        args.proposal
            .deliver(&valid.root, edits, today, "swept files", &branch, message)?;
    let view = render::View {
        input: &input,
        made: &made,
        today,
        branch: &branch,
        proposal: proposal.as_ref(),
        dry_run: args.proposal.dry_run,
        written: args.proposal.write,
    };
    emit(&match args.format {
        Format::Text => render::text(&view),
        Format::Json => render::json(&view),
    })
}

/// The report read from Alma for the retention up to today.
fn from_alma(args: &Args, valid: &scope::Start) -> Result<Input, u8> {
    let retention = args.report_retention_days;
    let asked = args.environment.as_deref();
    let environment = sweep::alma_environment(&valid.repo, asked, retention).map_err(fail)?;
    let state = emulator_dir(valid.repo_root());
    let connection = valid.repo.institution.connection();
    let envs = std::slice::from_ref(&environment);
    scope::with_alma(valid, &connection, envs, Access::Read, async |alma| {
        let client = &alma[&environment];
        sweep::read_alma(client, &environment, valid.today, retention, &state).await
    })
}
