//! Lifecycle: where a login stands on a given day, from its dates alone
//! (start, training, leave, suspension, end; rules R4-R7). Pure: the day is
//! passed in. The reconciler turns a standing into role status and expiry;
//! the lifecycle commands list what the calendar changes.

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

fn reason_str(reason: SuspendReason) -> &'static str {
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
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::model::institution::{Api, Safety};
    use crate::model::login::{Leave, Suspension};
    use crate::model::{Employment, LoginKind, LoginType};

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn institution(reactivation: Reactivation) -> Institution {
        Institution {
            institution: "01TEST_INST".into(),
            name: None,
            environments: BTreeMap::new(),
            default_environments: vec![],
            required_training: vec!["security_awareness".into(), "ferpa".into()],
            leave_deactivation_days: 90,
            reactivation,
            inactivity_days: 90,
            preserve_roles: Default::default(),
            approver_groups: Default::default(),
            safety: Safety {
                max_removals: None,
                min_holders: Default::default(),
                protected_users: Default::default(),
            },
            api: Api::default(),
            review_interval_days: None,
        }
    }

    fn login() -> Login {
        Login {
            file: "access/logins/main/1.yaml".into(),
            primary_id: "1".into(),
            name: "A".into(),
            email: None,
            unit: "main".into(),
            github: None,
            employment: Employment::Staff,
            login: LoginKind::Personal,
            kind: LoginType::View,
            manager: "m".into(),
            liaison: "l".into(),
            environments: vec![],
            profile: None,
            roles: BTreeMap::new(),
            work_order_departments: vec![],
            additional_roles: vec![],
            training: BTreeMap::from([
                ("security_awareness".into(), d("2026-01-01")),
                ("ferpa".into(), d("2026-01-02")),
            ]),
            start_date: None,
            end_date: None,
            leave: None,
            suspended: None,
            review_by: None,
            business_need: None,
            consultation: None,
            notes: None,
        }
    }

    fn on(login: &Login, day: &str, reactivation: Reactivation) -> Standing {
        standing(login, &institution(reactivation), d(day))
    }

    const BY_REQUEST: Reactivation = Reactivation::ByRequest;

    #[test]
    fn trained_staff_are_active() {
        assert_eq!(on(&login(), "2026-11-23", BY_REQUEST), Standing::Active);
    }

    #[test]
    fn r4_roles_wait_for_the_start_date() {
        let mut l = login();
        l.start_date = Some(d("2026-12-01"));
        assert_eq!(
            on(&l, "2026-11-30", BY_REQUEST),
            inactive(Inactivity::NotStarted {
                start_date: d("2026-12-01")
            })
        );
        assert_eq!(on(&l, "2026-12-01", BY_REQUEST), Standing::Active);
    }

    #[test]
    fn r4_roles_wait_for_every_training() {
        let mut l = login();
        l.training.remove("ferpa");
        assert_eq!(
            on(&l, "2026-11-23", BY_REQUEST),
            inactive(Inactivity::TrainingMissing {
                missing: vec!["ferpa".into()]
            })
        );
        l.training.insert("ferpa".into(), d("2026-11-24"));
        assert!(
            !on(&l, "2026-11-23", BY_REQUEST).is_active(),
            "a completion date in the future does not count yet"
        );
        assert!(on(&l, "2026-11-24", BY_REQUEST).is_active());
    }

    #[test]
    fn r5_the_last_day_of_work_is_still_active() {
        let mut l = login();
        l.end_date = Some(d("2026-12-19"));
        assert!(on(&l, "2026-12-19", BY_REQUEST).is_active());
        assert_eq!(
            on(&l, "2026-12-20", BY_REQUEST),
            Standing::Ended {
                end_date: d("2026-12-19")
            }
        );
    }

    #[test]
    fn r5_an_end_overrides_a_suspension() {
        let mut l = login();
        l.end_date = Some(d("2026-10-31"));
        l.suspended = Some(Suspension {
            since: d("2026-09-01"),
            reason: SuspendReason::Inactivity,
            note: None,
        });
        assert!(matches!(
            on(&l, "2026-11-23", BY_REQUEST),
            Standing::Ended { .. }
        ));
    }

    #[test]
    fn r6_a_short_leave_changes_nothing() {
        let mut l = login();
        l.leave = Some(Leave {
            from: d("2026-12-18"),
            until: Some(d("2027-01-20")),
        });
        for day in ["2026-12-17", "2026-12-25", "2027-01-21"] {
            assert!(on(&l, day, BY_REQUEST).is_active(), "{day}");
        }
    }

    #[test]
    fn r6_a_leave_of_exactly_the_threshold_deactivates() {
        let mut l = login();
        // 2027-01-01 to 2027-03-31 is 90 days, both included.
        l.leave = Some(Leave {
            from: d("2027-01-01"),
            until: Some(d("2027-03-31")),
        });
        assert!(!on(&l, "2027-01-01", BY_REQUEST).is_active());
        l.leave = Some(Leave {
            from: d("2027-01-01"),
            until: Some(d("2027-03-30")),
        });
        assert!(on(&l, "2027-01-01", BY_REQUEST).is_active());
    }

    #[test]
    fn r6_a_long_leave_deactivates_from_its_first_day() {
        let mut l = login();
        l.leave = Some(Leave {
            from: d("2026-09-01"),
            until: Some(d("2027-03-01")),
        });
        assert!(on(&l, "2026-08-31", BY_REQUEST).is_active());
        assert_eq!(
            on(&l, "2026-09-01", BY_REQUEST),
            inactive(Inactivity::OnLeave {
                from: d("2026-09-01"),
                until: Some(d("2027-03-01"))
            })
        );
        assert!(
            !on(&l, "2027-03-01", BY_REQUEST).is_active(),
            "the last day of leave is still leave"
        );
    }

    #[test]
    fn r6_after_a_long_leave_by_request_roles_stay_inactive_and_flagged() {
        let mut l = login();
        l.leave = Some(Leave {
            from: d("2026-05-01"),
            until: Some(d("2026-11-01")),
        });
        assert_eq!(
            on(&l, "2026-11-23", BY_REQUEST),
            inactive(Inactivity::AwaitingReactivation {
                until: d("2026-11-01")
            })
        );
    }

    #[test]
    fn r6_after_a_long_leave_automatic_reactivation_restores_roles() {
        let mut l = login();
        l.leave = Some(Leave {
            from: d("2026-05-01"),
            until: Some(d("2026-11-01")),
        });
        assert!(!on(&l, "2026-11-01", Reactivation::Automatic).is_active());
        assert!(on(&l, "2026-11-02", Reactivation::Automatic).is_active());
    }

    #[test]
    fn r6_an_open_ended_leave_is_long() {
        let mut l = login();
        l.leave = Some(Leave {
            from: d("2026-10-01"),
            until: None,
        });
        assert_eq!(
            on(&l, "2027-06-01", Reactivation::Automatic),
            inactive(Inactivity::OnLeave {
                from: d("2026-10-01"),
                until: None
            })
        );
    }

    #[test]
    fn r7_suspension_deactivates_until_removed() {
        let mut l = login();
        l.suspended = Some(Suspension {
            since: d("2026-11-20"),
            reason: SuspendReason::Inactivity,
            note: None,
        });
        assert!(matches!(
            on(&l, "2026-11-23", Reactivation::Automatic),
            Standing::Inactive {
                why: Inactivity::Suspended { .. }
            }
        ));
    }
}
