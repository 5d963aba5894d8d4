//! The rules for one role type request of a login (V5-V10, V13): the role
//! type and level exist in the catalogue, the limiting codes are present and
//! the unit's own, the level's restrictions hold (login kind, business need,
//! batch attestation, consultation, unit flag). A request that passes
//! becomes a validated [`RoleGrant`]. Beside them, the warning on
//! `additional_roles` scoped outside the institution, which the tool adds
//! but does not manage.

use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::model::catalog::{Level, RoleType};
use crate::model::login::{AdditionalRole, Attestation, RawRoleRequest};
use crate::model::{Employment, LimitKind, LoginKind, RoleGrant, Unit};
use crate::yaml::{Span, Step};

use super::{Doc, Tables, date, steps};

/// The login a request belongs to, as far as the role rules need it.
pub(crate) struct Holder<'a> {
    pub doc: Doc<'a>,
    pub unit_id: &'a str,
    pub unit: &'a Unit,
    pub employment: Employment,
    pub login: LoginKind,
    pub has_business_need: bool,
}

/// Where a request was written: in the login file, or in its profile.
pub(crate) enum Origin<'a> {
    Login,
    Profile { name: &'a str, doc: Doc<'a> },
}

struct Site<'a> {
    holder: &'a Holder<'a>,
    origin: &'a Origin<'a>,
    role_type: &'a str,
}

impl Site<'_> {
    /// The place to point at: the field in the login, or the login's `profile:` line.
    fn span(&self, field: &[Step], key: bool) -> Span {
        let doc = &self.holder.doc;
        match self.origin {
            Origin::Login => {
                let mut at = steps!["roles", self.role_type];
                at.extend_from_slice(field);
                if key { doc.key(&at) } else { doc.value(&at) }
            }
            Origin::Profile { .. } => doc.value(&steps!["profile"]),
        }
    }

    fn error(&self, code: Code, field: &[Step], key: bool, message: String) -> Diagnostic {
        let d = self.holder.doc.error(code, self.span(field, key), message);
        match self.origin {
            Origin::Login => d,
            Origin::Profile { name, doc } => d.note(format!(
                "the `{}` role comes from profile `{name}` ({})",
                self.role_type, doc.file
            )),
        }
    }
}

