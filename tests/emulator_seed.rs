//! The seed of the built-in default target (`emulator::seed::from_repo`) on
//! the sample institution: deterministic, a valid state file, every login of
//! the environment present but the two waiting for an account, a few
//! patrons, every role acceptable to the emulator's own PUT, most users
//! already matching the repository and each kind of drift present.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use alma_access::alma::{AlmaRead, AlmaWrite, Role, RoleStatus, normalize, wire};
use alma_access::emulator::{Emulator, State, seed};
use alma_access::model::{AccessRepo, LoginType};
use alma_access::reconcile::{self, Desired, Scope, UserStatus, desired};
use chrono::NaiveDate;

const ENVIRONMENTS: [&str; 2] = ["production", "sandbox"];

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn sample() -> AccessRepo {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("access");
    let (_, outcome) = alma_access::validate::validate_dir(&root, today());
    outcome.repo.expect("the sample institution validates")
}

fn record_type(user: &wire::User) -> &str {
    user.rest["record_type"]["value"]
        .as_str()
        .unwrap_or_default()
}

/// A user's roles in the reconciler's form, Patron left out, not normalised.
fn managed(user: &wire::User) -> Vec<Role> {
    reconcile::roles_of(user)
        .unwrap()
        .into_iter()
        .filter(|r| r.role_type != seed::PATRON)
        .collect()
}

fn wanted(d: &Desired) -> Vec<Role> {
    normalize(d.roles.iter().map(|r| r.role.clone()).collect())
}

/// The drift kinds (a)-(f) one user shows against its desired roles.
fn drift_kinds(held: &[Role], d: &Desired) -> BTreeSet<&'static str> {
    let want = wanted(d);
    let have = normalize(held.to_vec());
    let mut kinds = BTreeSet::new();
    let same = |a: &Role, b: &Role| a.identity() == b.identity();
    if have.iter().any(|h| !want.iter().any(|w| same(h, w))) {
        kinds.insert("a added by hand");
    }
    if have.is_empty() && !want.is_empty() {
        kinds.insert("f no roles but Patron");
    } else if want.iter().any(|w| !have.iter().any(|h| same(h, w))) {
        kinds.insert("b granted role missing");
    }
    if held.len() > have.len() {
        kinds.insert("c duplicate");
    }
    for w in &want {
        for h in have.iter().filter(|h| same(h, w)) {
            match (h.status, w.status) {
                (RoleStatus::Active, RoleStatus::Inactive) => {
                    kinds.insert("d active, should be inactive");
                }
                (RoleStatus::Inactive, RoleStatus::Active) => {
                    kinds.insert("d inactive, should be active");
                }
                _ => {}
            }
            if h.expiry_date != w.expiry_date {
                kinds.insert("e stale expiry");
            }
        }
    }
    kinds
}

#[test]
fn the_seed_is_deterministic() {
    let repo = sample();
    for env in ENVIRONMENTS {
        let a = seed::from_repo(&repo, env, today());
        let b = seed::from_repo(&sample(), env, today());
        assert_eq!(a, b, "{env}");
        assert_eq!(
            serde_json::to_string_pretty(&a).unwrap(),
            serde_json::to_string_pretty(&b).unwrap(),
            "{env}"
        );
    }
    let production = seed::from_repo(&repo, "production", today());
    let sandbox = seed::from_repo(&repo, "sandbox", today());
    assert_eq!(production.environment_type, "PRODUCTION");
    assert_eq!(sandbox.environment_type, "SANDBOX");
    assert_eq!(production.institution_code, "01NFU_INST");
    assert_eq!(production.limits.per_second, 25);
    assert!(production.limits.daily >= 10_000);
    assert_eq!(
        production.access(seed::READ_ONLY_KEY),
        Some(alma_access::emulator::Access::Read)
    );
    assert_eq!(
        production.access(seed::READ_WRITE_KEY),
        Some(alma_access::emulator::Access::ReadWrite)
    );
}

#[test]
fn the_seed_round_trips_through_a_state_file() {
    let repo = sample();
    let dir = tempfile::tempdir().unwrap();
    for env in ENVIRONMENTS {
        let state = seed::from_repo(&repo, env, today());
        state.check().unwrap();
        let path = dir.path().join(format!("{env}.json"));
        state.save(&path).unwrap();
        assert_eq!(State::load(&path).unwrap(), state, "{env}");
    }
}

