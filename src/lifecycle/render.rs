//! The lifecycle commands' output for people: the agenda of coming changes
//! and what waits for someone, a unit's logins for re-certification, and
//! what a confirmation wrote. Deterministic; handles shown as mentions and
//! days relative to the day of the run.

use chrono::NaiveDate;

use super::calendar::{Agenda, Item};
use super::propose::Proposal;
use super::recert::{LoginReview, UnitReview};

/// GitHub handles as mentions: `@a, @b`.
pub fn mentions(handles: &[String]) -> String {
    handles
        .iter()
        .map(|h| format!("@{h}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A day relative to today: "today", "in 3 days", "2 days ago".
pub fn relative(day: NaiveDate, today: NaiveDate) -> String {
    match (day - today).num_days() {
        0 => "today".into(),
        1 => "tomorrow".into(),
        -1 => "yesterday".into(),
        n if n > 0 => format!("in {n} days"),
        n => format!("{} days ago", -n),
    }
}

/// The agenda for people: a summary line, then the items grouped by date.
pub fn agenda(agenda: &Agenda) -> String {
    let mut out = format!(
        "Lifecycle of {}: {} through {} ({} day{} ahead): {} item{}, {} needing action\n",
        agenda.institution,
        agenda.today,
        agenda.through,
        agenda.days,
        if agenda.days == 1 { "" } else { "s" },
        agenda.items.len(),
        if agenda.items.len() == 1 { "" } else { "s" },
        agenda.needing_action(),
    );
    if agenda.items.is_empty() {
        out.push_str("\nNothing changes in these days, and nothing is waiting.\n");
        return out;
    }
    let mut date = None;
    for item in &agenda.items {
        if date != Some(item.date) {
            date = Some(item.date);
            out.push_str(&format!(
                "\n{} ({})\n",
                item.date,
                relative(item.date, agenda.today)
            ));
        }
        out.push_str(&item_text(item));
    }
    out
}

fn item_text(item: &Item) -> String {
    let rule = item.rule.map_or(String::new(), |r| format!(" ({r})"));
    let mut out = format!(
        "  {} {} ({}), {}{rule}\n    {}\n",
        item.login.primary_id,
        item.login.name,
        item.login.unit,
        item.kind.as_str(),
        item.what,
    );
    if let Some(todo) = &item.todo {
        out.push_str(&format!("    to do: {todo}\n"));
    }
    out.push_str(&format!(
        "    who: {}; file: {}\n",
        mentions(&item.who),
        item.login.file
    ));
    out
}

/// What a confirmation did: its commit message, then the branch written
/// (or why none was).
pub fn confirmation(
    message: &str,
    branch: &str,
    proposal: Option<&Proposal>,
    nothing: bool,
) -> String {
    let mut out = message.to_string();
    out.push('\n');
    out.push_str(&match (proposal, nothing) {
        (_, true) => {
            "Every confirmed login already has this review_by: no branch written.\n".into()
        }
        (Some(p), false) => format!(
            "Branch {} (commit {}): open a pull request from it.\n",
            p.branch,
            &p.commit[..p.commit.len().min(12)]
        ),
        (None, false) => format!("Dry run: no branch written (it would be {branch}).\n"),
    });
    out
}

/// The unit's logins for people.
pub fn unit_review(review: &UnitReview) -> String {
    let mut out = format!(
        "Re-certification of {} ({}) on {}: {} login{}\n",
        review.unit,
        review.unit_name,
        review.today,
        review.logins.len(),
        if review.logins.len() == 1 { "" } else { "s" }
    );
    out.push_str(&format!(
        "Liaison{}: {}. Confirming a login sets its review_by to {} (every {} days).\n",
        if review.liaisons.len() == 1 { "" } else { "s" },
        mentions(&review.liaisons),
        review.next_review_by,
        review.review_interval_days
    ));
    for login in &review.logins {
        out.push('\n');
        out.push_str(&login_text(login, review.today));
    }
    out.push_str(&format!(
        "\nConfirm with: alma-access review --unit {} --confirm ID... (writes a branch for a pull request)\n",
        review.unit
    ));
    out
}

fn login_text(l: &LoginReview, today: NaiveDate) -> String {
    let mut out = format!(
        "{} {} ({}, {}, type {}: {})\n",
        l.login.primary_id, l.login.name, l.employment, l.kind, l.login_type, l.type_label
    );
    out.push_str(&format!(
        "  manager @{}, liaison @{}; {}\n",
        l.manager, l.liaison, l.login.file
    ));
    let review_by = match l.review_by {
        None => "not set".to_string(),
        Some(d) => format!("{d} ({})", relative(d, today)),
    };
    out.push_str(&format!("  standing: {}\n", l.standing_text));
    out.push_str(&format!("  review_by: {review_by}\n"));
    if let Some(profile) = &l.profile {
        out.push_str(&format!("  profile: {profile}\n"));
    }
    if l.roles.is_empty() {
        out.push_str("  roles: the fixed bundle of its type\n");
    } else {
        out.push_str("  roles:\n");
    }
    for role in &l.roles {
        let mut parts = vec![format!("{} ({})", role.role_type, role.label)];
        if let Some(level) = &role.level {
            parts.push(level.clone());
        }
        for (limit, codes) in &role.limits {
            parts.push(format!("{limit}: {}", codes.join(", ")));
        }
        if let Some(c) = &role.consultation {
            parts.push(format!("consultation {c}"));
        }
        if let Some(d) = role.batch_attestation {
            parts.push(format!("sandbox tested {d}"));
        }
        if role.from_profile {
            parts.push("from the profile".into());
        }
        out.push_str(&format!("    {}\n", parts.join("; ")));
    }
    if !l.work_order_departments.is_empty() {
        out.push_str(&format!(
            "  work order departments: {}\n",
            l.work_order_departments.join(", ")
        ));
    }
    for extra in &l.additional_roles {
        let params: Vec<String> = extra
            .parameters
            .iter()
            .map(|p| format!("{}={}", p.kind, p.value))
            .collect();
        out.push_str(&format!(
            "  additional role {} at {} (consultation {}){}\n",
            extra.alma_role,
            extra.scope,
            extra.consultation,
            if params.is_empty() {
                String::new()
            } else {
                format!(" [{}]", params.join(", "))
            }
        ));
    }
    out
}
