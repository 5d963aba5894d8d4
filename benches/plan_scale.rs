//! Plan and apply at scale against the emulator over HTTP: a synthetic
//! institution of N logins cloned from the sample, with the sample's Alma
//! cloned for them (`synth::with_alma`: the sample's drift once).
//! Reports the Alma reads of an incremental plan for a one-file change
//! (the minimum is one per environment), the wall time of a full scan
//! against N / rate, and the wall time of applying the k changes the
//! drift calls for, against the calls apply makes per user.
//!
//! The institution's Alma also holds `--patrons K` patrons per login
//! (default 10), so that a full scan's listing of every user (R11) costs
//! what it would in a real institution.
//!
//! Run: `cargo bench --bench plan_scale` (N = 10,000 at 200 requests/s), or
//! `cargo bench --bench plan_scale -- --logins 1000 --rate 25 --patrons 10`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Instant;

use alma_access::alma::{AlmaClient, ApiKey, ClientConfig};
use alma_access::emulator::{self, Emulator, Limits};
use alma_access::reconcile::audit::AuditLog;
use alma_access::reconcile::{self, Request, Scope};
use chrono::NaiveDate;

fn arg(name: &str, default: f64) -> f64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let n = arg("--logins", 10_000.0) as usize;
    let rate = arg("--rate", 200.0);
    let patrons = arg("--patrons", 10.0) as usize;
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("access");
    let production = emulator::seed::sample("production").expect("the sample's Alma");
    let sandbox_alma = emulator::seed::sample("sandbox").expect("the sample's Alma");
    let synthetic =
        alma_access::synth::with_alma(&sample, dir.path(), n, &production).expect("generate");
    let ids = &synthetic.ids;
    let (_, outcome) = alma_access::validate::validate_dir(dir.path(), today);
    let repo = outcome.repo.expect("the synthetic institution validates");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let env = "production".to_string();
        let mut state = emulator::seed::from_description(&synthetic.alma(&production, patrons), today);
        state.limits = Limits { per_second: rate.ceil() as u32, daily: 10_000_000 };
        let server = emulator::serve(Emulator::new(state), "127.0.0.1:0").await.unwrap();
        let mut config = ClientConfig::new(server.base_url(), ApiKey::new(emulator::seed::READ_WRITE_KEY));
        config.requests_per_second = rate;
        config.expected_environment = Some("PRODUCTION".into());
        let alma = BTreeMap::from([(env.clone(), AlmaClient::new(config).unwrap())]);
        let request = |only: Option<BTreeSet<String>>, scope: Scope| Request {
            repo: &repo,
            today,
            environments: vec![env.clone()],
            scope,
            only,
            deleted: Vec::new(),
            commit: None,
            tables: Vec::new(),
            reviewed: Default::default(),
            progress: Default::default(),
            notices: Vec::new(),
        };
        println!(
            "plan_scale: {n} logins, {} users in Alma ({} patrons), emulator and client at {rate} requests/s, one environment",
            state_users(&alma[&env]).await,
            patrons * n
        );

        // A one-file change, planned in both environments (a second emulator serves the sandbox).
        let sandbox_state = emulator::seed::from_description(&synthetic.alma(&sandbox_alma, 0), today);
        let sandbox = emulator::serve(Emulator::new(sandbox_state), "127.0.0.1:0").await.unwrap();
        let sandbox_client = AlmaClient::new(ClientConfig::new(sandbox.base_url(), ApiKey::new(emulator::seed::READ_ONLY_KEY))).unwrap();
        let mut both = alma.clone();
        both.insert("sandbox".to_string(), sandbox_client);
        let id = ids.iter().find(|id| repo.login(id).is_some_and(|l| l.environments.len() == 2)).expect("a login in both environments");
        let mut one_file = request(Some(BTreeSet::from([id.to_lowercase()])), Scope::Only { paths: vec![] });
        one_file.environments = vec![env.clone(), "sandbox".to_string()];
        let plan = reconcile::plan(&both, &one_file).await.unwrap();
        let reads: Vec<String> = plan
            .calls
            .iter()
            .map(|(e, c)| format!("{e} {} user read(s) + {} configuration reads", c.used - c.config, c.config))
            .collect();
        println!("  one-file change: {} for {} user plans (minimum: 1 user read per environment)", reads.join(", "), plan.users.len());
        let _ = sandbox.shutdown().await;

        let start = Instant::now();
        let plan = reconcile::plan(&alma, &request(None, Scope::Full)).await.unwrap();
        let secs = start.elapsed().as_secs_f64();
        let calls = plan.calls[&env];
        let reads = calls.used;
        let ideal = reads as f64 / rate;
        println!(
            "  full scan: {:.1} s for {reads} calls ({} user reads, {} listing pages, {} reads of staff without a file, \
             {} configuration reads); calls / rate = {ideal:.1} s; ratio {:.3}; {} unmanaged; {} changed, {} waiting, {} read errors",
            secs,
            reads - calls.listing - calls.unmanaged_reads - calls.config,
            calls.listing,
            calls.unmanaged_reads,
            calls.config,
            secs / ideal,
            plan.unmanaged.len(),
            plan.changed().count(),
            plan.users.iter().filter(|u| u.status == reconcile::UserStatus::Waiting).count(),
            plan.errors.len()
        );

        let k = plan.changed().count();
        let mut audit = AuditLog::open(&dir.path().join("audit.jsonl")).unwrap();
        let used_before = alma_access::alma::AlmaRead::usage(&alma[&env]).calls;
        let start = Instant::now();
        let report = reconcile::apply::apply(&alma, &plan, &repo.institution.preserve_roles, &mut audit).await;
        let secs = start.elapsed().as_secs_f64();
        let used = alma_access::alma::AlmaRead::usage(&alma[&env]).calls - used_before;
        println!(
            "  apply: {k} changed users in {secs:.1} s with {used} calls ({:.1} per user: re-read, write, verify); \
             ratio to 2k / rate {:.3}, to calls / rate {:.3}; {} applied, {} skipped, {} failed",
            used as f64 / k.max(1) as f64,
            secs / (2.0 * k as f64 / rate),
            secs / (used as f64 / rate),
            report.applied.len(),
            report.skipped.len(),
            report.failed.len()
        );
        let plan = reconcile::plan(&alma, &request(None, Scope::Full)).await.unwrap();
        println!("  plan after apply: {} changed", plan.changed().count());
        let _ = server.shutdown().await;
    });
}

/// How many users Alma holds, from its first page.
async fn state_users(alma: &AlmaClient) -> u64 {
    alma_access::alma::AlmaRead::list_users(alma, 0, 1, None)
        .await
        .map_or(0, |p| p.total_record_count)
}
