//! What a sweep (R8) proposes, whichever input gave the last logins: a
//! `suspended: {since, reason: inactivity, note}` block inserted into each
//! inactive login's file (a text edit keeping everything else), and the
//! commit message listing who and why. The note names the Staff Login
//! Report of the sweep's date, so a file and the API with the same logins
//! give the same files.

use std::path::Path;

use chrono::NaiveDate;

use super::edit::{self, NewValue};
use super::inactivity::{Evidence, Finding, Sweep};
use super::propose::{self, FileEdit, ProposeError};
use crate::model::AccessRepo;

/// The edited file of every login the sweep found inactive; `root` is the
/// access folder `repo` was read from.
pub fn edits(
    root: &Path,
    repo: &AccessRepo,
    sweep: &Sweep,
    today: NaiveDate,
) -> Result<Vec<FileEdit>, ProposeError> {
    sweep
        .inactive
        .iter()
        .filter_map(|f| repo.login(&f.login.primary_id).map(|login| (f, login)))
        .map(|(finding, login)| {
            let block = suspension(today, sweep.as_of, &finding.evidence);
            propose::edit_login(root, login, |text| {
                edit::set_top_level(text, "suspended", &block)
            })
        })
        .collect()
}

/// The `suspended` block written into a login file.
pub fn suspension(today: NaiveDate, as_of: NaiveDate, evidence: &Evidence) -> NewValue {
    let seen = match evidence {
        Evidence::LastLogin { on } => format!("last staff login {on}"),
        _ => "no staff login recorded".into(),
    };
    NewValue::Block(vec![
        ("since".into(), today.to_string()),
        ("reason".into(), "inactivity".into()),
        (
            "note".into(),
            format!("\"{seen} (Staff Login Report of {as_of})\""),
        ),
    ])
}

/// One login and its evidence, for the commit message and the output.
pub fn line(f: &Finding) -> String {
    format!(
        "{}, {}, {}: {}",
        f.login.primary_id,
        f.login.name,
        f.login.unit,
        f.evidence.describe()
    )
}

/// The commit message: a title, the evidence, and one line per login.
/// `report` says where the last logins came from and how many users it
/// lists, e.g. "Staff Login Report of 2027-01-15 (7 users, retention 90
/// days)"; `today` is the day of the sweep.
pub fn commit_message(sweep: &Sweep, report: &str, today: NaiveDate) -> String {
    let n = sweep.inactive.len();
    let mut out = format!(
        "Suspend {n} login{} without a staff login in {} days (R8)\n\n",
        if n == 1 { "" } else { "s" },
        sweep.inactivity_days
    );
    out.push_str(&format!(
        "No staff login from {} through {},\nby the {report}:\n\n",
        sweep.window_start, sweep.as_of
    ));
    for f in &sweep.inactive {
        out.push_str(&format!("- {}\n", line(f)));
    }
    out.push_str(&format!(
        "\nProposed by `alma-access sweep-inactive` on {today}. Merging this\n\
         suspends their roles (R7); to restore a login later, remove its\n\
         `suspended` block in a reviewed change.\n"
    ));
    out
}
