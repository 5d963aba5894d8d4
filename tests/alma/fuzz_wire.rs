//! Fuzzing the wire decoding of Alma responses (proptest: `cargo fuzz`
//! needs a nightly toolchain). Arbitrary bytes, arbitrary JSON values and
//! Alma-shaped users, roles and error bodies (JSON, and the gateway's XML
//! scanned by hand) go through the decoders the client uses. None may
//! panic; a decoded user re-encodes to a value that decodes to the same
//! user, and to the very JSON it came from when its primary id is a
//! string: every role included, whatever its shape (`null` descriptions
//! and parameter scopes, unknown keys, values that are no role at all); a
//! role survives the reconciler's form and back; an error list survives the
//! emulator's writers and the client's reader.
//!
//! 256 cases per property by default; a long run:
//! `PROPTEST_CASES=20000 cargo test --release --test fuzz_wire`.

use alma_access::alma::{AlmaErrorDetail, Role, wire};
use alma_access::emulator::fixtures;
use alma_access::reconcile::diff::Held;
use alma_access::reconcile::roles_of;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// Any JSON value, a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        ".{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("ACTIVE"),
            Just("2027-05-31Z"),
            Just("true"),
            Just("200"),
            Just("")
        ]
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

/// Object keys: Alma's own names (so decoders see their fields) and noise.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "primary_id", "user_role", "status", "scope", "role_type", "expiry_date",
            "parameter", "type", "value", "desc", "total_record_count", "user",
            "errorsExist", "errorList", "error", "errorCode", "errorMessage", "trackingId",
            "institution", "environment_type", "row", "code", "description",
        ])
        .prop_map(String::from),
        1 => "[a-z_]{1,10}",
        1 => ".{0,6}",
    ]
}

/// A code-table value as Alma sends it: a description, a `null` one, or none.
fn code(values: &'static [&'static str]) -> impl Strategy<Value = Value> {
    (
        prop::sample::select(values),
        prop::option::of(prop_oneof![
            "[A-Za-z ]{0,12}".prop_map(Value::String),
            Just(Value::Null)
        ]),
        prop::option::of(any_json()),
    )
        .prop_map(|(value, desc, extra)| {
            let mut v = json!({"value": value});
            if let Some(desc) = desc {
                v["desc"] = desc;
            }
            if let Some(extra) = extra {
                v["extra"] = extra;
            }
            v
        })
}

/// A role as Alma sends it, `null` descriptions and parameter scopes
/// included, with unknown keys.
fn role_json() -> impl Strategy<Value = Value> {
    (
        code(&["ACTIVE", "INACTIVE", "active", "PENDING"]),
        code(&["01NFU_INST", "MAIN", "LAW", ""]),
        code(&["200", "32", "51", "221", "26", "x"]),
        prop::option::of(prop_oneof![
            Just("2027-05-31Z".to_string()),
            Just("2027-05-31".to_string()),
            Just("2027-05-31T00:00:00Z".to_string()),
            Just("".to_string()),
            ".{0,14}",
        ]),
        prop::option::of(prop::collection::vec(
            (
                code(&["CirculationDesk", "ServiceUnit"]),
                prop::option::of(prop_oneof![code(&["MAIN", "LAW"]), Just(Value::Null)]),
                code(&["MAIN_CIRC", "LAW_DESK", ""]),
            ),
            0..3,
        )),
        prop::collection::vec(("extra_[a-z]{1,6}", any_json()), 0..3),
    )
        .prop_map(|(status, scope, role_type, expiry, parameters, extra)| {
            let mut role = json!({"status": status, "scope": scope, "role_type": role_type});
            if let Some(expiry) = expiry {
                role["expiry_date"] = json!(expiry);
            }
            if let Some(parameters) = parameters {
                let list: Vec<Value> = parameters
                    .into_iter()
                    .map(|(kind, scope, value)| {
                        let mut p = json!({"type": kind, "value": value});
                        if let Some(scope) = scope {
                            p["scope"] = scope;
                        }
                        p
                    })
                    .collect();
                role["parameter"] = Value::Array(list);
            }
            for (k, v) in extra {
                role[k] = v;
            }
            role
        })
}

