//! An emulator of the Alma Users API, faithful where a mistake would lose
//! data or stall a run: lookups that match any unique identifier (as
//! `user_id_type=all_unique` does), swap-all PUT (omitted fields are lost, a body
//! without roles keeps the roles), all-or-nothing role validation with
//! Alma-shaped 400s, case-insensitive ids, API keys (unknown, read-only),
//! the per-second and daily limits with `X-Exl-Api-Remaining`, injected
//! faults, and the staff login report. One state, two faces: [`Emulator`] implements
//! [`AlmaRead`](crate::alma::AlmaRead) and [`AlmaWrite`](crate::alma::AlmaWrite)
//! in process (same checks, no limits or faults), and [`serve`] exposes it
//! over HTTP under `/almaws/v1` for the real client and the binary. With a
//! state file, every accepted PUT is saved to it. A state is seeded from a
//! [`Description`] of one environment ([`seed`]); the emulator knows Alma's
//! wire forms ([`crate::alma`]) and nothing of access repositories.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::alma::error::AlmaErrorDetail;
use crate::alma::{self, AlmaError, ApiUsage, CodeRow, Desk, General, Library, UserPage, wire};

mod api;
pub mod description;
pub mod faults;
pub mod fixtures;
mod gateway;
mod held_role;
mod logins;
pub mod process;
mod records;
pub mod seed;
mod server;
pub mod state;
pub mod validate;

pub use description::Description;
pub use faults::{Fault, Faults};
pub use server::{Server, serve};
pub use state::{
    Access, CodeEntry, KeyEntry, LibraryEntry, Limits, NamedEntry, StaffLoginRecord, State,
    StateError,
};

/// The emulator: a [`State`] behind a lock, the limits' bookkeeping, faults
/// and counters. Clones share everything.
#[derive(Clone)]
pub struct Emulator {
    shared: Arc<Shared>,
}

struct Shared {
    state: Mutex<State>,
    path: Option<PathBuf>,
    faults: Mutex<faults::FaultState>,
    gate: Mutex<gateway::Gate>,
    counters: Counters,
    tracking: AtomicU64,
    in_process_calls: AtomicU64,
}

/// What the emulator has seen. `requests`, `unauthorized`, `throttled`,
/// `daily_refused` and `faults` count HTTP requests; `reads`, `writes` and
/// `rejected_writes` count both faces.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// API requests received over HTTP (not `/_emulator`).
    pub requests: u64,
    /// Reads answered.
    pub reads: u64,
    /// PUTs accepted.
    pub writes: u64,
    /// PUTs refused (invalid body or roles, read-only key, unknown user).
    pub rejected_writes: u64,
    /// Requests refused for an unknown or missing key.
    pub unauthorized: u64,
    /// 429 `PER_SECOND_THRESHOLD` answers from the limit (not injected).
    pub throttled: u64,
    /// `DAILY_THRESHOLD` answers from the limit (not injected).
    pub daily_refused: u64,
    /// Faults injected.
    pub faults: u64,
}

#[derive(Default)]
struct Counters {
    requests: AtomicU64,
    reads: AtomicU64,
    writes: AtomicU64,
    rejected_writes: AtomicU64,
    unauthorized: AtomicU64,
    throttled: AtomicU64,
    daily_refused: AtomicU64,
    faults: AtomicU64,
}

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// A refused request: an HTTP status and Alma's error details.
#[derive(Clone, Debug)]
pub(crate) struct Refusal {
    pub status: u16,
    pub details: Vec<AlmaErrorDetail>,
}

impl Refusal {
    fn into_error(self) -> AlmaError {
        AlmaError::from_response(self.status, self.details, false)
    }
}

impl Emulator {
    /// An emulator over `state`, kept in memory only.
    pub fn new(state: State) -> Self {
        Self::build(state, None)
    }

    /// An emulator over the state file at `path`; accepted PUTs are saved to it.
    pub fn open(path: &Path) -> Result<Self, StateError> {
        Ok(Self::build(State::load(path)?, Some(path.to_owned())))
    }

    fn build(state: State, path: Option<PathBuf>) -> Self {
        Emulator {
            shared: Arc::new(Shared {
                gate: Mutex::new(gateway::Gate::new(&state.limits)),
                state: Mutex::new(state),
                path,
                faults: Mutex::new(faults::FaultState::default()),
                counters: Counters::default(),
                tracking: AtomicU64::new(0),
                in_process_calls: AtomicU64::new(0),
            }),
        }
    }

    /// A copy of the current state.
    pub fn state(&self) -> State {
        self.lock_state().clone()
    }

    /// Changes the state directly, as Alma's staff interface (or another
    /// integration) would, outside the API: for tests and the seed.
    pub fn edit_state(&self, edit: impl FnOnce(&mut State)) {
        edit(&mut self.lock_state());
    }

