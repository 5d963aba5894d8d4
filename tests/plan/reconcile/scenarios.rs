//! Acceptance scenarios: each starts from a fresh world, changes the files,
//! the calendar or Alma itself, and checks the plan and what apply did.

use alma_access::alma::RoleStatus;
use alma_access::git;
use alma_access::reconcile::audit::Outcome;
use alma_access::reconcile::plan::SafetyRule;
use alma_access::reconcile::{ChangeKind, Deleted, Plan, UserStatus};

use super::world::{World, day, patron};

const GUS: &str = "logins/main/10000007.yaml";
const GUS_ID: &str = "10000007";

fn kinds(plan: &Plan, env: &str, id: &str) -> Vec<String> {
    plan.users
        .iter()
        .filter(|u| u.environment == env && u.primary_id == id)
        .flat_map(|u| {
            u.changes
                .iter()
                .map(|c| format!("{} {}", c.kind.label(), c.role.role_type))
        })
        .collect()
}

fn changed_ids(plan: &Plan) -> Vec<String> {
    let mut ids: Vec<String> = plan.changed().map(|u| u.primary_id.clone()).collect();
    ids.dedup();
    ids
}

/// A world whose Alma has been brought in line with the files.
fn applied() -> World {
    let world = World::new();
    let report = world.apply(&world.plan());
    assert!(report.ok(), "{report:?}");
    world
}

#[test]
fn initial_plan_then_apply_then_plan_again_is_empty() {
    let world = World::new();
    let plan = world.plan();
    assert!(plan.has_changes());
    assert!(plan.safety.is_empty(), "{:?}", plan.safety);
    assert!(plan.errors.is_empty());
    // Hal is production-only: he is planned once.
    assert_eq!(
        plan.users
            .iter()
            .filter(|u| u.primary_id == "10000008")
            .count(),
        1
    );
    let report = world.apply(&plan);
    assert!(report.ok(), "{report:?}");
    assert_eq!(report.applied.len(), plan.changed().count());
    let again = world.plan();
    assert!(
        !again.has_changes(),
        "second plan not empty: {:?}",
        changed_ids(&again)
    );
    let writes = world.writes();
    let report = world.apply(&again);
    assert!(report.applied.is_empty());
    assert_eq!(world.writes(), writes, "a second apply made writes");
}

#[test]
fn every_write_is_audited() {
    let world = World::new();
    let plan = world.plan();
    world.apply(&plan);
    let audit = world.audit();
    assert_eq!(
        audit.len(),
        2 * plan.changed().count(),
        "a started record before each write and an applied record after it"
    );
    assert!(
        audit
            .iter()
            .all(|r| matches!(r.outcome, Outcome::Started | Outcome::Applied))
    );
    let gus = audit
        .iter()
        .find(|r| r.primary_id == GUS_ID && r.environment == "production")
        .unwrap();
    assert!(gus.before.iter().all(|r| r.role_type == "200"));
    assert!(gus.after.iter().any(|r| r.role_type == "58"));
}

#[test]
fn modifying_a_login_plans_only_that_user() {
    let world = applied();
    world
        .fixture
        .edit(GUS, "type: view", "type: view-analytics");
    let plan = world.plan();
    assert_eq!(changed_ids(&plan), vec![GUS_ID]);
    assert_eq!(kinds(&plan, "production", GUS_ID), vec!["add 220"]);
    assert!(world.apply(&plan).ok());
    assert!(
        world
            .roles("sandbox", GUS_ID)
            .iter()
            .any(|r| r.role_type == "220")
    );
}

#[test]
fn deleting_a_login_file_revokes_its_managed_roles_and_keeps_patron() {
    let world = applied();
    commit_all(&world);
    world.fixture.remove(GUS);
    let repo = world.repo();
    let changes = git::changed_since(&world.fixture.root, "HEAD", &repo).unwrap();
    assert_eq!(changes.deleted.len(), 1);
    assert_eq!(changes.deleted[0].primary_id, GUS_ID);
    assert!(
        changes.logins.is_empty() && !changes.everything,
        "{changes:?}"
    );

    let plan = world.plan_with(|r| {
        r.only = Some(changes.logins.clone());
        r.deleted = changes.deleted.clone();
    });
    assert_eq!(changed_ids(&plan), vec![GUS_ID]);
    let change = &plan.changed().next().unwrap().changes[0];
    assert_eq!(change.kind, ChangeKind::Remove);
    assert!(change.reason.contains("deleted (R9)"), "{}", change.reason);
    assert!(world.apply(&plan).ok());
    let roles = world.roles("production", GUS_ID);
    assert_eq!(roles.len(), 1);
    assert_eq!(
        roles[0].role_type, "200",
        "the preserved Patron role survives"
    );
}

