//! The records of the seed (see `seed.rs`): the libraries, with the desks
//! and service units the repository names, and the role-type code table;
//! rich staff users in Alma's JSON shape for the logins (names, contacts with
//! the login's email, identifiers, notes, statistics, a block on one or two,
//! booleans as strings where Alma sends them so); a few patrons without a
//! login file. Deterministic: variations come from [`fnv`] of the primary id.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Days, Months, NaiveDate};
use serde_json::{Value, json};

use crate::alma::Role;
use crate::alma::wire::{User, UserRole};
use crate::model::{AccessRepo, Employment, Login, LoginKind};

use crate::emulator::state::{CodeEntry, LibraryEntry, NamedEntry, REFERENCE_ROLE_TYPES};

/// 64-bit FNV-1a over the parts, each followed by a 0xff separator.
pub(super) fn fnv(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain([0xff]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}

/// What a staff record carries beyond the common fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Flavour {
    Plain,
    /// An active block (overdue items).
    ActiveBlock,
    /// An old, inactive block (lost card).
    OldBlock,
}

/// What every record needs: the repository, the API base for links, the day.
pub(super) struct Context<'a> {
    repo: &'a AccessRepo,
    api_base: String,
    today: NaiveDate,
}

impl<'a> Context<'a> {
    pub(super) fn new(repo: &'a AccessRepo, environment: &str, today: NaiveDate) -> Self {
        let api = repo
            .institution
            .environments
            .get(environment)
            .map_or("https://api-na.hosted.exlibrisgroup.com", |e| {
                e.api_url.as_str()
            });
        Context {
            repo,
            api_base: format!("{}/almaws/v1", api.trim_end_matches('/')),
            today,
        }
    }

    fn link(&self, id: &str, tail: &str) -> String {
        format!("{}/users/{id}{tail}", self.api_base)
    }
}

fn date(day: NaiveDate) -> String {
    format!("{}Z", day.format("%Y-%m-%d"))
}

fn code(value: &str, desc: &str) -> Value {
    json!({"value": value, "desc": desc})
}

