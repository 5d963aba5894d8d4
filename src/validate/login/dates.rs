//! The login's dates (V12: each one real, and in order, a grant's `until`
//! included) and trainings
//! (each one the institution requires; R4, as a warning: a required
//! training without a date keeps the roles inactive).

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::diag::{Code, Diagnostic};
use crate::model::Institution;
use crate::model::RoleGrant;
use crate::model::login::{Leave, RawLogin, Suspension};

use super::super::finding::{Finding, InvalidDate, Place, date, join};
use super::super::{Doc, steps};

/// The login's dates, read; a date that is not real is absent.
pub(super) struct Dates {
    pub training: BTreeMap<String, NaiveDate>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub review_by: Option<NaiveDate>,
    pub leave: Option<Leave>,
    pub suspended: Option<Suspension>,
}

/// V12: a date that is not real, or two that are out of order.
pub(super) enum BadDate<'a> {
    Invalid(InvalidDate<'a>),
    EndBeforeStart {
        start: NaiveDate,
        end: NaiveDate,
    },
    LeaveOrder {
        from: NaiveDate,
        until: NaiveDate,
    },
    /// A grant whose last day (`until`, R12) comes before the first day of work.
    GrantBeforeStart {
        role_type: &'a str,
        until: NaiveDate,
        start: NaiveDate,
        from_profile: bool,
    },
}

impl<'a> From<InvalidDate<'a>> for BadDate<'a> {
    fn from(invalid: InvalidDate<'a>) -> Self {
        BadDate::Invalid(invalid)
    }
}

/// Reads every date of the login; the dates, and what is wrong with them.
pub(super) fn dates(raw: &RawLogin) -> (Dates, Vec<BadDate<'_>>) {
    let mut found = Vec::new();
    let start_date = field(&mut found, "start_date", &raw.start_date);
    let end_date = field(&mut found, "end_date", &raw.end_date);
    let review_by = field(&mut found, "review_by", &raw.review_by);
    if let (Some(start), Some(end)) = (start_date, end_date)
        && start > end
    {
        found.push(BadDate::EndBeforeStart { start, end });
    }
    let leave = raw.leave.as_ref().and_then(|l| leave(l, &mut found));
    let suspended = raw.suspended.as_ref().and_then(|s| {
        let at = || Place::value(steps!["suspended", "since"]);
        let since = date(at, &s.since).map_err(|e| found.push(e.into())).ok()?;
        Some(Suspension {
            since,
            reason: s.reason,
            note: s.note.clone(),
        })
    });
    let training = raw
        .training
        .iter()
        .filter_map(|(k, v)| {
            let at = || Place::value(steps!["training", k]);
            let day = date(at, v).map_err(|e| found.push(e.into())).ok()?;
            Some((k.clone(), day))
        })
        .collect();
    let dates = Dates {
        training,
        start_date,
        end_date,
        review_by,
        leave,
        suspended,
    };
    (dates, found)
}

/// A top-level date field, when it is set and real.
fn field<'a>(
    found: &mut Vec<BadDate<'a>>,
    name: &str,
    text: &'a Option<String>,
) -> Option<NaiveDate> {
    let text = text.as_deref()?;
    date(|| Place::value(steps![name]), text)
        .map_err(|e| found.push(e.into()))
        .ok()
}

/// The leave, when its dates are real; out of order is reported, and kept.
fn leave<'a>(
    raw: &'a crate::model::login::RawLeave,
    found: &mut Vec<BadDate<'a>>,
) -> Option<Leave> {
    let from = date(|| Place::value(steps!["leave", "from"]), &raw.from)
        .map_err(|e| found.push(e.into()))
        .ok()?;
    let until = match &raw.until {
        Some(u) => Some(
            date(|| Place::value(steps!["leave", "until"]), u)
                .map_err(|e| found.push(e.into()))
                .ok()?,
        ),
        None => None,
    };
    if let Some(until) = until
        && from > until
    {
        found.push(BadDate::LeaveOrder { from, until });
    }
    Some(Leave { from, until })
}

