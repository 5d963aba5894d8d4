//! The reconciler: makes Alma match the access repository.
//!
//! `desired` compiles each login into the Alma roles it should hold on a
//! day; [`read`] fetches the managed users from Alma (only those, through
//! [`AlmaRead`], so a read-only key suffices); [`diff`] compares the two per
//! user, purely; the result is a typed [`Plan`], checked by the [`safety`]
//! gates. [`apply`] then does exactly what the plan shows, user by user:
//! re-read, refuse if changed since the plan, write only the roles, read
//! again to verify, and record it in the audit log. Level-triggered and
//! idempotent: after an apply, a new plan is empty.

pub mod apply;
pub mod audit;
pub mod desired;
pub mod diff;
pub mod lock;
pub mod markdown;
pub mod plan;
pub mod render;
pub mod safety;
pub mod saved;

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use futures_util::StreamExt;

use crate::alma::{AlmaError, AlmaRead, Role, wire};
use crate::model::AccessRepo;

pub use desired::Desired;
pub use plan::{Change, ChangeKind, Plan, Scope, UserPlan, UserStatus};

/// A login file deleted since the base revision (R9): its user loses every managed role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deleted {
    pub primary_id: String,
    pub file: String,
    pub environments: Vec<String>,
}

/// A shared file (institution, catalogue, units, a profile) changed since
/// the base revision, with the logins it concerns (`None`: every login).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableChange {
    /// The path inside the access folder, e.g. `catalog.yaml`.
    pub file: String,
    /// Lower-cased primary ids.
    pub logins: Option<BTreeSet<String>>,
}

/// What to plan.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    pub repo: &'a AccessRepo,
    pub today: NaiveDate,
    /// The environments to plan, in apply order.
    pub environments: Vec<String>,
    pub scope: Scope,
    /// The logins to plan, by lower-cased primary id; `None` for all.
    pub only: Option<BTreeSet<String>>,
    pub deleted: Vec<Deleted>,
    pub commit: Option<String>,
    /// The shared files that changed, for the plan's blast radius.
    pub tables: Vec<TableChange>,
    /// Things a reviewer must know about how this plan was made (settings
    /// of the change that take effect only after merge), shown at its top.
    pub notices: Vec<String>,
}

/// How many user reads run at once (the client's rate limiter still applies).
pub const READ_CONCURRENCY: usize = 4;

/// Reads the users a request concerns from each environment and diffs them.
/// `alma` maps an environment name to its reader.
pub async fn plan<R: AlmaRead>(
    alma: &BTreeMap<String, R>,
    request: &Request<'_>,
) -> Result<Plan, AlmaError> {
    let preserve = &request.repo.institution.preserve_roles;
    let mut plan = Plan {
        format: plan::FORMAT,
        commit: request.commit.clone(),
        today: request.today,
        institution: request.repo.institution.institution.clone(),
        environments: request.environments.clone(),
        scope: request.scope.clone(),
        users: Vec::new(),
        calls: BTreeMap::new(),
        safety: Vec::new(),
        errors: Vec::new(),
        hosts: BTreeMap::new(),
        notices: request.notices.clone(),
        losses: BTreeMap::new(),
        caps: request.repo.institution.safety.max_removals,
        blast: Vec::new(),
    };
    let mut all_desired = BTreeMap::new();
    for env in &request.environments {
        let reader = alma.get(env).ok_or_else(|| AlmaError::Config {
            message: format!("no Alma connection for environment `{env}`"),
        })?;
        let calls_before = reader.usage().calls;
        plan.hosts.insert(env.clone(), reader.endpoint());
        let desired = desired::for_environment(request.repo, env, request.today);
        let mut ids: BTreeMap<String, String> = desired
            .iter()
            .filter(|(id, _)| request.only.as_ref().is_none_or(|only| only.contains(*id)))
            .map(|(id, d)| (id.clone(), d.primary_id.clone()))
            .collect();
        for gone in request
            .deleted
            .iter()
            .filter(|d| d.environments.contains(env))
        {
            ids.entry(gone.primary_id.to_lowercase())
                .or_insert_with(|| gone.primary_id.clone());
        }
        for (key, id, read) in read(reader, ids).await? {
            let desired_user = desired.get(&key);
            match read {
                Ok(actual) => plan.users.push(diff::diff(
                    env,
                    &id,
                    desired_user,
                    actual.as_deref(),
                    preserve,
                )),
                Err(message) => plan.errors.push(plan::ReadFailure {
                    environment: env.clone(),
                    primary_id: id,
                    message,
                }),
            }
        }
        let usage = reader.usage();
        plan.calls.insert(
            env.clone(),
            plan::Calls {
                used: usage.calls - calls_before,
                remaining: usage.remaining,
            },
        );
        all_desired.insert(env.clone(), desired);
    }
    plan.losses = safety::losses(&plan, &all_desired, preserve);
    plan.safety = safety::check(&plan, request.repo, &all_desired);
    plan.blast = blast(&plan, request);
    Ok(plan)
}

/// How far each changed shared file reaches in this plan.
fn blast(plan: &Plan, request: &Request<'_>) -> Vec<plan::Blast> {
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

type ReadResult = (String, String, Result<Option<Vec<Role>>, String>);

/// Reads users with bounded concurrency. A user Alma does not have is
/// `Ok(None)`; any other failure is kept as that user's error. Reaching the
/// daily API limit stops the whole run.
async fn read<R: AlmaRead>(
    reader: &R,
    ids: BTreeMap<String, String>,
) -> Result<Vec<ReadResult>, AlmaError> {
    let results: Vec<(String, String, Result<Option<wire::User>, AlmaError>)> =
        futures_util::stream::iter(ids)
            .map(|(key, id)| async move {
                let got = reader.read_user(&id).await;
                (key, id, got)
            })
            .buffer_unordered(READ_CONCURRENCY)
            .collect()
            .await;
    let mut out = Vec::with_capacity(results.len());
    for (key, id, got) in results {
        let read = match got {
            Err(e @ AlmaError::DailyThreshold { .. }) => return Err(e),
            Err(e) => Err(e.to_string()),
            Ok(None) => Ok(None),
            Ok(Some(user)) => roles_of(&user).map(Some).map_err(|e| e.to_string()),
        };
        out.push((key, id, read));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// A wire user's roles, in the reconciler's form.
pub fn roles_of(user: &wire::User) -> Result<Vec<Role>, AlmaError> {
    user.user_role
        .iter()
        .flatten()
        .map(Role::from_wire)
        .collect()
}
