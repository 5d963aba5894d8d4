//! The role list an apply sends, and the check of what Alma holds after.
//! Alma's PUT replaces the whole user, so every role goes back: in Alma's
//! order, a role the plan keeps as it is exactly as Alma sent it (its
//! descriptions, `null`s, parameter scopes and unknown keys); a role whose
//! status or expiry changes edited in place, nothing else about it
//! touched; a new role at the end. Roles are matched as the plan matches
//! them ([`Role::same_as`], [`Role::key`]): parameter scopes and
//! descriptions do not count.

use std::collections::BTreeSet;

use crate::alma::{Role, wire};
use crate::reconcile::diff::Held;

/// The user as read, with `user_role` replaced by `after`. Roles that
/// cannot be read are never the tool's (a plan refuses a user whose managed
/// role cannot be read) and go back untouched, as do preserved roles the
/// plan did not know of.
pub(super) fn with_roles(
    fresh: &wire::User,
    after: &[Role],
    preserve: &BTreeSet<String>,
) -> wire::User {
    let read: Vec<(&wire::UserRole, Option<Role>)> = fresh
        .user_role
        .iter()
        .flatten()
        .map(|w| (w, Role::from_wire(w).ok()))
        .collect();
    let mut placed: Vec<Option<wire::UserRole>> = vec![None; read.len()];
    let mut changed: Vec<&Role> = Vec::new();
    for role in after {
        match unplaced(&read, &placed, |r| r.same_as(role)) {
            Some(i) => placed[i] = Some(read[i].0.clone()),
            None => changed.push(role),
        }
    }
    let mut added = Vec::new();
    for role in changed {
        match unplaced(&read, &placed, |r| r.key() == role.key()) {
            Some(i) => placed[i] = Some(edited(&read[i], role)),
            None => added.push(role.to_wire()),
        }
    }
    for (slot, (wire, role)) in placed.iter_mut().zip(&read) {
        let keep = role
            .as_ref()
            .is_none_or(|r| preserve.contains(&r.role_type));
        if slot.is_none() && keep {
            *slot = Some((*wire).clone());
        }
    }
    let mut user = fresh.clone();
    user.user_role = Some(placed.into_iter().flatten().chain(added).collect());
    user
}

/// The first role read that no planned role took yet and that `matches`.
fn unplaced(
    read: &[(&wire::UserRole, Option<Role>)],
    placed: &[Option<wire::UserRole>],
    matches: impl Fn(&Role) -> bool,
) -> Option<usize> {
    read.iter()
        .zip(placed)
        .position(|((_, role), slot)| slot.is_none() && role.as_ref().is_some_and(&matches))
}

/// A role read, with the status and expiry date of `planned`.
fn edited((wire, read): &(&wire::UserRole, Option<Role>), planned: &Role) -> wire::UserRole {
    let mut out = (*wire).clone();
    let read = read.as_ref().expect("only roles read are matched");
    if read.status != planned.status {
        out.set_status(planned.status.as_alma());
    }
    if read.expiry_date != planned.expiry_date {
        out.set_expiry_date(planned.wire_expiry_date());
    }
    out
}

