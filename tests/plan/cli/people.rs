//! The plan as the people approving it read it, on the sample institution:
//! a student's extra desk (one update, in the catalogue's words, shown once
//! for both environments), a new hire still waiting for an Alma account
//! (with the roles they will get), in text and as the pull-request comment.

use super::{Checkout, text};

/// Output with what changes from run to run (ports, commits) made stable.
fn stable(output: &str) -> String {
    let mut out = String::with_capacity(output.len());
    for line in output.lines() {
        let mut line = line.to_string();
        while let Some(at) = line.find("127.0.0.1:") {
            let end = line[at + 10..]
                .find(|c: char| !c.is_ascii_digit())
                .map_or(line.len(), |i| at + 10 + i);
            line.replace_range(at..end, "EMULATOR");
        }
        if let Some(at) = line.find("commit ") {
            let end = (at + 7 + 12).min(line.len());
            if line[at + 7..end].chars().all(|c| c.is_ascii_hexdigit()) {
                line.replace_range(at + 7..end, "COMMIT");
            }
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The sample, applied, then a change: Amara Nwosu gains the reserves desk
/// and a new hire's file is added.
fn a_change() -> Checkout {
    let c = Checkout::new();
    let out = c.run(&["apply", "--confirm"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).0);
    c.edit(
        "logins/main/80419876.yaml",
        "training:",
        "roles:\n  fulfillment:\n    level: operator-extended\n    circulation_desks: [NFU_MAIN_CIRC, NFU_MAIN_RESERVES]\ntraining:",
    );
    std::fs::write(
        c.root().join("access/logins/main/80999001.yaml"),
        "primary_id: \"80999001\"\nname: Priya Raman\nunit: main\nprofile: circ-student\n\
         manager: jluo-circ\nliaison: mgarcia-lib\ntraining:\n  security_awareness: 2026-11-20\n  ferpa: 2026-11-20\n",
    )
    .unwrap();
    c.commit("Reserves desk for Amara; Priya starts at the circulation desk");
    c
}

#[test]
fn a_desk_change_and_a_new_hire_read_as_people_and_grants() {
    let c = a_change();
    let out = c.run(&["plan", "--changed-since", "HEAD~1"], &[]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stdout.contains("~ Amara Nwosu (student, main) 80419876 in production and sandbox"),
        "{stdout}"
    );
    assert!(
        stdout.contains("this change: fulfillment operator-extended: desks + NFU_MAIN_RESERVES"),
        "{stdout}"
    );
    assert!(
        stdout.contains("update 221 Circulation Desk Manager @ NFU_MAIN"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("\n    remove 221"),
        "no remove and add for a desk: {stdout}"
    );
    insta::assert_snapshot!("desk_change_text", stable(&stdout));

    let out = c.run(
        &["plan", "--changed-since", "HEAD~1", "--format", "markdown"],
        &[],
    );
    let (markdown, _) = text(&out);
    assert!(
        markdown.contains("<b>Amara Nwosu (student, main) 80419876</b> in production and sandbox")
    );
    insta::assert_snapshot!("desk_change_markdown", stable(&markdown));
}
