//! Expanding a login's requests into the Alma roles they entitle it to:
//! each catalogue grant is given its scope (institution, the unit's library,
//! each PO line owner) and its parameters (one per desk or department). The
//! result is status-free; the reconciler adds status and expiry from the
//! lifecycle fields. Validation uses the same expansion for least-privilege
//! checks, so "what a grant means" is defined once.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::Serialize;

use super::catalog::{Catalog, GrantSpec, ScopeRule};
use super::login::{Login, LoginType, RoleGrant};
use super::units::Unit;

/// One Alma role a login is entitled to: role type code, scope and parameters (sorted).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct AlmaGrant {
    pub role_type: String,
    pub scope: String,
    /// `(parameter type, value)` pairs, e.g. `("CirculationDesk", "MAIN_CIRC")`.
    pub parameters: Vec<(String, String)>,
}

/// Where a login's grants come from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum GrantSource {
    /// The bundle of the login's type (for custom logins: the view functions every custom login has).
    LoginType(LoginType),
    /// A role type (and level) under `roles:`.
    RoleType {
        role_type: String,
        level: Option<String>,
    },
    /// `work_order_departments`: the Work Order Operator role with one
    /// `ServiceUnit` parameter per department.
    WorkOrderDepartments,
    /// `additional_roles[index]`.
    Additional(usize),
}

/// The Alma role that `work_order_departments` grant: Work Order Operator.
pub const WORK_ORDER_OPERATOR: &str = "214";

impl std::fmt::Display for GrantSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GrantSource::LoginType(t) => write!(f, "login type {}", t.as_str()),
            GrantSource::RoleType {
                role_type,
                level: Some(level),
            } => write!(f, "{role_type} {level}"),
            GrantSource::RoleType {
                role_type,
                level: None,
            } => f.write_str(role_type),
            GrantSource::WorkOrderDepartments => f.write_str("work_order_departments"),
            GrantSource::Additional(i) => write!(f, "additional_roles[{i}]"),
        }
    }
}

/// Expands one catalogue grant for a login's request in its unit.
pub fn expand(
    spec: &GrantSpec,
    request: Option<&RoleGrant>,
    unit: &Unit,
    institution: &str,
) -> Vec<AlmaGrant> {
    let scopes: Vec<String> = match spec.scope {
        ScopeRule::Institution => vec![institution.to_string()],
        ScopeRule::Library | ScopeRule::DeskLibrary => vec![unit.alma_library.clone()],
        ScopeRule::PoLineOwner => request
            .map(|r| r.po_line_owners.clone())
            .unwrap_or_default(),
    };
    let parameters: Vec<(String, String)> = match (spec.parameter, request) {
        (Some(kind), Some(request)) => {
            let mut p: Vec<(String, String)> = request
                .limit(kind.limit())
                .iter()
                .map(|v| (kind.as_str().to_string(), v.clone()))
                .collect();
            p.sort();
            p.dedup();
            p
        }
        _ => Vec::new(),
    };
    scopes
        .into_iter()
        .map(|scope| AlmaGrant {
            role_type: spec.alma_role.clone(),
            scope,
            parameters: parameters.clone(),
        })
        .collect()
}

/// A login's grants: the Alma roles of each source.
pub type BySource = BTreeMap<GrantSource, BTreeSet<AlmaGrant>>;

/// Every grant of a login, by source. Unknown role types or levels (which
/// validation reports) contribute nothing.
pub fn by_source(login: &Login, catalog: &Catalog, unit: &Unit, institution: &str) -> BySource {
    let mut out: BTreeMap<GrantSource, BTreeSet<AlmaGrant>> = BTreeMap::new();
    let bundle = match login.kind {
        LoginType::View => &catalog.login_types.view,
        LoginType::ViewAnalytics => &catalog.login_types.view_analytics,
        LoginType::Systems => &catalog.login_types.systems,
        LoginType::Custom => &catalog.login_types.custom,
    };
    let base: BTreeSet<AlmaGrant> = bundle
        .grants
        .iter()
        .flat_map(|g| expand(g, None, unit, institution))
        .collect();
    if !base.is_empty() {
        out.insert(GrantSource::LoginType(login.kind), base);
    }
    if login.kind == LoginType::Custom {
        for (name, request) in &login.roles {
            let Some(level) = catalog
                .role_types
                .get(name)
                .and_then(|rt| rt.level(request.level.as_deref()))
            else {
                continue;
            };
            let grants = level
                .grants
                .iter()
                .flat_map(|g| expand(g, Some(request), unit, institution))
                .collect();
            out.insert(
                GrantSource::RoleType {
                    role_type: name.clone(),
                    level: request.level.clone(),
                },
                grants,
            );
        }
        if !login.work_order_departments.is_empty() {
            let mut parameters: Vec<(String, String)> = login
                .work_order_departments
                .iter()
                .map(|d| ("ServiceUnit".to_string(), d.clone()))
                .collect();
            parameters.sort();
            parameters.dedup();
            let grant = AlmaGrant {
                role_type: WORK_ORDER_OPERATOR.to_string(),
                scope: unit.alma_library.clone(),
                parameters,
            };
            out.insert(GrantSource::WorkOrderDepartments, BTreeSet::from([grant]));
        }
        for (i, extra) in login.additional_roles.iter().enumerate() {
            let parameters = crate::alma::role::RoleKey::pairs(
                extra
                    .parameters
                    .iter()
                    .map(|p| (p.kind.as_str(), p.value.as_str())),
            );
            let grant = AlmaGrant {
                role_type: extra.alma_role.clone(),
                scope: extra.scope.clone(),
                parameters,
            };
            out.insert(GrantSource::Additional(i), BTreeSet::from([grant]));
        }
    }
    out
}