/// Commits the fixture's access folder to a new git repository.
fn commit_all(world: &World) {
    let dir = world.fixture.root.parent().unwrap();
    crate::files::commit_as(dir, "access", "access", ("Test", "test@example.edu"));
}

#[test]
fn a_catalogue_change_concerns_only_the_logins_using_the_changed_entry() {
    let world = applied();
    commit_all(&world);
    world.fixture.edit(
        "catalog.yaml",
        "  grants: [{alma_role: \"220\", scope: institution}]",
        "  grants: [{alma_role: \"220\", scope: institution}, {alma_role: \"244\", scope: institution}]",
    );
    let repo = world.repo();
    let changes = git::changed_since(&world.fixture.root, "HEAD", &repo).unwrap();
    assert!(!changes.everything);
    assert_eq!(
        changes.logins.iter().collect::<Vec<_>>(),
        vec!["10000001"],
        "only Ada holds analytics"
    );
    let plan = world.plan_with(|r| r.only = Some(changes.logins.clone()));
    assert_eq!(kinds(&plan, "production", "10000001"), vec!["add 244"]);
    let calls = plan.calls["production"];
    assert_eq!(calls.used - calls.config, 1, "one user read: {calls:?}");

    world.fixture.edit(
        "units.yaml",
        "  departments: [MAIN_ACQ]",
        "  departments: [MAIN_ACQ, MAIN_CAT]",
    );
    let changes = git::changed_since(&world.fixture.root, "HEAD", &world.repo()).unwrap();
    assert!(
        changes.logins.contains("10000007") && !changes.logins.contains("10000002"),
        "a unit change concerns that unit's logins: {changes:?}"
    );
}

#[test]
fn a_long_leave_deactivates_on_its_first_day() {
    let mut world = World::new();
    world.fixture.edit(
        GUS,
        "type: view",
        "type: view\nleave:\n  from: 2026-12-01\n  until: 2027-06-30",
    );
    assert!(world.apply(&world.plan()).ok());
    assert!(
        world
            .roles("production", GUS_ID)
            .iter()
            .all(|r| r.status == RoleStatus::Active)
    );
    world.today = day("2026-12-01");
    let plan = world.plan();
    assert_eq!(kinds(&plan, "production", GUS_ID), vec!["deactivate 58"]);
    assert!(world.apply(&plan).ok());
    let roles = world.roles("production", GUS_ID);
    assert!(
        roles
            .iter()
            .filter(|r| r.role_type != "200")
            .all(|r| r.status == RoleStatus::Inactive)
    );
    assert!(
        roles
            .iter()
            .any(|r| r.role_type == "200" && r.status == RoleStatus::Active)
    );
}

#[test]
fn a_short_leave_changes_nothing() {
    let mut world = World::new();
    world.fixture.edit(
        GUS,
        "type: view",
        "type: view\nleave:\n  from: 2026-12-01\n  until: 2026-12-31",
    );
    assert!(world.apply(&world.plan()).ok());
    world.today = day("2026-12-10");
    assert!(!world.plan().has_changes());
}

#[test]
fn roles_expire_with_the_end_date_and_go_after_it() {
    let mut world = World::new();
    world
        .fixture
        .edit(GUS, "type: view", "type: view\nend_date: 2026-12-15");
    assert!(world.apply(&world.plan()).ok());
    let role = world
        .roles("production", GUS_ID)
        .into_iter()
        .find(|r| r.role_type == "58")
        .unwrap();
    assert_eq!(
        role.expiry_date,
        Some(day("2026-12-15")),
        "the expiry date is written to Alma (R5)"
    );
    world.today = day("2026-12-15");
    assert!(
        !world.plan().has_changes(),
        "the last day of work is still a working day"
    );
    world.today = day("2026-12-16");
    let plan = world.plan();
    assert_eq!(kinds(&plan, "production", GUS_ID), vec!["remove 58"]);
    assert!(world.apply(&plan).ok());
    assert!(
        world
            .roles("production", GUS_ID)
            .iter()
            .all(|r| r.role_type == "200")
    );
}

