//! What needs the central systems group (rule A3), as pure functions: which
//! paths are policy (the tables, profiles, schemas, workflows, and anything
//! outside the access folder, which is the tool that decides what reaches
//! Alma), and which logins are sensitive (systems logins, role types or
//! levels that need a consultation, systems approval or a batch attestation,
//! `additional_roles`), and which changes of a login are (a separation-of-duties
//! exception added or changed). When a login cannot be judged (an unknown role type,
//! a missing profile) it is treated as sensitive: the check fails closed.

use crate::load::FileKind;
use crate::model::duties::RawSodException;
use crate::model::login::{RawLogin, RawRoleRequest};
use crate::model::{Catalog, LoginType};

use super::input::Tables;

/// What a path in the repository is, for review.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathKind {
    /// `<access>/logins/<unit>/<stem>.yaml`
    Login { unit: String },
    /// A file of the access folder that is not a login (tables, profiles).
    Policy(&'static str),
    /// `schemas/`
    Schema,
    /// `.github/`
    Workflow,
    /// A file under the access folder that is not part of its layout.
    Stray,
    /// Anything else: the tool, its build, its documentation.
    Other,
}

impl PathKind {
    /// Classifies a repository path; `prefix` is the access folder with a trailing `/` (or empty).
    pub fn of(path: &str, prefix: &str) -> PathKind {
        if let Some(rel) = path.strip_prefix(prefix) {
            match FileKind::classify(rel) {
                Some(FileKind::Login { folder, .. }) => return PathKind::Login { unit: folder },
                Some(FileKind::Institution) => return PathKind::Policy("institution.yaml"),
                Some(FileKind::Catalog) => return PathKind::Policy("catalog.yaml"),
                Some(FileKind::Units) => return PathKind::Policy("units.yaml"),
                Some(FileKind::Profile { .. }) => return PathKind::Policy("a profile"),
                None if !prefix.is_empty() => return PathKind::Stray,
                None => {}
            }
        }
        if path.starts_with("schemas/") {
            PathKind::Schema
        } else if path.starts_with(".github/") {
            PathKind::Workflow
        } else {
            PathKind::Other
        }
    }

    /// Why a change to this path needs the systems group, when it does.
    pub fn systems_reason(&self) -> Option<String> {
        match self {
            PathKind::Login { .. } => None,
            PathKind::Policy(what) => Some(format!("{what} changes (A3)")),
            PathKind::Schema => Some("a schema changes (A3)".to_string()),
            PathKind::Workflow => Some("a workflow or review setting changes (A3)".to_string()),
            PathKind::Stray => {
                Some("a file in the access folder that is not part of its layout".to_string())
            }
            PathKind::Other => {
                Some("outside the access folder: the tool and its configuration".to_string())
            }
        }
    }
}

/// Why a login version needs the systems group (A3); empty when it does not.
/// Role types and levels are judged by the base and the head catalogue: sensitive
/// in either is sensitive.
pub fn login_reasons(login: &RawLogin, base: &Tables, head: &Tables) -> Vec<String> {
    let mut reasons = Vec::new();
    let profile = login
        .profile
        .as_ref()
        .map(|name| (name, head.profiles.get(name).or(base.profiles.get(name))));
    let kind = login
        .kind
        .or_else(|| profile.and_then(|(_, p)| p.and_then(|p| p.kind)));
    if kind == Some(LoginType::Systems) {
        reasons.push("a systems login".to_string());
    }
    if !login.additional_roles.is_empty() {
        reasons.push("additional_roles".to_string());
    }
    let catalogs: Vec<&Catalog> = [head.catalog.get(), base.catalog.get()]
        .into_iter()
        .flatten()
        .collect();
    let mut requests: Vec<(&String, &RawRoleRequest, bool)> =
        login.roles.iter().map(|(k, v)| (k, v, false)).collect();
    match profile {
        Some((name, None)) => reasons.push(format!(
            "its profile `{name}` cannot be read, so its roles cannot be judged"
        )),
        Some((_, Some(p))) => requests.extend(
            p.roles
                .iter()
                .filter(|(k, _)| !login.roles.contains_key(*k))
                .map(|(k, v)| (k, v, true)),
        ),
        None => {}
    }
    for (role_type, request, from_profile) in requests {
        let level = request.level.as_deref();
        let label = match level {
            Some(level) => format!("{role_type} {level}"),
            None => role_type.clone(),
        };
        let via = if from_profile {
            " (from its profile)"
        } else {
            ""
        };
        let mut known = false;
        let mut sensitive = Vec::new();
        for catalog in &catalogs {
            let Some(rt) = catalog.role_types.get(role_type) else {
                continue;
            };
            let Some(lvl) = rt.level(level) else { continue };
            known = true;
            sensitive.extend(rt.sensitive(lvl));
        }
        sensitive.sort_unstable();
        sensitive.dedup();
        let mut why: Vec<&str> = sensitive.iter().map(|s| s.short()).collect();
        why.sort_unstable();
        if !known {
            reasons.push(format!(
                "{label}{via} is not in the catalogue, so it cannot be judged"
            ));
        } else if !why.is_empty() {
            reasons.push(format!("{label}{via}: {}", why.join(", ")));
        }
    }
    reasons
}

/// Why a change to a login's separation-of-duties exceptions needs the
/// systems group (A3): each exception the head adds or changes. Removing
/// one needs nothing more: the conflict it covered must go with it.
pub fn exception_reasons(base: Option<&RawLogin>, head: Option<&RawLogin>) -> Vec<String> {
    let before: &[RawSodException] = base.map_or(&[], |l| &l.sod_exceptions);
    head.map_or(&[][..], |l| &l.sod_exceptions)
        .iter()
        .filter(|e| !before.contains(e))
        .map(|e| {
            let how = if before.iter().any(|b| b.rule == e.rule) {
                "changed"
            } else {
                "added"
            };
            format!("separation-of-duties exception `{}` {how}", e.rule)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_classified_from_the_access_prefix() {
        let p = "access/";
        assert_eq!(
            PathKind::of("access/logins/main/1.yaml", p),
            PathKind::Login {
                unit: "main".into()
            }
        );
        assert_eq!(
            PathKind::of("access/units.yaml", p),
            PathKind::Policy("units.yaml")
        );
        assert_eq!(
            PathKind::of("access/profiles/x.yaml", p),
            PathKind::Policy("a profile")
        );
        assert_eq!(PathKind::of("access/notes.txt", p), PathKind::Stray);
        assert_eq!(
            PathKind::of("schemas/login.schema.json", p),
            PathKind::Schema
        );
        assert_eq!(
            PathKind::of(".github/workflows/ci.yml", p),
            PathKind::Workflow
        );
        assert_eq!(PathKind::of("src/main.rs", p), PathKind::Other);
        assert_eq!(
            PathKind::of("logins/main/1.yaml", ""),
            PathKind::Login {
                unit: "main".into()
            }
        );
        assert!(
            PathKind::of("README.md", p)
                .systems_reason()
                .unwrap()
                .contains("outside")
        );
    }
}
