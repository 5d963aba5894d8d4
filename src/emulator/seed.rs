//! The seed of the built-in default target: an emulator [`State`] generated
//! from the access repository being planned, as Alma would plausibly hold
//! one environment on a given day before alma-access was adopted. This file
//! owns the institution part (keys, limits, environment type), the choice of
//! the logins left without an Alma account ("waiting") and of the
//! deterministic drift a first `plan` shows, and each seeded user's roles.
//! `seed_users.rs` builds the records around them: the libraries (with desks
//! and service units) and role-type table, and the rich user records;
//! `seed_unmanaged.rs` the staff users no login file names (R11);
//! `seed_logins.rs` their staff logins, for the staff login report.
//! Everything is a pure function of the repository, the environment and the
//! day: no clock, no randomness (variations come from an FNV hash of the
//! primary id), so the same inputs give byte-identical state.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Months, NaiveDate};

use crate::alma::wire::UserRole;
use crate::alma::{ROLE_TYPE_TABLE, Role, RoleStatus};
use crate::lifecycle::{Inactivity, Standing};
use crate::model::{AccessRepo, Login, LoginKind, LoginType, UnitFlag};
use crate::reconcile::desired::{self, Desired};

pub use super::fixtures::{READ_ONLY_KEY, READ_WRITE_KEY};
use super::state::{Access, KeyEntry, Limits, State};
use super::validate;

#[path = "seed_logins.rs"]
mod seed_logins;
#[path = "seed_unmanaged.rs"]
mod seed_unmanaged;
#[path = "seed_users.rs"]
mod seed_users;

pub use seed_logins::{FAILED_ONLY, STALE};

use seed_users::{Flavour, fnv};

/// The API limits of the seeded institution: Alma's 25 requests a second and
/// a daily budget no run of the sample comes near.
pub const LIMITS: Limits = Limits {
    per_second: 25,
    daily: 100_000,
};
/// How many logins are left without an Alma account (when there are enough).
pub const WAITING: usize = 2;
/// Alma's Patron role, which most seeded staff users also hold.
pub const PATRON: &str = "200";
/// The role a cataloguer was given by hand in Alma (drift of kind "added by hand").
pub const HAND_ADDED_ROLE: &str = "206";

/// A seeded emulator state for one environment of the repository, as Alma
/// would plausibly hold it on `today` before alma-access was adopted.
pub fn from_repo(repo: &AccessRepo, environment: &str, today: NaiveDate) -> State {
    let inst = &repo.institution;
    let mut state = State::new(inst.institution.clone());
    state.institution_name = inst.name.clone();
    state.environment_type = environment_type(repo, environment);
    state.api_keys = vec![
        KeyEntry {
            key: READ_ONLY_KEY.into(),
            access: Access::Read,
        },
        KeyEntry {
            key: READ_WRITE_KEY.into(),
            access: Access::ReadWrite,
        },
    ];
    state.limits = LIMITS;
    // Every login's desired roles (all environments): the libraries, desks,
    // service units and role types they name must exist in either.
    let everyone: Vec<Desired> = repo
        .logins
        .iter()
        .map(|l| desired::compile(repo, l, today))
        .collect();
    let roles: Vec<&Role> = everyone
        .iter()
        .flat_map(|d| d.roles.iter().map(|r| &r.role))
        .collect();
    state.libraries = seed_users::libraries(repo, &roles);
    state
        .code_tables
        .insert(ROLE_TYPE_TABLE.into(), seed_users::role_types(repo, &roles));

    let logins: Vec<(&Login, &Desired)> = repo
        .logins
        .iter()
        .zip(&everyone)
        .filter(|(l, _)| l.environments.iter().any(|e| e == environment))
        .collect();
    let layout = Layout::choose(repo, &logins, today);
    let ctx = seed_users::Context::new(repo, environment, today);
    let mut users = Vec::new();
    let mut seeded = Vec::new();
    for (login, desired) in &logins {
        if layout.waiting.contains(&login.primary_id) {
            continue;
        }
        seeded.push(*login);
        let drift = layout.drift.get(&login.primary_id).copied();
        let roles = seeded_roles(&state, login, desired, drift);
        let flavour = layout.flavour(&login.primary_id);
        users.push(seed_users::staff(&ctx, login, roles, flavour));
    }
    let taken: BTreeSet<String> = repo
        .logins
        .iter()
        .map(|l| l.primary_id.to_lowercase())
        .collect();
    let patron = vec![wire_role(&state, &patron_role(&inst.institution))];
    users.extend(seed_users::patrons(&ctx, &taken, &patron));
    let mut taken = taken;
    taken.extend(users.iter().map(|u| u.primary_id.to_lowercase()));
    let wire = |role: &Role| wire_role(&state, role);
    users.extend(seed_unmanaged::users(repo, today, &taken, wire, &patron[0]));
    users.sort_by_key(|u| u.primary_id.to_lowercase());
    state.users = users;
    state.staff_logins = seed_logins::staff_logins(repo, &seeded, today);
    debug_assert_eq!(state.check(), Ok(()));
    state
}

