//! The lifecycle calendar (`alma-access lifecycle`): what the dates in the
//! login files change today and in the next days, and what is outstanding
//! and waits for someone. Two sources of items:
//!
//! - dated events inside the window: a start, a training completion, the
//!   day after an end, a leave's first day and the day after its end, a
//!   `review_by` date. Each event's effect is the login's [`standing`] the
//!   day before compared with the day itself, so combinations (a leave that
//!   begins while suspended, a start with training missing) read right;
//! - states as of today that need a person: a reactivation waiting for a
//!   request (R6 `by-request`), a suspension (R7), missing training (R4),
//!   an overdue `review_by`;
//! - decisions that end by themselves ([`super::expiring`]): grants whose
//!   `until` falls in the window (R12), separation-of-duties exceptions
//!   due or overdue for review (V15).
//!
//! Pure: the repository and the day are passed in. Items are sorted by
//! date, login and kind, so the JSON is stable.

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::{Inactivity, Standing, expiring, is_long_leave, standing};
use crate::model::{AccessRepo, Institution, Login, Reactivation};

/// Everything the calendar holds for a window of days.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Agenda {
    pub institution: String,
    pub today: NaiveDate,
    /// The last day of the window (today + days).
    pub through: NaiveDate,
    pub days: u32,
    pub items: Vec<Item>,
}

impl Agenda {
    /// How many items ask someone to do something.
    pub fn needing_action(&self) -> usize {
        self.items.iter().filter(|i| i.todo.is_some()).count()
    }
}

/// One thing that happens to one login on one day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Item {
    /// The day it happens (or, for outstanding states, the day it began).
    pub date: NaiveDate,
    pub kind: Kind,
    /// The policy rule behind it (`R4`-`R7`); none for re-certification.
    pub rule: Option<&'static str>,
    pub login: LoginRef,
    /// What happens, in words.
    pub what: String,
    /// What someone should do, when anything.
    pub todo: Option<String>,
    /// Who should act: the login's manager and liaison (GitHub handles).
    pub who: Vec<String>,
}

/// The login an item is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LoginRef {
    pub primary_id: String,
    pub name: String,
    pub unit: String,
    pub file: String,
}

impl LoginRef {
    pub fn of(login: &Login) -> LoginRef {
        LoginRef {
            primary_id: login.primary_id.clone(),
            name: login.name.clone(),
            unit: login.unit.clone(),
            file: login.file.clone(),
        }
    }
}

/// What kind of item; the order is the order within one login and day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// R5: the day after the last day of work.
    End,
    /// R7: suspended, until a reviewed change removes `suspended`.
    Suspended,
    /// R6: a leave ended under `reactivation: by-request`; waiting for the change.
    AwaitingReactivation,
    /// R6: the day after a long leave's last day.
    LeaveEnds,
    /// R6: a leave's first day (long or short).
    LeaveBegins,
    /// R4: the first day of work.
    Start,
    /// R4: a required training's completion date.
    Training,
    /// R4: a required training has no completion date in the window.
    TrainingMissing,
    /// `review_by` has passed.
    ReviewOverdue,
    /// `review_by` falls in the window.
    ReviewDue,
    /// R12: a grant's `until` falls in the window.
    GrantEnds,
    /// V15: a separation-of-duties exception's `review_by` has passed.
    ExceptionOverdue,
    /// V15: a separation-of-duties exception's `review_by` falls in the window.
    ExceptionDue,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::End => "end",
            Kind::Suspended => "suspended",
            Kind::AwaitingReactivation => "awaiting-reactivation",
            Kind::LeaveEnds => "leave-ends",
            Kind::LeaveBegins => "leave-begins",
            Kind::Start => "start",
            Kind::Training => "training",
            Kind::TrainingMissing => "training-missing",
            Kind::ReviewOverdue => "review-overdue",
            Kind::ReviewDue => "review-due",
            Kind::GrantEnds => "grant-ends",
            Kind::ExceptionOverdue => "exception-overdue",
            Kind::ExceptionDue => "exception-due",
        }
    }
}

const REACTIVATE: &str =
    "when they are back, remove the `leave` block in a reviewed change to reactivate the roles";