    /// Changes the limits and starts their counting afresh.
    pub fn set_limits(&self, limits: Limits) {
        self.lock_state().limits = limits;
        *lock(&self.shared.gate) = gateway::Gate::new(&limits);
    }

    /// Replaces the faults in force; request numbers count from here.
    pub fn set_faults(&self, faults: Faults) {
        lock(&self.shared.faults).set(faults);
    }

    /// The faults in force (queued ones not yet used).
    pub fn faults(&self) -> Faults {
        lock(&self.shared.faults).get()
    }

    /// The counters so far.
    pub fn stats(&self) -> Stats {
        let c = &self.shared.counters;
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        Stats {
            requests: get(&c.requests),
            reads: get(&c.reads),
            writes: get(&c.writes),
            rejected_writes: get(&c.rejected_writes),
            unauthorized: get(&c.unauthorized),
            throttled: get(&c.throttled),
            daily_refused: get(&c.daily_refused),
            faults: get(&c.faults),
        }
    }

    fn lock_state(&self) -> MutexGuard<'_, State> {
        lock(&self.shared.state)
    }

    /// A fresh Alma-style tracking id.
    fn tracking_id(&self) -> String {
        let n = self.shared.tracking.fetch_add(1, Ordering::Relaxed) + 1;
        format!("E01-EMU-{n:010}")
    }

    fn in_process(&self) {
        bump(&self.shared.in_process_calls);
    }
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("path", &self.shared.path)
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// The in-process face: the same checks as over HTTP (ids, roles, swap-all),
/// without keys, limits or faults. Like the HTTP client, it asks for at most
/// [`alma::MAX_PAGE`] users a page.
impl alma::AlmaRead for Emulator {
    async fn get_user(&self, id: &str) -> Result<Option<wire::User>, AlmaError> {
        self.in_process();
        alma::encode_id(id)?;
        match self.get_user_op(id, false) {
            Ok(user) => Ok(Some(user)),
            Err(refusal) => match refusal.into_error() {
                e if e.is_user_not_found() => Ok(None),
                e => Err(e),
            },
        }
    }

    async fn list_users(
        &self,
        offset: u32,
        limit: u32,
        query: Option<&str>,
    ) -> Result<UserPage, AlmaError> {
        self.in_process();
        let list = self
            .list_users_op(offset.into(), limit.min(alma::MAX_PAGE).into(), query)
            .map_err(Refusal::into_error)?;
        Ok(list.into())
    }

    async fn code_table(&self, name: &str) -> Result<Vec<CodeRow>, AlmaError> {
        self.in_process();
        alma::encode_id(name)?;
        let table = self.code_table_op(name).map_err(Refusal::into_error)?;
        Ok(table.into())
    }

    async fn libraries(&self) -> Result<Vec<Library>, AlmaError> {
        self.in_process();
        Ok(self.libraries_op().into())
    }

    async fn circulation_desks(&self, library: &str) -> Result<Vec<Desk>, AlmaError> {
        self.in_process();
        alma::encode_id(library)?;
        let list = self
            .circ_desks_op(library, 0, u64::MAX)
            .map_err(Refusal::into_error)?;
        Ok(list.circ_desk.into_iter().map(Desk::from).collect())
    }

    async fn general(&self) -> Result<General, AlmaError> {
        self.in_process();
        Ok(self.general_op().into())
    }

    /// Answered as over HTTP, then decoded by the client's decoder.
    async fn staff_logins(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        offset: u32,
        limit: u32,
    ) -> Result<wire::StaffLoginPage, AlmaError> {
        self.in_process();
        let request = logins::ReportRequest {
            from,
            to,
            successful: None,
            offset: offset.into(),
            limit: limit.min(alma::MAX_PAGE).into(),
        };
        let list = self
            .staff_logins_op(&request)
            .map_err(Refusal::into_error)?;
        let value = serde_json::to_value(list).expect("the report serializes");
        wire::decode_staff_logins(&value).map_err(|message| AlmaError::Decode {
            what: "staff login report".into(),
            message,
        })
    }

    fn endpoint(&self) -> String {
        "the in-process emulator".to_owned()
    }

    fn usage(&self) -> ApiUsage {
        ApiUsage {
            calls: self.shared.in_process_calls.load(Ordering::Relaxed),
            remaining: None,
            ..ApiUsage::default()
        }
    }
}

impl alma::AlmaWrite for Emulator {
    /// In process the emulator is its own environment: what it reports.
    async fn verify_environment(&self) -> Result<General, AlmaError> {
        use alma::AlmaRead;
        self.general().await
    }

    async fn update_user(&self, user: &wire::User) -> Result<wire::User, AlmaError> {
        self.in_process();
        alma::encode_id(&user.primary_id)?;
        self.put_user_op(&user.primary_id, user.clone())
            .map_err(Refusal::into_error)
    }
}
