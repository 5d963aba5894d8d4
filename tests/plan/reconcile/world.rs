//! A test world: the minimal fixture institution, one in-process emulated
//! Alma per environment holding every login's user with only a Patron role,
//! and helpers to plan, apply and look at Alma.

use std::collections::{BTreeMap, BTreeSet};

use alma_access::alma::{AlmaRead, AlmaWrite, Role, normalize, wire};
use alma_access::emulator::{Emulator, LibraryEntry, NamedEntry, State};
use alma_access::model::AccessRepo;
use alma_access::reconcile::apply::Report;
use alma_access::reconcile::audit::{AuditLog, Record};
use alma_access::reconcile::{self, Deleted, Plan, Request, Scope};
use chrono::NaiveDate;
use serde_json::json;

use crate::fixture::Fixture;

pub const ENVS: [&str; 2] = ["production", "sandbox"];

pub struct World {
    pub fixture: Fixture,
    pub alma: BTreeMap<String, Emulator>,
    pub today: NaiveDate,
    audit: tempfile::TempDir,
}

pub fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

impl World {
    /// The minimal fixture, with Alma holding each login's user and a Patron role only.
    pub fn new() -> World {
        World::new_with(|_, _| {})
    }

    /// As [`World::new`], with each environment's Alma adjusted first.
    pub fn new_with(adjust: impl Fn(&str, &mut State)) -> World {
        let fixture = Fixture::minimal();
        let today = day(crate::fixture::TODAY);
        let repo = repo_of(&fixture, today);
        let alma = ENVS
            .iter()
            .map(|env| {
                let mut state = state(&repo, env);
                adjust(env, &mut state);
                (env.to_string(), Emulator::new(state))
            })
            .collect();
        World {
            fixture,
            alma,
            today,
            audit: tempfile::tempdir().unwrap(),
        }
    }

    pub fn repo(&self) -> AccessRepo {
        repo_of(&self.fixture, self.today)
    }

    /// A full plan of both environments.
    pub fn plan(&self) -> Plan {
        self.plan_with(|_| {})
    }

    /// A plan with the request adjusted first.
    pub fn plan_with(&self, adjust: impl FnOnce(&mut Request<'_>)) -> Plan {
        let repo = self.repo();
        let mut request = Request {
            repo: &repo,
            today: self.today,
            environments: ENVS.iter().map(|e| e.to_string()).collect(),
            scope: Scope::Full,
            only: None,
            deleted: Vec::<Deleted>::new(),
            commit: None,
            tables: Vec::new(),
            reviewed: Default::default(),
            progress: Default::default(),
            notices: Vec::new(),
        };
        adjust(&mut request);
        block_on(reconcile::plan(&self.alma, &request)).expect("plan")
    }

    pub fn apply(&self, plan: &Plan) -> Report {
        let repo = self.repo();
        let mut audit = AuditLog::open(&self.audit.path().join("audit.jsonl")).unwrap();
        block_on(reconcile::apply::apply(
            &self.alma,
            plan,
            &repo.institution.preserve_roles,
            &mut audit,
        ))
    }

    pub fn audit(&self) -> Vec<Record> {
        AuditLog::read(&self.audit.path().join("audit.jsonl")).unwrap_or_default()
    }

    /// The roles Alma holds for a user.
    pub fn roles(&self, env: &str, id: &str) -> Vec<Role> {
        let user = block_on(self.alma[env].get_user(id))
            .unwrap()
            .expect("user exists");
        normalize(reconcile::roles_of(&user).unwrap())
    }

    /// Changes a user's roles in Alma directly, as a person in the Alma UI would.
    pub fn edit_in_alma(&self, env: &str, id: &str, edit: impl FnOnce(&mut Vec<wire::UserRole>)) {
        let mut user = block_on(self.alma[env].get_user(id))
            .unwrap()
            .expect("user exists");
        let mut roles = user.user_role.take().unwrap_or_default();
        edit(&mut roles);
        user.user_role = Some(roles);
        block_on(self.alma[env].update_user(&user)).expect("the edit is accepted");
    }

    pub fn writes(&self) -> u64 {
        self.alma.values().map(|e| e.stats().writes).sum()
    }
}

pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

fn repo_of(fixture: &Fixture, today: NaiveDate) -> AccessRepo {
    let report = fixture.validate_on(today);
    report
        .outcome
        .repo
        .unwrap_or_else(|| panic!("the fixture must validate:\n{}", report.text))
}

/// The Patron role every user keeps.
pub fn patron(institution: &str) -> wire::UserRole {
    serde_json::from_value(json!({
        "status": {"value": "ACTIVE"}, "scope": {"value": institution, "desc": "Test institution"},
        "role_type": {"value": "200", "desc": "Patron"}
    }))
    .unwrap()
}

/// An Alma institution matching the fixture's units, with each login's user holding only a Patron role.
fn state(repo: &AccessRepo, env: &str) -> State {
    let mut state = State::new(repo.institution.institution.clone());
    state.environment_type = env.to_uppercase();
    let mut libraries: BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)> = BTreeMap::new();
    for unit in repo.units.0.values() {
        let entry = libraries.entry(unit.alma_library.clone()).or_default();
        entry.0.extend(unit.circulation_desks.iter().cloned());
        entry.1.extend(
            unit.departments
                .iter()
                .chain(&unit.work_order_departments)
                .cloned(),
        );
    }
    let named = |codes: BTreeSet<String>| {
        codes
            .into_iter()
            .map(|code| NamedEntry {
                name: code.clone(),
                code,
            })
            .collect()
    };
    state.libraries = libraries
        .into_iter()
        .map(|(code, (desks, units))| LibraryEntry {
            name: code.clone(),
            code,
            circulation_desks: named(desks),
            service_units: named(units),
        })
        .collect();
    for login in &repo.logins {
        let mut rest = serde_json::Map::new();
        rest.insert("full_name".into(), json!(login.name));
        rest.insert(
            "record_type".into(),
            json!({"value": "STAFF", "desc": "Staff"}),
        );
        rest.insert("status".into(), json!({"value": "ACTIVE"}));
        rest.insert(
            "user_note".into(),
            json!([{"note_text": "Created by the HR feed", "segment_type": "Internal"}]),
        );
        state.users.push(wire::User {
            primary_id: login.primary_id.clone(),
            user_role: Some(vec![patron(&repo.institution.institution)]),
            rest,
        });
    }
    state
}
