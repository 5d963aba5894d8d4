//! Least privilege (V14), as warnings: a grant that adds nothing because
//! another grant of the same login already includes all its Alma roles, and
//! catalogue role types or levels that no login uses.

use std::collections::BTreeSet;

use crate::diag::{Code, Diagnostic};
use crate::model::grants::{self, GrantSource};
use crate::model::{Login, LoginType};

use super::{Doc, Tables, steps};

/// Warns of each grant of `login` that adds no Alma role to its other grants.
pub(crate) fn redundant(
    tables: &Tables<'_>,
    doc: &Doc<'_>,
    login: &Login,
    out: &mut Vec<Diagnostic>,
) {
    let Some(unit) = tables.units.get(&login.unit) else {
        return;
    };
    let by_source = grants::by_source(login, tables.catalog, unit, &tables.institution.institution);
    for (source, set) in &by_source {
        if matches!(source, GrantSource::LoginType(_)) || set.is_empty() {
            continue;
        }
        let covering =
            by_source
                .iter()
                .filter(|(other, _)| *other != source)
                .find(|(other, other_set)| {
                    other_set.is_superset(set) && (other_set.len() > set.len() || *other < source)
                });
        if let Some((other, _)) = covering {
            let at = match source {
                GrantSource::RoleType { role_type, .. }
                    if login.roles.get(role_type).is_some_and(|g| g.from_profile) =>
                {
                    doc.value(&steps!["profile"])
                }
                GrantSource::RoleType { role_type, .. } => doc.key(&steps!["roles", role_type]),
                GrantSource::Additional(i) => doc.value(&steps!["additional_roles", *i]),
                GrantSource::WorkOrderDepartments => doc.key(&steps!["work_order_departments"]),
                GrantSource::LoginType(_) => continue,
            };
            out.push(
                doc.warning(
                    Code::RedundantGrant,
                    at,
                    format!(
                        "`{source}` adds no Alma role: `{other}` already includes all of its roles"
                    ),
                )
                .help(format!(
                    "remove `{source}`; least privilege asks for only what the work needs"
                )),
            );
        }
    }
}

/// Warns of catalogue role types and levels (in the catalogue's `doc`) that
/// no login uses; only meaningful once every login validated.
pub(crate) fn unused(
    tables: &Tables<'_>,
    doc: &Doc<'_>,
    logins: &[Login],
    out: &mut Vec<Diagnostic>,
) {
    // Inserted one by one: collecting would first gather every grant of
    // every login in a list.
    let mut used: BTreeSet<(&str, Option<&str>)> = BTreeSet::new();
    for login in logins.iter().filter(|l| l.kind == LoginType::Custom) {
        for (rt, grant) in &login.roles {
            used.insert((rt.as_str(), grant.level.as_deref()));
        }
    }
    for (name, role_type) in &tables.catalog.role_types {
        let levels = role_type.all_levels();
        let unused_levels: Vec<Option<&str>> = levels
            .iter()
            .map(|(l, _)| *l)
            .filter(|l| !used.contains(&(name.as_str(), *l)))
            .collect();
        if unused_levels.len() == levels.len() {
            out.push(
                doc.warning(Code::UnusedCatalogEntry, doc.key(&steps![name]), format!("no login uses role type `{name}`"))
                    .help("keep the catalogue to what is granted: remove it, or ignore this if a request is on its way"),
            );
            continue;
        }
        for level in unused_levels.into_iter().flatten() {
            out.push(
                doc.warning(Code::UnusedCatalogEntry, doc.key(&steps![name, "levels", level]), format!("no login uses level `{level}` of `{name}`"))
                    .help("keep the catalogue to what is granted: remove it, or ignore this if a request is on its way"),
            );
        }
    }
}
