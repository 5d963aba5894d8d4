//! The inactivity sweep (R8) as one job, whichever input gives the last
//! logins: an exported Staff Login Report (checked: dated, not after the
//! sweep, not empty) or the report read from the Alma API (checked: an
//! environment the institution has, a retention Alma keeps, something
//! read). The same table then goes through the same sweep; the edits (a
//! `suspended` block in each inactive login's file) and the commit message
//! that lists who and why make the proposal. [`render`] shows it.

pub mod render;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::inactivity::{self, Sweep};
use super::last_logins::{self, ALMA_RETENTION_DAYS, FetchError, Fetched};
use super::login_report::{self, LoginReport, ReportError};
use super::propose::{self, FileEdit, ProposeError};
use super::suspend;
use crate::alma::AlmaRead;
use crate::model::AccessRepo;
use crate::model::institution::EnvironmentError;

/// What the report must hold and how it is read, for `sweep-inactive --help`.
pub const HELP: &str = "\
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

/// Why a sweep cannot be made. [`SweepError::is_usage`] tells a mistake in
/// what was asked from a failure.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error(
        "the report does not say when it was generated; pass --report-date DATE (the day it was exported)"
    )]
    Undated,
    #[error("the report's date {as_of} is after today ({today})")]
    FromTheFuture { as_of: NaiveDate, today: NaiveDate },
    #[error("the report lists no users; export it again")]
    NoUsers,
    #[error(transparent)]
    Environment(#[from] EnvironmentError),
    #[error(
        "--report-retention-days {days}: Alma keeps staff logins for at most {ALMA_RETENTION_DAYS} days"
    )]
    Retention { days: u32 },
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error(
        "Alma's staff login report ({environment}) lists no login from {from} through {to}: \
         nothing is judged on an empty report. (The built-in emulator's state may predate staff \
         logins: delete {} to seed it afresh.)", emulator_state.display()
    )]
    NothingFromAlma {
        environment: String,
        from: NaiveDate,
        to: NaiveDate,
        emulator_state: PathBuf,
    },
    #[error(
        "none of the report's {rows} users is a login of this repository; check that `{column}` \
         holds Alma primary identifiers"
    )]
    NoLoginInReport { rows: usize, column: String },
    #[error(transparent)]
    Propose(#[from] ProposeError),
}

impl SweepError {
    /// Whether the command was asked something it cannot do (exit 2)
    /// rather than failing at it.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            SweepError::Report(_)
                | SweepError::Undated
                | SweepError::FromTheFuture { .. }
                | SweepError::Environment(_)
                | SweepError::Retention { .. }
                | SweepError::Propose(ProposeError::Git(crate::git::GitError::Refused(_)))
        )
    }
}

/// The last logins, their date, and where they came from.
#[derive(Debug)]
pub struct Input {
    pub report: LoginReport,
    pub as_of: NaiveDate,
    pub source: Source,
}

#[derive(Debug)]
pub enum Source {
    File(PathBuf),
    Alma(Box<FromAlma>),
}

/// What was read from Alma, besides the table.
#[derive(Debug)]
pub struct FromAlma {
    pub environment: String,
    pub endpoint: String,
    pub fetched: Fetched,
    pub calls: u64,
}

/// The exported report at `file`, dated by the file or `report_date`.
pub fn from_file(
    file: &Path,
    report_date: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<Input, SweepError> {
    let report = login_report::read(file).map_err(SweepError::Report)?;
    let as_of = report_date
        .or(report.generated)
        .ok_or(SweepError::Undated)?;
    if as_of > today {
        return Err(SweepError::FromTheFuture { as_of, today });
    }
    if report.rows == 0 {
        return Err(SweepError::NoUsers);
    }
    Ok(Input {
        report,
        as_of,
        source: Source::File(file.to_path_buf()),
    })
}

/// The days of logins asked of Alma, which keeps at most 90.
pub fn check_retention(days: u32) -> Result<(), SweepError> {
    if days > ALMA_RETENTION_DAYS {
        return Err(SweepError::Retention { days });
    }
    Ok(())
}

/// The environment whose report is read from Alma (the one `asked`
/// for, or the first default), with the `retention` days checked.
pub fn alma_environment(
    repo: &AccessRepo,
    asked: Option<&str>,
    retention: u32,
) -> Result<String, SweepError> {
    let environment = repo.institution.environment(asked)?;
    check_retention(retention)?;
    Ok(environment)
}

/// Reads the report of `environment` from `alma` for the `retention` days
/// up to `today` ([`last_logins::fetch`]), as [`from_alma`] takes it.
pub async fn read_alma(
    alma: &impl AlmaRead,
    environment: &str,
    today: NaiveDate,
    retention: u32,
    emulator_state: &Path,
) -> Result<Input, SweepError> {
    let fetched = last_logins::fetch(alma, today, retention).await?;
    let read = FromAlma {
        environment: environment.to_string(),
        endpoint: alma.endpoint(),
        fetched,
        calls: alma.usage().calls,
    };
    from_alma(read, today, emulator_state)
}

/// The report read from Alma, dated `today`; an empty one judges nothing.
/// `emulator_state` is named in the error, for the built-in emulator.
pub fn from_alma(
    mut alma: FromAlma,
    today: NaiveDate,
    emulator_state: &Path,
) -> Result<Input, SweepError> {
    if alma.fetched.entries == 0 {
        return Err(SweepError::NothingFromAlma {
            environment: alma.environment,
            from: alma.fetched.from,
            to: alma.fetched.to,
            emulator_state: emulator_state.to_path_buf(),
        });
    }
    Ok(Input {
        report: std::mem::take(&mut alma.fetched.report),
        as_of: today,
        source: Source::Alma(Box::new(alma)),
    })
}

/// The branch a sweep is proposed on: the one `asked` for, or
/// `alma-access/sweep-inactive-TODAY`; a name git refuses is wrong usage.
pub fn branch(asked: Option<&str>, today: NaiveDate) -> Result<String, SweepError> {
    let branch = asked.map_or_else(
        || format!("alma-access/sweep-inactive-{today}"),
        str::to_string,
    );
    propose::check_branch_name(&branch).map_err(ProposeError::from)?;
    Ok(branch)
}

/// What a sweep proposes.
#[derive(Debug)]
pub struct Proposal {
    pub sweep: Sweep,
    pub edits: Vec<FileEdit>,
    pub message: String,
}

/// Sweeps `input` over the repository read from `root`: the edits of the
/// inactive logins' files and the commit message listing who and why.
pub fn propose(
    repo: &AccessRepo,
    root: &Path,
    input: &Input,
    retention: u32,
    today: NaiveDate,
) -> Result<Proposal, SweepError> {
    let report = &input.report;
    let sweep = inactivity::sweep(repo, report, input.as_of, retention, today);
    if sweep.in_report == 0 && !repo.logins.is_empty() {
        return Err(SweepError::NoLoginInReport {
            rows: report.rows,
            column: report.id_column.clone(),
        });
    }
    let edits = suspend::edits(root, repo, &sweep, today)?;
    let message = suspend::commit_message(&sweep, &evidence(input, retention), today);
    Ok(Proposal {
        sweep,
        edits,
        message,
    })
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

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::branch;

    #[test]
    fn the_branch_is_named_for_the_day_unless_asked_and_checked() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let made = branch(None, day).unwrap();
        assert_eq!(made, "alma-access/sweep-inactive-2026-11-23");
        assert_eq!(branch(Some("mine"), day).unwrap(), "mine");
        let refused = branch(Some("bad..name"), day).unwrap_err();
        assert!(refused.is_usage(), "{refused}");
    }
}
