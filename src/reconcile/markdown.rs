//! Plans as pull-request comments: the verdict and the summary always, then
//! one line per login in the catalogue's words (the person, the
//! environments, what the request changes), each with its Alma role lines
//! folded in `<details>`; cut off before GitHub's comment limit with a
//! pointer to the full plan artifact. A hidden marker lets a workflow find
//! and update its own comment instead of adding new ones. Text from the
//! files and from Alma appears only inside code blocks whose fences it
//! cannot close (so no markup, link or `@mention` of it is rendered, and
//! every line is one the renderer wrote) or HTML-escaped.

use std::fmt::Write as _;

use super::config::ConfigFinding;
use super::plan::{Plan, UserStatus};
use super::render::{self, Entry, LOG_OUT, Legend, entries, summary};
use crate::text::{fence, html};

/// GitHub refuses comments longer than this many characters.
pub const GITHUB_COMMENT_LIMIT: usize = 65_535;

/// The marker a workflow looks for to update its comment.
pub const MARKER: &str = "<!-- alma-access-plan -->";

/// Renders a plan as a comment of at most `limit` characters.
pub fn markdown(plan: &Plan, legend: &Legend, limit: usize) -> String {
    let mut head = String::new();
    let _ = writeln!(head, "{MARKER}");
    let mut shown = String::new();
    summary(&mut shown, plan, legend);
    let summary_fence = fence(&shown);
    let _ = writeln!(
        head,
        "### alma-access plan\n\n{}\n\n{summary_fence}",
        verdict(plan)
    );
    head.push_str(&shown);
    let _ = writeln!(head, "{summary_fence}");
    // Access granted outside the repository comes before the logins, within half the room.
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
    let tail = format!("\n{LOG_OUT}\n");
    let changed = entries(plan, UserStatus::Changed);
    let mut body = String::new();
    let mut shown = 0;
    for entry in &changed {
        let block = block(entry, legend);
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
    let mut out = head + &body;
    let waiting = entries(plan, UserStatus::Waiting).len();
    if waiting > 0 {
        let mut list = String::new();
        render::waiting(&mut list, plan, legend);
        let list_fence = fence(&list);
        let folded = format!(
            "\n<details><summary>{waiting} new login(s) wait for an Alma account (R1), with the roles they will get</summary>\n\n{list_fence}{list}{list_fence}\n</details>\n"
        );
        let note = format!("\n{waiting} new login(s) wait for an Alma account (R1).\n");
        if out.len() + folded.len() + tail.len() <= limit {
            out.push_str(&folded);
        } else if out.len() + note.len() + tail.len() <= limit {
            out.push_str(&note);
        }
    }
    if changed.is_empty() {
        out.push_str("\nNo changes.\n");
    } else {
        out.push_str(&tail);
    }
    out
}

fn verdict(plan: &Plan) -> &'static str {
    let lacking = plan
        .config
        .iter()
        .any(|f| matches!(f, ConfigFinding::Missing { .. }));
    if !plan.errors.is_empty() {
        "⚠️ The plan is incomplete: some users could not be read."
    } else if lacking {
        "⛔ Alma lacks roles this plan grants: those users are not applied (see below)."
    } else if !plan.safety.is_empty() {
        "⛔ A safety stop would refuse to apply this plan."
    } else if plan.has_changes() {
        "This pull request changes Alma roles as shown."
    } else {
        "No change to Alma."
    }
}

/// One login: a line in the catalogue's words, its roles folded beneath.
fn block(entry: &Entry<'_>, legend: &Legend) -> String {
    let mut detail = String::new();
    entry.body(&mut detail, legend, "");
    let detail_fence = fence(&detail);
    let request = entry
        .request_line()
        .map_or(String::new(), |r| format!(": {}", html(&r)));
    let changes = entry.shown().len();
    let mut block = String::new();
    let _ = writeln!(
        block,
        "\n<details><summary><b>{}</b> in {}{request} ({changes} role change{})</summary>\n\n{detail_fence}diff",
        html(&entry.person()),
        html(&entry.environments()),
        if changes == 1 { "" } else { "s" },
    );
    block.push_str(&detail);
    let _ = writeln!(block, "{detail_fence}\n</details>");
    block
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
        "\n**{} more login(s) not shown here** ({shown} of {total} shown): the full plan is in this run's `plan` artifact.\n",
        total - shown
    )
}