/// A staff user for a login, holding `roles`.
pub(super) fn staff(ctx: &Context, login: &Login, roles: Vec<UserRole>, flavour: Flavour) -> User {
    let id = login.primary_id.as_str();
    let h = fnv(&["user", id]);
    let unit = ctx.repo.units.get(&login.unit);
    let unit_name = unit.map_or(login.unit.as_str(), |u| u.name.as_str());
    let shared = login.login == LoginKind::SharedDesk;
    // Without a start date: hired up to three years ago (students) or ten.
    let years = if login.employment == Employment::Staff {
        10
    } else {
        3
    };
    let since = login
        .start_date
        .unwrap_or_else(|| ctx.today - Days::new(120 + h % (365 * years - 120)));
    let far = NaiveDate::from_ymd_opt(ctx.today.year() + 5, 8, 31).unwrap_or(ctx.today);
    let expiry = login.end_date.unwrap_or(far);
    let (first, last) = match login.name.rsplit_once(' ') {
        Some((first, last)) if !shared => (first, last),
        _ => ("", login.name.as_str()),
    };
    let (group, group_desc) = match (shared, login.employment) {
        (true, _) => ("SHARED", "Shared Desk Account"),
        (false, Employment::Staff) => ("STAFF", "Library Staff"),
        (false, Employment::Student) => ("STUDENT_WORKER", "Student Worker"),
        (false, Employment::Temp) => ("TEMP", "Temporary Staff"),
    };
    let emails: Vec<Value> = login.email.iter().map(|e| {
        json!({"email_address": e, "description": "", "preferred": true, "segment_type": "Internal",
               "email_type": [code("work", "Work")]})
    }).collect();
    let phones: Vec<Value> = (h % 3 != 0).then(|| {
        json!({"phone_number": format!("+1 507 555 {:04}", h % 10_000), "preferred": "true",
               "preferred_sms": "false", "segment_type": "Internal", "phone_type": [code("office", "Office")]})
    }).into_iter().collect();
    let mut identifiers = vec![json!({
        "id_type": code("BARCODE", "Barcode"), "value": format!("31{:012}", h % 1_000_000_000_000),
        "note": "", "status": "ACTIVE", "segment_type": "Internal"
    })];
    if !shared {
        identifiers.insert(
            0,
            json!({"id_type": code("UNIV_ID", "University ID"), "value": id,
                                     "note": "", "status": "ACTIVE", "segment_type": "External"}),
        );
    }
    let note_text = if shared {
        format!(
            "Shared terminal login for {unit_name}; the password is kept by the desk supervisor."
        )
    } else {
        format!(
            "Alma login request form received {}; roles entered at the request of {} (ticket LIB-{}).",
            since.format("%Y-%m-%d"),
            login.manager,
            1000 + h % 9000
        )
    };
    let notes = vec![json!({
        "note_type": code("OTHER", "Other"), "note_text": note_text, "user_viewable": "false",
        "popup_note": false, "created_by": "lts-admin", "created_date": format!("{}T14:05:12Z", since.format("%Y-%m-%d")),
        "segment_type": "Internal"
    })];
    let blocks: Vec<Value> = match flavour {
        Flavour::Plain => vec![],
        Flavour::ActiveBlock => vec![json!({
            "block_type": code("GENERAL", "General"), "block_description": code("OVERDUE", "Overdue items"),
            "block_status": "ACTIVE", "block_note": "Two items more than 30 days overdue", "created_by": "System",
            "created_date": format!("{}T02:00:00Z", (ctx.today - Days::new(9)).format("%Y-%m-%d")),
            "segment_type": "Internal"
        })],
        Flavour::OldBlock => vec![json!({
            "block_type": code("GENERAL", "General"), "block_description": code("LOST_CARD", "Lost card"),
            "block_status": "INACTIVE", "block_note": "", "created_by": "circ-desk",
            "created_date": format!("{}T10:31:00Z", (since + Days::new(40)).format("%Y-%m-%d")),
            "segment_type": "Internal"
        })],
    };
    let mut statistics = vec![json!({
        "statistic_category": code(&login.unit.to_uppercase().replace('-', "_"), unit_name),
        "category_type": code("DEPT", "Department"), "statistic_note": "", "segment_type": "Internal"
    })];
    if !shared {
        statistics.push(json!({
            "statistic_category": code(&login.employment.as_str().to_uppercase(), group_desc),
            "category_type": code("EMPLOYMENT", "Employment"), "statistic_note": "", "segment_type": "External"
        }));
    }
    let contact = json!({
        "address": [{
            "line1": unit_name, "line2": format!("Room {}", 100 + h % 350), "line3": "",
            "city": "Northfield", "state_province": "MN", "postal_code": "55057",
            "country": code("USA", "United States"), "address_note": "", "start_date": date(since),
            "preferred": "true", "segment_type": "Internal", "address_type": [code("work", "Work")]
        }],
        "email": emails, "phone": phones
    });
    let mut value = json!({
        "record_type": code("STAFF", "Staff"), "primary_id": id,
        "first_name": first, "middle_name": "", "last_name": last, "full_name": login.name,
        "pin_number": "", "job_category": code(group, group_desc), "job_description": unit_name,
        "gender": code("NONE", "None"), "user_group": code(group, group_desc),
        "campus_code": code("NORTHFIELD", "Northfield Campus"), "web_site_url": "",
        "cataloger_level": code("00", "[00] Default Level"), "preferred_language": code("en", "English"),
        "expiry_date": date(expiry),
        "account_type": code("INTERNAL", "Internal"), "external_id": "", "password": "",
        "force_password_change": if h % 4 == 0 { "true" } else { "false" },
        "status": code("ACTIVE", "Active"), "status_date": date(since),
        "requests": null,
        "loans": {"value": if shared { 0 } else { h % 4 }, "link": ctx.link(id, "/loans")},
        "fees": {"value": if flavour == Flavour::ActiveBlock { 4.5 } else { 0.0 }, "link": ctx.link(id, "/fees")},
        "is_researcher": "false",
        "contact_info": contact,
    });
    let more = json!({
        "pref_first_name": "", "pref_middle_name": "", "pref_last_name": "", "pref_name_suffix": "",
        "user_identifier": identifiers, "user_note": notes, "user_block": blocks,
        "user_statistic": statistics, "proxy_for_user": [], "rs_library": [],
        "library_notice": [{"code": code("EMAIL_ACTIVITY", "Email activity report"), "value": "false",
                            "segment_type": "Internal"}],
        "link": ctx.link(id, "")
    });
    if let (Some(map), Value::Object(more)) = (value.as_object_mut(), more) {
        if let Some(end) = login.end_date {
            let purge = end.checked_add_months(Months::new(12)).unwrap_or(end);
            map.insert("purge_date".into(), date(purge).into());
        }
        map.extend(more);
    }
    into_user(value, roles)
}

