//! A sweep as shown: for people (text), or for machines (JSON, with the
//! branch, the files and the commit message, for a workflow to open the
//! pull request).

use chrono::NaiveDate;
use serde_json::{Value, json};

use super::{Input, Source};
use crate::lifecycle::inactivity::Finding;
use crate::lifecycle::propose::Proposal;

/// A sweep and what became of its proposal.
pub struct View<'a> {
    pub input: &'a Input,
    /// The sweep, its edits and their commit message.
    pub made: &'a super::Proposal,
    pub today: NaiveDate,
    /// The branch written, or that would be.
    pub branch: &'a str,
    pub proposal: Option<&'a Proposal>,
    pub dry_run: bool,
    /// Whether the edited files were also written into the working tree.
    pub written: bool,
}

/// The report line of the text output.
fn report_line(ctx: &View) -> String {
    let (s, report) = (&ctx.made.sweep, &ctx.input.report);
    let retention = if s.retention_covers {
        String::new()
    } else {
        format!(
            ": shorter than {} days, so logins missing from it are unknown, not inactive",
            s.inactivity_days
        )
    };
    match &ctx.input.source {
        Source::File(file) => format!(
            "Report: {} dated {}, {} users (columns `{}`, `{}`), retention {} days{retention}\n",
            file.display(),
            s.as_of,
            report.rows,
            report.id_column,
            report.last_login_column,
            s.retention_days,
        ),
        Source::Alma(alma) => format!(
            "Report: Alma's staff login report ({}, {}) from {} through {}: {} entries, {} users, \
             {} with only failed attempts (fields `{}`, `{}`; {} API calls), retention {} days{retention}\n",
            alma.environment,
            alma.endpoint,
            alma.fetched.from,
            alma.fetched.to,
            alma.fetched.entries,
            report.rows,
            alma.fetched.failed_only,
            report.id_column,
            report.last_login_column,
            alma.calls,
            s.retention_days,
        ),
    }
}

/// The sweep for people.
pub fn text(ctx: &View) -> String {
    let s = &ctx.made.sweep;
    let mut out = format!(
        "Inactivity sweep (R8) on {}: no staff login from {} through {} (inactivity_days: {})\n",
        ctx.today, s.window_start, s.as_of, s.inactivity_days
    );
    out.push_str(&report_line(ctx));
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
    out.push_str(&match (ctx.proposal, ctx.made.edits.is_empty()) {
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
    if ctx.written && !ctx.made.edits.is_empty() {
        out.push_str("The edited files were also written into the working tree.\n");
    }
    out
}

/// The report object of the JSON output.
fn report_json(ctx: &View) -> Value {
    let report = &ctx.input.report;
    let mut value = json!({
        "generated": report.generated,
        "users": report.rows,
        "id_column": report.id_column,
        "last_login_column": report.last_login_column,
    });
    let extra = match &ctx.input.source {
        Source::File(file) => json!({"source": "file", "file": file.display().to_string()}),
        Source::Alma(alma) => json!({
            "source": "alma",
            "environment": alma.environment,
            "endpoint": alma.endpoint,
            "login_date_from": alma.fetched.from,
            "login_date_to": alma.fetched.to,
            "entries": alma.fetched.entries,
            "failed_only": alma.fetched.failed_only,
            "pages": alma.fetched.pages,
            "api_calls": alma.calls,
        }),
    };
    if let (Value::Object(v), Value::Object(e)) = (&mut value, extra) {
        v.extend(e);
    }
    value
}

/// The sweep for machines.
pub fn json(ctx: &View) -> String {
    let value = json!({
        "today": ctx.today,
        "report": report_json(ctx),
        "sweep": ctx.made.sweep,
        "dry_run": ctx.dry_run,
        "branch": ctx.proposal.map(|p| json!({"name": p.branch, "commit": p.commit})),
        "files": ctx.made.edits.iter().map(|e| e.display.clone()).collect::<Vec<_>>(),
        "commit_message": ctx.made.message,
    });
    serde_json::to_string_pretty(&value).expect("json serializes") + "\n"
}
