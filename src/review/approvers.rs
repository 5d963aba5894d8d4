//! Who may approve, looked up in the tables: a unit's liaisons (from the
//! base `units.yaml`, or the head one only when the base has no such unit or
//! no file), the systems group (from the base `institution.yaml`, likewise),
//! and, for a liaison requirement, the approvers worth explaining (liaisons
//! of other units, a `liaison:` the file names who is not the unit's).
//! When nobody can approve, the note says why.

use super::input::Table;
use super::rules::Context;
use crate::model::login::RawLogin;

/// The unit's liaisons: from the base units.yaml, or the head one when the
/// base has none or the unit is new.
pub(super) fn liaisons(unit: &str, ctx: &Context) -> (Vec<String>, Option<String>) {
    let from_head = |note: &str| match ctx.head.units.get().and_then(|u| u.get(unit)) {
        Some(u) => (sorted(&u.liaisons), Some(note.to_string())),
        None => (
            Vec::new(),
            Some(format!("nobody can approve: {unit} is not in units.yaml")),
        ),
    };
    match &ctx.base.units {
        Table::Read(units) => match units.get(unit) {
            Some(u) => (sorted(&u.liaisons), None),
            None => from_head("the unit is new in this pull request"),
        },
        Table::Absent => from_head("units.yaml is new in this pull request"),
        Table::Broken(e) => (
            Vec::new(),
            Some(format!(
                "nobody can approve: units.yaml at the base cannot be read: {e}"
            )),
        ),
    }
}

/// The systems group: from the base institution.yaml, or the head one when the base has none.
pub(super) fn systems_group(ctx: &Context) -> (Vec<String>, Option<String>) {
    let members = |t: &Table<crate::model::Institution>| {
        t.get()
            .map(|i| sorted(&i.systems_group().map(str::to_string).collect::<Vec<_>>()))
    };
    match &ctx.base.institution {
        Table::Read(_) => {
            let handles = members(&ctx.base.institution).unwrap_or_default();
            let note = handles
                .is_empty()
                .then(|| "nobody can approve: approver_groups.systems is empty".to_string());
            (handles, note)
        }
        Table::Absent => match members(&ctx.head.institution) {
            Some(h) => (
                h,
                Some("institution.yaml is new in this pull request".into()),
            ),
            None => (
                Vec::new(),
                Some("nobody can approve: there is no institution.yaml".into()),
            ),
        },
        Table::Broken(e) => (
            Vec::new(),
            Some(format!(
                "nobody can approve: institution.yaml at the base cannot be read: {e}"
            )),
        ),
    }
}

/// Approvers worth explaining on a liaison requirement: liaisons of other
/// units, and a `liaison:` the file names who is not one of the unit's.
pub(super) fn liaison_explanations(
    unit: &str,
    handles: &[String],
    login: &Option<RawLogin>,
    ctx: &Context,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let is_candidate = |h: &str| handles.iter().any(|c| c.eq_ignore_ascii_case(h));
    if let Some(login) = login
        && !is_candidate(&login.liaison)
    {
        out.push((
            login.liaison.clone(),
            format!(
                "is named as liaison in the file, but units.yaml does not list them for {unit}"
            ),
        ));
    }
    if ctx.base.units.get().is_some() {
        for h in ctx
            .head
            .units
            .get()
            .and_then(|u| u.get(unit))
            .map(|u| u.liaisons.iter())
            .into_iter()
            .flatten()
        {
            if !is_candidate(h) {
                out.push((
                    h.clone(),
                    format!("is a liaison of {unit} only in this pull request's units.yaml"),
                ));
            }
        }
    }
    let units = ctx.base.units.get().or(ctx.head.units.get());
    for (other, u) in units.map(|u| u.0.iter()).into_iter().flatten() {
        if other == unit {
            continue;
        }
        for h in &u.liaisons {
            if !is_candidate(h) {
                out.push((h.clone(), format!("is a liaison of {other}, not of {unit}")));
            }
        }
    }
    out
}

pub(super) fn sorted(handles: &[String]) -> Vec<String> {
    let mut v = handles.to_vec();
    v.sort_by_key(|h| h.to_lowercase());
    v.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    v
}