/// Whether the roles read back are what was planned, compared as the plan
/// compares them (values, status and expiry, not parameter scopes or
/// descriptions; duplicates count), and the roles that cannot be read are
/// the ones sent.
pub(super) fn same_roles(back: &Held, planned: &[Role], sent: &Held) -> bool {
    let strip = |roles: &[Role]| {
        let mut roles: Vec<Role> = roles
            .iter()
            .map(|r| {
                let mut r = r.clone();
                for p in &mut r.parameters {
                    p.scope = None;
                }
                r
            })
            .collect();
        for r in &mut roles {
            r.parameters.sort();
            r.parameters.dedup();
        }
        roles.sort();
        roles
    };
    strip(&back.roles) == strip(planned) && back.unread_json() == sent.unread_json()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alma::RoleStatus;
    use serde_json::{Value, json};

    fn user(roles: Value) -> wire::User {
        serde_json::from_value(json!({"primary_id": "u1", "first_name": null, "user_role": roles}))
            .unwrap()
    }

    fn parsed(role: &Value) -> Role {
        Role::from_wire(&serde_json::from_value(role.clone()).unwrap()).unwrap()
    }

    fn sent(user: &wire::User) -> Value {
        serde_json::to_value(user).unwrap()["user_role"].clone()
    }

    fn patron() -> Value {
        json!({"status": {"value": "ACTIVE", "desc": null}, "scope": {"value": "01X", "desc": null},
               "role_type": {"value": "200", "desc": "Patron"}, "expiry_date": "2030-01-16Z"})
    }

    fn receiving() -> Value {
        json!({"status": {"value": "ACTIVE", "desc": "Active"}, "scope": {"value": "MAIN", "desc": "Main Library"},
               "role_type": {"value": "37", "desc": "Receiving Operator"},
               "parameter": [{"type": {"value": "ServiceUnit", "desc": null}, "scope": null,
                              "value": {"value": "MAIN_ACQ", "desc": "Acquisitions"}}]})
    }

    fn desk() -> Value {
        json!({"status": {"value": "ACTIVE", "desc": "Active"}, "scope": {"value": "MAIN", "desc": "Main Library"},
               "role_type": {"value": "32", "desc": "Circulation Desk Operator"}, "x_unknown": [null],
               "parameter": [{"type": {"value": "CirculationDesk"}, "scope": {"value": "MAIN", "desc": "Main Library"},
                              "value": {"value": "MAIN_CIRC", "desc": "Main circulation"}},
                             {"type": {"value": "CantEditRestrictedUsers"}, "value": {"value": true}}]})
    }

    fn preserve() -> BTreeSet<String> {
        BTreeSet::from(["200".to_string()])
    }

    #[test]
    fn roles_the_plan_keeps_go_back_exactly_as_alma_sent_them() {
        let fresh = user(json!([patron(), receiving()]));
        // The repository grants the Receiving Operator role with a parameter
        // scope Alma never had: the plan does not compare parameter scopes.
        let mut granted = parsed(&receiving());
        granted.parameters[0].scope = Some("MAIN".into());
        let out = with_roles(&fresh, &[parsed(&patron()), granted], &preserve());
        assert_eq!(sent(&out), json!([patron(), receiving()]));
        assert_eq!(out.rest, fresh.rest);
    }

    #[test]
    fn a_changed_role_is_edited_in_place_and_new_roles_come_last() {
        let fresh = user(json!([desk(), patron(), receiving()]));
        let mut inactive = parsed(&desk());
        inactive.status = RoleStatus::Inactive;
        inactive.expiry_date = chrono::NaiveDate::from_ymd_opt(2027, 5, 31);
        let added = Role {
            role_type: "51".into(),
            scope: "MAIN".into(),
            status: RoleStatus::Active,
            expiry_date: None,
            parameters: vec![],
        };
        let after = [added.clone(), parsed(&patron()), inactive];
        let out = with_roles(&fresh, &after, &preserve());
        let mut edited = desk();
        edited["status"] = json!({"value": "INACTIVE"});
        edited["expiry_date"] = json!("2027-05-31Z");
        let roles = sent(&out);
        assert_eq!(roles[0], edited);
        assert_eq!(roles[1], patron());
        assert_eq!(roles[2], serde_json::to_value(added.to_wire()).unwrap());
        assert_eq!(roles.as_array().unwrap().len(), 3, "37 is removed");
    }

    #[test]
    fn unreadable_roles_and_preserved_roles_not_planned_are_kept() {
        let statusless = json!({"scope": {"value": "01NZ_NETWORK"}, "role_type": {"value": "51"}});
        let mut new_patron = patron();
        new_patron["status"] = json!({"value": "NEW", "desc": "New"});
        let fresh = user(json!([statusless, desk(), new_patron, patron()]));
        let out = with_roles(&fresh, &[], &preserve());
        assert_eq!(sent(&out), json!([statusless, new_patron, patron()]));
    }

    #[test]
    fn duplicates_planned_go_back_as_duplicates_and_are_verified_as_such() {
        let fresh = user(json!([patron(), desk(), patron()]));
        let after = [parsed(&patron()), parsed(&patron())];
        let out = with_roles(&fresh, &after, &preserve());
        assert_eq!(sent(&out), json!([patron(), patron()]));
        let back = Held::read(&out);
        assert!(same_roles(&back, &after, &back));
        assert!(!same_roles(&back, &after[..1], &back));
        let unread = user(json!([patron(), {"role_type": {"value": "200"}}]));
        assert!(!same_roles(&back, &after, &Held::read(&unread)));
    }
}
