//! Validate at scale: generates synthetic institutions of N logins (cloned
//! from the sample in `access/`) and reports the wall time and peak memory
//! of loading and validating them. Each measurement runs in a fresh child
//! process, so peak memory (VmHWM) is that of one validate run alone.
//!
//! Run: `cargo bench --bench validate_scale` (N = 1,000 and 10,000), or
//! `cargo bench --bench validate_scale -- 50000` for other sizes.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const RUNS: usize = 3;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if args.first().map(String::as_str) == Some("--child") {
        child(Path::new(&args[1]));
        return;
    }
    let sizes: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() {
        vec![1_000, 10_000]
    } else {
        sizes
    };
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("access");
    println!("validate benchmark: best of {RUNS} runs, each in a fresh process");
    println!(
        "{:>8}  {:>10}  {:>12}  {:>12}",
        "logins", "wall (ms)", "per login", "peak RSS"
    );
    for n in sizes {
        let dir = tempfile::tempdir().expect("temp dir");
        alma_access::synth::institution(&sample, dir.path(), n).expect("generate");
        let mut best = f64::MAX;
        let mut peak_kib = 0u64;
        for _ in 0..RUNS {
            let (ms, kib) = run_child(dir.path());
            best = best.min(ms);
            peak_kib = peak_kib.max(kib);
        }
        println!(
            "{n:>8}  {best:>10.1}  {:>9.1} µs  {:>8.1} MiB",
            best * 1000.0 / n as f64,
            peak_kib as f64 / 1024.0
        );
    }
}

fn run_child(dir: &Path) -> (f64, u64) {
    let exe: PathBuf = std::env::current_exe().expect("own path");
    let out = Command::new(exe)
        .arg("--child")
        .arg(dir)
        .output()
        .expect("child runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let mut fields = text.split_whitespace();
    let ms = fields
        .next()
        .and_then(|f| f.parse().ok())
        .expect("wall time");
    let kib = fields
        .next()
        .and_then(|f| f.parse().ok())
        .expect("peak memory");
    (ms, kib)
}

/// In the child: validate once, print `wall_ms peak_kib`.
fn child(dir: &Path) {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    let start = Instant::now();
    let (_, outcome) = alma_access::validate::validate_dir(dir, today);
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    assert!(!outcome.has_errors(), "generated institution has errors");
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: u64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    println!("{ms} {kib}");
}
