//! A request against the catalogue and the unit: the role type and level
//! exist (V13), and the limiting codes are given where the role type needs
//! them, only there, and are the unit's own (V5).

use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::model::catalog::{Level, RoleType};
use crate::model::login::RawRoleRequest;
use crate::model::{Catalog, LimitKind, Unit};

use super::super::finding::{Finding, Place, join};
use super::super::{Doc, steps};
use super::{Holder, Site};

/// V13: a role type the catalogue does not have.
pub(super) struct UnknownRoleType<'a> {
    name: &'a str,
    at: Place,
    catalog: &'a Catalog,
}

pub(super) fn role_type<'a>(
    catalog: &'a Catalog,
    site: &Site<'a>,
) -> Result<&'a RoleType, UnknownRoleType<'a>> {
    let name = site.role_type;
    catalog.role_types.get(name).ok_or_else(|| UnknownRoleType {
        name,
        at: site.request(),
        catalog,
    })
}

impl Finding for UnknownRoleType<'_> {
    fn to_diagnostic(&self, doc: &Doc<'_>) -> Diagnostic {
        let known = || self.catalog.role_types.keys().map(String::as_str);
        let d = doc.error(
            Code::UnknownRoleType,
            self.at.span(doc),
            format!("role type `{}` is not in catalog.yaml", self.name),
        );
        match did_you_mean(self.name, known()) {
            Some(near) => d.help(format!("did you mean `{near}`?")),
            None => d.help(format!("use one of: {}", join(known()))),
        }
    }
}

/// V13: a level that is missing, superfluous or not the role type's.
pub(super) struct WrongLevel<'a> {
    name: &'a str,
    at: Place,
    problem: LevelProblem<'a>,
    levels: Vec<&'a str>,
}

enum LevelProblem<'a> {
    Missing,
    OnSingle(&'a str),
    Unknown(&'a str),
}

/// The request's level in the catalogue.
pub(super) fn level<'a>(
    site: &Site<'a>,
    role_type: &'a RoleType,
    raw: &'a RawRoleRequest,
) -> Result<&'a Level, WrongLevel<'a>> {
    let levels = role_type.level_names();
    let (at, problem) = match (&raw.level, levels.is_empty()) {
        (None, false) => (site.request(), LevelProblem::Missing),
        (Some(l), true) => (
            site.place(&steps!["level"], false),
            LevelProblem::OnSingle(l),
        ),
        (level, _) => {
            if let Some(found) = role_type.level(level.as_deref()) {
                return Ok(found);
            }
            let l = level.as_deref().unwrap_or_default();
            (
                site.place(&steps!["level"], false),
                LevelProblem::Unknown(l),
            )
        }
    };
    Err(WrongLevel {
        name: site.role_type,
        at,
        problem,
        levels,
    })
}

impl Finding for WrongLevel<'_> {
    fn to_diagnostic(&self, doc: &Doc<'_>) -> Diagnostic {
        let name = self.name;
        let (message, help) = match self.problem {
            LevelProblem::Missing => (
                format!("role type `{name}` needs a `level`"),
                format!("add `level:` with one of: {}", self.levels.join(", ")),
            ),
            LevelProblem::OnSingle(l) => (
                format!("role type `{name}` has a single level; `level: {l}` does not apply"),
                format!("remove `level`; write `{name}: {{}}`"),
            ),
            LevelProblem::Unknown(l) => (
                format!("`{name}` has no level `{l}`"),
                match did_you_mean(l, self.levels.iter().copied()) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!("use one of: {}", self.levels.join(", ")),
                },
            ),
        };
        doc.error(Code::UnknownLevel, self.at.span(doc), message)
            .help(help)
    }
}

/// V5: a limit missing, a code that is not the unit's, or a limit the
/// role type does not take.
pub(super) struct Limit<'a> {
    name: &'a str,
    kind: LimitKind,
    unit_id: &'a str,
    allowed: &'a [String],
    problem: LimitProblem<'a>,
}

enum LimitProblem<'a> {
    Missing { at: Place },
    NotInUnit { code: &'a str, at: Place },
    NotApplicable { at: Place },
}

pub(super) fn limits<'a>(
    site: &Site<'a>,
    role_type: &RoleType,
    raw: &'a RawRoleRequest,
    holder: &Holder<'a>,
) -> Vec<Limit<'a>> {
    let mut found = Vec::new();
    for kind in LimitKind::ALL {
        let given = match kind {
            LimitKind::PoLineOwners => &raw.po_line_owners,
            LimitKind::CirculationDesks => &raw.circulation_desks,
            LimitKind::Departments => &raw.departments,
        };
        let allowed = unit_codes(holder.unit, kind);
        let limit = |problem| Limit {
            name: site.role_type,
            kind,
            unit_id: holder.unit_id,
            allowed,
            problem,
        };
        match (role_type.limited_by == Some(kind), given) {
            (true, None) => found.push(limit(LimitProblem::Missing { at: site.request() })),
            (true, Some(codes)) => {
                for (i, code) in codes.iter().enumerate() {
                    if !allowed.contains(code) {
                        let at = site.place(&steps![kind.key(), i], false);
                        found.push(limit(LimitProblem::NotInUnit { code, at }));
                    }
                }
            }
            (false, Some(_)) => {
                let at = site.place(&steps![kind.key()], true);
                found.push(limit(LimitProblem::NotApplicable { at }));
            }
            (false, None) => {}
        }
    }
    found
}

impl Finding for Limit<'_> {
    fn to_diagnostic(&self, doc: &Doc<'_>) -> Diagnostic {
        let (name, key, unit_id) = (self.name, self.kind.key(), self.unit_id);
        let allowed = join(self.allowed.iter().map(String::as_str));
        match &self.problem {
            LimitProblem::Missing { at } => doc
                .error(
                    Code::MissingLimit,
                    at.span(doc),
                    format!("`{name}` roles must be limited to `{key}`"),
                )
                .help(format!(
                    "add `{key}:` listing the codes this person works at; {unit_id} lists: {allowed}"
                )),
            LimitProblem::NotInUnit { code, at } => doc
                .error(
                    Code::CodeNotInUnit,
                    at.span(doc),
                    format!(
                        "`{code}` is not one of the {} of unit `{unit_id}`",
                        key.replace('_', " ")
                    ),
                )
                .help(format!(
                    "use one of: {allowed} (or add it to the unit in units.yaml)"
                )),
            LimitProblem::NotApplicable { at } => doc
                .error(
                    Code::LimitNotApplicable,
                    at.span(doc),
                    format!("`{name}` roles are not limited by `{key}`"),
                )
                .help(format!("remove `{key}` from `{name}`")),
        }
    }
}

/// The codes a unit lists for a limit.
fn unit_codes(unit: &Unit, kind: LimitKind) -> &[String] {
    match kind {
        LimitKind::PoLineOwners => &unit.po_line_owners,
        LimitKind::CirculationDesks => &unit.circulation_desks,
        LimitKind::Departments => &unit.departments,
    }
}
