//! The rows about each login's grants: what it holds (a login-type bundle,
//! each role type and level with its limits and `until`, work order
//! departments, additional roles), which of those are privileged (they
//! need the systems group: systems logins, sensitive levels, roles outside
//! the catalogue), and what falls due: ends, grants ending (R12),
//! re-certifications and separation-of-duties reviews (V15).

use chrono::NaiveDate;

use super::{State, WINDOW_DAYS, Who};
use crate::model::{AccessRepo, Login, LoginType};

/// One grant a login holds: a login-type bundle, a role type and level,
/// work order departments, or an additional role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holding {
    pub who: Who,
    pub grant: String,
    pub level: String,
    /// The codes the grant is limited to (desks, departments, PO line owners, scope).
    pub limits: String,
    pub state: State,
}

/// A grant that needs the systems group, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Privileged {
    pub who: Who,
    pub grant: String,
    pub why: String,
    pub consultation: String,
    pub state: State,
}

/// Something due: an end or a re-certification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Due {
    pub date: NaiveDate,
    pub kind: DueKind,
    pub who: Who,
    /// Days from today (negative when overdue).
    pub days: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DueKind {
    ReviewOverdue,
    ExceptionOverdue,
    End,
    GrantEnds,
    Review,
    ExceptionReview,
}

impl DueKind {
    pub fn label(self) -> &'static str {
        match self {
            DueKind::ReviewOverdue => "re-certification overdue",
            DueKind::End => "last day of work",
            DueKind::Review => "re-certification due",
            DueKind::GrantEnds => "a grant ends (until)",
            DueKind::ExceptionOverdue => "separation-of-duties exception review overdue",
            DueKind::ExceptionReview => "separation-of-duties exception review due",
        }
    }

    /// Whether the date has passed without the action.
    pub fn overdue(self) -> bool {
        matches!(self, DueKind::ReviewOverdue | DueKind::ExceptionOverdue)
    }
}

/// The grants of one login, and the privileged ones among them.
pub(super) fn holdings(
    repo: &AccessRepo,
    login: &Login,
    state: State,
    privileged: &mut Vec<Privileged>,
) -> Vec<Holding> {
    let who = Who::of(login);
    let mut out = Vec::new();
    let mut hold = |grant: String, level: String, limits: String| {
        out.push(Holding {
            who: who.clone(),
            grant,
            level,
            limits,
            state,
        });
    };
    let consultation = |c: &Option<String>| c.clone().unwrap_or_default();
    if login.kind != LoginType::Custom {
        hold(
            format!("login type {}", login.kind.as_str()),
            String::new(),
            String::new(),
        );
        if login.kind == LoginType::Systems {
            privileged.push(Privileged {
                who: who.clone(),
                grant: "login type systems".into(),
                why: "systems login: the central systems team's administration roles".into(),
                consultation: consultation(&login.consultation),
                state,
            });
        }
        return out;
    }
    for (name, grant) in &login.roles {
        let role_type = repo.catalog.role_types.get(name);
        let label = role_type.map_or(name.clone(), |rt| rt.label.clone());
        let limits: Vec<String> = [
            &grant.po_line_owners,
            &grant.circulation_desks,
            &grant.departments,
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
        let mut limits = limits.join(", ");
        if let Some(until) = grant.until {
            let sep = if limits.is_empty() { "" } else { "; " };
            limits = format!("{limits}{sep}until {until}");
        }
        hold(
            label.clone(),
            grant.level.clone().unwrap_or_default(),
            limits,
        );
        let Some(level) = role_type.and_then(|rt| rt.level(grant.level.as_deref())) else {
            continue;
        };
        let rt = role_type.expect("the level came from it");
        let sensitive = rt.sensitive(level);
        if !sensitive.is_empty() {
            let why: Vec<&str> = sensitive.iter().map(|s| s.long()).collect();
            let grant_label = match &grant.level {
                Some(l) => format!("{label} {l}"),
                None => label.clone(),
            };
            privileged.push(Privileged {
                who: who.clone(),
                grant: grant_label,
                why: why.join("; "),
                consultation: consultation(&grant.consultation),
                state,
            });
        }
    }
    if !login.work_order_departments.is_empty() {
        hold(
            "Work order departments".into(),
            String::new(),
            login.work_order_departments.join(", "),
        );
    }
    for extra in &login.additional_roles {
        let params: Vec<String> = extra.parameters.iter().map(|p| p.value.clone()).collect();
        let mut limits = extra.scope.clone();
        if !params.is_empty() {
            limits = format!("{limits}: {}", params.join(", "));
        }
        let grant = format!("additional role {}", extra.alma_role);
        hold(grant.clone(), String::new(), limits.clone());
        privileged.push(Privileged {
            who: who.clone(),
            grant: format!("{grant} at {limits}"),
            why: "outside the catalogue".into(),
            consultation: extra.consultation.clone(),
            state,
        });
    }
    out
}

/// Ends, grants ending, re-certifications and exception reviews within
/// the window, and overdue re-certifications and exception reviews.
pub(super) fn due(login: &Login, today: NaiveDate, out: &mut Vec<Due>) {
    let who = Who::of(login);
    let mut push = |date: NaiveDate, kind: DueKind| {
        out.push(Due {
            date,
            kind,
            who: who.clone(),
            days: (date - today).num_days(),
        });
    };
    let soon = |d: NaiveDate| (0..=WINDOW_DAYS).contains(&(d - today).num_days());
    if let Some(end) = login.end_date
        && soon(end)
    {
        push(end, DueKind::End);
    }
    // A login that has ended needs no re-certification or review.
    let ended = login.end_date.is_some_and(|end| end < today);
    if let Some(review) = login.review_by {
        if review < today {
            if !ended {
                push(review, DueKind::ReviewOverdue);
            }
        } else if soon(review) {
            push(review, DueKind::Review);
        }
    }
    // A grant that lasts as long as the login ends with it.
    let outlived = |until: &NaiveDate| login.end_date.is_some_and(|end| end <= *until);
    for grant in login.roles.values() {
        if let Some(until) = grant.until.filter(|d| soon(*d) && !outlived(d)) {
            push(until, DueKind::GrantEnds);
        }
    }
    for e in &login.sod_exceptions {
        if e.review_by < today && !ended {
            push(e.review_by, DueKind::ExceptionOverdue);
        } else if soon(e.review_by) {
            push(e.review_by, DueKind::ExceptionReview);
        }
    }
}
