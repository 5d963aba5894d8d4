//! Rendering plans for people: a summary first (counts by action, unit and
//! role type, privileged changes flagged, API calls, safety stops), then
//! each changed user as a diff of role lines with the reason for every
//! change. Deterministic: the same plan always renders the same text.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use similar::{ChangeTag, TextDiff};

use crate::model::Catalog;

use super::config::ConfigFinding;
use super::plan::{ChangeKind, Plan, RoleLine, Scope, UserPlan, UserStatus};
use super::unmanaged::Disposition;

/// The summary lists at most this many privileged changes by name.
const MAX_PRIVILEGED_LINES: usize = 25;

/// Role names and which roles are privileged, from the catalogue.
#[derive(Clone, Debug, Default)]
pub struct Legend {
    pub names: BTreeMap<String, String>,
    pub privileged: BTreeSet<String>,
}

impl Legend {
    /// Names come from the catalogue's grants. A role is privileged when
    /// only systems logins or levels needing the systems team's approval grant it.
    pub fn from_catalog(catalog: &Catalog) -> Legend {
        let mut names = BTreeMap::new();
        let mut sensitive = BTreeSet::new();
        let mut ordinary = BTreeSet::new();
        let bundles = [
            &catalog.login_types.view,
            &catalog.login_types.view_analytics,
            &catalog.login_types.custom,
        ];
        for grant in bundles.iter().flat_map(|b| &b.grants) {
            ordinary.insert(grant.alma_role.clone());
        }
        for grant in &catalog.login_types.systems.grants {
            sensitive.insert(grant.alma_role.clone());
        }
        for role_type in catalog.role_types.values() {
            for (_, level) in role_type.all_levels() {
                let bucket = if role_type.needs_systems_approval(level) {
                    &mut sensitive
                } else {
                    &mut ordinary
                };
                bucket.extend(level.grants.iter().map(|g| g.alma_role.clone()));
            }
        }
        let all = [
            &catalog.login_types.view,
            &catalog.login_types.view_analytics,
            &catalog.login_types.systems,
            &catalog.login_types.custom,
        ];
        let level_grants = catalog
            .role_types
            .values()
            .flat_map(|rt| rt.all_levels())
            .flat_map(|(_, l)| l.grants.clone());
        for grant in all
            .iter()
            .flat_map(|b| b.grants.clone())
            .chain(level_grants)
        {
            if let Some(name) = grant.name {
                names.entry(grant.alma_role).or_insert(name);
            }
        }
        Legend {
            names,
            privileged: sensitive.difference(&ordinary).cloned().collect(),
        }
    }

    /// The catalogue's legend, with every role code of `plan` named: by
    /// Alma's role type table first (what Alma calls it), the catalogue next.
    pub fn for_plan(catalog: &Catalog, plan: &Plan) -> Legend {
        let mut legend = Legend::from_catalog(catalog);
        for (code, name) in &plan.role_names {
            if !name.trim().is_empty() {
                legend.names.insert(code.clone(), name.clone());
            }
        }
        legend
    }

    pub(crate) fn name(&self, code: &str) -> Option<&str> {
        self.names.get(code).map(String::as_str)
    }
}

