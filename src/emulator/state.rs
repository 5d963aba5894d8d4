//! The emulator's state: one institution with its environment, API keys,
//! libraries (with circulation desks and service units), the other scopes
//! roles may carry (a network zone), code tables, users
//! (in Alma's JSON form), staff logins and API limits. It is a plain JSON file, so a seed
//! is just a state value: `State::load` reads one, `State::save` writes one
//! atomically (a temporary file renamed over the old one).

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::alma::wire;

/// The whole emulated Alma institution.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    /// Also a valid role scope.
    pub institution_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub institution_name: Option<String>,
    /// What `conf/general` reports, e.g. `SANDBOX` or `PRODUCTION`.
    #[serde(default = "default_environment")]
    pub environment_type: String,
    #[serde(default)]
    pub api_keys: Vec<KeyEntry>,
    #[serde(default)]
    pub libraries: Vec<LibraryEntry>,
    /// Scopes beyond the institution and its libraries that roles may carry:
    /// the network zone, or another institution of a consortium.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_scopes: Vec<NamedEntry>,
    /// Code tables by name, e.g. `HFrUserRoles.roleType`. When that table is
    /// absent the role types listed in the API reference are used.
    #[serde(default)]
    pub code_tables: BTreeMap<String, Vec<CodeEntry>>,
    /// Full users as Alma's JSON, in the order `GET /users` lists them.
    #[serde(default)]
    pub users: Vec<wire::User>,
    #[serde(default)]
    pub limits: Limits,
    /// Staff logins and failed attempts, for `GET /users/staff-login-report`,
    /// in the order the report lists them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub staff_logins: Vec<StaffLoginRecord>,
}

/// One staff login, or a failed attempt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffLoginRecord {
    pub primary_id: String,
    /// When, in UTC.
    pub login_date: NaiveDateTime,
    pub successful: bool,
}

/// An API key the emulator accepts.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyEntry {
    pub key: String,
    pub access: Access,
}

impl fmt::Debug for KeyEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyEntry")
            .field("key", &"***")
            .field("access", &self.access)
            .finish()
    }
}

/// What a key may do with the Users API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Access {
    #[serde(rename = "read")]
    Read,
    #[serde(rename = "read-write")]
    ReadWrite,
}

/// A library with its circulation desks and service units.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LibraryEntry {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub circulation_desks: Vec<NamedEntry>,
    #[serde(default)]
    pub service_units: Vec<NamedEntry>,
}

/// A code and a name (a desk or a service unit).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedEntry {
    pub code: String,
    pub name: String,
}

/// A code-table row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeEntry {
    pub code: String,
    pub description: String,
}

/// The API governance the emulator enforces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Requests per second (a bucket of this size refilled at this rate); 0: no limit.
    pub per_second: u32,
    /// Requests per day (UTC) before `DAILY_THRESHOLD`.
    pub daily: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            per_second: 25,
            daily: 100_000,
        }
    }
}

fn default_environment() -> String {
    "SANDBOX".to_owned()
}

/// A state file that could not be read or written.
#[derive(Debug)]
pub struct StateError {
    pub path: PathBuf,
    pub message: String,
}

impl fmt::Display for StateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for StateError {}

