//! What a login asks for, in the catalogue's words, for people approving a
//! plan: the person (name, employment, unit), the login type, and each
//! grant as the request form puts it (`fulfillment operator-extended:
//! desks MAIN_CIRC, NFU_MAIN_RESERVES`). Beside the reviewed version of the
//! same login, [`changes`] says what the request changes
//! (`fulfillment operator-extended: desks + NFU_MAIN_RESERVES`), so a
//! manager approves people and duties, not role codes.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::{LimitKind, Login};

/// One login's request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requested {
    pub name: String,
    /// `staff`, `student` or `temp`.
    pub employment: String,
    pub unit: String,
    /// `view`, `view-analytics`, `systems` or `custom`.
    pub login_type: String,
    /// Role type -> the grant.
    pub grants: BTreeMap<String, Grant>,
    /// Additional roles outside the catalogue, as `code @ scope`.
    pub additional: Vec<String>,
    /// Separation-of-duties exceptions, as `rule (consultation; review by DATE)`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exceptions: Vec<String>,
}

/// One role type grant of a login.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub level: Option<String>,
    /// `desks`, `departments` or `PO line owners`, with the codes.
    pub limits: BTreeMap<String, Vec<String>>,
    /// The grant's last day (R12).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<NaiveDate>,
}

fn limit_words(kind: LimitKind) -> &'static str {
    match kind {
        LimitKind::CirculationDesks => "desks",
        LimitKind::Departments => "departments",
        LimitKind::PoLineOwners => "PO line owners",
    }
}

impl Requested {
    /// What `login` asks for (its profile merged in).
    pub fn of(login: &Login) -> Requested {
        let grants = login
            .roles
            .iter()
            .map(|(role_type, grant)| {
                let limits = LimitKind::ALL
                    .iter()
                    .filter(|k| !grant.limit(**k).is_empty())
                    .map(|k| (limit_words(*k).to_string(), grant.limit(*k).to_vec()))
                    .collect();
                let level = grant.level.clone();
                let until = grant.until;
                (
                    role_type.clone(),
                    Grant {
                        level,
                        limits,
                        until,
                    },
                )
            })
            .collect();
        Requested {
            name: login.name.clone(),
            employment: login.employment.as_str().to_string(),
            unit: login.unit.clone(),
            login_type: login.kind.as_str().to_string(),
            grants,
            additional: login
                .additional_roles
                .iter()
                .map(|a| format!("{} @ {}", a.alma_role, a.scope))
                .collect(),
            exceptions: login
                .sod_exceptions
                .iter()
                .map(|e| format!("{} ({}; review by {})", e.rule, e.consultation, e.review_by))
                .collect(),
        }
    }

    /// `Amara Nwosu (student, main)`.
    pub fn person(&self) -> String {
        format!("{} ({}, {})", self.name, self.employment, self.unit)
    }

    /// Each grant in words, e.g. `fulfillment operator-extended: desks MAIN_CIRC`.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.login_type != "custom" {
            out.push(format!("{} login", self.login_type));
        }
        for (role_type, grant) in &self.grants {
            out.push(grant_line(role_type, grant));
        }
        out.extend(
            self.additional
                .iter()
                .map(|a| format!("additional role {a}")),
        );
        out.extend(self.exceptions.iter().map(|e| exception_line(e)));
        out
    }
}

/// `fulfillment operator-extended: desks MAIN_CIRC, NFU_MAIN_RESERVES; until 2027-01-15`.
fn grant_line(role_type: &str, grant: &Grant) -> String {
    let mut line = match &grant.level {
        Some(level) => format!("{role_type} {level}"),
        None => role_type.to_string(),
    };
    let mut parts: Vec<String> = grant
        .limits
        .iter()
        .map(|(what, codes)| format!("{what} {}", codes.join(", ")))
        .collect();
    parts.extend(grant.until.map(|d| format!("until {d}")));
    if !parts.is_empty() {
        line.push_str(": ");
        line.push_str(&parts.join("; "));
    }
    line
}

/// A separation-of-duties exception, marked as the privileged change it is.
fn exception_line(exception: &str) -> String {
    format!(
        "separation-of-duties exception {exception} [privileged: the systems group approves, A3]"
    )
}

/// What `now` changes in the request `before` (the reviewed version), one
/// line each; `None` for `before` means the login is new.
pub fn changes(before: Option<&Requested>, now: &Requested) -> Vec<String> {
    let Some(before) = before else {
        return vec!["new login".to_string()];
    };
    let mut out = Vec::new();
    if before.login_type != now.login_type {
        out.push(format!(
            "login type {} → {}",
            before.login_type, now.login_type
        ));
    }
    for (role_type, grant) in &now.grants {
        match before.grants.get(role_type) {
            None => out.push(format!("+ {}", grant_line(role_type, grant))),
            Some(old) if old == grant => {}
            Some(old) => out.push(grant_change(role_type, old, grant)),
        }
    }
    for (role_type, grant) in &before.grants {
        if !now.grants.contains_key(role_type) {
            out.push(format!("− {}", grant_line(role_type, grant)));
        }
    }
    for a in now
        .additional
        .iter()
        .filter(|a| !before.additional.contains(a))
    {
        out.push(format!("+ additional role {a}"));
    }
    for a in before
        .additional
        .iter()
        .filter(|a| !now.additional.contains(a))
    {
        out.push(format!("− additional role {a}"));
    }
    for e in now
        .exceptions
        .iter()
        .filter(|e| !before.exceptions.contains(e))
    {
        out.push(format!("+ {}", exception_line(e)));
    }
    for e in before
        .exceptions
        .iter()
        .filter(|e| !now.exceptions.contains(e))
    {
        out.push(format!("− separation-of-duties exception {e}"));
    }
    out
}

