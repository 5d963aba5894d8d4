//! Fitting a user's Alma roles to the catalogue, for one candidate unit:
//! a login-type bundle when the roles are exactly that bundle, otherwise a
//! custom login built from the largest levels whose every grant the user
//! holds (limits recovered from scopes and parameters), the work order
//! departments, and whatever is left over as `additional_roles`. A level is
//! only claimed when Alma can show everything it needs: not a level for
//! another login kind or unit flag, not a temporary one (`max_days`), not
//! one needing a batch attestation or
//! (for this employment) a business need. The result is checked against the
//! crate's own expansion ([`grants::entitlements`]), so what import writes
//! is what plan will compile.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::grants::{self, AlmaGrant};
use crate::model::login::{AdditionalParameter, AdditionalRole};
use crate::model::{
    AccessRepo, Employment, Level, LimitKind, LoginKind, LoginType, RoleGrant, RoleType, ScopeRule,
    Unit, UnitFlag,
};

use super::{CONSULTATION_IMPORTED, Note};

/// Parameters as `(type, value)` pairs.
pub type Params = BTreeSet<(String, String)>;

/// A user's managed roles, merged as the crate expands them: one entry per
/// role type and scope, parameters united.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Held(pub BTreeMap<(String, String), Params>);

impl Held {
    /// Merges grants (or roles) by type and scope.
    pub fn of(grants: impl IntoIterator<Item = AlmaGrant>) -> Held {
        let mut map: BTreeMap<(String, String), Params> = BTreeMap::new();
        for g in grants {
            map.entry((g.role_type, g.scope))
                .or_default()
                .extend(g.parameters);
        }
        Held(map)
    }

    fn has(&self, role: &str, scope: &str) -> Option<&Params> {
        self.0.get(&(role.to_string(), scope.to_string()))
    }

    /// Whether a grant is held: same type and scope, at least its parameters.
    fn covers(&self, g: &AlmaGrant) -> bool {
        self.has(&g.role_type, &g.scope)
            .is_some_and(|p| g.parameters.iter().all(|x| p.contains(x)))
    }
}

/// What the roles say about a login, for one unit.
#[derive(Clone, Debug)]
pub struct Fit {
    pub kind: LoginType,
    pub login: LoginKind,
    pub roles: BTreeMap<String, RoleGrant>,
    pub work_order_departments: Vec<String>,
    pub additional_roles: Vec<AdditionalRole>,
    /// How many held (type, scope) entries the catalogue explains in full.
    pub explained: usize,
    pub notes: Vec<Note>,
}

/// The grants one candidate level would give.
struct Candidate {
    role_type: String,
    level: Option<String>,
    request: RoleGrant,
    grants: BTreeSet<AlmaGrant>,
}

/// Fits `held` in `unit`; `login` is the kind the record suggests (a
/// shared desk falls back to personal when its roles are not fulfillment
/// roles alone, which a shared-desk login may not hold: V6).
pub fn fit(
    repo: &AccessRepo,
    unit: &Unit,
    login: LoginKind,
    employment: Employment,
    held: &Held,
) -> Fit {
    if login == LoginKind::SharedDesk {
        let shared = custom(repo, unit, LoginKind::SharedDesk, employment, held);
        if shared.additional_roles.is_empty() && !shared.roles.is_empty() {
            return shared;
        }
        let mut personal = fit(repo, unit, LoginKind::Personal, employment, held);
        personal.notes.push(Note::warn(
            "the Alma user group says shared desk, but a shared-desk login holds fulfillment roles of the catalogue only (V6): imported as `login: personal`",
        ));
        return personal;
    }
    let inst = &repo.institution.institution;
    let bundles = [
        (LoginType::View, &repo.catalog.login_types.view),
        (
            LoginType::ViewAnalytics,
            &repo.catalog.login_types.view_analytics,
        ),
        (LoginType::Systems, &repo.catalog.login_types.systems),
    ];
    for (kind, bundle) in bundles {
        if kind == LoginType::Systems && !unit.has_flag(UnitFlag::Systems) {
            continue;
        }
        let grants = bundle
            .grants
            .iter()
            .flat_map(|g| grants::expand(g, None, unit, inst));
        if !bundle.grants.is_empty() && Held::of(grants) == *held {
            return Fit {
                kind,
                login,
                roles: BTreeMap::new(),
                work_order_departments: Vec::new(),
                additional_roles: Vec::new(),
                explained: held.0.len(),
                notes: Vec::new(),
            };
        }
    }
    custom(repo, unit, login, employment, held)
}

