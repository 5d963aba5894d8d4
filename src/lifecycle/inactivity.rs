//! Inactivity (R8): which logins a Staff Login Report shows without a staff
//! login for `inactivity_days`, to be proposed for suspension in a reviewed
//! change. Pure: the repository, the report and the days are passed in.
//!
//! The window is judged as of the report's date (`as_of`): a login counts
//! as inactive when its last login is before `as_of - inactivity_days`.
//! The report proves absence only as far back as its retention: a user
//! missing from it, or listed without a date, is inactive only when the
//! retention covers the whole window; otherwise the login is *unknown* and
//! left alone. Only logins whose roles were active on every day from the
//! window's start through today are judged, so new staff, staff back from a
//! long leave and staff newly trained get a full window; suspended, ended,
//! not-yet-started and protected logins (`safety.protected_users`) are
//! not judged at all.

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::calendar::LoginRef;
use super::login_report::{LastLogin, LoginReport};
use super::{Standing, standing};
use crate::model::{AccessRepo, Login};

/// What the report says about one login.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "evidence", rename_all = "kebab-case")]
pub enum Evidence {
    /// The last login day in the report.
    LastLogin { on: NaiveDate },
    /// Listed without a date: no login within the report's retention.
    NoneRecorded,
    /// Not in the report.
    Absent,
    /// Listed with a value that is not a date.
    Unreadable { text: String },
}

impl Evidence {
    /// For people: "last login 2026-07-01", "no login recorded", ...
    pub fn describe(&self) -> String {
        match self {
            Evidence::LastLogin { on } => format!("last login {on}"),
            Evidence::NoneRecorded => "no login recorded".into(),
            Evidence::Absent => "no login recorded (not in the report)".into(),
            Evidence::Unreadable { text } => format!("last login `{text}` is not a date"),
        }
    }
}

/// One login and what the report says about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub login: LoginRef,
    pub evidence: Evidence,
    /// Why it is listed where it is, in words.
    pub why: String,
}

/// The sweep's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Sweep {
    /// The day the window ends: the report's date.
    pub as_of: NaiveDate,
    /// The window's first day: a login on or after it counts.
    pub window_start: NaiveDate,
    pub inactivity_days: u32,
    pub retention_days: u32,
    /// Whether the report's retention covers the window (absence proves inactivity).
    pub retention_covers: bool,
    /// To be suspended (R8).
    pub inactive: Vec<Finding>,
    /// Not in the report (or unreadable) and not provably inactive: left alone.
    pub unknown: Vec<Finding>,
    /// Logged in within the window.
    pub active: Vec<Finding>,
    /// Not judged, with the reason.
    pub not_judged: Vec<Finding>,
    /// Managed logins found in the report.
    pub in_report: usize,
}

/// Judges every login of `repo` against `report`, on `today`, with the
/// report dated `as_of` and retaining `retention_days` days.
pub fn sweep(
    repo: &AccessRepo,
    report: &LoginReport,
    as_of: NaiveDate,
    retention_days: u32,
    today: NaiveDate,
) -> Sweep {
    let days = repo.institution.inactivity_days;
    let window_start = as_of
        .checked_sub_days(Days::new(u64::from(days)))
        .unwrap_or(NaiveDate::MIN);
    let covers = retention_days >= days;
    let mut out = Sweep {
        as_of,
        window_start,
        inactivity_days: days,
        retention_days,
        retention_covers: covers,
        inactive: Vec::new(),
        unknown: Vec::new(),
        active: Vec::new(),
        not_judged: Vec::new(),
        in_report: 0,
    };
    for login in &repo.logins {
        let listed = report.users.get(&login.primary_id.to_lowercase());
        out.in_report += usize::from(listed.is_some());
        let evidence = match listed {
            None => Evidence::Absent,
            Some(LastLogin::NoneRecorded) => Evidence::NoneRecorded,
            Some(LastLogin::On(on)) => Evidence::LastLogin { on: *on },
            Some(LastLogin::Unreadable(text)) => Evidence::Unreadable { text: text.clone() },
        };
        let finding = |why: String| Finding {
            login: LoginRef::of(login),
            evidence: evidence.clone(),
            why,
        };
        if let Some(why) = not_judged(repo, login, window_start, today) {
            out.not_judged.push(finding(why));
            continue;
        }
        match &evidence {
            Evidence::LastLogin { on } if *on >= window_start => out
                .active
                .push(finding(format!("logged in on or after {window_start}"))),
            Evidence::LastLogin { .. } => out.inactive.push(finding(format!(
                "no staff login in the {days} days up to {as_of}"
            ))),
            Evidence::NoneRecorded | Evidence::Absent if covers => {
                out.inactive.push(finding(format!(
                    "no staff login in the {days} days up to {as_of} (the report's retention is {retention_days} days)"
                )))
            }
            Evidence::NoneRecorded => out.unknown.push(finding(format!(
                "unknown: listed without a login date, and the report's retention ({retention_days} days) does not cover {days} days"
            ))),
            Evidence::Absent => out.unknown.push(finding(format!(
                "unknown: not in the report, and the report's retention ({retention_days} days) does not cover {days} days"
            ))),
            Evidence::Unreadable { text } => out.unknown.push(finding(format!(
                "unknown: the report's last login `{text}` is not a date"
            ))),
        }
    }
    out
}

