//! The `alma-access` binary: parse the command line, run the command, map the
//! outcome to an exit code. Everything else lives in the library.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = alma_access::cli::Cli::parse();
    alma_access::cli::run(cli)
}
