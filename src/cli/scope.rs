//! What `plan` and `apply` share: which access folder, environments and
//! logins a run covers, and the validated repository it starts from.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::{access_root, today_or};
use crate::alma::AlmaClient;
use crate::diag::render;
use crate::model::{AccessRepo, Connection};
use crate::reconcile::Request;
use crate::reconcile::select::{self, SelectError, Selection};
use crate::reconcile::target::{self, Access, Targets};
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
    let root = access_root(path)?;
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

impl ScopeArgs {
    /// What the flags select.
    pub fn selection(&self) -> Selection {
        Selection {
            environments: self.environments.clone(),
            only: self.only.clone(),
            changed_since: self.changed_since.clone(),
        }
    }

    /// The flags that select what `selection` does, on this folder and day.
    pub fn with(&self, selection: Selection) -> ScopeArgs {
        ScopeArgs {
            path: self.path.clone(),
            environments: selection.environments,
            only: selection.only,
            changed_since: selection.changed_since,
            today: self.today,
        }
    }
}

/// Prints a selection that cannot be planned; returns the exit code.
fn refused(e: SelectError) -> u8 {
    eprintln!("error: {e}");
    if e.is_usage() {
        super::EXIT_USAGE
    } else {
        super::EXIT_FAILURE
    }
}

/// Builds the plan request ([`select::request`]), with progress on a
/// terminal; a selection that cannot be honoured is printed.
pub fn request<'a>(args: &ScopeArgs, start: &'a Start) -> Result<Request<'a>, u8> {
    let progress = super::terminal_progress();
    select::request(
        &start.repo,
        &start.root,
        start.today,
        &args.selection(),
        progress,
    )
    .map_err(refused)
}

/// How `plan` connects to Alma ([`select::connection`]).
pub fn plan_connection(
    args: &ScopeArgs,
    start: &Start,
    request: &mut Request<'_>,
) -> Result<Connection, u8> {
    select::connection(&start.repo, &start.root, &args.selection(), request).map_err(refused)
}

/// The commit the access folder is at (`-dirty` with uncommitted changes).
pub fn commit_of(start: &Start) -> Option<String> {
    select::commit_of(&start.root)
}

/// Connects to the environments ([`target::connect`]); with no key set,
/// the built-in emulator starts from `synth::built_in`, and stderr says so.
pub async fn connect(
    start: &Start,
    connection: &Connection,
    environments: &[String],
    access: Access,
) -> Result<Targets, String> {
    let seed = crate::synth::built_in;
    let targets = target::connect(
        &start.repo,
        connection,
        environments,
        start.repo_root(),
        access,
        start.today,
        &seed,
    )
    .await
    .map_err(|e| e.to_string())?;
    if let Some(note) = &targets.note {
        eprintln!("note: {note}");
    }
    Ok(targets)
}

/// Connects to the environments, does `work` with their clients, and
/// closes the connections, on a runtime of its own.
pub fn with_alma<T>(
    start: &Start,
    connection: &Connection,
    environments: &[String],
    access: Access,
    work: impl AsyncFnOnce(&BTreeMap<String, AlmaClient>) -> Result<T, String>,
) -> Result<T, String> {
    runtime().block_on(async {
        let targets = connect(start, connection, environments, access).await?;
        let done = work(&targets.clients).await;
        targets.close().await;
        done
    })
}

/// A runtime for one command: two worker threads suit the network-bound work.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}
