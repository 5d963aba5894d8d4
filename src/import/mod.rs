//! `import`: the way into alma-access for an institution that already has
//! staff logins. Reads the STAFF users of one Alma environment and writes
//! one login file per user that the catalogue explains, so the first
//! repository describes Alma as it is and the first plan changes nothing
//! the files could say otherwise.
//!
//! [`fetch`] lists the users (brief records carry no roles) and reads each
//! one; [`describe`] turns one user into a login, purely: the unit whose
//! library, desks, departments and PO line owners the roles point at
//! ([`fit`]), the largest levels the roles contain, the rest as
//! `additional_roles` with `consultation: imported`, status and expiry
//! turned into `suspended` and `end_date`, duties held together that a
//! separation-of-duties rule keeps apart written with a placeholder
//! exception (`apart`), the person's fields read from the record
//! ([`person`]), and the file text ([`write`]). Each login is
//! compiled and diffed with the reconciler's own functions, so the notes
//! say exactly what a plan would still change (duplicates Alma holds, a
//! single inactive role, roles expiring on different days: things a login
//! file cannot say).
//!
//! Alma knows no manager, liaison or training dates: `manager` is the
//! placeholder [`MANAGER_PLACEHOLDER`] (a warning per file: it must be
//! replaced before the pull request, since rule A1 asks the manager to
//! approve), `liaison` the unit's first liaison, and training is written
//! (as today) only when asked to assume it: without `--assume-trained` the
//! imported roles stay inactive until training is recorded (R4), so the
//! round trip (import, then plan shows nothing the files could say) is
//! tested with it.

pub mod adopt;
mod apart;
pub mod fetch;
pub mod fit;
pub mod person;
pub mod status;
pub mod unit;
pub mod write;

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::NaiveDate;

use crate::alma::{Role, wire};
use crate::model::grants::AlmaGrant;
use crate::model::{AccessRepo, Employment, Login, LoginType, Unit};
use crate::reconcile::{self, Change};

pub use fetch::{Fetched, fetch};
use fit::{Fit, Held};

pub use crate::model::login::MANAGER_PLACEHOLDER;
/// The consultation reference written where the format needs one.
pub const CONSULTATION_IMPORTED: &str = "imported";
/// The note of the `suspended` block of a user whose roles are all inactive.
pub const SUSPENDED_NOTE: &str = "imported inactive";

/// Something the import of one user wants a person to know.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Note {
    pub warning: bool,
    pub text: String,
}

impl Note {
    pub fn warn(text: impl Into<String>) -> Note {
        Note {
            warning: true,
            text: text.into(),
        }
    }

    pub fn info(text: impl Into<String>) -> Note {
        Note {
            warning: false,
            text: text.into(),
        }
    }
}

/// What to import.
#[derive(Clone, Debug)]
pub struct Options {
    /// The environment read (its name in institution.yaml).
    pub environment: String,
    pub today: NaiveDate,
    /// Only users whose roles place them in this unit (preferred on ties).
    pub unit: Option<String>,
    /// Write today's date for every required training.
    pub assume_trained: bool,
}

/// One user turned into a login file.
#[derive(Clone, Debug)]
pub struct Imported {
    pub primary_id: String,
    pub unit: String,
    /// Relative to the access folder: `logins/<unit>/<primary_id>.yaml`.
    pub path: PathBuf,
    pub text: String,
    /// One line: the login type, role types and levels.
    pub summary: String,
    pub notes: Vec<Note>,
    /// What a plan would still change for this user after the import.
    pub plan: Vec<Change>,
}

/// A user not imported, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub primary_id: String,
    pub reason: SkipReason,
}

/// Why a user was not imported.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SkipReason {
    #[error("not a staff user (record type is not STAFF)")]
    NotStaff,
    #[error("the primary id cannot name a login file (letters and digits joined by . _ @ -)")]
    UnusableId,
    #[error("a protected user (safety.protected_users): managed by hand")]
    Protected,
    #[error("unreadable roles: {0}")]
    UnreadableRoles(String),
    #[error(
        "holds no managed roles (only preserved roles such as Patron, or none): a login needs roles (V3)"
    )]
    NoManagedRoles,
    #[error("units.yaml has no units")]
    NoUnits,
    #[error("belongs to unit `{0}`")]
    OtherUnit(String),
    #[error("no such user in Alma")]
    NoSuchUser,
    #[error("could not be read: {0}")]
    ReadFailed(String),
}

