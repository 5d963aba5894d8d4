//! The review report for people and for programs: a table of every
//! requirement (file, requirement, status, who approved or why not), then
//! why each one is needed and a one-line summary; or the report as JSON with
//! `satisfied`, `met` and `total` added. Output is deterministic.

use std::fmt::Write;

use serde::Serialize;

use super::{Report, Requirement};

/// The report as a table followed by the reasons and a summary.
pub fn text(report: &Report) -> String {
    let mut out = String::new();
    let pr = report.pull_request.map_or_else(
        || "the change".to_string(),
        |n| format!("pull request #{n}"),
    );
    let _ = writeln!(
        out,
        "Approvals for {pr} by @{}, head {} ({} file{} changed)\n",
        report.author,
        short(&report.head_sha),
        report.files.len(),
        if report.files.len() == 1 { "" } else { "s" }
    );
    if report.requirements.is_empty() {
        out.push_str("No file in this change needs an approval.\n");
        return out;
    }
    let header = ["FILE", "REQUIREMENT", "STATUS", "APPROVED BY / WHY NOT"];
    let rows: Vec<[String; 4]> = report
        .requirements
        .iter()
        .map(|r| {
            [
                r.file.clone(),
                r.who.to_string(),
                if r.is_met() { "met" } else { "MISSING" }.to_string(),
                detail(r),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 4]| {
        let mut s = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i == 3 {
                s.push_str(cell);
            } else {
                let _ = write!(s, "{cell:<width$}  ", width = widths[i]);
            }
        }
        s.trim_end().to_string()
    };
    let _ = writeln!(out, "{}", line(header));
    for row in &rows {
        let _ = writeln!(out, "{}", line([&row[0], &row[1], &row[2], &row[3]]));
    }
    out.push_str("\nWhy:\n");
    for r in &report.requirements {
        let _ = writeln!(out, "  {} | {}: {}", r.file, r.who, r.reason);
    }
    let (met, total) = report.tally();
    let _ = writeln!(
        out,
        "\n{met} of {total} requirement{} met{}",
        if total == 1 { "" } else { "s" },
        if met == total {
            ".".to_string()
        } else {
            format!("; {} missing.", total - met)
        }
    );
    out
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
    &sha[..sha.len().min(7)]
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
