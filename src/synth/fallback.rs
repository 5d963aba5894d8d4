//! The Alma the built-in target serves when no API key is set: for the
//! sample institution (its institution code), the sample's committed
//! description; for any other repository, a plain description made from
//! the repository's tables only, as Alma holds an institution's staff
//! before any of their roles were entered: every login's user exists as a
//! STAFF user holding only the Patron role; the libraries, desks and
//! service units are units.yaml's; the role types are the API reference's
//! and the catalogue's codes; and everyone logged in on a share of the
//! working days of the last 90 they were employed (shared desks nearly
//! every day). Nothing is computed from what the login files grant, so the
//! first plan shows every grant as an add, as an institution adopting the
//! tool sees it.

use std::cmp::Reverse;

use chrono::{Datelike, Days, NaiveDate, Weekday};

use crate::alma::RoleStatus;
use crate::emulator::description::{
    Flavour, HeldRole, LibraryDescription, LoginHistory, Moment, Ordered, UserDescription,
};
use crate::emulator::state::REFERENCE_ROLE_TYPES;
use crate::emulator::{Description, State, seed};
use crate::model::{AccessRepo, Employment, Login, LoginKind};

/// The emulator state the built-in target seeds for `environment` of
/// `repo` on `today`.
pub fn built_in(repo: &AccessRepo, environment: &str, today: NaiveDate) -> State {
    let sample = (repo.institution.institution == seed::SAMPLE_INSTITUTION)
        .then(|| seed::sample(environment))
        .flatten();
    let description = sample.unwrap_or_else(|| fallback(repo, environment, today));
    seed::from_description(&description, today)
}

/// The plain description of `environment` of `repo` on `today` (see above).
pub fn fallback(repo: &AccessRepo, environment: &str, today: NaiveDate) -> Description {
    let inst = &repo.institution;
    let config = inst.environments.get(environment);
    let declared = config
        .and_then(|e| e.environment_type.as_deref())
        .unwrap_or(environment);
    let environment_type = if declared.to_ascii_lowercase().contains("prod") {
        "PRODUCTION"
    } else {
        "SANDBOX"
    };
    let patron = HeldRole {
        role_type: seed::PATRON.into(),
        scope: None,
        status: RoleStatus::Active,
        expiry_date: None,
        parameters: Vec::new(),
    };
    let mut users: Vec<UserDescription> = repo
        .logins
        .iter()
        .map(|login| UserDescription {
            primary_id: login.primary_id.clone(),
            name: login.name.clone(),
            record: "STAFF".into(),
            flavour: match (login.login, login.employment) {
                (LoginKind::SharedDesk, _) => Flavour::SharedDesk,
                (_, Employment::Staff) => Flavour::Staff,
                (_, Employment::Student) => Flavour::Student,
                (_, Employment::Temp) => Flavour::Temp,
            },
            department: Some(login.unit.clone()),
            email: login.email.clone(),
            since: login.start_date,
            until: login.end_date,
            manager: Some(login.manager.clone()),
            block: None,
            fees: None,
            drift: None,
            roles: vec![patron.clone()],
        })
        .collect();
    users.sort_by_key(|u| u.primary_id.to_lowercase());
    Description {
        institution: inst.institution.clone(),
        name: inst.name.clone(),
        environment: environment_type.into(),
        day: today,
        api_url: config.map_or_else(
            || "https://api-na.hosted.exlibrisgroup.com".to_owned(),
            |e| e.api_url.clone(),
        ),
        limits: seed::LIMITS,
        libraries: libraries(repo),
        other_scopes: Ordered::default(),
        role_types: role_types(repo),
        departments: Ordered(
            repo.units
                .0
                .iter()
                .map(|(id, unit)| (id.clone(), unit.name.clone()))
                .collect(),
        ),
        users,
        staff_logins: Ordered(
            repo.logins
                .iter()
                .map(|login| (login.primary_id.clone(), logins(login, today)))
                .collect(),
        ),
    }
}

/// The days of the 90 before `today` a login's user logged in: a share of
/// the working days (every day at a shared desk) from its start date to its
/// end date, the share and the days from a hash of the id.
fn logins(login: &Login, today: NaiveDate) -> LoginHistory {
    let id = login.primary_id.as_str();
    let desk = login.login == LoginKind::SharedDesk;
    let rate = if desk {
        90
    } else {
        25 + seed::fnv(&["rate", id]) % 40
    };
    let employed = |day: NaiveDate| {
        login.start_date.is_none_or(|s| s <= day) && login.end_date.is_none_or(|e| day <= e)
    };
    let logins = (1..=90)
        .rev()
        .map(|k| today - Days::new(k))
        .filter(|day| desk || !matches!(day.weekday(), Weekday::Sat | Weekday::Sun))
        .filter(|day| employed(*day))
        .filter(|day| seed::fnv(&["login", id, &day.to_string()]) % 100 < rate)
        .map(|day| Moment { day, time: None })
        .collect();
    LoginHistory {
        logins,
        failed: Vec::new(),
    }
}