/// Role types named in the API reference, used when the state has no
/// `HFrUserRoles.roleType` table.
pub const REFERENCE_ROLE_TYPES: &[(&str, &str)] = &[
    ("0", "Deposit Manager"),
    ("1", "Deposit Operator"),
    ("12", "Digital Inventory Operator"),
    ("21", "User Manager"),
    ("26", "General System Administrator"),
    ("29", "Repository Manager"),
    ("32", "Circulation Desk Operator"),
    ("33", "Vendor Manager"),
    ("34", "Ledger Manager"),
    ("36", "Fund Manager"),
    ("37", "Receiving Operator"),
    ("41", "License Manager"),
    ("44", "Invoice Manager"),
    ("46", "Selector"),
    ("47", "Purchasing Operator Extended"),
    ("48", "Invoice Operator Extended"),
    ("50", "User Administrator"),
    ("51", "Requests Operator"),
    ("52", "Fulfillment Administrator"),
    ("53", "Repository Administrator"),
    ("54", "Purchasing Operator"),
    ("55", "Purchasing Manager"),
    ("56", "Acquisitions Administrator"),
    ("58", "License Viewer"),
    ("200", "Patron"),
    ("204", "Cataloger"),
    ("205", "Catalog Administrator"),
    ("206", "Catalog Manager"),
    ("208", "CDI Inventory Operator"),
    ("209", "Electronic Inventory Operator"),
    ("210", "Physical Inventory Operator"),
    ("214", "Work Order Operator"),
    ("215", "Fulfillment Services Manager"),
    ("220", "Design Analytics"),
    ("221", "Circulation Desk Manager"),
    ("224", "Electronic Inventory Operator Extended"),
    ("225", "Physical Inventory Operator Extended"),
    ("226", "Digital Inventory Operator Extended"),
    ("227", "Cataloger Extended"),
    ("231", "Course Reserves Manager"),
    ("239", "Resource Sharing Partners Manager"),
    ("244", "Usage Data Operator"),
    ("245", "Fund/Ledger Viewer"),
    ("247", "Purchase Request Manager"),
    ("250", "Vendor Account Manager"),
    ("299", "Circulation Desk Operator Limited"),
    ("301", "Known Issues Operator"),
    ("428", "Printout Queue Manager"),
];

/// What makes a state ambiguous to serve.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Ambiguous {
    #[error("institution_code is empty")]
    NoInstitution,
    #[error("user {0:?} appears twice")]
    User(String),
    #[error("library {0:?} appears twice")]
    Library(String),
}

impl State {
    /// An empty institution with the default limits and no keys.
    pub fn new(institution_code: impl Into<String>) -> Self {
        State {
            institution_code: institution_code.into(),
            institution_name: None,
            environment_type: default_environment(),
            api_keys: Vec::new(),
            libraries: Vec::new(),
            other_scopes: Vec::new(),
            code_tables: BTreeMap::new(),
            users: Vec::new(),
            limits: Limits::default(),
            staff_logins: Vec::new(),
        }
    }

