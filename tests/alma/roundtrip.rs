//! The round trip the reconciler depends on, over HTTP against the
//! emulator: for 1,000 generated rich users, GET, change only the roles,
//! PUT, GET again: every other field comes back identical (as JSON values).
//! And for users in the shapes of the real records libraries publish (see
//! [`fixtures::published_shapes`]), a whole apply (plan, re-read, write,
//! verify, audit) that changes one role: every other field and every other
//! role comes back as Alma sent it, `null`s, descriptions, parameter
//! scopes, roles at a network zone, status NEW and duplicates included.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use alma_access::alma::{
    AlmaClient, AlmaRead, AlmaWrite, ApiKey, ClientConfig, Role, RoleStatus, normalize, wire,
};
use alma_access::emulator::fixtures::{self, READ_WRITE_KEY};
use alma_access::emulator::{Emulator, serve};
use alma_access::lifecycle::Standing;
use alma_access::reconcile::audit::AuditLog;
use alma_access::reconcile::desired::DesiredRole;
use alma_access::reconcile::diff::{self, Held, Managed};
use alma_access::reconcile::{Desired, Plan, Scope, UserPlan, plan};
use serde_json::Value;

const USERS: usize = 1_000;

/// The new roles for user `i`: a change to each user's role list.
fn new_roles(i: usize) -> Vec<Role> {
    let mut roles = vec![Role {
        role_type: "204".into(),
        scope: fixtures::INSTITUTION.into(),
        status: if i.is_multiple_of(2) {
            RoleStatus::Active
        } else {
            RoleStatus::Inactive
        },
        expiry_date: chrono::NaiveDate::from_ymd_opt(2031, 1 + (i % 12) as u32, 1),
        parameters: vec![],
    }];
    if i.is_multiple_of(4) {
        roles.push(Role {
            role_type: "221".into(),
            scope: "BRANCH".into(),
            status: RoleStatus::Active,
            expiry_date: None,
            parameters: vec![alma_access::alma::RoleParameter {
                kind: "CirculationDesk".into(),
                value: "BRANCH_CIRC".into(),
                scope: Some("BRANCH".into()),
            }],
        });
    }
    normalize(roles)
}

fn roles_of(user: &wire::User) -> Vec<Role> {
    normalize(
        user.user_role
            .iter()
            .flatten()
            .map(|r| Role::from_wire(r).unwrap())
            .collect(),
    )
}

async fn round_trip(alma: AlmaClient, i: usize) {
    let id = fixtures::user_id(i);
    let before = alma.get_user(&id).await.unwrap().expect("user exists");
    let mut changed = before.clone();
    changed.user_role = Some(new_roles(i).iter().map(Role::to_wire).collect());
    alma.update_user(&changed).await.unwrap();
    let after = alma
        .get_user(&id)
        .await
        .unwrap()
        .expect("user still exists");
    assert_eq!(
        fixtures::without_roles(&after),
        fixtures::without_roles(&before),
        "user {id}"
    );
    assert_eq!(roles_of(&after), new_roles(i), "user {id}");
}

