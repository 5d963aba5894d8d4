//! The login's type and kind: fixed bundles take no roles and a custom
//! login needs one (V3), systems logins belong to the systems unit (V4)
//! and need a consultation (V9), as do additional roles (V9), which are
//! warned of when scoped where the tool does not manage roles; shared-desk
//! logins hold fulfillment roles only (V6).

use crate::diag::{Code, Diagnostic};
use crate::model::login::{AdditionalRole, RawLogin};
use crate::model::{Catalog, Institution, LimitKind, LoginKind, LoginType, Unit, UnitFlag, Units};

use super::super::finding::{Finding, Place};
use super::super::{Doc, steps};
use super::Profile;
use super::merged::Fields;

/// V3: roles on a fixed bundle, or a custom login without any.
pub(super) enum TypeRoles {
    OnFixedType { at: Place, kind: LoginType },
    CustomWithout,
}

pub(super) fn type_roles(
    raw: &RawLogin,
    profile: Option<&Profile<'_>>,
    kind: LoginType,
) -> Option<TypeRoles> {
    let has_roles = !raw.roles.is_empty() || profile.is_some_and(|p| !p.profile.roles.is_empty());
    let additional = !raw.additional_roles.is_empty();
    if kind == LoginType::Custom {
        return (!has_roles && !additional).then_some(TypeRoles::CustomWithout);
    }
    if !has_roles && !additional {
        return None;
    }
    let at = if raw.roles.is_empty() && !additional {
        steps!["profile"]
    } else if raw.roles.is_empty() {
        steps!["additional_roles"]
    } else {
        steps!["roles"]
    };
    Some(TypeRoles::OnFixedType {
        at: Place::key(at),
        kind,
    })
}

impl Finding for TypeRoles {
    fn to_diagnostic(&self, doc: &Doc<'_>) -> Diagnostic {
        match self {
            TypeRoles::OnFixedType { at, kind } => doc
                .error(
                    Code::RolesOnFixedType,
                    at.span(doc),
                    format!("a `{}` login is a fixed bundle and takes no roles", kind.as_str()),
                )
                .help("remove the roles, or use `type: custom` and list every role type needed"),
            TypeRoles::CustomWithout => doc
                .error(
                    Code::CustomWithoutRoles,
                    doc.value(&steps!["type"]),
                    "a custom login needs at least one role",
                )
                .help("add `roles:` with the role types this person's work needs, or use `type: view`"),
        }
    }
}

/// V4 and V9: a systems login outside the systems unit, or without a consultation.
pub(super) enum Systems<'a> {
    OutsideUnit { unit: &'a str },
    NoConsultation,
}

pub(super) fn systems<'a>(raw: &'a RawLogin, unit: &Unit, kind: LoginType) -> Vec<Systems<'a>> {
    let mut found = Vec::new();
    if kind != LoginType::Systems {
        return found;
    }
    if !unit.has_flag(UnitFlag::Systems) {
        found.push(Systems::OutsideUnit { unit: &raw.unit });
    }
    if raw.consultation.is_none() {
        found.push(Systems::NoConsultation);
    }
    found
}

impl Finding for Systems<'_> {
    fn to_diagnostic(&self, doc: &Doc<'_>) -> Diagnostic {
        let at = doc.value(&steps!["type"]);
        match self {
            Systems::OutsideUnit { unit } => doc
                .error(
                    Code::SystemsOutsideSystemsUnit,
                    at,
                    format!("unit `{unit}` is not flagged `systems`; systems logins are for the central systems team"),
                )
                .help("use `type: custom` with the role types needed"),
            Systems::NoConsultation => doc
                .error(
                    Code::ConsultationMissing,
                    at,
                    "a systems login needs a `consultation` reference",
                )
                .help("add `consultation: <ticket>` naming the consultation that granted it"),
        }
    }
}

/// Additional roles: one without a consultation reference (V9), or one
/// scoped where the tool does not manage roles (a warning: it adds the
/// role there but never changes or removes it).
pub(super) enum Additional<'a> {
    NoConsultation {
        index: usize,
    },
    ScopeNotManaged {
        index: usize,
        role: &'a AdditionalRole,
        institution: &'a str,
    },
}

