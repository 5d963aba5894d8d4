//! The reconciler's view of an Alma role: values only (no descriptions),
//! real dates, parameters sorted. Parsing it from the wire form (the role's
//! JSON as Alma sent it) and composing a new wire role from it, normalising
//! a user's role list (Alma carries duplicates), and the keys roles are
//! matched on: [`RoleKey`] (what the reconciler compares: no parameter
//! scopes) and [`RoleIdentity`] (parameter scopes included), both
//! regardless of status and expiry.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::error::AlmaError;
use super::wire::{CodeValue, Parameter, RoleFields, UserRole};

/// One role of a user, as the reconciler compares it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Role {
    /// Code from `HFrUserRoles.roleType`, e.g. `"32"`.
    pub role_type: String,
    /// An institution code or a library code.
    pub scope: String,
    pub status: RoleStatus,
    pub expiry_date: Option<NaiveDate>,
    /// Sorted and deduplicated.
    pub parameters: Vec<RoleParameter>,
}

/// A role's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RoleStatus {
    Active,
    Inactive,
}

impl RoleStatus {
    /// Alma's spelling.
    pub fn as_alma(self) -> &'static str {
        match self {
            RoleStatus::Active => "ACTIVE",
            RoleStatus::Inactive => "INACTIVE",
        }
    }
}

/// A role parameter, e.g. the circulation desk a desk operator works at.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RoleParameter {
    /// The parameter type, e.g. `CirculationDesk` or `ServiceUnit`.
    pub kind: String,
    pub value: String,
    /// The parameter's own scope, when given (it may differ from the role's).
    pub scope: Option<String>,
}

/// What the reconciler matches a role on: its type, its scope and its
/// parameters' types and values; not descriptions, parameter scopes,
/// status or expiry.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RoleKey {
    pub role_type: String,
    pub scope: String,
    /// (type, value) pairs, sorted and deduplicated.
    pub parameters: Vec<(String, String)>,
}

impl RoleKey {
    /// Parameters as a key holds them: (type, value) pairs, sorted and
    /// deduplicated, so their order and repeats in Alma do not matter.
    pub fn pairs<'a>(
        parameters: impl Iterator<Item = (&'a str, &'a str)>,
    ) -> Vec<(String, String)> {
        let mut pairs: Vec<(String, String)> = parameters
            .map(|(kind, value)| (kind.to_string(), value.to_string()))
            .collect();
        pairs.sort();
        pairs.dedup();
        pairs
    }
}

/// What identifies a role regardless of its status and expiry date.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RoleIdentity {
    pub role_type: String,
    pub scope: String,
    pub parameters: Vec<RoleParameter>,
}

