//! What `plan` and `apply` share: which access folder, environments and
//! logins a run covers, and the validated repository it starts from.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::today_or;
use crate::alma::AlmaClient;
use crate::model::Connection;
use crate::reconcile::Request;
use crate::reconcile::select::{self, SelectError, Selection};
use crate::reconcile::target::{self, Access};
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
pub type Start = validate::Valid;

/// Resolves the folder and validates it. Errors are printed; the exit code is returned.
pub fn start(args: &ScopeArgs) -> Result<Start, u8> {
    load(&args.path, args.today)
}

/// Resolves an access folder (or a repository holding one) and validates it
/// for `today` (default: today). Diagnostics are printed; the exit code is returned.
pub fn load(path: &Path, today: Option<NaiveDate>) -> Result<Start, u8> {
    validate::open(path, today_or(today)).map_err(|e| {
        let code = match &e {
            validate::OpenError::Root(_) => super::EXIT_USAGE,
            validate::OpenError::Invalid { diagnostics, .. } => {
                eprint!("{diagnostics}");
                super::EXIT_FAILURE
            }
        };
        eprintln!("error: {e}");
        code
    })
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

/// Connects to the environments ([`target::with_alma`]), does `work` with
/// their clients and closes the connections, on a runtime of its own; with
/// no key set, the built-in emulator starts from `synth::built_in`, and
/// stderr says so.
pub fn with_alma<T>(
    start: &Start,
    connection: &Connection,
    environments: &[String],
    access: Access,
    work: impl AsyncFnOnce(&BTreeMap<String, AlmaClient>) -> Result<T, String>,
) -> Result<T, String> {
    let seed = crate::synth::built_in;
    let mut note = |text: &str| eprintln!("note: {text}");
    let work = async |alma: &BTreeMap<String, AlmaClient>| work(alma).await.map_err(Failed);
    runtime()
        .block_on(target::with_alma(
            start,
            connection,
            environments,
            access,
            &seed,
            &mut note,
            work,
        ))
        .map_err(|Failed(why)| why)
}

/// A run that failed, in words (a target's error included).
struct Failed(String);

impl From<target::TargetError> for Failed {
    fn from(e: target::TargetError) -> Failed {
        Failed(e.to_string())
    }
}

/// A runtime for one command: two worker threads suit the network-bound work.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}
