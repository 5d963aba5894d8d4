//! The emulated Users API operations, shared by the in-process and the HTTP
//! faces: reading one user (full or brief), listing brief users with paging
//! and a simple `q`, the swap-all PUT with all-or-nothing role checks, and
//! the configuration reads. Each returns Alma's wire form or a [`Refusal`].

use serde_json::{Map, Value};

use crate::alma::error::AlmaErrorDetail;
use crate::alma::wire::{self, CodeValue, TextOrCode};

use super::state::same_id;
use super::{Emulator, Refusal, bump, validate};

/// Alma's code for "no such user".
const USER_NOT_FOUND: &str = "401861";
/// The emulator's code for a request it cannot read (bad body, bad query).
pub(crate) const INVALID_REQUEST: &str = "INVALID_REQUEST";
/// The largest page of `GET /users`.
const MAX_LIMIT: u64 = 100;
/// The top-level keys of a brief user.
const BRIEF_KEYS: [&str; 11] = [
    "primary_id",
    "first_name",
    "middle_name",
    "last_name",
    "full_name",
    "user_group",
    "status",
    "record_type",
    "account_type",
    "expiry_date",
    "purge_date",
];

impl Emulator {
    pub(crate) fn refusal(&self, status: u16, code: &str, message: String) -> Refusal {
        Refusal {
            status,
            details: vec![AlmaErrorDetail {
                code: code.into(),
                message,
                tracking_id: Some(self.tracking_id()),
            }],
        }
    }

    fn user_not_found(&self, id: &str) -> Refusal {
        self.refusal(
            400,
            USER_NOT_FOUND,
            format!("User with identifier {id} was not found."),
        )
    }

    /// `GET /users/{id}`; `brief` leaves out the roles and most fields.
    pub(crate) fn get_user_op(&self, id: &str, brief: bool) -> Result<wire::User, Refusal> {
        let state = self.lock_state();
        let index = state
            .lookup_index(id)
            .ok_or_else(|| self.user_not_found(id))?;
        bump(&self.shared.counters.reads);
        let user = &state.users[index];
        Ok(if brief {
            brief_user(user)
        } else {
            user.clone()
        })
    }

    /// `GET /users?limit&offset&q`: brief users in stored order.
    pub(crate) fn list_users_op(
        &self,
        offset: u64,
        limit: u64,
        q: Option<&str>,
    ) -> Result<wire::UserList, Refusal> {
        if limit > MAX_LIMIT {
            return Err(self.refusal(
                400,
                INVALID_REQUEST,
                format!("limit must be between 0 and {MAX_LIMIT}."),
            ));
        }
        let filter = match q.map(str::trim).filter(|q| !q.is_empty()) {
            None => None,
            Some(q) => Some(q.split_once('~').ok_or_else(|| {
                self.refusal(
                    400,
                    INVALID_REQUEST,
                    format!("Unsupported q {q:?}: use field~value."),
                )
            })?),
        };
        let state = self.lock_state();
        bump(&self.shared.counters.reads);
        let matching: Vec<&wire::User> = state
            .users
            .iter()
            .filter(|u| filter.is_none_or(|(field, value)| matches(u, field, value)))
            .collect();
        Ok(wire::UserList {
            total_record_count: matching.len() as u64,
            user: matching
                .into_iter()
                .skip(usize::try_from(offset).unwrap_or(usize::MAX))
                .take(limit as usize)
                .map(brief_user)
                .collect(),
        })
    }

    /// `PUT /users/{id}`: swap all. The body replaces the user; a body
    /// without roles (absent or `[]`) keeps the stored roles; the resulting
    /// role list is checked whole, and one bad role refuses the update.
    pub(crate) fn put_user_op(
        &self,
        id: &str,
        mut user: wire::User,
    ) -> Result<wire::User, Refusal> {
        let mut state = self.lock_state();
        let refuse = |r: Refusal| {
            bump(&self.shared.counters.rejected_writes);
            Err(r)
        };
        let Some(index) = state.lookup_index(id) else {
            return refuse(self.user_not_found(id));
        };
        if let Some(other) = state.user_index(&user.primary_id).filter(|&i| i != index) {
            let message = format!(
                "Primary id {} is used by another user.",
                state.users[other].primary_id
            );
            return refuse(self.refusal(400, INVALID_REQUEST, message));
        }
        if user.user_role.as_ref().is_none_or(Vec::is_empty) {
            user.user_role = state.users[index].user_role.clone();
        }
        let problems = validate::check_roles(&state, user.user_role.as_deref().unwrap_or_default());
        if !problems.is_empty() {
            let details = validate::details(problems, || self.tracking_id());
            return refuse(Refusal {
                status: 400,
                details,
            });
        }
        if let Some(roles) = user.user_role.as_mut() {
            validate::describe_roles(&state, roles);
        }
        let previous = std::mem::replace(&mut state.users[index], user.clone());
        if let Some(path) = &self.shared.path
            && let Err(e) = state.save(path)
        {
            state.users[index] = previous;
            tracing::error!(error = %e, "could not save the emulator state");
            return refuse(self.refusal(
                500,
                "GENERAL_ERROR",
                "The update could not be stored.".into(),
            ));
        }
        bump(&self.shared.counters.writes);
        Ok(user)
    }