/// A few patrons with no login file: record type PUBLIC, `patron_roles` only.
pub(super) fn patrons(
    ctx: &Context,
    taken: &BTreeSet<String>,
    patron_roles: &[UserRole],
) -> Vec<User> {
    const PEOPLE: [(&str, &str, &str, &str); 4] = [
        ("Olivia", "Brandvold", "UNDERGRAD", "Undergraduate"),
        ("Marcus", "Teague", "GRAD", "Graduate Student"),
        ("Ingrid", "Solheim", "FACULTY", "Faculty"),
        ("Rafael", "Quintero", "ALUMNI", "Alumni"),
    ];
    let institution = ctx.repo.institution.institution.as_str();
    let mut users = Vec::new();
    for (i, (first, last, group, group_desc)) in PEOPLE.into_iter().enumerate() {
        let id = (0..)
            .map(|n: u32| {
                let h = fnv(&["patron", institution, &i.to_string(), &n.to_string()]);
                format!("2{:07}", h % 10_000_000)
            })
            .find(|id| !taken.contains(&id.to_lowercase()))
            .unwrap_or_default();
        let h = fnv(&["user", &id]);
        let since = ctx.today - Days::new(300 + h % 1500);
        let expiry = NaiveDate::from_ymd_opt(ctx.today.year() + 1 + (h % 3) as i32, 6, 30)
            .unwrap_or(ctx.today);
        let email = format!(
            "{}.{}@example.edu",
            first.to_lowercase(),
            last.to_lowercase()
        );
        let value = json!({
            "record_type": code("PUBLIC", "Public"), "primary_id": id,
            "first_name": first, "middle_name": "", "last_name": last, "full_name": format!("{first} {last}"),
            "pin_number": "", "user_group": code(group, group_desc), "campus_code": code("NORTHFIELD", "Northfield Campus"),
            "preferred_language": code("en", "English"), "expiry_date": date(expiry),
            "purge_date": date(expiry.checked_add_months(Months::new(24)).unwrap_or(expiry)),
            "account_type": code("EXTERNAL", "External"), "external_id": "SIS", "password": "",
            "force_password_change": "false", "status": code("ACTIVE", "Active"), "status_date": date(since),
            "requests": null, "loans": {"value": h % 6, "link": ctx.link(&id, "/loans")},
            "fees": {"value": if i == 0 { 2.5 } else { 0.0 }, "link": ctx.link(&id, "/fees")},
            "is_researcher": if group == "FACULTY" { "true" } else { "false" },
            "contact_info": {
                "address": [{"line1": format!("{} Division Street", 100 + h % 800), "city": "Northfield",
                             "state_province": "MN", "postal_code": "55057", "country": code("USA", "United States"),
                             "preferred": true, "segment_type": "External", "address_type": [code("home", "Home")]}],
                "email": [{"email_address": email, "preferred": "true", "segment_type": "External",
                           "email_type": [code("personal", "Personal")]}],
                "phone": []
            },
            "user_identifier": [
                {"id_type": code("UNIV_ID", "University ID"), "value": id, "status": "ACTIVE", "segment_type": "External"},
                {"id_type": code("BARCODE", "Barcode"), "value": format!("21{:012}", h % 1_000_000_000_000),
                 "status": "ACTIVE", "segment_type": "External"}
            ],
            "user_note": [], "user_block": [],
            "user_statistic": [{"statistic_category": code(group, group_desc), "category_type": code("PATRON", "Patron type"),
                                "segment_type": "External"}],
            "proxy_for_user": [], "rs_library": [],
            "link": ctx.link(&id, "")
        });
        users.push(into_user(value, patron_roles.to_vec()));
    }
    users
}

fn into_user(value: Value, roles: Vec<UserRole>) -> User {
    let mut user: User = serde_json::from_value(value).expect("a seeded user is valid wire JSON");
    user.user_role = Some(roles);
    user
}

