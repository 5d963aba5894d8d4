//! Seeds: an emulator [`State`] built from a [`Description`] of one Alma
//! environment, the data a person reviews, never computed from the access
//! repository the emulator is then asked about. [`from_description`] turns
//! each user into a rich record (`records.rs`), each held role into Alma's
//! wire form with the descriptions Alma fills in, and adds the emulator's
//! two API keys. The sample institution's two environments are committed
//! descriptions (`descriptions/sample-*.yaml`, embedded): [`sample`].
//! Deterministic: the same description and day give the same state.

use chrono::{Duration, NaiveDate, NaiveDateTime};

use crate::alma::wire::UserRole;
use crate::alma::{ROLE_TYPE_TABLE, Role};

use super::description::{Description, Moment};
pub use super::fixtures::{READ_ONLY_KEY, READ_WRITE_KEY};
use super::records;
pub use super::records::fnv;
use super::state::{
    Access, CodeEntry, KeyEntry, LibraryEntry, Limits, NamedEntry, StaffLoginRecord, State,
};
use super::validate;

/// Alma's 25 requests a second and a daily budget no run of the sample
/// comes near: the limits of a description that gives none.
pub const LIMITS: Limits = Limits {
    per_second: 25,
    daily: 100_000,
};
/// Alma's Patron role, which most staff users also hold.
pub const PATRON: &str = "200";
/// The institution code of the sample institution in `access/`.
pub const SAMPLE_INSTITUTION: &str = "01NFU_INST";

/// The sample institution's environments, as committed.
const SAMPLE: [(&str, &str); 2] = [
    (
        "production",
        include_str!("descriptions/sample-production.yaml"),
    ),
    ("sandbox", include_str!("descriptions/sample-sandbox.yaml")),
];

/// The committed description of one of the sample institution's
/// environments (`production`, `sandbox`).
pub fn sample(environment: &str) -> Option<Description> {
    SAMPLE
        .iter()
        .find(|(name, _)| *name == environment)
        .map(|(_, text)| Description::from_yaml(text).expect("the sample description is valid"))
}

/// The emulator state `description` shows, seeded on `today`: the staff
/// logins move by the days from the description's day to `today` (a login
/// a week before that day is a week before `today`); everything else is as
/// the description says.
pub fn from_description(description: &Description, today: NaiveDate) -> State {
    let d = description;
    let mut state = State::new(d.institution.clone());
    state.institution_name = d.name.clone();
    state.environment_type = d.environment.clone();
    state.api_keys = vec![
        KeyEntry {
            key: READ_ONLY_KEY.into(),
            access: Access::Read,
        },
        KeyEntry {
            key: READ_WRITE_KEY.into(),
            access: Access::ReadWrite,
        },
    ];
    state.limits = d.limits;
    let named = |(code, name): (&String, &String)| NamedEntry {
        code: code.clone(),
        name: name.clone(),
    };
    state.libraries = d
        .libraries
        .iter()
        .map(|(code, library)| LibraryEntry {
            code: code.clone(),
            name: library.name.clone(),
            circulation_desks: library.circulation_desks.iter().map(named).collect(),
            service_units: library.service_units.iter().map(named).collect(),
        })
        .collect();
    state.other_scopes = d.other_scopes.iter().map(named).collect();
    if !d.role_types.is_empty() {
        let rows = d
            .role_types
            .iter()
            .map(|(code, description)| CodeEntry {
                code: code.clone(),
                description: description.clone(),
            })
            .collect();
        state.code_tables.insert(ROLE_TYPE_TABLE.into(), rows);
    }
    let ctx = records::Context::new(d);
    let users = d
        .users
        .iter()
        .map(|user| {
            let roles = user
                .roles
                .iter()
                .map(|r| wire_role(&state, &r.role(&d.institution)))
                .collect();
            records::user(&ctx, user, roles)
        })
        .collect();
    state.users = users;
    state.staff_logins = staff_logins(d, today);
    state
}

/// A role in wire form with the descriptions Alma fills in.
fn wire_role(state: &State, role: &Role) -> UserRole {
    let mut wire = [role.to_wire()];
    validate::describe_roles(state, &mut wire);
    let [wire] = wire;
    wire
}

/// The description's staff logins, moved to `today`, oldest first.
fn staff_logins(d: &Description, today: NaiveDate) -> Vec<StaffLoginRecord> {
    let shift = (today - d.day).num_days();
    let mut records = Vec::new();
    for (id, history) in d.staff_logins.iter() {
        let mut add = |m: &Moment, successful: bool| {
            let default = hashed_time(id, m.day);
            let at = match m.time {
                Some(time) => m.day.and_time(time),
                None if successful => default,
                None => default - Duration::minutes(2),
            };
            records.push(StaffLoginRecord {
                primary_id: id.clone(),
                login_date: at + Duration::days(shift),
                successful,
            });
        };
        for m in &history.logins {
            add(m, true);
        }
        for m in &history.failed {
            add(m, false);
        }
    }
    records.sort_by(|a, b| (a.login_date, &a.primary_id).cmp(&(b.login_date, &b.primary_id)));
    records
}

/// The time of a login the description gives only the day of: between
/// 07:30 and 17:29, from a hash of the id and the day.
fn hashed_time(id: &str, day: NaiveDate) -> NaiveDateTime {
    let h = fnv(&["login", id, &day.to_string()]);
    let minutes = 450 + h % 600;
    day.and_hms_opt(
        (minutes / 60) as u32,
        (minutes % 60) as u32,
        (h % 60) as u32,
    )
    .unwrap_or_default()
}