/// A whole user as Alma sends it, with any other keys; now and then a
/// role of a shape no role has.
fn user_json() -> impl Strategy<Value = Value> {
    (
        "[A-Za-z0-9@._-]{1,16}",
        prop::option::of(prop::collection::vec(
            prop_oneof![4 => role_json(), 1 => any_json()],
            0..5,
        )),
        prop::collection::vec(("[a-z_]{1,12}", any_json()), 0..8),
    )
        .prop_map(|(id, roles, rest)| {
            let mut user = Map::new();
            for (k, v) in rest {
                user.insert(k, v);
            }
            user.insert("primary_id".into(), json!(id));
            user.remove("user_role");
            if let Some(roles) = roles {
                user.insert("user_role".into(), Value::Array(roles));
            }
            Value::Object(user)
        })
}

/// Error details as the emulator writes them.
fn details() -> impl Strategy<Value = Vec<AlmaErrorDetail>> {
    prop::collection::vec(
        (
            prop_oneof![
                Just("401861".to_string()),
                Just("PER_SECOND_THRESHOLD".to_string()),
                "[A-Z0-9_]{1,20}"
            ],
            // The XML reader trims text, so messages here have no outer spaces.
            prop_oneof![
                Just(String::new()),
                "[^\\s]([^\u{0}]{0,30}[^\\s])?".prop_map(String::from),
                Just("a & b < c > d &lt; \"quoted\" 'single'".to_string()),
            ],
            prop::option::of("E01-[0-9]{1,6}"),
        )
            .prop_map(|(code, message, tracking_id)| AlmaErrorDetail {
                code,
                message,
                tracking_id,
            }),
        0..4,
    )
}

/// XML-ish text built from the gateway's tags, cut anywhere.
fn xmlish() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("<error>".to_string()),
            Just("</error>".to_string()),
            Just("<errorCode>".to_string()),
            Just("</errorCode>".to_string()),
            Just("<errorMessage>".to_string()),
            Just("</errorMessage>".to_string()),
            Just("<trackingId>".to_string()),
            Just("<![CDATA[".to_string()),
            Just("]]>".to_string()),
            Just("&amp;".to_string()),
            Just("&lt;".to_string()),
            ".{0,8}",
        ],
        0..24,
    )
    .prop_map(|parts| format!("<web_service_result>{}", parts.concat()))
}

/// Every decoder the client applies to a response body.
fn decode_everything(bytes: &[u8]) {
    if let Ok(user) = serde_json::from_slice::<wire::User>(bytes) {
        let _ = roles_of(&user);
        let held = Held::read(&user);
        let _ = (held.fingerprint(), held.notes());
        let again: wire::User = serde_json::from_value(serde_json::to_value(&user).unwrap())
            .expect("a decoded user re-encodes to a decodable value");
        assert_eq!(again, user);
    }
    let _ = serde_json::from_slice::<wire::UserRole>(bytes);
    let _ = serde_json::from_slice::<wire::UserList>(bytes);
    let _ = serde_json::from_slice::<wire::CodeTable>(bytes);
    let _ = serde_json::from_slice::<wire::LibraryList>(bytes);
    let _ = serde_json::from_slice::<wire::CircDeskList>(bytes);
    let _ = serde_json::from_slice::<wire::GeneralConf>(bytes);
    let _ = serde_json::from_slice::<wire::ErrorBody>(bytes);
    let _ = wire::parse_errors(bytes);
}