/// One Alma role a login is entitled to on a day, the grants that give
/// it, and the last day they give it until (R12).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entitled {
    pub grant: AlmaGrant,
    pub sources: Vec<GrantSource>,
    /// The latest `until` of its grants; `None` when one of them has none.
    pub until: Option<(NaiveDate, GrantSource)>,
}

/// The last day of a source's grant: `until` of a role type grant (R12).
pub fn until_of(login: &Login, source: &GrantSource) -> Option<NaiveDate> {
    match source {
        GrantSource::RoleType { role_type, .. } => login.roles.get(role_type)?.until,
        _ => None,
    }
}

/// The Alma roles a login is entitled to on `today`: grants whose `until`
/// has passed give nothing (R12). Roles with the same type and scope from
/// different sources are merged, their parameters united, and last as long
/// as the longest of them.
pub fn entitled(login: &Login, by_source: &BySource, today: NaiveDate) -> Vec<Entitled> {
    let mut merged: BTreeMap<(String, String), Merging> = BTreeMap::new();
    for (source, set) in by_source {
        let until = until_of(login, source);
        if until.is_some_and(|last| last < today) {
            continue;
        }
        for grant in set {
            let key = (grant.role_type.clone(), grant.scope.clone());
            let entry = merged.entry(key).or_default();
            entry.parameters.extend(grant.parameters.iter().cloned());
            entry.lasts = entry.lasts.take().with(until, source);
            entry.sources.push(source.clone());
        }
    }
    merged
        .into_iter()
        .map(|((role_type, scope), m)| Entitled {
            grant: AlmaGrant {
                role_type,
                scope,
                parameters: m.parameters.into_iter().collect(),
            },
            sources: m.sources,
            until: match m.lasts {
                Lasts::Until(day, source) => Some((day, source)),
                Lasts::Unknown | Lasts::Always => None,
            },
        })
        .collect()
}

/// One role being merged from its grants.
#[derive(Default)]
struct Merging {
    parameters: BTreeSet<(String, String)>,
    sources: Vec<GrantSource>,
    lasts: Lasts,
}

/// How long a role lasts, from the grants seen so far.
#[derive(Default)]
enum Lasts {
    #[default]
    Unknown,
    /// One grant has no `until`.
    Always,
    /// The latest `until`, and the grant it is of.
    Until(NaiveDate, GrantSource),
}

impl Lasts {
    fn take(&mut self) -> Lasts {
        std::mem::take(self)
    }

    /// With one more grant, lasting `until` (or always).
    fn with(self, until: Option<NaiveDate>, source: &GrantSource) -> Lasts {
        match (self, until) {
            (Lasts::Always, _) | (_, None) => Lasts::Always,
            (Lasts::Until(held, of), Some(day)) if held >= day => Lasts::Until(held, of),
            (_, Some(day)) => Lasts::Until(day, source.clone()),
        }
    }
}

/// The set of Alma roles a login is entitled to, whatever its grants'
/// `until`. Roles with the same type and scope from different sources are
/// merged, their parameters united.
pub fn entitlements(
    login: &Login,
    catalog: &Catalog,
    unit: &Unit,
    institution: &str,
) -> Vec<AlmaGrant> {
    let by_source = by_source(login, catalog, unit, institution);
    entitled(login, &by_source, NaiveDate::MIN)
        .into_iter()
        .map(|e| e.grant)
        .collect()
}
