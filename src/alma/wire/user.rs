//! What the reconciler reads from a user record beyond its roles: code
//! fields (`record_type`, `user_group`), whether the user is staff, and a
//! name to show. Read-only views over the record's `rest`; nothing here
//! changes what is sent back.

use serde_json::Value;

use super::User;

/// Alma's record type of staff users.
pub const STAFF: &str = "STAFF";

impl User {
    /// A code field's value, e.g. `record_type` -> `STAFF` (a plain string
    /// is taken as the value).
    pub fn code(&self, key: &str) -> Option<&str> {
        match self.rest.get(key)? {
            Value::String(s) => Some(s.as_str()),
            Value::Object(o) => o.get("value").and_then(Value::as_str),
            _ => None,
        }
    }

    /// The record type (`STAFF`, `PUBLIC`, `CONTACT`), when the record carries one.
    pub fn record_type(&self) -> Option<&str> {
        self.code("record_type")
    }

    /// Whether the record is a staff user's; a record without a type is
    /// taken as staff, so it is looked at rather than skipped.
    pub fn is_staff(&self) -> bool {
        self.record_type()
            .is_none_or(|t| t.trim().eq_ignore_ascii_case(STAFF))
    }

    fn text(&self, key: &str) -> &str {
        self.rest
            .get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .unwrap_or_default()
    }

    /// The full name, or first and last name, or the primary id.
    pub fn display_name(&self) -> String {
        let full = self.text("full_name");
        if !full.is_empty() {
            return full.to_string();
        }
        let parts: Vec<&str> = ["first_name", "middle_name", "last_name"]
            .iter()
            .map(|k| self.text(k))
            .filter(|s| !s.is_empty())
            .collect();
        if parts.is_empty() {
            self.primary_id.clone()
        } else {
            parts.join(" ")
        }
    }
}
