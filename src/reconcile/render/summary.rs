//! The plan's summary: where it was read, what it covers, the counts
//! (logins once each, with their environments; role changes once per
//! login), privileged changes, API calls, access outside the repository,
//! Alma's configuration findings, losses of access and the safety verdict.

use std::collections::BTreeMap;

use super::super::config::ConfigFinding;
use super::super::plan::{Plan, RoleLine, Scope, UserStatus};
use super::super::unmanaged::Disposition;
use super::{Legend, MAX_PRIVILEGED_LINES, code_order, entries, put, role_line};

pub(crate) fn summary(out: &mut String, plan: &Plan, legend: &Legend) {
    header(out, plan);
    counts(out, plan, legend);
    calls(out, plan);
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

/// What was planned, where Alma was read, notes and blast radius.
fn header(out: &mut String, plan: &Plan) {
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
}

/// Logins by what happens to them, and role changes by action, unit and
/// role, each login counted once whatever its environments.
fn counts(out: &mut String, plan: &Plan, legend: &Legend) {
    let changed = entries(plan, UserStatus::Changed);
    let mut by_envs: BTreeMap<String, usize> = BTreeMap::new();
    for e in &changed {
        *by_envs.entry(e.environments()).or_default() += 1;
    }
    let logins = |s: UserStatus| entries(plan, s).len();
    let logins_of = |s: UserStatus| {
        let mut ids: Vec<String> = plan
            .users
            .iter()
            .filter(|u| u.status == s)
            .map(|u| u.primary_id.to_lowercase())
            .collect();
        ids.sort();
        ids.dedup();
        ids.len()
    };
    let envs: Vec<String> = by_envs
        .iter()
        .map(|(envs, n)| format!("{n} in {envs}"))
        .collect();
    let envs = if envs.is_empty() {
        String::new()
    } else {
        format!(" ({})", envs.join(", "))
    };
    let blocked = match logins_of(UserStatus::Blocked) {
        0 => String::new(),
        n => format!(", {n} blocked"),
    };
    let _ = logins;
    put(
        out,
        format!(
            "Logins: {} to change{envs}{blocked}, {} waiting for an Alma account, {} unchanged",
            logins_of(UserStatus::Changed),
            logins_of(UserStatus::Waiting),
            logins_of(UserStatus::Unchanged),
        ),
    );
    let mut by_action: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_unit: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_role: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut privileged = Vec::new();
    for e in &changed {
        let unit = e.users[0]
            .unit
            .clone()
            .unwrap_or_else(|| "(no login file)".into());
        *by_unit.entry(unit).or_default() += 1;
        for change in e.shown() {
            *by_action.entry(change.label()).or_default() += 1;
            let role = change.role();
            let counts = by_role.entry(role.role_type.clone()).or_default();
            if change.is_loss() {
                counts.1 += 1
            } else {
                counts.0 += 1
            }
            if legend.privileged.contains(&role.role_type) {
                privileged.push(format!(
                    "{} {}: {} in {}",
                    change.label(),
                    role_line(role, legend),
                    e.person(),
                    e.environments()
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
            "Role changes: {}",
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
    let mut roles: Vec<(&String, &(usize, usize))> = by_role.iter().collect();
    roles.sort_by(|a, b| code_order(a.0, b.0));
    let roles = roles
        .into_iter()
        .map(|(code, (up, down))| {
            let name = legend.name(code).map_or(String::new(), |n| format!(" {n}"));
            format!("{code}{name} +{up} -{down}")
        })
        .collect();
    put(out, format!("By role: {}", join(roles)));
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
                format!("  ! ... and {more} more (see each login below)"),
            );
        }
    }
}

/// The API calls each environment used, by what they read.
fn calls(out: &mut String, plan: &Plan) {
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
            if let Some(rate) = c.slowed_to {
                parts.push(format!(
                    "slowed to {rate:.1}/s after {} throttled requests",
                    c.throttled
                ));
            } else if c.throttled > 0 {
                parts.push(format!("{} throttled requests retried", c.throttled));
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
    let calls = if calls.is_empty() {
        "none".to_string()
    } else {
        calls.join(", ")
    };
    put(out, format!("API calls: {calls}"));
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
        let mut roles: Vec<&crate::alma::Role> = u.roles.iter().collect();
        roles.sort_by(|a, b| super::by_code(a, b));
        for role in roles {
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
