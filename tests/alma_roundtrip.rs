//! The round trip the reconciler depends on, over HTTP against the
//! emulator: for 1,000 generated rich users, GET, change only the roles,
//! PUT, GET again: every other field comes back identical (as JSON values).

use std::time::Duration;

use alma_access::alma::{
    AlmaClient, AlmaRead, AlmaWrite, ApiKey, ClientConfig, Role, RoleStatus, normalize, wire,
};
use alma_access::emulator::fixtures::{self, READ_WRITE_KEY};
use alma_access::emulator::{Emulator, serve};

const USERS: usize = 1_000;

/// The new roles for user `i`: a change to each user's role list.
fn new_roles(i: usize) -> Vec<Role> {
    let mut roles = vec![Role {
        role_type: "204".into(),
        scope: fixtures::INSTITUTION.into(),
        status: if i % 2 == 0 {
            RoleStatus::Active
        } else {
            RoleStatus::Inactive
        },
        expiry_date: chrono::NaiveDate::from_ymd_opt(2031, 1 + (i % 12) as u32, 1),
        parameters: vec![],
    }];
    if i % 4 == 0 {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_rich_users_keep_every_field_but_roles() {
    let state = fixtures::institution_with_users(USERS);
    let originals = state.users.clone();
    let emulator = Emulator::new(state);
    let server = serve(emulator.clone(), "127.0.0.1:0").await.unwrap();
    let mut config = ClientConfig::new(server.base_url(), ApiKey::new(READ_WRITE_KEY));
    config.requests_per_second = 0.0;
    config.max_concurrency = 8;
    config.retry_base_delay = Duration::from_millis(5);
    config.expected_environment = Some("sandbox".into());
    let alma = AlmaClient::new(config).unwrap();

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
