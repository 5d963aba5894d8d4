//! A full scan sees the whole truth (R11): staff users that no login file
//! names but that hold roles (granted by hand, or left by a deleted file),
//! at a listing cost of ceil(N/100) calls plus one read per such user;
//! with `unmanaged_access: remove` their roles go like any other change.

use alma_access::emulator::description::UserDescription;
use alma_access::emulator::seed;
use serde_json::Value;

use super::{Checkout, TODAY, text};

/// Staff users the minimal institution's Alma holds though no login file
/// names them: a former staff member still holding License Viewer, desk
/// roles granted by hand in the Alma UI, the protected break-glass administrator.
const OUTSIDE: &str = r#"
- {primary_id: "30000001", name: Harold Vance, record: STAFF, flavour: by-hand,
   roles: [58 ACTIVE, 200 ACTIVE]}
- {primary_id: "30000002", name: Dana Whitfield, record: STAFF, flavour: by-hand,
   roles: [32 @MAIN CirculationDesk=MAIN_CIRC ACTIVE, 51 @MAIN CirculationDesk=MAIN_CIRC ACTIVE,
           200 ACTIVE]}
- {primary_id: BREAK-GLASS, name: Break-Glass Administrator, record: STAFF, flavour: by-hand,
   roles: [26 ACTIVE]}
"#;

/// The minimal institution, its Alma the built-in target's (every login's
/// user with Patron only) and the staff users of [`OUTSIDE`]; its roles
/// are few, so the ratio cap is raised.
fn minimal() -> Checkout {
    let c = Checkout::of("tests/fixtures/minimal");
    c.edit(
        "institution.yaml",
        "max_removals: {count: 25, ratio: 0.1}",
        "max_removals: {count: 25, ratio: 0.5}",
    );
    c.commit("A small institution: allow half its roles to change");
    let today = chrono::NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap();
    let (_, outcome) = alma_access::validate::validate_dir(&c.root().join("access"), today);
    let repo = outcome.repo.expect("the fixture validates");
    let outside: Vec<UserDescription> = serde_yaml::from_str(OUTSIDE).unwrap();
    let dir = c.root().join(".alma-access/emulator");
    std::fs::create_dir_all(&dir).unwrap();
    for env in ["production", "sandbox"] {
        let mut alma = alma_access::synth::fallback(&repo, env, today);
        alma.users.extend(outside.iter().cloned());
        seed::from_description(&alma, today)
            .save(&dir.join(format!("{env}.json")))
            .unwrap();
    }
    c
}

/// The emulator state the built-in target keeps for `env`.
fn state(c: &Checkout, env: &str) -> alma_access::emulator::State {
    alma_access::emulator::State::load(&c.root().join(format!(".alma-access/emulator/{env}.json")))
        .unwrap()
}

fn plan_json(c: &Checkout) -> Value {
    let out = c.run(&["plan", "--format", "json"], &[]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    serde_json::from_str::<Value>(&stdout).unwrap()["plan"].clone()
}

fn unmanaged(plan: &Value, env: &str) -> Vec<(String, String, Vec<String>)> {
    plan["unmanaged"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["environment"] == env)
        .map(|u| {
            let roles = u["roles"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["role_type"].as_str().unwrap().to_string())
                .collect();
            (
                u["name"].as_str().unwrap().to_string(),
                u["disposition"].as_str().unwrap().to_string(),
                roles,
            )
        })
        .collect()
}

#[test]
fn a_full_scan_reports_access_granted_outside_the_repository() {
    let c = minimal();
    let plan = plan_json(&c);
    let found = unmanaged(&plan, "production");
    assert!(
        found.contains(&("Harold Vance".into(), "reported".into(), vec!["58".into()])),
        "{found:?}"
    );
    assert!(
        found.contains(&(
            "Break-Glass Administrator".into(),
            "protected".into(),
            vec!["26".into()]
        )),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(name, _, roles)| name == "Dana Whitfield" && !roles.is_empty()),
        "a desk role granted by hand: {found:?}"
    );
    // The listing costs ceil(N/100) calls, and one read per staff user without a file.
    let alma = state(&c, "production");
    let known: Vec<String> = std::fs::read_dir(c.root().join("access/logins"))
        .unwrap()
        .flat_map(|d| std::fs::read_dir(d.unwrap().path()).unwrap())
        .map(|f| {
            f.unwrap()
                .path()
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .to_lowercase()
        })
        .collect();
    let staff_without_file = alma
        .users
        .iter()
        .filter(|u| u.is_staff() && !known.contains(&u.primary_id.to_lowercase()))
        .count() as u64;
    let calls = &plan["calls"]["production"];
    assert_eq!(calls["listing"], (alma.users.len() as u64).div_ceil(100));
    assert_eq!(calls["unmanaged_reads"], staff_without_file);
    let out = c.run(&["plan"], &[]);
    let (stdout, _) = text(&out);
    assert!(stdout.contains("Unmanaged access (R11): "), "{stdout}");
    assert!(stdout.contains("Harold Vance [reported]"), "{stdout}");
    let out = c.run(&["plan", "--format", "markdown"], &[]);
    assert!(text(&out).0.contains("#### Unmanaged access"));
}

#[test]
fn a_deleted_login_file_is_unmanaged_access_in_a_full_scan() {
    let c = minimal();
    assert_eq!(c.run(&["apply", "--confirm"], &[]).status.code(), Some(0));
    c.remove("logins/main/10000007.yaml");
    c.commit("Gus has left");
    let plan = plan_json(&c);
    let gus: Vec<_> = plan["unmanaged"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["primary_id"] == "10000007")
        .collect();
    assert_eq!(gus.len(), 2, "both environments: {gus:?}");
    assert_eq!(gus[0]["roles"][0]["role_type"], "58");
}

