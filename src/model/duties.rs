//! Separation of duties (V15): the catalogue's rules that name duties one
//! person must not hold together ("whoever creates vendors must not also
//! approve their invoices"), the exceptions a login may carry after a
//! consultation, and the one place that decides which of a login's grants
//! break which rule ([`conflicts`]).
//!
//! A duty is a role type (`invoice`: every level of it) or a level of one
//! (`invoice/operator-extended`). A level reference covers that level and
//! the levels that extend it: a level extends another when it grants every
//! Alma role the other grants (same role code, scope rule and parameter),
//! which is how the catalogue's "all functions of operator, plus ..."
//! levels are built.

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::catalog::{Catalog, Level};
use super::login::RoleGrant;

/// One rule: duties no login may hold two of.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DutyRule {
    /// Why the duties conflict, for people: "creating vendors vs approving their invoices".
    pub description: String,
    /// Two or more duties; holding grants that match two of them breaks the rule.
    pub conflicting: Vec<Duty>,
}

/// A role type, or one level of it (and the levels that extend it).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Duty {
    pub role_type: String,
    pub level: Option<String>,
}

impl TryFrom<String> for Duty {
    type Error = String;

    fn try_from(text: String) -> Result<Duty, String> {
        let (role_type, level) = match text.split_once('/') {
            Some((rt, level)) => (rt, Some(level)),
            None => (text.as_str(), None),
        };
        let word = |s: &str| !s.is_empty() && !s.contains('/');
        if !word(role_type) || level.is_some_and(|l| !word(l)) {
            return Err(format!("`{text}` is not a role type or `role-type/level`"));
        }
        Ok(Duty {
            role_type: role_type.to_string(),
            level: level.map(str::to_string),
        })
    }
}

impl From<Duty> for String {
    fn from(duty: Duty) -> String {
        duty.to_string()
    }
}

impl fmt::Display for Duty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.level {
            Some(level) => write!(f, "{}/{level}", self.role_type),
            None => f.write_str(&self.role_type),
        }
    }
}

impl Duty {
    /// Whether a grant of `role_type` at `level` is this duty: the same
    /// role type, and for a level reference the same level or one that
    /// extends it. Unknown role types and levels match nothing.
    pub fn covers(&self, catalog: &Catalog, role_type: &str, level: Option<&str>) -> bool {
        if self.role_type != role_type {
            return false;
        }
        let Some(wanted) = &self.level else {
            return true;
        };
        let Some(rt) = catalog.role_types.get(role_type) else {
            return false;
        };
        match (rt.level(Some(wanted)), rt.level(level)) {
            // A level extends itself.
            (Some(base), Some(held)) => extends(held, base),
            _ => false,
        }
    }
}

/// Whether `level` grants every Alma role `base` grants.
pub fn extends(level: &Level, base: &Level) -> bool {
    base.grants.iter().all(|b| {
        level
            .grants
            .iter()
            .any(|g| g.alma_role == b.alma_role && g.scope == b.scope && g.parameter == b.parameter)
    })
}

/// An exception to a rule as written in a login file.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RawSodException {
    pub rule: String,
    pub consultation: String,
    pub reason: String,
    pub review_by: String,
}

/// A validated exception: the login may break `rule` until it is
/// re-examined by `review_by`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SodException {
    pub rule: String,
    /// The consultation with the central systems team that granted it.
    pub consultation: String,
    pub reason: String,
    pub review_by: NaiveDate,
}

/// A login's grants that break one rule: the first two duties of the rule
/// it holds, each with the role type that holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict<'a> {
    pub rule: &'a str,
    pub description: &'a str,
    /// `(duty, role type held)`, in the rule's order.
    pub first: (&'a Duty, &'a str),
    pub second: (&'a Duty, &'a str),
}