fn skip(user: &wire::User, reason: SkipReason) -> Skipped {
    Skipped {
        primary_id: user.primary_id.clone(),
        reason,
    }
}

/// Whether a primary id can name a login file (the schema's pattern).
fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 100
        && id
            .split(['.', '_', '@', '-'])
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// Turns one full Alma user (with roles) into a login file.
pub fn describe(
    repo: &AccessRepo,
    user: &wire::User,
    options: &Options,
) -> Result<Imported, Skipped> {
    let id = user.primary_id.as_str();
    let inst = &repo.institution;
    if !person::record_type(user).is_some_and(|t| t.eq_ignore_ascii_case(person::STAFF)) {
        return Err(skip(user, SkipReason::NotStaff));
    }
    if !valid_id(id) {
        return Err(skip(user, SkipReason::UnusableId));
    }
    if inst
        .safety
        .protected_users
        .iter()
        .any(|p| p.eq_ignore_ascii_case(id))
    {
        return Err(skip(user, SkipReason::Protected));
    }
    let all = reconcile::roles_of(user)
        .map_err(|e| skip(user, SkipReason::UnreadableRoles(e.to_string())))?;
    let managed: Vec<Role> = all
        .iter()
        .filter(|r| !inst.preserve_roles.contains(&r.role_type))
        .cloned()
        .collect();
    if managed.is_empty() {
        return Err(skip(user, SkipReason::NoManagedRoles));
    }
    let held = Held::of(managed.iter().map(|r| {
        AlmaGrant {
            role_type: r.role_type.clone(),
            scope: r.scope.clone(),
            parameters: r
                .parameters
                .iter()
                .map(|p| (p.kind.clone(), p.value.clone()))
                .collect(),
        }
    }));
    let (unit_id, fit, mut notes) = unit::choose_unit(repo, user, &held, options.unit.as_deref())
        .ok_or_else(|| skip(user, SkipReason::NoUnits))?;
    if options.unit.as_deref().is_some_and(|u| u != unit_id) {
        return Err(skip(user, SkipReason::OtherUnit(unit_id)));
    }
    let unit = &repo.units.0[&unit_id];
    let mut login = probe(repo, unit, &fit);
    login.primary_id = id.to_string();
    login.file = format!("logins/{unit_id}/{id}.yaml");
    login.name = person::name(user);
    login.email = person::email(user);
    login.unit = unit_id.clone();
    login.employment = person::employment(user);
    login.manager = MANAGER_PLACEHOLDER.to_string();
    if login.kind == LoginType::Systems {
        login.consultation = Some(CONSULTATION_IMPORTED.to_string());
    }
    let write_envs = if inst.default_environments.contains(&options.environment) {
        None
    } else {
        login.environments = vec![options.environment.clone()];
        Some(login.environments.clone())
    };
    if options.assume_trained {
        for t in &inst.required_training {
            login.training.insert(t.clone(), options.today);
        }
    }
    notes.extend(fit.notes.iter().cloned());
    apart::held_apart(repo, &mut login, options.today, &mut notes);
    status::lifecycle(&mut login, &managed, options.today, &mut notes);
    notes.push(Note::warn(format!(
        "`manager` is the placeholder `{MANAGER_PLACEHOLDER}`: set the manager's GitHub handle before the pull request (Alma does not know it)"
    )));
    for extra in &login.additional_roles {
        notes.push(Note::warn(format!(
            "role {} at {}{} fits no catalogue level: written under additional_roles with consultation: {CONSULTATION_IMPORTED}",
            role_label(repo, user, &extra.alma_role),
            extra.scope,
            if extra.parameters.is_empty() {
                String::new()
            } else {
                let values: Vec<&str> = extra.parameters.iter().map(|p| p.value.as_str()).collect();
                format!(" ({})", values.join(", "))
            }
        )));
    }
    let plan = status::predict(repo, &login, &all, options);
    notes.extend(status::plan_notes(&plan));
    let role_name = |code: &str| role_name(repo, code).or_else(|| alma_name(user, code));
    let text = write::login_yaml(
        &login,
        &write::Header {
            environment: &options.environment,
            today: options.today,
            manager_placeholder: true,
            environments: write_envs.as_deref(),
            role_name: &role_name,
        },
    );
    Ok(Imported {
        primary_id: id.to_string(),
        unit: unit_id.clone(),
        path: PathBuf::from("logins")
            .join(&unit_id)
            .join(format!("{id}.yaml")),
        text,
        summary: summary(&login),
        notes,
        plan,
    })
}

