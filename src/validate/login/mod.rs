//! The rules for one login file, each a function of its own: its name and
//! folder (V1, [`identity`]), dates and trainings (V12, R4, [`dates`]),
//! unit, liaison and profile (V2, [`identity`]), the fields merged with the
//! profile's (V3, V13, V11, [`merged`]), the login type and kind (V3, V4,
//! V6, V9, [`kind`]); then each role request ([`super::roles`]) and the
//! separation of duties of the grants together (V15, [`duties`]). A login
//! that passes becomes a validated [`Login`].

mod dates;
mod duties;
mod identity;
mod kind;
mod merged;

use std::collections::BTreeMap;

use crate::diag::Diagnostic;
use crate::load::{FileKind, SourceFile};
use crate::model::login::RawLogin;
use crate::model::{Login, LoginType, RoleGrant, SodException, Unit};

use super::finding::report;
use super::roles::{self, Holder, Origin};
use super::{Doc, Tables};

pub(crate) use identity::Seen;

/// The profile a login names, as read.
#[derive(Clone, Copy)]
pub(super) struct Profile<'a> {
    pub name: &'a str,
    pub profile: &'a crate::model::Profile,
    /// The file it was read from, as shown.
    pub file: &'a str,
}

/// Checks the login of `file` against every rule, its id against those
/// `seen` before (V1); the validated login when nothing is wrong.
pub(crate) fn check<'l>(
    tables: &Tables<'_>,
    seen: &mut Seen<'l>,
    file: &'l SourceFile,
    doc: &Doc<'_>,
    raw: RawLogin,
    out: &mut Vec<Diagnostic>,
) -> Option<Login> {
    let kind = &file.kind;
    if let Some(repeated) = seen.record(file, &raw.primary_id) {
        report(doc, [repeated], out);
        return None;
    }
    let before = out.len();
    let checked = check_one(tables, doc, kind, &raw, out)?;
    if out[before..].iter().any(Diagnostic::is_error) {
        return None;
    }
    Some(checked.into_login(doc.file, raw))
}

/// The rules that need no other file (V1 names, V12 dates), used when the tables are unusable.
pub(crate) fn check_standalone(
    doc: &Doc<'_>,
    kind: &FileKind,
    raw: &RawLogin,
    out: &mut Vec<Diagnostic>,
) {
    report(doc, identity::names(kind, raw), out);
    report(doc, dates::dates(raw).1, out);
}

/// What the checks of a login worked out, for the validated login.
struct Checked {
    dates: dates::Dates,
    fields: merged::Fields,
    environments: Vec<String>,
    roles: BTreeMap<String, Box<RoleGrant>>,
    sod_exceptions: Vec<SodException>,
}

/// Runs every rule on a login, stopping where a finding leaves the rest
/// unknown (an unknown unit or profile, fields missing from both).
fn check_one(
    tables: &Tables<'_>,
    doc: &Doc<'_>,
    kind: &FileKind,
    raw: &RawLogin,
    out: &mut Vec<Diagnostic>,
) -> Option<Checked> {
    report(doc, identity::names(kind, raw), out);
    let (dates, bad) = dates::dates(raw);
    report(doc, bad, out);
    report(doc, dates::trainings(tables.institution, raw), out);
    let unit = identity::unit(tables, raw)
        .map_err(|unknown| report(doc, [unknown], out))
        .ok()?;
    report(doc, identity::liaison(raw, unit), out);
    let profile = identity::profile(tables, raw)
        .map_err(|unknown| report(doc, unknown, out))
        .ok()?;
    report(
        doc,
        profile.and_then(|p| identity::profile_open(raw, &p)),
        out,
    );
    let fields = merged::fields(raw, profile.as_ref())
        .map_err(|missing| report(doc, missing, out))
        .ok()?;
    let (environments, unknown) = merged::environments(tables.institution, raw, profile.as_ref());
    report(doc, unknown, out);
    report(
        doc,
        kind::type_roles(raw, profile.as_ref(), fields.kind),
        out,
    );
    report(doc, kind::systems(raw, unit, fields.kind), out);
    let additional = kind::additional(tables.institution, tables.units, &raw.additional_roles);
    report(doc, additional, out);
    report(
        doc,
        kind::shared_desk(tables.catalog, raw, profile.as_ref(), &fields),
        out,
    );
    report(doc, merged::work_orders(raw, unit, &fields), out);
    let before = out.len();
    let roles = role_requests(tables, doc, raw, unit, profile, &fields, out);
    report(
        doc,
        dates::grants_after_start(dates.start_date, &roles),
        out,
    );
    let holding = duties::Holding {
        catalog: tables.catalog,
        grants: &roles,
        profile: profile.map(|p| p.name),
        complete: !out[before..].iter().any(Diagnostic::is_error),
        today: tables.today,
    };
    let sod_exceptions = duties::check(doc, &holding, &raw.sod_exceptions, out);
    Some(Checked {
        dates,
        fields,
        environments,
        roles,
        sod_exceptions,
    })
}

/// Checks the role requests of a custom login, the profile's first and the
/// login's over them; the grants that pass.
fn role_requests(
    tables: &Tables<'_>,
    doc: &Doc<'_>,
    raw: &RawLogin,
    unit: &Unit,
    profile: Option<Profile<'_>>,
    fields: &merged::Fields,
    out: &mut Vec<Diagnostic>,
) -> BTreeMap<String, Box<RoleGrant>> {
    let mut grants = BTreeMap::new();
    if fields.kind != LoginType::Custom {
        return grants;
    }
    let holder = Holder {
        doc: *doc,
        unit_id: &raw.unit,
        unit,
        employment: fields.employment,
        login: fields.login,
        has_business_need: fields.business_need.is_some(),
    };
    if let Some(p) = profile {
        let origin = Origin::Profile {
            name: p.name,
            file: p.file,
        };
        let inherited = p
            .profile
            .roles
            .iter()
            .filter(|(rt, _)| !raw.roles.contains_key(*rt));
        for (rt, request) in inherited {
            if let Some(grant) = roles::check(tables, &holder, &origin, rt, request, out) {
                grants.insert(rt.clone(), Box::new(grant));
            }
        }
    }
    for (rt, request) in &raw.roles {
        if let Some(grant) = roles::check(tables, &holder, &Origin::Login, rt, request, out) {
            grants.insert(rt.clone(), Box::new(grant));
        }
    }
    grants
}

impl Checked {
    /// The validated login: the file's values, moved, with what the checks worked out.
    fn into_login(self, file: &str, raw: RawLogin) -> Login {
        let Checked {
            dates,
            fields,
            environments,
            roles,
            sod_exceptions,
        } = self;
        Login {
            file: file.to_string(),
            primary_id: raw.primary_id,
            name: raw.name,
            email: raw.email,
            unit: raw.unit,
            github: raw.github,
            employment: fields.employment,
            login: fields.login,
            kind: fields.kind,
            manager: raw.manager,
            liaison: raw.liaison,
            environments,
            profile: raw.profile,
            roles,
            work_order_departments: fields.work_order_departments,
            additional_roles: raw.additional_roles,
            training: dates.training,
            start_date: dates.start_date,
            end_date: dates.end_date,
            leave: dates.leave,
            suspended: dates.suspended,
            review_by: dates.review_by,
            business_need: fields.business_need,
            consultation: raw.consultation,
            sod_exceptions,
            notes: raw.notes,
        }
    }
}