/// Renders a plan as text.
pub fn text(plan: &Plan, legend: &Legend) -> String {
    let mut out = String::new();
    summary(&mut out, plan, legend);
    for user in plan.changed() {
        out.push('\n');
        user_detail(&mut out, user, legend);
    }
    let waiting: Vec<&UserPlan> = plan
        .users
        .iter()
        .filter(|u| u.status == UserStatus::Waiting)
        .collect();
    if !waiting.is_empty() {
        out.push('\n');
        put(
            &mut out,
            "Waiting for an Alma account (R1; nothing to do until the user feed creates them):",
        );
        for u in waiting {
            put(
                &mut out,
                format!(
                    "  {} {}  {}",
                    u.environment,
                    u.primary_id,
                    u.file.as_deref().unwrap_or("")
                ),
            );
        }
    }
    let blocked: Vec<&UserPlan> = plan
        .users
        .iter()
        .filter(|u| u.status == UserStatus::Blocked)
        .collect();
    if !blocked.is_empty() {
        out.push('\n');
        put(
            &mut out,
            "Blocked: not applied until Alma has every role they are granted:",
        );
        for u in blocked {
            for note in &u.notes {
                put(
                    &mut out,
                    format!("  {} {}: {note}", u.environment, u.primary_id),
                );
            }
        }
    }
    if !plan.unmanaged.is_empty() {
        out.push('\n');
        unmanaged(&mut out, plan, legend);
    }
    let flagged: Vec<&UserPlan> = plan
        .users
        .iter()
        .filter(|u| u.status == UserStatus::Unchanged && !u.notes.is_empty())
        .collect();
    if !flagged.is_empty() {
        out.push('\n');
        put(&mut out, "Unchanged, but worth knowing:");
        for u in flagged {
            for note in &u.notes {
                put(
                    &mut out,
                    format!("  {} {}: {note}", u.environment, u.primary_id),
                );
            }
        }
    }
    if plan.has_changes() {
        out.push('\n');
        put(
            &mut out,
            "Users must log out of Alma and log in again for role changes to take effect.",
        );
    }
    out
}

pub(crate) fn summary(out: &mut String, plan: &Plan, legend: &Legend) {
    let scope = match &plan.scope {
        Scope::Full => "full scan".to_string(),
        Scope::ChangedSince { base, files } => format!("{files} changed files since {base}"),
        Scope::Only { paths } => format!("only {}", paths.join(", ")),
    };
    let commit = plan.commit.as_deref().map_or(String::new(), |c| {
        format!(", commit {}", &c[..c.len().min(12)])
    });
    put(
        out,
        format!(
            "Plan for {} on {} ({scope}{commit})",
            plan.institution, plan.today
        ),
    );
    let hosts: Vec<String> = plan
        .environments
        .iter()
        .map(|env| match plan.hosts.get(env) {
            Some(host) => format!("{env} at {host}"),
            None => env.clone(),
        })
        .collect();
    put(out, format!("Alma: {}", hosts.join(", ")));
    for notice in &plan.notices {
        put(out, format!("NOTE: {notice}"));
    }
    for b in &plan.blast {
        put(
            out,
            format!(
                "Blast radius of {}: {} login(s) concerned, {} of them change in Alma ({} role changes in all environments)",
                b.file, b.logins, b.changed, b.roles
            ),
        );
    }
    let count = |s: UserStatus| plan.users.iter().filter(|u| u.status == s).count();
    put(
        out,
        format!(
            "Users: {} read, {} to change,{} {} waiting for an Alma account, {} unchanged",
            plan.users.len(),
            count(UserStatus::Changed),
            match count(UserStatus::Blocked) {
                0 => String::new(),
                n => format!(" {n} blocked,"),
            },
            count(UserStatus::Waiting),
            count(UserStatus::Unchanged)
        ),
    );
    let mut by_action: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_unit: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_role: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut privileged = Vec::new();
    for user in plan.changed() {
        *by_unit
            .entry(user.unit.as_deref().unwrap_or("(deleted logins)"))
            .or_default() += 1;
        for c in &user.changes {
            *by_action.entry(c.kind.label()).or_default() += 1;
            let entry = by_role.entry(&c.role.role_type).or_default();
            match c.kind {
                ChangeKind::Remove | ChangeKind::Deactivate | ChangeKind::Deduplicate { .. } => {
                    entry.1 += 1
                }
                _ => entry.0 += 1,
            }
            if legend.privileged.contains(&c.role.role_type) {
                privileged.push(format!(
                    "{} {} {} in {}",
                    c.kind.label(),
                    RoleLine(&c.role, legend.name(&c.role.role_type)),
                    user.primary_id,
                    user.environment
                ));
            }
        }
    }
    let join = |m: Vec<String>| {
        if m.is_empty() {
            "none".to_string()
        } else {
            m.join(", ")
        }
    };
    put(
        out,
        format!(
            "Changes: {}",
            join(by_action.iter().map(|(k, v)| format!("{v} {k}")).collect())
        ),
    );
    put(
        out,
        format!(
            "By unit: {}",
            join(by_unit.iter().map(|(k, v)| format!("{k} {v}")).collect())
        ),
    );
    put(
        out,
        format!(
            "By role: {}",
            join(
                by_role
                    .iter()
                    .map(|(code, (up, down))| {
                        let name = legend.name(code).map_or(String::new(), |n| format!(" {n}"));
                        format!("{code}{name} +{up} -{down}")
                    })
                    .collect()
            )
        ),
    );
    if !privileged.is_empty() {
        put(
            out,
            format!(
                "Privileged changes ({}), review with care:",
                privileged.len()
            ),
        );
        for p in privileged.iter().take(MAX_PRIVILEGED_LINES) {
            put(out, format!("  ! {p}"));
        }
        if privileged.len() > MAX_PRIVILEGED_LINES {
            let more = privileged.len() - MAX_PRIVILEGED_LINES;
            put(
                out,
                format!("  ! ... and {more} more (see each user below)"),
            );
        }
    }
    let calls: Vec<String> = plan
        .calls
        .iter()
        .map(|(env, c)| {
            let mut parts = Vec::new();
            if c.config > 0 {
                parts.push(format!("{} reading Alma's configuration", c.config));
            }
            if c.listing > 0 {
                parts.push(format!(
                    "{} listing the users, {} reading staff without a file",
                    c.listing, c.unmanaged_reads
                ));
            }
            if let Some(r) = c.remaining {
                parts.push(format!("remaining today: {r}"));
            }
            if parts.is_empty() {
                format!("{env} {}", c.used)
            } else {
                format!("{env} {} ({})", c.used, parts.join("; "))
            }
        })
        .collect();
    put(out, format!("API calls: {}", join(calls)));
    if !plan.unmanaged.is_empty() {
        put(
            out,
            format!(
                "Unmanaged access: {} staff user(s) without a login file hold roles (listed below, R11)",
                plan.unmanaged.len()
            ),
        );
    }
    config_findings(out, plan, legend);
    losses(out, plan);
    for e in &plan.errors {
        put(
            out,
            format!(
                "READ FAILED: {} {}: {}",
                e.environment, e.primary_id, e.message
            ),
        );
    }
    if plan.safety.is_empty() {
        put(out, "Safety: ok");
    } else {
        for stop in &plan.safety {
            put(
                out,
                format!("SAFETY STOP ({}): {}", stop.rule, stop.message),
            );
        }
    }
}

