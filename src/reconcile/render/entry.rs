//! One entry per login: the users of a plan grouped by primary id, one
//! entry for all the environments whose changes (and roles before and
//! after) are the same, one per environment otherwise.

use std::fmt::Write as _;

use similar::{ChangeTag, TextDiff};

use super::super::plan::{Plan, UserPlan, UserStatus};
use super::super::shown::{Shown, shown};
use super::{Legend, and_list, by_code, put, role_line};
use crate::alma::Role;

/// One login in one or more environments with the same changes.
#[derive(Clone, Debug)]
pub struct Entry<'a> {
    /// The same user in each environment, in the plan's order.
    pub users: Vec<&'a UserPlan>,
}

/// The entries of the users with `status`, in the plan's order of first appearance.
pub fn entries(plan: &Plan, status: UserStatus) -> Vec<Entry<'_>> {
    let mut out: Vec<Entry> = Vec::new();
    for user in plan.users.iter().filter(|u| u.status == status) {
        let same = |e: &&mut Entry| {
            let first = e.users[0];
            first.primary_id.eq_ignore_ascii_case(&user.primary_id)
                && first.changes == user.changes
                && first.before == user.before
                && first.after == user.after
                && first.pending == user.pending
                && first.notes == user.notes
        };
        match out.iter_mut().find(same) {
            Some(e) => e.users.push(user),
            None => out.push(Entry { users: vec![user] }),
        }
    }
    out
}

impl Entry<'_> {
    fn first(&self) -> &UserPlan {
        self.users[0]
    }

    /// `production and sandbox`.
    pub fn environments(&self) -> String {
        let envs: Vec<&str> = self.users.iter().map(|u| u.environment.as_str()).collect();
        and_list(&envs)
    }

    /// `Amara Nwosu (student, main) 80419876`, or the id and what happened to the file.
    pub fn person(&self) -> String {
        let user = self.first();
        match &user.requested {
            Some(r) => format!("{} {}", r.person(), user.primary_id),
            None if user.file.is_none() => format!("{} (login file deleted)", user.primary_id),
            None => user.primary_id.clone(),
        }
    }

    /// The changes as shown (a parameter change is one update), in code order.
    pub fn shown(&self) -> Vec<Shown<'_>> {
        let mut changes = shown(&self.first().changes);
        changes.sort_by(|a, b| by_code(a.role(), b.role()));
        changes
    }

    /// What this change asks for, or what the login asks for.
    pub fn request_line(&self) -> Option<String> {
        let user = self.first();
        if !user.request_changes.is_empty() {
            return Some(format!("this change: {}", user.request_changes.join("; ")));
        }
        let lines = user.requested.as_ref()?.lines();
        (!lines.is_empty()).then(|| format!("request: {}", lines.join("; ")))
    }

    /// The whole entry: person and request, each change with its reason, the role diff.
    pub fn detail(&self, out: &mut String, legend: &Legend) {
        let user = self.first();
        put(
            out,
            format!("~ {} in {}", self.person(), self.environments()),
        );
        self.body(out, legend, "    ");
        if let Some(file) = &user.file {
            put(out, format!("    file: {file}"));
        }
    }

    /// Everything but the heading, each line indented by `indent`.
    pub fn body(&self, out: &mut String, legend: &Legend, indent: &str) {
        let user = self.first();
        if let Some(request) = &user.requested {
            put(
                out,
                format!("{indent}request: {}", request.lines().join("; ")),
            );
        }
        if !user.request_changes.is_empty() {
            put(
                out,
                format!("{indent}this change: {}", user.request_changes.join("; ")),
            );
        }
        if let Some(standing) = &user.standing {
            put(out, format!("{indent}standing: {}", standing.describe()));
        }
        for change in self.shown() {
            put(out, format!("{indent}{}", change_line(&change, legend)));
        }
        for note in &user.notes {
            put(out, format!("{indent}note: {note}"));
        }
        put(out, format!("{indent}Alma roles:"));
        role_diff(out, &user.before, &user.after, legend, indent);
    }
}

