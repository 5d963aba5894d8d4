//! Unit tests of what the report gathers, on the sample institution.

use std::path::Path;

use super::*;
use crate::model::LoginType;

fn sample(today: NaiveDate) -> AccessRepo {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("access");
    let (_, outcome) = crate::validate::validate_dir(&root, today);
    outcome.repo.expect("the sample validates")
}

#[test]
fn gathers_every_login_sorted_with_standing_and_privileges() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let repo = sample(today);
    let report = build(&repo, today, Some("abc".into()));
    assert_eq!(report.logins.len(), repo.logins.len());
    let keys: Vec<(String, String)> = report
        .logins
        .iter()
        .map(|l| (l.who.unit.clone(), l.who.primary_id.to_lowercase()))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    for row in &report.logins {
        let login = repo.login(&row.who.primary_id).unwrap();
        let standing = lifecycle::standing(login, &repo.institution, today);
        assert_eq!(row.state, State::of(&standing));
        assert_eq!(row.why.is_empty(), standing.is_active());
    }
    let systems = report
        .privileged
        .iter()
        .filter(|p| p.grant == "login type systems")
        .count();
    let systems_logins = repo
        .logins
        .iter()
        .filter(|l| l.kind == LoginType::Systems)
        .count();
    assert_eq!(systems, systems_logins);
    let extra: usize = repo.logins.iter().map(|l| l.additional_roles.len()).sum();
    assert_eq!(
        report
            .privileged
            .iter()
            .filter(|p| p.grant.starts_with("additional role"))
            .count(),
        extra
    );
    let held: usize = report.units.iter().map(|u| u.holdings.len()).sum();
    assert!(held >= repo.logins.len());
}

#[test]
fn the_calendar_covers_sixty_days_and_overdue_reviews() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let repo = sample(today);
    // Far ahead every review is overdue, except for logins that ended by then.
    let later = NaiveDate::from_ymd_opt(2031, 1, 1).unwrap();
    let report = build(&repo, later, None);
    assert!(
        report
            .calendar
            .iter()
            .all(|d| d.kind.overdue() && d.days < 0)
    );
    let report = build(&repo, today, None);
    for d in &report.calendar {
        match d.kind {
            kind if kind.overdue() => assert!(d.date < today),
            _ => assert!((0..=WINDOW_DAYS).contains(&d.days), "{d:?}"),
        }
    }
    let dates: Vec<_> = report.calendar.iter().map(|d| d.date).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]));
    // The temporary cover ends with the fall term (R12).
    assert!(
        report
            .calendar
            .iter()
            .any(|d| d.kind == DueKind::GrantEnds && d.who.primary_id == "80788812"),
        "{:?}",
        report.calendar
    );
}

#[test]
fn every_separation_of_duties_exception_is_listed_with_its_reason() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let report = build(&sample(today), today, None);
    let rows: Vec<String> = report
        .exceptions
        .iter()
        .map(|e| {
            format!(
                "{} {} [{}] {} by {}",
                e.who.primary_id, e.rule, e.held, e.consultation, e.review_by
            )
        })
        .collect();
    assert_eq!(
        rows,
        ["80219987 vendor-and-invoice [vendor-maintenance + invoice] LTS-4620 by 2027-06-30"]
    );
    assert!(
        report.exceptions[0]
            .reason
            .starts_with("One-person budget office")
    );
    let page = super::html::render(&report);
    assert!(page.contains("<section id=\"exceptions\">"), "no section");
    assert!(page.contains("LTS-4620") && page.contains("One-person budget office"));
}