/// Staff users without a login file who hold roles (R11), each with its roles.
pub(crate) fn unmanaged(out: &mut String, plan: &Plan, legend: &Legend) {
    put(
        out,
        format!(
            "Unmanaged access (R11): {} staff user(s) without a login file hold roles \
             no file grants; adopt one into a file with `alma-access import --user ID`, \
             or set `unmanaged_access: remove`",
            plan.unmanaged.len()
        ),
    );
    for u in &plan.unmanaged {
        let what = match u.disposition {
            Disposition::Reported => "reported",
            Disposition::Removed => "removed by this plan",
            Disposition::Protected => "a protected user: managed by hand",
        };
        put(
            out,
            format!("  {} {} {} [{what}]", u.environment, u.primary_id, u.name),
        );
        for role in &u.roles {
            put(
                out,
                format!("      {}", RoleLine(role, legend.name(&role.role_type))),
            );
        }
    }
}

/// Roles Alma lacks or will refuse (`reconcile::config`), at most
/// [`MAX_PRIVILEGED_LINES`] of each named.
fn config_findings(out: &mut String, plan: &Plan, legend: &Legend) {
    let mut lacks = Vec::new();
    let mut refuses = Vec::new();
    for finding in &plan.config {
        match finding {
            ConfigFinding::Missing {
                environment,
                primary_id,
                role,
                why,
                sources,
            } => {
                let from = if sources.is_empty() {
                    String::new()
                } else {
                    format!(", granted by {}", sources.join(" + "))
                };
                lacks.push(format!(
                    "{environment} {primary_id}: {} ({why}{from})",
                    RoleLine(role, legend.name(&role.role_type))
                ));
            }
            ConfigFinding::Refused {
                environment,
                primary_id,
                role,
                why,
            } => refuses.push(format!(
                "{environment} {primary_id}: {} ({why})",
                RoleLine(role, legend.name(&role.role_type))
            )),
        }
    }
    for (label, lines) in [
        (
            "ALMA LACKS A ROLE THIS PLAN GRANTS (the user is not applied; fix catalog.yaml or units.yaml)",
            lacks,
        ),
        (
            "WARNING, ALMA WILL REFUSE A ROLE HELD (the user's update fails until it is removed in Alma)",
            refuses,
        ),
    ] {
        if lines.is_empty() {
            continue;
        }
        put(out, format!("{label}:"));
        for line in lines.iter().take(MAX_PRIVILEGED_LINES) {
            put(out, format!("  ! {line}"));
        }
        if lines.len() > MAX_PRIVILEGED_LINES {
            put(
                out,
                format!("  ! ... and {} more", lines.len() - MAX_PRIVILEGED_LINES),
            );
        }
    }
}

