//! Who must approve one changed file, before anyone's approval is looked
//! at: a [`Draft`] per requirement, with why it is needed, who never counts
//! for it (A2) and which approvers are worth explaining when it is unmet.
//!
//! - A1: a login file needs a liaison of its unit (from the base
//!   `units.yaml`) and its manager. When the manager changes, both the
//!   current (base) manager and the new one sign off; the systems group may
//!   stand in for a current manager who has left. A deleted login needs the
//!   base file's liaison and manager; a login moved to another unit needs a
//!   liaison of each.
//! - A2: the author never counts, nor anyone who wrote or committed the
//!   pull request's commits; the staff member's own `github` handle (at
//!   base or head) never counts for their login.
//! - A3: sensitive logins (base or head) and every change outside the login
//!   folders need a member of the base `approver_groups.systems`. A changed
//!   file that cannot be read needs the systems group too.

use super::approvers::{liaison_explanations, liaisons, systems_group};
use super::input::{Change, FileStatus, parse_strict};
use super::rules::{Approver, Context};
use super::sensitive::{PathKind, exception_reasons, login_reasons};
use crate::model::login::RawLogin;

/// `(handle, why)`.
pub(super) type Note = (String, String);

/// A requirement before evaluation.
#[derive(Clone, Debug)]
pub(super) struct Draft {
    pub who: Approver,
    pub reason: String,
    /// Approvers worth explaining when the requirement is unmet, and why they do not count.
    pub explain: Vec<Note>,
    /// Who never counts (A2), lower-cased, and why.
    pub never: Vec<Note>,
}

/// The two sides of a changed file, as the drafts need them.
struct Sides {
    base_kind: Option<PathKind>,
    head_kind: Option<PathKind>,
    base: Option<RawLogin>,
    head: Option<RawLogin>,
    deleted: bool,
}

/// Every requirement of one changed file, in a fixed order: liaisons,
/// managers, then the systems group.
pub(super) fn for_change(change: &Change, ctx: &Context) -> Vec<Draft> {
    let base_kind = change.file.base_path().map(|p| PathKind::of(p, ctx.prefix));
    let head_kind = change.file.head_path().map(|p| PathKind::of(p, ctx.prefix));
    let mut systems: Vec<String> = Vec::new();
    for kind in [&base_kind, &head_kind].into_iter().flatten() {
        if let Some(reason) = kind.systems_reason() {
            push_unique(&mut systems, reason);
        }
    }
    let sides = Sides {
        base: read_login(&base_kind, &change.base, "base", &mut systems),
        head: read_login(&head_kind, &change.head, "head", &mut systems),
        base_kind,
        head_kind,
        deleted: matches!(change.file.status, FileStatus::Deleted),
    };
    let mut never = own_change(ctx);
    let mut drafts = Vec::new();
    if is_login(&sides) {
        for login in [&sides.base, &sides.head].into_iter().flatten() {
            if let Some(github) = &login.github {
                never.push((
                    github.to_lowercase(),
                    "is the staff member whose login this is (A2)".to_string(),
                ));
            }
        }
        drafts.extend(liaison_drafts(&sides, ctx, &never));
        drafts.extend(manager_drafts(&sides, ctx, &never));
        sensitive_reasons(&sides, ctx, &mut systems);
    }
    if !systems.is_empty() {
        let (handles, note) = systems_group(ctx);
        drafts.push(Draft {
            who: Approver::SystemsGroup { handles },
            reason: with_note(systems.join("; "), note),
            explain: Vec::new(),
            never,
        });
    }
    drafts
}

/// A2: who made the change, and so never counts: the author first, then
/// whoever wrote or committed its commits.
fn own_change(ctx: &Context) -> Vec<Note> {
    let mut never = vec![(
        ctx.author.to_lowercase(),
        "opened the pull request (A2)".to_string(),
    )];
    for handle in ctx.commit_authors {
        let handle = handle.to_lowercase();
        if !never.iter().any(|(h, _)| *h == handle) {
            never.push((
                handle,
                "wrote commits in this pull request (A2)".to_string(),
            ));
        }
    }
    never
}

fn unit_of(kind: &Option<PathKind>) -> Option<String> {
    match kind {
        Some(PathKind::Login { unit }) => Some(unit.clone()),
        _ => None,
    }
}

fn is_login(sides: &Sides) -> bool {
    unit_of(&sides.head_kind)
        .or(unit_of(&sides.base_kind))
        .is_some()
}

