//! One entry of a user's `user_role` list. [`UserRole`] is the role exactly
//! as Alma sent it, whatever its shape: nulls (`"desc": null`, a parameter's
//! `"scope": null`), keys the tool does not know, a status it has never
//! seen, even a role without `status` or `scope`. A GET followed by a PUT
//! sends back the same JSON value (key order aside), so roles the tool does
//! not manage pass through untouched and never make a user unreadable.
//! [`RoleFields`] is the typed view of the fields the reconciler reads,
//! parsed on demand with [`UserRole::fields`]; a role it does not fit is
//! still a `UserRole`, and only the reader who needs the fields sees the
//! error.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::{CodeValue, flex_string};

/// One entry of `user_role`, kept as the JSON Alma sent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserRole(Value);

/// The fields of a role the reconciler and the emulator read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoleFields {
    #[serde(deserialize_with = "code")]
    pub status: CodeValue,
    #[serde(deserialize_with = "code")]
    pub scope: CodeValue,
    #[serde(deserialize_with = "code")]
    pub role_type: CodeValue,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry_date: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "parameters"
    )]
    pub parameter: Option<Vec<Parameter>>,
}

/// One entry of a role's `parameter` list, e.g. a circulation desk.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Parameter {
    #[serde(rename = "type", deserialize_with = "code")]
    pub kind: CodeValue,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<CodeValue>,
    #[serde(deserialize_with = "code")]
    pub value: CodeValue,
}

impl UserRole {
    /// A role from its JSON.
    pub fn from_json(value: Value) -> UserRole {
        UserRole(value)
    }

    /// The role's JSON, exactly as read.
    pub fn json(&self) -> &Value {
        &self.0
    }

    /// The role's JSON, for the emulator, which stores roles as Alma would
    /// (filling in missing descriptions).
    pub fn json_mut(&mut self) -> &mut Value {
        &mut self.0
    }

    /// The typed fields, or why the role does not fit them.
    pub fn fields(&self) -> Result<RoleFields, String> {
        RoleFields::deserialize(&self.0).map_err(|e| e.to_string())
    }

    /// A code field's value, e.g. `role_type` -> `"32"` (a plain string or
    /// number is taken as the value), when there is one.
    pub fn code(&self, key: &str) -> Option<String> {
        match self.0.get(key)? {
            Value::Object(o) => scalar(o.get("value")?),
            other => scalar(other),
        }
    }

    /// Sets a code field's value, keeping the rest of the field (its
    /// description) as it is; a field that is not an object becomes `{"value": ..}`.
    pub fn set_code(&mut self, key: &str, value: &str) {
        let Some(role) = self.0.as_object_mut() else {
            return;
        };
        match role.get_mut(key) {
            Some(Value::Object(field)) => {
                field.insert("value".into(), Value::String(value.into()));
            }
            _ => {
                let mut field = Map::new();
                field.insert("value".into(), Value::String(value.into()));
                role.insert(key.into(), Value::Object(field));
            }
        }
    }

    /// Sets the status to `value`, dropping the old description (Alma fills
    /// in the new one), unless the status already has that value.
    pub fn set_status(&mut self, value: &str) {
        let same = self
            .code("status")
            .is_some_and(|s| s.trim().eq_ignore_ascii_case(value));
        if let (false, Some(role)) = (same, self.0.as_object_mut()) {
            let mut field = Map::new();
            field.insert("value".into(), Value::String(value.into()));
            role.insert("status".into(), Value::Object(field));
        }
    }

    /// Sets the expiry date (`2027-05-31Z`), or removes it.
    pub fn set_expiry_date(&mut self, date: Option<String>) {
        let Some(role) = self.0.as_object_mut() else {
            return;
        };
        match date {
            Some(date) => {
                role.insert("expiry_date".into(), Value::String(date));
            }
            None => {
                role.shift_remove("expiry_date");
            }
        }
    }
}

impl From<RoleFields> for UserRole {
    fn from(fields: RoleFields) -> UserRole {
        UserRole(serde_json::to_value(fields).expect("role fields serialize"))
    }
}

