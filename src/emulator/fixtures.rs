//! Ready-made emulator states and users for tests and benches: a small
//! institution with libraries, desks, service units and two keys, and
//! generated "rich" users carrying the kinds of fields real Alma users
//! have (identifiers, notes, blocks, addresses, statistics, booleans as
//! strings, dates with `Z`, nested unknown keys). Beside them, users in the
//! shapes of the real records libraries publish as test fixtures
//! (`tests/fixtures/alma-users/`, written for this institution in those
//! shapes): dozens of roles with `null` descriptions and parameter scopes,
//! roles without a `parameter` key, CantEditRestrictedUsers parameters as
//! strings and JSON booleans, roles at a network zone, a status NEW,
//! duplicate Patron roles, researcher and proxy objects, `loans.value` as a
//! string. Not seed data: the built-in target's Alma is a description of
//! its own (`seed`).

use serde_json::{Value, json};

use crate::alma::wire;

use super::state::{Access, KeyEntry, LibraryEntry, Limits, NamedEntry, State};

/// The read-write key of [`institution`].
pub const READ_WRITE_KEY: &str = "emulator-read-write-key";
/// The read-only key of [`institution`].
pub const READ_ONLY_KEY: &str = "emulator-read-only-key";
/// The institution code of [`institution`].
pub const INSTITUTION: &str = "01EMU_INST";
/// The network zone roles of [`published_shapes`] are scoped to.
pub const NETWORK_ZONE: &str = "01EMU_NETWORK";

/// Users in the shapes of published Alma records, by name: a staff user
/// with many roles, a staff user whose roles are scoped to a network zone,
/// a staff user with a proxy, and two patrons.
pub const PUBLISHED_SHAPES: [(&str, &str); 5] = [
    (
        "staff-many-roles",
        include_str!("../../tests/fixtures/alma-users/staff-many-roles.json"),
    ),
    (
        "staff-network-zone",
        include_str!("../../tests/fixtures/alma-users/staff-network-zone.json"),
    ),
    (
        "staff-single",
        include_str!("../../tests/fixtures/alma-users/staff-single.json"),
    ),
    (
        "patron-graduate",
        include_str!("../../tests/fixtures/alma-users/patron-graduate.json"),
    ),
    (
        "patron-undergraduate",
        include_str!("../../tests/fixtures/alma-users/patron-undergraduate.json"),
    ),
];

/// A small institution: libraries `MAIN` (desks `MAIN_CIRC`, `MAIN_RESERVES`;
/// service unit `MAIN_ACQ`) and `BRANCH` (desk `BRANCH_CIRC`), the two keys
/// above, no limits to speak of, and no users.
pub fn institution() -> State {
    let named = |code: &str, name: &str| NamedEntry {
        code: code.into(),
        name: name.into(),
    };
    let mut state = State::new(INSTITUTION);
    state.institution_name = Some("Emulated University".into());
    state.api_keys = vec![
        KeyEntry {
            key: READ_WRITE_KEY.into(),
            access: Access::ReadWrite,
        },
        KeyEntry {
            key: READ_ONLY_KEY.into(),
            access: Access::Read,
        },
    ];
    state.libraries = vec![
        LibraryEntry {
            code: "MAIN".into(),
            name: "Main Library".into(),
            circulation_desks: vec![
                named("MAIN_CIRC", "Main circulation"),
                named("MAIN_RESERVES", "Reserves"),
            ],
            service_units: vec![named("MAIN_ACQ", "Acquisitions")],
        },
        LibraryEntry {
            code: "BRANCH".into(),
            name: "Branch Library".into(),
            circulation_desks: vec![named("BRANCH_CIRC", "Branch circulation")],
            service_units: vec![],
        },
    ];
    state.limits = Limits {
        per_second: 0,
        daily: 1_000_000_000,
    };
    state
}

/// [`institution`] with `n` users from [`rich_user`].
pub fn institution_with_users(n: usize) -> State {
    let mut state = institution();
    state.users = (0..n).map(rich_user).collect();
    state
}

/// The JSON of each of [`PUBLISHED_SHAPES`], by name.
pub fn published_shapes() -> Vec<(&'static str, Value)> {
    PUBLISHED_SHAPES
        .iter()
        .map(|(name, text)| {
            let value = serde_json::from_str(text).expect("the fixture is JSON");
            (*name, value)
        })
        .collect()
}

/// [`institution`], knowing [`NETWORK_ZONE`], with the users of
/// [`published_shapes`].
pub fn institution_with_published_shapes() -> State {
    let mut state = institution();
    state.other_scopes = vec![NamedEntry {
        code: NETWORK_ZONE.into(),
        name: "Emulated Network Zone".into(),
    }];
    state.users = published_shapes()
        .into_iter()
        .map(|(_, value)| serde_json::from_value(value).expect("the fixture is a user"))
        .collect();
    state
}

/// The primary id of user `i`: `user0000042`.
pub fn user_id(i: usize) -> String {
    format!("user{i:07}")
}

