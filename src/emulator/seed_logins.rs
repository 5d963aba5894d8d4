//! The seed's staff logins (see `seed.rs`), for the staff login report:
//! most staff log in on a good share of the working days their roles were
//! active in the last 90 days (shared desk logins almost every day, seven
//! days a week), with the odd failed attempt before a login; a few
//! ([`STALE`]) last logged in long before the 90 days; a few
//! ([`FAILED_ONLY`]) have only failed attempts within them (a locked-out
//! password); protected users (break-glass accounts) never log in. The
//! inactive ones are chosen among logins that `sweep-inactive` judges, so
//! a sweep of the seeded emulator has something to propose. Deterministic:
//! days, times and choices come from [`fnv`]; nothing is dated today or later.

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, Weekday};

use crate::lifecycle::standing;
use crate::model::{AccessRepo, Login, LoginKind, LoginType};

use super::seed_users::fnv;
use crate::emulator::state::StaffLoginRecord;

/// How many logins have no login within the retention (when there are enough).
pub const STALE: usize = 3;
/// How many logins have only failed attempts within the retention.
pub const FAILED_ONLY: usize = 2;
/// The days of logins Alma keeps.
const RETENTION: u64 = 90;

/// How a seeded user logs in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Habit {
    Regular,
    /// Last logged in before the retention.
    Stale,
    /// Only failed attempts within the retention.
    FailedOnly,
    /// Never (break-glass accounts).
    Never,
}

/// The staff logins of the seeded users `logins`, oldest first.
pub(super) fn staff_logins(
    repo: &AccessRepo,
    logins: &[&Login],
    today: NaiveDate,
) -> Vec<StaffLoginRecord> {
    let habits = choose(repo, logins, today);
    let mut records: Vec<StaffLoginRecord> = logins
        .iter()
        .zip(habits)
        .flat_map(|(login, habit)| match habit {
            Habit::Regular => regular(repo, login, today),
            Habit::Stale => stale(login, today),
            Habit::FailedOnly => failed_only(login, today),
            Habit::Never => Vec::new(),
        })
        .collect();
    records.sort_by(|a, b| (a.login_date, &a.primary_id).cmp(&(b.login_date, &b.primary_id)));
    records
}

/// Each login's habit, in the order of `logins`.
fn choose(repo: &AccessRepo, logins: &[&Login], today: NaiveDate) -> Vec<Habit> {
    let inst = &repo.institution;
    let protected = |l: &Login| {
        inst.safety
            .protected_users
            .iter()
            .any(|p| p.eq_ignore_ascii_case(&l.primary_id))
    };
    // Judged by a sweep today: roles active on every day of the window.
    let judged = |l: &Login| {
        !protected(l)
            && l.kind != LoginType::Systems
            && (0..=RETENTION).all(|k| standing(l, inst, today - Days::new(k)).is_active())
    };
    let mut candidates: Vec<&str> = logins
        .iter()
        .filter(|l| judged(l))
        .map(|l| l.primary_id.as_str())
        .collect();
    candidates.sort_by_key(|id| fnv(&["inactive", id]));
    let stale_n = STALE.min(logins.len() / 10);
    let failed_n = FAILED_ONLY.min(logins.len() / 15);
    let stale = &candidates[..stale_n.min(candidates.len())];
    let failed = &candidates[stale.len()..(stale.len() + failed_n).min(candidates.len())];
    logins
        .iter()
        .map(|l| match l.primary_id.as_str() {
            _ if protected(l) => Habit::Never,
            id if stale.contains(&id) => Habit::Stale,
            id if failed.contains(&id) => Habit::FailedOnly,
            _ => Habit::Regular,
        })
        .collect()
}

fn record(login: &Login, at: NaiveDateTime, successful: bool) -> StaffLoginRecord {
    StaffLoginRecord {
        primary_id: login.primary_id.clone(),
        login_date: at,
        successful,
    }
}

/// A time on `day` between 07:30 and 17:29, from the hash `h`.
fn at(day: NaiveDate, h: u64) -> NaiveDateTime {
    let minutes = 450 + h % 600;
    day.and_hms_opt(
        (minutes / 60) as u32,
        (minutes % 60) as u32,
        (h % 60) as u32,
    )
    .unwrap_or_default()
}

/// Logins on a share of the days the roles were active, before today.
fn regular(repo: &AccessRepo, login: &Login, today: NaiveDate) -> Vec<StaffLoginRecord> {
    let id = login.primary_id.as_str();
    let desk = login.login == LoginKind::SharedDesk;
    let rate = if desk {
        90
    } else {
        25 + fnv(&["rate", id]) % 40
    };
    let mut out = Vec::new();
    for k in (1..=RETENTION).rev() {
        let day = today - Days::new(k);
        let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        let text = day.to_string();
        let h = fnv(&["login", id, &text]);
        if (weekend && !desk)
            || h % 100 >= rate
            || !standing(login, &repo.institution, day).is_active()
        {
            continue;
        }
        let when = at(day, h);
        if fnv(&["typo", id, &text]) % 100 < 4 {
            out.push(record(login, when - chrono::Duration::minutes(2), false));
        }
        out.push(record(login, when, true));
    }
    out
}