/// Checks one request and returns it validated when it has no error.
pub(crate) fn check(
    tables: &Tables<'_>,
    holder: &Holder<'_>,
    origin: &Origin<'_>,
    name: &str,
    raw: &RawRoleRequest,
    out: &mut Vec<Diagnostic>,
) -> Option<RoleGrant> {
    let site = Site {
        holder,
        origin,
        role_type: name,
    };
    let before = out.len();
    let Some(role_type) = tables.catalog.role_types.get(name) else {
        let d = site.error(
            Code::UnknownRoleType,
            &[],
            true,
            format!("role type `{name}` is not in catalog.yaml"),
        );
        out.push(
            match did_you_mean(name, tables.catalog.role_types.keys().map(String::as_str)) {
                Some(near) => d.help(format!("did you mean `{near}`?")),
                None => d.help(format!(
                    "use one of: {}",
                    join(tables.catalog.role_types.keys().map(String::as_str))
                )),
            },
        );
        return None;
    };
    // The limits do not depend on the level: check them whatever it is.
    let level = level(&site, role_type, raw, out);
    limits(&site, role_type, raw, out);
    let level = level?;
    let level_field = if raw.level.is_some() {
        steps!["level"]
    } else {
        Vec::new()
    };
    let level_key = raw.level.is_none();
    let level_label = raw
        .level
        .as_deref()
        .map_or(format!("`{name}`"), |l| format!("`{name}` {l}"));

    // V6: a level reserved for one kind of login.
    if let Some(only) = level.only_login
        && only != holder.login
    {
        out.push(
            site.error(
                Code::OperatorNeedsSharedDesk,
                &level_field,
                level_key,
                format!("{level_label} is for `login: {}` only", only.as_str()),
            )
            .help("choose another level, or request a login of that kind"),
        );
    }
    // V7: business need for students and temps.
    if level.business_need_for.contains(&holder.employment) && !holder.has_business_need {
        out.push(
            site.error(Code::BusinessNeedMissing, &level_field, level_key, format!("{level_label} for a {} needs a `business_need`", holder.employment.as_str()))
                .help("add `business_need:` saying why this person needs it, e.g. \"Evening supervisor; looks up patrons by name\""),
        );
    }
    // V8: batch attestation.
    let attestation = match &raw.batch_attestation {
        Some(a) => {
            let tested = date(
                &holder.doc,
                &site_path(&site, &steps!["batch_attestation", "sandbox_tested_on"]),
                &a.sandbox_tested_on,
                out,
            );
            tested.map(|sandbox_tested_on| Attestation {
                documentation_read: a.documentation_read,
                sandbox_tested_on,
            })
        }
        None => None,
    };
    if level.requires_batch_attestation {
        match (&raw.batch_attestation, &attestation) {
            (None, _) => out.push(
                site.error(Code::BatchAttestation, &level_field, level_key, format!("{level_label} (record loads, batch updates) needs a `batch_attestation`"))
                    .help("add `batch_attestation: {documentation_read: true, sandbox_tested_on: YYYY-MM-DD}` once the documentation is read and the work tested on the sandbox"),
            ),
            (Some(a), _) if !a.documentation_read => out.push(
                site.error(Code::BatchAttestation, &steps!["batch_attestation", "documentation_read"], false, "the batch documentation has not been read".into())
                    .help("set `documentation_read: true` once the staff member has read the jobs and batch processes documentation"),
            ),
            (_, Some(a)) if a.sandbox_tested_on > tables.today => out.push(
                site.error(Code::BatchAttestation, &steps!["batch_attestation", "sandbox_tested_on"], false, format!("the sandbox test date {} is in the future", a.sandbox_tested_on))
                    .help("record the date the work was actually tested on the sandbox"),
            ),
            _ => {}
        }
    }
    // V9: consultation.
    if role_type.needs_consultation(level) && raw.consultation.is_none() {
        out.push(
            site.error(
                Code::ConsultationMissing,
                &[],
                true,
                format!("{level_label} needs a `consultation` reference from the systems team"),
            )
            .help("consult the central systems team first and add `consultation: <ticket>`"),
        );
    }
    // V10: unit flags.
    if let Some(flag) = role_type.unit_flag(level)
        && !holder.unit.has_flag(flag)
    {
        out.push(
            site.error(Code::UnitFlagRequired, &level_field, level_key, format!("{level_label} is only for units flagged `{}`", flag.as_str()))
                .help(format!("unit `{}` is not flagged `{}`; ask the systems team if this person's work needs it", holder.unit_id, flag.as_str())),
        );
    }
    if out[before..].iter().any(Diagnostic::is_error) {
        return None;
    }
    Some(RoleGrant {
        level: raw.level.clone(),
        po_line_owners: raw.po_line_owners.clone().unwrap_or_default(),
        circulation_desks: raw.circulation_desks.clone().unwrap_or_default(),
        departments: raw.departments.clone().unwrap_or_default(),
        batch_attestation: attestation,
        consultation: raw.consultation.clone(),
        from_profile: matches!(origin, Origin::Profile { .. }),
    })
}

/// Warns on each of `roles` whose scope is neither the institution, one of
/// its libraries (the `alma_library` codes of units.yaml) nor a
/// `managed_scopes` entry: roles there pass through untouched, so the tool
/// adds such a role but never changes (deactivates, expires) or removes it.
pub(crate) fn additional_scopes(
    tables: &Tables<'_>,
    doc: &Doc<'_>,
    roles: &[AdditionalRole],
    out: &mut Vec<Diagnostic>,
) {
    let institution = tables.institution;
    let managed = |scope: &str| {
        scope == institution.institution
            || institution.managed_scopes.contains(scope)
            || tables.units.0.values().any(|u| u.alma_library == scope)
    };
    for (i, role) in roles.iter().enumerate() {
        if managed(&role.scope) {
            continue;
        }
        out.push(
            doc.warning(
                Code::ScopeNotManaged,
                doc.value(&steps!["additional_roles", i, "scope"]),
                format!(
                    "`{}` is neither the institution ({}) nor one of its libraries: the tool adds role {} there but never changes or removes it",
                    role.scope, institution.institution, role.alma_role
                ),
            )
            .help(format!(
                "scope it to the institution or a library of units.yaml; if the tool should manage roles at `{}` (a network zone, say), list it under `managed_scopes` in institution.yaml",
                role.scope
            )),
        );
    }
}

