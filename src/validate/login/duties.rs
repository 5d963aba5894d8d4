//! Separation of duties (V15): a login, its profile's grants included,
//! holds no two duties one rule of the catalogue declares conflicting,
//! unless it carries an exception for that rule; each exception names a
//! rule of the catalogue, has a real `review_by` at most a year ahead, and
//! is needed (an exception for a rule the login does not break is a
//! warning).

use std::collections::BTreeMap;

use chrono::{Months, NaiveDate};

use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::model::duties::{self, RawSodException, SodException};
use crate::model::{Catalog, RoleGrant};

use super::super::finding::{Finding, Place, date, join, report};
use super::super::{Doc, steps};

/// What the rule needs of the login.
pub(super) struct Holding<'a> {
    pub catalog: &'a Catalog,
    pub grants: &'a BTreeMap<String, Box<RoleGrant>>,
    /// The profile the login's inherited grants come from.
    pub profile: Option<&'a str>,
    /// Every role request became a grant: an exception that matches no
    /// conflict is then truly unused.
    pub complete: bool,
    pub today: NaiveDate,
}

/// Checks the exceptions and the conflicts; the valid exceptions.
pub(super) fn check(
    doc: &Doc<'_>,
    holding: &Holding<'_>,
    raw: &[RawSodException],
    out: &mut Vec<Diagnostic>,
) -> Vec<SodException> {
    let exceptions = exceptions(doc, holding, raw, out);
    let conflicts = duties::conflicts(holding.catalog, holding.grants);
    for c in &conflicts {
        // An exception written for the rule but refused (its date) is
        // reported already; the conflict it was to cover follows from it.
        if !raw.iter().any(|e| e.rule == c.rule) {
            report(doc, [Conflict::of(c, holding)], out);
        }
    }
    if holding.complete {
        let unused = exceptions.iter().filter_map(|(i, e)| {
            let broken = conflicts.iter().any(|c| c.rule == e.rule);
            (!broken).then(|| Unused {
                rule: &e.rule,
                at: Place::value(steps!["sod_exceptions", *i, "rule"]),
            })
        });
        report(doc, unused, out);
    }
    exceptions.into_iter().map(|(_, e)| e).collect()
}

/// Reads each exception; those with an unknown rule or a bad date are
/// findings. The valid ones, with their index in the file.
fn exceptions(
    doc: &Doc<'_>,
    holding: &Holding<'_>,
    raw: &[RawSodException],
    out: &mut Vec<Diagnostic>,
) -> Vec<(usize, SodException)> {
    let latest = holding
        .today
        .checked_add_months(Months::new(12))
        .unwrap_or(NaiveDate::MAX);
    let mut valid = Vec::new();
    for (i, e) in raw.iter().enumerate() {
        let at = |field: &str| Place::value(steps!["sod_exceptions", i, field]);
        let rules = &holding.catalog.separation_of_duties;
        if !rules.contains_key(&e.rule) {
            let known = rules.keys().map(String::as_str).collect();
            report(
                doc,
                [UnknownRule {
                    name: &e.rule,
                    at: at("rule"),
                    known,
                }],
                out,
            );
            continue;
        }
        let review_by = match date(|| at("review_by"), &e.review_by) {
            Ok(day) => day,
            Err(invalid) => {
                report(doc, [invalid], out);
                continue;
            }
        };
        if review_by > latest {
            report(
                doc,
                [TooLate {
                    review_by,
                    latest,
                    at: at("review_by"),
                }],
                out,
            );
            continue;
        }
        let exception = SodException {
            rule: e.rule.clone(),
            consultation: e.consultation.clone(),
            reason: e.reason.clone(),
            review_by,
        };
        valid.push((i, exception));
    }
    valid
}