impl Role {
    /// Reads a wire role: values, not descriptions; `"2027-05-31Z"` dates;
    /// parameters sorted and deduplicated. Keys the wire role carries beyond
    /// these are not kept: send a role the plan does not change back in its
    /// wire form. A role without the fields, or with a status other than
    /// ACTIVE or INACTIVE, is a decode error.
    pub fn from_wire(role: &UserRole) -> Result<Role, AlmaError> {
        let wire = role.fields().map_err(decode_error)?;
        let status = match wire.status.value.trim().to_ascii_uppercase().as_str() {
            "ACTIVE" => RoleStatus::Active,
            "INACTIVE" => RoleStatus::Inactive,
            other => {
                return Err(decode_error(format!("unknown role status {other:?}")));
            }
        };
        let expiry_date = match wire.expiry_date.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => Some(parse_date(text)?),
        };
        let mut parameters: Vec<RoleParameter> = wire
            .parameter
            .iter()
            .flatten()
            .map(|p| RoleParameter {
                kind: p.kind.value.clone(),
                value: p.value.value.clone(),
                scope: p.scope.as_ref().map(|s| s.value.clone()),
            })
            .collect();
        parameters.sort();
        parameters.dedup();
        Ok(Role {
            role_type: wire.role_type.value.clone(),
            scope: wire.scope.value.clone(),
            status,
            expiry_date,
            parameters,
        })
    }

    /// A new wire role, without descriptions (Alma fills them in).
    pub fn to_wire(&self) -> UserRole {
        let parameter = (!self.parameters.is_empty()).then(|| {
            self.parameters
                .iter()
                .map(|p| Parameter {
                    kind: CodeValue::new(&p.kind),
                    scope: p.scope.as_ref().map(CodeValue::new),
                    value: CodeValue::new(&p.value),
                })
                .collect()
        });
        UserRole::from(RoleFields {
            status: CodeValue::new(self.status.as_alma()),
            scope: CodeValue::new(&self.scope),
            role_type: CodeValue::new(&self.role_type),
            expiry_date: self.wire_expiry_date(),
            parameter,
        })
    }

    /// The expiry date as Alma writes it, `2027-05-31Z`.
    pub fn wire_expiry_date(&self) -> Option<String> {
        self.expiry_date
            .map(|d| format!("{}Z", d.format("%Y-%m-%d")))
    }

    /// What the reconciler matches this role on (see [`RoleKey`]).
    pub fn key(&self) -> RoleKey {
        RoleKey {
            role_type: self.role_type.clone(),
            scope: self.scope.clone(),
            parameters: RoleKey::pairs(
                self.parameters
                    .iter()
                    .map(|p| (p.kind.as_str(), p.value.as_str())),
            ),
        }
    }

    /// Whether `other` is this role in everything the reconciler compares:
    /// the same key, status and expiry date.
    pub fn same_as(&self, other: &Role) -> bool {
        self.status == other.status
            && self.expiry_date == other.expiry_date
            && self.key() == other.key()
    }

    /// The key that matches this role regardless of status and expiry.
    pub fn identity(&self) -> RoleIdentity {
        RoleIdentity {
            role_type: self.role_type.clone(),
            scope: self.scope.clone(),
            parameters: self.parameters.clone(),
        }
    }
}

/// Sorts a role list, sorts each role's parameters and drops exact duplicates.
pub fn normalize(mut roles: Vec<Role>) -> Vec<Role> {
    for role in &mut roles {
        role.parameters.sort();
        role.parameters.dedup();
    }
    roles.sort();
    roles.dedup();
    roles
}

/// Reads Alma's date forms: `2027-05-31Z`, `2027-05-31` and
/// `2027-05-31T00:00:00Z` all give 2027-05-31.
pub fn parse_date(text: &str) -> Result<NaiveDate, AlmaError> {
    let day = text.get(..10).unwrap_or(text);
    let tail = &text[day.len()..];
    let tail_ok = tail.is_empty() || tail == "Z" || tail.starts_with('T') || tail.starts_with('+');
    match NaiveDate::parse_from_str(day, "%Y-%m-%d") {
        Ok(date) if tail_ok => Ok(date),
        _ => Err(decode_error(format!("bad role date {text:?}"))),
    }
}

