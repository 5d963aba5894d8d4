//! `alma-access sweep-inactive [PATH] --staff-login-report FILE`: proposes
//! suspending (R8) every active login that Alma's Staff Login Report shows
//! without a staff login for `inactivity_days`. Each such login file gets
//! `suspended: {since: TODAY, reason: inactivity, note: ...}` inserted as
//! text (the rest of the file is kept byte for byte), the edited repository
//! is validated, and the edits are committed on a new branch made from
//! HEAD (default `alma-access/sweep-inactive-TODAY`) whose message lists
//! who and why, ready for a pull request. Nothing is checked out; the
//! working tree is written only with `--write`. `--dry-run` shows the
//! proposal and writes no branch.

use std::path::PathBuf;

use chrono::NaiveDate;
use serde_json::json;

use super::emit;
use super::lifecycle::ProposalArgs;
use super::scope;
use super::{EXIT_FAILURE, EXIT_USAGE, Format};
use crate::lifecycle::edit::{self, NewValue};
use crate::lifecycle::inactivity::{self, Evidence, Finding, Sweep};
use crate::lifecycle::login_report::{self, LoginReport};
use crate::lifecycle::propose::{self, FileEdit, Proposal};

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
unknown and left alone.";

#[derive(Debug, clap::Args)]
#[command(after_help = COLUMNS)]
pub struct Args {
    /// The access folder (or a repository holding `access/`).
    #[arg(default_value = "access")]
    pub path: PathBuf,
    /// The exported Staff Login Report (.xlsx or .csv).
    #[arg(long, value_name = "FILE")]
    pub staff_login_report: PathBuf,
    /// The day the report was exported (YYYY-MM-DD), when the file does not say.
    #[arg(long, value_name = "DATE")]
    pub report_date: Option<NaiveDate>,
    /// How many days of logins the report keeps (Alma's staff_login_ip_address_retention, at most 90).
    #[arg(long, value_name = "DAYS", default_value_t = 90)]
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

pub fn run(args: Args) -> u8 {
    let valid = match scope::load(&args.path, args.today) {
        Ok(valid) => valid,
        Err(code) => return code,
    };
    let today = valid.today;
    let report = match login_report::read(&args.staff_login_report) {
        Ok(report) => report,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };
    let Some(as_of) = args.report_date.or(report.generated) else {
        eprintln!(
            "error: the report does not say when it was generated; pass --report-date DATE (the day it was exported)"
        );
        return EXIT_USAGE;
    };
    if as_of > today {
        eprintln!("error: the report's date {as_of} is after today ({today})");
        return EXIT_USAGE;
    }
    if report.rows == 0 {
        eprintln!("error: the report lists no users; export it again");
        return EXIT_FAILURE;
    }
    let sweep = inactivity::sweep(
        &valid.repo,
        &report,
        as_of,
        args.report_retention_days,
        today,
    );
    if sweep.in_report == 0 && !valid.repo.logins.is_empty() {
        eprintln!(
            "error: none of the report's {} users is a login of this repository; check that column `{}` holds Alma primary identifiers",
            report.rows, report.id_column
        );
        return EXIT_FAILURE;
    }
    let branch = args
        .proposal
        .branch
        .clone()
        .unwrap_or_else(|| format!("alma-access/sweep-inactive-{today}"));
    if let Err(message) = propose::check_branch_name(&branch) {
        eprintln!("error: {message}");
        return EXIT_USAGE;
    }
    let mut edits = Vec::new();
    for finding in &sweep.inactive {
        let Some(login) = valid.repo.login(&finding.login.primary_id) else {
            continue;
        };
        let block = suspension(today, as_of, &finding.evidence);
        match propose::edit_login(&valid.root, login, |text| {
            edit::set_top_level(text, "suspended", &block)
        }) {
            Ok(edit) => edits.push(edit),
            Err(message) => {
                eprintln!("error: {message}");
                return EXIT_FAILURE;
            }
        }
    }
    let message = commit_message(&sweep, &report, today);
    let proposal =
        match args
            .proposal
            .deliver(&valid.root, &edits, today, "swept files", &branch, &message)
        {
            Ok(proposal) => proposal,
            Err(code) => return code,
        };
    let ctx = Context {
        args: &args,
        report: &report,
        sweep: &sweep,
        today,
        branch: &branch,
        proposal: proposal.as_ref(),
        edits: &edits,
    };
    let out = match args.format {
        Format::Text => text(&ctx),
        Format::Json => json(&ctx),
    };
    emit(&out)
}

/// The `suspended` block written into a login file.
fn suspension(today: NaiveDate, as_of: NaiveDate, evidence: &Evidence) -> NewValue {
    let seen = match evidence {
        Evidence::LastLogin { on } => format!("last staff login {on}"),
        _ => "no staff login recorded".into(),
    };
    NewValue::Block(vec![
        ("since".into(), today.to_string()),
        ("reason".into(), "inactivity".into()),
        (
            "note".into(),
            format!("\"{seen} (Staff Login Report of {as_of})\""),
        ),
    ])
}

fn line(f: &Finding) -> String {
    format!(
        "{}, {}, {}: {}",
        f.login.primary_id,
        f.login.name,
        f.login.unit,
        f.evidence.describe()
    )
}

/// The commit message: a title, the evidence, and one line per login.
pub fn commit_message(sweep: &Sweep, report: &LoginReport, today: NaiveDate) -> String {
    let n = sweep.inactive.len();
    let mut out = format!(
        "Suspend {n} login{} without a staff login in {} days (R8)\n\n",
        if n == 1 { "" } else { "s" },
        sweep.inactivity_days
    );
    out.push_str(&format!(
        "No staff login from {} through {}, by the Staff Login\n\
         Report of {} ({} users, retention {} days):\n\n",
        sweep.window_start, sweep.as_of, sweep.as_of, report.rows, sweep.retention_days
    ));
    for f in &sweep.inactive {
        out.push_str(&format!("- {}\n", line(f)));
    }
    out.push_str(&format!(
        "\nProposed by `alma-access sweep-inactive` on {today}. Merging this\n\
         suspends their roles (R7); to restore a login later, remove its\n\
         `suspended` block in a reviewed change.\n"
    ));
    out
}

struct Context<'a> {
    args: &'a Args,
    report: &'a LoginReport,
    sweep: &'a Sweep,
    today: NaiveDate,
    branch: &'a str,
    proposal: Option<&'a Proposal>,
    edits: &'a [FileEdit],
}

