//! What `plan` and `apply` share: which access folder, environments and
//! logins a run covers, and the validated repository it starts from.

use std::collections::BTreeMap;
use std::error::Error;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::{fail, failed, today_or};
use crate::alma::AlmaClient;
use crate::model::Connection;
use crate::reconcile::select::Selection;
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

impl ScopeArgs {
    /// What the flags select.
    pub fn selection(&self) -> Selection {
        Selection {
            environments: self.environments.clone(),
            only: self.only.clone(),
            changed_since: self.changed_since.clone(),
        }
    }
}

/// A validated starting point.
pub type Start = validate::Valid;

/// Resolves an access folder (or a repository holding one) and validates it
/// for `today` (default: today). Diagnostics are printed; the exit code is returned.
pub fn load(path: &Path, today: Option<NaiveDate>) -> Result<Start, u8> {
    validate::open(path, today_or(today)).map_err(fail)
}

/// Connects to the environments ([`target::with_alma`]), does `work` with
/// their clients and closes the connections, on a runtime of its own; with
/// no key set, the built-in emulator starts from `synth::built_in`, and
/// stderr says so. An error, the work's or the connection's, is printed.
pub fn with_alma<T, E: Into<Box<dyn Error>>>(
    start: &Start,
    connection: &Connection,
    environments: &[String],
    access: Access,
    work: impl AsyncFnOnce(&BTreeMap<String, AlmaClient>) -> Result<T, E>,
) -> Result<T, u8> {
    let seed = crate::synth::built_in;
    let mut note = |text: &str| eprintln!("note: {text}");
    let work = async |alma: &BTreeMap<String, AlmaClient>| work(alma).await.map_err(Into::into);
    let run = target::with_alma::<_, Box<dyn Error>>(
        start,
        connection,
        environments,
        access,
        &seed,
        &mut note,
        work,
    );
    runtime().block_on(run).map_err(failed)
}

/// A runtime for one command: two worker threads suit the network-bound work.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}
