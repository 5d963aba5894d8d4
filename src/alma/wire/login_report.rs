//! `GET /users/staff-login-report`: the staff logins (and failed attempts)
//! Alma recorded between two days. The parameters are documented
//! (`login_date_from`, `login_date_to`, `successful`, `limit`, `offset`);
//! the response's field names are not confirmed by a primary source, so the
//! decoder is tolerant. It accepts:
//!
//! - the list under `staff_login`, `staff_logins`, `staff_login_report`,
//!   `login`, `logins`, `user` or `users` (an array, one object, or null),
//!   also one level down (`{"staff_login_report": {"staff_login": [...]}}`);
//!   an absent list with `total_record_count: 0` is an empty page;
//! - the user under `primary_id`, `user_primary_id`, `user_id`, `user` or
//!   `user_name`: a string, a number, or an object carrying `value` or
//!   `primary_id`;
//! - the day under `login_date`, `last_login`, `last_login_date`,
//!   `login_time`, `login_date_time` or `date`: `YYYY-MM-DD`,
//!   `YYYY-MM-DDZ` or an ISO date-time (the day as written is taken);
//! - success under `successful`, `success` or `is_successful`: a JSON
//!   boolean, or `true`/`false`/`yes`/`no`/`y`/`n`/`1`/`0` as a string or
//!   number, or an object carrying `value`. An entry without it counts as
//!   a successful login (the reading that suspends no one by mistake).
//!
//! Anything else fails with a message naming what was found: the top-level
//! keys, or the offending entry and its keys. [`StaffLoginList`] is the
//! shape the emulator answers with (the one a public client expects).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Where the list of logins may be.
pub const LIST_KEYS: &[&str] = &[
    "staff_login",
    "staff_logins",
    "staff_login_report",
    "login",
    "logins",
    "user",
    "users",
];
/// Where an entry's user may be.
pub const ID_KEYS: &[&str] = &[
    "primary_id",
    "user_primary_id",
    "user_id",
    "user",
    "user_name",
];
/// Where an entry's day may be.
pub const DATE_KEYS: &[&str] = &[
    "login_date",
    "last_login",
    "last_login_date",
    "login_time",
    "login_date_time",
    "date",
];
/// Whether the login succeeded.
pub const SUCCESS_KEYS: &[&str] = &["successful", "success", "is_successful"];
const TOTAL_KEY: &str = "total_record_count";

/// The report as the emulator sends it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffLoginList {
    pub staff_login: Vec<StaffLoginEntry>,
    pub total_record_count: u64,
}

/// One entry of [`StaffLoginList`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffLoginEntry {
    pub primary_id: String,
    /// An ISO date-time, e.g. `2026-12-01T09:14:00Z`.
    pub login_date: String,
    pub successful: bool,
}

/// One login or failed attempt, decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffLogin {
    pub primary_id: String,
    /// The day, as written (no time-zone conversion).
    pub day: NaiveDate,
    pub successful: bool,
}

/// The field names a page was read with, for people to check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffLoginFields {
    /// The list's path, e.g. `staff_login` or `staff_login_report.staff_login`.
    pub list: String,
    pub id: String,
    pub date: String,
}

/// One page of the report, decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffLoginPage {
    /// How many entries the whole report has, when Alma says.
    pub total_record_count: Option<u64>,
    pub logins: Vec<StaffLogin>,
    /// The names found on the first entry; `None` on an empty page.
    pub fields: Option<StaffLoginFields>,
}

/// Decodes one page of the report; `Err` says what was expected and found.
pub fn decode_staff_logins(value: &Value) -> Result<StaffLoginPage, String> {
    let Value::Object(top) = value else {
        return Err(format!("expected a JSON object, found {}", kind(value)));
    };
    let (path, container, list) = match locate(top, String::new()) {
        Some(found) => found,
        None => return no_list(top),
    };
    let total = total(container)?.or(total(top)?);
    let entries: Vec<&Value> = match list {
        Value::Array(items) => items.iter().collect(),
        Value::Null => Vec::new(),
        one => vec![one],
    };
    let mut page = StaffLoginPage {
        total_record_count: total,
        logins: Vec::with_capacity(entries.len()),
        fields: None,
    };
    for (at, entry) in entries.into_iter().enumerate() {
        let (login, id, date) = decode_entry(entry).map_err(|why| {
            format!(
                "entry {} of `{path}` {why}; its keys: {}",
                at + 1,
                keys_of(entry)
            )
        })?;
        page.fields.get_or_insert_with(|| StaffLoginFields {
            list: path.clone(),
            id: id.to_owned(),
            date: date.to_owned(),
        });
        page.logins.push(login);
    }
    Ok(page)
}

/// The list: its path, the object holding it, and its value.
fn locate(
    obj: &Map<String, Value>,
    prefix: String,
) -> Option<(String, &Map<String, Value>, &Value)> {
    LIST_KEYS.iter().find_map(|key| {
        let value = obj.get(*key)?;
        let path = format!("{prefix}{key}");
        if let Value::Object(inner) = value
            && is_wrapper(inner)
        {
            return locate(inner, format!("{path}."));
        }
        Some((path, obj, value))
    })
}