#[test]
fn with_unmanaged_access_remove_the_roles_go_under_the_same_gates() {
    let c = minimal();
    c.edit(
        "institution.yaml",
        "inactivity_days: 90",
        "inactivity_days: 90\nunmanaged_access: remove",
    );
    c.commit("Remove access granted outside the repository");
    let plan = plan_json(&c);
    let found = unmanaged(&plan, "production");
    assert!(found.contains(&("Harold Vance".into(), "removed".into(), vec!["58".into()])));
    assert!(
        found.contains(&(
            "Break-Glass Administrator".into(),
            "protected".into(),
            vec!["26".into()]
        )),
        "a protected user is only reported: {found:?}"
    );
    // The removals count toward the caps like any other loss of access.
    assert!(
        plan["safety"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["rule"] == "max_removals.ratio"),
        "{}",
        plan["safety"]
    );
    let out = c.run(&["apply", "--confirm"], &[]);
    assert_eq!(out.status.code(), Some(1), "the caps stop it");
    let reason = "removing access granted outside the repository, agreed by LTS";
    let out = c.run(&["apply", "--confirm", "--allow-mass-change", reason], &[]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("no login file grants access to this staff user"),
        "{stdout}"
    );
    let again = plan_json(&c);
    let left = unmanaged(&again, "production");
    assert!(
        left.iter().all(|(name, _, _)| name != "Harold Vance"),
        "{left:?}"
    );
    assert!(left.iter().any(|(_, d, _)| d == "protected"));
    let harold = state(&c, "production")
        .users
        .into_iter()
        .find(|u| u.display_name() == "Harold Vance")
        .unwrap();
    let roles: Vec<String> = harold
        .user_role
        .unwrap()
        .iter()
        .filter_map(|r| r.code("role_type"))
        .collect();
    assert_eq!(roles, ["200"], "the Patron role stays");
}

/// Changes the built-in emulator's saved state for `env`.
fn edit_state(c: &Checkout, env: &str, edit: impl FnOnce(&mut alma_access::emulator::State)) {
    let path = c.root().join(format!(".alma-access/emulator/{env}.json"));
    let mut state = alma_access::emulator::State::load(&path).unwrap();
    edit(&mut state);
    state.save(&path).unwrap();
}

#[test]
fn roles_alma_lacks_block_their_users_and_roles_it_refuses_are_warned() {
    let c = minimal();
    assert_eq!(
        c.run(&["plan"], &[]).status.code(),
        Some(0),
        "seeds the emulator"
    );
    edit_state(&c, "production", |state| {
        // Alma no longer has Design Analytics, which the catalogue grants Ada.
        let table = state
            .code_tables
            .get_mut(alma_access::alma::ROLE_TYPE_TABLE)
            .unwrap();
        table.retain(|row| row.code != "220");
        // Gus holds a role at a library since closed, granted by hand.
        let gus = state
            .users
            .iter_mut()
            .find(|u| u.primary_id == "10000007")
            .unwrap();
        let mut closed = gus.user_role.as_ref().unwrap()[0].clone();
        closed.set_code("role_type", "200");
        closed.set_code("scope", "CLOSED_LIB");
        gus.user_role.as_mut().unwrap().push(closed);
    });
    let plan = plan_json(&c);
    let findings = plan["config"].as_array().unwrap();
    let ada = findings
        .iter()
        .find(|f| f["kind"] == "missing" && f["primary_id"] == "10000001")
        .unwrap_or_else(|| panic!("{findings:?}"));
    assert_eq!(ada["role"]["role_type"], "220");
    assert_eq!(ada["environment"], "production");
    let blocked: Vec<_> = plan["users"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["status"] == "blocked")
        .map(|u| {
            (
                u["environment"].as_str().unwrap(),
                u["primary_id"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(blocked.contains(&("production", "10000001")), "{blocked:?}");
    for (env, id) in &blocked {
        assert_eq!(*env, "production", "only production lacks the role");
        assert!(
            findings.iter().any(|f| f["kind"] == "missing"
                && f["primary_id"] == *id
                && f["role"]["role_type"] == "220"),
            "{id} is blocked for the missing role only"
        );
    }
    let gus = findings
        .iter()
        .find(|f| f["kind"] == "refused" && f["primary_id"] == "10000007")
        .unwrap_or_else(|| panic!("{findings:?}"));
    assert!(gus["why"].as_str().unwrap().contains("library CLOSED_LIB"));

    let out = c.run(&["plan"], &[]);
    let (stdout, _) = text(&out);
    assert!(
        stdout.contains("ALMA LACKS A ROLE THIS PLAN GRANTS"),
        "{stdout}"
    );
    assert!(
        stdout.contains("WARNING, ALMA WILL REFUSE A ROLE HELD"),
        "{stdout}"
    );
    let out = c.run(&["apply", "--env", "production", "--confirm"], &[]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("NOT APPLIED production 10000001"),
        "{stdout}"
    );
    let audit =
        alma_access::reconcile::audit::AuditLog::read(&c.root().join(".alma-access/audit.jsonl"))
            .unwrap();
    assert!(
        audit.iter().all(|r| r.primary_id != "10000001"),
        "Ada is never written"
    );
    assert!(
        audit
            .iter()
            .any(|r| r.outcome == alma_access::reconcile::audit::Outcome::Applied)
    );
}