pub(super) fn additional<'a>(
    institution: &'a Institution,
    units: &Units,
    roles: &'a [AdditionalRole],
) -> Vec<Additional<'a>> {
    let managed = |scope: &str| {
        scope == institution.institution
            || institution.managed_scopes.contains(scope)
            || units.0.values().any(|u| u.alma_library == scope)
    };
    let mut found = Vec::new();
    for (index, role) in roles.iter().enumerate() {
        if !managed(&role.scope) {
            found.push(Additional::ScopeNotManaged {
                index,
                role,
                institution: &institution.institution,
            });
        }
        // The schema requires the reference; it must also not be blank.
        if role.consultation.trim().is_empty() {
            found.push(Additional::NoConsultation { index });
        }
    }
    found
}

impl Finding for Additional<'_> {
    fn to_diagnostic(&self, doc: &Doc<'_>) -> Diagnostic {
        match self {
            Additional::NoConsultation { index } => doc
                .error(
                    Code::ConsultationMissing,
                    doc.value(&steps!["additional_roles", *index, "consultation"]),
                    "additional roles need a consultation reference",
                )
                .help("add the reference of the consultation with the systems team"),
            Additional::ScopeNotManaged { index, role, institution } => doc
                .warning(
                    Code::ScopeNotManaged,
                    doc.value(&steps!["additional_roles", *index, "scope"]),
                    format!(
                        "`{}` is neither the institution ({institution}) nor one of its libraries: the tool adds role {} there but never changes or removes it",
                        role.scope, role.alma_role
                    ),
                )
                .help(format!(
                    "scope it to the institution or a library of units.yaml; if the tool should manage roles at `{}` (a network zone, say), list it under `managed_scopes` in institution.yaml",
                    role.scope
                )),
        }
    }
}

/// V6: what a shared-desk login holds beyond fulfillment roles.
pub(super) enum SharedDesk<'a> {
    NotCustom,
    Role { name: &'a str, at: Place },
    Additional,
}

pub(super) fn shared_desk<'a>(
    catalog: &Catalog,
    raw: &'a RawLogin,
    profile: Option<&Profile<'a>>,
    fields: &Fields,
) -> Vec<SharedDesk<'a>> {
    let mut found = Vec::new();
    if fields.login != LoginKind::SharedDesk {
        return found;
    }
    if fields.kind != LoginType::Custom {
        found.push(SharedDesk::NotCustom);
    }
    let profile_roles = profile.map(|p| &p.profile.roles);
    for name in raw
        .roles
        .keys()
        .chain(profile_roles.into_iter().flat_map(|r| r.keys()))
    {
        let circulation = catalog
            .role_types
            .get(name)
            .is_none_or(|rt| rt.limited_by == Some(LimitKind::CirculationDesks));
        if !circulation {
            let at = if raw.roles.contains_key(name) {
                Place::key(steps!["roles", name])
            } else {
                Place::value(steps!["profile"])
            };
            found.push(SharedDesk::Role { name, at });
        }
    }
    if !raw.additional_roles.is_empty() {
        found.push(SharedDesk::Additional);
    }
    found
}

impl Finding for SharedDesk<'_> {
    fn to_diagnostic(&self, doc: &Doc<'_>) -> Diagnostic {
        match self {
            SharedDesk::NotCustom => doc
                .error(
                    Code::SharedDeskNonFulfillment,
                    doc.value(&steps!["type"]),
                    "a shared-desk login is a custom login with fulfillment roles only",
                )
                .help("use `type: custom` with fulfillment roles"),
            SharedDesk::Role { name, at } => doc
                .error(
                    Code::SharedDeskNonFulfillment,
                    at.span(doc),
                    format!("a shared-desk login cannot hold `{name}` roles"),
                )
                .help("work that updates records needs a personal login, for audit; request one for each person"),
            SharedDesk::Additional => doc
                .error(
                    Code::SharedDeskNonFulfillment,
                    doc.key(&steps!["additional_roles"]),
                    "a shared-desk login cannot hold additional roles",
                )
                .help("request a personal login for this work"),
        }
    }
}
