//! Reading one environment for a plan: the users the request concerns
//! (logins planned, login files deleted), diffed against what they should
//! hold; on a full scan, the users no login file names (R11); and the API
//! calls each part used. Every failed read is kept as that user's error,
//! never taken for "no roles".

use std::collections::{BTreeMap, BTreeSet};

use futures_util::StreamExt;

use super::desired::Desired;
use super::plan::{self, Plan, Scope, UserPlan};
use super::requested::{self, Requested};
use super::unmanaged::{self, Disposition, UnmanagedUser};
use super::{Progress, READ_CONCURRENCY, Request, config, diff};
use crate::alma::{AlmaError, AlmaRead, Role, normalize, wire};
use crate::model::UnmanagedAccess;

/// Reads and diffs environment `env` into `plan`.
pub(super) async fn environment<R: AlmaRead>(
    plan: &mut Plan,
    reader: &R,
    env: &str,
    desired: &BTreeMap<String, Desired>,
    request: &Request<'_>,
) -> Result<(), AlmaError> {
    let managed = diff::Managed::of(request.repo);
    let usage_before = reader.usage();
    let calls_before = usage_before.calls;
    plan.hosts.insert(env.to_string(), reader.endpoint());
    let mut ids: BTreeMap<String, String> = desired
        .iter()
        .filter(|(id, _)| request.only.as_ref().is_none_or(|only| only.contains(*id)))
        .map(|(id, d)| (id.clone(), d.primary_id.clone()))
        .collect();
    for gone in request
        .deleted
        .iter()
        .filter(|d| d.environments.iter().any(|e| e == env))
    {
        ids.entry(gone.primary_id.to_lowercase())
            .or_insert_with(|| gone.primary_id.clone());
    }
    let first = plan.users.len();
    let what = format!("reading {env} users");
    for (key, id, read) in read(reader, ids, &request.progress, &what).await? {
        let held = |user: &wire::User| roles(user, &managed);
        match read.and_then(|user| user.as_ref().map(held).transpose()) {
            Ok(actual) => {
                let wanted = desired.get(&key);
                let mut user = diff::diff(env, &id, wanted, actual.as_ref(), &managed);
                describe(&mut user, wanted, request);
                plan.users.push(user);
            }
            Err(message) => failed(plan, env, id, message),
        }
    }
    let mut calls = plan::Calls::default();
    let before = reader.usage().calls;
    configuration(plan, reader, env, desired, first, request).await?;
    calls.config = reader.usage().calls - before;
    if matches!(request.scope, Scope::Full) && request.only.is_none() {
        unmanaged(plan, reader, env, request, &mut calls).await?;
    }
    let usage = reader.usage();
    calls.used = usage.calls - calls_before;
    calls.remaining = usage.remaining;
    calls.throttled = usage.throttled - usage_before.throttled;
    calls.slowed_to = usage.slowed_to;
    plan.calls.insert(env.to_string(), calls);
    Ok(())
}

/// Adds what the login asks for (and, on a plan of a change, what the change
/// asks for anew), and for a login still waiting for its account, the roles
/// it will get.
fn describe(user: &mut UserPlan, desired: Option<&Desired>, request: &Request<'_>) {
    let Some(login) = request.repo.login(&user.primary_id) else {
        return;
    };
    let now = Requested::of(login);
    if !request.reviewed.is_empty() {
        let key = user.primary_id.to_lowercase();
        user.request_changes = requested::changes(request.reviewed.get(&key), &now);
    }
    user.requested = Some(now);
    if user.status == plan::UserStatus::Waiting {
        user.pending = desired
            .map(|d| d.roles.iter().map(|r| r.role.clone()).collect())
            .unwrap_or_default();
    }
}

