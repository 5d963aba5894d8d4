//! A grant's last day (R12): `until` is a real date (V12), and a level the
//! catalogue limits with `max_days` is granted with an `until` at most
//! that many days after the day of validation, so a reviewed change cannot
//! grant it for years.

use chrono::{Days, NaiveDate};

use crate::diag::{Code, Diagnostic};
use crate::model::catalog::Level;
use crate::model::login::RawRoleRequest;

use super::super::finding::{Finding, InvalidDate, Place, date};
use super::super::{Doc, steps};
use super::{Named, Site};

/// The request's `until`, read; a date that is not real is the finding.
pub(super) fn until<'a>(
    site: &Site<'_>,
    raw: &'a RawRoleRequest,
) -> Result<Option<NaiveDate>, InvalidDate<'a>> {
    raw.until
        .as_deref()
        .map(|text| date(|| site.place(&steps!["until"], false), text))
        .transpose()
}

/// R12: a level with `max_days` granted without `until`, or for longer.
pub(super) enum TooLong<'a> {
    Missing {
        named: Named<'a>,
        at: Place,
        max_days: u32,
        latest: NaiveDate,
    },
    Late {
        named: Named<'a>,
        at: Place,
        until: NaiveDate,
        max_days: u32,
        latest: NaiveDate,
    },
}

/// Checks `until` against the level's `max_days`, counted from `today`.
pub(super) fn max_days<'a>(
    site: &Site<'_>,
    named: Named<'a>,
    level: &Level,
    until: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<TooLong<'a>> {
    let max_days = level.max_days?;
    let latest = today
        .checked_add_days(Days::new(u64::from(max_days)))
        .unwrap_or(NaiveDate::MAX);
    match until {
        None => Some(TooLong::Missing {
            named,
            at: site.request(),
            max_days,
            latest,
        }),
        Some(until) if until > latest => Some(TooLong::Late {
            named,
            at: site.place(&steps!["until"], false),
            until,
            max_days,
            latest,
        }),
        Some(_) => None,
    }
}

impl Finding for TooLong<'_> {
    fn to_diagnostic(&self, doc: &Doc<'_>) -> Diagnostic {
        match self {
            TooLong::Missing {
                named,
                at,
                max_days,
                latest,
            } => doc
                .error(
                    Code::UntilRequired,
                    at.span(doc),
                    format!("{named} is granted for at most {max_days} days, but the grant has no `until`"),
                )
                .help(format!(
                    "add `until: YYYY-MM-DD`, the last day the staff member needs it, no later than {latest}"
                )),
            TooLong::Late {
                named,
                at,
                until,
                max_days,
                latest,
            } => doc
                .error(
                    Code::UntilTooLate,
                    at.span(doc),
                    format!("{named} is granted for at most {max_days} days, but `until: {until}` is later"),
                )
                .help(format!(
                    "set `until` to {latest} or earlier; when the work goes on, a reviewed change extends it"
                )),
        }
    }
}
