//! The seed's staff users that no login file names, holding roles all the
//! same, as a real Alma has them before (and after) alma-access is adopted:
//! a former staff member whose access was never taken away, one given desk
//! roles by hand in the Alma UI, and the institution's protected users
//! (break-glass administrators), managed by hand. A full scan reports them
//! as unmanaged access (R11).

use std::collections::BTreeSet;

use serde_json::{Value, json};

use chrono::NaiveDate;

use crate::alma::wire::{User, UserRole};
use crate::alma::{Role, RoleStatus};
use crate::model::{AccessRepo, Login, LoginType};
use crate::reconcile::desired;

use super::seed_users::fnv;

/// The staff users without a login file, each with `patron` and roles of
/// its own. The two former staff hold exactly what a login of the
/// repository holds (a view login's bundle, a custom login with desks), so
/// that importing them gives files a plan leaves unchanged.
pub(super) fn users(
    repo: &AccessRepo,
    today: NaiveDate,
    taken: &BTreeSet<String>,
    wire: impl Fn(&Role) -> UserRole,
    patron: &UserRole,
) -> Vec<User> {
    let institution = repo.institution.institution.as_str();
    let active = |l: &&Login| {
        !l.environments.is_empty() && desired::compile(repo, l, today).standing.is_active()
    };
    let viewer = repo
        .logins
        .iter()
        .filter(active)
        .find(|l| l.kind == LoginType::View);
    let desk = repo.logins.iter().filter(active).find(|l| {
        l.kind == LoginType::Custom && l.roles.values().any(|g| !g.circulation_desks.is_empty())
    });
    let mut people: Vec<(String, &str, &str, Vec<Role>)> = Vec::new();
    for (template, who, first, last) in [
        (viewer, "former-staff", "Harold", "Vance"),
        (desk, "granted-by-hand", "Dana", "Whitfield"),
    ] {
        if let Some(login) = template {
            let roles = desired::compile(repo, login, today)
                .roles
                .into_iter()
                .map(|r| r.role)
                .collect();
            people.push((free_id(who, institution, taken), first, last, roles));
        }
    }
    let admin = Role {
        role_type: "26".into(),
        scope: institution.into(),
        status: RoleStatus::Active,
        expiry_date: None,
        parameters: Vec::new(),
    };
    let protected = &repo.institution.safety.protected_users;
    for id in protected
        .iter()
        .filter(|p| !taken.contains(&p.to_lowercase()))
    {
        people.push((
            id.clone(),
            "Break-Glass",
            "Administrator",
            vec![admin.clone()],
        ));
    }
    people
        .into_iter()
        .map(|(id, first, last, roles)| {
            let mut user_roles: Vec<UserRole> = roles.iter().map(&wire).collect();
            user_roles.push(patron.clone());
            record(&id, first, last, user_roles)
        })
        .collect()
}

/// An id no login file and no other seeded user has.
fn free_id(who: &str, institution: &str, taken: &BTreeSet<String>) -> String {
    (0..)
        .map(|n: u32| {
            format!(
                "3{:07}",
                fnv(&[who, institution, &n.to_string()]) % 10_000_000
            )
        })
        .find(|id| !taken.contains(&id.to_lowercase()))
        .unwrap_or_default()
}

fn code(value: &str, desc: &str) -> Value {
    json!({"value": value, "desc": desc})
}

fn record(id: &str, first: &str, last: &str, roles: Vec<UserRole>) -> User {
    let value = json!({
        "record_type": code("STAFF", "Staff"), "primary_id": id,
        "first_name": first, "last_name": last, "full_name": format!("{first} {last}"),
        "user_group": code("STAFF", "Library Staff"), "account_type": code("INTERNAL", "Internal"),
        "status": code("ACTIVE", "Active"), "user_role": roles, "user_block": [],
        "user_identifier": [{"id_type": code("BARCODE", "Barcode"), "value": format!("39{id}"),
                             "status": "ACTIVE", "segment_type": "Internal"}],
        "user_note": [{"note_type": code("OTHER", "Other"), "note_text": "Roles set in the Alma UI",
                       "user_viewable": "false", "segment_type": "Internal"}],
    });
    serde_json::from_value(value).expect("a seeded user is a valid wire user")
}
