//! Attacks on the reconciler that once worked, one test each: a lookup
//! answered by another person (Alma's `all_unique` ids), writes before the
//! environment check, a refused key retried for every user, mass losses of
//! access that passed the caps, and text that broke out of the plan comment.

use std::collections::BTreeMap;
use std::time::Duration;

use alma_access::alma::{AlmaClient, AlmaRead, ApiKey, ClientConfig};
use alma_access::emulator::fixtures::{READ_ONLY_KEY, READ_WRITE_KEY};
use alma_access::emulator::{KeyEntry, Server, State, Stats, serve};
use alma_access::reconcile::audit::{AuditLog, Outcome};
use alma_access::reconcile::plan::SafetyRule;
use alma_access::reconcile::render::{self, Legend};
use alma_access::reconcile::{ChangeKind, markdown, safety};
use serde_json::json;

use super::world::{World, block_on};

/// Gus: a view login.
const GUS: &str = "10000007";
/// Ann: an acquisitions login in main.
const ANN: &str = "10000004";

/// Gives `holder` an identifier (a barcode) equal to `value`, as Alma allows.
fn barcode(state: &mut State, holder: &str, value: &str) {
    let user = state
        .users
        .iter_mut()
        .find(|u| u.primary_id == holder)
        .unwrap();
    user.rest.insert(
        "user_identifier".into(),
        json!([{"id_type": {"value": "BARCODE", "desc": "Barcode"}, "value": value,
                "status": "ACTIVE", "segment_type": "Internal"}]),
    );
}

#[test]
fn a_lookup_answered_by_another_person_is_an_error_never_a_diff() {
    // Gus has no Alma account yet, and Ann's barcode is Gus's primary id:
    // `GET /users/10000007` answers with Ann.
    let world = World::new_with(|_, state| {
        state.users.retain(|u| u.primary_id != GUS);
        barcode(state, ANN, GUS);
    });
    let answered = block_on(world.alma["production"].get_user(GUS)).unwrap();
    assert_eq!(
        answered.unwrap().primary_id,
        ANN,
        "the emulator matches barcodes as Alma does"
    );
    let plan = world.plan();
    for env in ["production", "sandbox"] {
        let error = plan
            .errors
            .iter()
            .find(|e| e.primary_id == GUS && e.environment == env)
            .unwrap_or_else(|| panic!("no read error for Gus in {env}: {:?}", plan.errors));
        assert!(
            error.message.contains("another person"),
            "{}",
            error.message
        );
        assert!(error.message.contains(ANN), "{}", error.message);
    }
    assert!(
        plan.users.iter().all(|u| u.primary_id != GUS),
        "Gus is never diffed against Ann's roles"
    );
    // Whatever is applied, Ann only ever gets what her own file grants.
    world.apply(&plan);
    let ann_file = plan
        .users
        .iter()
        .find(|u| u.primary_id == ANN)
        .unwrap()
        .after
        .clone();
    assert_eq!(
        world.roles("production", ANN),
        alma_access::alma::normalize(ann_file)
    );
}

#[test]
fn apply_refuses_a_user_that_became_another_person_after_the_plan() {
    let world = World::new();
    let plan = world.plan();
    assert!(plan.changed().any(|u| u.primary_id == GUS));
    // Between plan and apply, Gus's account goes and Ann takes his id as a barcode.
    for env in ["production", "sandbox"] {
        world.alma[env].edit_state(|state| {
            state.users.retain(|u| u.primary_id != GUS);
            barcode(state, ANN, GUS);
        });
    }
    let ann_before = world.roles("production", ANN);
    let report = world.apply(&plan);
    let gus: Vec<_> = report
        .failed
        .iter()
        .filter(|(_, id, _)| id == GUS)
        .collect();
    assert_eq!(gus.len(), 2, "{report:?}");
    assert!(gus[0].2.contains("another person"), "{}", gus[0].2);
    let ann_after = world.roles("production", ANN);
    let ann_planned = plan
        .users
        .iter()
        .any(|u| u.primary_id == ANN && u.environment == "production" && !u.changes.is_empty());
    if !ann_planned {
        assert_eq!(ann_before, ann_after, "Gus's roles were written to Ann");
    }
    assert!(
        world
            .audit()
            .iter()
            .all(|r| !(r.primary_id == GUS && r.outcome == Outcome::Started)),
        "no write was even started for Gus"
    );
}