fn text(ctx: &Context) -> String {
    let s = ctx.sweep;
    let mut out = format!(
        "Inactivity sweep (R8) on {}: no staff login from {} through {} (inactivity_days: {})\n",
        ctx.today, s.window_start, s.as_of, s.inactivity_days
    );
    out.push_str(&format!(
        "Report: {} dated {}, {} users (columns `{}`, `{}`), retention {} days{}\n",
        ctx.args.staff_login_report.display(),
        s.as_of,
        ctx.report.rows,
        ctx.report.id_column,
        ctx.report.last_login_column,
        s.retention_days,
        if s.retention_covers {
            String::new()
        } else {
            format!(
                ": shorter than {} days, so logins missing from it are unknown, not inactive",
                s.inactivity_days
            )
        }
    ));
    if s.as_of < ctx.today {
        out.push_str(&format!(
            "Note: the report is {} days old; logins after {} are not in it.\n",
            (ctx.today - s.as_of).num_days(),
            s.as_of
        ));
    }
    let section = |out: &mut String, title: &str, list: &[Finding], why: bool| {
        out.push_str(&format!("\n{title} ({}):\n", list.len()));
        if list.is_empty() {
            out.push_str("  none\n");
        }
        for f in list {
            let what = match (title, why) {
                ("Not judged", _) => f.why.clone(),
                (_, true) => format!("{}; {}", f.evidence.describe(), f.why),
                (_, false) => format!("{}; {}", f.evidence.describe(), f.login.file),
            };
            out.push_str(&format!(
                "  {} {} ({}): {what}\n",
                f.login.primary_id, f.login.name, f.login.unit,
            ));
        }
    };
    section(&mut out, "To suspend", &s.inactive, false);
    section(&mut out, "Unknown, left alone", &s.unknown, true);
    section(&mut out, "Not judged", &s.not_judged, true);
    out.push_str(&format!(
        "\nLogged in within the window: {}\n\n",
        s.active.len()
    ));
    out.push_str(&match (ctx.proposal, ctx.edits.is_empty()) {
        (_, true) => "Nothing to propose: no branch written.\n".to_string(),
        (Some(p), false) => format!(
            "Branch {} (commit {}): open a pull request from it; merging it suspends these logins (R8).\n",
            p.branch,
            &p.commit[..p.commit.len().min(12)]
        ),
        (None, false) => format!(
            "Dry run: no branch written (it would be {}).\n",
            ctx.branch
        ),
    });
    if ctx.args.proposal.write && !ctx.edits.is_empty() {
        out.push_str("The edited files were also written into the working tree.\n");
    }
    out
}

fn json(ctx: &Context) -> String {
    let value = json!({
        "today": ctx.today,
        "report": {
            "file": ctx.args.staff_login_report.display().to_string(),
            "generated": ctx.report.generated,
            "users": ctx.report.rows,
            "id_column": ctx.report.id_column,
            "last_login_column": ctx.report.last_login_column,
        },
        "sweep": ctx.sweep,
        "dry_run": ctx.args.proposal.dry_run,
        "branch": ctx.proposal.map(|p| json!({"name": p.branch, "commit": p.commit})),
        "files": ctx.edits.iter().map(|e| e.display.clone()).collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&value).expect("json serializes") + "\n"
}