#[test]
fn a_suspension_deactivates_and_removing_it_restores() {
    let world = applied();
    world.fixture.edit(
        GUS,
        "type: view",
        "type: view\nsuspended:\n  since: 2026-11-20\n  reason: inactivity",
    );
    let plan = world.plan();
    assert_eq!(kinds(&plan, "sandbox", GUS_ID), vec!["deactivate 58"]);
    assert!(world.apply(&plan).ok());
    world.fixture.edit(
        GUS,
        "suspended:\n  since: 2026-11-20\n  reason: inactivity\n",
        "",
    );
    assert_eq!(kinds(&world.plan(), "sandbox", GUS_ID), vec!["activate 58"]);
}

#[test]
fn a_role_added_by_hand_in_alma_is_removed() {
    let world = applied();
    world.edit_in_alma("production", GUS_ID, |roles| {
        let mut extra = patron("01TEST_INST");
        extra.set_code("role_type", "206");
        roles.push(extra);
    });
    let plan = world.plan();
    assert_eq!(kinds(&plan, "production", GUS_ID), vec!["remove 206"]);
    assert!(
        plan.changed().next().unwrap().changes[0]
            .reason
            .contains("not granted by access/logins/main/10000007.yaml")
    );
    assert!(world.apply(&plan).ok());
    assert!(!world.plan().has_changes());
}

#[test]
fn duplicates_in_alma_are_normalised() {
    let world = applied();
    world.edit_in_alma("sandbox", GUS_ID, |roles| {
        let copy = roles
            .iter()
            .find(|r| r.code("role_type").as_deref() == Some("58"))
            .unwrap()
            .clone();
        roles.push(copy);
    });
    assert_eq!(
        kinds(&world.plan(), "sandbox", GUS_ID),
        vec!["deduplicate 58"]
    );
    assert!(world.apply(&world.plan()).ok());
    assert_eq!(
        world
            .roles("sandbox", GUS_ID)
            .iter()
            .filter(|r| r.role_type == "58")
            .count(),
        1
    );
    assert!(!world.plan().has_changes());
}

#[test]
fn a_removal_cap_stops_the_plan() {
    let world = applied();
    world.fixture.edit(
        "institution.yaml",
        "max_removals: {count: 25, ratio: 0.1}",
        "max_removals: {count: 1, ratio: 1.0}",
    );
    world
        .fixture
        .remove(GUS)
        .remove("logins/main/10000008.yaml");
    let deleted = ["10000007", "10000008"].map(|id| Deleted {
        primary_id: id.into(),
        file: format!("{id}.yaml"),
        environments: vec!["production".into()],
    });
    let plan = world.plan_with(|r| r.deleted = deleted.to_vec());
    assert!(
        plan.safety
            .iter()
            .any(|s| s.rule == SafetyRule::MaxRemovalsCount),
        "{:?}",
        plan.safety
    );
}

#[test]
fn a_protected_user_is_never_planned_for_change() {
    let world = World::new();
    world.fixture.edit(
        "institution.yaml",
        "protected_users: [BREAK-GLASS]",
        "protected_users: [\"10000007\"]",
    );
    let plan = world.plan();
    assert!(
        plan.safety
            .iter()
            .any(|s| s.rule == SafetyRule::ProtectedUsers && s.message.contains(GUS_ID))
    );
}

#[test]
fn taking_the_last_system_administrator_away_stops_the_plan() {
    let world = applied();
    world
        .fixture
        .edit(
            "logins/systems/10000006.yaml",
            "type: systems",
            "type: view",
        )
        .edit(
            "logins/systems/10000006.yaml",
            "consultation: SYS-4388\n",
            "",
        );
    let plan = world.plan();
    assert!(
        plan.safety.iter().any(|s| s.rule == SafetyRule::MinHolders),
        "{:?}",
        plan.safety
    );
}

#[test]
fn a_user_edited_between_plan_and_apply_is_skipped() {
    let world = World::new();
    let plan = world.plan();
    world.edit_in_alma("production", GUS_ID, |roles| {
        roles.push(patron("01TEST_INST"))
    });
    let report = world.apply(&plan);
    assert_eq!(report.skipped.len(), 1);
    let (env, id, why) = &report.skipped[0];
    assert_eq!((env.as_str(), id.as_str()), ("production", GUS_ID));
    assert!(why.contains("changed in Alma since the plan"), "{why}");
    assert_eq!(
        report.applied.len(),
        plan.changed().count() - 1,
        "the others are still applied"
    );
    assert!(
        world
            .audit()
            .iter()
            .any(|r| r.primary_id == GUS_ID && r.outcome == Outcome::Skipped)
    );
}