/// The request's level in the catalogue (V13), reported when missing,
/// superfluous or unknown.
fn level<'c>(
    site: &Site<'_>,
    role_type: &'c RoleType,
    raw: &RawRoleRequest,
    out: &mut Vec<Diagnostic>,
) -> Option<&'c Level> {
    let name = site.role_type;
    let levels = role_type.level_names();
    let (code_at, key, message, help) = match (&raw.level, levels.is_empty()) {
        (None, false) => (
            Vec::new(),
            true,
            format!("role type `{name}` needs a `level`"),
            format!("add `level:` with one of: {}", levels.join(", ")),
        ),
        (Some(l), true) => (
            steps!["level"],
            false,
            format!("role type `{name}` has a single level; `level: {l}` does not apply"),
            format!("remove `level`; write `{name}: {{}}`"),
        ),
        (level, _) => {
            if let Some(found) = role_type.level(level.as_deref()) {
                return Some(found);
            }
            let l = level.as_deref().unwrap_or_default();
            let help = match did_you_mean(l, levels.iter().copied()) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("use one of: {}", levels.join(", ")),
            };
            (
                steps!["level"],
                false,
                format!("`{name}` has no level `{l}`"),
                help,
            )
        }
    };
    out.push(
        site.error(Code::UnknownLevel, &code_at, key, message)
            .help(help),
    );
    None
}

/// V5: the limiting codes are given where the role type needs them, only
/// there, and are the unit's own.
fn limits(site: &Site<'_>, role_type: &RoleType, raw: &RawRoleRequest, out: &mut Vec<Diagnostic>) {
    let (name, holder) = (site.role_type, site.holder);
    for kind in LimitKind::ALL {
        let given = match kind {
            LimitKind::PoLineOwners => &raw.po_line_owners,
            LimitKind::CirculationDesks => &raw.circulation_desks,
            LimitKind::Departments => &raw.departments,
        };
        let allowed = unit_codes(holder.unit, kind);
        if role_type.limited_by == Some(kind) {
            match given {
                None => out.push(
                    site.error(
                        Code::MissingLimit,
                        &[],
                        true,
                        format!("`{name}` roles must be limited to `{}`", kind.key()),
                    )
                    .help(format!(
                        "add `{}:` listing the codes this person works at; {} lists: {}",
                        kind.key(),
                        holder.unit_id,
                        join(allowed.iter().map(String::as_str))
                    )),
                ),
                Some(codes) => {
                    for (i, code) in codes.iter().enumerate() {
                        if !allowed.contains(code) {
                            out.push(
                                site.error(
                                    Code::CodeNotInUnit,
                                    &steps![kind.key(), i],
                                    false,
                                    format!(
                                        "`{code}` is not one of the {} of unit `{}`",
                                        kind.key().replace('_', " "),
                                        holder.unit_id
                                    ),
                                )
                                .help(format!(
                                    "use one of: {} (or add it to the unit in units.yaml)",
                                    join(allowed.iter().map(String::as_str))
                                )),
                            );
                        }
                    }
                }
            }
        } else if given.is_some() {
            out.push(
                site.error(
                    Code::LimitNotApplicable,
                    &steps![kind.key()],
                    true,
                    format!("`{name}` roles are not limited by `{}`", kind.key()),
                )
                .help(format!("remove `{}` from `{name}`", kind.key())),
            );
        }
    }
}

fn site_path(site: &Site<'_>, field: &[Step]) -> Vec<Step> {
    match site.origin {
        Origin::Login => {
            let mut at = steps!["roles", site.role_type];
            at.extend_from_slice(field);
            at
        }
        Origin::Profile { .. } => steps!["profile"],
    }
}

pub(crate) fn unit_codes(unit: &Unit, kind: LimitKind) -> &[String] {
    match kind {
        LimitKind::PoLineOwners => &unit.po_line_owners,
        LimitKind::CirculationDesks => &unit.circulation_desks,
        LimitKind::Departments => &unit.departments,
    }
}

pub(crate) fn join<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<&str> = items.collect();
    if v.is_empty() {
        "(none)".to_string()
    } else {
        v.join(", ")
    }
}