fn role_name(repo: &AccessRepo, code: &str) -> Option<String> {
    let catalog = &repo.catalog;
    let bundles = [
        &catalog.login_types.view,
        &catalog.login_types.view_analytics,
        &catalog.login_types.systems,
        &catalog.login_types.custom,
    ];
    bundles
        .into_iter()
        .flat_map(|b| b.grants.iter())
        .chain(catalog.role_types.values().flat_map(|rt| {
            rt.all_levels()
                .into_iter()
                .flat_map(|(_, level)| level.grants.iter())
        }))
        .find(|g| g.alma_role == code)
        .and_then(|g| g.name.clone())
}

/// A throwaway login carrying a fit, to expand with the crate's own rules.
pub fn probe(repo: &AccessRepo, unit: &Unit, fit: &Fit) -> Login {
    Login {
        file: String::new(),
        primary_id: String::new(),
        name: String::new(),
        email: None,
        unit: String::new(),
        github: None,
        employment: Employment::Staff,
        login: fit.login,
        kind: fit.kind,
        manager: String::new(),
        liaison: unit.liaisons.first().cloned().unwrap_or_default(),
        environments: repo.institution.default_environments.clone(),
        profile: None,
        roles: fit
            .roles
            .iter()
            .map(|(k, g)| (k.clone(), Box::new(g.clone())))
            .collect(),
        work_order_departments: fit.work_order_departments.clone(),
        additional_roles: fit.additional_roles.clone(),
        training: BTreeMap::new(),
        start_date: None,
        end_date: None,
        leave: None,
        suspended: None,
        review_by: None,
        business_need: None,
        consultation: None,
        sod_exceptions: Vec::new(),
        notes: None,
    }
}

/// The description Alma gives the role type on the user's own roles.
fn alma_name(user: &wire::User, code: &str) -> Option<String> {
    user.user_role
        .iter()
        .flatten()
        .filter_map(|r| r.fields().ok())
        .find(|r| r.role_type.value == code)
        .and_then(|r| r.role_type.desc)
        .filter(|d| !d.trim().is_empty())
}

fn role_label(repo: &AccessRepo, user: &wire::User, code: &str) -> String {
    match role_name(repo, code).or_else(|| alma_name(user, code)) {
        Some(name) => format!("{code} ({name})"),
        None => code.to_string(),
    }
}

fn summary(login: &Login) -> String {
    let mut parts = vec![login.kind.as_str().to_string()];
    if login.login != crate::model::LoginKind::Personal {
        parts[0] = format!("{} {}", login.login.as_str(), parts[0]);
    }
    let roles: Vec<String> = login
        .roles
        .iter()
        .map(|(name, g)| match &g.level {
            Some(level) => format!("{name} {level}"),
            None => name.clone(),
        })
        .collect();
    if !roles.is_empty() {
        parts.push(roles.join(", "));
    }
    if !login.work_order_departments.is_empty() {
        parts.push(format!(
            "work orders {}",
            login.work_order_departments.join(", ")
        ));
    }
    if !login.additional_roles.is_empty() {
        parts.push(format!(
            "{} additional role(s)",
            login.additional_roles.len()
        ));
    }
    if login.suspended.is_some() {
        parts.push("suspended".into());
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests;