/// Two logins long before the retention, none since.
fn stale(login: &Login, today: NaiveDate) -> Vec<StaffLoginRecord> {
    let h = fnv(&["stale", &login.primary_id]);
    let last = RETENTION + 10 + h % 120;
    [last + 7, last]
        .iter()
        .map(|k| record(login, at(today - Days::new(*k), h >> 8), true))
        .collect()
}

/// A login long ago, then only failed attempts in the last weeks.
fn failed_only(login: &Login, today: NaiveDate) -> Vec<StaffLoginRecord> {
    let h = fnv(&["failed", &login.primary_id]);
    let mut out = vec![record(
        login,
        at(today - Days::new(RETENTION + 30 + h % 60), h),
        true,
    )];
    for (i, k) in [21 + h % 7, 9 + h % 5, 2 + h % 3].into_iter().enumerate() {
        out.push(record(login, at(today - Days::new(k), h >> (8 * i)), false));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::*;
    use crate::alma::wire::StaffLogin;
    use crate::lifecycle::{inactivity, last_logins};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn sample() -> AccessRepo {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("access");
        crate::validate::validate_dir(&root, today())
            .1
            .repo
            .expect("the sample institution validates")
    }

    fn seeded(repo: &AccessRepo) -> Vec<StaffLoginRecord> {
        crate::emulator::seed::from_repo(repo, "production", today()).staff_logins
    }

    /// The users with a login (`successful`) or a failed attempt within the retention.
    fn within(records: &[StaffLoginRecord], successful: bool) -> BTreeSet<String> {
        let from = today() - Days::new(RETENTION);
        records
            .iter()
            .filter(|r| r.login_date.date() >= from && r.successful == successful)
            .map(|r| r.primary_id.clone())
            .collect()
    }

    #[test]
    fn most_staff_log_in_a_few_do_not() {
        let repo = sample();
        let records = seeded(&repo);
        assert_eq!(records, seeded(&repo), "deterministic");
        assert!(records.iter().all(|r| r.login_date.date() < today()));
        assert!(records.is_sorted_by_key(|r| r.login_date));
        let logged_in = within(&records, true);
        let everyone: BTreeSet<String> = records.iter().map(|r| r.primary_id.clone()).collect();
        let failed_only: BTreeSet<String> = within(&records, false)
            .difference(&logged_in)
            .cloned()
            .collect();
        let stale = everyone.difference(&logged_in).count() - failed_only.len();
        assert_eq!(failed_only.len(), FAILED_ONLY, "{failed_only:?}");
        assert_eq!(stale, STALE);
        assert!(logged_in.len() > 20, "most log in: {}", logged_in.len());
        assert!(
            records.len() > 500 && records.len() < 5_000,
            "{}",
            records.len()
        );
        let typos = records
            .iter()
            .filter(|r| !r.successful && logged_in.contains(&r.primary_id));
        assert!(typos.count() > 0, "the odd failed attempt before a login");
    }

    #[test]
    fn a_sweep_of_the_seed_proposes_those_without_a_login() {
        let repo = sample();
        let records = seeded(&repo);
        let from = today() - Days::new(RETENTION);
        let logins: Vec<StaffLogin> = records
            .iter()
            .filter(|r| r.login_date.date() >= from)
            .map(|r| StaffLogin {
                primary_id: r.primary_id.clone(),
                day: r.login_date.date(),
                successful: r.successful,
            })
            .collect();
        let (report, failed_only) = last_logins::reduce(&logins, today(), None);
        assert_eq!(failed_only, FAILED_ONLY);
        let sweep = inactivity::sweep(&repo, &report, today(), 90, today());
        let inactive: BTreeSet<String> = sweep
            .inactive
            .iter()
            .map(|f| f.login.primary_id.clone())
            .collect();
        let logged_in = within(&records, true);
        let everyone: BTreeSet<String> = records.iter().map(|r| r.primary_id.clone()).collect();
        let without: BTreeSet<String> = everyone.difference(&logged_in).cloned().collect();
        assert_eq!(without.len(), STALE + FAILED_ONLY);
        assert!(without.is_subset(&inactive), "{without:?} in {inactive:?}");
        assert!(inactive.is_disjoint(&logged_in), "{inactive:?}");
        assert!(
            sweep.active.len() > 20,
            "most are active: {}",
            sweep.active.len()
        );
    }
}
