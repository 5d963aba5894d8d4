//! The review report for people and for programs: a table of every
//! requirement (file, requirement, status, who approved or why not), then
//! why each one is needed and a one-line summary; or the report as JSON with
//! `satisfied`, `met` and `total` added. Output is deterministic.
//!
//! File names, handles, branch names and reasons built from file content
//! come from the pull request. In the text every such value goes through
//! [`printable`]: control characters (newlines, carriage returns, tabs,
//! ANSI escapes) and invisible or line-breaking Unicode are written as
//! escapes, so no value can start a line of its own. The last line is
//! always one of the tool's fixed summaries ([`summary`]), which is what a
//! commit status may quote.

use std::fmt::Write;

use serde::Serialize;

use super::{Report, Requirement};

/// The last line of the text when the pull request is blocked.
pub const BLOCKED_SUMMARY: &str =
    "Blocked: approvals are checked only for pull requests into the default branch.";
/// The last line of the text when no file needs an approval.
pub const NOTHING_SUMMARY: &str = "No file in this change needs an approval.";

/// The report as a table followed by the reasons and a summary.
pub fn text(report: &Report) -> String {
    let mut out = String::new();
    if let Some(blocked) = &report.blocked {
        let _ = writeln!(out, "BLOCKED: {}\n", printable(blocked));
    }
    let pr = report.pull_request.map_or_else(
        || "the change".to_string(),
        |n| format!("pull request #{n}"),
    );
    let _ = writeln!(
        out,
        "Approvals for {pr} by @{}, head {} ({} file{} changed)\n",
        printable(&report.author),
        printable(short(&report.head_sha)),
        report.files.len(),
        if report.files.len() == 1 { "" } else { "s" }
    );
    if !report.requirements.is_empty() {
        table(&mut out, &report.requirements);
        out.push_str("\nWhy:\n");
        for r in &report.requirements {
            let why = format!("{} | {}: {}", r.file, r.who, r.reason);
            let _ = writeln!(out, "  {}", printable(&why));
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{}", summary(report));
    out
}

/// The one-line summary: fixed text and numbers only, never a value from the pull request.
pub fn summary(report: &Report) -> String {
    if report.blocked.is_some() {
        return BLOCKED_SUMMARY.to_string();
    }
    let (met, total) = report.tally();
    if total == 0 {
        return NOTHING_SUMMARY.to_string();
    }
    format!(
        "{met} of {total} requirement{} met{}",
        if total == 1 { "" } else { "s" },
        if met == total {
            ".".to_string()
        } else {
            format!("; {} missing.", total - met)
        }
    )
}

fn table(out: &mut String, requirements: &[Requirement]) {
    let header = ["FILE", "REQUIREMENT", "STATUS", "APPROVED BY / WHY NOT"].map(String::from);
    let rows: Vec<[String; 4]> = requirements
        .iter()
        .map(|r| {
            [
                printable(&r.file),
                printable(&r.who.to_string()),
                if r.is_met() { "met" } else { "MISSING" }.to_string(),
                printable(&detail(r)),
            ]
        })
        .collect();
    let mut widths = [0; 4];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i == 3 {
                line.push_str(cell);
            } else {
                let _ = write!(line, "{cell:<width$}  ", width = widths[i]);
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
}

/// Who approved, or what is missing and which approvals do not count.
fn detail(r: &Requirement) -> String {
    let mut parts = Vec::new();
    if r.is_met() {
        parts.push(handles(&r.met_by));
    } else {
        let candidates = r.who.handles();
        parts.push(match candidates.len() {
            0 => "nobody can approve (see why)".to_string(),
            1 => format!("waiting for @{}", candidates[0]),
            _ => format!("waiting for one of {}", handles(&candidates)),
        });
    }
    for e in &r.excluded {
        parts.push(format!("@{} does not count: {}", e.handle, e.why));
    }
    if let Some(note) = r.unmeetable.as_ref().filter(|_| !r.is_met()) {
        parts.push(note.clone());
    }
    parts.join("; ")
}

fn handles(list: &[String]) -> String {
    list.iter()
        .map(|h| format!("@{h}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn short(sha: &str) -> &str {
    match sha.char_indices().nth(7) {
        Some((i, _)) => &sha[..i],
        None => sha,
    }
}

/// `text` on one line, showing what it holds: [`crate::text::line`].
pub fn printable(text: &str) -> String {
    crate::text::line(text).into_owned()
}

#[derive(Serialize)]
struct Json<'a> {
    satisfied: bool,
    met: usize,
    total: usize,
    #[serde(flatten)]
    report: &'a Report,
}

/// The report as pretty JSON.
pub fn json(report: &Report) -> String {
    let (met, total) = report.tally();
    serde_json::to_string_pretty(&Json {
        satisfied: report.is_satisfied(),
        met,
        total,
        report,
    })
    .expect("reports serialize")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(printable("a\nb\r\tc"), "a\\nb\\r\\tc");
        assert_eq!(printable("\u{1b}[2J"), "\\u{1b}[2J");
        assert_eq!(
            printable("x\u{202e}y\u{2028}z\u{85}"),
            "x\\u{202e}y\\u{2028}z\\u{85}"
        );
        assert_eq!(printable("a\\nb"), "a\\\\nb");
        assert_eq!(printable("plain `text` @x <b>"), "plain `text` @x <b>");
    }
}