fn client(base_url: String) -> AlmaClient {
    let mut config = ClientConfig::new(base_url, ApiKey::new(READ_WRITE_KEY));
    config.requests_per_second = 0.0;
    config.max_concurrency = 8;
    config.retry_base_delay = Duration::from_millis(5);
    config.expected_environment = Some("sandbox".into());
    AlmaClient::new(config).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_rich_users_keep_every_field_but_roles() {
    let state = fixtures::institution_with_users(USERS);
    let originals = state.users.clone();
    let emulator = Emulator::new(state);
    let server = serve(emulator.clone(), "127.0.0.1:0").await.unwrap();
    let alma = client(server.base_url());

    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..USERS {
        tasks.spawn(round_trip(alma.clone(), i));
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }

    let stats = emulator.stats();
    assert_eq!(stats.writes, USERS as u64);
    assert_eq!(stats.rejected_writes, 0);
    assert_eq!(
        alma.usage().calls,
        3 * USERS as u64 + 1,
        "GET, PUT, GET each, and conf/general once"
    );
    let stored = emulator.state().users;
    for (original, now) in originals.iter().zip(&stored) {
        assert_eq!(
            fixtures::without_roles(original),
            fixtures::without_roles(now)
        );
    }
}

#[test]
fn untouched_users_serialize_to_the_json_they_came_from() {
    for i in 0..50 {
        let user = fixtures::rich_user(i);
        let value = serde_json::to_value(&user).unwrap();
        let again: wire::User = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(serde_json::to_value(&again).unwrap(), value);
        assert_eq!(
            value["is_researcher"],
            if i % 2 == 0 { "true" } else { "false" }
        );
    }
}

/// What the tool manages in [`fixtures::institution`]: its libraries and
/// the institution, Patron preserved.
fn managed() -> Managed {
    Managed {
        preserve: BTreeSet::from(["200".to_string()]),
        scopes: [fixtures::INSTITUTION, "MAIN", "BRANCH"]
            .map(String::from)
            .into(),
    }
}

/// A login granting what `held` has of the tool's, with one change: the
/// first such role in Alma's order switches status (its index is
/// returned), or, when there is none, a new role is granted.
fn one_change(user: &wire::User, held: &Held) -> (Desired, Option<usize>) {
    let managed = managed();
    let mut roles: Vec<Role> = held
        .roles
        .iter()
        .filter(|r| managed.role(r))
        .cloned()
        .collect();
    let first = user
        .user_role
        .iter()
        .flatten()
        .position(|w| Role::from_wire(w).is_ok_and(|r| managed.role(&r)));
    match roles.first_mut() {
        Some(role) => {
            role.status = match role.status {
                RoleStatus::Active => RoleStatus::Inactive,
                RoleStatus::Inactive => RoleStatus::Active,
            }
        }
        None => roles.push(Role {
            role_type: "21".into(),
            scope: fixtures::INSTITUTION.into(),
            status: RoleStatus::Active,
            expiry_date: None,
            parameters: vec![],
        }),
    }
    let desired = Desired {
        primary_id: user.primary_id.clone(),
        file: format!("logins/main/{}.yaml", user.primary_id),
        unit: "main".into(),
        environments: vec!["sandbox".into()],
        standing: Standing::Active,
        roles: roles
            .into_iter()
            .map(|role| DesiredRole {
                role,
                sources: vec![],
                lapse: None,
            })
            .collect(),
        ended: Vec::new(),
    };
    (desired, first)
}

/// A plan of one user in the sandbox.
fn plan_of(user: UserPlan) -> Plan {
    Plan {
        format: plan::FORMAT,
        commit: None,
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        institution: fixtures::INSTITUTION.into(),
        environments: vec!["sandbox".into()],
        scope: Scope::Full,
        users: vec![user],
        calls: BTreeMap::new(),
        safety: vec![],
        errors: vec![],
        hosts: BTreeMap::new(),
        notices: vec![],
        losses: BTreeMap::new(),
        caps: None,
        blast: vec![],
        unmanaged: vec![],
        config: vec![],
        role_names: BTreeMap::new(),
    }
}

/// The role Alma stores after a status change: the one sent, with the new
/// status and its description, nothing else about it touched.
fn with_status_switched(role: &Value) -> Value {
    let mut role = role.clone();
    let now = if role["status"]["value"] == "ACTIVE" {
        serde_json::json!({"value": "INACTIVE", "desc": "Inactive"})
    } else {
        serde_json::json!({"value": "ACTIVE", "desc": "Active"})
    };
    role["status"] = now;
    role
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_shaped_like_published_records_keep_every_other_role_through_an_apply() {
    let emulator = Emulator::new(fixtures::institution_with_published_shapes());
    let server = serve(emulator.clone(), "127.0.0.1:0").await.unwrap();
    let alma = BTreeMap::from([("sandbox".to_string(), client(server.base_url()))]);
    let dir = tempfile::tempdir().unwrap();
    let mut audit = AuditLog::open(&dir.path().join("audit.jsonl")).unwrap();
    let preserve = managed().preserve;
    for (name, original) in fixtures::published_shapes() {
        let id = original["primary_id"].as_str().unwrap();
        let read = alma["sandbox"].get_user(id).await.unwrap().unwrap();
        assert_eq!(
            serde_json::to_value(&read).unwrap(),
            original,
            "{name}: as read"
        );
        let held = Held::read_for(&read, &managed()).unwrap();
        let (desired, changed) = one_change(&read, &held);
        let user = diff::diff("sandbox", id, Some(&desired), Some(&held), &managed());
        assert_eq!(user.changes.len(), 1, "{name}: {:?}", user.changes);
        let plan = plan_of(user);
        let report =
            alma_access::reconcile::apply::apply(&alma, &plan, &preserve, &mut audit).await;
        assert!(
            report.ok() && report.applied.len() == 1,
            "{name}: {report:?}"
        );

        let back = alma["sandbox"].get_user(id).await.unwrap().unwrap();
        let back = serde_json::to_value(&back).unwrap();
        assert_eq!(
            fixtures::without_roles(&serde_json::from_value(back.clone()).unwrap()),
            fixtures::without_roles(&read),
            "{name}: every field but the roles"
        );
        let before = original["user_role"].as_array().unwrap();
        let after = back["user_role"].as_array().unwrap();
        let mut expected = before.clone();
        match changed {
            Some(i) => expected[i] = with_status_switched(&before[i]),
            None => expected.push(after[before.len()].clone()),
        }
        assert_eq!(after, &expected, "{name}: every other role as Alma sent it");
        // What the plan and the audit say is sent is what Alma holds now,
        // duplicates included.
        let now = Held::read(&serde_json::from_value(back).unwrap());
        assert_eq!(
            plan.users[0].after,
            plan::sorted(&now.roles),
            "{name}: the plan's after"
        );
        let records = AuditLog::read(&dir.path().join("audit.jsonl")).unwrap();
        assert_eq!(
            records.last().unwrap().after,
            plan.users[0].after,
            "{name}: the audit"
        );
    }
    assert_eq!(emulator.stats().rejected_writes, 0);
}