/// An object holding the list (and perhaps the count), not one entry.
fn is_wrapper(obj: &Map<String, Value>) -> bool {
    let holds = obj.contains_key(TOTAL_KEY) || LIST_KEYS.iter().any(|k| obj.contains_key(*k));
    holds && !DATE_KEYS.iter().any(|k| obj.contains_key(*k))
}

fn no_list(top: &Map<String, Value>) -> Result<StaffLoginPage, String> {
    if total(top)? == Some(0) {
        return Ok(StaffLoginPage {
            total_record_count: Some(0),
            logins: Vec::new(),
            fields: None,
        });
    }
    Err(format!(
        "no list of logins: expected one of {}; found the top-level keys {}",
        LIST_KEYS.join(", "),
        keys_of_map(top)
    ))
}

fn total(obj: &Map<String, Value>) -> Result<Option<u64>, String> {
    match obj.get(TOTAL_KEY) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) if n.as_u64().is_some() => Ok(n.as_u64()),
        Some(Value::String(s)) if s.trim().parse::<u64>().is_ok() => Ok(s.trim().parse().ok()),
        Some(other) => Err(format!("`{TOTAL_KEY}` is {other}, not a count")),
    }
}

/// One entry, and the keys its user and day were found under.
fn decode_entry(entry: &Value) -> Result<(StaffLogin, &'static str, &'static str), String> {
    let Value::Object(obj) = entry else {
        return Err(format!("is {}, not an object", kind(entry)));
    };
    let (id_key, id) = first(obj, ID_KEYS)
        .ok_or_else(|| format!("has no user (expected one of {})", ID_KEYS.join(", ")))?;
    let primary_id = identifier(id).ok_or_else(|| format!("has `{id_key}` {id}, not a user id"))?;
    let (date_key, date) = first(obj, DATE_KEYS).ok_or_else(|| {
        format!(
            "has no login date (expected one of {})",
            DATE_KEYS.join(", ")
        )
    })?;
    let day = date.as_str().and_then(parse_day).ok_or_else(|| {
        format!("has `{date_key}` {date}, not a date (YYYY-MM-DD, YYYY-MM-DDZ or an ISO date-time)")
    })?;
    let successful = match first(obj, SUCCESS_KEYS) {
        None => true,
        Some((key, value)) => {
            boolean(value).ok_or_else(|| format!("has `{key}` {value}, not a boolean"))?
        }
    };
    let login = StaffLogin {
        primary_id,
        day,
        successful,
    };
    Ok((login, id_key, date_key))
}

fn first<'a>(
    obj: &'a Map<String, Value>,
    keys: &[&'static str],
) -> Option<(&'static str, &'a Value)> {
    keys.iter()
        .find_map(|k| obj.get(*k).filter(|v| !v.is_null()).map(|v| (*k, v)))
}

/// A user id: a non-empty string or a number, or an object carrying one.
fn identifier(value: &Value) -> Option<String> {
    let id = match value {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        Value::Object(o) => {
            return ["value", "primary_id"]
                .iter()
                .find_map(|k| identifier(o.get(*k)?));
        }
        _ => return None,
    };
    (!id.is_empty()).then_some(id)
}

fn boolean(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_u64()? {
            1 => Some(true),
            0 => Some(false),
            _ => None,
        },
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "1" => Some(true),
            "false" | "no" | "n" | "0" => Some(false),
            _ => None,
        },
        Value::Object(o) => boolean(o.get("value")?),
        _ => None,
    }
}

/// The day of `YYYY-MM-DD`, `YYYY-MM-DDZ`, or an ISO date-time
/// (`YYYY-MM-DDTHH:MM[:SS[.f]][Z|±HH:MM]`, also with a space for `T`).
pub fn parse_day(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let (day, rest) = (text.get(..10)?, &text[10..]);
    let day = NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()?;
    let time_ok = |t: &str| {
        let t = t.trim_end_matches('Z');
        let t = t.split(['+', '-']).next().unwrap_or_default();
        let mut parts = t.split(':');
        let hm = parts
            .next()
            .is_some_and(|h| h.len() == 2 && h.parse::<u8>().is_ok_and(|h| h < 24))
            && parts
                .next()
                .is_some_and(|m| m.len() == 2 && m.parse::<u8>().is_ok_and(|m| m < 60));
        hm && parts.all(|s| {
            s.split('.')
                .next()
                .is_some_and(|s| s.parse::<f64>().is_ok())
        })
    };
    match rest {
        "" | "Z" => Some(day),
        _ if rest.starts_with(['T', ' ']) && time_ok(&rest[1..]) => Some(day),
        _ => None,
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn keys_of(value: &Value) -> String {
    match value {
        Value::Object(o) => keys_of_map(o),
        other => format!("none ({})", kind(other)),
    }
}

fn keys_of_map(obj: &Map<String, Value>) -> String {
    if obj.is_empty() {
        return "none (an empty object)".into();
    }
    obj.keys()
        .take(20)
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
#[path = "login_report_tests.rs"]
mod tests;
