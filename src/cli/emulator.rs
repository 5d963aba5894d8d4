//! `alma-access emulator`: serves the Alma Users API emulator over HTTP
//! from a JSON state file, saving every accepted update back to it. Prints
//! the bound address on stdout (the API is under `/almaws/v1`), logs to
//! stderr, and stops on Ctrl-C or SIGTERM.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use super::{EXIT_OK, Outcome, fail, scope};
use crate::emulator::process;

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
pub fn run(args: Args) -> Outcome {
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .try_init();
    let served = process::open(&args.state, args.per_second).and_then(|emulator| {
        scope::runtime().block_on(process::serve_until_stopped(
            emulator,
            args.listen,
            |addr| {
                println!("{addr}");
                let _ = std::io::stdout().flush();
            },
        ))
    });
    served.map_err(fail)?;
    Ok(EXIT_OK)
}