/// A custom login: the largest fitting levels, work order departments, the rest as additional roles.
fn custom(
    repo: &AccessRepo,
    unit: &Unit,
    login: LoginKind,
    employment: Employment,
    held: &Held,
) -> Fit {
    let inst = &repo.institution.institution;
    let mut notes = Vec::new();
    let mut withheld: Vec<(String, String)> = Vec::new();
    let mut candidates = Vec::new();
    for (name, role_type) in &repo.catalog.role_types {
        if login == LoginKind::SharedDesk
            && role_type.limited_by != Some(LimitKind::CirculationDesks)
        {
            continue;
        }
        for (level_name, level) in role_type.all_levels() {
            let label = match level_name {
                Some(l) => format!("{name} {l}"),
                None => name.clone(),
            };
            let Some(candidate) = candidate(name, role_type, level_name, level, unit, inst, held)
            else {
                continue;
            };
            let reserved = match (level.only_login, role_type.unit_flag(level)) {
                (Some(only), _) if only != login => {
                    Some(format!("for `login: {}` only (V6)", only.as_str()))
                }
                (_, Some(flag)) if !unit.has_flag(flag) => {
                    Some(format!("for units flagged `{}` only (V10)", flag.as_str()))
                }
                _ => None,
            };
            let reserved = reserved.or_else(|| {
                level.max_days.map(|days| {
                    format!(
                        "granted for at most {days} days (R12), and Alma cannot show its last day"
                    )
                })
            });
            if let Some(why) = reserved {
                withheld.push((name.clone(), format!("holds every role of {label}, a level {why}: its roles come through as additional_roles")));
                continue;
            }
            let unknowable = if level.requires_batch_attestation {
                Some("its batch attestation")
            } else if level.business_need_for.contains(&employment) {
                Some("a business need")
            } else {
                None
            };
            if let Some(what) = unknowable {
                notes.push(Note::warn(format!(
                    "holds every role of {label}, but Alma cannot show {what}: not claimed; its roles beyond a lower level come through as additional_roles"
                )));
                continue;
            }
            candidates.push(candidate);
        }
    }
    // Largest first; per role type only the first (largest) that adds something.
    candidates.sort_by(|a, b| {
        (b.grants.len(), &a.role_type, &a.level).cmp(&(a.grants.len(), &b.role_type, &b.level))
    });
    let base: Vec<AlmaGrant> = repo
        .catalog
        .login_types
        .custom
        .grants
        .iter()
        .flat_map(|g| grants::expand(g, None, unit, inst))
        .collect();
    let mut explained = Held::of(base);
    let mut roles = BTreeMap::new();
    for c in candidates {
        if roles.contains_key(&c.role_type) || c.grants.iter().all(|g| explained.covers(g)) {
            continue;
        }
        for g in &c.grants {
            explained
                .0
                .entry((g.role_type.clone(), g.scope.clone()))
                .or_default()
                .extend(g.parameters.iter().cloned());
        }
        let mut request = c.request;
        request.level = c.level;
        roles.insert(c.role_type, request);
    }
    // A reserved level only matters when no other level of its type was claimed.
    notes.extend(
        withheld
            .into_iter()
            .filter(|(name, _)| !roles.contains_key(name))
            .map(|(_, text)| Note::warn(text)),
    );
    let work_order_departments = work_orders(unit, held, &explained);
    let mut fit = Fit {
        kind: LoginType::Custom,
        login,
        roles,
        work_order_departments,
        additional_roles: Vec::new(),
        explained: 0,
        notes,
    };
    leftovers(repo, unit, held, &mut fit);
    fit
}