/// Every rule of `catalog` the `grants` (role type -> grant) break, one
/// conflict per rule, in the rules' order. Two duties must be held by two
/// different grants: a rule whose duties are two levels of one role type
/// cannot be broken by one grant.
pub fn conflicts<'a>(
    catalog: &'a Catalog,
    grants: &'a BTreeMap<String, Box<RoleGrant>>,
) -> Vec<Conflict<'a>> {
    let mut found = Vec::new();
    for (name, rule) in &catalog.separation_of_duties {
        let held: Vec<(&Duty, &str)> = rule
            .conflicting
            .iter()
            .flat_map(|duty| {
                grants
                    .iter()
                    .filter(|(rt, g)| duty.covers(catalog, rt, g.level.as_deref()))
                    .map(move |(rt, _)| (duty, rt.as_str()))
            })
            .collect();
        let pair = held.iter().enumerate().find_map(|(i, a)| {
            held[i + 1..]
                .iter()
                .find(|b| b.0 != a.0 && b.1 != a.1)
                .map(|b| (*a, *b))
        });
        if let Some((first, second)) = pair {
            found.push(Conflict {
                rule: name,
                description: &rule.description,
                first,
                second,
            });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        crate::model::read::read(
            r#"
login_types:
  view: {label: V, grants: [{alma_role: "1", scope: institution}]}
  view-analytics: {label: VA, grants: [{alma_role: "1", scope: institution}]}
  systems: {label: S, grants: [{alma_role: "1", scope: institution}]}
  custom: {label: C}
separation_of_duties:
  vendor-and-invoice:
    description: creating vendors vs approving their invoices
    conflicting: [vendor-maintenance, invoice]
  purchasing-and-deleting-invoices:
    description: ordering vs deleting invoices
    conflicting: [acquisitions, invoice/operator-extended]
vendor-maintenance: {label: Vendors, grants: [{alma_role: "33", scope: institution}]}
acquisitions: {label: Acq, grants: [{alma_role: "54", scope: institution}]}
invoice:
  label: Invoice
  levels:
    operator: {grants: [{alma_role: "44", scope: library}]}
    operator-extended: {grants: [{alma_role: "44", scope: library}, {alma_role: "48", scope: library}]}
    operator-extended-plus: {grants: [{alma_role: "44", scope: library}, {alma_role: "36", scope: library}]}
    all: {grants: [{alma_role: "44", scope: library}, {alma_role: "48", scope: library}, {alma_role: "36", scope: library}]}
"#,
        )
        .unwrap()
    }

    fn grants(held: &[(&str, Option<&str>)]) -> BTreeMap<String, Box<RoleGrant>> {
        held.iter()
            .map(|(rt, level)| {
                let grant = RoleGrant {
                    level: level.map(str::to_string),
                    po_line_owners: Vec::new(),
                    circulation_desks: Vec::new(),
                    departments: Vec::new(),
                    batch_attestation: None,
                    consultation: None,
                    until: None,
                    from_profile: false,
                };
                (rt.to_string(), Box::new(grant))
            })
            .collect()
    }

    fn broken(held: &[(&str, Option<&str>)]) -> Vec<String> {
        let catalog = catalog();
        let grants = grants(held);
        conflicts(&catalog, &grants)
            .iter()
            .map(|c| format!("{}: {} + {}", c.rule, c.first.1, c.second.1))
            .collect()
    }

    #[test]
    fn a_role_type_reference_covers_every_level() {
        assert_eq!(
            broken(&[("vendor-maintenance", None), ("invoice", Some("operator"))]),
            ["vendor-and-invoice: vendor-maintenance + invoice"]
        );
        assert!(broken(&[("vendor-maintenance", None)]).is_empty());
    }

    #[test]
    fn a_level_reference_covers_the_levels_that_extend_it() {
        let acq = ("acquisitions", None);
        assert_eq!(
            broken(&[acq, ("invoice", Some("operator-extended"))]),
            ["purchasing-and-deleting-invoices: acquisitions + invoice"]
        );
        // `all` grants every role of operator-extended: it extends it.
        assert_eq!(broken(&[acq, ("invoice", Some("all"))]).len(), 1);
        // operator-extended-plus lacks 48: it does not.
        assert!(broken(&[acq, ("invoice", Some("operator-extended-plus"))]).is_empty());
        assert!(broken(&[acq, ("invoice", Some("operator"))]).is_empty());
    }

    #[test]
    fn duties_parse_from_text() {
        let d = Duty::try_from("invoice/operator".to_string()).unwrap();
        assert_eq!(d.level.as_deref(), Some("operator"));
        assert_eq!(d.to_string(), "invoice/operator");
        for bad in ["", "/x", "a/", "a/b/c"] {
            assert!(Duty::try_from(bad.to_string()).is_err(), "{bad}");
        }
    }
}