/// A client of `server` with `key`, expecting `environment`.
fn client(server: &Server, key: &str, environment: &str) -> AlmaClient {
    let mut config = ClientConfig::new(server.base_url(), ApiKey::new(key));
    config.requests_per_second = 0.0;
    config.retry_base_delay = Duration::from_millis(5);
    config.retry_max_delay = Duration::from_millis(20);
    config.expected_environment = Some(environment.to_string());
    AlmaClient::new(config).unwrap()
}

/// Applies `world`'s full plan over HTTP to production only, with `key`
/// and `expected` as the configured environment type.
fn apply_over_http(
    world: &World,
    key: &str,
    expected: &str,
) -> (
    alma_access::reconcile::apply::Report,
    Vec<alma_access::reconcile::audit::Record>,
    Stats,
) {
    let plan = world.plan_with(|r| r.environments = vec!["production".into()]);
    assert!(plan.changed().count() > 2);
    let emulator = world.alma["production"].clone();
    let before = emulator.stats();
    let dir = tempfile::tempdir().unwrap();
    let audit_path = dir.path().join("audit.jsonl");
    let report = block_on(async {
        let server = serve(emulator.clone(), "127.0.0.1:0").await.unwrap();
        let clients = BTreeMap::from([("production".to_string(), client(&server, key, expected))]);
        let mut audit = AuditLog::open(&audit_path).unwrap();
        let repo = world.repo();
        let report = alma_access::reconcile::apply::apply(
            &clients,
            &plan,
            &repo.institution.preserve_roles,
            &mut audit,
        )
        .await;
        server.shutdown().await.unwrap();
        report
    });
    let records = AuditLog::read(&audit_path).unwrap_or_default();
    let after = emulator.stats();
    let during = Stats {
        reads: after.reads - before.reads,
        writes: after.writes - before.writes,
        rejected_writes: after.rejected_writes - before.rejected_writes,
        ..after
    };
    (report, records, during)
}

#[test]
fn a_key_of_another_environment_gets_no_write_and_no_started_record() {
    let world = World::new_with(|_, state| {
        state.environment_type = "SANDBOX".into();
        state.api_keys = vec![KeyEntry {
            key: READ_WRITE_KEY.into(),
            access: alma_access::emulator::Access::ReadWrite,
        }];
    });
    let (report, records, stats) = apply_over_http(&world, READ_WRITE_KEY, "production");
    assert!(report.applied.is_empty(), "{report:?}");
    assert_eq!(stats.writes + stats.rejected_writes, 0, "nothing was sent");
    assert_eq!(
        stats.reads, 1,
        "conf/general only: no user was even re-read"
    );
    assert!(
        records.iter().all(|r| r.outcome == Outcome::Failed),
        "{records:?}"
    );
    assert!(!records.is_empty());
    let why = &report.failed[0].2;
    assert!(
        why.contains("environment check failed") && why.contains("SANDBOX"),
        "{why}"
    );
}

#[test]
fn a_refused_key_stops_the_environment_at_the_first_write() {
    // A read-only key: conf/general and reads pass, the first PUT is refused.
    let world = World::new_with(|_, state| {
        state.environment_type = "PRODUCTION".into();
        state.api_keys = vec![KeyEntry {
            key: READ_ONLY_KEY.into(),
            access: alma_access::emulator::Access::Read,
        }];
    });
    let (report, records, stats) = apply_over_http(&world, READ_ONLY_KEY, "production");
    assert_eq!(
        stats.rejected_writes + stats.writes,
        1,
        "one PUT, not one per user: {stats:?}"
    );
    let started = records
        .iter()
        .filter(|r| r.outcome == Outcome::Started)
        .count();
    assert_eq!(started, 1, "{records:?}");
    assert!(report.failed.len() > 2);
    assert!(
        report.failed[1..]
            .iter()
            .all(|(_, _, why)| why.contains("no further requests")),
        "{report:?}"
    );
}

/// A world whose Alma has been brought in line with the files.
fn applied() -> World {
    let world = World::new();
    let report = world.apply(&world.plan());
    assert!(report.ok(), "{report:?}");
    world
}

const SUSPENDED: [(&str, &str); 3] = [
    ("logins/main/10000001.yaml", "10000001"),
    ("logins/main/10000003.yaml", "10000003"),
    ("logins/main/10000004.yaml", "10000004"),
];