    /// Reads a state file and checks it (see [`State::check`]).
    pub fn load(path: &Path) -> Result<State, StateError> {
        let error = |message: String| StateError {
            path: path.to_owned(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| error(e.to_string()))?;
        let state: State = serde_json::from_str(&text).map_err(|e| error(e.to_string()))?;
        state.check().map_err(|e| error(e.to_string()))?;
        Ok(state)
    }

    /// Writes the state atomically: to a temporary file beside `path`, then
    /// renamed over it.
    pub fn save(&self, path: &Path) -> Result<(), StateError> {
        let error = |message: String| StateError {
            path: path.to_owned(),
            message,
        };
        let json = serde_json::to_vec_pretty(self).map_err(|e| error(e.to_string()))?;
        let name = path
            .file_name()
            .ok_or_else(|| error("not a file path".into()))?;
        let mut tmp_name = name.to_owned();
        tmp_name.push(format!(".tmp-{}", std::process::id()));
        let tmp = path.with_file_name(tmp_name);
        let write = || -> std::io::Result<()> {
            let mut file = std::fs::File::create(&tmp)?;
            file.write_all(&json)?;
            file.write_all(b"\n")?;
            file.sync_all()?;
            std::fs::rename(&tmp, path)
        };
        write().map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            error(e.to_string())
        })
    }

    /// Checks what would make the emulator ambiguous: an empty institution
    /// code, and two users or libraries with the same id (user ids compared
    /// case-insensitively, as Alma does). Roles are not checked: real Alma
    /// data carries invalid roles, and so may a seed.
    pub fn check(&self) -> Result<(), Ambiguous> {
        if self.institution_code.trim().is_empty() {
            return Err(Ambiguous::NoInstitution);
        }
        let mut ids = std::collections::HashSet::new();
        for user in &self.users {
            if !ids.insert(user.primary_id.to_lowercase()) {
                return Err(Ambiguous::User(user.primary_id.clone()));
            }
        }
        let mut codes = std::collections::HashSet::new();
        for library in &self.libraries {
            if !codes.insert(&library.code) {
                return Err(Ambiguous::Library(library.code.clone()));
            }
        }
        Ok(())
    }

    /// The index of a user, by a case-insensitive primary id.
    pub fn user_index(&self, id: &str) -> Option<usize> {
        self.users.iter().position(|u| same_id(&u.primary_id, id))
    }

    /// The user `GET /users/{id}` answers with, as Alma's default
    /// `user_id_type=all_unique` finds it: by primary id first, then by any
    /// other unique identifier (`user_identifier[].value`, such as a barcode).
    pub fn lookup_index(&self, id: &str) -> Option<usize> {
        self.user_index(id).or_else(|| {
            self.users.iter().position(|u| {
                u.rest
                    .get("user_identifier")
                    .and_then(serde_json::Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|i| i.get("value").and_then(serde_json::Value::as_str))
                    .any(|value| same_id(value, id))
            })
        })
    }

    /// A library by code.
    pub fn library(&self, code: &str) -> Option<&LibraryEntry> {
        self.libraries.iter().find(|l| l.code == code)
    }

    /// The name of a role scope: the institution, one of its libraries, or
    /// one of the other scopes; `None` for a scope Alma does not know.
    pub fn scope_name(&self, code: &str) -> Option<String> {
        if let Some(library) = self.library(code) {
            return Some(library.name.clone());
        }
        if let Some(other) = self.other_scopes.iter().find(|s| s.code == code) {
            return Some(other.name.clone());
        }
        (code == self.institution_code).then(|| {
            self.institution_name
                .clone()
                .unwrap_or_else(|| self.institution_code.clone())
        })
    }

    /// The rows of a code table; the reference's role types stand in for a
    /// missing `HFrUserRoles.roleType`.
    pub fn code_table(&self, name: &str) -> Option<Vec<CodeEntry>> {
        if let Some(rows) = self.code_tables.get(name) {
            return Some(rows.clone());
        }
        (name == crate::alma::ROLE_TYPE_TABLE).then(|| {
            REFERENCE_ROLE_TYPES
                .iter()
                .map(|(code, description)| CodeEntry {
                    code: (*code).to_owned(),
                    description: (*description).to_owned(),
                })
                .collect()
        })
    }

    /// The access of a key, if the key is known.
    pub fn access(&self, key: &str) -> Option<Access> {
        self.api_keys
            .iter()
            .find(|k| k.key == key)
            .map(|k| k.access)
    }
}

/// Alma's primary ids are case-insensitive.
pub fn same_id(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b) || (!a.is_ascii() && a.to_lowercase() == b.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> State {
        serde_json::from_value(json!({
            "institution_code": "01TEST_INST",
            "api_keys": [{"key": "k", "access": "read-write"}],
            "libraries": [{"code": "MAIN", "name": "Main", "circulation_desks": [{"code": "DESK", "name": "Desk"}]}],
            "users": [{"primary_id": "JDoe", "is_researcher": "false"}],
            "limits": {"per_second": 5}
        }))
        .unwrap()
    }

    #[test]
    fn defaults_fill_what_a_seed_omits() {
        let state = sample();
        assert_eq!(state.environment_type, "SANDBOX");
        assert_eq!(
            state.limits,
            Limits {
                per_second: 5,
                daily: 100_000
            }
        );
        assert_eq!(state.access("k"), Some(Access::ReadWrite));
        assert_eq!(state.user_index("jdoe"), Some(0));
        assert!(
            state
                .code_table("HFrUserRoles.roleType")
                .unwrap()
                .iter()
                .any(|r| r.code == "32")
        );
        assert!(state.code_table("UserGroups").is_none());
    }

    #[test]
    fn save_and_load_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let state = sample();
        state.save(&path).unwrap();
        assert_eq!(State::load(&path).unwrap(), state);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn duplicate_ids_and_unknown_fields_are_refused() {
        let mut state = sample();
        let mut twin = state.users[0].clone();
        twin.primary_id = "JDOE".into();
        state.users.push(twin);
        assert!(matches!(state.check(), Err(Ambiguous::User(_))));
        let typo = serde_json::from_value::<State>(json!({"institution_code": "X", "user": []}));
        assert!(typo.is_err());
    }

    #[test]
    fn keys_do_not_show_in_debug() {
        assert!(!format!("{:?}", sample()).contains("\"k\""));
    }
}
