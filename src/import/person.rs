//! What an Alma user record says about the person behind a login, beyond
//! roles: the name, the preferred email, the employment and login kind
//! (read from the user group: a group naming students gives `student`, one
//! naming temporary staff `temp`, one naming a shared desk a shared-desk
//! login; anything else is personal staff), and which units the record
//! mentions (a statistic category, job description or address equal to a
//! unit's id or name), used only to break ties between units the roles fit
//! equally well.

use serde_json::Value;

use crate::alma::wire;
use crate::model::{Employment, LoginKind, Unit};

pub use crate::alma::wire::STAFF;

/// A code field's value, e.g. `record_type` -> `STAFF`.
fn code<'a>(user: &'a wire::User, key: &str) -> Option<&'a str> {
    user.code(key)
}

/// A code field's value and description, upper-cased, for matching words.
fn code_text(user: &wire::User, key: &str) -> String {
    let desc = user
        .rest
        .get(key)
        .and_then(|v| v.get("desc"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    format!("{} {desc}", code(user, key).unwrap_or_default()).to_uppercase()
}

/// The record type (`STAFF`, `PUBLIC`, `CONTACT`), when the record carries one.
pub fn record_type(user: &wire::User) -> Option<&str> {
    user.record_type()
}

/// The full name, or first and last name, or the primary id.
pub fn name(user: &wire::User) -> String {
    user.display_name()
}

/// The preferred email (else the first), if it looks like an address.
pub fn email(user: &wire::User) -> Option<String> {
    let emails = user.rest.get("contact_info")?.get("email")?.as_array()?;
    let preferred = |e: &&Value| match e.get("preferred") {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    };
    let chosen = emails.iter().find(preferred).or_else(|| emails.first())?;
    let address = chosen.get("email_address")?.as_str()?.trim();
    let valid = address.split('@').count() == 2
        && !address.starts_with('@')
        && !address.ends_with('@')
        && !address.chars().any(char::is_whitespace);
    valid.then(|| address.to_string())
}

/// Employment from the user group: students, temporary staff, else staff.
pub fn employment(user: &wire::User) -> Employment {
    let group = code_text(user, "user_group");
    if group.contains("STUDENT") {
        Employment::Student
    } else if group.contains("TEMP") {
        Employment::Temp
    } else {
        Employment::Staff
    }
}

/// A shared-desk login when the user group says so, else personal.
pub fn login_kind(user: &wire::User) -> LoginKind {
    if code_text(user, "user_group").contains("SHARED") {
        LoginKind::SharedDesk
    } else {
        LoginKind::Personal
    }
}

/// Whether any string of the record (roles aside) names the unit: its id,
/// its id as an Alma code (`technical-services` -> `TECHNICAL_SERVICES`) or its name.
pub fn mentions(user: &wire::User, unit_id: &str, unit: &Unit) -> bool {
    let names = [
        unit_id.to_lowercase(),
        unit_id.replace('-', "_").to_lowercase(),
        unit.name.trim().to_lowercase(),
    ];
    let mut found = false;
    for value in user.rest.values() {
        visit(value, &mut |s| {
            let s = s.trim().to_lowercase();
            found |= names.contains(&s);
        });
    }
    found
}

fn visit(value: &Value, f: &mut impl FnMut(&str)) {
    match value {
        Value::String(s) => f(s),
        Value::Array(items) => items.iter().for_each(|v| visit(v, f)),
        Value::Object(map) => map.values().for_each(|v| visit(v, f)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn user(value: Value) -> wire::User {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn reads_name_email_group_and_mentions() {
        let u = user(json!({
            "primary_id": "80000001",
            "record_type": {"value": "STAFF", "desc": "Staff"},
            "first_name": "Ada", "last_name": "Byron", "full_name": "",
            "user_group": {"value": "STUDENT_WORKER", "desc": "Student Worker"},
            "job_description": "Beaumont Law Library",
            "contact_info": {"email": [
                {"email_address": "other@example.edu", "preferred": "false"},
                {"email_address": "ada@example.edu", "preferred": true}
            ]}
        }));
        assert_eq!(record_type(&u), Some(STAFF));
        assert_eq!(name(&u), "Ada Byron");
        assert_eq!(email(&u).as_deref(), Some("ada@example.edu"));
        assert_eq!(employment(&u), Employment::Student);
        assert_eq!(login_kind(&u), LoginKind::Personal);
        let law = Unit {
            name: "Beaumont Law Library".into(),
            liaisons: vec!["x".into()],
            alma_library: "NFU_LAW".into(),
            circulation_desks: vec![],
            departments: vec![],
            po_line_owners: vec![],
            work_order_departments: vec![],
            flags: vec![],
        };
        assert!(mentions(&u, "law", &law));
        assert!(!mentions(
            &u,
            "music",
            &Unit {
                name: "Music".into(),
                ..law
            }
        ));
    }

    #[test]
    fn shared_desk_group_and_bad_email() {
        let u = user(json!({
            "primary_id": "DESK-1",
            "user_group": {"value": "SHARED", "desc": "Shared Desk Account"},
            "contact_info": {"email": [{"email_address": "not an address"}]}
        }));
        assert_eq!(login_kind(&u), LoginKind::SharedDesk);
        assert_eq!(employment(&u), Employment::Staff);
        assert_eq!(email(&u), None);
        assert_eq!(name(&u), "DESK-1");
    }
}