/// The calendar of `repo` from `today` through `today + days`.
pub fn agenda(repo: &AccessRepo, today: NaiveDate, days: u32) -> Agenda {
    let through = today
        .checked_add_days(Days::new(u64::from(days)))
        .unwrap_or(NaiveDate::MAX);
    let window = Window { today, through };
    let mut items = Vec::new();
    for login in &repo.logins {
        events(login, &repo.institution, window, &mut items);
        outstanding(login, &repo.institution, window, &mut items);
        expiring::grants_ending(login, window, &mut items);
        expiring::exceptions_due(login, &repo.institution, window, &mut items);
    }
    items.sort_by_key(|i| {
        let id = i.login.primary_id.to_lowercase();
        (i.date, id, i.kind, i.what.clone())
    });
    Agenda {
        institution: repo.institution.institution.clone(),
        today,
        through,
        days,
        items,
    }
}

/// The days a calendar covers.
#[derive(Clone, Copy)]
pub(super) struct Window {
    pub today: NaiveDate,
    pub through: NaiveDate,
}

impl Window {
    pub fn contains(self, day: NaiveDate) -> bool {
        self.today <= day && day <= self.through
    }
}

/// An item about `login`, for its manager and liaison to act on.
pub(super) fn item(
    login: &Login,
    date: NaiveDate,
    kind: Kind,
    rule: Option<&'static str>,
    what: String,
    todo: Option<String>,
) -> Item {
    let mut who = vec![login.manager.clone()];
    if login.liaison != login.manager {
        who.push(login.liaison.clone());
    }
    Item {
        date,
        kind,
        rule,
        login: LoginRef::of(login),
        what,
        todo,
        who,
    }
}

fn next_day(day: NaiveDate) -> Option<NaiveDate> {
    day.succ_opt()
}

/// Dated events inside the window, each with its effect.
fn events(login: &Login, inst: &Institution, window: Window, out: &mut Vec<Item>) {
    let mut push = |date: NaiveDate, kind: Kind, rule: &'static str, event: String| {
        if !window.contains(date) {
            return;
        }
        let before = standing(login, inst, date.pred_opt().unwrap_or(date));
        if matches!(before, Standing::Ended { .. }) {
            return;
        }
        let after = standing(login, inst, date);
        let what = format!("{event}: {}", effect(&before, &after));
        let todo = event_todo(kind, &after, inst);
        out.push(item(login, date, kind, Some(rule), what, todo));
    };
    if let Some(start) = login.start_date {
        push(start, Kind::Start, "R4", "first day of work".into());
    }
    for name in &inst.required_training {
        if let Some(done) = login.training.get(name) {
            push(
                *done,
                Kind::Training,
                "R4",
                format!("training `{name}` completed"),
            );
        }
    }
    if let Some(end) = login.end_date.and_then(next_day) {
        let last = login.end_date.unwrap_or(end);
        push(
            end,
            Kind::End,
            "R5",
            format!("the last day of work was {last}"),
        );
    }
    if let Some(leave) = login.leave {
        let long = is_long_leave(leave.from, leave.until, inst);
        let span = match leave.until {
            Some(until) => format!(
                "{} to {until}, {} days",
                leave.from,
                (until - leave.from).num_days() + 1
            ),
            None => format!("from {}, open-ended", leave.from),
        };
        let kind = if long { "leave" } else { "short leave" };
        let threshold = if long {
            String::new()
        } else {
            format!(
                ", under the {} days that deactivate",
                inst.leave_deactivation_days
            )
        };
        push(
            leave.from,
            Kind::LeaveBegins,
            "R6",
            format!("{kind} begins ({span}{threshold})"),
        );
        if long && let Some(back) = leave.until.and_then(next_day) {
            let how = match inst.reactivation {
                Reactivation::ByRequest => "",
                Reactivation::Automatic => " (reactivation: automatic)",
            };
            push(
                back,
                Kind::LeaveEnds,
                "R6",
                format!("leave ended {}{how}", leave.until.unwrap_or(back)),
            );
        }
    }
    if let Some(review_by) = login.review_by
        && window.contains(review_by)
        && !matches!(standing(login, inst, review_by), Standing::Ended { .. })
    {
        out.push(item(
            login,
            review_by,
            Kind::ReviewDue,
            None,
            format!("the grant is due for re-certification (review_by {review_by})"),
            Some(recertify(login)),
        ));
    }
}

