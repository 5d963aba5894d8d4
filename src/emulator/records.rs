//! The rich user records of a seed (see `seed.rs`), made from a
//! description's few words per user, in Alma's JSON shape: names, contacts,
//! identifiers, notes, statistics, blocks, booleans as strings where Alma
//! sends them so. A staff flavour gives a staff member's full record, `by-hand`
//! a bare one whose roles were set in the Alma UI, a patron flavour a
//! patron's record. Deterministic: what the description leaves out (a phone
//! number, a barcode, a room) comes from [`fnv`] of the primary id, and
//! dates are reckoned from the description's day.

use chrono::{Datelike, Days, Months, NaiveDate};
use serde_json::{Value, json};

use crate::alma::wire::{User, UserRole};

use super::description::{Block, Description, Flavour, UserDescription};

/// 64-bit FNV-1a over the parts, each followed by a 0xff separator.
pub fn fnv(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain([0xff]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}

/// What every record needs: the description (its day, departments) and
/// the API base for links.
pub(super) struct Context<'a> {
    description: &'a Description,
    api_base: String,
    today: NaiveDate,
}

impl<'a> Context<'a> {
    pub(super) fn new(description: &'a Description) -> Self {
        let api = description.api_url.trim_end_matches('/');
        Context {
            description,
            api_base: format!("{api}/almaws/v1"),
            today: description.day,
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

/// The record type as Alma describes it.
fn record_type(record: &str) -> Value {
    let desc = match record {
        "STAFF" => "Staff",
        "PUBLIC" => "Public",
        "CONTACT" => "Contact",
        other => other,
    };
    code(record, desc)
}

/// First and last name: the last word is the last name.
fn split(name: &str) -> (&str, &str) {
    name.rsplit_once(' ').unwrap_or(("", name))
}

/// The record of `user`, holding `roles`.
pub(super) fn user(ctx: &Context, user: &UserDescription, roles: Vec<UserRole>) -> User {
    let value = match user.flavour {
        Flavour::Staff | Flavour::Student | Flavour::Temp | Flavour::SharedDesk => staff(ctx, user),
        Flavour::ByHand => by_hand(user),
        Flavour::Undergraduate | Flavour::Graduate | Flavour::Faculty | Flavour::Alumni => {
            patron(ctx, user)
        }
    };
    let mut record: User = serde_json::from_value(value).expect("a seeded user is valid wire JSON");
    record.user_role = Some(roles);
    record
}

/// A staff member's full record.
fn staff(ctx: &Context, user: &UserDescription) -> Value {
    let id = user.primary_id.as_str();
    let h = fnv(&["user", id]);
    let department = user.department.as_deref().unwrap_or("library");
    let unit_name = ctx
        .description
        .departments
        .get(department)
        .map_or(department, String::as_str);
    let shared = user.flavour == Flavour::SharedDesk;
    // Without a start date: hired up to three years ago (students) or ten.
    let years = match user.flavour {
        Flavour::Student | Flavour::Temp => 3,
        _ => 10,
    };
    let since = user
        .since
        .unwrap_or_else(|| ctx.today - Days::new(120 + h % (365 * years - 120)));
    let far = NaiveDate::from_ymd_opt(ctx.today.year() + 5, 8, 31).unwrap_or(ctx.today);
    let expiry = user.until.unwrap_or(far);
    let (first, last) = if shared {
        ("", user.name.as_str())
    } else {
        split(&user.name)
    };
    let (group, group_desc, employment) = match user.flavour {
        Flavour::SharedDesk => ("SHARED", "Shared Desk Account", ""),
        Flavour::Student => ("STUDENT_WORKER", "Student Worker", "STUDENT"),
        Flavour::Temp => ("TEMP", "Temporary Staff", "TEMP"),
        _ => ("STAFF", "Library Staff", "STAFF"),
    };
    let emails: Vec<Value> = user.email.iter().map(|e| {
        json!({"email_address": e, "description": "", "preferred": true, "segment_type": "Internal",
               "email_type": [code("work", "Work")]})
    }).collect();
    let phones: Vec<Value> = (!h.is_multiple_of(3)).then(|| {
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
    let note_text = match (shared, &user.manager) {
        (true, _) => format!(
            "Shared terminal login for {unit_name}; the password is kept by the desk supervisor."
        ),
        (false, Some(manager)) => format!(
            "Alma login request form received {}; roles entered at the request of {manager} (ticket LIB-{}).",
            since.format("%Y-%m-%d"),
            1000 + h % 9000
        ),
        (false, None) => format!("Staff record created {}.", since.format("%Y-%m-%d")),
    };
    let notes = vec![json!({
        "note_type": code("OTHER", "Other"), "note_text": note_text, "user_viewable": "false",
        "popup_note": false, "created_by": "lts-admin", "created_date": format!("{}T14:05:12Z", since.format("%Y-%m-%d")),
        "segment_type": "Internal"
    })];
    let blocks = blocks(ctx, user.block, since);
    let mut statistics = vec![json!({
        "statistic_category": code(&department.to_uppercase().replace('-', "_"), unit_name),
        "category_type": code("DEPT", "Department"), "statistic_note": "", "segment_type": "Internal"
    })];
    if !shared {
        statistics.push(json!({
            "statistic_category": code(employment, group_desc),
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
        "record_type": record_type(&user.record), "primary_id": id,
        "first_name": first, "middle_name": "", "last_name": last, "full_name": user.name,
        "pin_number": "", "job_category": code(group, group_desc), "job_description": unit_name,
        "gender": code("NONE", "None"), "user_group": code(group, group_desc),
        "campus_code": code("NORTHFIELD", "Northfield Campus"), "web_site_url": "",
        "cataloger_level": code("00", "[00] Default Level"), "preferred_language": code("en", "English"),
        "expiry_date": date(expiry),
        "account_type": code("INTERNAL", "Internal"), "external_id": "", "password": "",
        "force_password_change": if h.is_multiple_of(4) { "true" } else { "false" },
        "status": code("ACTIVE", "Active"), "status_date": date(since),
        "requests": null,
        "loans": {"value": if shared { 0 } else { h % 4 }, "link": ctx.link(id, "/loans")},
        "fees": {"value": user.fees.unwrap_or(0.0), "link": ctx.link(id, "/fees")},
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
        if let Some(end) = user.until {
            let purge = end.checked_add_months(Months::new(12)).unwrap_or(end);
            map.insert("purge_date".into(), date(purge).into());
        }
        map.extend(more);
    }
    value
}

fn blocks(ctx: &Context, block: Option<Block>, since: NaiveDate) -> Vec<Value> {
    match block {
        None => vec![],
        Some(Block::Active) => vec![json!({
            "block_type": code("GENERAL", "General"), "block_description": code("OVERDUE", "Overdue items"),
            "block_status": "ACTIVE", "block_note": "Two items more than 30 days overdue", "created_by": "System",
            "created_date": format!("{}T02:00:00Z", (ctx.today - Days::new(9)).format("%Y-%m-%d")),
            "segment_type": "Internal"
        })],
        Some(Block::Old) => vec![json!({
            "block_type": code("GENERAL", "General"), "block_description": code("LOST_CARD", "Lost card"),
            "block_status": "INACTIVE", "block_note": "", "created_by": "circ-desk",
            "created_date": format!("{}T10:31:00Z", (since + Days::new(40)).format("%Y-%m-%d")),
            "segment_type": "Internal"
        })],
    }
}

/// A bare staff record, its roles set by hand in the Alma UI.
fn by_hand(user: &UserDescription) -> Value {
    let id = user.primary_id.as_str();
    let (first, last) = split(&user.name);
    json!({
        "record_type": record_type(&user.record), "primary_id": id,
        "first_name": first, "last_name": last, "full_name": user.name,
        "user_group": code("STAFF", "Library Staff"), "account_type": code("INTERNAL", "Internal"),
        "status": code("ACTIVE", "Active"), "user_block": [],
        "user_identifier": [{"id_type": code("BARCODE", "Barcode"), "value": format!("39{id}"),
                             "status": "ACTIVE", "segment_type": "Internal"}],
        "user_note": [{"note_type": code("OTHER", "Other"), "note_text": "Roles set in the Alma UI",
                       "user_viewable": "false", "segment_type": "Internal"}],
    })
}

/// A patron's record (user group from the flavour).
fn patron(ctx: &Context, user: &UserDescription) -> Value {
    let id = user.primary_id.as_str();
    let (group, group_desc) = match user.flavour {
        Flavour::Graduate => ("GRAD", "Graduate Student"),
        Flavour::Faculty => ("FACULTY", "Faculty"),
        Flavour::Alumni => ("ALUMNI", "Alumni"),
        _ => ("UNDERGRAD", "Undergraduate"),
    };
    let (first, last) = split(&user.name);
    let h = fnv(&["user", id]);
    let since = user
        .since
        .unwrap_or_else(|| ctx.today - Days::new(300 + h % 1500));
    let expiry = user.until.unwrap_or_else(|| {
        NaiveDate::from_ymd_opt(ctx.today.year() + 1 + (h % 3) as i32, 6, 30).unwrap_or(ctx.today)
    });
    let email = user.email.clone().unwrap_or_else(|| {
        format!(
            "{}.{}@example.edu",
            first.to_lowercase(),
            last.to_lowercase()
        )
    });
    json!({
        "record_type": record_type(&user.record), "primary_id": id,
        "first_name": first, "middle_name": "", "last_name": last, "full_name": user.name,
        "pin_number": "", "user_group": code(group, group_desc), "campus_code": code("NORTHFIELD", "Northfield Campus"),
        "preferred_language": code("en", "English"), "expiry_date": date(expiry),
        "purge_date": date(expiry.checked_add_months(Months::new(24)).unwrap_or(expiry)),
        "account_type": code("EXTERNAL", "External"), "external_id": "SIS", "password": "",
        "force_password_change": "false", "status": code("ACTIVE", "Active"), "status_date": date(since),
        "requests": null, "loans": {"value": h % 6, "link": ctx.link(id, "/loans")},
        "fees": {"value": user.fees.unwrap_or(0.0), "link": ctx.link(id, "/fees")},
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
        "link": ctx.link(id, "")
    })
}