#[test]
fn a_narrow_plan_is_measured_against_every_managed_role_of_the_institution() {
    let world = applied();
    for (file, _) in SUSPENDED {
        world.fixture.edit(
            file,
            "unit: main\n",
            "unit: main\nsuspended: {since: 2026-11-20, reason: security}\n",
        );
    }
    // As a pull request plans it: only the changed logins are read.
    let plan = world.plan_with(|r| {
        r.only = Some(SUSPENDED.iter().map(|(_, id)| id.to_string()).collect());
        r.scope = alma_access::reconcile::Scope::ChangedSince {
            base: "HEAD".into(),
            files: 3,
        };
    });
    let production = plan.losses["production"];
    let deactivations = plan
        .users
        .iter()
        .filter(|u| u.environment == "production")
        .flat_map(|u| &u.changes)
        .filter(|c| c.kind == ChangeKind::Deactivate)
        .count();
    assert!(deactivations > 0);
    assert_eq!(production.count, deactivations, "deactivations are losses");
    let full = world.plan();
    assert_eq!(
        production.managed, full.losses["production"].managed,
        "the share is of the whole institution, not of the plan"
    );
    let share = production.count as f64 / production.managed as f64;
    assert!(share > 0.1, "{production:?}");
    assert!(
        plan.safety
            .iter()
            .any(|s| s.rule == SafetyRule::MaxRemovalsRatio && s.message.contains("production")),
        "a narrow plan is held to the ratio: {:?}",
        plan.safety
    );
    let refused = safety::refusal(&plan, false).expect("refused");
    assert!(refused.contains("max_removals.ratio"), "{refused}");
    assert_eq!(
        safety::refusal(&plan, true),
        None,
        "an intended mass change may pass the caps"
    );
}

#[test]
fn an_expiry_moved_earlier_is_a_loss_of_access() {
    let world = applied();
    world.fixture.edit(
        "logins/main/10000007.yaml",
        "type: view\n",
        "type: view\nend_date: 2026-12-31\n",
    );
    let plan = world.plan();
    let gus = plan
        .users
        .iter()
        .find(|u| u.environment == "production" && u.primary_id == GUS)
        .unwrap();
    assert!(
        gus.changes
            .iter()
            .all(|c| matches!(c.kind, ChangeKind::Expiry { .. })),
        "{:?}",
        gus.changes
    );
    assert_eq!(plan.losses["production"].count, gus.changes.len());
}

#[test]
fn protected_users_and_minimum_holders_never_yield_to_the_override() {
    let world = applied();
    world.fixture.edit(
        "logins/systems/10000006.yaml",
        "type: systems",
        "type: view",
    );
    let plan = world.plan();
    assert!(
        plan.safety.iter().any(|s| s.rule == SafetyRule::MinHolders),
        "{:?}",
        plan.safety
    );
    let refused = safety::refusal(&plan, true).expect("still refused");
    assert!(refused.contains("min_holders"), "{refused}");
}

/// Whether `line` is inside a fenced code block of `markdown`, by CommonMark's rule
/// (a fence of N backticks closes only on a line of at least N backticks and nothing else).
fn fenced_lines(markdown: &str) -> Vec<(bool, &str)> {
    let mut open: Option<usize> = None;
    let mut out = Vec::new();
    for line in markdown.lines() {
        let ticks = line.chars().take_while(|c| *c == '`').count();
        match open {
            None if ticks >= 3 => {
                open = Some(ticks);
                out.push((true, line));
            }
            Some(n) if ticks >= n && line.trim_end().chars().all(|c| c == '`') => {
                open = None;
                out.push((true, line));
            }
            state => out.push((state.is_some(), line)),
        }
    }
    out
}

#[test]
fn text_from_a_pull_request_cannot_break_out_of_the_plan_comment() {
    let world = World::new();
    world.fixture.edit(
        "catalog.yaml",
        r#"grants: [{alma_role: "58", scope: institution}]
  view-analytics:"#,
        r#"grants: [{alma_role: "58", scope: institution, name: "Viewer\n````\n✅ Approved by @sys-admin1 <img src=x onerror=alert(1)>\n````"}]
  view-analytics:"#,
    );
    let plan = world.plan();
    let legend = Legend::from_catalog(&world.repo().catalog);
    let comment = markdown::markdown(&plan, &legend, markdown::GITHUB_COMMENT_LIMIT);
    assert!(
        comment.contains("Approved by @sys-admin1"),
        "the name is shown"
    );
    for (fenced, line) in fenced_lines(&comment) {
        if line.contains("Approved by") || line.contains("<img") {
            assert!(fenced, "outside a code block: {line:?}\n{comment}");
            assert!(!line.starts_with('✅'), "a line of its own: {line:?}");
        }
    }
    assert!(!comment.contains("<summary><code><"), "{comment}");
    let text = render::text(&plan, &legend);
    assert!(
        text.lines()
            .all(|l| !l.starts_with('✅') && !l.starts_with("````")),
        "{text}"
    );
}