/// What the seed does to one login's roles so that a first plan has
/// something real to show. Each drifted user gets exactly one kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Drift {
    /// (d) roles ACTIVE although the login is suspended or on a long leave.
    ActiveNotInactive,
    /// (f) a new hire whose roles were never entered: Patron only.
    NoRoles,
    /// (e) expiry missing on one role, a different date on another.
    StaleExpiry,
    /// (d) one role INACTIVE although the login is active.
    InactiveNotActive,
    /// (b) one granted role missing.
    Missing,
    /// (c) an exact duplicate of one role.
    Duplicate,
    /// (a) Catalog Manager added by hand.
    AddedByHand,
}

impl Drift {
    /// In choosing order: the kinds with the fewest candidates first.
    const ALL: [Drift; 7] = [
        Drift::ActiveNotInactive,
        Drift::NoRoles,
        Drift::StaleExpiry,
        Drift::InactiveNotActive,
        Drift::Missing,
        Drift::Duplicate,
        Drift::AddedByHand,
    ];

    /// Whether a login can show this drift, and how well (lower is better).
    fn fit(self, login: &Login, desired: &Desired, today: NaiveDate) -> Option<u8> {
        let active = desired.standing.is_active();
        let n = desired.roles.len();
        let better = |b: bool| u8::from(!b);
        match self {
            Drift::ActiveNotInactive => matches!(
                desired.standing,
                Standing::Inactive {
                    why: Inactivity::Suspended { .. } | Inactivity::OnLeave { .. }
                }
            )
            .then_some(0),
            Drift::NoRoles => (login.login == LoginKind::Personal).then(|| {
                better(active) * 4 + better(recent_start(login, today)) * 2 + better(n >= 3)
            }),
            Drift::StaleExpiry => login.end_date.is_some().then(|| better(active)),
            Drift::InactiveNotActive => active.then_some(0),
            Drift::Missing => (n >= 2).then(|| better(active)),
            Drift::Duplicate => Some(better(active)),
            Drift::AddedByHand => {
                let has = |code: &str| desired.roles.iter().any(|r| r.role.role_type == code);
                (!has(HAND_ADDED_ROLE)).then(|| better(has("204")) * 2 + better(active))
            }
        }
    }

    fn tag(self) -> &'static str {
        match self {
            Drift::ActiveNotInactive => "d1",
            Drift::NoRoles => "f",
            Drift::StaleExpiry => "e",
            Drift::InactiveNotActive => "d2",
            Drift::Missing => "b",
            Drift::Duplicate => "c",
            Drift::AddedByHand => "a",
        }
    }
}

/// Which logins wait for an account, which drift, which carry a block.
struct Layout {
    waiting: BTreeSet<String>,
    drift: BTreeMap<String, Drift>,
    blocks: Vec<String>,
}

impl Layout {
    fn choose(repo: &AccessRepo, logins: &[(&Login, &Desired)], today: NaiveDate) -> Layout {
        let safety = &repo.institution.safety.protected_users;
        let untouchable = |l: &Login| {
            l.kind == LoginType::Systems
                || repo
                    .units
                    .get(&l.unit)
                    .is_some_and(|u| u.has_flag(UnitFlag::Systems))
                || safety.iter().any(|p| p.eq_ignore_ascii_case(&l.primary_id))
        };
        let ended = |d: &Desired| matches!(d.standing, Standing::Ended { .. });
        // New hires are the likeliest to wait for the user feed.
        let mut candidates: Vec<&(&Login, &Desired)> = logins
            .iter()
            .filter(|(l, d)| !untouchable(l) && !ended(d))
            .collect();
        candidates
            .sort_by_key(|(l, _)| (!recent_start(l, today), fnv(&["waiting", &l.primary_id])));
        let waiting: BTreeSet<String> = candidates
            .iter()
            .take(WAITING.min(logins.len() / 8))
            .map(|(l, _)| l.primary_id.clone())
            .collect();
        let eligible: Vec<&(&Login, &Desired)> = candidates
            .into_iter()
            .filter(|(l, d)| !waiting.contains(&l.primary_id) && !d.roles.is_empty())
            .collect();
        // A minority: at most a third of the users that could drift.
        let budget = eligible.len() / 3;
        let mut drift = BTreeMap::new();
        for kind in Drift::ALL {
            if drift.len() >= budget {
                break;
            }
            let pick = eligible
                .iter()
                .filter(|(l, _)| !drift.contains_key(&l.primary_id))
                .filter_map(|(l, d)| {
                    let fit = kind.fit(l, d, today)?;
                    Some((fit, fnv(&[kind.tag(), &l.primary_id]), &l.primary_id))
                })
                .min();
            if let Some((_, _, id)) = pick {
                drift.insert(id.clone(), kind);
            }
        }
        let mut personal: Vec<&String> = logins
            .iter()
            .filter(|(l, _)| l.login == LoginKind::Personal && !waiting.contains(&l.primary_id))
            .map(|(l, _)| &l.primary_id)
            .collect();
        personal.sort_by_key(|id| fnv(&["block", id]));
        let blocks = personal.into_iter().take(2).cloned().collect();
        Layout {
            waiting,
            drift,
            blocks,
        }
    }

