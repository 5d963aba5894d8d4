//! Findings: what a rule found, as facts. Each rule is a function that
//! gathers the facts of one check and returns its findings; each finding is
//! a type that says itself in words ([`Finding::to_diagnostic`]), so a
//! message lives with the finding it belongs to, not inside the check. A
//! finding names its place in the file as a path ([`Place`]); the document
//! turns it into a span when the diagnostic is made.

use chrono::NaiveDate;

use crate::diag::{Code, Diagnostic};
use crate::yaml::{Part, Span, Step};

use super::Doc;

/// A finding of a rule, ready to be said.
pub(crate) trait Finding {
    /// The finding as a diagnostic of `doc`'s file.
    fn to_diagnostic(&self, doc: &Doc<'_>) -> Diagnostic;
}

/// Where a finding points: the value or the key at a path of the
/// document (or of its nearest existing ancestor).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Place {
    pub path: Vec<Step>,
    pub part: Part,
}

impl Place {
    pub fn value(path: Vec<Step>) -> Place {
        Place {
            path,
            part: Part::Value,
        }
    }

    pub fn key(path: Vec<Step>) -> Place {
        Place {
            path,
            part: Part::Key,
        }
    }

    pub fn span(&self, doc: &Doc<'_>) -> Span {
        doc.root.span_at(&self.path, self.part)
    }
}

/// Says each finding of `findings` as a diagnostic of `doc`.
pub(crate) fn report<F: Finding>(
    doc: &Doc<'_>,
    findings: impl IntoIterator<Item = F>,
    out: &mut Vec<Diagnostic>,
) {
    out.extend(findings.into_iter().map(|f| f.to_diagnostic(doc)));
}

/// V12: a date that is not a real calendar date.
#[derive(Debug)]
pub(crate) struct InvalidDate<'a> {
    pub at: Place,
    pub text: &'a str,
}

impl Finding for InvalidDate<'_> {
    fn to_diagnostic(&self, doc: &Doc<'_>) -> Diagnostic {
        doc.error(
            Code::InvalidDate,
            self.at.span(doc),
            format!("`{}` is not a real calendar date", self.text),
        )
        .help("write an existing date as YYYY-MM-DD, e.g. 2026-09-30")
    }
}

/// Reads an ISO date (`YYYY-MM-DD`) written at `at`; a text that is not a
/// real calendar date is the finding.
pub(crate) fn date(at: impl FnOnce() -> Place, text: &str) -> Result<NaiveDate, InvalidDate<'_>> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| InvalidDate { at: at(), text })
}

/// Items joined for a message: `a, b, c`, or `(none)`.
pub(crate) fn join<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<&str> = items.collect();
    if v.is_empty() {
        "(none)".to_string()
    } else {
        v.join(", ")
    }
}