/// Why a login is not judged, if it is not.
fn not_judged(
    repo: &AccessRepo,
    login: &Login,
    window_start: NaiveDate,
    today: NaiveDate,
) -> Option<String> {
    let inst = &repo.institution;
    let now = standing(login, inst, today);
    if !now.is_active() {
        return Some(format!("not active today: {}", now.describe()));
    }
    if inst
        .safety
        .protected_users
        .iter()
        .any(|p| p.eq_ignore_ascii_case(&login.primary_id))
    {
        return Some("a protected user (safety.protected_users) is never swept".into());
    }
    // The last day in the window on which the roles were not active.
    let mut day = today;
    while day >= window_start {
        let was = standing(login, inst, day);
        if !matches!(was, Standing::Active) {
            let since = day.succ_opt().unwrap_or(day);
            return Some(format!(
                "roles active only since {since} (new, back from leave or newly trained): not a full window yet"
            ));
        }
        match day.pred_opt() {
            Some(prev) => day = prev,
            None => break,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;

    use super::*;
    use crate::model::login::Leave;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn minimal() -> AccessRepo {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal");
        crate::validate::validate_dir(&root, d("2026-11-23"))
            .1
            .repo
            .expect("the minimal fixture is valid")
    }

    fn empty_report() -> LoginReport {
        LoginReport {
            users: BTreeMap::from([("someone".to_string(), LastLogin::NoneRecorded)]),
            rows: 1,
            ..LoginReport::default()
        }
    }

    fn place(s: &Sweep, id: &str) -> &'static str {
        let has = |list: &[Finding]| list.iter().any(|f| f.login.primary_id == id);
        match () {
            _ if has(&s.inactive) => "inactive",
            _ if has(&s.unknown) => "unknown",
            _ if has(&s.active) => "active",
            _ => "not judged",
        }
    }

    #[test]
    fn protected_users_are_never_swept() {
        let mut repo = minimal();
        let today = d("2027-01-15");
        let s = sweep(&repo, &empty_report(), today, 90, today);
        assert_eq!(place(&s, "10000007"), "inactive");
        repo.institution
            .safety
            .protected_users
            .insert("10000007".into());
        let s = sweep(&repo, &empty_report(), today, 90, today);
        assert_eq!(place(&s, "10000007"), "not judged");
    }

    #[test]
    fn staff_back_from_a_long_leave_get_a_full_window() {
        let mut repo = minimal();
        let gus = repo
            .logins
            .iter_mut()
            .find(|l| l.primary_id == "10000007")
            .unwrap();
        gus.leave = Some(Leave {
            from: d("2026-06-01"),
            until: Some(d("2026-12-31")),
        });
        repo.institution.reactivation = crate::model::Reactivation::Automatic;
        let today = d("2027-01-15");
        let s = sweep(&repo, &empty_report(), today, 90, today);
        assert_eq!(place(&s, "10000007"), "not judged");
        let later = d("2027-04-15");
        let s = sweep(&repo, &empty_report(), later, 90, later);
        assert_eq!(place(&s, "10000007"), "inactive");
    }

    #[test]
    fn a_login_on_the_window_s_first_day_counts() {
        let repo = minimal();
        let today = d("2027-01-15");
        let mut report = empty_report();
        report
            .users
            .insert("10000007".into(), LastLogin::On(d("2026-10-17")));
        report
            .users
            .insert("10000002".into(), LastLogin::On(d("2026-10-16")));
        let s = sweep(&repo, &report, today, 90, today);
        assert_eq!(s.window_start, d("2026-10-17"));
        assert_eq!(place(&s, "10000007"), "active");
        assert_eq!(place(&s, "10000002"), "inactive");
    }
}