/// A1: a liaison of the login's unit, and of the unit it moves from.
fn liaison_drafts(sides: &Sides, ctx: &Context, never: &[Note]) -> Vec<Draft> {
    let (base_unit, head_unit) = (unit_of(&sides.base_kind), unit_of(&sides.head_kind));
    let Some(unit) = head_unit.clone().or(base_unit.clone()) else {
        return Vec::new();
    };
    let mut units = vec![(unit, None)];
    if let (Some(from), Some(to)) = (&base_unit, &head_unit)
        && from != to
    {
        units.push((
            from.clone(),
            Some(format!("the login moves from {from} to {to}")),
        ));
    }
    let mut drafts = Vec::new();
    for (unit, moved) in units {
        let (handles, note) = liaisons(&unit, ctx);
        let reason = match (&moved, sides.deleted) {
            (Some(moved), _) => format!("A1: {moved}; a liaison of {unit} signs off"),
            (None, true) => format!("A1: a liaison of {unit} signs off the deletion"),
            (None, false) => format!("A1: a liaison of {unit} signs off"),
        };
        let named = if moved.is_some() || sides.head.is_none() {
            &sides.base
        } else {
            &sides.head
        };
        drafts.push(Draft {
            explain: liaison_explanations(&unit, &handles, named, ctx),
            who: Approver::Liaison { unit, handles },
            reason: with_note(reason, note),
            never: never.to_vec(),
        });
    }
    drafts
}

/// A1: the login's manager; on a manager change, the current and the new one.
fn manager_drafts(sides: &Sides, ctx: &Context, never: &[Note]) -> Vec<Draft> {
    let draft = |who: Approver, reason: String, explain: Vec<Note>| Draft {
        who,
        reason,
        explain,
        never: never.to_vec(),
    };
    let manager = |handle: &str| Approver::Manager {
        handle: handle.to_string(),
    };
    match (&sides.base, &sides.head) {
        (Some(b), Some(h)) if !b.manager.eq_ignore_ascii_case(&h.manager) => {
            let (old, new) = (&b.manager, &h.manager);
            let (stand_ins, note) = systems_group(ctx);
            vec![
                draft(
                    Approver::CurrentManager {
                        handle: old.clone(),
                        stand_ins,
                    },
                    with_note(
                        format!(
                            "A1: the manager changes from @{old} to @{new}; the current manager @{old} signs off as well as the new one (if @{old} has left, a member of the systems group may stand in)"
                        ),
                        note,
                    ),
                    vec![(
                        new.clone(),
                        format!(
                            "is the new manager; the current manager @{old} (or, if they have left, a member of the systems group) signs off too (A1)"
                        ),
                    )],
                ),
                draft(
                    manager(new),
                    format!(
                        "A1: the manager changes from @{old} to @{new}; the new manager @{new} signs off as well as the current one"
                    ),
                    vec![(
                        old.clone(),
                        format!(
                            "is the current manager; the new manager @{new} signs off too (A1)"
                        ),
                    )],
                ),
            ]
        }
        (_, Some(h)) => vec![draft(
            manager(&h.manager),
            "A1: the login's manager signs off".to_string(),
            Vec::new(),
        )],
        (Some(b), None) => vec![draft(
            manager(&b.manager),
            if sides.deleted {
                "A1: the manager of the deleted login signs off".to_string()
            } else {
                "A1: the login's manager (as at the base) signs off".to_string()
            },
            Vec::new(),
        )],
        (None, None) => Vec::new(),
    }
}

/// A3: why the login, at the head or before the change, needs the systems group.
fn sensitive_reasons(sides: &Sides, ctx: &Context, systems: &mut Vec<String>) {
    let reasons = |login: &Option<RawLogin>| {
        login
            .as_ref()
            .map(|l| login_reasons(l, ctx.base, ctx.head))
            .unwrap_or_default()
    };
    for reason in exception_reasons(sides.base.as_ref(), sides.head.as_ref()) {
        push_unique(systems, format!("{reason} (A3)"));
    }
    let head_reasons = reasons(&sides.head);
    for reason in &head_reasons {
        push_unique(systems, format!("sensitive: {reason} (A3)"));
    }
    for reason in reasons(&sides.base) {
        if !head_reasons.contains(&reason) {
            let when = if sides.deleted {
                ""
            } else {
                " before this change"
            };
            push_unique(systems, format!("sensitive{when}: {reason} (A3)"));
        }
    }
}

/// Reads one side of a login file; problems become reasons for the systems group.
fn read_login(
    kind: &Option<PathKind>,
    text: &Option<String>,
    side: &str,
    systems: &mut Vec<String>,
) -> Option<RawLogin> {
    if !matches!(kind, Some(PathKind::Login { .. })) {
        return None;
    }
    match text {
        None => {
            push_unique(systems, format!("the {side} version could not be read"));
            None
        }
        Some(text) => match parse_strict::<RawLogin>(text) {
            Ok(login) => Some(login),
            Err(e) => {
                push_unique(
                    systems,
                    format!("the {side} version is not a readable login ({e})"),
                );
                None
            }
        },
    }
}

fn with_note(reason: String, note: Option<String>) -> String {
    match note {
        Some(note) => format!("{reason} ({note})"),
        None => reason,
    }
}

fn push_unique(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}
