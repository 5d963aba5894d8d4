//! The emulator's seeds. The sample institution's committed descriptions
//! (`emulator::seed::sample`) load, give the same state every time, carry
//! the keys and limits, and, checked here against the sample's login files
//! (the emulator itself never reads them): every login of the environment
//! present but the two waiting for an account, a few patrons, every role
//! acceptable to the emulator's own PUT, most users already matching the
//! repository, each kind of drift present and said in the user's `drift:`,
//! and staff logins a sweep can judge. The fallback of the built-in target
//! for any other repository: every login's user with Patron only, and
//! logging in.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use alma_access::alma::wire::StaffLogin;
use alma_access::alma::{AlmaRead, AlmaWrite, Role, RoleStatus, normalize, wire};
use alma_access::emulator::{Access, Description, Emulator, StaffLoginRecord, State, seed};
use alma_access::lifecycle::{inactivity, last_logins};
use alma_access::model::{AccessRepo, LoginType};
use alma_access::reconcile::{self, ChangeKind, Desired, Scope, UserStatus, desired};
use chrono::{Days, NaiveDate};

const ENVIRONMENTS: [&str; 2] = ["production", "sandbox"];

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn load(root: &Path) -> AccessRepo {
    let (_, outcome) = alma_access::validate::validate_dir(root, today());
    outcome.repo.expect("the repository validates")
}

fn sample() -> AccessRepo {
    load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("access"))
}

fn minimal() -> AccessRepo {
    load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal"))
}

fn description(env: &str) -> Description {
    seed::sample(env).expect("the sample describes the environment")
}

