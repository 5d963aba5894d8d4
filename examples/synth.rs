//! Writes a synthetic institution of N logins (cloned from the sample in
//! `access/` by `alma_access::synth`) to DIR, for benchmarks run by tools
//! other than cargo (see `scripts/compare-check-jsonschema`).
//!
//! Run: `cargo run --release --example synth -- 10000 /tmp/inst/access`.

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(n), Some(dir)) = (args.first().and_then(|n| n.parse().ok()), args.get(1)) else {
        eprintln!("usage: synth N DIR   (writes N logins cloned from the sample to DIR)");
        return ExitCode::from(2);
    };
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("access");
    match alma_access::synth::institution(&sample, Path::new(dir), n) {
        Ok(ids) => {
            println!("{} logins written to {dir}", ids.len());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