fn decode_error(message: String) -> AlmaError {
    AlmaError::Decode {
        what: "user_role".into(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn wire(value: serde_json::Value) -> UserRole {
        serde_json::from_value(value).unwrap()
    }

    fn desk_role() -> UserRole {
        wire(json!({
            "status": {"value": "ACTIVE", "desc": "Active"},
            "scope": {"value": "WID", "desc": "Widener"},
            "role_type": {"value": "32", "desc": "Circulation Desk Operator"},
            "expiry_date": "2027-05-31Z",
            "parameter": [
                {"type": {"value": "CirculationDesk"}, "scope": {"value": "WID"}, "value": {"value": "Z_DESK"}},
                {"type": {"value": "CirculationDesk"}, "scope": {"value": "WID"}, "value": {"value": "A_DESK", "desc": "A"}},
                {"type": {"value": "CirculationDesk"}, "scope": {"value": "WID"}, "value": {"value": "A_DESK"}}
            ]
        }))
    }

    #[test]
    fn from_wire_reads_values_dates_and_sorted_parameters() {
        let role = Role::from_wire(&desk_role()).unwrap();
        assert_eq!(role.role_type, "32");
        assert_eq!(role.scope, "WID");
        assert_eq!(role.status, RoleStatus::Active);
        assert_eq!(role.expiry_date, NaiveDate::from_ymd_opt(2027, 5, 31));
        let values: Vec<_> = role.parameters.iter().map(|p| p.value.as_str()).collect();
        assert_eq!(values, ["A_DESK", "Z_DESK"]);
    }

    #[test]
    fn to_wire_and_back_is_identity() {
        let role = Role::from_wire(&desk_role()).unwrap();
        let again = Role::from_wire(&role.to_wire()).unwrap();
        assert_eq!(role, again);
        let value = serde_json::to_value(role.to_wire()).unwrap();
        assert_eq!(value["expiry_date"], "2027-05-31Z");
        assert_eq!(value["status"], json!({"value": "ACTIVE"}));
        let bare = Role {
            parameters: vec![],
            expiry_date: None,
            ..role
        };
        let value = serde_json::to_value(bare.to_wire()).unwrap();
        assert!(value.get("parameter").is_none() && value.get("expiry_date").is_none());
    }

    #[test]
    fn status_is_case_insensitive_and_unknown_status_fails() {
        let mut w = desk_role();
        w.set_code("status", "inactive");
        assert_eq!(Role::from_wire(&w).unwrap().status, RoleStatus::Inactive);
        w.set_code("status", "NEW");
        assert!(matches!(Role::from_wire(&w), Err(AlmaError::Decode { .. })));
        let scopeless = wire(json!({"status": {"value": "ACTIVE"}, "role_type": {"value": "200"}}));
        assert!(matches!(
            Role::from_wire(&scopeless),
            Err(AlmaError::Decode { .. })
        ));
    }

    #[test]
    fn the_key_leaves_out_parameter_scopes_status_and_expiry() {
        let a = Role::from_wire(&desk_role()).unwrap();
        let mut b = a.clone();
        for p in &mut b.parameters {
            p.scope = None;
        }
        b.parameters.reverse();
        assert_eq!(a.key(), b.key());
        assert_ne!(a.identity(), b.identity());
        assert!(a.same_as(&b));
        b.status = RoleStatus::Inactive;
        assert!(!a.same_as(&b) && a.key() == b.key());
        let mut c = a.clone();
        c.expiry_date = None;
        assert!(!a.same_as(&c));
        c.parameters[0].value = "OTHER".into();
        assert_ne!(a.key(), c.key());
    }

    #[test]
    fn date_forms() {
        let d = NaiveDate::from_ymd_opt(2030, 1, 16).unwrap();
        for text in [
            "2030-01-16Z",
            "2030-01-16",
            "2030-01-16T00:00:00Z",
            "2030-01-16+01:00",
        ] {
            assert_eq!(parse_date(text).unwrap(), d, "{text}");
        }
        for text in ["2030-13-01Z", "16/01/2030", "2030-01-16Q", ""] {
            assert!(parse_date(text).is_err(), "{text}");
        }
    }

    #[test]
    fn normalize_sorts_and_drops_exact_duplicates() {
        let a = Role::from_wire(&desk_role()).unwrap();
        let mut b = a.clone();
        b.role_type = "21".into();
        b.parameters.clear();
        let mut c = a.clone();
        c.status = RoleStatus::Inactive;
        let mut shuffled = a.clone();
        shuffled.parameters.reverse();
        let roles = normalize(vec![a.clone(), c.clone(), b.clone(), shuffled]);
        assert_eq!(roles, vec![b, a.clone(), c.clone()]);
        assert_eq!(a.identity(), c.identity());
    }
}