#[test]
fn libraries_and_role_types_cover_the_repository() {
    let repo = sample();
    let state = seed::from_repo(&repo, "production", today());
    let codes: BTreeSet<&str> = state.libraries.iter().map(|l| l.code.as_str()).collect();
    for unit in repo.units.0.values() {
        assert!(codes.contains(unit.alma_library.as_str()));
        let library = state.library(&unit.alma_library).unwrap();
        for desk in &unit.circulation_desks {
            assert!(
                library.circulation_desks.iter().any(|d| &d.code == desk),
                "{desk}"
            );
        }
        for su in unit.departments.iter().chain(&unit.work_order_departments) {
            assert!(library.service_units.iter().any(|d| &d.code == su), "{su}");
        }
        for owner in &unit.po_line_owners {
            assert!(codes.contains(owner.as_str()), "{owner}");
        }
    }
    assert_eq!(
        state.library("NFU_TS").unwrap().name,
        "Technical Services and Acquisitions"
    );
    assert_eq!(
        state.library("NFU_MAIN").unwrap().name,
        "Northfield Main Library"
    );
    let table = state
        .code_table(alma_access::alma::ROLE_TYPE_TABLE)
        .unwrap();
    assert!(table.len() >= 48);
    for grant in repo.catalog.login_types.custom.grants.iter() {
        assert!(table.iter().any(|r| r.code == grant.alma_role));
    }
}

#[test]
fn every_login_is_present_but_two_waiting_ones() {
    let repo = sample();
    for env in ENVIRONMENTS {
        let state = seed::from_repo(&repo, env, today());
        let logins: Vec<_> = repo
            .logins
            .iter()
            .filter(|l| l.environments.iter().any(|e| e == env))
            .collect();
        let waiting: Vec<_> = logins
            .iter()
            .filter(|l| state.user_index(&l.primary_id).is_none())
            .collect();
        assert_eq!(waiting.len(), 2, "{env}: {waiting:?}");
        for l in &waiting {
            assert_ne!(l.kind, LoginType::Systems);
            assert_ne!(l.unit, "systems");
            assert!(
                !repo
                    .institution
                    .safety
                    .protected_users
                    .contains(&l.primary_id)
            );
        }
        // Beside the logins, a few staff users no login file names (R11):
        // a former cataloguer, a desk role granted by hand, the protected users.
        let (staff, unmanaged): (Vec<_>, Vec<_>) = state
            .users
            .iter()
            .filter(|u| record_type(u) == "STAFF")
            .partition(|u| repo.login(&u.primary_id).is_some());
        assert_eq!(staff.len(), logins.len() - 2, "{env}");
        let protected = repo.institution.safety.protected_users.len();
        assert_eq!(unmanaged.len(), 2 + protected, "{env}: {unmanaged:?}");
        assert!(unmanaged.iter().all(|u| {
            u.user_role.as_ref().is_some_and(|r| {
                r.iter()
                    .any(|r| r.code("role_type").as_deref() != Some("200"))
            })
        }));
        for user in staff {
            let login = repo
                .login(&user.primary_id)
                .expect("a staff user has a login");
            assert!(login.environments.iter().any(|e| e == env));
            let r = &user.rest;
            assert_eq!(r["account_type"]["value"], "INTERNAL");
            assert_eq!(r["status"]["value"], "ACTIVE");
            assert_eq!(r["full_name"], login.name.as_str());
            assert!(r["user_group"]["value"].is_string());
            if let Some(email) = &login.email {
                assert_eq!(
                    r["contact_info"]["email"][0]["email_address"],
                    email.as_str()
                );
            }
            assert!(!r["user_identifier"].as_array().unwrap().is_empty());
            assert!(!r["user_note"].as_array().unwrap().is_empty());
        }
        let blocked = state
            .users
            .iter()
            .filter(|u| {
                u.rest["user_block"]
                    .as_array()
                    .is_some_and(|b| !b.is_empty())
            })
            .count();
        assert!(
            (1..=2).contains(&blocked),
            "{env}: {blocked} users with blocks"
        );
    }
}

#[test]
fn patrons_have_no_login_and_only_the_patron_role() {
    let repo = sample();
    let state = seed::from_repo(&repo, "production", today());
    let patrons: Vec<_> = state
        .users
        .iter()
        .filter(|u| record_type(u) == "PUBLIC")
        .collect();
    assert!(
        (3..=5).contains(&patrons.len()),
        "{} patrons",
        patrons.len()
    );
    for p in patrons {
        assert!(repo.login(&p.primary_id).is_none(), "{}", p.primary_id);
        let roles = p.user_role.as_deref().unwrap();
        assert!(!roles.is_empty());
        assert!(
            roles
                .iter()
                .all(|r| r.code("role_type").as_deref() == Some(seed::PATRON))
        );
    }
}