/// `update 221 Circulation Desk Manager @ MAIN: CirculationDesk MAIN_CIRC → MAIN_CIRC, MAIN_RES (why)`.
fn change_line(change: &Shown<'_>, legend: &Legend) -> String {
    match change {
        Shown::One(c) => format!(
            "{} {}: {}",
            c.kind.label(),
            role_line(&c.role, legend),
            c.reason
        ),
        Shown::Update { from, to } => {
            let values = |r: &Role| {
                r.parameters
                    .iter()
                    .map(|p| p.value.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let kind = to
                .role
                .parameters
                .first()
                .or(from.role.parameters.first())
                .map_or("parameters", |p| p.kind.as_str());
            let name = legend
                .name(&to.role.role_type)
                .map_or(String::new(), |n| format!(" {n}"));
            format!(
                "update {}{name} @ {}: {kind} {} → {}: {}",
                to.role.role_type,
                to.role.scope,
                values(&from.role),
                values(&to.role),
                to.reason
            )
        }
    }
}

/// The Alma role lines before and after, as a diff, roles in code order.
fn role_diff(out: &mut String, before: &[Role], after: &[Role], legend: &Legend, indent: &str) {
    let lines = |roles: &[Role]| -> String {
        let mut sorted: Vec<&Role> = roles.iter().collect();
        sorted.sort_by(|a, b| by_code(a, b));
        sorted
            .iter()
            .map(|r| format!("{}\n", crate::text::line(&role_line(r, legend))))
            .collect()
    };
    let (before, after) = (lines(before), lines(after));
    for change in TextDiff::from_lines(&before, &after).iter_all_changes() {
        let sign = match change.tag() {
            ChangeTag::Delete => '-',
            ChangeTag::Insert => '+',
            ChangeTag::Equal => ' ',
        };
        let _ = write!(out, "{indent}{sign} {change}");
    }
}

/// New logins waiting for their Alma account, with the roles they will get.
pub fn waiting(out: &mut String, plan: &Plan, legend: &Legend) {
    let waiting = entries(plan, UserStatus::Waiting);
    if waiting.is_empty() {
        return;
    }
    out.push('\n');
    put(
        out,
        "Waiting for an Alma account (R1; nothing to do until the user feed creates them):",
    );
    for e in waiting {
        put(out, format!("  {} in {}", e.person(), e.environments()));
        let user = e.first();
        if !user.request_changes.is_empty() {
            put(
                out,
                format!("      this change: {}", user.request_changes.join("; ")),
            );
        }
        if let Some(request) = &user.requested {
            put(
                out,
                format!("      request: {}", request.lines().join("; ")),
            );
        }
        let mut roles: Vec<&Role> = user.pending.iter().collect();
        roles.sort_by(|a, b| by_code(a, b));
        if roles.is_empty() {
            continue;
        }
        put(out, "      will get:");
        for role in roles {
            put(out, format!("        {}", role_line(role, legend)));
        }
    }
}

/// Logins not applied because Alma lacks a role they are granted.
pub(super) fn blocked(out: &mut String, plan: &Plan) {
    let blocked = entries(plan, UserStatus::Blocked);
    if blocked.is_empty() {
        return;
    }
    out.push('\n');
    put(
        out,
        "Blocked: not applied until Alma has every role they are granted:",
    );
    for e in blocked {
        for note in &e.first().notes {
            put(
                out,
                format!("  {} in {}: {note}", e.person(), e.environments()),
            );
        }
    }
}

/// Unchanged logins with something a person should know.
pub(super) fn worth_knowing(out: &mut String, plan: &Plan) {
    let flagged: Vec<Entry> = entries(plan, UserStatus::Unchanged)
        .into_iter()
        .filter(|e| !e.first().notes.is_empty())
        .collect();
    if flagged.is_empty() {
        return;
    }
    out.push('\n');
    put(out, "Unchanged, but worth knowing:");
    for e in flagged {
        for note in &e.first().notes {
            put(
                out,
                format!("  {} in {}: {note}", e.person(), e.environments()),
            );
        }
    }
}
