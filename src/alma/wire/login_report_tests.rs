//! The staff login report decoder: each accepted shape, and the messages
//! for shapes it refuses.

use super::*;
use serde_json::json;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn login(id: &str, day: &str, successful: bool) -> StaffLogin {
    StaffLogin {
        primary_id: id.into(),
        day: d(day),
        successful,
    }
}

fn decode(value: Value) -> StaffLoginPage {
    decode_staff_logins(&value).unwrap_or_else(|e| panic!("{e}: {value}"))
}

fn refuse(value: Value) -> String {
    decode_staff_logins(&value).expect_err("refused")
}

#[test]
fn the_shape_a_public_client_expects() {
    let page = decode(json!({
        "staff_login": [
            {"primary_id": "jdoe", "full_name": "Jane Doe", "ip_address": "10.0.0.1",
             "login_date": "2026-12-01T09:14:00Z", "successful": true},
            {"primary_id": "asmith", "login_date": "2026-12-02T17:40:12.345Z", "successful": false}
        ],
        "total_record_count": 2
    }));
    assert_eq!(page.total_record_count, Some(2));
    assert_eq!(
        page.logins,
        [
            login("jdoe", "2026-12-01", true),
            login("asmith", "2026-12-02", false)
        ]
    );
    let fields = page.fields.unwrap();
    assert_eq!(
        (
            fields.list.as_str(),
            fields.id.as_str(),
            fields.date.as_str()
        ),
        ("staff_login", "primary_id", "login_date")
    );
}

#[test]
fn the_emulator_s_list_decodes() {
    let list = StaffLoginList {
        staff_login: vec![StaffLoginEntry {
            primary_id: "jdoe".into(),
            login_date: "2026-12-01T09:14:00Z".into(),
            successful: false,
        }],
        total_record_count: 7,
    };
    let page = decode(serde_json::to_value(&list).unwrap());
    assert_eq!(page.total_record_count, Some(7));
    assert_eq!(page.logins, [login("jdoe", "2026-12-01", false)]);
}

#[test]
fn the_list_under_other_keys() {
    let entry = json!({"primary_id": "jdoe", "login_date": "2026-12-01"});
    for key in [
        "staff_login_report",
        "staff_logins",
        "login",
        "logins",
        "user",
        "users",
    ] {
        let page = decode(json!({key: [entry.clone()], "total_record_count": 1}));
        assert_eq!(page.logins, [login("jdoe", "2026-12-01", true)], "{key}");
        assert_eq!(page.fields.unwrap().list, key);
    }
}

#[test]
fn one_entry_as_an_object_and_a_wrapped_list() {
    let one = decode(
        json!({"staff_login": {"primary_id": "jdoe", "login_date": "2026-12-01"},
                            "total_record_count": "1"}),
    );
    assert_eq!(one.logins.len(), 1);
    assert_eq!(one.total_record_count, Some(1));
    let wrapped = decode(json!({"staff_login_report": {
        "staff_login": [{"primary_id": "jdoe", "login_date": "2026-12-01"}],
        "total_record_count": 1}}));
    assert_eq!(wrapped.logins, [login("jdoe", "2026-12-01", true)]);
    assert_eq!(wrapped.total_record_count, Some(1));
    assert_eq!(
        wrapped.fields.unwrap().list,
        "staff_login_report.staff_login"
    );
}

#[test]
fn empty_pages() {
    for value in [
        json!({"total_record_count": 0}),
        json!({"total_record_count": "0"}),
        json!({"staff_login": null, "total_record_count": 0}),
        json!({"staff_login": [], "total_record_count": 40}),
    ] {
        let page = decode(value.clone());
        assert!(page.logins.is_empty(), "{value}");
        assert_eq!(page.fields, None);
    }
    assert_eq!(decode(json!({"staff_login": []})).total_record_count, None);
}

#[test]
fn the_user_under_other_keys_and_forms() {
    for entry in [
        json!({"user_primary_id": "jdoe", "login_date": "2026-12-01"}),
        json!({"user_id": "jdoe", "login_date": "2026-12-01"}),
        json!({"user": "jdoe", "login_date": "2026-12-01"}),
        json!({"user": {"value": "jdoe", "desc": "Jane Doe"}, "login_date": "2026-12-01"}),
        json!({"user": {"primary_id": "jdoe"}, "login_date": "2026-12-01"}),
        json!({"user_name": " jdoe ", "login_date": "2026-12-01"}),
    ] {
        let page = decode(json!({"staff_login": [entry.clone()]}));
        assert_eq!(page.logins[0].primary_id, "jdoe", "{entry}");
    }
    let number =
        decode(json!({"staff_login": [{"primary_id": 10000001, "login_date": "2026-12-01"}]}));
    assert_eq!(number.logins[0].primary_id, "10000001");
}