    fn flavour(&self, id: &str) -> Flavour {
        match self.blocks.iter().position(|b| b == id) {
            Some(0) => Flavour::ActiveBlock,
            Some(_) => Flavour::OldBlock,
            None => Flavour::Plain,
        }
    }
}

/// A start date within the last 90 days, or still to come.
fn recent_start(login: &Login, today: NaiveDate) -> bool {
    login
        .start_date
        .is_some_and(|s| (today - s).num_days() < 90)
}

/// The roles Alma holds for a login: its desired roles with the drift
/// applied, and Patron on personal logins; described as Alma stores them.
fn seeded_roles(
    state: &State,
    login: &Login,
    desired: &Desired,
    drift: Option<Drift>,
) -> Vec<UserRole> {
    let mut roles: Vec<Role> = desired.roles.iter().map(|r| r.role.clone()).collect();
    // One role to drift, preferably a job role (a desk, a service unit, a
    // library) rather than the view roles every login has.
    let job: Vec<usize> = (0..roles.len())
        .filter(|&i| !roles[i].parameters.is_empty() || roles[i].scope != state.institution_code)
        .collect();
    let choices = if job.is_empty() {
        (0..roles.len()).collect()
    } else {
        job
    };
    let h = fnv(&["role", &login.primary_id]);
    // Drifts that pick a role only go to logins that have roles.
    let pick = choices
        .get((h % choices.len().max(1) as u64) as usize)
        .copied()
        .unwrap_or(0);
    match drift {
        None => {}
        Some(Drift::ActiveNotInactive) => {
            for role in &mut roles {
                role.status = RoleStatus::Active;
            }
        }
        Some(Drift::NoRoles) => roles.clear(),
        Some(Drift::StaleExpiry) => {
            roles[0].expiry_date = None;
            if let (Some(role), Some(end)) = (roles.get_mut(1), login.end_date) {
                role.expiry_date = end.checked_add_months(Months::new(12));
            }
        }
        Some(Drift::InactiveNotActive) => roles[pick].status = RoleStatus::Inactive,
        Some(Drift::Missing) => {
            roles.remove(pick);
        }
        Some(Drift::Duplicate) => roles.push(roles[pick].clone()),
        Some(Drift::AddedByHand) => roles.push(Role {
            role_type: HAND_ADDED_ROLE.into(),
            scope: state.institution_code.clone(),
            status: RoleStatus::Active,
            expiry_date: None,
            parameters: Vec::new(),
        }),
    }
    if login.login == LoginKind::Personal {
        roles.insert(0, patron_role(&state.institution_code));
    }
    roles
        .iter()
        .map(|r| wire_role(state, r))
        // Alma cannot hold a role it would refuse; none is expected here.
        .filter(|w| validate::check_roles(state, std::slice::from_ref(w)).is_empty())
        .collect()
}

fn patron_role(institution: &str) -> Role {
    Role {
        role_type: PATRON.into(),
        scope: institution.into(),
        status: RoleStatus::Active,
        expiry_date: None,
        parameters: Vec::new(),
    }
}

/// A role in wire form with the descriptions Alma fills in.
fn wire_role(state: &State, role: &Role) -> UserRole {
    let mut wire = [role.to_wire()];
    validate::describe_roles(state, &mut wire);
    let [wire] = wire;
    wire
}

/// `PRODUCTION` or `SANDBOX`, from the environment's declared type or its name.
fn environment_type(repo: &AccessRepo, environment: &str) -> String {
    let declared = repo
        .institution
        .environments
        .get(environment)
        .and_then(|e| e.environment_type.as_deref())
        .unwrap_or(environment);
    if declared.to_ascii_lowercase().contains("prod") {
        "PRODUCTION".into()
    } else {
        "SANDBOX".into()
    }
}
