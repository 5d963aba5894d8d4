//! Writes a synthetic institution of N logins (cloned from the sample in
//! `access/` by `alma_access::synth`) to DIR, for benchmarks run by tools
//! other than cargo (see `scripts/compare-check-jsonschema`). With
//! `--alma`, it also writes the institution's Alma (the sample's, cloned
//! for the new logins) where the built-in target keeps its state, so that
//! `alma-access plan DIR` plans against it.
//!
//! Run: `cargo run --release --example synth -- 10000 /tmp/inst/access [--alma]`.

use std::path::Path;
use std::process::ExitCode;

use alma_access::emulator::seed;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let alma = args.iter().any(|a| a == "--alma");
    args.retain(|a| a != "--alma");
    let (Some(n), Some(dir)) = (args.first().and_then(|n| n.parse().ok()), args.get(1)) else {
        eprintln!(
            "usage: synth N DIR [--alma]   (writes N logins cloned from the sample to DIR; \
             with --alma, their Alma too)"
        );
        return ExitCode::from(2);
    };
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("access");
    let dir = Path::new(dir);
    let written = if alma {
        write_with_alma(&sample, dir, n)
    } else {
        alma_access::synth::institution(&sample, dir, n).map(|ids| ids.len())
    };
    match written {
        Ok(count) => {
            println!("{count} logins written to {}", dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The logins, and each environment's Alma in `.alma-access/emulator/`
/// beside DIR, seeded for today.
fn write_with_alma(sample: &Path, dir: &Path, n: usize) -> std::io::Result<usize> {
    let production = seed::sample("production").expect("the sample's Alma");
    let synthetic = alma_access::synth::with_alma(sample, dir, n, &production)?;
    let root = dir.parent().unwrap_or(Path::new("."));
    let states = root.join(".alma-access").join("emulator");
    std::fs::create_dir_all(&states)?;
    let today = chrono::Utc::now().date_naive();
    for env in ["production", "sandbox"] {
        let description = seed::sample(env).expect("the sample's Alma");
        let state = seed::from_description(&synthetic.alma(&description, 0), today);
        state
            .save(&states.join(format!("{env}.json")))
            .map_err(std::io::Error::other)?;
    }
    Ok(synthetic.ids.len())
}