/// One library per `alma_library` (named after its unit with the most
/// codes), with the units' desks and departments and work order
/// departments as service units, in library code order; PO line owners no
/// unit has as its library are libraries too, named from their codes.
fn libraries(repo: &AccessRepo) -> Ordered<LibraryDescription> {
    let mut units: Vec<_> = repo.units.0.iter().collect();
    units.sort_by_key(|(id, u)| {
        let codes = u.circulation_desks.len()
            + u.departments.len()
            + u.work_order_departments.len()
            + u.po_line_owners.len();
        (Reverse(codes), *id)
    });
    let mut libs: Vec<(String, LibraryDescription)> = Vec::new();
    fn library<'a>(
        libs: &'a mut Vec<(String, LibraryDescription)>,
        code: &str,
        name: Option<&str>,
    ) -> &'a mut LibraryDescription {
        let at = match libs.iter().position(|(c, _)| c == code) {
            Some(at) => at,
            None => {
                let name = name.map_or_else(|| library_name(code), str::to_owned);
                libs.push((
                    code.to_owned(),
                    LibraryDescription {
                        name,
                        circulation_desks: Ordered::default(),
                        service_units: Ordered::default(),
                    },
                ));
                libs.len() - 1
            }
        };
        &mut libs[at].1
    }
    for (_, unit) in &units {
        let code = unit.alma_library.as_str();
        let lib = library(&mut libs, code, Some(&unit.name));
        for desk in &unit.circulation_desks {
            if lib.circulation_desks.get(desk).is_none() {
                let name = desk_name(desk, code, &lib.name);
                lib.circulation_desks.0.push((desk.clone(), name));
            }
        }
        for su in unit.departments.iter().chain(&unit.work_order_departments) {
            if lib.service_units.get(su).is_none() {
                lib.service_units.0.push((su.clone(), words(su, code)));
            }
        }
    }
    for (_, unit) in &units {
        for owner in &unit.po_line_owners {
            library(&mut libs, owner, None);
        }
    }
    libs.sort_by(|a, b| a.0.cmp(&b.0));
    Ordered(libs)
}

/// The reference role types, then the catalogue's codes the reference
/// lacks (named from the catalogue's `name` fields), shortest code first.
fn role_types(repo: &AccessRepo) -> Ordered<String> {
    let mut rows: Vec<(String, String)> = REFERENCE_ROLE_TYPES
        .iter()
        .map(|(code, description)| ((*code).to_owned(), (*description).to_owned()))
        .collect();
    let types = &repo.catalog.login_types;
    let bundles = [
        &types.view,
        &types.view_analytics,
        &types.systems,
        &types.custom,
    ];
    let levels = repo
        .catalog
        .role_types
        .values()
        .flat_map(|t| t.all_levels());
    let grants = bundles
        .iter()
        .flat_map(|b| &b.grants)
        .chain(levels.flat_map(|(_, level)| &level.grants));
    let mut extra: Vec<(String, String)> = Vec::new();
    for grant in grants {
        let code = &grant.alma_role;
        if rows.iter().chain(&extra).all(|(c, _)| c != code) {
            let name = grant
                .name
                .clone()
                .unwrap_or_else(|| format!("Role type {code}"));
            extra.push((code.clone(), name));
        }
    }
    extra.sort_by(|a, b| (a.0.len(), &a.0).cmp(&(b.0.len(), &b.0)));
    rows.extend(extra);
    Ordered(rows)
}

/// Readable words for a code: `NFU_TS_ACQ` in `NFU_TS` gives `Acquisitions`.
fn words(code: &str, library: &str) -> String {
    let rest = code
        .strip_prefix(library)
        .and_then(|r| r.strip_prefix('_'))
        .or_else(|| code.split_once('_').map(|(_, r)| r))
        .unwrap_or(code);
    rest.split(['_', '-'])
        .filter(|w| !w.is_empty())
        .map(|w| match w.to_ascii_uppercase().as_str() {
            "CIRC" => "Circulation".to_owned(),
            "ACQ" => "Acquisitions".to_owned(),
            "CAT" => "Cataloging".to_owned(),
            "PROC" => "Processing".to_owned(),
            "TS" => "Technical Services".to_owned(),
            "RS" => "Resource Sharing".to_owned(),
            "SCI" => "Science".to_owned(),
            "SPEC" => "Special Collections".to_owned(),
            "LATE" => "Late-Night".to_owned(),
            "READING" => "Reading Room".to_owned(),
            _ => {
                let lower = w.to_lowercase();
                let mut chars = lower.chars();
                chars
                    .next()
                    .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A desk's name: `NFU_MAIN_RESERVES` of the Main Library gives
/// `Main Library Reserves Desk`.
fn desk_name(code: &str, library: &str, library_name: &str) -> String {
    let name = words(code, library);
    if name.is_empty() || name == "Desk" {
        format!("{library_name} Desk")
    } else if name.ends_with("Desk") || name.ends_with("Room") {
        format!("{library_name} {name}")
    } else {
        format!("{library_name} {name} Desk")
    }
}

/// A library known only by its code (a PO line owner): `NFU_LAW` gives `Law Library`.
fn library_name(code: &str) -> String {
    format!("{} Library", words(code, ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_as_words() {
        assert_eq!(words("NFU_TS_ACQ", "NFU_TS"), "Acquisitions");
        assert_eq!(
            desk_name("NFU_MAIN_RESERVES", "NFU_MAIN", "Main Library"),
            "Main Library Reserves Desk"
        );
        assert_eq!(
            desk_name("NFU_SPEC_READING", "NFU_SPEC", "Special"),
            "Special Reading Room"
        );
        assert_eq!(library_name("NFU_LAW"), "Law Library");
    }
}