#[test]
fn a_login_without_an_alma_account_waits() {
    let world = World::new();
    let text = std::fs::read_to_string(world.fixture.root.join(GUS))
        .unwrap()
        .replace(GUS_ID, "10000099");
    world.fixture.write("logins/main/10000099.yaml", text);
    let plan = world.plan();
    let waiting: Vec<_> = plan
        .users
        .iter()
        .filter(|u| u.status == UserStatus::Waiting)
        .collect();
    assert_eq!(waiting.len(), 2, "one per environment");
    assert!(waiting.iter().all(|u| u.primary_id == "10000099"));
    assert!(
        world.apply(&plan).ok(),
        "waiting users do not fail the others"
    );
}

#[test]
fn a_users_last_roles_are_deactivated_not_removed() {
    let world = applied();
    world.edit_in_alma("production", GUS_ID, |roles| {
        roles.retain(|r| r.code("role_type").as_deref() != Some("200"))
    });
    let deleted = vec![Deleted {
        primary_id: GUS_ID.into(),
        file: GUS.into(),
        environments: vec!["production".into()],
    }];
    world.fixture.remove(GUS);
    let plan = world.plan_with(|r| r.deleted = deleted);
    assert_eq!(kinds(&plan, "production", GUS_ID), vec!["deactivate 58"]);
    assert!(plan.users.iter().any(|u| {
        u.notes
            .iter()
            .any(|n| n.contains("cannot remove a user's last roles"))
    }));
    assert!(world.apply(&plan).ok());
    assert!(
        world
            .roles("production", GUS_ID)
            .iter()
            .all(|r| r.status == RoleStatus::Inactive)
    );
}

#[test]
fn a_role_at_a_network_zone_passes_through_unless_institution_yaml_manages_its_scope() {
    const NETWORK: &str = "01TEST_NETWORK";
    let world = World::new_with(|_, state| {
        state.other_scopes = vec![alma_access::emulator::NamedEntry {
            code: NETWORK.into(),
            name: "Test network zone".into(),
        }];
    });
    assert!(world.apply(&world.plan()).ok());
    let mut network = patron(NETWORK);
    network.set_code("role_type", "206");
    world.edit_in_alma("production", GUS_ID, |roles| {
        roles.push(network.clone());
        roles.push(patron("01TEST_INST"));
    });
    let plan = world.plan();
    assert!(kinds(&plan, "production", GUS_ID).is_empty());
    let gus = plan.users.iter().find(|u| u.primary_id == GUS_ID).unwrap();
    let patrons = gus.after.iter().filter(|r| r.role_type == "200").count();
    assert_eq!(patrons, 2, "duplicate Patron roles stay as they are");
    assert!(gus.after.iter().any(|r| r.scope == NETWORK));

    world.fixture.edit(
        "institution.yaml",
        "preserve_roles: [\"200\"]",
        "preserve_roles: [\"200\"]\nmanaged_scopes: [01TEST_NETWORK]",
    );
    let plan = world.plan();
    assert_eq!(kinds(&plan, "production", GUS_ID), vec!["remove 206"]);
    assert!(plan.config.is_empty(), "{:?}", plan.config);
    assert!(world.apply(&plan).ok());
    let roles = world.roles("production", GUS_ID);
    assert!(!roles.iter().any(|r| r.scope == NETWORK));
    assert!(!world.plan().has_changes());

    // A managed scope is one Alma's library list does not show: a role
    // granted there is no reason to block the user.
    world.fixture.edit(
        "logins/main/10000001.yaml",
        "work_order_departments:",
        "additional_roles:\n  - {alma_role: \"206\", scope: 01TEST_NETWORK, consultation: SYS-1}\nwork_order_departments:",
    );
    let plan = world.plan();
    assert_eq!(kinds(&plan, "production", "10000001"), vec!["add 206"]);
    assert!(plan.config.is_empty(), "{:?}", plan.config);
    assert!(world.apply(&plan).ok());
    assert!(!world.plan().has_changes());
}