/// Losses of access per environment, against the caps when set.
fn losses(out: &mut String, plan: &Plan) {
    let caps = plan.caps.as_ref();
    let shown: Vec<String> = plan
        .losses
        .iter()
        .map(|(env, l)| {
            let count = match caps {
                Some(c) => format!("{} of {} allowed", l.count, c.count),
                None => format!("{} (no cap set)", l.count),
            };
            let share = if l.managed > 0 {
                100.0 * l.count as f64 / l.managed as f64
            } else {
                0.0
            };
            let ratio = caps
                .and_then(|c| c.ratio)
                .map_or(String::new(), |r| format!(", {:.1}% allowed", 100.0 * r));
            format!(
                "{env} {count} ({share:.1}% of {} managed roles{ratio})",
                l.managed
            )
        })
        .collect();
    if !shown.is_empty() {
        put(out, format!("Losses of access: {}", shown.join("; ")));
    }
}

/// Appends one line of output: whatever the text holds (a name with a line
/// break, a terminal escape) stays on that line, escaped (`crate::text::line`).
fn put(out: &mut String, text: impl AsRef<str>) {
    out.push_str(&crate::text::line(text.as_ref()));
    out.push('\n');
}

pub(crate) fn user_detail(out: &mut String, user: &UserPlan, legend: &Legend) {
    let standing = user
        .standing
        .as_ref()
        .map_or("login deleted".to_string(), |s| s.describe());
    put(
        out,
        format!(
            "~ {} {}  {}  [{}]",
            user.environment,
            user.primary_id,
            user.file.as_deref().unwrap_or("(file deleted)"),
            standing
        ),
    );
    let lines = |roles: &[crate::alma::Role]| -> String {
        roles
            .iter()
            .map(|r| {
                let shown = RoleLine(r, legend.name(&r.role_type)).to_string();
                format!("{}\n", crate::text::line(&shown))
            })
            .collect()
    };
    let (before, after) = (lines(&user.before), lines(&user.after));
    for change in TextDiff::from_lines(&before, &after).iter_all_changes() {
        let sign = match change.tag() {
            ChangeTag::Delete => '-',
            ChangeTag::Insert => '+',
            ChangeTag::Equal => ' ',
        };
        let _ = write!(out, "    {sign} {change}");
    }
    for c in &user.changes {
        put(
            out,
            format!(
                "    {} {}: {}",
                c.kind.label(),
                RoleLine(&c.role, None),
                c.reason
            ),
        );
    }
    for note in &user.notes {
        put(out, format!("    note: {note}"));
    }
}
