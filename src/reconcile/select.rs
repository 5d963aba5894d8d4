//! What a plan covers, and how it connects: the environments (the ones
//! asked for, which institution.yaml must define, or all of them, defaults
//! first), the logins (every one; the files named; or those a change since
//! a revision concerns, with the login files it deleted and the shared
//! files it touched), the commit the folder is at, and what each login
//! asked for at the reviewed revision. Planning a change, everything about
//! connecting to Alma comes from the reviewed `institution.yaml`, never from
//! the change ([`connection`]).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::requested::Requested;
use super::{Plan, Progress, Request, Scope};
use crate::git::{self, GitError};
use crate::model::institution::EnvironmentError;
use crate::model::{AccessRepo, Connection};

/// What a run is asked to cover.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// Environments in order; empty: every environment, defaults first.
    pub environments: Vec<String>,
    /// Only these login files.
    pub only: Vec<PathBuf>,
    /// Only what changed since this revision.
    pub changed_since: Option<String>,
}

impl Selection {
    /// The selection a saved plan was made with, to plan it afresh.
    pub fn of(plan: &Plan) -> Selection {
        let (only, changed_since) = match &plan.scope {
            Scope::Full => (Vec::new(), None),
            Scope::ChangedSince { base, .. } => (Vec::new(), Some(base.clone())),
            Scope::Only { paths } => (paths.iter().map(PathBuf::from).collect(), None),
        };
        Selection {
            environments: plan.environments.clone(),
            only,
            changed_since,
        }
    }
}

/// Why a selection cannot be planned.
#[derive(Debug, thiserror::Error)]
pub enum SelectError {
    #[error(transparent)]
    Environment(#[from] EnvironmentError),
    #[error("`{}` is not a login file", .0.display())]
    NotALoginFile(PathBuf),
    #[error("`{}` is not a login file of this repository", .0.display())]
    NotInRepository(PathBuf),
    #[error(transparent)]
    Git(#[from] GitError),
    #[error(
        "cannot read the reviewed settings: {0}; a change is planned only with the Alma \
         connection of a reviewed revision that has a valid institution.yaml"
    )]
    ReviewedSettings(GitError),
    #[error(
        "environment `{environment}` is not in the reviewed institution.yaml at `{rev}`; it can \
         be planned after the change is merged"
    )]
    NotReviewed { environment: String, rev: String },
}

impl SelectError {
    /// Whether the selection itself was wrong (exit 2), not its planning.
    pub fn is_usage(&self) -> bool {
        !matches!(
            self,
            SelectError::ReviewedSettings(_) | SelectError::NotReviewed { .. }
        )
    }
}

/// The plan request for `selection` over the repository read from the
/// access folder `root`.
pub fn request<'a>(
    repo: &'a AccessRepo,
    root: &Path,
    today: NaiveDate,
    selection: &Selection,
    progress: Progress,
) -> Result<Request<'a>, SelectError> {
    let environments = environments(repo, &selection.environments)?;
    let mut tables = Vec::new();
    let mut reviewed = BTreeMap::new();
    let (scope, only, deleted) = if !selection.only.is_empty() {
        let ids = files(repo, &selection.only)?;
        let paths = selection
            .only
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        (Scope::Only { paths }, Some(ids), Vec::new())
    } else if let Some(base) = &selection.changed_since {
        let changes = git::changed_since(root, base, repo)?;
        let scope = Scope::ChangedSince {
            base: base.clone(),
            files: changes.files,
        };
        reviewed = reviewed_requests(root, base, today);
        tables = changes.tables;
        let only = (!changes.everything).then_some(changes.logins);
        (scope, only, changes.deleted)
    } else {
        (Scope::Full, None, Vec::new())
    };
    Ok(Request {
        repo,
        today,
        environments,
        scope,
        only,
        deleted,
        commit: commit_of(root),
        tables,
        reviewed,
        progress,
        notices: Vec::new(),
    })
}

/// The environments asked for, each defined; or all, defaults first.
fn environments(repo: &AccessRepo, asked: &[String]) -> Result<Vec<String>, SelectError> {
    let institution = &repo.institution;
    if asked.is_empty() {
        let mut envs = institution.default_environments.clone();
        let rest: Vec<String> = institution
            .environments
            .keys()
            .filter(|e| !envs.contains(e))
            .cloned()
            .collect();
        envs.extend(rest);
        return Ok(envs);
    }
    for env in asked {
        institution.environment(Some(env))?;
    }
    Ok(asked.to_vec())
}

/// The lower-cased primary ids of the login files named.
fn files(repo: &AccessRepo, paths: &[PathBuf]) -> Result<BTreeSet<String>, SelectError> {
    let mut ids = BTreeSet::new();
    for path in paths {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .ok_or_else(|| SelectError::NotALoginFile(path.clone()))?;
        let login = repo
            .login(stem)
            .ok_or_else(|| SelectError::NotInRepository(path.clone()))?;
        ids.insert(login.primary_id.to_lowercase());
    }
    Ok(ids)
}

/// What each login asked for at the reviewed revision `base` (the
/// repository there, validated), by lower-cased primary id; empty when it
/// does not validate there.
fn reviewed_requests(root: &Path, base: &str, today: NaiveDate) -> BTreeMap<String, Requested> {
    let Ok(Some(repo)) = git::repo_at(root, base, today) else {
        return BTreeMap::new();
    };
    repo.logins
        .iter()
        .map(|login| (login.primary_id.to_lowercase(), Requested::of(login)))
        .collect()
}

/// The commit the access folder `root` is at, marked `-dirty` when its
/// working tree has uncommitted changes; `None` outside git.
pub fn commit_of(root: &Path) -> Option<String> {
    git::head_commit(root).map(|c| {
        if git::is_dirty(root) {
            format!("{c}-dirty")
        } else {
            c
        }
    })
}

/// How `plan` connects to Alma. Planning a change (`changed_since`),
/// everything about the connection comes from the reviewed `institution.yaml`
/// at that revision, never from the change: the change's own settings are
/// noted as taking effect after merge, and an environment the reviewed
/// revision does not have is left out (or, when asked for, refused).
/// Otherwise the checkout's settings are used.
pub fn connection(
    repo: &AccessRepo,
    root: &Path,
    selection: &Selection,
    request: &mut Request<'_>,
) -> Result<Connection, SelectError> {
    let Some(rev) = &selection.changed_since else {
        return Ok(repo.institution.connection());
    };
    let reviewed = git::institution_at(root, rev)
        .map_err(SelectError::ReviewedSettings)?
        .connection();
    for difference in reviewed.differences(&repo.institution.connection()) {
        request.notices.push(format!(
            "institution.yaml: {difference}: planned with the reviewed setting; takes effect after merge"
        ));
    }
    let mut kept = Vec::new();
    for env in std::mem::take(&mut request.environments) {
        if reviewed.environments.contains_key(&env) {
            kept.push(env);
        } else if selection.environments.contains(&env) {
            return Err(SelectError::NotReviewed {
                environment: env,
                rev: rev.clone(),
            });
        } else {
            request.notices.push(format!(
                "environment `{env}` is new in this change: it is not planned before merge"
            ));
        }
    }
    request.environments = kept;
    Ok(reviewed)
}