#[test]
fn the_day_under_other_keys_and_forms() {
    for key in DATE_KEYS {
        let page = decode(json!({"staff_login": [{"primary_id": "a", *key: "2026-12-01"}]}));
        assert_eq!(page.logins[0].day, d("2026-12-01"), "{key}");
        assert_eq!(page.fields.unwrap().date, *key);
    }
    for text in [
        "2026-12-01",
        "2026-12-01Z",
        "2026-12-01T09:14:00Z",
        "2026-12-01T09:14Z",
        "2026-12-01T23:30:00-05:00",
        "2026-12-01T09:14:00.123+01:00",
        "2026-12-01 09:14:00",
        " 2026-12-01T09:14:00 ",
    ] {
        assert_eq!(parse_day(text), Some(d("2026-12-01")), "{text}");
    }
    for text in [
        "12/01/2026",
        "2026-12-01T",
        "2026-12-01Tnoon",
        "2026-13-01",
        "20261201",
        "",
    ] {
        assert_eq!(parse_day(text), None, "{text}");
    }
}

#[test]
fn success_as_booleans_strings_numbers_or_absent() {
    let cases = [
        (json!(true), true),
        (json!("true"), true),
        (json!("TRUE"), true),
        (json!("Y"), true),
        (json!("yes"), true),
        (json!(1), true),
        (json!(false), false),
        (json!("false"), false),
        (json!("N"), false),
        (json!("0"), false),
        (json!({"value": "false"}), false),
    ];
    for (value, expected) in cases {
        for key in SUCCESS_KEYS {
            let page = decode(json!({"staff_login": [
                {"primary_id": "a", "login_date": "2026-12-01", *key: value.clone()}]}));
            assert_eq!(page.logins[0].successful, expected, "{key}: {value}");
        }
    }
    let absent = decode(json!({"staff_login": [{"primary_id": "a", "login_date": "2026-12-01"}]}));
    assert!(
        absent.logins[0].successful,
        "an entry without a status is a login"
    );
}

#[test]
fn a_shape_without_a_list_names_the_keys_found() {
    let e = refuse(json!({"report": [{"id": "a"}], "count": 1}));
    assert!(
        e.starts_with("no list of logins: expected one of staff_login,"),
        "{e}"
    );
    assert!(
        e.ends_with("found the top-level keys `report`, `count`"),
        "{e}"
    );
    let e = refuse(json!({"total_record_count": 3}));
    assert!(e.contains("`total_record_count`"), "{e}");
    assert_eq!(
        refuse(json!([1, 2])),
        "expected a JSON object, found an array"
    );
}

#[test]
fn an_entry_that_does_not_fit_is_named_with_its_keys() {
    let e = refuse(json!({"staff_login": [
        {"primary_id": "a", "login_date": "2026-12-01"},
        {"name": "Ada", "when": "2026-12-01"}]}));
    assert_eq!(
        e,
        "entry 2 of `staff_login` has no user (expected one of primary_id, user_primary_id, \
         user_id, user, user_name); its keys: `name`, `when`"
    );
    let e = refuse(json!({"login": [{"user_id": "a", "timestamp": "2026-12-01"}]}));
    assert!(
        e.starts_with("entry 1 of `login` has no login date (expected one of login_date,"),
        "{e}"
    );
    assert!(e.ends_with("its keys: `user_id`, `timestamp`"), "{e}");
    let e = refuse(json!({"staff_login": [{"primary_id": "a", "login_date": "01/12/2026"}]}));
    assert!(
        e.contains("has `login_date` \"01/12/2026\", not a date"),
        "{e}"
    );
    let e = refuse(
        json!({"staff_login": [{"primary_id": "a", "login_date": "2026-12-01", "successful": "maybe"}]}),
    );
    assert!(
        e.contains("has `successful` \"maybe\", not a boolean"),
        "{e}"
    );
    let e = refuse(json!({"staff_login": ["a"]}));
    assert!(
        e.contains("entry 1 of `staff_login` is a string, not an object"),
        "{e}"
    );
    let e = refuse(json!({"staff_login": [], "total_record_count": "many"}));
    assert!(e.contains("not a count"), "{e}");
}
