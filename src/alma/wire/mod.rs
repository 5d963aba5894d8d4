//! Alma's JSON as it travels: the user, its `user_role` list, the
//! configuration reads and the error bodies. This is the only module that
//! spells Alma's field names. Every record keeps the keys it does not model
//! in a `rest` map, and every role is kept whole as the JSON Alma sent
//! ([`UserRole`], read through [`RoleFields`] on demand), so a GET followed
//! by a PUT sends back the same JSON value (key order aside), nulls and
//! unfamiliar roles included. The known quirks are absorbed here: booleans
//! and numbers as strings, `error` as one object or an array, `errorsExist`
//! as a string, and gateway errors as XML.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

mod errors;
mod login_report;
mod role;
mod user;

pub use errors::{BodyFormat, ErrorBody, ErrorEntry, ErrorList, error_xml, parse_errors};
pub use login_report::{
    StaffLogin, StaffLoginEntry, StaffLoginFields, StaffLoginList, StaffLoginPage,
    decode_staff_logins,
};
pub use role::{Parameter, RoleFields, UserRole};
pub use user::STAFF;

/// One Alma user, as returned by `GET /users/{id}` and sent by `PUT`.
///
/// Only the primary id and the roles are modelled; every other key lives in
/// `rest`, untouched. `user_role: None` means the key was absent, which is
/// not the same as an empty list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct User {
    #[serde(deserialize_with = "flex_string")]
    pub primary_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_role: Option<Vec<UserRole>>,
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

/// A code-table value: `{"value": "32", "desc": "Circulation Desk Operator"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeValue {
    #[serde(deserialize_with = "flex_string")]
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desc: Option<String>,
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

impl CodeValue {
    /// A value without a description.
    pub fn new(value: impl Into<String>) -> Self {
        CodeValue {
            value: value.into(),
            desc: None,
            rest: Map::new(),
        }
    }
}

/// `GET /users`: one page of brief users.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UserList {
    #[serde(deserialize_with = "flex_u64")]
    pub total_record_count: u64,
    #[serde(default, deserialize_with = "one_or_many")]
    pub user: Vec<User>,
}

/// `GET /conf/code-tables/{name}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CodeTable {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub row: Vec<CodeTableRow>,
}

/// One row of a code table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CodeTableRow {
    #[serde(deserialize_with = "flex_string")]
    pub code: String,
    #[serde(default)]
    pub description: String,
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

/// `GET /conf/libraries`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LibraryList {
    #[serde(default, deserialize_with = "one_or_many")]
    pub library: Vec<NamedRecord>,
}

/// `GET /conf/libraries/{code}/circ-desks`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CircDeskList {
    #[serde(default, deserialize_with = "one_or_many")]
    pub circ_desk: Vec<NamedRecord>,
    #[serde(default, deserialize_with = "flex_u64")]
    pub total_record_count: u64,
}

/// A library or a circulation desk: a code and a name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NamedRecord {
    #[serde(deserialize_with = "flex_string")]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

/// `GET /conf/general`. The two fields are read whether they arrive as
/// `{"value": ..}` objects or as plain strings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GeneralConf {
    pub institution: TextOrCode,
    pub environment_type: TextOrCode,
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

/// A field that is sometimes a code-table value and sometimes a string.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum TextOrCode {
    Code(CodeValue),
    Text(String),
}

impl TextOrCode {
    /// The value (not the description).
    pub fn value(&self) -> &str {
        match self {
            TextOrCode::Code(code) => &code.value,
            TextOrCode::Text(text) => text,
        }
    }
}

/// A string that may arrive as a number or a boolean.
fn flex_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(serde::de::Error::custom(format!(
            "expected a string, found {other}"
        ))),
    }
}

/// A count that may arrive as a string.
fn flex_u64<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    match Value::deserialize(d)? {
        Value::Number(n) => n
            .as_u64()
            .ok_or_else(|| serde::de::Error::custom("expected a count")),
        Value::String(s) => s.trim().parse().map_err(serde::de::Error::custom),
        Value::Null => Ok(0),
        other => Err(serde::de::Error::custom(format!(
            "expected a count, found {other}"
        ))),
    }
}