/// V15: two conflicting duties held without an exception.
struct Conflict<'a> {
    rule: &'a str,
    description: &'a str,
    /// `(role type, duty, place)`, the first duty of the rule first.
    held: [(&'a str, String, Place); 2],
    /// Notes for grants that come from the profile.
    notes: Vec<String>,
}

impl<'a> Conflict<'a> {
    fn of(c: &duties::Conflict<'a>, holding: &Holding<'a>) -> Conflict<'a> {
        let mut notes = Vec::new();
        let mut place = |rt: &str| match (holding.grants.get(rt), holding.profile) {
            (Some(g), Some(profile)) if g.from_profile => {
                notes.push(format!("the `{rt}` role comes from profile `{profile}`"));
                Place::value(steps!["profile"])
            }
            _ => Place::key(steps!["roles", rt]),
        };
        let first = (c.first.1, c.first.0.to_string(), place(c.first.1));
        let second = (c.second.1, c.second.0.to_string(), place(c.second.1));
        Conflict {
            rule: c.rule,
            description: c.description,
            held: [first, second],
            notes,
        }
    }
}

impl Finding for Conflict<'_> {
    fn to_diagnostic(&self, doc: &Doc<'_>) -> Diagnostic {
        let [(a, duty_a, at_a), (b, duty_b, at_b)] = &self.held;
        let mut d = doc
            .error(
                Code::SodConflict,
                at_b.span(doc),
                format!(
                    "separation of duties (rule `{}`): `{a}` and `{b}` may not be held together",
                    self.rule
                ),
            )
            .note(format!("the rule: {}", self.description.trim()))
            .labelled(format!("`{b}` is the duty `{duty_b}`"));
        if at_a != at_b {
            d = d.also(at_a.span(doc), format!("`{a}` is the duty `{duty_a}`"));
        }
        for note in &self.notes {
            d = d.note(note.clone());
        }
        d.help(format!(
            "give one of the two duties to someone else; or, after a consultation with the systems team, \
             add `sod_exceptions: [{{rule: {}, consultation: LTS-..., reason: ..., review_by: YYYY-MM-DD}}]` \
             (review_by at most a year ahead; the systems group approves it, A3)",
            self.rule
        ))
    }
}

/// V15: an exception to a rule the catalogue does not have.
struct UnknownRule<'a> {
    name: &'a str,
    at: Place,
    known: Vec<&'a str>,
}

impl Finding for UnknownRule<'_> {
    fn to_diagnostic(&self, doc: &Doc<'_>) -> Diagnostic {
        let d = doc.error(
            Code::UnknownSodRule,
            self.at.span(doc),
            format!(
                "`{}` is not a separation_of_duties rule of catalog.yaml",
                self.name
            ),
        );
        match did_you_mean(self.name, self.known.iter().copied()) {
            Some(near) => d.help(format!("did you mean `{near}`?")),
            None => d.help(format!("use one of: {}", join(self.known.iter().copied()))),
        }
    }
}

/// V15: an exception reviewed later than a year from now.
struct TooLate {
    review_by: NaiveDate,
    latest: NaiveDate,
    at: Place,
}

impl Finding for TooLate {
    fn to_diagnostic(&self, doc: &Doc<'_>) -> Diagnostic {
        doc.error(
            Code::SodReviewTooLate,
            self.at.span(doc),
            format!(
                "the exception is to be reviewed by {}, more than a year ahead",
                self.review_by
            ),
        )
        .help(format!(
            "set `review_by` to {} or earlier; at the review, a reviewed change renews or removes the exception",
            self.latest
        ))
    }
}

/// V15: an exception the login does not need.
struct Unused<'a> {
    rule: &'a str,
    at: Place,
}

impl Finding for Unused<'_> {
    fn to_diagnostic(&self, doc: &Doc<'_>) -> Diagnostic {
        doc.warning(
            Code::SodExceptionUnused,
            self.at.span(doc),
            format!(
                "the login does not break rule `{}`: the exception is not needed",
                self.rule
            ),
        )
        .help("remove the exception, so it does not cover a conflict granted later without a new consultation")
    }
}