/// States as of today that wait for someone.
fn outstanding(login: &Login, inst: &Institution, window: Window, out: &mut Vec<Item>) {
    let today = window.today;
    let now = standing(login, inst, today);
    match &now {
        Standing::Ended { .. } => return,
        Standing::Inactive {
            why: Inactivity::Suspended { since, reason },
        } => {
            out.push(item(
                login,
                *since,
                Kind::Suspended,
                Some("R7"),
                format!(
                    "suspended since {since} ({}): roles stay inactive until a reviewed change removes `suspended`",
                    super::reason_str(*reason)
                ),
                Some(
                    "to restore access, remove `suspended` in a reviewed change; \
                     if access is no longer needed, delete the login file"
                        .into(),
                ),
            ));
        }
        Standing::Inactive {
            why: Inactivity::AwaitingReactivation { until },
        } => {
            if let Some(back) = next_day(*until).filter(|d| *d < today) {
                out.push(item(
                    login,
                    back,
                    Kind::AwaitingReactivation,
                    Some("R6"),
                    format!(
                        "leave ended {until}; roles stay inactive until a reviewed change removes the `leave` block (reactivation: by-request)"
                    ),
                    Some(REACTIVATE.into()),
                ));
            }
        }
        _ => {}
    }
    let suspended = login.suspended.is_some();
    let missing: Vec<&str> = inst
        .required_training
        .iter()
        .filter(|t| login.training.get(*t).is_none_or(|d| *d > window.through))
        .map(String::as_str)
        .collect();
    if !suspended && !missing.is_empty() {
        out.push(item(
            login,
            today,
            Kind::TrainingMissing,
            Some("R4"),
            format!(
                "training not recorded: {}; roles stay inactive until it is",
                missing.join(", ")
            ),
            Some("record the completion dates under `training` in a reviewed change".into()),
        ));
    }
    if let Some(review_by) = login.review_by
        && review_by < today
    {
        let late = (today - review_by).num_days();
        out.push(item(
            login,
            review_by,
            Kind::ReviewOverdue,
            None,
            format!(
                "re-certification overdue by {late} day{} (review_by {review_by})",
                if late == 1 { "" } else { "s" }
            ),
            Some(recertify(login)),
        ));
    }
}

fn recertify(login: &Login) -> String {
    format!(
        "re-certify the grant: `alma-access review --unit {}`, then `--confirm {}`",
        login.unit, login.primary_id
    )
}

fn event_todo(kind: Kind, after: &Standing, inst: &Institution) -> Option<String> {
    match (kind, after) {
        (
            Kind::Start | Kind::Training,
            Standing::Inactive {
                why: Inactivity::TrainingMissing { .. },
            },
        ) => Some("record the missing training under `training` in a reviewed change".into()),
        (Kind::End, _) => Some(
            "if the last day moved, change `end_date` in a reviewed change; otherwise delete the login file when convenient"
                .into(),
        ),
        (Kind::LeaveEnds, _) if inst.reactivation == Reactivation::ByRequest => {
            Some(REACTIVATE.into())
        }
        _ => None,
    }
}

/// The change from one day's standing to the next, in words.
fn effect(before: &Standing, after: &Standing) -> String {
    match (before, after) {
        (_, Standing::Ended { .. }) => "every managed role is removed".into(),
        (Standing::Active, Standing::Active) => "no change, roles stay active".into(),
        (_, Standing::Active) => "roles become active".into(),
        (Standing::Active, Standing::Inactive { why }) => {
            format!("roles become inactive ({})", why.short())
        }
        (Standing::Inactive { why: was }, Standing::Inactive { why }) if was == why => {
            format!("no change, roles stay inactive ({})", why.short())
        }
        (_, Standing::Inactive { why }) => format!("roles stay inactive ({})", why.short()),
    }
}
