//! The calendar's dated decisions that end by themselves: grants whose
//! `until` falls in the window (R12: the date in the file is the decision,
//! so nothing needs a pull request unless the work goes on), and
//! separation-of-duties exceptions due, or overdue, for their review
//! (V15: the systems team re-examines each at least yearly). Pure.

use super::calendar::{Item, Kind, Window, item};
use super::{Standing, standing};
use crate::model::grants::GrantSource;
use crate::model::{Institution, Login};

/// Grants of `login` whose last day falls in the window, while the login
/// still stands (a login that ends first loses them with everything else).
pub(super) fn grants_ending(login: &Login, window: Window, out: &mut Vec<Item>) {
    for (role_type, grant) in &login.roles {
        let Some(until) = grant.until.filter(|d| window.contains(*d)) else {
            continue;
        };
        // A login that ends by then loses the grant with everything else
        // (its end is an item of its own).
        if login.end_date.is_some_and(|end| end <= until) {
            continue;
        }
        let name = GrantSource::RoleType {
            role_type: role_type.clone(),
            level: grant.level.clone(),
        };
        let what = format!(
            "the grant `{name}` ends on {until}: its roles expire in Alma that day and are removed the day after, unless another grant gives them"
        );
        let todo = format!(
            "nothing, if the work ends then; to go on, change `until` of `{role_type}` in a reviewed change"
        );
        out.push(item(
            login,
            until,
            Kind::GrantEnds,
            Some("R12"),
            what,
            Some(todo),
        ));
    }
}

/// Exceptions of `login` to review in the window, or overdue; the
/// systems group acts with the manager and liaison.
pub(super) fn exceptions_due(
    login: &Login,
    inst: &Institution,
    window: Window,
    out: &mut Vec<Item>,
) {
    if matches!(standing(login, inst, window.today), Standing::Ended { .. }) {
        return;
    }
    for e in &login.sod_exceptions {
        let (kind, what) = if e.review_by < window.today {
            let late = (window.today - e.review_by).num_days();
            let what = format!(
                "the separation-of-duties exception `{}` ({}) is {late} day{} past its review (review_by {})",
                e.rule,
                e.consultation,
                if late == 1 { "" } else { "s" },
                e.review_by
            );
            (Kind::ExceptionOverdue, what)
        } else if window.contains(e.review_by) {
            let what = format!(
                "the separation-of-duties exception `{}` ({}) is due for review (review_by {})",
                e.rule, e.consultation, e.review_by
            );
            (Kind::ExceptionDue, what)
        } else {
            continue;
        };
        let todo = format!(
            "re-examine it with the systems team: renew `review_by` (at most a year ahead) or remove the exception and one of the duties, in a reviewed change; reason on file: {}",
            e.reason.trim()
        );
        let mut found = item(login, e.review_by, kind, Some("V15"), what, Some(todo));
        for member in inst.systems_group() {
            if !found.who.iter().any(|w| w.eq_ignore_ascii_case(member)) {
                found.who.push(member.to_string());
            }
        }
        out.push(found);
    }
}
