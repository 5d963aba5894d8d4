//! Grants that expire (R12), planned and applied against the emulator:
//! the expiry is written to Alma first, the roles go the day after, and a
//! role two grants give lasts as long as the later one.

use alma_access::reconcile::{ChangeKind, Plan};

use super::world::{World, day};

const DI: &str = "logins/main/10000004.yaml";
const DI_ID: &str = "10000004";

/// `(change, role type, reason)` of Di's production changes.
fn changes(plan: &Plan) -> Vec<(String, String, String)> {
    plan.users
        .iter()
        .filter(|u| u.environment == "production" && u.primary_id == DI_ID)
        .flat_map(|u| &u.changes)
        .map(|c| {
            (
                c.kind.label().to_string(),
                c.role.role_type.clone(),
                c.reason.clone(),
            )
        })
        .collect()
}

/// Di's roles in production: `(role type, expiry)`.
fn held(world: &World) -> Vec<(String, Option<String>)> {
    world
        .roles("production", DI_ID)
        .into_iter()
        .filter(|r| r.role_type != "200")
        .map(|r| (r.role_type, r.expiry_date.map(|d| d.to_string())))
        .collect()
}

/// Di orders (acquisitions operator: 54) and catalogues (resource
/// management operator: 204); her file has `end_date: 2027-05-31`.
fn world_with(acquisitions_until: &str, records_until: &str) -> World {
    let world = World::new();
    world.fixture.edit(
        DI,
        "    po_line_owners: [MAIN]\n",
        &format!("    po_line_owners: [MAIN]\n    until: {acquisitions_until}\n"),
    );
    world.fixture.edit(
        DI,
        "  resource-management:\n    level: operator\n",
        &format!("  resource-management:\n    level: operator\n    until: {records_until}\n"),
    );
    world
}

#[test]
fn a_grant_whose_until_passes_expires_first_and_is_removed_after() {
    let mut world = world_with("2027-01-31", "2027-01-31");
    world.today = day("2026-12-01");
    assert!(world.apply(&world.plan()).ok());
    assert!(
        held(&world)
            .iter()
            .filter(|(t, _)| t == "54" || t == "204")
            .all(|(_, e)| e.as_deref() == Some("2027-01-31")),
        "the grant's last day is the roles' expiry in Alma: {:?}",
        held(&world)
    );
    world.today = day("2027-01-31");
    assert!(
        !world.plan().has_changes(),
        "the last day is still a day of the grant"
    );
    world.today = day("2027-02-01");
    let plan = world.plan();
    let removed: Vec<_> = changes(&plan)
        .into_iter()
        .filter(|(kind, _, _)| kind == "remove")
        .collect();
    assert!(!removed.is_empty());
    for (_, role, reason) in &removed {
        assert!(
            reason.contains("ended on 2027-01-31 (until, R12)"),
            "{role}: {reason}"
        );
    }
    assert!(world.apply(&plan).ok());
    assert!(!world.plan().has_changes());
}

#[test]
fn a_role_two_grants_give_expires_at_the_later_date() {
    // With acquisitions granting Cataloger (204) too, 204 comes with both
    // grants; 54 with acquisitions only.
    let mut world = world_with("2026-12-20", "2027-02-28");
    world.fixture.edit(
        "catalog.yaml",
        "      grants: [{alma_role: \"54\", scope: po-line-owner}]\n",
        "      grants: [{alma_role: \"54\", scope: po-line-owner}, {alma_role: \"204\", scope: institution}]\n",
    );
    world.today = day("2026-12-01");
    let plan = world.plan();
    let expiry_of = |role: &str| {
        plan.users
            .iter()
            .filter(|u| u.environment == "production" && u.primary_id == DI_ID)
            .flat_map(|u| &u.after)
            .find(|r| r.role_type == role)
            .and_then(|r| r.expiry_date)
    };
    assert_eq!(expiry_of("54"), Some(day("2026-12-20")));
    assert_eq!(expiry_of("204"), Some(day("2027-02-28")));
    let reasons: Vec<String> = changes(&plan)
        .into_iter()
        .filter(|(_, role, _)| role == "204")
        .map(|(_, _, why)| why)
        .collect();
    assert!(
        reasons.iter().any(|r| r.contains("granted by")),
        "{reasons:?}"
    );
    assert!(world.apply(&plan).ok());
    // After the earlier date only the acquisitions roles go; 204 stays.
    world.today = day("2026-12-21");
    let plan = world.plan();
    let kinds: Vec<(String, String)> = changes(&plan)
        .into_iter()
        .map(|(kind, role, _)| (kind, role))
        .collect();
    assert!(kinds.contains(&("remove".into(), "54".into())), "{kinds:?}");
    assert!(!kinds.iter().any(|(_, role)| role == "204"), "{kinds:?}");
    assert!(
        plan.users
            .iter()
            .flat_map(|u| &u.changes)
            .all(|c| !matches!(c.kind, ChangeKind::Expiry { .. }) || c.role.role_type != "204")
    );
}

#[test]
fn the_expiry_reason_names_the_grant_and_its_until() {
    let mut world = World::new();
    world.today = day("2026-12-01");
    assert!(world.apply(&world.plan()).ok());
    // Alma holds Di's roles until her end_date; the grant now ends earlier.
    world.fixture.edit(
        DI,
        "    po_line_owners: [MAIN]\n",
        "    po_line_owners: [MAIN]\n    until: 2027-03-31\n",
    );
    let expiry: Vec<String> = changes(&world.plan())
        .into_iter()
        .filter(|(kind, _, _)| kind == "expiry")
        .map(|(_, role, why)| format!("{role}: {why}"))
        .collect();
    assert_eq!(
        expiry,
        ["54: the grant `acquisitions operator` ends on 2027-03-31 (until, R12)"]
    );
}