    /// `GET /conf/code-tables/{name}`.
    pub(crate) fn code_table_op(&self, name: &str) -> Result<wire::CodeTable, Refusal> {
        let rows = self.lock_state().code_table(name).ok_or_else(|| {
            self.refusal(400, "402285", format!("Code table {name} does not exist."))
        })?;
        bump(&self.shared.counters.reads);
        Ok(wire::CodeTable {
            name: Some(name.to_owned()),
            row: rows
                .into_iter()
                .map(|r| wire::CodeTableRow {
                    code: r.code,
                    description: r.description,
                    rest: enabled(),
                })
                .collect(),
        })
    }

    /// `GET /conf/libraries`.
    pub(crate) fn libraries_op(&self) -> wire::LibraryList {
        bump(&self.shared.counters.reads);
        let state = self.lock_state();
        wire::LibraryList {
            library: state
                .libraries
                .iter()
                .map(|l| named(&l.code, &l.name))
                .collect(),
        }
    }

    /// `GET /conf/libraries/{code}/circ-desks`.
    pub(crate) fn circ_desks_op(
        &self,
        library: &str,
        offset: u64,
        limit: u64,
    ) -> Result<wire::CircDeskList, Refusal> {
        let state = self.lock_state();
        let entry = state.library(library).ok_or_else(|| {
            self.refusal(400, "402211", format!("Library {library} does not exist."))
        })?;
        bump(&self.shared.counters.reads);
        Ok(wire::CircDeskList {
            total_record_count: entry.circulation_desks.len() as u64,
            circ_desk: entry
                .circulation_desks
                .iter()
                .skip(usize::try_from(offset).unwrap_or(usize::MAX))
                .take(usize::try_from(limit).unwrap_or(usize::MAX))
                .map(|d| named(&d.code, &d.name))
                .collect(),
        })
    }

    /// `GET /conf/general`.
    pub(crate) fn general_op(&self) -> wire::GeneralConf {
        bump(&self.shared.counters.reads);
        let state = self.lock_state();
        let mut institution = CodeValue::new(&state.institution_code);
        institution.desc = state.institution_name.clone();
        wire::GeneralConf {
            institution: TextOrCode::Code(institution),
            environment_type: TextOrCode::Code(CodeValue::new(&state.environment_type)),
            rest: Map::new(),
        }
    }
}

/// A user cut down to the brief view.
fn brief_user(user: &wire::User) -> wire::User {
    wire::User {
        primary_id: user.primary_id.clone(),
        user_role: None,
        rest: user
            .rest
            .iter()
            .filter(|(k, _)| BRIEF_KEYS.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    }
}

/// `field~value`: the field (or, for `ALL`, any brief field) contains the
/// value, ignoring case.
fn matches(user: &wire::User, field: &str, value: &str) -> bool {
    let needle = value.trim().to_lowercase();
    let hit = |text: &str| text.to_lowercase().contains(&needle);
    let field_text = |key: &str| -> Option<String> {
        if key == "primary_id" {
            return Some(user.primary_id.clone());
        }
        match user.rest.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Object(o) => o.get("value").and_then(Value::as_str).map(str::to_owned),
            other => Some(other.to_string()),
        }
    };
    if field.eq_ignore_ascii_case("ALL") {
        BRIEF_KEYS
            .iter()
            .filter_map(|k| field_text(k))
            .any(|t| hit(&t))
    } else if field == "primary_id" {
        same_id(&user.primary_id, value.trim()) || hit(&user.primary_id)
    } else {
        field_text(field).is_some_and(|t| hit(&t))
    }
}

fn named(code: &str, name: &str) -> wire::NamedRecord {
    wire::NamedRecord {
        code: code.to_owned(),
        name: name.to_owned(),
        rest: Map::new(),
    }
}

fn enabled() -> Map<String, Value> {
    let mut rest = Map::new();
    rest.insert("enabled".into(), Value::Bool(true));
    rest
}