/// `fulfillment operator-extended: desks + NFU_MAIN_RESERVES`, or a level change.
fn grant_change(role_type: &str, old: &Grant, new: &Grant) -> String {
    let mut line = match (&old.level, &new.level) {
        (Some(a), Some(b)) if a != b => format!("{role_type} {a} → {b}"),
        (_, Some(level)) => format!("{role_type} {level}"),
        _ => role_type.to_string(),
    };
    let kinds: Vec<&String> = {
        let mut k: Vec<&String> = old.limits.keys().chain(new.limits.keys()).collect();
        k.sort();
        k.dedup();
        k
    };
    let mut parts = Vec::new();
    for kind in kinds {
        let none = Vec::new();
        let (a, b) = (
            old.limits.get(kind).unwrap_or(&none),
            new.limits.get(kind).unwrap_or(&none),
        );
        let added: Vec<&str> = b
            .iter()
            .filter(|c| !a.contains(c))
            .map(String::as_str)
            .collect();
        let removed: Vec<&str> = a
            .iter()
            .filter(|c| !b.contains(c))
            .map(String::as_str)
            .collect();
        let mut part = Vec::new();
        if !added.is_empty() {
            part.push(format!("+ {}", added.join(", ")));
        }
        if !removed.is_empty() {
            part.push(format!("− {}", removed.join(", ")));
        }
        if !part.is_empty() {
            parts.push(format!("{kind} {}", part.join(" ")));
        }
    }
    match (old.until, new.until) {
        (a, b) if a == b => {}
        (_, Some(day)) => parts.push(format!("until {day}")),
        (Some(_), None) => parts.push("no end date (until removed)".to_string()),
        (None, None) => {}
    }
    if !parts.is_empty() {
        line.push_str(": ");
        line.push_str(&parts.join("; "));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn requested(level: &str, desks: &[&str]) -> Requested {
        let grant = Grant {
            level: Some(level.into()),
            limits: [(
                "desks".to_string(),
                desks.iter().map(|d| d.to_string()).collect(),
            )]
            .into(),
            until: None,
        };
        Requested {
            name: "Amara Nwosu".into(),
            employment: "student".into(),
            unit: "main".into(),
            login_type: "custom".into(),
            grants: [("fulfillment".to_string(), grant)].into(),
            additional: Vec::new(),
            exceptions: Vec::new(),
        }
    }

    #[test]
    fn a_request_speaks_the_catalogues_words() {
        let r = requested("operator-extended", &["MAIN_CIRC", "NFU_MAIN_RESERVES"]);
        assert_eq!(r.person(), "Amara Nwosu (student, main)");
        assert_eq!(
            r.lines(),
            ["fulfillment operator-extended: desks MAIN_CIRC, NFU_MAIN_RESERVES"]
        );
    }

    #[test]
    fn a_desk_added_is_one_line() {
        let before = requested("operator-extended", &["MAIN_CIRC"]);
        let now = requested("operator-extended", &["MAIN_CIRC", "NFU_MAIN_RESERVES"]);
        assert_eq!(
            changes(Some(&before), &now),
            ["fulfillment operator-extended: desks + NFU_MAIN_RESERVES"]
        );
        let higher = requested("operator-extended-plus", &["MAIN_CIRC"]);
        assert_eq!(
            changes(Some(&before), &higher),
            ["fulfillment operator-extended → operator-extended-plus"]
        );
        assert_eq!(changes(None, &now), ["new login"]);
        assert!(changes(Some(&now), &now).is_empty());
    }

    #[test]
    fn an_end_date_and_an_exception_are_said() {
        let before = requested("operator-extended", &["MAIN_CIRC"]);
        let mut now = before.clone();
        let grant = now.grants.get_mut("fulfillment").unwrap();
        grant.until = NaiveDate::from_ymd_opt(2027, 1, 15);
        now.exceptions
            .push("desk-and-cash (LTS-1; review by 2027-06-30)".into());
        assert_eq!(
            now.lines(),
            [
                "fulfillment operator-extended: desks MAIN_CIRC; until 2027-01-15",
                "separation-of-duties exception desk-and-cash (LTS-1; review by 2027-06-30) [privileged: the systems group approves, A3]"
            ]
        );
        assert_eq!(
            changes(Some(&before), &now),
            [
                "fulfillment operator-extended: until 2027-01-15",
                "+ separation-of-duties exception desk-and-cash (LTS-1; review by 2027-06-30) [privileged: the systems group approves, A3]"
            ]
        );
    }
}
