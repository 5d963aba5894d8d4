//! Unit tests of [`standing`](super::standing): one per rule R4-R7 and
//! the boundaries between them (first and last days, thresholds).

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
        managed_scopes: Default::default(),
        approver_groups: Default::default(),
        safety: Safety {
            max_removals: None,
            min_holders: Default::default(),
            protected_users: Default::default(),
        },
        api: Api::default(),
        review_interval_days: None,
        unmanaged_access: Default::default(),
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
        sod_exceptions: Vec::new(),
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

#[test]
fn r4_without_required_training_there_is_no_training_gate() {
    let mut inst = institution(BY_REQUEST);
    inst.required_training.clear();
    let mut l = login();
    l.training.clear();
    assert!(standing(&l, &inst, d("2026-11-23")).is_active());
}

#[test]
fn r4_a_training_dated_today_counts_from_today() {
    let mut l = login();
    l.training.insert("ferpa".into(), d("2026-11-23"));
    assert!(!on(&l, "2026-11-22", BY_REQUEST).is_active());
    assert!(on(&l, "2026-11-23", BY_REQUEST).is_active());
}

#[test]
fn r7_a_suspension_outranks_a_start_date_and_a_leave() {
    let mut l = login();
    l.start_date = Some(d("2027-01-01"));
    l.leave = Some(Leave {
        from: d("2026-10-01"),
        until: None,
    });
    l.suspended = Some(Suspension {
        since: d("2026-11-01"),
        reason: SuspendReason::Security,
        note: None,
    });
    assert!(matches!(
        on(&l, "2026-11-23", BY_REQUEST),
        Standing::Inactive {
            why: Inactivity::Suspended {
                reason: SuspendReason::Security,
                ..
            }
        }
    ));
}

#[test]
fn r5_an_end_during_a_leave_ends_the_login() {
    let mut l = login();
    l.leave = Some(Leave {
        from: d("2026-09-01"),
        until: Some(d("2027-03-01")),
    });
    l.end_date = Some(d("2026-12-31"));
    assert!(matches!(
        on(&l, "2027-01-01", BY_REQUEST),
        Standing::Ended { .. }
    ));
}

#[test]
fn r6_by_request_waits_from_the_day_after_the_leave() {
    let mut l = login();
    l.leave = Some(Leave {
        from: d("2026-05-01"),
        until: Some(d("2026-11-01")),
    });
    assert!(matches!(
        on(&l, "2026-11-01", BY_REQUEST),
        Standing::Inactive {
            why: Inactivity::OnLeave { .. }
        }
    ));
    assert!(matches!(
        on(&l, "2026-11-02", BY_REQUEST),
        Standing::Inactive {
            why: Inactivity::AwaitingReactivation { .. }
        }
    ));
}

#[test]
fn every_standing_has_words_and_a_rule() {
    let standings = [
        Standing::Ended {
            end_date: d("2026-12-19"),
        },
        inactive(Inactivity::NotStarted {
            start_date: d("2026-12-01"),
        }),
        inactive(Inactivity::TrainingMissing {
            missing: vec!["ferpa".into()],
        }),
        inactive(Inactivity::OnLeave {
            from: d("2026-12-01"),
            until: None,
        }),
        inactive(Inactivity::AwaitingReactivation {
            until: d("2026-11-01"),
        }),
        inactive(Inactivity::Suspended {
            since: d("2026-11-20"),
            reason: SuspendReason::ManagerRequest,
        }),
    ];
    for s in standings {
        let text = s.describe();
        assert!(
            ["(R4)", "(R5)", "(R6)", "(R7)"]
                .iter()
                .any(|r| text.ends_with(r)),
            "{text}"
        );
    }
}
