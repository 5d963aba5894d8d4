//! What a user holds, and which of it is the tool's. [`Managed`] says which
//! roles the tool manages: a role type not in `preserve_roles`, scoped to
//! the institution, one of its libraries (the `alma_library` codes of
//! units.yaml) or a scope institution.yaml lists in `managed_scopes`. Every
//! other role (Patron, a role at a network zone or another institution)
//! passes through exactly as Alma holds it. [`Held`]
//! is a user's roles as read: each role in the reconciler's form, and the
//! roles that cannot be read kept as Alma sent them. A role that cannot be
//! read passes through when it is plainly not the tool's (its type is
//! preserved, or its scope is someone else's); when it may be the tool's,
//! the user cannot be planned, and the error says which role and why.

use std::collections::BTreeSet;

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::alma::{AlmaError, Role, wire};
use crate::model::AccessRepo;

use crate::reconcile::plan::{fingerprint, sorted};

/// Which roles are the tool's to add, change and remove.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Managed {
    /// Role types never touched (`preserve_roles`).
    pub preserve: BTreeSet<String>,
    /// The scopes managed: the institution, its libraries, `managed_scopes`.
    pub scopes: BTreeSet<String>,
}

impl Managed {
    /// What the repository's institution.yaml and units.yaml say the tool manages.
    pub fn of(repo: &AccessRepo) -> Managed {
        let institution = &repo.institution;
        let libraries = repo.units.0.values().map(|u| u.alma_library.clone());
        Managed {
            preserve: institution.preserve_roles.clone(),
            scopes: std::iter::once(institution.institution.clone())
                .chain(libraries)
                .chain(institution.managed_scopes.iter().cloned())
                .collect(),
        }
    }

    /// Whether the tool manages `role`.
    pub fn role(&self, role: &Role) -> bool {
        !self.preserve.contains(&role.role_type) && self.scopes.contains(&role.scope)
    }

    /// Whether a role that cannot be read may be the tool's: its type is
    /// not known to be preserved, nor its scope known to be someone else's.
    fn may_manage(&self, role: &wire::UserRole) -> bool {
        let preserved = role
            .code("role_type")
            .is_some_and(|t| self.preserve.contains(t.trim()));
        let elsewhere = role
            .code("scope")
            .is_some_and(|s| !self.scopes.contains(s.trim()));
        !preserved && !elsewhere
    }
}

/// A role that cannot be read, as Alma sent it, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Unreadable {
    pub role: wire::UserRole,
    pub why: String,
}

/// A user's roles as read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Held {
    /// Every role that could be read, in Alma's order, duplicates included.
    pub roles: Vec<Role>,
    /// The roles that could not be read (never the tool's in a plan).
    pub unreadable: Vec<Unreadable>,
}

impl From<Vec<Role>> for Held {
    fn from(roles: Vec<Role>) -> Held {
        Held {
            roles,
            unreadable: Vec::new(),
        }
    }
}

impl Held {
    /// Reads every role of `user`, refusing none.
    pub fn read(user: &wire::User) -> Held {
        let mut held = Held::default();
        for role in user.user_role.iter().flatten() {
            match Role::from_wire(role) {
                Ok(read) => held.roles.push(read),
                Err(e) => held.unreadable.push(Unreadable {
                    role: role.clone(),
                    why: reason(e),
                }),
            }
        }
        held
    }

    /// Reads the roles of `user` for a plan: a role that cannot be read and
    /// may be the tool's makes the user unreadable.
    pub fn read_for(user: &wire::User, managed: &Managed) -> Result<Held, AlmaError> {
        let held = Held::read(user);
        match held.unreadable.iter().find(|u| managed.may_manage(&u.role)) {
            None => Ok(held),
            Some(bad) => Err(AlmaError::Decode {
                what: "user_role".into(),
                message: format!(
                    "{} cannot be read ({}) and may be a role the tool manages; correct it in Alma",
                    describe(&bad.role),
                    bad.why
                ),
            }),
        }
    }

    /// A fingerprint of every role as read: [`fingerprint`] of the roles
    /// when all could be read, the roles that could not be read added in
    /// when some could not.
    pub fn fingerprint(&self) -> String {
        if self.unreadable.is_empty() {
            return fingerprint(&self.roles);
        }
        let body = serde_json::to_vec(&(sorted(&self.roles), self.unread_json()))
            .expect("roles serialize");
        let digest = Sha256::digest(&body);
        digest[..8].iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The roles that could not be read, as JSON text with keys sorted, sorted.
    pub fn unread_json(&self) -> Vec<String> {
        let mut raw: Vec<String> = self
            .unreadable
            .iter()
            .map(|u| canonical(u.role.json()).to_string())
            .collect();
        raw.sort();
        raw
    }

    /// One note per role passed through unread, for the plan.
    pub fn notes(&self) -> Vec<String> {
        self.unreadable
            .iter()
            .map(|u| {
                format!(
                    "{} cannot be read ({}); it is not the tool's and goes back exactly as Alma holds it",
                    describe(&u.role),
                    u.why
                )
            })
            .collect()
    }
}

/// A role as far as it can be named: `role 51 @ 01NZ_NETWORK`.
fn describe(role: &wire::UserRole) -> String {
    let part = |key: &str| role.code(key).unwrap_or_else(|| "?".into());
    format!("role {} @ {}", part("role_type"), part("scope"))
}

fn reason(e: AlmaError) -> String {
    match e {
        AlmaError::Decode { message, .. } => message,
        other => other.to_string(),
    }
}

/// A JSON value with every object's keys sorted, so key order never counts.
fn canonical(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), canonical(&map[k])))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        other => other.clone(),
    }
}
