//! Lifecycle: where a login stands on a given day, from its dates alone
//! (start, training, leave, suspension, end; rules R4-R7), and the changes
//! the calendar and inactivity bring (R8). Everything here is pure except
//! [`propose`], which writes a git branch, and [`last_logins`], which reads
//! the Alma API. The reconciler turns a standing into role status and
//! expiry; the lifecycle commands use the rest:
//!
//! - this file: [`standing`], a login's standing on a day;
//! - [`calendar`]: what changes today and in the next days (`alma-access lifecycle`),
//!   with `expiring`: grants that end and exceptions due for review;
//! - [`login_report`]: Alma's Staff Login Report, exported as XLSX or CSV;
//! - [`last_logins`]: the same report read from the Alma API, reduced to last logins;
//! - [`inactivity`]: which logins the report shows inactive (R8, `sweep-inactive`);
//! - [`suspend`]: the suspensions a sweep proposes, and its commit message;
//! - [`recert`]: a unit's logins and grants, for re-certification (`review`);
//! - [`edit`]: precise text edits of login files that keep comments and layout;
//! - [`propose`]: edited files, validated, committed on a new branch for a pull request.

pub mod calendar;
pub mod edit;
mod expiring;
pub mod inactivity;
pub mod last_logins;
pub mod login_report;
pub mod propose;
pub mod recert;
pub mod render;
pub mod suspend;
pub mod sweep;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::{Institution, Login, Reactivation, SuspendReason};

/// Where a login stands on a day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "standing", rename_all = "kebab-case")]
pub enum Standing {
    /// Roles are active.
    Active,
    /// Roles are held but INACTIVE.
    Inactive { why: Inactivity },
    /// The last day of work has passed: every managed role is removed (R5).
    Ended { end_date: NaiveDate },
}

/// Why roles are inactive.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Inactivity {
    /// R4: before `start_date`.
    NotStarted { start_date: NaiveDate },
    /// R4: a required training has no completion date (or one in the future).
    TrainingMissing { missing: Vec<String> },
    /// R6: on a leave of at least `leave_deactivation_days`.
    OnLeave {
        from: NaiveDate,
        until: Option<NaiveDate>,
    },
    /// R6: a long leave ended, and reactivation is by request: a reviewed
    /// change removing the `leave` block restores the roles.
    AwaitingReactivation { until: NaiveDate },
    /// R7: suspended until a reviewed change removes `suspended`.
    Suspended {
        since: NaiveDate,
        reason: SuspendReason,
    },
}

impl Standing {
    pub fn is_active(&self) -> bool {
        matches!(self, Standing::Active)
    }

    /// A short phrase for plans and reports.
    pub fn describe(&self) -> String {
        match self {
            Standing::Active => "active".to_string(),
            Standing::Ended { end_date } => format!("ended: last day of work was {end_date} (R5)"),
            Standing::Inactive { why } => why.describe(),
        }
    }
}

impl Inactivity {
    /// Why roles are inactive, in a few words (no advice, no rule).
    pub fn short(&self) -> String {
        match self {
            Inactivity::NotStarted { start_date } => format!("starts {start_date}"),
            Inactivity::TrainingMissing { missing } => {
                format!("training not recorded: {}", missing.join(", "))
            }
            Inactivity::OnLeave {
                from,
                until: Some(until),
            } => format!("on leave {from} to {until}"),
            Inactivity::OnLeave { from, until: None } => format!("on open-ended leave from {from}"),
            Inactivity::AwaitingReactivation { .. } => {
                "waiting for a reactivation request (reactivation: by-request)".into()
            }
            Inactivity::Suspended { since, .. } => format!("suspended since {since}"),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Inactivity::NotStarted { start_date } => {
                format!("inactive until the start date {start_date} (R4)")
            }
            Inactivity::TrainingMissing { missing } => format!(
                "inactive until training is recorded: {} (R4)",
                missing.join(", ")
            ),
            Inactivity::OnLeave {
                from,
                until: Some(until),
            } => format!("inactive during leave {from} to {until} (R6)"),
            Inactivity::OnLeave { from, until: None } => {
                format!("inactive during open-ended leave from {from} (R6)")
            }
            Inactivity::AwaitingReactivation { until } => {
                format!(
                    "inactive: leave ended {until}; remove the `leave` block in a reviewed change to reactivate (R6)"
                )
            }
            Inactivity::Suspended { since, reason } => {
                format!(
                    "suspended since {since} ({}); remove `suspended` in a reviewed change to restore (R7)",
                    reason_str(*reason)
                )
            }
        }
    }
}

/// A suspension's reason as written in login files, in words.
pub fn reason_str(reason: SuspendReason) -> &'static str {
    match reason {
        SuspendReason::Inactivity => "inactivity",
        SuspendReason::ManagerRequest => "manager request",
        SuspendReason::Security => "security",
        SuspendReason::Other => "other",
    }
}

/// Whether a leave is long enough to deactivate roles (R6): its length in
/// days, first and last day included, is at least `leave_deactivation_days`.
/// An open-ended leave is long.
pub fn is_long_leave(from: NaiveDate, until: Option<NaiveDate>, institution: &Institution) -> bool {
    match until {
        None => true,
        Some(until) => {
            (until - from).num_days() + 1 >= i64::from(institution.leave_deactivation_days)
        }
    }
}

/// The login's standing on `today`.
pub fn standing(login: &Login, institution: &Institution, today: NaiveDate) -> Standing {
    if let Some(end_date) = login.end_date
        && today > end_date
    {
        return Standing::Ended { end_date };
    }
    if let Some(s) = &login.suspended {
        return inactive(Inactivity::Suspended {
            since: s.since,
            reason: s.reason,
        });
    }
    if let Some(start_date) = login.start_date
        && today < start_date
    {
        return inactive(Inactivity::NotStarted { start_date });
    }
    let missing: Vec<String> = institution
        .required_training
        .iter()
        .filter(|t| login.training.get(*t).is_none_or(|done| *done > today))
        .cloned()
        .collect();
    if !missing.is_empty() {
        return inactive(Inactivity::TrainingMissing { missing });
    }
    if let Some(leave) = login.leave
        && is_long_leave(leave.from, leave.until, institution)
        && today >= leave.from
    {
        match leave.until {
            Some(until) if today > until => {
                if institution.reactivation == Reactivation::ByRequest {
                    return inactive(Inactivity::AwaitingReactivation { until });
                }
            }
            _ => {
                return inactive(Inactivity::OnLeave {
                    from: leave.from,
                    until: leave.until,
                });
            }
        }
    }
    Standing::Active
}

fn inactive(why: Inactivity) -> Standing {
    Standing::Inactive { why }
}

#[cfg(test)]
mod tests;
