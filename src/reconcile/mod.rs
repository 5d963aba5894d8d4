//! The reconciler: makes Alma match the access repository.
//!
//! `desired` compiles each login into the Alma roles it should hold on a
//! day; `scan` reads the users a plan concerns from Alma (through
//! [`AlmaRead`], so a read-only key suffices) and, on a full scan, the
//! staff users no login file names ([`unmanaged`], R11); [`diff`] compares
//! what should be with what is per user, purely; the result is a typed
//! [`Plan`], checked by the [`safety`] gates. [`apply`] then does exactly
//! what the plan shows, user by user: re-read, refuse if changed since the
//! plan, write only the roles, read again to verify, and record it in the
//! audit log. Level-triggered and idempotent: after an apply, a new plan is
//! empty.

pub mod apply;
pub mod audit;
pub mod config;
pub mod desired;
pub mod diff;
pub mod lock;
pub mod markdown;
pub mod plan;
mod progress;
pub mod render;
pub mod requested;
pub mod safety;
pub mod saved;
mod scan;
pub mod select;
pub mod shown;
pub mod target;
pub mod unmanaged;

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use crate::alma::{AlmaError, AlmaRead, Role, wire};
use crate::model::AccessRepo;

pub use desired::Desired;
pub use plan::{Change, ChangeKind, Plan, Scope, UserPlan, UserStatus};
pub use progress::Progress;

pub use crate::git::{Deleted, TableChange};

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
    /// On a plan of a change: what each login asked for at the reviewed
    /// revision, by lower-cased primary id (absent: new, or not known).
    pub reviewed: BTreeMap<String, requested::Requested>,
    /// Where to tell how far the reading has got.
    pub progress: Progress,
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
    let managed = diff::Managed::of(request.repo);
    let mut plan = empty(request);
    let mut all_desired = BTreeMap::new();
    for env in &request.environments {
        let reader = alma.get(env).ok_or_else(|| AlmaError::Config {
            message: format!("no Alma connection for environment `{env}`"),
        })?;
        let desired = desired::for_environment(request.repo, env, request.today);
        scan::environment(&mut plan, reader, env, &desired, request).await?;
        all_desired.insert(env.clone(), desired);
    }
    plan.losses = safety::losses(&plan, &all_desired, &managed);
    plan.safety = safety::check(&plan, request.repo, &all_desired);
    plan.blast = scan::blast(&plan, request);
    keep_names_shown(&mut plan);
    Ok(plan)
}

/// Keeps the names of the role codes the plan shows, out of Alma's whole table.
fn keep_names_shown(plan: &mut Plan) {
    let shown: BTreeSet<&str> = plan
        .users
        .iter()
        .flat_map(|u| u.before.iter().chain(&u.after))
        .chain(plan.unmanaged.iter().flat_map(|u| &u.roles))
        .map(|r| r.role_type.as_str())
        .collect();
    let kept = std::mem::take(&mut plan.role_names)
        .into_iter()
        .filter(|(code, _)| shown.contains(code.as_str()))
        .collect();
    plan.role_names = kept;
}

/// A plan of `request` before anything is read.
fn empty(request: &Request<'_>) -> Plan {
    Plan {
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
        unmanaged: Vec::new(),
        config: Vec::new(),
        role_names: BTreeMap::new(),
    }
}

/// A wire user's roles, in the reconciler's form.
pub fn roles_of(user: &wire::User) -> Result<Vec<Role>, AlmaError> {
    user.user_role
        .iter()
        .flatten()
        .map(Role::from_wire)
        .collect()
}