#[test]
fn users_in_published_shapes_decode_to_the_json_they_came_from() {
    for (name, text) in fixtures::PUBLISHED_SHAPES {
        decode_everything(text.as_bytes());
        let user: wire::User = serde_json::from_str(text).unwrap();
        let value: Value = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::to_value(&user).unwrap(), value, "{name}");
        let held = Held::read(&user);
        let roles = user.user_role.as_ref().map_or(0, Vec::len);
        assert_eq!(held.roles.len() + held.unreadable.len(), roles, "{name}");
    }
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        decode_everything(&bytes);
    }

    #[test]
    fn arbitrary_json_never_panics_and_users_are_a_fixed_point(value in any_json()) {
        decode_everything(&serde_json::to_vec(&value).unwrap());
        if let Ok(user) = serde_json::from_value::<wire::User>(value) {
            let encoded = serde_json::to_value(&user).unwrap();
            let again: wire::User = serde_json::from_value(encoded.clone()).unwrap();
            prop_assert_eq!(&again, &user);
            prop_assert_eq!(serde_json::to_value(&again).unwrap(), encoded);
        }
    }

    #[test]
    fn a_canonical_user_round_trips_to_the_same_json(value in user_json()) {
        let user: wire::User = serde_json::from_value(value.clone()).unwrap();
        prop_assert_eq!(serde_json::to_value(&user).unwrap(), value.clone());
        // Byte-level too: what the client reads off the wire.
        let from_bytes: wire::User = serde_json::from_slice(&serde_json::to_vec(&value).unwrap()).unwrap();
        prop_assert_eq!(from_bytes, user.clone());
        let _ = roles_of(&user);
    }

    #[test]
    fn flexible_scalars_decode_and_settle(
        id in prop_oneof![any::<u32>().prop_map(|n| json!(n)), any::<bool>().prop_map(|b| json!(b)), "[a-z0-9]{1,8}".prop_map(|s| json!(s))],
        role_type in prop_oneof![any::<u16>().prop_map(|n| json!(n)), "[0-9]{1,3}".prop_map(|s| json!(s))],
        exist in prop_oneof![Just(json!(true)), Just(json!("true")), Just(json!("TRUE")), Just(json!("false")), Just(json!(1))],
        one in any::<bool>(),
    ) {
        let user: wire::User = serde_json::from_value(json!({
            "primary_id": id.clone(),
            "user_role": [{"status": {"value": "ACTIVE"}, "scope": {"value": "X"}, "role_type": {"value": role_type.clone()}}]
        })).unwrap();
        let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
        prop_assert_eq!(&user.primary_id, &text(&id));
        let fields = user.user_role.as_ref().unwrap()[0].fields().unwrap();
        prop_assert_eq!(&fields.role_type.value, &text(&role_type));
        let entry = json!({"errorCode": 401861, "errorMessage": "gone"});
        let body = json!({"errorsExist": exist, "errorList": {"error": if one { entry } else { json!([entry]) }}});
        let parsed = wire::parse_errors(&serde_json::to_vec(&body).unwrap());
        let boolean = matches!(body["errorsExist"].as_str().map(str::to_ascii_lowercase).as_deref(), Some("true" | "false")) || body["errorsExist"].is_boolean();
        prop_assert_eq!(parsed.is_some(), boolean);
        if let Some((errors, _)) = parsed {
            prop_assert_eq!(&errors[0].code, "401861");
        }
    }

    #[test]
    fn a_role_survives_the_reconcilers_form(value in role_json()) {
        let wire_role: wire::UserRole = serde_json::from_value(value).unwrap();
        if let Ok(role) = Role::from_wire(&wire_role) {
            let back = Role::from_wire(&role.to_wire()).unwrap();
            prop_assert_eq!(back, role);
        }
    }

    #[test]
    fn error_lists_survive_the_writers_and_the_reader(details in details()) {
        let json = serde_json::to_vec(&wire::ErrorBody::new(&details)).unwrap();
        let (parsed, format) = wire::parse_errors(&json).unwrap();
        prop_assert_eq!(format, wire::BodyFormat::Json);
        prop_assert_eq!(&parsed, &details);
        let xml = wire::error_xml(&details);
        match wire::parse_errors(xml.as_bytes()) {
            None => prop_assert!(details.is_empty()),
            Some((parsed, format)) => {
                prop_assert_eq!(format, wire::BodyFormat::Xml);
                prop_assert_eq!(parsed, details);
            }
        }
    }

    #[test]
    fn gateway_xml_scanning_never_panics(text in xmlish(), cut in any::<prop::sample::Index>()) {
        let _ = wire::parse_errors(text.as_bytes());
        let bytes = text.as_bytes();
        let _ = wire::parse_errors(&bytes[..cut.index(bytes.len() + 1)]);
    }
}
