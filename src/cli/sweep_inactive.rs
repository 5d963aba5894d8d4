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
use super::target::{self, Access};
use super::{EXIT_FAILURE, EXIT_USAGE, Format, emit, scope};
use crate::alma::AlmaRead;
use crate::lifecycle::inactivity;
use crate::lifecycle::last_logins::{self, ALMA_RETENTION_DAYS, Fetched};
use crate::lifecycle::login_report::{self, LoginReport};
use crate::lifecycle::suspend;

mod output;

/// What the report must hold, shown after the options in `--help`.
pub const COLUMNS: &str = "\
The Staff Login Report: in Alma, Configuration > General > Staff Login Report,
Export List > \"Excel (current view)\"; XLSX or CSV (told apart by content, then
extension). The first row (of the first 50) naming both columns is the header;
case, spaces, underscores and a (suffix) are ignored:
  user        Primary Identifier | Primary ID | User ID | User Identifier |
              Identifier  (User Name | Username only when none of these is there)
  last login  Last Login | Last Login Date | Last Login Time |
              Last Login Date and Time | Last Logged In | Login Date
              an XLSX date cell, or YYYY-MM-DD, YYYY-MM-DD HH:MM:SS, ISO date-time,
              MM/DD/YYYY [HH:MM[:SS] [AM|PM]]; blank or - : no login within the
              report's retention
Other columns are ignored. The report's date: a line above the header such as
`Report generated: 2026-11-23` (or Report date, Run date, Exported, As of), or
--report-date. A login counts as inactive with no login in the inactivity_days
up to the report's date; users missing from the report (or without a date) count
only when --report-retention-days >= inactivity_days, else they are listed as
unknown and left alone.

With --from-alma the report is read from the Alma API instead
(GET /users/staff-login-report, login_date_from = today - --report-retention-days
(at most 90), login_date_to = today, 100 entries a page), with the key in the
environment's api_key_env (read-only suffices), or the built-in emulator when it
is not set. Each user's last successful login counts; a user with only failed
attempts is listed without a login. The report is dated today.";

#[derive(Debug, clap::Args)]
#[command(after_help = COLUMNS)]
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

/// The last logins, their date, and where they came from.
struct Input {
    report: LoginReport,
    as_of: NaiveDate,
    source: Source,
}

enum Source {
    File(PathBuf),
    Alma(Box<FromAlma>),
}

/// What was read from Alma, besides the table.
struct FromAlma {
    environment: String,
    endpoint: String,
    fetched: Fetched,
    calls: u64,
}

pub fn run(args: Args) -> u8 {
    let valid = match scope::load(&args.path, args.today) {
        Ok(valid) => valid,
        Err(code) => return code,
    };
    let input = match &args.staff_login_report {
        Some(file) => from_file(&args, file, valid.today),
        None => from_alma(&args, &valid),
    };
    match input.and_then(|input| propose(&args, &valid, &input)) {
        Ok(code) | Err(code) => code,
    }
}

fn fail(code: u8, message: &str) -> u8 {
    eprintln!("error: {message}");
    code
}

/// The exported report, checked.
fn from_file(args: &Args, file: &std::path::Path, today: NaiveDate) -> Result<Input, u8> {
    let report = login_report::read(file).map_err(|m| fail(EXIT_USAGE, &m))?;
    let as_of = args.report_date.or(report.generated).ok_or_else(|| {
        fail(
            EXIT_USAGE,
            "the report does not say when it was generated; pass --report-date DATE (the day it was exported)",
        )
    })?;
    if as_of > today {
        let message = format!("the report's date {as_of} is after today ({today})");
        return Err(fail(EXIT_USAGE, &message));
    }
    if report.rows == 0 {
        return Err(fail(
            EXIT_FAILURE,
            "the report lists no users; export it again",
        ));
    }
    Ok(Input {
        report,
        as_of,
        source: Source::File(file.to_path_buf()),
    })
}

