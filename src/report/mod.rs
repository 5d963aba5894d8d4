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
pub mod html;
pub mod job;

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};

use crate::git::FileChange;
use crate::lifecycle::{self, Standing};
use crate::model::{AccessRepo, Login, LoginType};
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
        let holdings = holdings(repo, login, state, &mut privileged);
        if let Some(section) = units.iter_mut().find(|u| u.id == login.unit) {
            section.holdings.extend(holdings);
        }
        due(login, today, &mut calendar);
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

/// The grants of one login, and the privileged ones among them.
fn holdings(
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
fn due(login: &Login, today: NaiveDate, out: &mut Vec<Due>) {
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
    if let Some(review) = login.review_by {
        if review < today {
            // A login that has ended needs no re-certification.
            if login.end_date.is_none_or(|end| end >= today) {
                push(review, DueKind::ReviewOverdue);
            }
        } else if soon(review) {
            push(review, DueKind::Review);
        }
    }
    let ended = |day: NaiveDate| login.end_date.is_some_and(|end| end < day);
    for grant in login.roles.values() {
        // A grant that lasts as long as the login ends with it.
        let outlived = |until: &NaiveDate| login.end_date.is_some_and(|end| end <= *until);
        if let Some(until) = grant.until.filter(|d| soon(*d) && !outlived(d)) {
            push(until, DueKind::GrantEnds);
        }
    }
    for e in &login.sod_exceptions {
        if e.review_by < today && !ended(today) {
            push(e.review_by, DueKind::ExceptionOverdue);
        } else if soon(e.review_by) {
            push(e.review_by, DueKind::ExceptionReview);
        }
    }
}

#[cfg(test)]
mod tests;
