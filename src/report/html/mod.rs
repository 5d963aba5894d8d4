//! The report as one self-contained HTML page. Every value from the
//! repository passes through [`escape`] on its way out: the page is built
//! from fixed markup and typed [`Cell`]s, never from text that could carry
//! markup. The stylesheet and the filter script are embedded
//! (`report.css`, `report.js`) and pinned by hash in a Content-Security-
//! Policy that allows nothing else: no remote assets, no other script, so
//! even markup that slipped through could not run. The script filters the
//! rows of every table by the words typed (or given as `#q=...`), counts
//! them, and marks the body `data-ready="1"` when it has run.

use std::fmt::Write;

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

mod sections;

use super::{Report, State, WINDOW_DAYS, Who};

/// The embedded stylesheet.
pub const CSS: &str = include_str!("../report.css");
/// The embedded filter script.
pub const SCRIPT: &str = include_str!("../report.js");

/// Escapes text for HTML content and double- or single-quoted attributes
/// (and shows control characters as escapes): [`crate::text::html`].
pub fn escape(s: &str) -> String {
    crate::text::html(s)
}

/// One table cell; all text is escaped when written.
pub enum Cell<'a> {
    Text(&'a str),
    Owned(String),
    Code(&'a str),
    Date(Option<NaiveDate>),
    State(State),
    Who(&'a Who),
    Days(i64),
}

impl Cell<'_> {
    fn write(&self, out: &mut String) {
        match self {
            Cell::Text(s) => out.push_str(&escape(s)),
            Cell::Owned(s) => out.push_str(&escape(s)),
            Cell::Code("") => {}
            Cell::Code(s) => {
                let _ = write!(out, "<code>{}</code>", escape(s));
            }
            Cell::Date(None) => {}
            Cell::Date(Some(d)) => {
                let _ = write!(out, "<time datetime=\"{d}\">{d}</time>");
            }
            Cell::State(s) => {
                let _ = write!(out, "<span class=\"state state-{0}\">{0}</span>", s.label());
            }
            Cell::Who(w) => {
                let _ = write!(
                    out,
                    "{} <code class=\"id\" title=\"{}\">{}</code>",
                    escape(&w.name),
                    escape(&w.file),
                    escape(&w.primary_id)
                );
            }
            Cell::Days(d) if *d < 0 => {
                let _ = write!(out, "<span class=\"overdue\">{} days ago</span>", -d);
            }
            Cell::Days(0) => out.push_str("today"),
            Cell::Days(d) => {
                let _ = write!(out, "in {d} days");
            }
        }
    }
}

/// Writes a filterable table; `empty` is shown (and not counted) when there are no rows.
pub(super) fn table(
    out: &mut String,
    id: &str,
    headers: &[&str],
    rows: &[Vec<Cell<'_>>],
    empty: &str,
) {
    table_marked(out, id, headers, rows, &[], empty);
}

/// A table whose rows carry a mark (`data-mark`) the summary cards count by.
pub(super) fn table_marked(
    out: &mut String,
    id: &str,
    headers: &[&str],
    rows: &[Vec<Cell<'_>>],
    marks: &[&str],
    empty: &str,
) {
    let _ = write!(out, "<table class=\"rows\" id=\"{id}\">\n<thead><tr>");
    for h in headers {
        let _ = write!(out, "<th scope=\"col\">{}</th>", escape(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    if rows.is_empty() {
        let _ = writeln!(
            out,
            "<tr class=\"empty\"><td colspan=\"{}\">{}</td></tr>",
            headers.len(),
            escape(empty)
        );
    }
    for (i, row) in rows.iter().enumerate() {
        match marks.get(i) {
            Some(mark) => {
                let _ = write!(out, "<tr data-mark=\"{}\">", escape(mark));
            }
            None => out.push_str("<tr>"),
        }
        for cell in row {
            out.push_str("<td>");
            cell.write(out);
            out.push_str("</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// `sha256-...` for a Content-Security-Policy source.
fn csp_hash(text: &str) -> String {
    format!("'sha256-{}'", base64(&Sha256::digest(text.as_bytes())))
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The whole page.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let title = match &report.institution_name {
        Some(name) => format!("{name} ({})", report.institution),
        None => report.institution.clone(),
    };
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src {}; script-src {}; base-uri 'none'; form-action 'none'\">\n\
         <meta name=\"generator\" content=\"alma-access report\">\n\
         <title>Alma staff access: {} on {}</title>\n<style>{CSS}</style>\n</head>\n<body data-ready=\"0\">\n",
        csp_hash(CSS),
        csp_hash(SCRIPT),
        escape(&title),
        report.today
    );
    let logins = report.logins.len();
    let count = |s: State| report.logins.iter().filter(|l| l.state == s).count();
    let overdue = report.calendar.iter().filter(|d| d.kind.overdue()).count();
    let _ = write!(
        out,
        "<header>\n<h1>Alma staff access: {}</h1>\n<p class=\"meta\">As of <time datetime=\"{1}\">{1}</time>, from {2}. \
         {logins} logins in {3} units.</p>\n",
        escape(&title),
        report.today,
        match &report.commit {
            Some(c) => format!("commit <code>{}</code>", escape(c)),
            None => "files outside git (no commit)".to_string(),
        },
        report.units.len()
    );
    out.push_str(
        "<div class=\"filter\"><label for=\"q\">Filter rows</label> \
         <input id=\"q\" type=\"search\" placeholder=\"a name, id, unit, role, state...\" autocomplete=\"off\"> \
         <output id=\"row-count\" for=\"q\"></output></div>\n\
         <nav><a href=\"#standing\">Standing</a><a href=\"#privileged\">Privileged grants</a>\
         <a href=\"#exceptions\">Separation of duties</a><a href=\"#due\">Due and overdue</a><a href=\"#holdings\">Holdings by unit</a></nav>\n</header>\n<main>\n",
    );
    if report.alma.is_some() {
        out.push_str("<p class=\"note\"><a href=\"#alma\">What Alma holds</a>, read from Alma for this report.</p>\n");
    }
    let _ = write!(
        out,
        "<ul class=\"summary\">\n<li data-table=\"standing-table\" data-mark=\"active\"><b>{}</b>active</li>\n\
         <li data-table=\"standing-table\" data-mark=\"inactive\"><b>{}</b>inactive</li>\n\
         <li data-table=\"standing-table\" data-mark=\"ended\"><b>{}</b>ended</li>\n\
         <li data-table=\"privileged-table\"><b>{}</b>privileged grants</li>\n\
         <li data-table=\"exceptions-table\"><b>{}</b>separation-of-duties exceptions</li>\n\
         <li data-table=\"due-table\" data-mark=\"due\"><b>{}</b>due in {WINDOW_DAYS} days</li>\n\
         <li data-table=\"due-table\" data-mark=\"overdue\"><b>{overdue}</b>reviews overdue</li>\n</ul>\n",
        count(State::Active),
        count(State::Inactive),
        count(State::Ended),
        report.privileged.len(),
        report.exceptions.len(),
        report.calendar.len() - overdue,
    );
    sections::all(&mut out, report);
    let _ = write!(
        out,
        "</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_markup_character() {
        assert_eq!(
            escape(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
    }

    #[test]
    fn base64_matches_the_standard_alphabet() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(
            csp_hash(""),
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
        );
    }
}
