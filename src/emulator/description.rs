//! The description of one Alma environment as it holds on a day: the data
//! the emulator is seeded from (see `seed.rs`). It says what a person
//! reviewing it needs to see (the institution, its libraries with their
//! circulation desks and service units, the role-type table, every user
//! with its record type, a flavour for the record generator and its roles
//! as Alma holds them, duplicates and inactive ones included, and the staff
//! logins of the staff login report) and nothing the record generator can
//! make up (addresses, barcodes, notes). Written in YAML; a role is one
//! line: `221 @NFU_MAIN CirculationDesk=NFU_MAIN_CIRC ACTIVE expires 2027-05-15`
//! (see [`HeldRole`]), a user's logins a line of days per month.

use std::fmt;

use chrono::{NaiveDate, NaiveTime};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use super::state::Limits;

pub use super::held_role::HeldRole;

/// One Alma environment as it holds on [`Description::day`].
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Description {
    /// The institution code; also the scope of a role that names none.
    pub institution: String,
    #[serde(default)]
    pub name: Option<String>,
    /// What `conf/general` reports: `PRODUCTION` or `SANDBOX`.
    pub environment: String,
    /// The day the description shows. Record dates are reckoned from it;
    /// staff logins move with the day the emulator is seeded on.
    pub day: NaiveDate,
    /// The API host the user records link to.
    #[serde(default = "default_api_url")]
    pub api_url: String,
    #[serde(default)]
    pub limits: Limits,
    /// Libraries by code, in the order `conf/libraries` lists them.
    #[serde(default)]
    pub libraries: Ordered<LibraryDescription>,
    /// Scopes beyond the institution and its libraries (a network zone), with names.
    #[serde(default)]
    pub other_scopes: Ordered<String>,
    /// `HFrUserRoles.roleType`, code and description; when empty, the role
    /// types of the API reference.
    #[serde(default)]
    pub role_types: Ordered<String>,
    /// The departments staff records name, code and name.
    #[serde(default)]
    pub departments: Ordered<String>,
    /// The users, in the order `GET /users` lists them.
    #[serde(default)]
    pub users: Vec<UserDescription>,
    /// Staff logins and failed attempts, by primary id.
    #[serde(default)]
    pub staff_logins: Ordered<LoginHistory>,
}

fn default_api_url() -> String {
    "https://api-na.hosted.exlibrisgroup.com".to_owned()
}

impl Description {
    /// Reads a description from YAML.
    pub fn from_yaml(text: &str) -> Result<Description, serde_yaml::Error> {
        serde_yaml::from_str(text)
    }

    /// The user with this primary id (compared as Alma does, ignoring case).
    pub fn user(&self, id: &str) -> Option<&UserDescription> {
        self.users
            .iter()
            .find(|u| super::state::same_id(&u.primary_id, id))
    }
}

/// A library: its name, circulation desks and service units (code, name).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LibraryDescription {
    pub name: String,
    #[serde(default)]
    pub circulation_desks: Ordered<String>,
    #[serde(default)]
    pub service_units: Ordered<String>,
}

/// One user as Alma holds it.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserDescription {
    #[serde(deserialize_with = "text")]
    pub primary_id: String,
    /// The full name; the last word is the last name.
    pub name: String,
    /// The record type: `STAFF` or `PUBLIC`.
    pub record: String,
    pub flavour: Flavour,
    /// A code of [`Description::departments`] (staff records).
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// When the record became active (hired, registered).
    #[serde(default)]
    pub since: Option<NaiveDate>,
    /// When the person leaves: the record's expiry date.
    #[serde(default)]
    pub until: Option<NaiveDate>,
    /// Who asked for the roles (the staff record's note).
    #[serde(default)]
    pub manager: Option<String>,
    #[serde(default)]
    pub block: Option<Block>,
    /// Fees owed.
    #[serde(default)]
    pub fees: Option<f64>,
    /// How the roles differ from what the login file grants, in words: read
    /// by people, and by `synth` (a user with drift is cloned once).
    #[serde(default)]
    pub drift: Option<String>,
    #[serde(default, deserialize_with = "roles")]
    pub roles: Vec<HeldRole>,
}

/// The shape of a user's record, as the record generator makes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Flavour {
    /// A staff member's full record (user group STAFF).
    Staff,
    /// A student worker's (STUDENT_WORKER).
    Student,
    /// A temporary employee's (TEMP).
    Temp,
    /// A shared desk login's (SHARED): no person, no university id.
    SharedDesk,
    /// A bare record whose roles were set by hand in the Alma UI.
    ByHand,
    /// Patrons' records, by user group.
    Undergraduate,
    Graduate,
    Faculty,
    Alumni,
}