/// A user shaped like a real Alma staff user, varied by `i`, with valid roles
/// for [`institution`].
pub fn rich_user(i: usize) -> wire::User {
    let id = user_id(i);
    let bool_text = if i.is_multiple_of(2) { "true" } else { "false" };
    let mut roles = vec![json!({
        "status": {"value": "ACTIVE", "desc": "Active"},
        "scope": {"value": INSTITUTION, "desc": "Emulated University"},
        "role_type": {"value": "21", "desc": "User Manager"},
        "parameter": []
    })];
    if i.is_multiple_of(3) {
        roles.push(json!({
            "status": {"value": "ACTIVE"},
            "scope": {"value": "MAIN", "desc": "Main Library"},
            "role_type": {"value": "32", "desc": "Circulation Desk Operator"},
            "expiry_date": "2030-06-30Z",
            "parameter": [{"type": {"value": "CirculationDesk"}, "scope": {"value": "MAIN"},
                           "value": {"value": "MAIN_CIRC", "desc": "Main circulation"}}]
        }));
    }
    let value = json!({
        "record_type": {"value": "STAFF", "desc": "Staff"},
        "primary_id": id,
        "first_name": format!("First{i}"),
        "middle_name": "",
        "last_name": format!("Last{i}"),
        "full_name": format!("First{i} Last{i}"),
        "pin_number": "",
        "user_title": {"value": "Dr", "desc": "Dr."},
        "job_category": {"value": "LIB", "desc": "Librarian"},
        "job_description": format!("Desk {i} & \"special\" <chars> é ü"),
        "gender": {"value": "NONE", "desc": "None"},
        "user_group": {"value": format!("{:02}", i % 7), "desc": "Staff"},
        "campus_code": {"value": "MAIN"},
        "web_site_url": "",
        "cataloger_level": {"value": "00", "desc": "[00] Default Level"},
        "preferred_language": {"value": "en", "desc": "English"},
        "birth_date": "1980-01-01Z",
        "expiry_date": "2030-01-16Z",
        "purge_date": "2031-01-16Z",
        "account_type": {"value": "INTERNAL", "desc": "Internal"},
        "external_id": "",
        "password": "",
        "force_password_change": bool_text,
        "status": {"value": "ACTIVE", "desc": "Active"},
        "status_date": "2024-03-01Z",
        "requests": null,
        "loans": {"value": i % 5, "link": format!("https://example.invalid/users/{id}/loans")},
        "fees": {"value": 12.5, "link": ""},
        "is_researcher": bool_text,
        "user_role": roles
    });
    let more = json!({
        "contact_info": {
            "address": [{
                "line1": format!("{i} Library Road"), "line2": "Room 2", "city": "Springfield",
                "state_province": "", "postal_code": "12345", "country": {"value": "USA", "desc": "United States"},
                "address_note": "", "start_date": "2020-01-01Z", "preferred": "true",
                "segment_type": "Internal", "address_type": [{"value": "work", "desc": "Work"}]
            }],
            "email": [{"email_address": format!("{id}@example.edu"), "description": "", "preferred": true,
                       "segment_type": "Internal", "email_type": [{"value": "work", "desc": "Work"}]}],
            "phone": [{"phone_number": format!("+1 555 {i:04}"), "preferred": "false", "preferred_sms": false,
                       "segment_type": "External", "phone_type": [{"value": "office", "desc": "Office"}]}]
        },
        "user_identifier": [
            {"id_type": {"value": "BARCODE", "desc": "Barcode"}, "value": format!("B{i:09}"), "note": "",
             "status": "ACTIVE", "segment_type": "Internal"},
            {"id_type": {"value": "UNIV_ID", "desc": "University ID"}, "value": format!("U{i}"),
             "status": "ACTIVE", "segment_type": "External"}
        ],
        "user_block": [{"block_type": {"value": "GENERAL", "desc": "General"},
                         "block_description": {"value": "02", "desc": "Lost card"},
                         "block_status": "INACTIVE", "block_note": "", "created_by": "system",
                         "created_date": "2023-01-01T10:00:00Z", "segment_type": "Internal"}],
        "user_note": [{"note_type": {"value": "CIRCULATION", "desc": "Circulation"}, "note_text": format!("Note {i}"),
                        "user_viewable": "false", "popup_note": false, "created_by": "admin",
                        "created_date": "2022-02-02T02:02:02Z", "segment_type": "Internal"}],
        "user_statistic": [{"statistic_category": {"value": "ST", "desc": "Staff"},
                             "category_type": {"value": "DEPT", "desc": "Department"},
                             "statistic_note": "", "segment_type": "External"}],
        "proxy_for_user": [],
        "rs_library": [{"code": {"value": "MAIN", "desc": "Main Library"}}],
        "library_notice": [{"code": {"value": "SMS", "desc": "SMS"}, "value": false, "segment_type": "Internal"}],
        "pref_first_name": "", "pref_middle_name": "", "pref_last_name": "", "pref_name_suffix": "",
        "x_vendor_extension": {"nested": [{"deep": {"list": [1, 2.5, "three", null, true]}}], "n": i},
        "link": format!("https://example.invalid/almaws/v1/users/{id}")
    });
    let mut value = value;
    if let (Some(map), Value::Object(more)) = (value.as_object_mut(), more) {
        map.extend(more);
    }
    serde_json::from_value(value).expect("the generated user is valid wire JSON")
}

/// A user's JSON without `user_role`, for comparing what a PUT must keep.
pub fn without_roles(user: &wire::User) -> Value {
    let mut value = serde_json::to_value(user).expect("a wire user serializes");
    if let Some(map) = value.as_object_mut() {
        map.remove("user_role");
    }
    value
}