/// Readable words for a code: `NFU_TS_ACQ` in `NFU_TS` gives `Acquisitions`.
pub(super) fn words(code: &str, library: &str) -> String {
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
pub(super) fn desk_name(code: &str, library: &str, library_name: &str) -> String {
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
pub(super) fn library_name(code: &str) -> String {
    format!("{} Library", words(code, ""))
}

/// One library per `alma_library` (named after its unit with the most
/// codes), with the units' desks and departments; PO line owners and any
/// scope, desk or service unit a desired role names are added too.
pub(super) fn libraries(repo: &AccessRepo, roles: &[&Role]) -> Vec<LibraryEntry> {
    let mut units: Vec<_> = repo.units.0.iter().collect();
    units.sort_by_key(|(id, u)| {
        let codes = u.circulation_desks.len()
            + u.departments.len()
            + u.work_order_departments.len()
            + u.po_line_owners.len();
        (Reverse(codes), *id)
    });
    let mut libs: BTreeMap<String, LibraryEntry> = BTreeMap::new();
    for (_, unit) in &units {
        let lib = library(&mut libs, &unit.alma_library, Some(&unit.name));
        for desk in &unit.circulation_desks {
            add_desk(lib, desk);
        }
        for unit_code in unit.departments.iter().chain(&unit.work_order_departments) {
            add_service_unit(lib, unit_code);
        }
    }
    for (_, unit) in &units {
        for owner in &unit.po_line_owners {
            library(&mut libs, owner, None);
        }
    }
    let institution = &repo.institution.institution;
    for role in roles {
        if &role.scope != institution {
            library(&mut libs, &role.scope, None);
        }
        for p in &role.parameters {
            let code = p.scope.as_ref().unwrap_or(&role.scope);
            if code == institution {
                continue;
            }
            let lib = library(&mut libs, code, None);
            match p.kind.as_str() {
                "CirculationDesk" => add_desk(lib, &p.value),
                "ServiceUnit" => add_service_unit(lib, &p.value),
                _ => {}
            }
        }
    }
    libs.into_values().collect()
}

fn library<'a>(
    libs: &'a mut BTreeMap<String, LibraryEntry>,
    code: &str,
    name: Option<&str>,
) -> &'a mut LibraryEntry {
    libs.entry(code.to_owned()).or_insert_with(|| LibraryEntry {
        code: code.to_owned(),
        name: name.map_or_else(|| library_name(code), str::to_owned),
        circulation_desks: Vec::new(),
        service_units: Vec::new(),
    })
}

fn add_desk(lib: &mut LibraryEntry, code: &str) {
    if !lib.circulation_desks.iter().any(|e| e.code == code) {
        let name = desk_name(code, &lib.code, &lib.name);
        lib.circulation_desks.push(NamedEntry {
            code: code.to_owned(),
            name,
        });
    }
}

fn add_service_unit(lib: &mut LibraryEntry, code: &str) {
    if !lib.service_units.iter().any(|e| e.code == code) {
        lib.service_units.push(NamedEntry {
            code: code.to_owned(),
            name: words(code, &lib.code),
        });
    }
}

/// The reference role types, then any code the catalogue (named from its
/// `name` fields) or a desired role uses that the reference lacks.
pub(super) fn role_types(repo: &AccessRepo, roles: &[&Role]) -> Vec<CodeEntry> {
    let mut rows: Vec<CodeEntry> = REFERENCE_ROLE_TYPES
        .iter()
        .map(|(code, description)| CodeEntry {
            code: (*code).into(),
            description: (*description).into(),
        })
        .collect();
    let types = &repo.catalog.login_types;
    let bundles = [
        &types.view,
        &types.view_analytics,
        &types.systems,
        &types.custom,
    ];
    let mut extra: BTreeMap<(usize, String), String> = BTreeMap::new();
    let mut note = |code: &str, name: Option<&str>| {
        if rows.iter().all(|r| r.code != code) {
            extra
                .entry((code.len(), code.to_owned()))
                .or_insert_with(|| name.map_or_else(|| format!("Role type {code}"), str::to_owned));
        }
    };
    let levels = repo
        .catalog
        .role_types
        .values()
        .flat_map(|t| t.all_levels());
    let grants = bundles
        .iter()
        .flat_map(|b| &b.grants)
        .chain(levels.flat_map(|(_, level)| &level.grants));
    for grant in grants {
        note(&grant.alma_role, grant.name.as_deref());
    }
    for role in roles {
        note(&role.role_type, None);
    }
    rows.extend(
        extra
            .into_iter()
            .map(|((_, code), description)| CodeEntry { code, description }),
    );
    rows
}
