//! Least privilege (V14), as warnings: a grant that adds nothing because
//! another grant of the same login already includes all its Alma roles, and
//! catalogue role types or levels that no login uses.

use std::collections::{BTreeSet, HashMap};

use crate::diag::{Code, Diagnostic};
use crate::load::{FileKind, Loaded};
use crate::model::grants::{self, GrantSource};
use crate::model::{Login, LoginType};

use super::{Doc, Tables, steps};

/// Warns of redundant grants, and, when `complete` (every login validated), of unused catalogue entries.
pub(crate) fn check(
    tables: &Tables<'_>,
    loaded: &Loaded,
    logins: &[Login],
    complete: bool,
    out: &mut Vec<Diagnostic>,
) {
    let docs: HashMap<&str, Doc<'_>> = loaded
        .files
        .iter()
        .filter_map(|f| {
            f.root.as_ref().map(|root| {
                (
                    f.display.as_str(),
                    Doc {
                        file: &f.display,
                        root,
                    },
                )
            })
        })
        .collect();
    for login in logins {
        if let Some(doc) = docs.get(login.file.as_str()) {
            redundant(tables, doc, login, out);
        }
    }
    if complete {
        unused(tables, loaded, logins, out);
    }
}

fn redundant(tables: &Tables<'_>, doc: &Doc<'_>, login: &Login, out: &mut Vec<Diagnostic>) {
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

fn unused(tables: &Tables<'_>, loaded: &Loaded, logins: &[Login], out: &mut Vec<Diagnostic>) {
    let Some(doc) = loaded
        .files
        .iter()
        .find(|f| f.kind == FileKind::Catalog)
        .and_then(|f| {
            f.root.as_ref().map(|root| Doc {
                file: &f.display,
                root,
            })
        })
    else {
        return;
    };
    let used: BTreeSet<(&str, Option<&str>)> = logins
        .iter()
        .filter(|l| l.kind == LoginType::Custom)
        .flat_map(|l| {
            l.roles
                .iter()
                .map(|(rt, g)| (rt.as_str(), g.level.as_deref()))
        })
        .collect();
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