/// V12: the grants that end before the login's first day; they would never apply.
pub(super) fn grants_after_start<'a>(
    start: Option<NaiveDate>,
    roles: &'a BTreeMap<String, Box<RoleGrant>>,
) -> Vec<BadDate<'a>> {
    let Some(start) = start else {
        return Vec::new();
    };
    roles
        .iter()
        .filter_map(|(role_type, grant)| {
            let until = grant.until.filter(|until| *until < start)?;
            Some(BadDate::GrantBeforeStart {
                role_type,
                until,
                start,
                from_profile: grant.from_profile,
            })
        })
        .collect()
}

impl Finding for BadDate<'_> {
    fn to_diagnostic(&self, doc: &Doc<'_>) -> Diagnostic {
        match self {
            BadDate::Invalid(invalid) => invalid.to_diagnostic(doc),
            BadDate::EndBeforeStart { start, end } => doc
                .error(
                    Code::DateOrder,
                    doc.value(&steps!["end_date"]),
                    format!("end_date {end} is before start_date {start}"),
                )
                .help("check both dates: the last day of work comes after the first"),
            BadDate::LeaveOrder { from, until } => doc
                .error(
                    Code::DateOrder,
                    doc.value(&steps!["leave", "until"]),
                    format!("leave.until {until} is before leave.from {from}"),
                )
                .help("the leave ends after it starts: swap or correct the dates"),
            BadDate::GrantBeforeStart {
                role_type,
                until,
                start,
                from_profile,
            } => {
                let at = if *from_profile {
                    doc.value(&steps!["profile"])
                } else {
                    doc.value(&steps!["roles", *role_type, "until"])
                };
                doc.error(
                    Code::DateOrder,
                    at,
                    format!("`{role_type}` ends on {until} (until), before start_date {start}: it would never apply"),
                )
                .help("check both dates: a grant's last day comes on or after the first day of work")
            }
        }
    }
}

/// A training the institution does not require, or required ones without
/// a date (R4).
pub(super) enum TrainingNote<'a> {
    Unknown {
        key: &'a str,
        required: &'a [String],
    },
    Missing {
        missing: Vec<&'a str>,
        /// Whether the login records any training at all.
        some_recorded: bool,
    },
}

pub(super) fn trainings<'a>(
    institution: &'a Institution,
    raw: &'a RawLogin,
) -> Vec<TrainingNote<'a>> {
    let required = &institution.required_training;
    let mut found: Vec<TrainingNote<'a>> = raw
        .training
        .keys()
        .filter(|key| !required.contains(*key))
        .map(|key| TrainingNote::Unknown { key, required })
        .collect();
    let missing: Vec<&str> = required
        .iter()
        .filter(|t| !raw.training.contains_key(*t))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        found.push(TrainingNote::Missing {
            missing,
            some_recorded: !raw.training.is_empty(),
        });
    }
    found
}

impl Finding for TrainingNote<'_> {
    fn to_diagnostic(&self, doc: &Doc<'_>) -> Diagnostic {
        match self {
            TrainingNote::Unknown { key, required } => doc
                .warning(
                    Code::UnknownTraining,
                    doc.key(&steps!["training", *key]),
                    format!("training `{key}` is not one institution.yaml requires"),
                )
                .help(format!(
                    "required trainings are: {}",
                    join(required.iter().map(String::as_str))
                )),
            TrainingNote::Missing {
                missing,
                some_recorded,
            } => {
                let at = if *some_recorded {
                    doc.key(&steps!["training"])
                } else {
                    doc.value(&[])
                };
                let (what, it) = match missing.as_slice() {
                    [one] => (format!("training `{one}` has"), "it is"),
                    _ => (
                        format!("trainings {} have", join(missing.iter().copied())),
                        "they are",
                    ),
                };
                doc.warning(
                    Code::MissingTraining,
                    at,
                    format!("required {what} no completion date: the login's roles stay inactive in Alma until {it} recorded (R4)"),
                )
                .help(format!(
                    "when the training is done, add its date under `training:`, e.g. `{}: 2026-09-30`",
                    missing[0]
                ))
            }
        }
    }
}