/// A scalar as text: strings as they are, numbers and booleans written out.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A code-table value, or a plain string, number or boolean taken as its value.
fn code<'de, D: Deserializer<'de>>(d: D) -> Result<CodeValue, D::Error> {
    match Value::deserialize(d)? {
        Value::Object(o) => {
            CodeValue::deserialize(Value::Object(o)).map_err(serde::de::Error::custom)
        }
        other => flex_string(other)
            .map(CodeValue::new)
            .map_err(serde::de::Error::custom),
    }
}

/// A parameter list: an array, one object, or null.
fn parameters<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<Parameter>>, D::Error> {
    let list = match Value::deserialize(d)? {
        Value::Null => return Ok(None),
        Value::Array(items) => items,
        one => vec![one],
    };
    list.into_iter()
        .map(|p| Parameter::deserialize(p).map_err(serde::de::Error::custom))
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn role(value: Value) -> UserRole {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn nulls_and_unknown_keys_come_back_as_read() {
        let value = json!({
            "status": {"value": "ACTIVE", "desc": null},
            "scope": {"value": "MAIN", "desc": "Main"},
            "role_type": {"value": "37", "desc": "Receiving Operator"},
            "expiry_date": null,
            "parameter": [{"type": {"value": "ServiceUnit", "desc": null}, "scope": null,
                           "value": {"value": "MAIN_ACQ", "desc": "Acquisitions"}, "extra": [1]}],
            "review_date": "2026-01-01Z"
        });
        let read = role(value.clone());
        assert_eq!(serde_json::to_value(&read).unwrap(), value);
        let fields = read.fields().unwrap();
        assert_eq!(fields.role_type.value, "37");
        assert_eq!(fields.expiry_date, None);
        assert_eq!(fields.parameter.unwrap()[0].scope, None);
    }

    #[test]
    fn any_shape_is_a_role_and_only_its_fields_fail() {
        for value in [
            json!({"role_type": {"value": "200"}, "scope": {"value": "01X"}}),
            json!({"status": {"value": "ACTIVE"}, "role_type": {"value": "200"}}),
            json!({"status": {"value": "ACTIVE"}, "scope": {"value": "01X"}, "role_type": [1]}),
            json!("a string"),
            json!(null),
        ] {
            let read = role(value.clone());
            assert_eq!(serde_json::to_value(&read).unwrap(), value);
            assert!(read.fields().is_err(), "{value}");
        }
    }

    #[test]
    fn fields_take_plain_values_booleans_and_a_single_parameter() {
        let read = role(json!({
            "status": "ACTIVE", "scope": {"value": "01X"}, "role_type": 50,
            "parameter": {"type": {"value": "CantEditRestrictedUsers"}, "value": {"value": false}}
        }));
        let fields = read.fields().unwrap();
        assert_eq!(fields.status.value, "ACTIVE");
        assert_eq!(fields.role_type.value, "50");
        assert_eq!(fields.parameter.unwrap()[0].value.value, "false");
        assert_eq!(read.code("role_type").as_deref(), Some("50"));
        assert_eq!(read.code("missing"), None);
    }

    #[test]
    fn edits_touch_only_the_field_edited() {
        let mut read = role(json!({
            "status": {"value": "ACTIVE", "desc": "Active"},
            "scope": {"value": "MAIN", "desc": "Main"},
            "role_type": {"value": "32", "desc": "Circulation Desk Operator"},
            "x": null
        }));
        read.set_status("active");
        assert_eq!(
            read.json()["status"],
            json!({"value": "ACTIVE", "desc": "Active"})
        );
        read.set_status("INACTIVE");
        read.set_code("role_type", "221");
        read.set_expiry_date(Some("2027-05-31Z".into()));
        assert_eq!(
            read.json(),
            &json!({
                "status": {"value": "INACTIVE"},
                "scope": {"value": "MAIN", "desc": "Main"},
                "role_type": {"value": "221", "desc": "Circulation Desk Operator"},
                "x": null,
                "expiry_date": "2027-05-31Z"
            })
        );
        read.set_expiry_date(None);
        assert!(read.json().get("expiry_date").is_none());
    }
}
