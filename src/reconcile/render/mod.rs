//! Rendering plans for people: logins and grants first, Alma roles after.
//! The summary counts logins (each once, with the environments noted) and
//! role changes, names every role code, flags privileged changes, and
//! gives the API calls, the losses of access against the caps and the
//! safety verdict. Then one entry per login: the person and the request in
//! the catalogue's words (and what this change asks anew), each change
//! with its reason (a role whose parameters change is one update), and the
//! Alma role lines as a diff. Production and sandbox are shown once when
//! their changes are the same. Every line is written through
//! [`crate::text::line`], so text from files or Alma stays on its line.
//! Deterministic: the same plan always renders the same text.

mod entry;
mod legend;
mod summary;

pub use entry::{Entry, entries, waiting};
pub use legend::Legend;
pub(crate) use summary::{summary, unmanaged};

use std::cmp::Ordering;

use super::plan::{Plan, RoleLine, UserStatus};
use crate::alma::Role;

/// The summary lists at most this many privileged changes by name.
const MAX_PRIVILEGED_LINES: usize = 25;

/// The reminder every plan with changes ends with, once.
pub const LOG_OUT: &str =
    "Users must log out of Alma and log in again for role changes to take effect.";

/// Renders a plan as text, ending with "No changes." or the reminder to
/// log out and in again.
pub fn text(plan: &Plan, legend: &Legend) -> String {
    let mut out = body(plan, legend);
    out.push('\n');
    if plan.has_changes() {
        put(&mut out, LOG_OUT);
    } else {
        put(&mut out, "No changes.");
    }
    out
}

/// Renders a plan as text without its last line (for apply, which says
/// what it did instead).
pub fn body(plan: &Plan, legend: &Legend) -> String {
    let mut out = String::new();
    summary(&mut out, plan, legend);
    let changed = entries(plan, UserStatus::Changed);
    for e in &changed {
        out.push('\n');
        e.detail(&mut out, legend);
    }
    entry::waiting(&mut out, plan, legend);
    entry::blocked(&mut out, plan);
    if !plan.unmanaged.is_empty() {
        out.push('\n');
        unmanaged(&mut out, plan, legend);
    }
    entry::worth_knowing(&mut out, plan);
    out
}

/// Appends one line of output: whatever the text holds (a name with a line
/// break, a terminal escape) stays on that line, escaped (`crate::text::line`).
fn put(out: &mut String, text: impl AsRef<str>) {
    out.push_str(&crate::text::line(text.as_ref()));
    out.push('\n');
}

/// Roles in reading order: by code as a number, then as shown.
fn by_code(a: &Role, b: &Role) -> Ordering {
    let number = |r: &Role| r.role_type.parse::<u64>().unwrap_or(u64::MAX);
    number(a).cmp(&number(b)).then_with(|| a.cmp(b))
}

/// Role codes in reading order.
fn code_order(a: &str, b: &str) -> Ordering {
    let number = |c: &str| c.parse::<u64>().unwrap_or(u64::MAX);
    number(a).cmp(&number(b)).then_with(|| a.cmp(b))
}

/// A role in one line with its name.
fn role_line(role: &Role, legend: &Legend) -> String {
    RoleLine(role, legend.name(&role.role_type)).to_string()
}

/// `production and sandbox`, `production, sandbox and test`.
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
