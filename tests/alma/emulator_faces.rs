//! The emulator's two faces agree: the in-process `AlmaRead`/`AlmaWrite`
//! implementation applies the same checks as the HTTP face (ids, swap-all,
//! all-or-nothing roles), and one script of requests (reads, a paged
//! listing, PUTs accepted and refused, a missing user) gives the same
//! results in process and through the real client over HTTP, where the
//! per-second limit answers 429s on the way. The HTTP face's extras work:
//! keys in the query string, the brief view, `X-Exl-Api-Remaining` on every
//! answer, admin endpoints, and saving accepted updates to the state file.

use std::time::Duration;

use alma_access::alma::{AlmaClient, AlmaError, AlmaRead, AlmaWrite, ApiKey, ClientConfig, wire};
use alma_access::emulator::fixtures::{self, READ_ONLY_KEY, READ_WRITE_KEY};
use alma_access::emulator::{Emulator, Faults, Limits, State, Stats, serve};
use serde_json::{Value, json};

fn bad_role() -> wire::UserRole {
    serde_json::from_value(
        json!({"status": {"value": "ACTIVE"}, "scope": {"value": "BRANCH"},
                                  "role_type": {"value": "37"}}),
    )
    .unwrap()
}

#[tokio::test]
async fn in_process_face_has_the_same_semantics() {
    let emu = Emulator::new(fixtures::institution_with_users(3));
    assert_eq!(emu.get_user("nobody").await.unwrap(), None);
    assert!(matches!(
        emu.get_user("a/b").await,
        Err(AlmaError::InvalidId { .. })
    ));
    let before = emu.get_user("USER0000002").await.unwrap().unwrap();

    let mut user = before.clone();
    user.user_role.get_or_insert_with(Vec::new).push(bad_role());
    let err = emu.update_user(&user).await.unwrap_err();
    let AlmaError::Business {
        status: 400,
        errors,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(errors[0].code, "401877");
    assert_eq!(emu.get_user("user0000002").await.unwrap().unwrap(), before);

    let mut user = before.clone();
    user.rest.remove("user_block");
    user.user_role = None;
    let stored = emu.update_user(&user).await.unwrap();
    assert!(!stored.rest.contains_key("user_block"));
    assert_eq!(
        stored.user_role.as_ref().map(Vec::len),
        before.user_role.as_ref().map(Vec::len)
    );

    let page = emu.list_users(1, 100, None).await.unwrap();
    assert_eq!(page.total_record_count, 3);
    assert_eq!(page.users.len(), 2);
    assert_eq!(emu.general().await.unwrap().environment_type, "SANDBOX");
    assert_eq!(emu.circulation_desks("MAIN").await.unwrap().len(), 2);
    assert_eq!(emu.libraries().await.unwrap().len(), 2);
    assert!(emu.usage().calls >= 9);
    assert_eq!(emu.stats().writes, 1);
    assert_eq!(emu.stats().rejected_writes, 1);
    assert_eq!(emu.stats().requests, 0, "no HTTP requests");
}

fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

#[tokio::test]
async fn http_face_extras() {
    let emu = Emulator::new(fixtures::institution_with_users(2));
    let server = serve(emu.clone(), "127.0.0.1:0").await.unwrap();
    let base = server.base_url();
    let http = http();

    let response = http
        .get(format!(
            "{base}/users/user0000001?view=brief&apikey={READ_ONLY_KEY}"
        ))
        .header("Accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("x-exl-api-remaining"));
    let brief: Value = response.json().await.unwrap();
    assert_eq!(brief["primary_id"], "user0000001");
    assert!(brief.get("user_role").is_none() && brief.get("contact_info").is_none());

    let response = http
        .get(format!("{base}/users/user0000001"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert!(response.headers().contains_key("x-exl-api-remaining"));
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("<errorCode>UNAUTHORIZED</errorCode>")
    );

    let response = http
        .get(format!("{base}/no/such/api"))
        .header("Authorization", format!("apikey {READ_WRITE_KEY}"))
        .header("Accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errorsExist"], true);
    assert_eq!(body["errorList"]["error"][0]["errorCode"], "ROUTING_ERROR");

    let response = http
        .put(format!("{base}/users/user0000001"))
        .header("Authorization", format!("apikey {READ_WRITE_KEY}"))
        .header("Accept", "application/json")
        .body("not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);

    let admin = format!("http://{}/_emulator", server.addr());
    let set = http
        .post(format!("{admin}/faults"))
        .json(&json!({"next": ["per_second"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), 204);
    assert_eq!(emu.faults(), Faults::throttle_next(1));
    let stats: Stats = http
        .get(format!("{admin}/stats"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats, emu.stats());
    assert_eq!(stats.requests, 4);
    assert_eq!(stats.unauthorized, 1);
    let state: State = http
        .get(format!("{admin}/state"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(state, emu.state());
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn accepted_updates_are_saved_to_the_state_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("alma.json");
    fixtures::institution_with_users(2).save(&path).unwrap();
    let emu = Emulator::open(&path).unwrap();

    let mut user = emu.get_user("user0000000").await.unwrap().unwrap();
    user.rest.insert("first_name".into(), json!("Saved"));
    emu.update_user(&user).await.unwrap();
    let saved = State::load(&path).unwrap();
    assert_eq!(saved.users[0].rest["first_name"], "Saved");

    user.user_role = Some(vec![bad_role()]);
    user.rest.insert("first_name".into(), json!("Refused"));
    assert!(emu.update_user(&user).await.is_err());
    assert_eq!(
        State::load(&path).unwrap(),
        saved,
        "a refused update is not saved"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary files left"
    );
}

/// One request of [`SCRIPT`].
#[derive(Clone, Debug)]
enum Step {
    Get(&'static str),
    List(u32, u32, Option<&'static str>),
    RoleTypes,
    Libraries,
    Desks(&'static str),
    General,
    Logins(u32, u32),
    /// A PUT of the user as read, with a change: a new first name, or a bad role.
    Put(&'static str, Change),
}

#[derive(Clone, Copy, Debug)]
enum Change {
    FirstName,
    BadRole,
}

/// Reads (one by barcode, one missing), a listing in pages and with a
/// query, the configuration, the staff login report in pages, an accepted
/// PUT (read back), a refused PUT (nothing stored) and a PUT of a missing user.
const SCRIPT: &[Step] = &[
    Step::Get("user0000001"),
    Step::Get("USER0000002"),
    Step::Get("B000000003"),
    Step::Get("nobody"),
    Step::List(0, 2, None),
    Step::List(2, 2, None),
    Step::List(4, 2, None),
    Step::List(0, 10, Some("primary_id~user000000")),
    Step::RoleTypes,
    Step::Libraries,
    Step::Desks("MAIN"),
    Step::Desks("NOWHERE"),
    Step::General,
    Step::Logins(0, 2),
    Step::Logins(2, 2),
    Step::Put("user0000001", Change::FirstName),
    Step::Get("user0000001"),
    Step::Put("user0000002", Change::BadRole),
    Step::Get("user0000002"),
    Step::Put("nobody", Change::FirstName),
    Step::List(0, 5, None),
];

/// An outcome as text: the value, or the error's kind, status and Alma
/// codes and messages (tracking ids differ from one emulator to another).
fn outcome<T: std::fmt::Debug>(result: Result<T, AlmaError>) -> String {
    match result {
        Ok(value) => format!("ok {value:?}"),
        Err(e) => {
            let debug = format!("{e:?}");
            let kind = debug.split([' ', '{', '(']).next().unwrap_or_default();
            let details: Vec<(&str, &str)> = e
                .details()
                .iter()
                .map(|d| (d.code.as_str(), d.message.as_str()))
                .collect();
            let status = match &e {
                AlmaError::Business { status, .. } | AlmaError::Server { status, .. } => *status,
                _ => 0,
            };
            format!("error {kind} {status} {details:?}")
        }
    }
}

/// Runs [`SCRIPT`] through one face.
async fn run_script(face: &impl AlmaWrite) -> Vec<String> {
    let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    let mut out = Vec::new();
    for step in SCRIPT {
        let result = match step {
            Step::Get(id) => outcome(face.get_user(id).await),
            Step::List(offset, limit, q) => outcome(face.list_users(*offset, *limit, *q).await),
            Step::RoleTypes => outcome(face.code_table(alma_access::alma::ROLE_TYPE_TABLE).await),
            Step::Libraries => outcome(face.libraries().await),
            Step::Desks(library) => outcome(face.circulation_desks(library).await),
            Step::General => outcome(face.general().await),
            Step::Logins(offset, limit) => {
                outcome(face.staff_logins(day(1), day(22), *offset, *limit).await)
            }
            Step::Put(id, change) => {
                // The user as read; for a missing one, another's record under its id.
                let read = face.get_user(id).await.unwrap();
                let mut user = match read {
                    Some(user) => user,
                    None => face.get_user("user0000003").await.unwrap().unwrap(),
                };
                user.primary_id = (*id).to_owned();
                match change {
                    Change::FirstName => {
                        user.rest.insert("first_name".into(), json!("Changed"));
                    }
                    Change::BadRole => user.user_role.get_or_insert_with(Vec::new).push(bad_role()),
                }
                outcome(face.update_user(&user).await)
            }
        };
        out.push(format!("{step:?}: {result}"));
    }
    out
}

/// The institution both faces start from: five rich users and a few staff logins.
fn script_state() -> State {
    let mut state = fixtures::institution_with_users(5);
    let at = |d: u32, h: u32| {
        chrono::NaiveDate::from_ymd_opt(2026, 11, d)
            .unwrap()
            .and_hms_opt(h, 5, 0)
            .unwrap()
    };
    state.staff_logins = [
        (2, 8, true),
        (3, 9, false),
        (3, 9, true),
        (20, 17, true),
        (25, 8, true),
    ]
    .into_iter()
    .map(
        |(d, h, successful)| alma_access::emulator::StaffLoginRecord {
            primary_id: format!("user000000{}", d % 5),
            login_date: at(d, h),
            successful,
        },
    )
    .collect();
    state
}

#[tokio::test]
async fn one_script_through_both_faces_gives_the_same_results() {
    let in_process = Emulator::new(script_state());
    let expected = run_script(&in_process).await;

    // Over HTTP, through the real client, with the emulator granting 5
    // requests a second to a client set at 50: some answers are 429s,
    // which the client waits out; the results must not show it.
    let over_http = Emulator::new(script_state());
    over_http.set_limits(Limits {
        per_second: 5,
        daily: 100_000,
    });
    let server = serve(over_http.clone(), "127.0.0.1:0").await.unwrap();
    let mut config = ClientConfig::new(server.base_url(), ApiKey::new(READ_WRITE_KEY));
    config.requests_per_second = 50.0;
    config.burst = 10;
    config.max_retries = 12;
    config.retry_base_delay = Duration::from_millis(50);
    config.retry_max_delay = Duration::from_millis(400);
    let client = AlmaClient::new(config).unwrap();
    let actual = run_script(&client).await;

    for (step, (want, got)) in SCRIPT.iter().zip(expected.iter().zip(&actual)) {
        assert_eq!(got, want, "{step:?}");
    }
    assert_eq!(actual.len(), SCRIPT.len());
    let http = over_http.stats();
    assert!(http.throttled > 0, "the limit answered 429: {http:?}");
    let local = in_process.stats();
    assert_eq!(
        (http.writes, http.rejected_writes),
        (local.writes, local.rejected_writes)
    );
    assert_eq!((local.writes, local.rejected_writes), (1, 2));
    assert_eq!(over_http.state().users, in_process.state().users);
    assert!(
        expected.iter().any(|r| r.contains("error NotFound")),
        "a missing user: {expected:#?}"
    );
    assert!(
        expected.iter().any(|r| r.contains("401877")),
        "a refused PUT"
    );
    server.shutdown().await.unwrap();
}
