//! A role as a description writes it (see `description.rs`), on one line:
//! `221 @NFU_MAIN CirculationDesk=NFU_MAIN_CIRC ACTIVE expires 2027-05-15`.
//! Read and written back word for word, and turned into the [`Role`] the
//! emulator stores in Alma's wire form.

use std::fmt;

use chrono::NaiveDate;

use crate::alma::{Role, RoleParameter, RoleStatus};

/// A role as a description writes it, on one line: the role type, `@SCOPE`
/// (none: the institution), parameters `Type=VALUE` (scoped to the role's
/// scope; `Type@SCOPE=VALUE` for another), the status and `expires DATE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldRole {
    pub role_type: String,
    pub scope: Option<String>,
    pub status: RoleStatus,
    pub expiry_date: Option<NaiveDate>,
    /// Type, value and a scope other than the role's.
    pub parameters: Vec<(String, String, Option<String>)>,
}

impl HeldRole {
    /// Reads one line.
    pub fn parse(line: &str) -> Result<HeldRole, String> {
        let mut words = line.split_whitespace();
        let role_type = words
            .next()
            .filter(|w| !w.contains(['@', '=']))
            .ok_or_else(|| format!("role {line:?} does not start with a role type"))?;
        let mut role = HeldRole {
            role_type: role_type.to_owned(),
            scope: None,
            status: RoleStatus::Active,
            expiry_date: None,
            parameters: Vec::new(),
        };
        let mut status = None;
        while let Some(word) = words.next() {
            let bad = || format!("role {line:?}: {word:?} is not understood");
            match word {
                "ACTIVE" => status = Some(RoleStatus::Active),
                "INACTIVE" => status = Some(RoleStatus::Inactive),
                "expires" => {
                    let date = words.next().unwrap_or_default();
                    let parsed = NaiveDate::parse_from_str(date, "%Y-%m-%d")
                        .map_err(|_| format!("role {line:?}: {date:?} is not a date"))?;
                    role.expiry_date = Some(parsed);
                }
                _ if word.starts_with('@') && word.len() > 1 => {
                    role.scope = Some(word[1..].to_owned());
                }
                _ => {
                    let (kind, value) = word.split_once('=').ok_or_else(bad)?;
                    let (kind, scope) = match kind.split_once('@') {
                        Some((kind, scope)) => (kind, Some(scope.to_owned())),
                        None => (kind, None),
                    };
                    if kind.is_empty() || value.is_empty() {
                        return Err(bad());
                    }
                    role.parameters.push((kind.into(), value.into(), scope));
                }
            }
        }
        role.status = status.ok_or_else(|| format!("role {line:?} has no ACTIVE or INACTIVE"))?;
        Ok(role)
    }

    /// The role, its scope and its parameters' scopes resolved.
    pub fn role(&self, institution: &str) -> Role {
        let scope = self.scope.clone().unwrap_or_else(|| institution.to_owned());
        let mut parameters: Vec<RoleParameter> = self
            .parameters
            .iter()
            .map(|(kind, value, own)| RoleParameter {
                kind: kind.clone(),
                value: value.clone(),
                scope: Some(own.clone().unwrap_or_else(|| scope.clone())),
            })
            .collect();
        parameters.sort();
        parameters.dedup();
        Role {
            role_type: self.role_type.clone(),
            scope,
            status: self.status,
            expiry_date: self.expiry_date,
            parameters,
        }
    }
}

impl fmt::Display for HeldRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.role_type)?;
        if let Some(scope) = &self.scope {
            write!(f, " @{scope}")?;
        }
        for (kind, value, scope) in &self.parameters {
            match scope {
                Some(scope) => write!(f, " {kind}@{scope}={value}")?,
                None => write!(f, " {kind}={value}")?,
            }
        }
        write!(f, " {}", self.status.as_alma())?;
        if let Some(date) = self.expiry_date {
            write!(f, " expires {date}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_read_and_write_one_line() {
        for line in [
            "200 ACTIVE",
            "221 @NFU_MAIN CirculationDesk=NFU_MAIN_CIRC ACTIVE expires 2027-05-15",
            "37 @NFU_TS ServiceUnit@NFU_SPEC=NFU_SPEC_PROC INACTIVE",
        ] {
            assert_eq!(HeldRole::parse(line).unwrap().to_string(), line);
        }
        let role = HeldRole::parse("32 @MAIN CirculationDesk=DESK INACTIVE").unwrap();
        let role = role.role("INST");
        assert_eq!(role.scope, "MAIN");
        assert_eq!(role.parameters[0].scope.as_deref(), Some("MAIN"));
        assert_eq!(role.status, RoleStatus::Inactive);
        for bad in [
            "",
            "@MAIN 32 ACTIVE",
            "32 @MAIN",
            "32 ACTIVE expires soon",
            "32 Desk ACTIVE",
        ] {
            assert!(HeldRole::parse(bad).is_err(), "{bad:?}");
        }
    }
}
