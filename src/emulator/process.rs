//! The emulator as a process of its own (`alma-access emulator`): opens a
//! state file, serves it until Ctrl-C or SIGTERM, and saves every accepted
//! update back to the file as it goes.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use super::{Emulator, Limits, serve};

/// Why the emulator could not serve.
#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    #[error("no state file at {}", .0.display())]
    NoState(PathBuf),
    #[error("cannot load the emulator state: {0}")]
    State(String),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the emulator failed: {0}")]
    Failed(std::io::Error),
}

impl ProcessError {
    /// Whether the command was asked something it cannot do (exit 2).
    pub fn is_usage(&self) -> bool {
        matches!(self, ProcessError::NoState(_))
    }
}

/// Opens the state at `state`, with `per_second` (when given) replacing
/// its limit, so that [`serve_until_stopped`] can serve it.
pub fn open(state: &Path, per_second: Option<u32>) -> Result<Emulator, ProcessError> {
    if !state.is_file() {
        return Err(ProcessError::NoState(state.to_path_buf()));
    }
    let emulator = Emulator::open(state).map_err(|e| ProcessError::State(e.to_string()))?;
    if let Some(per_second) = per_second {
        let limits = emulator.state().limits;
        emulator.set_limits(Limits {
            per_second,
            ..limits
        });
    }
    Ok(emulator)
}

/// Serves `emulator` on `addr` until Ctrl-C or SIGTERM; `ready` hears the
/// address bound (port 0 picks a free one).
pub async fn serve_until_stopped(
    emulator: Emulator,
    addr: SocketAddr,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), ProcessError> {
    let server = serve(emulator, addr)
        .await
        .map_err(|source| ProcessError::Listen { addr, source })?;
    ready(server.addr());
    tracing::info!(base_url = %server.base_url(), "emulating Alma");
    stopped().await;
    tracing::info!("stopping");
    server.shutdown().await.map_err(ProcessError::Failed)
}

/// Resolves on Ctrl-C, or on SIGTERM where there is one.
async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