/// The report read from Alma for the retention up to today.
fn from_alma(args: &Args, valid: &scope::Start) -> Result<Input, u8> {
    let inst = &valid.repo.institution;
    let environment = match &args.environment {
        Some(env) if inst.environments.contains_key(env) => env.clone(),
        Some(env) => {
            let known: Vec<&str> = inst.environments.keys().map(String::as_str).collect();
            let message = format!(
                "unknown environment `{env}`; institution.yaml defines: {}",
                known.join(", ")
            );
            return Err(fail(EXIT_USAGE, &message));
        }
        None => inst
            .default_environments
            .first()
            .or_else(|| inst.environments.keys().next())
            .cloned()
            .ok_or_else(|| fail(EXIT_USAGE, "institution.yaml defines no environment"))?,
    };
    if args.report_retention_days > ALMA_RETENTION_DAYS {
        let message = format!(
            "--report-retention-days {}: Alma keeps staff logins for at most {ALMA_RETENTION_DAYS} days",
            args.report_retention_days
        );
        return Err(fail(EXIT_USAGE, &message));
    }
    let today = valid.today;
    let read = scope::runtime().block_on(async {
        let targets = target::connect(
            &valid.repo,
            &inst.connection(),
            std::slice::from_ref(&environment),
            valid.repo_root(),
            Access::Read,
            today,
        )
        .await?;
        let client = &targets.clients[&environment];
        let fetched = last_logins::fetch(client, today, args.report_retention_days).await;
        let (endpoint, calls) = (client.endpoint(), client.usage().calls);
        targets.close().await;
        fetched
            .map(|f| (f, endpoint, calls))
            .map_err(|e| e.to_string())
    });
    let (mut fetched, endpoint, calls) = read.map_err(|m| fail(EXIT_FAILURE, &m))?;
    if fetched.entries == 0 {
        let message = format!(
            "Alma's staff login report ({environment}) lists no login from {} through {}: \
             nothing is judged on an empty report. (The built-in emulator's state may predate \
             staff logins: delete {} to seed it afresh.)",
            fetched.from,
            fetched.to,
            target::emulator_dir(valid.repo_root()).display()
        );
        return Err(fail(EXIT_FAILURE, &message));
    }
    Ok(Input {
        report: std::mem::take(&mut fetched.report),
        as_of: today,
        source: Source::Alma(Box::new(FromAlma {
            environment,
            endpoint,
            fetched,
            calls,
        })),
    })
}

/// The sweep of the table, its edits and the branch; then the output.
fn propose(args: &Args, valid: &scope::Start, input: &Input) -> Result<u8, u8> {
    let today = valid.today;
    let report = &input.report;
    let retention = args.report_retention_days;
    let sweep = inactivity::sweep(&valid.repo, report, input.as_of, retention, today);
    if sweep.in_report == 0 && !valid.repo.logins.is_empty() {
        let message = format!(
            "none of the report's {} users is a login of this repository; check that `{}` holds Alma primary identifiers",
            report.rows, report.id_column
        );
        return Err(fail(EXIT_FAILURE, &message));
    }
    let branch = args
        .proposal
        .branch
        .clone()
        .unwrap_or_else(|| format!("alma-access/sweep-inactive-{today}"));
    crate::lifecycle::propose::check_branch_name(&branch).map_err(|m| fail(EXIT_USAGE, &m))?;
    let edits = suspend::edits(&valid.root, &valid.repo, &sweep, today)
        .map_err(|m| fail(EXIT_FAILURE, &m))?;
    let message = suspend::commit_message(&sweep, &evidence(input, retention), today);
    let proposal =
        args.proposal
            .deliver(&valid.root, &edits, today, "swept files", &branch, &message)?;
    let ctx = output::Context {
        args,
        input,
        sweep: &sweep,
        today,
        branch: &branch,
        proposal: proposal.as_ref(),
        edits: &edits,
        message: &message,
    };
    Ok(emit(&output::render(&ctx)))
}

/// Where the logins came from, for the commit message.
fn evidence(input: &Input, retention: u32) -> String {
    let users = input.report.rows;
    match &input.source {
        Source::File(_) => format!(
            "Staff Login Report of {} ({users} users, retention {retention} days)",
            input.as_of
        ),
        Source::Alma(alma) => format!(
            "Staff Login Report of {} from the Alma API\n({}: {users} users in {} entries \
             since {}, retention {retention} days)",
            input.as_of, alma.environment, alma.fetched.entries, alma.fetched.from
        ),
    }
}