#[tokio::test]
async fn every_seeded_user_passes_the_emulators_own_put() {
    let repo = sample();
    for env in ENVIRONMENTS {
        let state = seed::from_repo(&repo, env, today());
        let emulator = Emulator::new(state.clone());
        for user in &state.users {
            let stored = emulator
                .update_user(user)
                .await
                .unwrap_or_else(|e| panic!("{env}: {} refused: {e}", user.primary_id));
            // The seed already carries the descriptions Alma fills in.
            assert_eq!(&stored, user, "{env}");
        }
        assert_eq!(emulator.stats().rejected_writes, 0);
        assert_eq!(emulator.state(), state);
        let first = &state.users[0].primary_id;
        assert!(emulator.get_user(first).await.unwrap().is_some());
    }
}

#[test]
fn most_users_match_and_each_drift_kind_appears() {
    let repo = sample();
    for env in ENVIRONMENTS {
        let state = seed::from_repo(&repo, env, today());
        let desired: BTreeMap<String, Desired> = desired::for_environment(&repo, env, today());
        let mut matching = 0;
        let mut drifted: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
        let mut seeded = 0;
        for (key, d) in &desired {
            let Some(i) = state.user_index(key) else {
                continue;
            };
            seeded += 1;
            let held = managed(&state.users[i]);
            if normalize(held.clone()) == wanted(d) {
                matching += 1;
            }
            for kind in drift_kinds(&held, d) {
                drifted.entry(kind).or_default().push(d.primary_id.clone());
            }
        }
        println!("{env}: {matching} of {seeded} users match; drift: {drifted:#?}");
        assert!(
            matching * 3 >= seeded * 2,
            "{env}: only {matching} of {seeded} match"
        );
        let kinds: Vec<&str> = drifted.keys().copied().collect();
        assert_eq!(
            kinds,
            [
                "a added by hand",
                "b granted role missing",
                "c duplicate",
                "d active, should be inactive",
                "d inactive, should be active",
                "e stale expiry",
                "f no roles but Patron",
            ],
            "{env}"
        );
        // Patron sits on most staff users, untouched by the drift.
        let with_patron = state
            .users
            .iter()
            .filter(|u| record_type(u) == "STAFF")
            .filter(|u| {
                u.user_role.iter().flatten().any(|r| {
                    r.code("role_type").as_deref() == Some(seed::PATRON)
                        && r.code("status").as_deref() == Some("ACTIVE")
                })
            })
            .count();
        assert!(with_patron * 2 > seeded, "{env}: {with_patron} with Patron");
    }
}

#[tokio::test]
async fn a_first_plan_over_the_seed_shows_the_drift_and_no_safety_stop() {
    let repo = sample();
    let emulators: BTreeMap<String, Emulator> = ENVIRONMENTS
        .iter()
        .map(|env| {
            (
                env.to_string(),
                Emulator::new(seed::from_repo(&repo, env, today())),
            )
        })
        .collect();
    let request = reconcile::Request {
        repo: &repo,
        today: today(),
        environments: ENVIRONMENTS.iter().map(|e| e.to_string()).collect(),
        scope: Scope::Full,
        only: None,
        deleted: Vec::new(),
        commit: None,
        tables: Vec::new(),
        reviewed: Default::default(),
        progress: Default::default(),
        notices: Vec::new(),
    };
    let plan = reconcile::plan(&emulators, &request).await.unwrap();
    assert!(plan.errors.is_empty(), "{:?}", plan.errors);
    assert!(plan.safety.is_empty(), "{:?}", plan.safety);
    for env in ENVIRONMENTS {
        let count = |status| {
            plan.users
                .iter()
                .filter(|u| u.environment == env && u.status == status)
                .count()
        };
        let (unchanged, changed, waiting) = (
            count(UserStatus::Unchanged),
            count(UserStatus::Changed),
            count(UserStatus::Waiting),
        );
        assert_eq!(waiting, 2, "{env}");
        assert!(changed >= 6, "{env}: {changed} changed");
        assert!(
            unchanged > 2 * changed,
            "{env}: {unchanged} unchanged, {changed} changed"
        );
    }
}