/// Reads Alma's configuration and checks the users planned since `first`
/// against it: a role the repository grants that Alma lacks blocks that
/// user; a role a user keeps that Alma will refuse is a warning.
async fn configuration<R: AlmaRead>(
    plan: &mut Plan,
    reader: &R,
    env: &str,
    desired: &BTreeMap<String, Desired>,
    first: usize,
    request: &Request<'_>,
) -> Result<(), AlmaError> {
    let planned = &plan.users[first..];
    let wanted = |u: &UserPlan| desired.get(&u.primary_id.to_lowercase());
    let roles: Vec<&Role> = planned
        .iter()
        .flat_map(|u| {
            let desired_roles = wanted(u)
                .into_iter()
                .flat_map(|d| d.roles.iter().map(|r| &r.role));
            u.after.iter().chain(desired_roles)
        })
        .collect();
    let institution = &request.repo.institution.institution;
    let mut alma = match config::read(reader, institution, &roles).await {
        Ok(alma) => alma,
        Err(e @ AlmaError::DailyThreshold { .. }) => return Err(e),
        Err(e) => {
            let why = format!(
                "reading Alma's configuration (role types, libraries, desks) failed, so roles Alma \
                 would refuse cannot be found before writing: {e}; the key needs read access to \
                 the Configuration API"
            );
            failed(plan, env, "(configuration)".into(), why);
            return Ok(());
        }
    };
    // Scopes beyond the libraries that institution.yaml manages (a network
    // zone) are not in Alma's library list, and are no reason for a refusal.
    let managed_scopes = &request.repo.institution.managed_scopes;
    alma.libraries.extend(managed_scopes.iter().cloned());
    for (code, name) in &alma.role_types {
        plan.role_names
            .entry(code.clone())
            .or_insert_with(|| name.clone());
    }
    for user in &mut plan.users[first..] {
        let Some(d) = desired.get(&user.primary_id.to_lowercase()) else {
            continue;
        };
        let missing = config::missing(&alma, d);
        for (role, why, sources) in &missing {
            user.notes.push(format!(
                "not applied: {} grants a role Alma does not have ({why}); fix catalog.yaml or \
                 units.yaml, or create it in Alma",
                if sources.is_empty() {
                    d.file.clone()
                } else {
                    sources.join(" + ")
                }
            ));
            plan.config.push(config::ConfigFinding::Missing {
                environment: env.to_string(),
                primary_id: user.primary_id.clone(),
                role: role.clone(),
                why: why.clone(),
                sources: sources.clone(),
            });
        }
        if !missing.is_empty() && user.status != plan::UserStatus::Waiting {
            user.status = plan::UserStatus::Blocked;
        }
    }
    for user in &mut plan.users[first..] {
        let granted: Vec<&Role> = desired
            .get(&user.primary_id.to_lowercase())
            .map(|d| d.roles.iter().map(|r| &r.role).collect())
            .unwrap_or_default();
        for role in user.after.iter().filter(|r| !granted.contains(r)) {
            let Some(why) = config::refusal(&alma, role) else {
                continue;
            };
            user.notes.push(format!(
                "warning: Alma will refuse any update of this user while it holds {} @ {} ({why}): \
                 remove or correct that role in Alma first",
                role.role_type, role.scope
            ));
            plan.config.push(config::ConfigFinding::Refused {
                environment: env.to_string(),
                primary_id: user.primary_id.clone(),
                role: role.clone(),
                why,
            });
        }
    }
    Ok(())
}

