//! What `plan` and `apply` share: which access folder, environments and
//! logins a run covers, and the validated repository it starts from.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::{access_root, today_or};
use crate::diag::render;
use crate::history;
use crate::model::{AccessRepo, Connection};
use crate::reconcile::requested::Requested;
use crate::reconcile::{Plan, Request, Scope};
use crate::validate;

#[derive(Debug, Clone, clap::Args)]
pub struct ScopeArgs {
    /// The access folder (or a repository holding `access/`).
    #[arg(default_value = "access")]
    pub path: PathBuf,
    /// Environments to cover, in order (default: every environment in institution.yaml, defaults first).
    #[arg(long = "env", value_name = "ENV")]
    pub environments: Vec<String>,
    /// Only these login files.
    #[arg(long, value_name = "FILE", num_args = 1.., conflicts_with = "changed_since")]
    pub only: Vec<PathBuf>,
    /// Only logins whose files, profiles or tables changed since this git revision; deleted login files revoke roles (R9).
    #[arg(long, value_name = "REV", visible_alias = "base")]
    pub changed_since: Option<String>,
    /// The day rules are evaluated for (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE")]
    pub today: Option<NaiveDate>,
}

/// A validated starting point.
pub struct Start {
    pub root: PathBuf,
    pub repo: AccessRepo,
    pub today: NaiveDate,
}

impl Start {
    /// The folder beside the access folder (for `.alma-access/`).
    pub fn repo_root(&self) -> &Path {
        self.root
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
    }
}

/// Resolves the folder and validates it. Errors are printed; the exit code is returned.
pub fn start(args: &ScopeArgs) -> Result<Start, u8> {
    load(&args.path, args.today)
}

/// Resolves an access folder (or a repository holding one) and validates it
/// for `today` (default: today). Diagnostics are printed; the exit code is returned.
pub fn load(path: &Path, today: Option<NaiveDate>) -> Result<Start, u8> {
    let root = access_root(path).map_err(|message| {
        eprintln!("error: {message}");
        super::EXIT_USAGE
    })?;
    let today = today_or(today);
    let (loaded, outcome) = validate::validate_dir(&root, today);
    match outcome.repo {
        Some(repo) => Ok(Start { root, repo, today }),
        None => {
            eprint!("{}", render::text(&outcome.diagnostics, &loaded.sources));
            eprintln!(
                "error: the access repository is not valid ({}); fix it first",
                render::summary(&outcome.diagnostics, outcome.files)
            );
            Err(super::EXIT_FAILURE)
        }
    }
}

/// Builds the plan request; a selection that cannot be honoured is printed
/// and answered with the usage exit code.
pub fn request<'a>(args: &ScopeArgs, start: &'a Start) -> Result<Request<'a>, u8> {
    build_request(args, start).map_err(|message| {
        eprintln!("error: {message}");
        super::EXIT_USAGE
    })
}

