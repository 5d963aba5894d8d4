//! The real Alma client against the emulator over HTTP on 127.0.0.1: paging,
//! missing users, retries (throttling, 5xx, dropped connections), the daily
//! threshold, key permissions, Alma error bodies (JSON and XML), the
//! environment check and id validation. Slowing down to the rate Alma
//! grants is proved on a whole plan in `proof_faults.rs`.

use std::time::Duration;

use alma_access::alma::{
    AlmaClient, AlmaError, AlmaRead, AlmaWrite, ApiKey, ClientConfig, ROLE_TYPE_TABLE, Role,
    normalize, wire,
};
use alma_access::emulator::StaffLoginRecord;
use alma_access::emulator::fixtures::{self, READ_ONLY_KEY, READ_WRITE_KEY};
use alma_access::emulator::{Emulator, Fault, Faults, Limits, NamedEntry, Server, State, serve};
use alma_access::lifecycle::last_logins;
use alma_access::lifecycle::login_report::LastLogin;
use serde_json::json;

async fn start(state: State) -> (Emulator, Server) {
    let emulator = Emulator::new(state);
    let server = serve(emulator.clone(), "127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    (emulator, server)
}

fn config(server: &Server, key: &str) -> ClientConfig {
    let mut config = ClientConfig::new(server.base_url(), ApiKey::new(key));
    config.requests_per_second = 0.0;
    config.retry_base_delay = Duration::from_millis(5);
    config.retry_max_delay = Duration::from_millis(40);
    config.timeout = Duration::from_secs(5);
    config
}

fn client(server: &Server, key: &str) -> AlmaClient {
    AlmaClient::new(config(server, key)).unwrap()
}

fn role(value: serde_json::Value) -> wire::UserRole {
    serde_json::from_value(value).unwrap()
}

/// A user's roles as the reconciler compares them.
fn roles(user: &wire::User) -> Vec<Role> {
    normalize(
        user.user_role
            .iter()
            .flatten()
            .map(|r| Role::from_wire(r).unwrap())
            .collect(),
    )
}

#[tokio::test]
async fn pages_across_more_than_a_hundred_users() {
    let (_emu, server) = start(fixtures::institution_with_users(250)).await;
    let alma = client(&server, READ_ONLY_KEY);
    let mut ids = Vec::new();
    for offset in [0, 100, 200] {
        let page = alma.list_users(offset, 100, None).await.unwrap();
        assert_eq!(page.total_record_count, 250);
        assert!(
            page.users.iter().all(|u| u.user_role.is_none()),
            "list entries are brief"
        );
        ids.extend(page.users.into_iter().map(|u| u.primary_id));
    }
    let expected: Vec<_> = (0..250).map(fixtures::user_id).collect();
    assert_eq!(ids, expected);
    let found = alma
        .list_users(0, 10, Some("primary_id~user0000042"))
        .await
        .unwrap();
    assert_eq!(found.total_record_count, 1);
    let err = alma.list_users(0, 100, Some("no tilde")).await.unwrap_err();
    assert!(
        matches!(err, AlmaError::Business { status: 400, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn missing_user_is_none_and_ids_ignore_case() {
    let (_emu, server) = start(fixtures::institution_with_users(3)).await;
    let alma = client(&server, READ_ONLY_KEY);
    assert_eq!(alma.get_user("nobody").await.unwrap(), None);
    let user = alma
        .get_user("USER0000001")
        .await
        .unwrap()
        .expect("case-insensitive id");
    assert_eq!(user.primary_id, "user0000001");
    assert_eq!(user.user_role.as_ref().map(Vec::len), Some(1));
}

#[tokio::test]
async fn throttling_storm_then_success() {
    let (emu, server) = start(fixtures::institution_with_users(1)).await;
    let alma = client(&server, READ_ONLY_KEY);
    emu.set_faults(Faults::throttle_next(4));
    assert!(alma.get_user("user0000000").await.unwrap().is_some());
    assert_eq!(emu.stats().faults, 4);
    assert_eq!(emu.stats().requests, 5);
    assert_eq!(alma.usage().calls, 5);

    emu.set_faults(Faults::throttle_next(10));
    let err = alma.get_user("user0000000").await.unwrap_err();
    assert_eq!(err, AlmaError::RateLimited { attempts: 6 });
    let usage = alma.usage();
    assert_eq!(usage.throttled, 10, "every 429 is counted");
    assert_eq!(
        usage.slowed_to, None,
        "no configured rate, nothing to lower"
    );
}

#[tokio::test]
async fn per_second_limit_is_enforced_and_retried() {
    let (emu, server) = start(fixtures::institution_with_users(1)).await;
    emu.set_limits(Limits {
        per_second: 5,
        daily: 1_000,
    });
    let mut cfg = config(&server, READ_ONLY_KEY);
    cfg.max_retries = 20;
    cfg.retry_base_delay = Duration::from_millis(50);
    cfg.retry_max_delay = Duration::from_millis(400);
    let alma = AlmaClient::new(cfg).unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..12 {
        let alma = alma.clone();
        tasks.spawn(async move { alma.get_user("user0000000").await });
    }
    while let Some(result) = tasks.join_next().await {
        assert!(result.unwrap().unwrap().is_some());
    }
    assert!(emu.stats().throttled > 0, "{:?}", emu.stats());
}

#[tokio::test]
async fn server_errors_and_dropped_connections_are_retried() {
    let (emu, server) = start(fixtures::institution_with_users(1)).await;
    let alma = client(&server, READ_ONLY_KEY);
    emu.set_faults(Faults::fail_next(2, 503));
    assert!(alma.get_user("user0000000").await.unwrap().is_some());
    assert_eq!(emu.stats().requests, 3);

    emu.set_faults(Faults::on_nth(1, Fault::Drop));
    assert!(alma.get_user("user0000000").await.unwrap().is_some());
    assert_eq!(emu.stats().requests, 5);
    assert_eq!(emu.stats().faults, 3);

    emu.set_faults(Faults::fail_next(10, 500));
    let err = alma.get_user("user0000000").await.unwrap_err();
    assert!(
        matches!(err, AlmaError::Server { status: 500, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn daily_threshold_stops_without_retrying() {
    let (emu, server) = start(fixtures::institution_with_users(1)).await;
    emu.set_limits(Limits {
        per_second: 0,
        daily: 3,
    });
    let alma = client(&server, READ_ONLY_KEY);
    for left in [2, 1, 0] {
        alma.get_user("user0000000").await.unwrap();
        assert_eq!(alma.usage().remaining, Some(left));
    }
    let err = alma.get_user("user0000000").await.unwrap_err();
    assert!(matches!(err, AlmaError::DailyThreshold { .. }), "{err:?}");
    assert!(err.has_code(&["DAILY_THRESHOLD"]));
    assert_eq!(emu.stats().requests, 4, "no retries after DAILY_THRESHOLD");
    let again = alma.list_users(0, 10, None).await.unwrap_err();
    assert!(matches!(again, AlmaError::DailyThreshold { .. }));
    assert_eq!(
        emu.stats().requests,
        4,
        "later calls stop before the network"
    );
}

#[tokio::test]
async fn daily_threshold_in_xml_is_recognised() {
    let (emu, server) = start(fixtures::institution_with_users(1)).await;
    let alma = client(&server, READ_ONLY_KEY);
    emu.set_faults(Faults {
        next: vec![Fault::Daily],
        xml_errors: true,
        ..Faults::none()
    });
    let err = alma.get_user("user0000000").await.unwrap_err();
    assert!(matches!(err, AlmaError::DailyThreshold { .. }), "{err:?}");
    assert_eq!(emu.stats().requests, 1);
}

#[tokio::test]
async fn read_only_key_reads_but_cannot_write() {
    let (emu, server) = start(fixtures::institution_with_users(1)).await;
    let alma = client(&server, READ_ONLY_KEY);
    let mut user = alma.get_user("user0000000").await.unwrap().unwrap();
    assert!(!alma.code_table(ROLE_TYPE_TABLE).await.unwrap().is_empty());
    user.user_role = Some(vec![]);
    let err = alma.update_user(&user).await.unwrap_err();
    assert!(matches!(err, AlmaError::Forbidden { .. }), "{err:?}");
    assert!(err.to_string().contains("read-only"), "{err}");
    assert!(err.has_code(&["FORBIDDEN"]));
    assert_eq!(emu.stats().writes, 0);
}

#[tokio::test]
async fn unknown_key_gets_the_gateway_xml_error() {
    let (_emu, server) = start(fixtures::institution_with_users(1)).await;
    let alma = client(&server, "not-a-key");
    let err = alma.get_user("user0000000").await.unwrap_err();
    let AlmaError::Unauthorized { errors } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(errors[0].code, "UNAUTHORIZED");
    assert!(errors[0].message.contains("API-key"));
    assert!(errors[0].tracking_id.is_some());
}

#[tokio::test]
async fn other_xml_gateway_errors_are_parsed() {
    let (emu, server) = start(fixtures::institution_with_users(1)).await;
    let alma = client(&server, READ_ONLY_KEY);
    emu.set_faults(Faults {
        next: vec![Fault::Status(400)],
        xml_errors: true,
        ..Faults::none()
    });
    let err = alma.libraries().await.unwrap_err();
    let AlmaError::Gateway {
        status: 400,
        errors,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(errors[0].code, "GENERAL_ERROR");
}

#[tokio::test]
async fn invalid_roles_reject_the_whole_update_with_alma_errors() {
    let (emu, server) = start(fixtures::institution_with_users(1)).await;
    let alma = client(&server, READ_WRITE_KEY);
    let before = alma.get_user("user0000000").await.unwrap().unwrap();
    let mut user = before.clone();
    user.rest.insert("first_name".into(), json!("Changed"));
    let roles = user.user_role.get_or_insert_with(Vec::new);
    roles.push(role(json!({"status": {"value": "ACTIVE"}, "scope": {"value": "MAIN"}, "role_type": {"value": "999"}})));
    roles.push(role(json!({"status": {"value": "ACTIVE"}, "scope": {"value": "MAIN"}, "role_type": {"value": "51"}})));
    let err = alma.update_user(&user).await.unwrap_err();
    let AlmaError::Business {
        status: 400,
        errors,
    } = &err
    else {
        panic!("{err:?}")
    };
    let codes: Vec<_> = errors.iter().map(|e| e.code.as_str()).collect();
    assert_eq!(codes, ["401875", "401877"]);
    assert!(errors[0].message.contains("999"));
    assert!(errors.iter().all(|e| {
        e.tracking_id
            .as_deref()
            .is_some_and(|t| t.starts_with("E01-"))
    }));
    let text = err.to_string();
    assert!(
        text.contains("401875") && text.contains("401877") && text.contains("tracking id E01-"),
        "{text}"
    );
    assert_eq!(
        alma.get_user("user0000000").await.unwrap().unwrap(),
        before,
        "nothing changed"
    );
    assert_eq!(emu.stats().rejected_writes, 1);
}

#[tokio::test]
async fn put_swaps_all_but_keeps_roles_when_none_are_sent() {
    let (_emu, server) = start(fixtures::institution_with_users(1)).await;
    let alma = client(&server, READ_WRITE_KEY);
    let before = alma.get_user("user0000000").await.unwrap().unwrap();
    let mut user = before.clone();
    user.rest.remove("user_note");
    user.user_role = None;
    let stored = alma.update_user(&user).await.unwrap();
    assert!(
        !stored.rest.contains_key("user_note"),
        "omitted fields are lost"
    );
    assert_eq!(
        roles(&stored),
        roles(&before),
        "a body without roles keeps them"
    );
    user.user_role = Some(vec![]);
    let stored = alma.update_user(&user).await.unwrap();
    assert_eq!(
        roles(&stored),
        roles(&before),
        "an empty role list keeps them too"
    );
    let after = alma.get_user("user0000000").await.unwrap().unwrap();
    assert_eq!(after, stored);
}

#[tokio::test]
async fn writes_check_the_environment() {
    let (emu, server) = start(fixtures::institution_with_users(1)).await;
    let mut cfg = config(&server, READ_WRITE_KEY);
    cfg.expected_environment = Some("PRODUCTION".into());
    let alma = AlmaClient::new(cfg.clone()).unwrap();
    let user = alma.get_user("user0000000").await.unwrap().unwrap();
    let err = alma.update_user(&user).await.unwrap_err();
    assert_eq!(
        err,
        AlmaError::WrongEnvironment {
            expected: "PRODUCTION".into(),
            actual: "SANDBOX".into()
        }
    );
    assert_eq!(emu.stats().writes, 0);

    cfg.expected_environment = Some("sandbox".into());
    let alma = AlmaClient::new(cfg).unwrap();
    alma.update_user(&user).await.unwrap();
    alma.update_user(&user).await.unwrap();
    assert_eq!(emu.stats().writes, 2);
    assert_eq!(alma.usage().calls, 3, "conf/general is read once");
}

#[tokio::test]
async fn invalid_ids_are_refused_before_any_request() {
    let (emu, server) = start(fixtures::institution_with_users(1)).await;
    let alma = client(&server, READ_WRITE_KEY);
    for id in [
        "", "a/b", "../users", "a%2Fb", "a?b", "a#b", "a b", "a\\b", "a\nb",
    ] {
        let err = alma.get_user(id).await.unwrap_err();
        assert!(
            matches!(err, AlmaError::InvalidId { .. }),
            "{id:?}: {err:?}"
        );
    }
    let mut user = fixtures::rich_user(0);
    user.primary_id = "x?view=brief".into();
    assert!(matches!(
        alma.update_user(&user).await,
        Err(AlmaError::InvalidId { .. })
    ));
    assert!(matches!(
        alma.circulation_desks("MAIN/../x").await,
        Err(AlmaError::InvalidId { .. })
    ));
    assert_eq!(emu.stats().requests, 0);
    assert_eq!(alma.usage().calls, 0);
}

#[tokio::test]
async fn ids_with_reserved_characters_are_encoded() {
    let mut state = fixtures::institution();
    let mut user = fixtures::rich_user(0);
    user.primary_id = "J.Doe+lib@example.edu".into();
    state.users.push(user);
    let (_emu, server) = start(state).await;
    let alma = client(&server, READ_ONLY_KEY);
    let found = alma
        .get_user("j.doe+LIB@example.edu")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.primary_id, "J.Doe+lib@example.edu");
}

#[tokio::test]
async fn configuration_reads() {
    let mut state = fixtures::institution();
    state.libraries[1].circulation_desks = (0..130)
        .map(|i| NamedEntry {
            code: format!("D{i:03}"),
            name: format!("Desk {i}"),
        })
        .collect();
    let (_emu, server) = start(state).await;
    let alma = client(&server, READ_ONLY_KEY);
    let general = alma.general().await.unwrap();
    assert_eq!(general.institution_code, fixtures::INSTITUTION);
    assert_eq!(general.environment_type, "SANDBOX");
    let libraries = alma.libraries().await.unwrap();
    assert_eq!(
        libraries
            .iter()
            .map(|l| l.code.as_str())
            .collect::<Vec<_>>(),
        ["MAIN", "BRANCH"]
    );
    let desks = alma.circulation_desks("BRANCH").await.unwrap();
    assert_eq!(desks.len(), 130, "desks are paged");
    assert_eq!(desks[129].code, "D129");
    let roles = alma.code_table(ROLE_TYPE_TABLE).await.unwrap();
    assert!(
        roles
            .iter()
            .any(|r| r.code == "32" && r.description == "Circulation Desk Operator")
    );
    assert!(matches!(
        alma.code_table("NoSuchTable").await,
        Err(AlmaError::Business { .. })
    ));
    assert!(matches!(
        alma.circulation_desks("NOWHERE").await,
        Err(AlmaError::Business { .. })
    ));
}

#[tokio::test]
async fn no_answer_is_a_transport_error_after_retries() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let mut cfg = ClientConfig::new(format!("http://{addr}/almaws/v1"), ApiKey::new("k"));
    cfg.max_retries = 2;
    cfg.retry_base_delay = Duration::from_millis(1);
    let alma = AlmaClient::new(cfg).unwrap();
    let err = alma.get_user("someone").await.unwrap_err();
    let AlmaError::Transport { attempts, message } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*attempts, 3);
    assert!(message.contains("could not connect"), "{message}");
    assert!(
        !message.contains(&addr.port().to_string()),
        "no URL in the message: {message}"
    );
}

#[tokio::test]
async fn slow_answers_time_out_and_are_retried() {
    let (emu, server) = start(fixtures::institution_with_users(1)).await;
    let mut cfg = config(&server, READ_ONLY_KEY);
    cfg.timeout = Duration::from_millis(200);
    cfg.max_retries = 1;
    let alma = AlmaClient::new(cfg).unwrap();
    emu.set_faults(Faults {
        latency_ms: 400,
        ..Faults::none()
    });
    let err = alma.get_user("user0000000").await.unwrap_err();
    assert!(
        matches!(err, AlmaError::Transport { attempts: 2, .. }),
        "{err:?}"
    );
    emu.set_faults(Faults::none());
    assert!(alma.get_user("user0000000").await.unwrap().is_some());
}

#[tokio::test]
async fn bad_configuration_is_refused() {
    let bad = |url: &str, key: &str| {
        AlmaClient::new(ClientConfig::new(url, ApiKey::new(key))).unwrap_err()
    };
    assert!(matches!(bad("ftp://x", "k"), AlmaError::Config { .. }));
    assert!(matches!(
        bad("https://x/almaws/v1?apikey=k", "k"),
        AlmaError::Config { .. }
    ));
    assert!(matches!(
        bad("https://x/almaws/v1", " "),
        AlmaError::Config { .. }
    ));
}

/// `n` staff logins, one a day from 2026-09-01 at 09:00 UTC, every fifth a
/// failed attempt, cycling through three users.
fn staff_logins(n: usize) -> Vec<StaffLoginRecord> {
    let first = chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
    (0..n)
        .map(|i| StaffLoginRecord {
            primary_id: ["jdoe", "asmith", "desk1"][i % 3].into(),
            login_date: (first + chrono::Days::new(i as u64))
                .and_hms_opt(9, 0, 0)
                .unwrap(),
            successful: i % 5 != 4,
        })
        .collect()
}

fn day(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

#[tokio::test]
async fn the_staff_login_report_is_paged_and_filtered_by_day() {
    let mut state = fixtures::institution();
    state.staff_logins = staff_logins(250); // 2026-09-01 .. 2027-05-08
    let (emu, server) = start(state).await;
    let alma = client(&server, READ_ONLY_KEY);
    // 2026-10-17 is day 46, 2027-01-15 day 136: 91 days, both ends included.
    let (from, to) = (day("2026-10-17"), day("2027-01-15"));
    let mut seen = Vec::new();
    for offset in [0, 50, 100] {
        let page = alma.staff_logins(from, to, offset, 50).await.unwrap();
        assert_eq!(page.total_record_count, Some(91));
        seen.extend(page.logins);
    }
    assert_eq!(seen.len(), 91);
    assert_eq!(seen.first().unwrap().day, from);
    assert_eq!(seen.last().unwrap().day, to);
    assert!(
        seen.windows(2).all(|w| w[0].day < w[1].day),
        "in stored order, no repeats"
    );
    assert_eq!(seen.iter().filter(|l| !l.successful).count(), 18);
    assert_eq!(seen[0].primary_id, "asmith", "day 46 is the second user's");
    let fields = alma
        .staff_logins(from, to, 0, 1)
        .await
        .unwrap()
        .fields
        .unwrap();
    assert_eq!(
        (fields.list, fields.id, fields.date),
        (
            "staff_login".into(),
            "primary_id".into(),
            "login_date".into()
        )
    );
    let none = alma
        .staff_logins(day("2026-01-01"), day("2026-08-31"), 0, 100)
        .await
        .unwrap();
    assert_eq!(none.total_record_count, Some(0));
    assert!(none.logins.is_empty());
    let err = alma.staff_logins(to, from, 0, 10).await.unwrap_err();
    assert!(
        matches!(err, AlmaError::Business { status: 400, .. }),
        "{err:?}"
    );
    assert!(
        emu.stats().unauthorized == 0,
        "a read-only key may read the report"
    );
}

#[tokio::test]
async fn the_staff_login_report_over_http_checks_its_parameters() {
    let mut state = fixtures::institution();
    state.staff_logins = staff_logins(20);
    let (_emu, server) = start(state).await;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let get = |query: &str| {
        http.get(format!(
            "{}/users/staff-login-report?{query}",
            server.base_url()
        ))
        .header("Authorization", format!("apikey {READ_ONLY_KEY}"))
        .header("Accept", "application/json")
        .send()
    };
    let body = |r: reqwest::Response| async { r.json::<serde_json::Value>().await.unwrap() };
    let ok = get("login_date_from=2026-09-01Z&login_date_to=2026-09-10&successful=false")
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let ok = body(ok).await;
    assert_eq!(ok["total_record_count"], 2, "{ok}");
    assert_eq!(
        ok["staff_login"][0],
        json!({"primary_id": "asmith", "login_date": "2026-09-05T09:00:00Z", "successful": false})
    );
    let default_page = body(
        get("login_date_from=2026-09-01&login_date_to=2026-09-30")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        default_page["staff_login"].as_array().unwrap().len(),
        10,
        "Alma's default limit"
    );
    for (query, says) in [
        ("login_date_to=2026-09-10", "login_date_from is mandatory"),
        ("login_date_from=2026-09-01", "login_date_to is mandatory"),
        (
            "login_date_from=09/01/2026&login_date_to=2026-09-10",
            "is not a date",
        ),
        (
            "login_date_from=2026-09-01&login_date_to=2026-09-10&limit=101",
            "limit must be",
        ),
        (
            "login_date_from=2026-09-01&login_date_to=2026-09-10&successful=maybe",
            "true or false",
        ),
    ] {
        let response = get(query).await.unwrap();
        assert_eq!(response.status(), 400, "{query}");
        let text = response.text().await.unwrap();
        assert!(text.contains(says), "{query}: {text}");
    }
}

#[tokio::test]
async fn last_logins_are_read_page_by_page_and_reduced() {
    let mut state = fixtures::institution();
    state.staff_logins = staff_logins(250);
    // A user whose only login is on the last page, and one with failed attempts only.
    let last = day("2027-01-15").and_hms_opt(23, 59, 0).unwrap();
    let record = |id: &str, successful| StaffLoginRecord {
        primary_id: id.into(),
        login_date: last,
        successful,
    };
    let bulk = StaffLoginRecord {
        primary_id: "bulk".into(),
        login_date: day("2026-11-01").and_hms_opt(8, 0, 0).unwrap(),
        successful: true,
    };
    state.staff_logins.extend(std::iter::repeat_n(bulk, 150));
    state
        .staff_logins
        .extend([record("Late", true), record("locked", false)]);
    let (emu, server) = start(state).await;
    let alma = client(&server, READ_ONLY_KEY);
    let fetched = last_logins::fetch(&alma, day("2027-01-15"), 90)
        .await
        .unwrap();
    assert_eq!(
        (fetched.from, fetched.to),
        (day("2026-10-17"), day("2027-01-15"))
    );
    assert_eq!(fetched.entries, 91 + 150 + 2);
    assert_eq!(fetched.pages, 3, "until total_record_count");
    assert_eq!(fetched.failed_only, 1);
    let users = &fetched.report.users;
    assert_eq!(
        users["late"],
        LastLogin::On(day("2027-01-15")),
        "ids compared in lower case"
    );
    assert_eq!(users["locked"], LastLogin::NoneRecorded);
    // Days 136 (2027-01-15) and 135 are asmith's and jdoe's; desk1's day 134 is a failed attempt.
    assert_eq!(users["asmith"], LastLogin::On(day("2027-01-15")));
    assert_eq!(users["jdoe"], LastLogin::On(day("2027-01-14")));
    assert_eq!(users["desk1"], LastLogin::On(day("2027-01-10")));
    assert_eq!(users["bulk"], LastLogin::On(day("2026-11-01")));
    assert_eq!(fetched.report.generated, Some(day("2027-01-15")));
    assert_eq!(fetched.report.id_column, "staff_login[].primary_id");

    let wide = last_logins::fetch(&alma, day("2027-05-08"), 90)
        .await
        .unwrap();
    assert_eq!(wide.entries, 91, "2027-02-07 .. 2027-05-08 only");
    let before = emu.stats().requests;
    let far = last_logins::fetch(&alma, day("2027-03-15"), 90)
        .await
        .unwrap();
    assert_eq!(far.pages, 1);
    assert_eq!(emu.stats().requests - before, 1);
    assert!(matches!(
        last_logins::fetch(&alma, day("2027-01-15"), 91).await,
        Err(last_logins::FetchError::Retention { days: 91 })
    ));
}