/// A block on a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Block {
    /// Active: items overdue (set nine days before the description's day).
    Active,
    /// Inactive: an old lost card.
    Old,
}

/// A user's staff logins: successful ones and failed attempts. In YAML,
/// each is a mapping of months to days: `2026-09: 1 2 3 14@09:12:40`. A day
/// without a time is at a time of day from a hash of the id and the day
/// (07:30 to 17:29); a failed attempt without one is two minutes before it.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginHistory {
    #[serde(default, deserialize_with = "moments")]
    pub logins: Vec<Moment>,
    #[serde(default, deserialize_with = "moments")]
    pub failed: Vec<Moment>,
}

/// A day, and a time when the description gives one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Moment {
    pub day: NaiveDate,
    pub time: Option<NaiveTime>,
}

/// A YAML mapping read in order, its keys as text (`200:` is the code "200").
#[derive(Clone, Debug, PartialEq)]
pub struct Ordered<T>(pub Vec<(String, T)>);

impl<T> Default for Ordered<T> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<T> Ordered<T> {
    pub fn get(&self, key: &str) -> Option<&T> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &T)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Ordered<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for Entries<T> {
            type Value = Ordered<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Ordered::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out: Vec<(String, T)> = Vec::new();
                while let Some(Text(key)) = map.next_key::<Text>()? {
                    if out.iter().any(|(k, _)| *k == key) {
                        return Err(de::Error::custom(format!("{key:?} appears twice")));
                    }
                    out.push((key, map.next_value()?));
                }
                Ok(Ordered(out))
            }
        }
        deserializer.deserialize_any(Entries(std::marker::PhantomData))
    }
}

/// A scalar read as text, whatever YAML made of it (`80012345`, `3`).
struct Text(String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Scalar;
        impl Visitor<'_> for Scalar {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_owned()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
        }
        deserializer.deserialize_any(Scalar)
    }
}

fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Text::deserialize(deserializer).map(|t| t.0)
}

fn roles<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<HeldRole>, D::Error> {
    let lines = Vec::<String>::deserialize(deserializer)?;
    lines
        .iter()
        .map(|line| HeldRole::parse(line).map_err(de::Error::custom))
        .collect()
}

fn moments<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Moment>, D::Error> {
    let months = Ordered::<Text>::deserialize(deserializer)?;
    let mut out = Vec::new();
    for (month, Text(days)) in months.0 {
        for word in days.split_whitespace() {
            let moment = moment(&month, word).ok_or_else(|| {
                de::Error::custom(format!("{month}: {word:?} is not a day (or DAY@HH:MM:SS)"))
            })?;
            out.push(moment);
        }
    }
    Ok(out)
}

/// `14` or `14@09:12:40` of the month `2026-09`.
fn moment(month: &str, word: &str) -> Option<Moment> {
    let (day, time) = match word.split_once('@') {
        Some((day, time)) => (day, Some(NaiveTime::parse_from_str(time, "%H:%M:%S").ok()?)),
        None => (word, None),
    };
    let day: u32 = day.parse().ok()?;
    let day = NaiveDate::parse_from_str(&format!("{month}-{day:02}"), "%Y-%m-%d").ok()?;
    Some(Moment { day, time })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_description_reads_from_yaml() {
        let text = r#"
institution: 01TEST_INST
environment: SANDBOX
day: 2026-11-23
libraries:
  MAIN:
    name: Main Library
    circulation_desks: {MAIN_CIRC: Main Circulation Desk}
role_types: {200: Patron, "32": Circulation Desk Operator}
users:
  - primary_id: 10000001
    name: Ada Example
    record: STAFF
    flavour: staff
    roles: [200 ACTIVE, 32 @MAIN CirculationDesk=MAIN_CIRC ACTIVE]
staff_logins:
  "10000001":
    logins: {2026-11: 2 3@08:00:00}
    failed: {2026-10: 30}
"#;
        let d = Description::from_yaml(text).unwrap();
        assert_eq!(d.users[0].primary_id, "10000001");
        assert_eq!(d.role_types.get("200").map(String::as_str), Some("Patron"));
        assert_eq!(d.limits, Limits::default());
        let history = d.staff_logins.get("10000001").unwrap();
        assert_eq!(history.logins.len(), 2);
        assert_eq!(history.logins[1].time, NaiveTime::from_hms_opt(8, 0, 0));
        let typo = text.replace("flavour: staff", "flavor: staff");
        assert!(Description::from_yaml(&typo).is_err());
        let twice = text.replace("\"32\": Circulation", "200: Circulation");
        assert!(
            Description::from_yaml(&twice)
                .unwrap_err()
                .to_string()
                .contains("twice")
        );
        let bad_day = text.replace("2 3@08:00:00", "2 31");
        assert!(Description::from_yaml(&bad_day).is_err());
    }
}
