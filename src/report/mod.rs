//! `report`: one static HTML page for auditors, built from the validated
//! repository and a day. [`build`] gathers the facts as plain rows, sorted,
//! so the same repository and day always give the same page: who holds
//! which role type and level by unit; the privileged grants (systems
//! logins, levels needing the systems group's approval, additional roles);
//! the separation-of-duties exceptions ([`duties`]); ends, grants ending,
//! re-certifications and exception reviews due in the next
//! [`WINDOW_DAYS`] days, and those overdue; and each login's standing from
//! [`lifecycle::standing`]. [`html`] renders them into a self-contained page
//! (inline CSS, one small inline script for the text filter, escaped text,
//! a Content-Security-Policy that allows nothing else).

pub mod duties;
mod grants;
pub mod html;
pub mod job;

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};

pub use grants::{Due, DueKind, Holding, Privileged};

use crate::git::FileChange;
use crate::lifecycle::{self, Standing};
use crate::model::{AccessRepo, Login};
use crate::reconcile::plan::{Plan, RoleLine, UserStatus};
use crate::reconcile::render::Legend;
use crate::reconcile::shown::shown;

/// How far ahead the calendar looks, in days.
pub const WINDOW_DAYS: i64 = 60;

/// Everything the page shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub institution: String,
    pub institution_name: Option<String>,
    pub today: NaiveDate,
    /// The commit the files were read at (with `-dirty` for uncommitted changes).
    pub commit: Option<String>,
    pub units: Vec<UnitSection>,
    pub privileged: Vec<Privileged>,
    /// Every separation-of-duties exception (V15).
    pub exceptions: Vec<duties::Exception>,
    pub calendar: Vec<Due>,
    pub logins: Vec<LoginRow>,
    /// With `--alma`: what Alma holds, per login and environment.
    pub alma: Option<Vec<AlmaRow>>,
}

/// One unit and who holds what in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitSection {
    pub id: String,
    pub name: String,
    pub liaisons: Vec<String>,
    pub holdings: Vec<Holding>,
}

/// The login a row is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Who {
    pub primary_id: String,
    pub name: String,
    pub unit: String,
    pub file: String,
}

impl Who {
    fn of(login: &Login) -> Who {
        Who {
            primary_id: login.primary_id.clone(),
            name: login.name.clone(),
            unit: login.unit.clone(),
            file: relative(&login.file),
        }
    }
}

/// A login file's path from the access folder (`logins/<unit>/<id>.yaml`,
/// its last three components), whatever folder the repository was read from.
fn relative(file: &str) -> String {
    let parts: Vec<&str> = file.split(['/', '\\']).collect();
    match parts.as_slice() {
        [.., "logins", unit, name] => format!("logins/{unit}/{name}"),
        _ => file.to_string(),
    }
}

/// Active, inactive or ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum State {
    Active,
    Inactive,
    Ended,
}

impl State {
    pub fn of(standing: &Standing) -> State {
        match standing {
            Standing::Active => State::Active,
            Standing::Inactive { .. } => State::Inactive,
            Standing::Ended { .. } => State::Ended,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            State::Active => "active",
            State::Inactive => "inactive",
            State::Ended => "ended",
        }
    }
}

/// One login's standing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoginRow {
    pub who: Who,
    pub kind: String,
    pub state: State,
    pub why: String,
    pub manager: String,
    pub liaison: String,
    pub review_by: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    /// When the file last changed, and in which commit or merge (when in git).
    pub changed: Option<FileChange>,
    /// The next re-certification: `review_by`, or the last change plus the
    /// institution's review interval.
    pub next_review: Option<NaiveDate>,
}

/// What Alma holds for a login in one environment, and what differs from the files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlmaRow {
    pub who: Who,
    pub environment: String,
    /// The roles Alma holds, named, in code order (empty: no account yet).
    pub roles: Vec<String>,
    /// What a plan would change (drift); empty when Alma matches.
    pub drift: Vec<String>,
    pub waiting: bool,
}