/// The sample's Alma for `env` on the description's day.
fn seeded(env: &str) -> State {
    seed::from_description(&description(env), today())
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
fn the_sample_descriptions_load_with_keys_and_limits() {
    for env in ENVIRONMENTS {
        let d = description(env);
        assert_eq!(d.institution, seed::SAMPLE_INSTITUTION);
        assert_eq!(d.day, today(), "{env}");
        let a = seed::from_description(&d, today());
        let b = seed::from_description(&description(env), today());
        assert_eq!(a, b, "{env}: deterministic");
        assert_eq!(
            serde_json::to_string_pretty(&a).unwrap(),
            serde_json::to_string_pretty(&b).unwrap(),
            "{env}"
        );
        a.check().unwrap();
        assert_eq!(a.limits, seed::LIMITS);
        assert_eq!(a.access(seed::READ_ONLY_KEY), Some(Access::Read));
        assert_eq!(a.access(seed::READ_WRITE_KEY), Some(Access::ReadWrite));
        assert_eq!(a.access("guessed-key"), None);
    }
    assert_eq!(seeded("production").environment_type, "PRODUCTION");
    assert_eq!(seeded("sandbox").environment_type, "SANDBOX");
    assert!(seed::sample("staging").is_none());
}

#[test]
fn the_seed_round_trips_through_a_state_file() {
    let dir = tempfile::tempdir().unwrap();
    for env in ENVIRONMENTS {
        let state = seeded(env);
        let path = dir.path().join(format!("{env}.json"));
        state.save(&path).unwrap();
        assert_eq!(State::load(&path).unwrap(), state, "{env}");
    }
}

#[test]
fn seeded_on_a_later_day_only_the_staff_logins_move() {
    let d = description("production");
    let then = seed::from_description(&d, today());
    let later = seed::from_description(&d, today() + Days::new(45));
    assert_eq!(later.users, then.users);
    assert_eq!(later.staff_logins.len(), then.staff_logins.len());
    for (a, b) in then.staff_logins.iter().zip(&later.staff_logins) {
        assert_eq!(b.login_date, a.login_date + chrono::Duration::days(45));
        assert_eq!((&a.primary_id, a.successful), (&b.primary_id, b.successful));
    }
    assert!(
        later
            .staff_logins
            .iter()
            .all(|r| r.login_date.date() < today() + Days::new(45))
    );
}

#[test]
fn libraries_and_role_types_cover_the_repository() {
    let repo = sample();
    for env in ENVIRONMENTS {
        let state = seeded(env);
        let codes: BTreeSet<&str> = state.libraries.iter().map(|l| l.code.as_str()).collect();
        for unit in repo.units.0.values() {
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
}

#[test]
fn every_login_is_present_but_two_waiting_ones() {
    let repo = sample();
    for env in ENVIRONMENTS {
        let state = seeded(env);
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
        // a former staff member, desk roles granted by hand, the protected users.
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
                    .any(|r| r.code("role_type").as_deref() != Some(seed::PATRON))
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
    let state = seeded("production");
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
    for env in ENVIRONMENTS {
        let state = seeded(env);
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
fn most_users_match_and_each_drift_kind_appears_where_the_description_says() {
    let repo = sample();
    for env in ENVIRONMENTS {
        let d = description(env);
        let state = seed::from_description(&d, today());
        let desired: BTreeMap<String, Desired> = desired::for_environment(&repo, env, today());
        let mut matching = 0;
        let mut drifted: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
        let mut seeded = 0;
        for (key, want) in &desired {
            let Some(i) = state.user_index(key) else {
                continue;
            };
            seeded += 1;
            let held = managed(&state.users[i]);
            if normalize(held.clone()) == wanted(want) {
                matching += 1;
            }
            let kinds = drift_kinds(&held, want);
            let said = d.user(key).and_then(|u| u.drift.as_deref());
            match (kinds.first(), said) {
                (None, None) => {}
                (Some(kind), Some(said)) => {
                    assert_eq!(kinds.len(), 1, "{env} {key}: one kind each: {kinds:?}");
                    assert_eq!(said[..1], kind[..1], "{env} {key}: {said}");
                }
                _ => panic!("{env} {key}: drift {kinds:?}, the description says {said:?}"),
            }
            for kind in kinds {
                drifted
                    .entry(kind)
                    .or_default()
                    .push(want.primary_id.clone());
            }
        }
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

fn request(repo: &AccessRepo) -> reconcile::Request<'_> {
    reconcile::Request {
        repo,
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
    }
}

#[tokio::test]
async fn a_first_plan_over_the_sample_shows_the_drift_and_no_safety_stop() {
    let repo = sample();
    let emulators: BTreeMap<String, Emulator> = ENVIRONMENTS
        .iter()
        .map(|env| (env.to_string(), Emulator::new(seeded(env))))
        .collect();
    let plan = reconcile::plan(&emulators, &request(&repo)).await.unwrap();
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

/// The users with a login (`successful`) or a failed attempt in the 90 days.
fn within(records: &[StaffLoginRecord], successful: bool) -> BTreeSet<String> {
    let from = today() - Days::new(90);
    records
        .iter()
        .filter(|r| r.login_date.date() >= from && r.successful == successful)
        .map(|r| r.primary_id.clone())
        .collect()
}

#[test]
fn most_staff_log_in_and_a_sweep_proposes_those_who_do_not() {
    let repo = sample();
    let records = seeded("production").staff_logins;
    assert!(records.iter().all(|r| r.login_date.date() < today()));
    assert!(records.is_sorted_by_key(|r| r.login_date));
    assert!(
        records.len() > 500 && records.len() < 5_000,
        "{}",
        records.len()
    );
    let logged_in = within(&records, true);
    let everyone: BTreeSet<String> = records.iter().map(|r| r.primary_id.clone()).collect();
    let without: BTreeSet<String> = everyone.difference(&logged_in).cloned().collect();
    let failed_only: BTreeSet<String> = within(&records, false)
        .difference(&logged_in)
        .cloned()
        .collect();
    assert_eq!((without.len(), failed_only.len()), (5, 2), "{without:?}");
    assert!(logged_in.len() > 20, "most log in: {}", logged_in.len());
    let typos = records
        .iter()
        .filter(|r| !r.successful && logged_in.contains(&r.primary_id));
    assert!(typos.count() > 0, "the odd failed attempt before a login");
    let protected = &repo.institution.safety.protected_users;
    assert!(protected.iter().all(|p| !everyone.contains(p)));

    let from = today() - Days::new(90);
    let logins: Vec<StaffLogin> = records
        .iter()
        .filter(|r| r.login_date.date() >= from)
        .map(|r| StaffLogin {
            primary_id: r.primary_id.clone(),
            day: r.login_date.date(),
            successful: r.successful,
        })
        .collect();
    let (report, failed) = last_logins::reduce(&logins, today(), None);
    assert_eq!(failed, 2);
    let sweep = inactivity::sweep(&repo, &report, today(), 90, today());
    let inactive: BTreeSet<String> = sweep
        .inactive
        .iter()
        .map(|f| f.login.primary_id.clone())
        .collect();
    assert!(without.is_subset(&inactive), "{without:?} in {inactive:?}");
    assert!(inactive.is_disjoint(&logged_in), "{inactive:?}");
    assert!(
        sweep.active.len() > 20,
        "most are active: {}",
        sweep.active.len()
    );
}

#[tokio::test]
async fn any_other_repository_gets_every_login_with_patron_only() {
    let repo = minimal();
    let state = alma_access::synth::built_in(&repo, "production", today());
    assert_eq!(
        state,
        seed::from_description(
            &alma_access::synth::fallback(&repo, "production", today()),
            today()
        )
    );
    assert_eq!(state.institution_code, "01TEST_INST");
    assert_eq!(state.environment_type, "PRODUCTION");
    assert_eq!(
        alma_access::synth::built_in(&repo, "sandbox", today()).environment_type,
        "SANDBOX"
    );
    assert_eq!(state.users.len(), repo.logins.len());
    let logged_in: BTreeSet<&str> = state
        .staff_logins
        .iter()
        .map(|r| r.primary_id.as_str())
        .collect();
    assert!(logged_in.len() * 2 > repo.logins.len(), "{logged_in:?}");
    assert!(
        state
            .staff_logins
            .iter()
            .all(|r| r.login_date.date() < today())
    );
    for login in &repo.logins {
        let user = &state.users[state.user_index(&login.primary_id).unwrap()];
        assert_eq!(record_type(user), "STAFF");
        assert_eq!(user.rest["full_name"], login.name.as_str());
        let roles = reconcile::roles_of(user).unwrap();
        assert_eq!(roles.len(), 1);
        assert_eq!(
            (
                roles[0].role_type.as_str(),
                roles[0].scope.as_str(),
                roles[0].status
            ),
            (seed::PATRON, "01TEST_INST", RoleStatus::Active)
        );
    }
    for unit in repo.units.0.values() {
        let library = state.library(&unit.alma_library).unwrap();
        for desk in &unit.circulation_desks {
            assert!(library.circulation_desks.iter().any(|d| &d.code == desk));
        }
    }
    let table = state
        .code_table(alma_access::alma::ROLE_TYPE_TABLE)
        .unwrap();
    for grant in &repo.catalog.login_types.custom.grants {
        assert!(table.iter().any(|r| r.code == grant.alma_role));
    }
    // The first plan adds every grant: nothing removed, nobody waiting.
    let emulators: BTreeMap<String, Emulator> = ENVIRONMENTS
        .iter()
        .map(|env| {
            let state = alma_access::synth::built_in(&repo, env, today());
            (env.to_string(), Emulator::new(state))
        })
        .collect();
    let plan = reconcile::plan(&emulators, &request(&repo)).await.unwrap();
    assert!(
        plan.errors.is_empty() && plan.safety.is_empty(),
        "{:?}",
        plan.errors
    );
    assert!(plan.users.iter().all(|u| u.status != UserStatus::Waiting));
    let changes: Vec<_> = plan.users.iter().flat_map(|u| &u.changes).collect();
    assert!(!changes.is_empty());
    assert!(
        changes.iter().all(|c| matches!(c.kind, ChangeKind::Add)),
        "{changes:?}"
    );
    // The sample institution gets its description, whatever its files say.
    assert_eq!(
        alma_access::synth::built_in(&sample(), "production", today()),
        seeded("production")
    );
}
