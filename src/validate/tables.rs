//! Consistency of the institution-wide tables (rule V13 and friends):
//! environments named in defaults exist, each environment's `api_url` is
//! one an API key may be sent to (https; plain http to this machine only), the catalogue's grants can be
//! expanded (a parameter or PO-line-owner scope needs the matching limit),
//! fixed bundles need no per-login codes, and no catalogue grant names a
//! role the institution preserves.

use crate::diag::{Code, Diagnostic};
use crate::model::catalog::{Bundle, Levels};
use crate::model::{Catalog, GrantSpec, Institution, LimitKind, RoleType, ScopeRule, Units};

use super::{Doc, steps};

/// Checks the tables against each other; `institution_doc` and
/// `catalog_doc` are their files, to point into.
pub(crate) fn check(
    institution_doc: Option<Doc<'_>>,
    catalog_doc: Option<Doc<'_>>,
    institution: &Institution,
    catalog: &Catalog,
    _units: &Units,
    out: &mut Vec<Diagnostic>,
) {
    if let Some(doc) = institution_doc {
        check_institution(&doc, institution, out);
    }
    if let Some(doc) = catalog_doc {
        check_catalog(&doc, institution, catalog, out);
        check_duties(&doc, catalog, out);
    }
}

/// V13 for the separation-of-duties rules (V15): each duty names a role
/// type of the catalogue, and a level only where the role type has it.
fn check_duties(doc: &Doc<'_>, catalog: &Catalog, out: &mut Vec<Diagnostic>) {
    for (name, rule) in &catalog.separation_of_duties {
        for (i, duty) in rule.conflicting.iter().enumerate() {
            let at = doc.value(&steps!["separation_of_duties", name, "conflicting", i]);
            let problem = match catalog.role_types.get(&duty.role_type) {
                None => Some(format!(
                    "`{}` is not a role type of the catalogue",
                    duty.role_type
                )),
                Some(rt) => duty
                    .level
                    .as_deref()
                    .filter(|level| rt.level(Some(level)).is_none())
                    .map(|level| format!("`{}` has no level `{level}`", duty.role_type)),
            };
            if let Some(problem) = problem {
                out.push(
                    doc.error(Code::CatalogIntegrity, at, format!("rule `{name}`: {problem}"))
                        .help("name a role type (`invoice`, every level of it) or one of its levels (`invoice/operator-extended`, that level and the levels that extend it)"),
                );
            }
        }
    }
}

fn check_institution(doc: &Doc<'_>, institution: &Institution, out: &mut Vec<Diagnostic>) {
    for (i, env) in institution.default_environments.iter().enumerate() {
        if !institution.environments.contains_key(env) {
            out.push(
                doc.error(
                    Code::UnknownEnvironment,
                    doc.value(&steps!["default_environments", i]),
                    format!("environment `{env}` is not defined under `environments`"),
                )
                .help(format!(
                    "define `{env}` under `environments`, or use one of: {}",
                    names(institution.environments.keys())
                )),
            );
        }
    }
    for (name, env) in &institution.environments {
        if let Err(why) = crate::alma::check_base_url(&env.api_url) {
            out.push(
                doc.error(
                    Code::CatalogIntegrity,
                    doc.value(&steps!["environments", name, "api_url"]),
                    format!("environment `{name}`: {why}"),
                )
                .help("give the Alma API host over https, e.g. https://api-na.hosted.exlibrisgroup.com"),
            );
        }
    }
    if institution.systems_group().next().is_none() {
        out.push(
            doc.error(Code::CatalogIntegrity, doc.value(&steps!["approver_groups"]), "`approver_groups.systems` has no members")
                .help("list the GitHub handles of the central systems team; sensitive changes need one of them to approve"),
        );
    }
    for code in institution.safety.min_holders.keys() {
        if code.is_empty() || !code.bytes().all(|b| b.is_ascii_digit()) {
            out.push(
                doc.error(Code::CatalogIntegrity, doc.key(&steps!["safety", "min_holders", code]), format!("`{code}` is not an Alma role type code"))
                    .help("use the role type code as quoted digits, e.g. \"26\" for General System Administrator"),
            );
        }
    }
}

