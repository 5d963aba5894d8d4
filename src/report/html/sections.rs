//! The page's sections after its summary: each login's standing (and,
//! with `--alma`, what Alma holds), the privileged grants, the
//! separation-of-duties exceptions, what is due, and who holds what by
//! unit. Every value goes through a [`Cell`], which escapes it.

use std::fmt::Write;

use super::{Cell, escape, table, table_marked};
use crate::git::FileChange;
use crate::report::{Report, WINDOW_DAYS};

/// `2026-11-20, Merge pull request #42 from … (abc1234); approved by X, Y`.
fn changed(change: Option<&FileChange>) -> String {
    let Some(c) = change else {
        return String::new();
    };
    let mut text = format!(
        "{}, {} ({})",
        c.date,
        c.subject,
        &c.commit[..c.commit.len().min(7)]
    );
    if !c.approvers.is_empty() {
        text.push_str(&format!("; approved by {}", c.approvers.join(", ")));
    }
    text
}

/// What Alma holds, with any drift from the files marked (with `--alma`).
fn alma(out: &mut String, report: &Report) {
    let Some(rows) = &report.alma else {
        return;
    };
    out.push_str(
        "</section>\n<section id=\"alma\">\n<h2>What Alma holds</h2>\n<p class=\"note\">Read from Alma for this report; \
         drift is what the next apply would change.</p>\n",
    );
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| {
            let drift = if r.waiting {
                "no Alma account yet".to_string()
            } else if r.drift.is_empty() {
                "matches the files".to_string()
            } else {
                format!("DRIFT: {}", r.drift.join("; "))
            };
            vec![
                Cell::Code(&r.who.unit),
                Cell::Who(&r.who),
                Cell::Code(&r.environment),
                Cell::Owned(r.roles.join("; ")),
                Cell::Owned(drift),
            ]
        })
        .collect();
    let marks: Vec<&str> = rows
        .iter()
        .map(|r| {
            if r.drift.is_empty() {
                "matches"
            } else {
                "drift"
            }
        })
        .collect();
    let headers = ["Unit", "Login", "Environment", "Roles Alma holds", "Drift"];
    table_marked(
        out,
        "alma-table",
        &headers,
        &cells,
        &marks,
        "No logins read.",
    );
}

pub(super) fn all(out: &mut String, report: &Report) {
    out.push_str("<section id=\"standing\">\n<h2>Logins and their standing</h2>\n");
    let rows: Vec<Vec<Cell>> = report
        .logins
        .iter()
        .map(|l| {
            vec![
                Cell::Code(&l.who.unit),
                Cell::Who(&l.who),
                Cell::Text(&l.kind),
                Cell::State(l.state),
                Cell::Text(&l.why),
                Cell::Code(&l.manager),
                Cell::Code(&l.liaison),
                Cell::Date(l.next_review),
                Cell::Date(l.end_date),
                Cell::Owned(changed(l.changed.as_ref())),
            ]
        })
        .collect();
    let marks: Vec<&str> = report.logins.iter().map(|l| l.state.label()).collect();
    let headers = [
        "Unit",
        "Login",
        "Type",
        "Standing",
        "Why",
        "Manager",
        "Liaison",
        "Next re-certification",
        "End date",
        "Last changed (commit or merge; approvals the history records)",
    ];
    table_marked(out, "standing-table", &headers, &rows, &marks, "No logins.");
    alma(out, report);
    out.push_str("</section>\n<section id=\"privileged\">\n<h2>Privileged grants</h2>\n\
        <p class=\"note\">Systems logins, levels that need the systems group's approval, and additional roles outside the catalogue.</p>\n");
    let rows: Vec<Vec<Cell>> = report
        .privileged
        .iter()
        .map(|p| {
            vec![
                Cell::Code(&p.who.unit),
                Cell::Who(&p.who),
                Cell::Text(&p.grant),
                Cell::Text(&p.why),
                Cell::Code(&p.consultation),
                Cell::State(p.state),
            ]
        })
        .collect();
    let headers = [
        "Unit",
        "Login",
        "Grant",
        "Why privileged",
        "Consultation",
        "Standing",
    ];
    table(
        out,
        "privileged-table",
        &headers,
        &rows,
        "No privileged grants.",
    );
    exceptions(out, report);
    let _ = write!(
        out,
        "</section>\n<section id=\"due\">\n<h2>Due in the next {WINDOW_DAYS} days, and overdue</h2>\n"
    );
    let rows: Vec<Vec<Cell>> = report
        .calendar
        .iter()
        .map(|d| {
            vec![
                Cell::Date(Some(d.date)),
                Cell::Days(d.days),
                Cell::Text(d.kind.label()),
                Cell::Code(&d.who.unit),
                Cell::Who(&d.who),
            ]
        })
        .collect();
    let headers = ["Date", "When", "What", "Unit", "Login"];
    let marks: Vec<&str> = report
        .calendar
        .iter()
        .map(|d| if d.kind.overdue() { "overdue" } else { "due" })
        .collect();
    table_marked(out, "due-table", &headers, &rows, &marks, "Nothing due.");
    out.push_str("</section>\n<section id=\"holdings\">\n<h2>Who holds what, by unit</h2>\n");
    for unit in &report.units {
        let _ = writeln!(
            out,
            "<h3 id=\"unit-{0}\">{1} <code>{0}</code></h3>\n<p class=\"note\">Liaisons: {2}</p>",
            escape(&unit.id),
            escape(&unit.name),
            escape(&unit.liaisons.join(", "))
        );
        let rows: Vec<Vec<Cell>> = unit
            .holdings
            .iter()
            .map(|h| {
                vec![
                    Cell::Who(&h.who),
                    Cell::Text(&h.grant),
                    Cell::Text(&h.level),
                    Cell::Text(&h.limits),
                    Cell::State(h.state),
                ]
            })
            .collect();
        let headers = ["Login", "Role type", "Level", "Limited to", "Standing"];
        let id = format!("holdings-{}", escape(&unit.id));
        table(out, &id, &headers, &rows, "No logins in this unit.");
    }
    out.push_str("</section>\n");
}

/// The separation-of-duties exceptions: each accepted conflict, why, and
/// when it is re-examined.
fn exceptions(out: &mut String, report: &Report) {
    out.push_str("</section>\n<section id=\"exceptions\">\n<h2>Separation-of-duties exceptions</h2>\n\
        <p class=\"note\">Logins allowed to hold duties a rule of catalog.yaml keeps apart (V15), after a consultation with the systems team; each is re-examined by its review date.</p>\n");
    let rows: Vec<Vec<Cell>> = report
        .exceptions
        .iter()
        .map(|e| {
            vec![
                Cell::Code(&e.who.unit),
                Cell::Who(&e.who),
                Cell::Code(&e.rule),
                Cell::Text(&e.held),
                Cell::Text(&e.reason),
                Cell::Code(&e.consultation),
                Cell::Date(Some(e.review_by)),
                Cell::Days(e.days),
            ]
        })
        .collect();
    let headers = [
        "Unit",
        "Login",
        "Rule",
        "Duties held together",
        "Reason",
        "Consultation",
        "Review by",
        "When",
    ];
    table(
        out,
        "exceptions-table",
        &headers,
        &rows,
        "No separation-of-duties exceptions.",
    );
}
