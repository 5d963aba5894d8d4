//! Unit tests of the pure review rules, on the tables of `tests/fixtures/minimal`.

use std::collections::BTreeMap;
use std::path::Path;

use super::*;
use crate::review::input::{ChangedFile, FileStatus, ReviewState, Table, parse_strict};

const HEAD: &str = "1111111111111111111111111111111111111111";
const OLD: &str = "2222222222222222222222222222222222222222";

fn fixture(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/minimal")
        .join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn tables() -> Tables {
    Tables {
        institution: Table::Read(parse_strict(&fixture("institution.yaml")).unwrap()),
        units: Table::Read(parse_strict(&fixture("units.yaml")).unwrap()),
        catalog: Table::Read(parse_strict(&fixture("catalog.yaml")).unwrap()),
        profiles: BTreeMap::from([(
            "circ-student".to_string(),
            parse_strict(&fixture("profiles/circ-student.yaml")).unwrap(),
        )]),
    }
}

fn modified(path: &str, base: &str, head: &str) -> Change {
    Change {
        file: ChangedFile {
            path: format!("access/{path}"),
            status: FileStatus::Modified,
        },
        base: Some(base.to_string()),
        head: Some(head.to_string()),
    }
}

fn login(rel: &str) -> String {
    fixture(rel)
}

fn approve(user: &str, commit: &str) -> Review {
    review(user, ReviewState::Approved, commit)
}

fn review(user: &str, state: ReviewState, commit: &str) -> Review {
    Review {
        user: user.to_string(),
        state,
        commit_id: Some(commit.to_string()),
    }
}

fn run(changes: &[Change], author: &str, reviews: &[Review]) -> Vec<Requirement> {
    run_with(changes, author, reviews, &tables(), &tables())
}

fn run_with(
    changes: &[Change],
    author: &str,
    reviews: &[Review],
    base: &Tables,
    head: &Tables,
) -> Vec<Requirement> {
    let ctx = Context {
        prefix: "access/",
        author,
        commit_authors: &[],
        head_sha: HEAD,
        reviews,
        base,
        head,
    };
    requirements(changes, &ctx)
}

fn summary(reqs: &[Requirement]) -> Vec<(String, bool)> {
    reqs.iter()
        .map(|r| (r.who.to_string(), r.is_met()))
        .collect()
}

/// A plain login (acquisitions and resource management operators): not sensitive.
const PLAIN: &str = "logins/main/10000004.yaml";

fn edited_plain() -> Change {
    let text = login(PLAIN);
    modified(PLAIN, &text, &text.replace("2027-11-01", "2027-12-01"))
}

#[test]
fn a_login_change_needs_its_units_liaison_and_its_manager() {
    let reqs = run(&[edited_plain()], "someone", &[]);
    assert_eq!(
        summary(&reqs),
        [
            ("liaison of main".to_string(), false),
            ("manager @boss-main".to_string(), false)
        ]
    );
    let reqs = run(
        &[edited_plain()],
        "someone",
        &[approve("liaison-main", HEAD), approve("Boss-Main", HEAD)],
    );
    assert!(reqs.iter().all(Requirement::is_met), "{reqs:#?}");
    assert_eq!(reqs[1].met_by, ["Boss-Main"]);
}

#[test]
fn the_latest_review_of_each_reviewer_stands() {
    let reviews = [
        approve("boss-main", HEAD),
        review("boss-main", ReviewState::ChangesRequested, HEAD),
        approve("liaison-main", HEAD),
        review("liaison-main", ReviewState::Commented, HEAD),
    ];
    let reqs = run(&[edited_plain()], "someone", &reviews);
    assert_eq!(
        summary(&reqs),
        [
            ("liaison of main".to_string(), true),
            ("manager @boss-main".to_string(), false)
        ]
    );
    let reviews = [
        review("boss-main", ReviewState::ChangesRequested, HEAD),
        approve("boss-main", HEAD),
        approve("liaison-main", HEAD),
        review("liaison-main", ReviewState::Dismissed, HEAD),
    ];
    let reqs = run(&[edited_plain()], "someone", &reviews);
    assert_eq!(
        summary(&reqs),
        [
            ("liaison of main".to_string(), false),
            ("manager @boss-main".to_string(), true)
        ]
    );
}

#[test]
fn approvals_on_an_older_commit_do_not_count() {
    let reqs = run(
        &[edited_plain()],
        "someone",
        &[approve("liaison-main", OLD), approve("boss-main", HEAD)],
    );
    assert!(!reqs[0].is_met());
    assert_eq!(reqs[0].excluded[0].handle, "liaison-main");
    assert!(reqs[0].excluded[0].why.contains("older commit 2222222"));
}

#[test]
fn the_author_and_the_staff_member_never_count() {
    let reqs = run(
        &[edited_plain()],
        "boss-main",
        &[approve("liaison-main", HEAD), approve("boss-main", HEAD)],
    );
    assert!(!reqs[1].is_met());
    assert!(reqs[1].excluded[0].why.contains("opened the pull request"));

    // The staff member's handle counts at base even when the change removes it.
    let base = login(PLAIN).replace("unit: main\n", "unit: main\ngithub: liaison-main\n");
    let head = login(PLAIN);
    let reqs = run(
        &[modified(PLAIN, &base, &head)],
        "someone",
        &[approve("liaison-main", HEAD), approve("boss-main", HEAD)],
    );
    assert!(!reqs[0].is_met());
    assert!(reqs[0].excluded[0].why.contains("staff member"));
}

/// Like [`run`], for a pull request whose commits `commit_authors` wrote.
fn run_written(
    changes: &[Change],
    author: &str,
    commit_authors: &[String],
    reviews: &[Review],
) -> Vec<Requirement> {
    let (base, head) = (tables(), tables());
    let ctx = Context {
        prefix: "access/",
        author,
        commit_authors,
        head_sha: HEAD,
        reviews,
        base: &base,
        head: &head,
    };
    requirements(changes, &ctx)
}

#[test]
fn whoever_wrote_the_commits_never_counts() {
    // sys-admin2 wrote the commits someone else opened: only sys-admin1 is
    // left for the liaison and the systems group, which four eyes forbid.
    let writers = ["Sys-Admin2".to_string(), "someone".to_string()];
    let reviews = [
        approve("sys-admin1", HEAD),
        approve("boss-sys", HEAD),
        approve("sys-admin2", HEAD),
    ];
    let reqs = run_written(&[edited_systems_login()], "someone", &writers, &reviews);
    assert!(!reqs[2].is_met(), "{reqs:#?}");
    assert!(
        reqs[2].excluded.contains(&Excluded {
            handle: "sys-admin2".into(),
            why: "wrote commits in this pull request (A2)".into()
        }),
        "{reqs:#?}"
    );
    assert!(
        reqs[2]
            .unmeetable
            .as_deref()
            .is_some_and(|n| n.contains("only @sys-admin1 may approve them")),
        "{reqs:#?}"
    );
    // The author is named as the author, even when they wrote commits too.
    let reqs = run_written(
        &[edited_plain()],
        "boss-main",
        &["boss-main".into()],
        &[approve("boss-main", HEAD)],
    );
    assert_eq!(reqs[1].excluded[0].why, "opened the pull request (A2)");
    // Without them, the same approvals meet everything.
    let reqs = run_written(&[edited_systems_login()], "someone", &[], &reviews);
    assert!(reqs.iter().all(Requirement::is_met), "{reqs:#?}");
}

#[test]
fn liaisons_come_from_the_base_units_table() {
    let mut head_tables = tables();
    let mut units = head_tables.units.get().unwrap().clone();
    units
        .0
        .get_mut("main")
        .unwrap()
        .liaisons
        .push("author".into());
    head_tables.units = Table::Read(units);
    let reqs = run_with(
        &[edited_plain()],
        "someone",
        &[approve("author", HEAD), approve("liaison-fin", HEAD)],
        &tables(),
        &head_tables,
    );
    assert!(!reqs[0].is_met());
    let why: Vec<&str> = reqs[0].excluded.iter().map(|e| e.why.as_str()).collect();
    assert_eq!(
        why,
        [
            "is a liaison of main only in this pull request's units.yaml",
            "is a liaison of finance, not of main"
        ]
    );
}

#[test]
fn a_manager_change_needs_the_current_and_the_new_manager() {
    let base = login(PLAIN);
    let head = base.replace("manager: boss-main", "manager: new-boss");
    let change = modified(PLAIN, &base, &head);
    let check = |reviews: &[Review]| run(std::slice::from_ref(&change), "someone", reviews);
    // The new manager alone: the current manager has not signed off (A1).
    let reqs = check(&[approve("liaison-main", HEAD), approve("new-boss", HEAD)]);
    assert_eq!(
        summary(&reqs),
        [
            ("liaison of main".to_string(), true),
            ("current manager @boss-main".to_string(), false),
            ("manager @new-boss".to_string(), true)
        ]
    );
    assert!(
        reqs[1].reason.contains(
            "the manager changes from @boss-main to @new-boss; the current manager @boss-main signs off as well as the new one"
        ),
        "{}",
        reqs[1].reason
    );
    assert!(
        reqs[1]
            .reason
            .contains("a member of the systems group may stand in")
    );
    assert!(
        reqs[2]
            .reason
            .contains("the new manager @new-boss signs off as well")
    );
    assert_eq!(reqs[1].excluded[0].handle, "new-boss");
    assert!(reqs[1].excluded[0].why.contains("is the new manager"));
    // The current manager alone: the new one has not.
    let reqs = check(&[approve("liaison-main", HEAD), approve("boss-main", HEAD)]);
    assert!(reqs[1].is_met() && !reqs[2].is_met(), "{reqs:#?}");
    assert!(reqs[2].excluded[0].why.contains("is the current manager"));
    // Both: met.
    let both = [
        approve("liaison-main", HEAD),
        approve("boss-main", HEAD),
        approve("new-boss", HEAD),
    ];
    assert!(check(&both).iter().all(Requirement::is_met));
}

#[test]
fn the_systems_group_stands_in_for_a_current_manager_who_has_left() {
    let base = login(PLAIN);
    let head = base.replace("manager: boss-main", "manager: new-boss");
    let change = modified(PLAIN, &base, &head);
    let reviews = [
        approve("liaison-main", HEAD),
        approve("sys-admin2", HEAD),
        approve("new-boss", HEAD),
    ];
    let reqs = run(&[change], "someone", &reviews);
    assert!(reqs.iter().all(Requirement::is_met), "{reqs:#?}");
    assert_eq!(reqs[1].met_by, ["sys-admin2"]);
    assert!(
        matches!(&reqs[1].who, Approver::CurrentManager { handle, stand_ins }
            if handle == "boss-main" && stand_ins == &["sys-admin1", "sys-admin2"])
    );
}

/// The systems login of the `systems` unit, whose only liaison (sys-admin1) is also in the systems group.
const SYSTEMS_LOGIN: &str = "logins/systems/10000006.yaml";

fn edited_systems_login() -> Change {
    let text = login(SYSTEMS_LOGIN);
    modified(SYSTEMS_LOGIN, &text, &format!("{text}notes: x\n"))
}

#[test]
fn four_eyes_one_person_meets_one_requirement_of_a_file() {
    let reqs = run(
        &[edited_systems_login()],
        "someone",
        &[approve("sys-admin1", HEAD), approve("boss-sys", HEAD)],
    );
    assert_eq!(
        summary(&reqs),
        [
            ("liaison of systems".to_string(), true),
            ("manager @boss-sys".to_string(), true),
            ("systems group".to_string(), false)
        ]
    );
    assert_eq!(reqs[0].met_by, ["sys-admin1"]);
    assert_eq!(
        reqs[2].excluded,
        [Excluded {
            handle: "sys-admin1".into(),
            why: "already meets liaison of systems for this file; four eyes (A5) need a different person"
                .into()
        }]
    );
    // Somebody can still meet it: no note that it never can.
    assert_eq!(reqs[2].unmeetable, None);
    let reqs = run(
        &[edited_systems_login()],
        "someone",
        &[
            approve("sys-admin1", HEAD),
            approve("boss-sys", HEAD),
            approve("sys-admin2", HEAD),
        ],
    );
    assert!(reqs.iter().all(Requirement::is_met), "{reqs:#?}");
    assert_eq!(reqs[2].met_by, ["sys-admin2"]);
}

#[test]
fn four_eyes_does_not_depend_on_the_order_of_approvals() {
    // sys-admin1 can meet the liaison or the systems requirement, sys-admin2
    // only the systems one: whoever approves first, both are met.
    let a = [approve("sys-admin1", HEAD), approve("sys-admin2", HEAD)];
    let b = [approve("sys-admin2", HEAD), approve("sys-admin1", HEAD)];
    for reviews in [&a[..], &b[..]] {
        let mut reviews = reviews.to_vec();
        reviews.push(approve("boss-sys", HEAD));
        let reqs = run(&[edited_systems_login()], "someone", &reviews);
        assert!(reqs.iter().all(Requirement::is_met), "{reqs:#?}");
        assert_eq!(reqs[0].met_by, ["sys-admin1"]);
        assert_eq!(reqs[2].met_by, ["sys-admin2"]);
    }
}

#[test]
fn four_eyes_says_when_distinct_people_can_never_meet_a_file() {
    // sys-admin2 opens it: sys-admin1 is the only liaison and the only other systems member.
    let reqs = run(
        &[edited_systems_login()],
        "sys-admin2",
        &[approve("sys-admin1", HEAD), approve("boss-sys", HEAD)],
    );
    assert!(!reqs[2].is_met());
    let note = reqs[2].unmeetable.as_deref().expect("an A5 note");
    assert_eq!(
        note,
        "four eyes (A5): liaison of systems and systems group of this file need 2 different people, but only @sys-admin1 may approve them; add another liaison of systems to units.yaml or another member to approver_groups.systems in institution.yaml on the default branch"
    );
    assert_eq!(reqs[0].unmeetable, None, "met requirements carry no note");
    // A requirement that nobody at all can meet is not a four-eyes case.
    let reqs = run(&[edited_plain()], "boss-main", &[]);
    assert!(reqs.iter().all(|r| r.unmeetable.is_none()), "{reqs:#?}");
}

#[test]
fn four_eyes_counts_the_liaison_who_is_also_the_manager_once() {
    let base = login(PLAIN).replace("manager: boss-main", "manager: liaison-main");
    let change = modified(PLAIN, &base, &base.replace("2027-11-01", "2027-12-01"));
    let reqs = run(&[change], "someone", &[approve("liaison-main", HEAD)]);
    assert_eq!(
        summary(&reqs),
        [
            ("liaison of main".to_string(), true),
            ("manager @liaison-main".to_string(), false)
        ]
    );
    assert!(
        reqs[1]
            .unmeetable
            .as_deref()
            .is_some_and(|n| n.contains("add another liaison of main to units.yaml")),
        "{reqs:#?}"
    );
}

#[test]
fn sensitive_logins_need_the_systems_group() {
    // Digital (consultation) and a batch level.
    let text = login("logins/main/10000001.yaml");
    let change = modified(
        "logins/main/10000001.yaml",
        &text,
        &text.replace("SYS-4502", "SYS-4503"),
    );
    let reqs = run(std::slice::from_ref(&change), "someone", &[]);
    let systems = &reqs[2];
    assert_eq!(systems.who.to_string(), "systems group");
    assert!(
        systems.reason.contains("digital: consultation"),
        "{}",
        systems.reason
    );
    assert!(
        systems
            .reason
            .contains("resource-management operator-extended-plus: batch level")
    );
    // A systems login.
    let text = login("logins/systems/10000006.yaml");
    let reqs = run(
        &[modified(
            "logins/systems/10000006.yaml",
            &text,
            &format!("{text}notes: x\n"),
        )],
        "someone",
        &[],
    );
    assert!(reqs.iter().any(|r| r.reason.contains("a systems login")));
    // additional_roles added by the change: sensitive at the head only.
    let plain = login(PLAIN);
    let head = format!(
        "{plain}additional_roles:\n  - {{alma_role: \"53\", scope: MAIN, consultation: SYS-1}}\n"
    );
    let reqs = run(&[modified(PLAIN, &plain, &head)], "someone", &[]);
    assert!(
        reqs.iter()
            .any(|r| r.reason.contains("sensitive: additional_roles"))
    );
    // Removing it: sensitive before the change.
    let reqs = run(&[modified(PLAIN, &head, &plain)], "someone", &[]);
    assert!(reqs.iter().any(|r| {
        r.reason
            .contains("sensitive before this change: additional_roles")
    }));
    // Plain logins need no systems approval.
    assert_eq!(run(&[edited_plain()], "someone", &[]).len(), 2);
}

#[test]
fn adding_or_changing_a_separation_of_duties_exception_needs_the_systems_group() {
    let plain = login(PLAIN);
    let exception = |review_by: &str| {
        format!(
            "{plain}sod_exceptions:\n  - rule: order-and-pay\n    consultation: SYS-4620\n    reason: one-person office\n    review_by: {review_by}\n"
        )
    };
    let systems = |base: &str, head: &str| -> Option<String> {
        run(&[modified(PLAIN, base, head)], "someone", &[])
            .into_iter()
            .find(|r| r.who.to_string() == "systems group")
            .map(|r| r.reason)
    };
    let added = systems(&plain, &exception("2027-06-30")).expect("added: the systems group");
    assert!(
        added.contains("separation-of-duties exception `order-and-pay` added (A3)"),
        "{added}"
    );
    let changed = systems(&exception("2027-06-30"), &exception("2027-09-30"))
        .expect("changed: the systems group");
    assert!(
        changed.contains("`order-and-pay` changed (A3)"),
        "{changed}"
    );
    // Another change to a login that keeps its exception as it was, or
    // drops it, is the liaison's and the manager's.
    let kept = exception("2027-06-30");
    assert_eq!(
        systems(&kept, &kept.replace("2027-11-01", "2027-12-01")),
        None
    );
    assert_eq!(systems(&kept, &plain), None);
}

#[test]
fn unknown_role_types_and_unreadable_files_fail_closed() {
    let plain = login(PLAIN);
    let head = plain.replace(
        "  resource-management:",
        "  mystery:\n    level: x\n  resource-management:",
    );
    let reqs = run(&[modified(PLAIN, &plain, &head)], "someone", &[]);
    assert!(
        reqs.iter()
            .any(|r| r.reason.contains("mystery x is not in the catalogue"))
    );

    let reqs = run(
        &[modified(PLAIN, &plain, "primary_id: [unclosed\n")],
        "someone",
        &[],
    );
    let who: Vec<String> = reqs.iter().map(|r| r.who.to_string()).collect();
    assert_eq!(
        who,
        ["liaison of main", "manager @boss-main", "systems group"]
    );
    assert!(
        reqs[2]
            .reason
            .contains("the head version is not a readable login")
    );
}

#[test]
fn policy_schema_workflow_and_tool_changes_need_the_systems_group() {
    let inst = fixture("institution.yaml");
    let changes = [
        modified("institution.yaml", &inst, &inst.replace("90", "120")),
        Change {
            file: ChangedFile {
                path: ".github/workflows/ci.yml".into(),
                status: FileStatus::Added,
            },
            base: None,
            head: Some("on: push\n".into()),
        },
        Change {
            file: ChangedFile {
                path: "src/main.rs".into(),
                status: FileStatus::Modified,
            },
            base: Some(String::new()),
            head: Some(String::new()),
        },
    ];
    let reqs = run(
        &changes,
        "sys-admin1",
        &[approve("sys-admin1", HEAD), approve("sys-admin2", HEAD)],
    );
    assert_eq!(reqs.len(), 3);
    for r in &reqs {
        assert_eq!(r.who.to_string(), "systems group");
        assert_eq!(r.met_by, ["sys-admin2"], "{r:#?}");
        assert_eq!(r.excluded[0].handle, "sys-admin1");
    }
    assert_eq!(reqs[0].file, ".github/workflows/ci.yml");
    assert!(reqs[1].reason.contains("institution.yaml changes"));
    assert!(reqs[2].reason.contains("outside the access folder"));
}

#[test]
fn deleted_and_moved_logins() {
    let text = login(PLAIN);
    let deleted = Change {
        file: ChangedFile {
            path: format!("access/{PLAIN}"),
            status: FileStatus::Deleted,
        },
        base: Some(text.clone()),
        head: None,
    };
    let reqs = run(&[deleted], "someone", &[approve("liaison-main", HEAD)]);
    assert_eq!(
        summary(&reqs),
        [
            ("liaison of main".to_string(), true),
            ("manager @boss-main".to_string(), false)
        ]
    );
    assert!(reqs[1].reason.contains("deleted login"));

    let moved = Change {
        file: ChangedFile {
            path: "access/logins/finance/10000004.yaml".into(),
            status: FileStatus::Renamed {
                from: format!("access/{PLAIN}"),
            },
        },
        base: Some(text.clone()),
        head: Some(
            text.replace("unit: main", "unit: finance")
                .replace("liaison: liaison-main", "liaison: liaison-fin"),
        ),
    };
    let reqs = run(&[moved], "someone", &[]);
    let who: Vec<String> = reqs.iter().map(|r| r.who.to_string()).collect();
    assert_eq!(
        who,
        [
            "liaison of finance",
            "liaison of main",
            "manager @boss-main"
        ]
    );
    assert!(reqs[1].reason.contains("moves from main to finance"));
}

#[test]
fn profiles_can_make_a_login_sensitive() {
    let mut base = tables();
    let mut profile = base.profiles["circ-student"].clone();
    profile.roles.insert(
        "digital".into(),
        crate::model::login::RawRoleRequest::default(),
    );
    base.profiles.insert("circ-student".into(), profile);
    let text = login("logins/main/10000003.yaml");
    let change = modified(
        "logins/main/10000003.yaml",
        &text,
        &text.replace("Evening supervisor", "Night supervisor"),
    );
    let reqs = run_with(&[change], "someone", &[], &base, &base);
    assert!(
        reqs.iter().any(|r| r
            .reason
            .contains("digital (from its profile): consultation")),
        "{reqs:#?}"
    );
}

#[test]
fn an_imported_logins_placeholder_manager_can_never_approve() {
    let text = login(PLAIN);
    let placeholder = crate::model::login::MANAGER_PLACEHOLDER;
    let head = text.replace("manager: boss-main", &format!("manager: {placeholder}"));
    let change = modified(PLAIN, &text, &head);
    let reqs = run(
        &[change],
        "someone",
        &[approve("liaison-main", HEAD), approve(placeholder, HEAD)],
    );
    let manager = reqs
        .iter()
        .find(|r| r.who.to_string().starts_with("manager"))
        .expect("a manager requirement");
    assert!(!manager.is_met(), "{manager:#?}");
}