/// Finds the staff users no login file names and what they hold (R11).
async fn unmanaged<R: AlmaRead>(
    plan: &mut Plan,
    reader: &R,
    env: &str,
    request: &Request<'_>,
    calls: &mut plan::Calls,
) -> Result<(), AlmaError> {
    let institution = &request.repo.institution;
    let managed = diff::Managed::of(request.repo);
    let known: BTreeSet<String> = request
        .repo
        .logins
        .iter()
        .map(|l| l.primary_id.to_lowercase())
        .collect();
    let before = reader.usage().calls;
    let listed = match unmanaged::staff_without_file(reader, &known).await {
        Ok(listed) => listed,
        Err(e @ AlmaError::DailyThreshold { .. }) => return Err(e),
        Err(e) => {
            let why = format!(
                "listing Alma's users failed, so access granted outside the repository cannot be seen: {e}"
            );
            failed(plan, env, "(user list)".into(), why);
            return Ok(());
        }
    };
    calls.listing = reader.usage().calls - before;
    let before = reader.usage().calls;
    let what = format!("reading {env} staff without a login file");
    for (_, id, read) in read(
        reader,
        listed.into_iter().collect(),
        &request.progress,
        &what,
    )
    .await?
    {
        let user = match read {
            Ok(Some(user)) => user,
            Ok(None) => continue,
            Err(message) => {
                failed(plan, env, id, message);
                continue;
            }
        };
        let held = match roles(&user, &managed) {
            Ok(held) => held,
            Err(message) => {
                failed(plan, env, id, message);
                continue;
            }
        };
        let theirs: Vec<Role> = held
            .roles
            .iter()
            .filter(|r| managed.role(r))
            .cloned()
            .collect();
        if theirs.is_empty() {
            continue;
        }
        let protected = institution
            .safety
            .protected_users
            .iter()
            .any(|p| p.eq_ignore_ascii_case(&id));
        let disposition = match (protected, institution.unmanaged_access) {
            (true, _) => Disposition::Protected,
            (false, UnmanagedAccess::Report) => Disposition::Reported,
            (false, UnmanagedAccess::Remove) => Disposition::Removed,
        };
        if disposition == Disposition::Removed {
            plan.users.push(diff::unmanaged(env, &id, &held, &managed));
        }
        plan.unmanaged.push(UnmanagedUser {
            environment: env.to_string(),
            primary_id: id,
            name: user.display_name(),
            roles: normalize(theirs),
            disposition,
        });
    }
    calls.unmanaged_reads = reader.usage().calls - before;
    Ok(())
}

fn failed(plan: &mut Plan, env: &str, primary_id: String, message: String) {
    plan.errors.push(plan::ReadFailure {
        environment: env.to_string(),
        primary_id,
        message,
    });
}

/// A user's roles for a plan; a role that cannot be read and may be the
/// tool's is that user's error.
fn roles(user: &wire::User, managed: &diff::Managed) -> Result<diff::Held, String> {
    diff::Held::read_for(user, managed).map_err(|e| e.to_string())
}

type ReadResult = (String, String, Result<Option<wire::User>, String>);

/// Reads users with bounded concurrency, sorted by key. A user Alma does
/// not have is `Ok(None)`; any other failure (an answer that is another
/// person included) is kept as that user's error. Reaching the daily API
/// limit stops the whole run.
async fn read<R: AlmaRead>(
    reader: &R,
    ids: BTreeMap<String, String>,
    progress: &Progress,
    what: &str,
) -> Result<Vec<ReadResult>, AlmaError> {
    let total = ids.len();
    let mut reads = futures_util::stream::iter(ids)
        .map(|(key, id)| async move {
            let got = reader.read_user(&id).await;
            (key, id, got)
        })
        .buffer_unordered(READ_CONCURRENCY);
    let mut results: Vec<(String, String, Result<Option<wire::User>, AlmaError>)> =
        Vec::with_capacity(total);
    while let Some(result) = reads.next().await {
        results.push(result);
        progress.tell(what, results.len(), total);
    }
    let mut out = Vec::with_capacity(results.len());
    for (key, id, got) in results {
        let read = match got {
            Err(e @ AlmaError::DailyThreshold { .. }) => return Err(e),
            Err(e) => Err(e.to_string()),
            Ok(user) => Ok(user),
        };
        out.push((key, id, read));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// How far each changed shared file reaches in this plan.
pub(super) fn blast(plan: &Plan, request: &Request<'_>) -> Vec<plan::Blast> {
    let all = request.repo.logins.len();
    request
        .tables
        .iter()
        .map(|table| {
            let concerned = |id: &str| {
                table
                    .logins
                    .as_ref()
                    .is_none_or(|ids| ids.contains(&id.to_lowercase()))
            };
            let changed: Vec<&UserPlan> = plan
                .changed()
                .filter(|u| u.file.is_some() && concerned(&u.primary_id))
                .collect();
            let logins: BTreeSet<String> = changed
                .iter()
                .map(|u| u.primary_id.to_lowercase())
                .collect();
            plan::Blast {
                file: table.file.clone(),
                logins: table.logins.as_ref().map_or(all, BTreeSet::len),
                changed: logins.len(),
                roles: changed.iter().map(|u| u.changes.len()).sum(),
            }
        })
        .collect()
}
