//! Plans as pull-request comments: the summary always, then each changed
//! user's diff folded in `<details>`, cut off before GitHub's comment limit
//! with a pointer to the full plan artifact. A hidden marker lets a
//! workflow find and update its own comment instead of adding new ones.
//! Text from the files and from Alma appears only inside code blocks whose
//! fences it cannot close (so no markup, link or `@mention` of it is
//! rendered, and every line is one the renderer wrote) or HTML-escaped.

use std::fmt::Write as _;

use super::plan::{Plan, UserStatus};
use super::render::{self, Legend, summary, user_detail};
use crate::text::{fence, html};

/// GitHub refuses comments longer than this many characters.
pub const GITHUB_COMMENT_LIMIT: usize = 65_535;

/// The marker a workflow looks for to update its comment.
pub const MARKER: &str = "<!-- alma-access-plan -->";

/// Renders a plan as a comment of at most `limit` characters.
pub fn markdown(plan: &Plan, legend: &Legend, limit: usize) -> String {
    let mut head = String::new();
    let _ = writeln!(head, "{MARKER}");
    let lacking = plan
        .config
        .iter()
        .any(|f| matches!(f, super::config::ConfigFinding::Missing { .. }));
    let verdict = if !plan.errors.is_empty() {
        "⚠️ The plan is incomplete: some users could not be read."
    } else if lacking {
        "⛔ Alma lacks roles this plan grants: those users are not applied (see below)."
    } else if !plan.safety.is_empty() {
        "⛔ A safety stop would refuse to apply this plan."
    } else if plan.has_changes() {
        "This pull request changes Alma roles as shown."
    } else {
        "No change to Alma."
    };
    let mut shown = String::new();
    summary(&mut shown, plan, legend);
    let summary_fence = fence(&shown);
    let _ = writeln!(head, "### alma-access plan\n\n{verdict}\n\n{summary_fence}");
    head.push_str(&shown);
    let _ = writeln!(head, "{summary_fence}");
    // Access granted outside the repository comes before the diffs, within half the room.
    let section = unmanaged(plan, legend);
    if head.len() + section.len() <= limit / 2 {
        head.push_str(&section);
    } else if !section.is_empty() {
        let _ = writeln!(
            head,
            "\n**{} staff user(s) without a login file hold roles (R11)**: too many to list here; \
             the full plan is in this run's `plan` artifact.",
            plan.unmanaged.len()
        );
    }
    let tail = "\nUsers must log out of Alma and log in again for role changes to take effect.\n";
    let mut body = String::new();
    let changed: Vec<_> = plan.changed().collect();
    let mut shown = 0;
    for user in &changed {
        let mut detail = String::new();
        user_detail(&mut detail, user, legend);
        // `diff` highlighting wants the sign in the first column.
        let diff: String = detail
            .lines()
            .skip(1)
            .map(|line| format!("{}\n", line.strip_prefix("    ").unwrap_or(line)))
            .collect();
        let diff_fence = fence(&diff);
        let mut block = String::new();
        let _ = writeln!(
            block,
            "\n<details><summary><code>{} {}</code> ({} changes)</summary>\n\n{diff_fence}diff",
            html(&user.environment),
            html(&user.primary_id),
            user.changes.len()
        );
        block.push_str(&diff);
        let _ = writeln!(block, "{diff_fence}\n</details>");
        let reserve = truncation_note(changed.len(), changed.len()).len() + tail.len();
        if head.len() + body.len() + block.len() + reserve > limit {
            break;
        }
        body.push_str(&block);
        shown += 1;
    }
    if shown < changed.len() {
        body.push_str(&truncation_note(shown, changed.len()));
    }
    let waiting = plan
        .users
        .iter()
        .filter(|u| u.status == UserStatus::Waiting)
        .count();
    let mut out = head + &body;
    if waiting > 0 {
        let note = format!("\n{waiting} login(s) wait for an Alma account (R1).\n");
        if out.len() + note.len() + tail.len() <= limit {
            out.push_str(&note);
        }
    }
    if plan.has_changes() {
        out.push_str(tail);
    }
    out
}

/// The unmanaged-access section (R11) on its own: for the plan comment and
/// for the drift workflow's issue. Empty when there is none.
pub fn unmanaged(plan: &Plan, legend: &Legend) -> String {
    if plan.unmanaged.is_empty() {
        return String::new();
    }
    let mut text = String::new();
    render::unmanaged(&mut text, plan, legend);
    let fence = fence(&text);
    format!("\n#### Unmanaged access\n\n{fence}\n{text}{fence}\n")
}

fn truncation_note(shown: usize, total: usize) -> String {
    format!(
        "\n**{} more changed user(s) not shown here** ({shown} of {total} shown): the full plan is in this run's `plan` artifact.\n",
        total - shown
    )
}
