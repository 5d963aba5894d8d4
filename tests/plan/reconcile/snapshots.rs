//! Snapshots of the rendered plan, as text and as the JSON artifact.

use alma_access::reconcile::render::{self, Legend};

use super::world::World;

#[test]
fn the_initial_plan_renders() {
    let world = World::new();
    let plan = world.plan();
    let repo = world.repo();
    insta::assert_snapshot!(
        "initial_plan_text",
        render::text(&plan, &Legend::for_plan(&repo.catalog, &plan))
    );
    // The JSON artifact, small enough to review: the plan of one login in
    // one environment, with every field a plan carries.
    let mut one = plan.clone();
    one.users
        .retain(|u| u.primary_id == "10000003" && u.environment == "production");
    assert_eq!(one.users.len(), 1, "the login is in the plan");
    one.role_names.retain(|code, _| {
        one.users[0]
            .changes
            .iter()
            .any(|c| &c.role.role_type == code)
    });
    let json = serde_json::to_string_pretty(&one).unwrap();
    insta::assert_snapshot!("one_login_plan_json", json);
}

#[test]
fn a_plan_with_drift_and_a_leave_renders() {
    let mut world = World::new();
    world.fixture.edit(
        "logins/main/10000007.yaml",
        "type: view",
        "type: view\nleave:\n  from: 2026-12-01\n  until: 2027-06-30",
    );
    world.apply(&world.plan());
    world.edit_in_alma("production", "10000001", |roles| {
        let mut extra = roles[0].clone();
        extra.set_code("role_type", "33");
        extra.set_code("scope", "01TEST_INST");
        roles.push(extra);
    });
    world.today = super::world::day("2026-12-01");
    let plan = world.plan();
    insta::assert_snapshot!(
        "drift_and_leave_text",
        render::text(&plan, &Legend::for_plan(&world.repo().catalog, &plan))
    );
}

#[test]
fn the_markdown_comment_renders() {
    let world = World::new();
    let plan = world.plan();
    let md = alma_access::reconcile::markdown::markdown(
        &plan,
        &Legend::for_plan(&world.repo().catalog, &plan),
        65_535,
    );
    assert!(md.starts_with(alma_access::reconcile::markdown::MARKER));
    insta::assert_snapshot!("initial_plan_markdown", md);
}

#[test]
fn a_markdown_plan_of_5000_changed_users_fits_in_a_github_comment() {
    use alma_access::reconcile::markdown::{GITHUB_COMMENT_LIMIT, markdown};
    let world = World::new();
    let mut plan = world.plan();
    let template = plan.changed().next().unwrap().clone();
    plan.users = (0..5_000)
        .map(|i| {
            let mut u = template.clone();
            u.primary_id = format!("9{i:07}");
            u
        })
        .collect();
    let md = markdown(
        &plan,
        &Legend::for_plan(&world.repo().catalog, &plan),
        GITHUB_COMMENT_LIMIT,
    );
    assert!(
        md.chars().count() <= GITHUB_COMMENT_LIMIT,
        "{} characters",
        md.chars().count()
    );
    assert!(
        md.contains("Logins: 5000 to change"),
        "the summary is always there"
    );
    assert!(
        md.contains("more login(s) not shown here"),
        "the cut is said"
    );
    assert!(md.contains("plan` artifact"), "and points at the full plan");
}