/// Gathers the report of `repo` on `today`.
pub fn build(repo: &AccessRepo, today: NaiveDate, commit: Option<String>) -> Report {
    let mut logins: Vec<&Login> = repo.logins.iter().collect();
    logins.sort_by(|a, b| {
        (&a.unit, a.primary_id.to_lowercase()).cmp(&(&b.unit, b.primary_id.to_lowercase()))
    });
    let mut units: Vec<UnitSection> = repo
        .units
        .0
        .iter()
        .map(|(id, u)| UnitSection {
            id: id.clone(),
            name: u.name.clone(),
            liaisons: u.liaisons.clone(),
            holdings: Vec::new(),
        })
        .collect();
    let mut privileged = Vec::new();
    let mut calendar = Vec::new();
    let mut rows = Vec::new();
    let exceptions = duties::rows(repo, &logins, today);
    for login in logins {
        let standing = lifecycle::standing(login, &repo.institution, today);
        let state = State::of(&standing);
        let holdings = grants::holdings(repo, login, state, &mut privileged);
        if let Some(section) = units.iter_mut().find(|u| u.id == login.unit) {
            section.holdings.extend(holdings);
        }
        grants::due(login, today, &mut calendar);
        rows.push(LoginRow {
            who: Who::of(login),
            kind: kind_label(login),
            state,
            why: match standing {
                Standing::Active => String::new(),
                other => other.describe(),
            },
            manager: login.manager.clone(),
            liaison: login.liaison.clone(),
            review_by: login.review_by,
            end_date: login.end_date,
            changed: None,
            next_review: login.review_by,
        });
    }
    calendar.sort_by(|a, b| {
        (a.date, a.kind, a.who.primary_id.to_lowercase()).cmp(&(
            b.date,
            b.kind,
            b.who.primary_id.to_lowercase(),
        ))
    });
    Report {
        institution: repo.institution.institution.clone(),
        institution_name: repo.institution.name.clone(),
        today,
        commit,
        units,
        privileged,
        exceptions,
        calendar,
        logins: rows,
        alma: None,
    }
}

impl Report {
    /// Adds when each login file last changed (from git), and the next
    /// re-certification of those without `review_by`: the last change plus
    /// `interval_days`.
    pub fn with_history(
        mut self,
        changes: &BTreeMap<String, FileChange>,
        interval_days: u32,
    ) -> Report {
        for row in &mut self.logins {
            row.changed = changes.get(&row.who.file).cloned();
            if row.review_by.is_none() {
                row.next_review = row
                    .changed
                    .as_ref()
                    .and_then(|c| c.date.checked_add_days(Days::new(u64::from(interval_days))));
            }
        }
        self
    }

    /// Adds what Alma holds, from a plan of every login.
    pub fn with_alma(mut self, plan: &Plan, legend: &Legend) -> Report {
        let mut rows = Vec::new();
        for user in &plan.users {
            let Some(row) = self
                .logins
                .iter()
                .find(|l| l.who.primary_id.eq_ignore_ascii_case(&user.primary_id))
            else {
                continue;
            };
            let mut held: Vec<&crate::alma::Role> = user.before.iter().collect();
            held.sort_by(|a, b| {
                let n = |r: &crate::alma::Role| r.role_type.parse::<u64>().unwrap_or(u64::MAX);
                n(a).cmp(&n(b)).then_with(|| a.cmp(b))
            });
            rows.push(AlmaRow {
                who: row.who.clone(),
                environment: user.environment.clone(),
                roles: held
                    .iter()
                    .map(|r| RoleLine(r, legend.name(&r.role_type)).to_string())
                    .collect(),
                drift: shown(&user.changes)
                    .iter()
                    .map(|c| {
                        format!(
                            "{} {}",
                            c.label(),
                            RoleLine(c.role(), legend.name(&c.role().role_type))
                        )
                    })
                    .collect(),
                waiting: user.status == UserStatus::Waiting,
            });
        }
        self.alma = Some(rows);
        self
    }
}

fn kind_label(login: &Login) -> String {
    match login.login {
        crate::model::LoginKind::Personal => login.kind.as_str().to_string(),
        other => format!("{} ({})", login.kind.as_str(), other.as_str()),
    }
}

#[cfg(test)]
mod tests;