/// One level with limits recovered from the held roles, if all its grants are held.
fn candidate(
    name: &str,
    role_type: &RoleType,
    level_name: Option<&str>,
    level: &Level,
    unit: &Unit,
    inst: &str,
    held: &Held,
) -> Option<Candidate> {
    let mut request = RoleGrant {
        level: level_name.map(str::to_string),
        po_line_owners: Vec::new(),
        circulation_desks: Vec::new(),
        departments: Vec::new(),
        batch_attestation: None,
        consultation: role_type
            .needs_consultation(level)
            .then(|| CONSULTATION_IMPORTED.to_string()),
        until: None,
        from_profile: false,
    };
    if let Some(kind) = role_type.limited_by {
        let codes = limit_codes(kind, level, unit, inst, held);
        if codes.is_empty() {
            return None;
        }
        match kind {
            LimitKind::PoLineOwners => request.po_line_owners = codes,
            LimitKind::CirculationDesks => request.circulation_desks = codes,
            LimitKind::Departments => request.departments = codes,
        }
    }
    let grants: BTreeSet<AlmaGrant> = level
        .grants
        .iter()
        .flat_map(|g| grants::expand(g, Some(&request), unit, inst))
        .collect();
    (!grants.is_empty() && grants.iter().all(|g| held.covers(g))).then(|| Candidate {
        role_type: name.to_string(),
        level: level_name.map(str::to_string),
        request,
        grants,
    })
}

/// The unit's codes of a limit that every grant using the limit holds.
fn limit_codes(
    kind: LimitKind,
    level: &Level,
    unit: &Unit,
    inst: &str,
    held: &Held,
) -> Vec<String> {
    let allowed = match kind {
        LimitKind::PoLineOwners => &unit.po_line_owners,
        LimitKind::CirculationDesks => &unit.circulation_desks,
        LimitKind::Departments => &unit.departments,
    };
    let scope_of = |rule: ScopeRule| match rule {
        ScopeRule::Institution => inst.to_string(),
        _ => unit.alma_library.clone(),
    };
    let mut codes: Vec<String> = allowed
        .iter()
        .filter(|code| {
            level.grants.iter().all(|spec| {
                if kind == LimitKind::PoLineOwners && spec.scope == ScopeRule::PoLineOwner {
                    held.has(&spec.alma_role, code).is_some()
                } else if let Some(p) = spec.parameter.filter(|p| p.limit() == kind) {
                    held.has(&spec.alma_role, &scope_of(spec.scope))
                        .is_some_and(|params| {
                            params.contains(&(p.as_str().to_string(), (*code).clone()))
                        })
                } else {
                    true
                }
            })
        })
        .cloned()
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

/// Work Order Operator departments the unit lists that no role type explains.
fn work_orders(unit: &Unit, held: &Held, explained: &Held) -> Vec<String> {
    let Some(params) = held.has(grants::WORK_ORDER_OPERATOR, &unit.alma_library) else {
        return Vec::new();
    };
    let done = explained
        .has(grants::WORK_ORDER_OPERATOR, &unit.alma_library)
        .cloned()
        .unwrap_or_default();
    let mut out: Vec<String> = params
        .iter()
        .filter(|p| p.0 == "ServiceUnit" && !done.contains(p))
        .filter(|p| unit.work_order_departments.contains(&p.1))
        .map(|p| p.1.clone())
        .collect();
    out.sort();
    out
}

/// Whatever the claimed levels do not give becomes an additional role.
fn leftovers(repo: &AccessRepo, unit: &Unit, held: &Held, fit: &mut Fit) {
    let login = super::probe(repo, unit, fit);
    let entitled = Held::of(grants::entitlements(
        &login,
        &repo.catalog,
        unit,
        &repo.institution.institution,
    ));
    let mut additional = Vec::new();
    let mut explained = 0;
    for ((role_type, scope), params) in &held.0 {
        let given = entitled.has(role_type, scope);
        let extra: Vec<&(String, String)> = match given {
            Some(g) => params.iter().filter(|p| !g.contains(p)).collect(),
            None => params.iter().collect(),
        };
        if given.is_some() && extra.is_empty() {
            explained += 1;
            continue;
        }
        additional.push(AdditionalRole {
            alma_role: role_type.clone(),
            scope: scope.clone(),
            consultation: CONSULTATION_IMPORTED.to_string(),
            parameters: extra
                .into_iter()
                .map(|(kind, value)| AdditionalParameter {
                    kind: kind.clone(),
                    value: value.clone(),
                })
                .collect(),
        });
    }
    additional.sort_by(|a, b| {
        (a.alma_role.len(), &a.alma_role, &a.scope, &a.parameters).cmp(&(
            b.alma_role.len(),
            &b.alma_role,
            &b.scope,
            &b.parameters,
        ))
    });
    fit.additional_roles = additional;
    fit.explained = explained;
}
