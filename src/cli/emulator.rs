//! `alma-access emulator`: serves the Alma Users API emulator over HTTP
//! from a JSON state file, saving every accepted update back to it. Prints
//! the bound address on stdout (the API is under `/almaws/v1`), logs to
//! stderr, and stops on Ctrl-C or SIGTERM.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use crate::cli::{EXIT_FAILURE, EXIT_OK, EXIT_USAGE};
use crate::emulator::{Emulator, Limits, serve};

/// Serve an emulated Alma Users API from a JSON state file.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The state file (institution, keys, libraries, code tables, users,
    /// limits); accepted updates are written back to it.
    #[arg(long, value_name = "FILE")]
    pub state: PathBuf,
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8025")]
    pub listen: SocketAddr,
    /// Requests per second to allow (overrides the state file's limit; 0: no limit).
    #[arg(long, value_name = "N")]
    pub per_second: Option<u32>,
}

/// Runs the emulator until it is stopped; returns the exit code.
pub fn run(args: Args) -> u8 {
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .try_init();
    if !args.state.is_file() {
        eprintln!("error: no state file at {}", args.state.display());
        return EXIT_USAGE;
    }
    let emulator = match Emulator::open(&args.state) {
        Ok(emulator) => emulator,
        Err(e) => {
            eprintln!("error: cannot load the emulator state: {e}");
            return EXIT_FAILURE;
        }
    };
    if let Some(per_second) = args.per_second {
        let limits = emulator.state().limits;
        emulator.set_limits(Limits {
            per_second,
            ..limits
        });
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return EXIT_FAILURE;
        }
    };
    runtime.block_on(async move {
        let server = match serve(emulator, args.listen).await {
            Ok(server) => server,
            Err(e) => {
                eprintln!("error: cannot listen on {}: {e}", args.listen);
                return EXIT_FAILURE;
            }
        };
        println!("{}", server.addr());
        let _ = std::io::stdout().flush();
        tracing::info!(base_url = %server.base_url(), state = %args.state.display(), "emulating Alma");
        stopped().await;
        tracing::info!("stopping");
        match server.shutdown().await {
            Ok(()) => EXIT_OK,
            Err(e) => {
                eprintln!("error: the emulator failed: {e}");
                EXIT_FAILURE
            }
        }
    })
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
