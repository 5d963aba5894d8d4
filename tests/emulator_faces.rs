//! The emulator's two faces agree: the in-process `AlmaRead`/`AlmaWrite`
//! implementation applies the same checks as the HTTP face (ids, swap-all,
//! all-or-nothing roles), and the HTTP face's extras work: keys in the query
//! string, the brief view, `X-Exl-Api-Remaining` on every answer, admin
//! endpoints, and saving accepted updates to the state file.

use alma_access::alma::{AlmaError, AlmaRead, AlmaWrite, wire};
use alma_access::emulator::fixtures::{self, READ_ONLY_KEY, READ_WRITE_KEY};
use alma_access::emulator::{Emulator, Faults, State, Stats, serve};
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