/// Builds the plan request: environments, logins, deletions and the commit.
fn build_request<'a>(args: &ScopeArgs, start: &'a Start) -> Result<Request<'a>, String> {
    let institution = &start.repo.institution;
    let environments = if args.environments.is_empty() {
        let mut envs = institution.default_environments.clone();
        envs.extend(
            institution
                .environments
                .keys()
                .filter(|e| !envs.contains(e))
                .cloned()
                .collect::<Vec<_>>(),
        );
        envs
    } else {
        for env in &args.environments {
            if !institution.environments.contains_key(env) {
                return Err(format!(
                    "unknown environment `{env}`; institution.yaml defines: {}",
                    institution
                        .environments
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
        args.environments.clone()
    };
    let mut tables = Vec::new();
    let mut reviewed = BTreeMap::new();
    let (scope, only, deleted) = if !args.only.is_empty() {
        let mut ids = BTreeSet::new();
        for path in &args.only {
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .ok_or_else(|| format!("`{}` is not a login file", path.display()))?;
            let login = start.repo.login(stem).ok_or_else(|| {
                format!(
                    "`{}` is not a login file of this repository",
                    path.display()
                )
            })?;
            ids.insert(login.primary_id.to_lowercase());
        }
        let paths = args.only.iter().map(|p| p.display().to_string()).collect();
        (Scope::Only { paths }, Some(ids), Vec::new())
    } else if let Some(base) = &args.changed_since {
        let changes = history::changed_since(&start.root, base, &start.repo)?;
        let scope = Scope::ChangedSince {
            base: base.clone(),
            files: changes.files,
        };
        reviewed = reviewed_requests(start, base);
        let only = (!changes.everything).then_some(changes.logins);
        tables = changes.tables;
        (scope, only, changes.deleted)
    } else {
        (Scope::Full, None, Vec::new())
    };
    let commit = commit_of(start);
    Ok(Request {
        repo: &start.repo,
        today: start.today,
        environments,
        scope,
        only,
        deleted,
        commit,
        tables,
        reviewed,
        progress: super::terminal_progress(),
        notices: Vec::new(),
    })
}

/// What each login asked for at the reviewed revision `base` (the
/// repository there, validated), by lower-cased primary id; empty when it
/// does not validate there.
fn reviewed_requests(start: &Start, base: &str) -> BTreeMap<String, Requested> {
    let Ok(Some(repo)) = history::repo_at(&start.root, base, start.today) else {
        return BTreeMap::new();
    };
    repo.logins
        .iter()
        .map(|login| (login.primary_id.to_lowercase(), Requested::of(login)))
        .collect()
}

/// The commit the access folder is at, marked `-dirty` when its working
/// tree has uncommitted changes; `None` outside git.
pub fn commit_of(start: &Start) -> Option<String> {
    history::head_commit(&start.root).map(|c| {
        if history::is_dirty(&start.root) {
            format!("{c}-dirty")
        } else {
            c
        }
    })
}

/// The selection a saved plan was made with, to plan it afresh: its
/// environments and scope, on the access folder and day of `args`.
pub fn selection_of(plan: &Plan, args: &ScopeArgs) -> ScopeArgs {
    let (only, changed_since) = match &plan.scope {
        Scope::Full => (Vec::new(), None),
        Scope::ChangedSince { base, .. } => (Vec::new(), Some(base.clone())),
        Scope::Only { paths } => (paths.iter().map(PathBuf::from).collect(), None),
    };
    ScopeArgs {
        path: args.path.clone(),
        environments: plan.environments.clone(),
        only,
        changed_since,
        today: args.today,
    }
}

/// How `plan` connects to Alma. Planning a change (`--changed-since REV`),
/// everything about the connection comes from the reviewed `institution.yaml`
/// at `REV`, never from the change: the change's own settings are noted as
/// taking effect after merge, and an environment the reviewed revision does
/// not have is left out. Otherwise the checkout's settings are used.
pub fn plan_connection(
    args: &ScopeArgs,
    start: &Start,
    request: &mut Request<'_>,
) -> Result<Connection, u8> {
    let Some(rev) = &args.changed_since else {
        return Ok(start.repo.institution.connection());
    };
    let fail = |message: String| {
        eprintln!("error: {message}");
        super::EXIT_FAILURE
    };
    let reviewed = history::institution_at(&start.root, rev)
        .map_err(|why| {
            fail(format!(
                "cannot read the reviewed settings: {why}; a change is planned only with the \
                 Alma connection of a reviewed revision that has a valid institution.yaml"
            ))
        })?
        .connection();
    for difference in reviewed.differences(&start.repo.institution.connection()) {
        request.notices.push(format!(
            "institution.yaml: {difference}: planned with the reviewed setting; takes effect after merge"
        ));
    }
    let mut kept = Vec::new();
    for env in std::mem::take(&mut request.environments) {
        if reviewed.environments.contains_key(&env) {
            kept.push(env);
        } else if args.environments.contains(&env) {
            return Err(fail(format!(
                "environment `{env}` is not in the reviewed institution.yaml at `{rev}`; \
                 it can be planned after the change is merged"
            )));
        } else {
            request.notices.push(format!(
                "environment `{env}` is new in this change: it is not planned before merge"
            ));
        }
    }
    request.environments = kept;
    Ok(reviewed)
}

/// A runtime for one command: two worker threads suit the network-bound work.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}