/// A boolean that may arrive as the string "true" or "false".
fn flex_bool<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    match Value::deserialize(d)? {
        Value::Bool(b) => Ok(b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        other => Err(serde::de::Error::custom(format!(
            "expected a boolean, found {other}"
        ))),
    }
}

/// A list that may arrive as a single object, or as null.
fn one_or_many<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    match Value::deserialize(d)? {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items
            .into_iter()
            .map(|v| serde_json::from_value(v).map_err(serde::de::Error::custom))
            .collect(),
        one => serde_json::from_value(one)
            .map(|v| vec![v])
            .map_err(serde::de::Error::custom),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rich_user() -> Value {
        json!({
            "record_type": {"value": "STAFF", "desc": "Staff"},
            "primary_id": "JDOE",
            "first_name": "Jane",
            "is_researcher": "false",
            "user_group": {"value": "01", "desc": "Staff"},
            "expiry_date": "2030-01-16Z",
            "user_identifier": [{"id_type": {"value": "BARCODE"}, "value": "123", "segment_type": "Internal"}],
            "user_note": [{"note_type": {"value": "CIRCULATION"}, "note_text": "x", "user_viewable": "true"}],
            "contact_info": {"email": [{"email_address": "j@example.edu", "preferred": true}]},
            "user_role": [{
                "status": {"value": "ACTIVE", "desc": "Active"},
                "scope": {"value": "WID", "desc": "Widener"},
                "role_type": {"value": "32", "desc": "Circulation Desk Operator"},
                "expiry_date": "2027-05-31Z",
                "review_date": "2026-01-01Z",
                "parameter": [{"type": {"value": "CirculationDesk"}, "scope": {"value": "WID"},
                               "value": {"value": "WID_MAIN_CIRC", "desc": "Main"}, "extra": 1}]
            }],
            "nested": {"deep": [1, "two", {"three": null}]}
        })
    }

    #[test]
    fn unknown_keys_round_trip() {
        let value = rich_user();
        let user: User = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(user.primary_id, "JDOE");
        assert_eq!(
            user.user_role.as_ref().unwrap()[0].code("role_type"),
            Some("32".into())
        );
        assert_eq!(serde_json::to_value(&user).unwrap(), value);
    }

    #[test]
    fn absent_roles_differ_from_empty_roles() {
        let absent: User = serde_json::from_value(json!({"primary_id": "a"})).unwrap();
        let empty: User =
            serde_json::from_value(json!({"primary_id": "a", "user_role": []})).unwrap();
        assert_eq!(absent.user_role, None);
        assert_eq!(empty.user_role, Some(vec![]));
        assert!(
            serde_json::to_value(&absent)
                .unwrap()
                .get("user_role")
                .is_none()
        );
        assert_eq!(
            serde_json::to_value(&empty).unwrap()["user_role"],
            json!([])
        );
    }

    #[test]
    fn numbers_as_code_values_are_read_as_strings() {
        let role: CodeValue = serde_json::from_value(json!({"value": 32})).unwrap();
        assert_eq!(role.value, "32");
    }

    #[test]
    fn general_in_both_shapes() {
        let a: GeneralConf = serde_json::from_value(json!({
            "institution": {"value": "01AB_INST", "desc": "AB"},
            "environment_type": {"value": "PRODUCTION"}}))
        .unwrap();
        let b: GeneralConf = serde_json::from_value(json!({
            "institution": "01AB_INST", "environment_type": "Sandbox"}))
        .unwrap();
        assert_eq!(a.environment_type.value(), "PRODUCTION");
        assert_eq!(b.institution.value(), "01AB_INST");
    }

    #[test]
    fn user_list_tolerates_a_missing_or_single_user() {
        let none: UserList = serde_json::from_value(json!({"total_record_count": 0})).unwrap();
        assert!(none.user.is_empty());
        let one: UserList =
            serde_json::from_value(json!({"total_record_count": "1", "user": {"primary_id": "a"}}))
                .unwrap();
        assert_eq!(one.user.len(), 1);
    }
}