fn check_catalog(
    doc: &Doc<'_>,
    institution: &Institution,
    catalog: &Catalog,
    out: &mut Vec<Diagnostic>,
) {
    let bundles: [(&str, &Bundle); 4] = [
        ("view", &catalog.login_types.view),
        ("view-analytics", &catalog.login_types.view_analytics),
        ("systems", &catalog.login_types.systems),
        ("custom", &catalog.login_types.custom),
    ];
    for (name, bundle) in bundles {
        if name != "custom" && bundle.grants.is_empty() {
            out.push(
                doc.error(
                    Code::CatalogIntegrity,
                    doc.key(&steps!["login_types", name]),
                    format!("login type `{name}` grants no Alma role"),
                )
                .help(
                    "list at least one grant; a login of this type would otherwise have no access",
                ),
            );
        }
        for (i, grant) in bundle.grants.iter().enumerate() {
            let at = steps!["login_types", name, "grants", i];
            if grant.parameter.is_some()
                || matches!(grant.scope, ScopeRule::PoLineOwner | ScopeRule::DeskLibrary)
            {
                out.push(
                    doc.error(Code::CatalogIntegrity, doc.value(&at), format!("a grant of login type `{name}` depends on per-login codes"))
                        .help("fixed bundles take no desks, departments or PO line owners: use scope `institution` or `library` and no parameter"),
                );
            }
            preserved(doc, institution, grant, &at, out);
        }
    }
    for (rt_name, role_type) in &catalog.role_types {
        for (level_name, level) in role_type.all_levels() {
            let base = match level_name {
                Some(l) => steps![rt_name, "levels", l],
                None => steps![rt_name],
            };
            if level.grants.is_empty() {
                let mut at = base.clone();
                at.extend(steps!["grants"]);
                let what = level_name.map_or(format!("role type `{rt_name}`"), |l| {
                    format!("level `{l}` of `{rt_name}`")
                });
                out.push(
                    doc.error(Code::CatalogIntegrity, doc.key(&at), format!("{what} grants no Alma role"))
                        .help("every level grants at least one Alma role; remove the level or list its grants"),
                );
            }
            for (i, grant) in level.grants.iter().enumerate() {
                let mut at = base.clone();
                at.extend(steps!["grants", i]);
                check_grant(doc, rt_name, role_type, grant, &at, out);
                preserved(doc, institution, grant, &at, out);
            }
        }
        if let Levels::Named(levels) = &role_type.levels
            && levels.is_empty()
        {
            out.push(
                doc.error(
                    Code::CatalogIntegrity,
                    doc.key(&steps![rt_name, "levels"]),
                    format!("role type `{rt_name}` has no levels"),
                )
                .help("define at least one level, or use `grants:` for a single-level role type"),
            );
        }
    }
}

fn check_grant(
    doc: &Doc<'_>,
    rt_name: &str,
    role_type: &RoleType,
    grant: &GrantSpec,
    at: &[crate::yaml::Step],
    out: &mut Vec<Diagnostic>,
) {
    let needs = |limit: LimitKind, why: &str| -> Option<Diagnostic> {
        (role_type.limited_by != Some(limit)).then(|| {
            doc.error(
                Code::CatalogIntegrity,
                doc.value(at),
                format!(
                    "{why}, but role type `{rt_name}` is not `limited_by: {}`",
                    limit.key()
                ),
            )
            .help(format!(
                "set `limited_by: {}` on `{rt_name}`, or change the grant",
                limit.key()
            ))
        })
    };
    if let Some(kind) = grant.parameter {
        out.extend(needs(
            kind.limit(),
            &format!("the grant takes a `{}` parameter per code", kind.as_str()),
        ));
    }
    match grant.scope {
        ScopeRule::PoLineOwner => out.extend(needs(
            LimitKind::PoLineOwners,
            "the grant is scoped per PO line owner",
        )),
        ScopeRule::DeskLibrary => out.extend(needs(
            LimitKind::CirculationDesks,
            "the grant is scoped to the desks' library",
        )),
        ScopeRule::Institution | ScopeRule::Library => {}
    }
}

fn preserved(
    doc: &Doc<'_>,
    institution: &Institution,
    grant: &GrantSpec,
    at: &[crate::yaml::Step],
    out: &mut Vec<Diagnostic>,
) {
    if institution.preserve_roles.contains(&grant.alma_role) {
        out.push(
            doc.error(
                Code::CatalogIntegrity,
                doc.value(at),
                format!(
                    "role {} is in `preserve_roles`, so it is never managed",
                    grant.alma_role
                ),
            )
            .help("remove the grant, or take the code out of `preserve_roles` in institution.yaml"),
        );
    }
}

fn names<'a>(names: impl Iterator<Item = &'a String>) -> String {
    names.map(String::as_str).collect::<Vec<_>>().join(", ")
}
