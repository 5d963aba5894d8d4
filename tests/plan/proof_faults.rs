//! Proof under faults. A synthetic institution of 1,000 logins (cloned from
//! the sample by `synth`) with its Alma cloned from the sample's described
//! Alma (`synth::with_alma`: rich user records, the sample's drift once)
//! plus extra drift on one managed user in `STRIDE`, served over HTTP and
//! driven through the real client.
//!
//! In process (`reconcile::plan` and `apply` with an `AlmaClient` at
//! 500 requests/s): a 429 storm, 5xx bursts, timeouts and dropped
//! connections; and a full plan against an Alma granting 3 requests/s to a
//! client configured at 10 (it must slow down and read everyone). As processes (the binary against an emulator process, as in
//! `plan_cli.rs`): an apply killed mid-way and run again, and two applies
//! started at once. After each, [`prove`] checks that:
//!
//! - a fresh plan is empty: Alma holds the declared state;
//! - every user's non-role fields are as they were (all users, managed or not),
//!   and users the plan did not change keep their roles byte for byte;
//! - no user holds a role twice;
//! - the audit log accounts for every write: every user Alma shows as
//!   written has a `started` record, no `started` record is left without an
//!   outcome (except the one a kill may interrupt), and the emulator
//!   accepted exactly one PUT per `started` record where a fault cannot let
//!   an unanswered PUT through. In process, a witness around the client also
//!   checks, at the moment each PUT is sent, that the last line on disk is
//!   that user's `started` record.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use alma_access::alma::{
    AlmaClient, AlmaError, AlmaRead, AlmaWrite, ApiKey, ApiUsage, ClientConfig, CodeRow, Desk,
    General, Library, UserPage, normalize, wire,
};
use alma_access::emulator::{self, Emulator, Fault, Faults, Limits, State, Stats, seed};
use alma_access::model::AccessRepo;
use alma_access::reconcile::apply::Report;
use alma_access::reconcile::audit::{AuditLog, Outcome, Record};
use alma_access::reconcile::lock::ApplyLock;
use alma_access::reconcile::plan::SavedPlan;
use alma_access::reconcile::{self, Plan, Request, Scope, roles_of};
use chrono::NaiveDate;
use serde_json::Value;

use crate::alma_process::Alma;
use crate::files::copy_dir;

const TODAY: &str = "2026-11-23";
const ENV: &str = "production";
const LOGINS: usize = 1_000;
/// The client's rate in process; the emulator's limit is raised to match.
const RATE: f64 = 500.0;
/// One managed user in `STRIDE` gets extra drift (a role missing, doubled or inactive).
const STRIDE: usize = 8;

fn today() -> NaiveDate {
    NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap()
}

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("access")
}

/// A synthetic access folder at `dir`, validated, and its Alma.
fn synthetic(dir: &Path) -> (AccessRepo, State) {
    synthetic_of(dir, LOGINS)
}

/// A synthetic institution of `logins` logins, and its Alma (production):
/// the sample's, cloned for its logins.
fn synthetic_of(dir: &Path, logins: usize) -> (AccessRepo, State) {
    let production = seed::sample(ENV).unwrap();
    let synthetic = alma_access::synth::with_alma(&sample(), dir, logins, &production).unwrap();
    let (_, outcome) = alma_access::validate::validate_dir(dir, today());
    let repo = outcome.repo.expect("the synthetic institution validates");
    let alma = seed::from_description(&synthetic.alma(&production, 0), today());
    (repo, alma)
}

/// `alma` with extra drift on one managed user of `repo` in `stride`, and
/// no per-second limit.
fn seeded(repo: &AccessRepo, alma: State, stride: usize) -> State {
    let mut state = alma;
    let mut managed = 0;
    for user in &mut state.users {
        if repo.login(&user.primary_id).is_none() {
            continue;
        }
        managed += 1;
        if managed % stride != 0 {
            continue;
        }
        let roles = user.user_role.get_or_insert_with(Vec::new);
        let Some(i) = roles
            .iter()
            .position(|r| r.code("role_type").as_deref() != Some(seed::PATRON))
        else {
            continue;
        };
        match (managed / stride) % 3 {
            0 => {
                roles.remove(i);
            }
            1 => roles.push(roles[i].clone()),
            _ => roles[i].set_status("INACTIVE"),
        }
    }
    state.limits = unlimited();
    state
}

/// The in-process institution, made once: its folder is needed only to validate it.
fn institution() -> &'static (AccessRepo, State) {
    static ONCE: OnceLock<(AccessRepo, State)> = OnceLock::new();
    ONCE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let (repo, alma) = synthetic(dir.path());
        let state = seeded(&repo, alma, STRIDE);
        (repo, state)
    })
}

/// No per-second limit, a daily budget no test comes near.
fn unlimited() -> Limits {
    Limits {
        per_second: 0,
        daily: 10_000_000,
    }
}

fn request(repo: &AccessRepo) -> Request<'_> {
    Request {
        repo,
        today: today(),
        environments: vec![ENV.into()],
        scope: Scope::Full,
        only: None,
        deleted: Vec::new(),
        commit: None,
        tables: Vec::new(),
        reviewed: Default::default(),
        progress: Default::default(),
        notices: Vec::new(),
    }
}

fn client(base_url: String, timeout: Duration) -> AlmaClient {
    let mut config = ClientConfig::new(base_url, ApiKey::new(seed::READ_WRITE_KEY));
    config.requests_per_second = RATE;
    config.burst = 4;
    config.max_concurrency = 4;
    config.timeout = timeout;
    config.max_retries = 8;
    config.retry_base_delay = Duration::from_millis(10);
    config.retry_max_delay = Duration::from_millis(250);
    config.expected_environment = Some("PRODUCTION".into());
    AlmaClient::new(config).unwrap()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// The client, watched: before each PUT leaves, the audit log's last line
/// on disk must be that user's `started` record.
#[derive(Clone)]
struct Witness {
    client: AlmaClient,
    audit: PathBuf,
    puts: Arc<AtomicU64>,
    unlogged: Arc<Mutex<Vec<String>>>,
    /// User reads and writes that took longer than the client's timeout
    /// (so rode out at least one timed-out attempt).
    slow: Arc<AtomicU64>,
    timeout: Duration,
}

impl Witness {
    fn clock<T>(&self, since: Instant, result: T) -> T {
        if since.elapsed() >= self.timeout {
            self.slow.fetch_add(1, Ordering::SeqCst);
        }
        result
    }
}

impl AlmaRead for Witness {
    async fn get_user(&self, id: &str) -> Result<Option<wire::User>, AlmaError> {
        let since = Instant::now();
        let result = self.client.get_user(id).await;
        self.clock(since, result)
    }
    async fn list_users(
        &self,
        offset: u32,
        limit: u32,
        query: Option<&str>,
    ) -> Result<UserPage, AlmaError> {
        self.client.list_users(offset, limit, query).await
    }
    async fn code_table(&self, name: &str) -> Result<Vec<CodeRow>, AlmaError> {
        self.client.code_table(name).await
    }
    async fn libraries(&self) -> Result<Vec<Library>, AlmaError> {
        self.client.libraries().await
    }
    async fn circulation_desks(&self, library: &str) -> Result<Vec<Desk>, AlmaError> {
        self.client.circulation_desks(library).await
    }
    async fn general(&self) -> Result<General, AlmaError> {
        self.client.general().await
    }
    async fn staff_logins(
        &self,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
        offset: u32,
        limit: u32,
    ) -> Result<wire::StaffLoginPage, AlmaError> {
        self.client.staff_logins(from, to, offset, limit).await
    }
    fn usage(&self) -> ApiUsage {
        self.client.usage()
    }
}

impl AlmaWrite for Witness {
    async fn verify_environment(&self) -> Result<General, AlmaError> {
        self.client.verify_environment().await
    }
    async fn update_user(&self, user: &wire::User) -> Result<wire::User, AlmaError> {
        self.puts.fetch_add(1, Ordering::SeqCst);
        let last = AuditLog::read(&self.audit)
            .ok()
            .and_then(|records| records.last().cloned());
        let logged = last.is_some_and(|r| {
            r.outcome == Outcome::Started && r.primary_id == user.primary_id && r.environment == ENV
        });
        if !logged {
            self.unlogged.lock().unwrap().push(user.primary_id.clone());
        }
        let since = Instant::now();
        let result = self.client.update_user(user).await;
        self.clock(since, result)
    }
}

/// Faults over time.
enum Weather {
    /// Set once, before the first request.
    Steady(Faults),
    /// `faults` for `lasting` at the start of every `every`, none in between.
    Gusts {
        faults: Faults,
        every: Duration,
        lasting: Duration,
    },
}

/// Bursts: `fault(n)` on the requests numbered `n` (from 1) where it gives one.
fn bursts(fault: impl Fn(u64) -> Option<Fault>) -> Faults {
    Faults {
        nth: (1..=20_000)
            .filter_map(|n| fault(n).map(|f| (n, f)))
            .collect(),
        ..Faults::default()
    }
}

/// What a scenario did.
struct Run {
    /// Applies it took to converge (each after a fresh plan under the same faults).
    reports: Vec<Report>,
    /// Plans that could not read every user, and were not applied.
    incomplete_plans: usize,
    stats: Stats,
    puts: u64,
    unlogged: Vec<String>,
    slow: u64,
    elapsed: Duration,
}

/// Plans and applies the in-process institution under `weather`, planning
/// again and applying until a plan (under the same faults) is empty, as an
/// operator would; then proves the invariants.
fn scenario(name: &str, limits: Limits, timeout: Duration, weather: Weather) -> Run {
    let (repo, before) = institution();
    let audit_dir = tempfile::tempdir().unwrap();
    let audit_path = audit_dir.path().join("audit.jsonl");
    let started = Instant::now();
    let emu = Emulator::new(before.clone());
    let run = runtime().block_on(async {
        emu.set_limits(limits);
        let server = emulator::serve(emu.clone(), "127.0.0.1:0").await.unwrap();
        let witness = Witness {
            client: client(server.base_url(), timeout),
            audit: audit_path.clone(),
            puts: Arc::default(),
            unlogged: Arc::default(),
            slow: Arc::default(),
            timeout,
        };
        let gusts = match weather {
            Weather::Steady(faults) => {
                emu.set_faults(faults);
                None
            }
            Weather::Gusts {
                faults,
                every,
                lasting,
            } => {
                let emu = emu.clone();
                Some(tokio::spawn(async move {
                    loop {
                        emu.set_faults(faults.clone());
                        tokio::time::sleep(lasting).await;
                        emu.set_faults(Faults::none());
                        tokio::time::sleep(every.saturating_sub(lasting)).await;
                    }
                }))
            }
        };
        let alma = BTreeMap::from([(ENV.to_string(), witness.clone())]);
        let mut audit = AuditLog::open(&audit_path).unwrap();
        let mut reports = Vec::new();
        let mut incomplete_plans = 0;
        for _ in 0..6 {
            let plan = reconcile::plan(&alma, &request(repo)).await.expect("plan");
            if !plan.errors.is_empty() {
                // A failed read is never taken for "no roles": plan again.
                incomplete_plans += 1;
                continue;
            }
            assert!(plan.safety.is_empty(), "{name}: {:?}", plan.safety);
            if !plan.has_changes() {
                break;
            }
            if reports.is_empty() {
                assert!(
                    plan.changed().count() > LOGINS / STRIDE / 2,
                    "{name}: the drift is planned"
                );
            }
            reports.push(
                reconcile::apply::apply(&alma, &plan, &repo.institution.preserve_roles, &mut audit)
                    .await,
            );
        }
        if let Some(gusts) = gusts {
            gusts.abort();
        }
        emu.set_faults(Faults::none());
        let _ = server.shutdown().await;
        Run {
            reports,
            incomplete_plans,
            stats: emu.stats(),
            puts: witness.puts.load(Ordering::SeqCst),
            unlogged: witness.unlogged.lock().unwrap().clone(),
            slow: witness.slow.load(Ordering::SeqCst),
            elapsed: started.elapsed(),
        }
    });
    let records = AuditLog::read(&audit_path).unwrap();
    let first = run.reports.first().expect("something to apply");
    eprintln!(
        "{name}: {:.1} s, {} apply round(s), {} incomplete plan(s); first apply: {} applied, {} failed, {} skipped; \
         {} calls slower than the timeout; emulator: {} requests, {} faults, {} throttled, {} writes",
        run.elapsed.as_secs_f64(),
        run.reports.len(),
        run.incomplete_plans,
        first.applied.len(),
        first.failed.len(),
        first.skipped.len(),
        run.slow,
        run.stats.requests,
        run.stats.faults,
        run.stats.throttled,
        run.stats.writes,
    );
    assert!(
        run.unlogged.is_empty(),
        "{name}: PUTs sent before their `started` record: {:?}",
        run.unlogged
    );
    assert_eq!(
        run.puts,
        records
            .iter()
            .filter(|r| r.outcome == Outcome::Started)
            .count() as u64,
        "{name}: one PUT per `started` record"
    );
    assert!(
        AuditLog::unfinished(&records).is_empty(),
        "{name}: every `started` record has an outcome"
    );
    assert!(
        run.reports.iter().all(|r| r.audit_errors.is_empty()),
        "{name}: the audit log was written"
    );
    let planned: BTreeSet<String> = records.iter().map(|r| r.primary_id.clone()).collect();
    prove(name, repo, before, &emu.state(), &records, &planned);
    run
}

/// A user as JSON without its roles.
fn without_roles(user: &wire::User) -> Value {
    let mut value = serde_json::to_value(user).unwrap();
    value.as_object_mut().unwrap().remove("user_role");
    value
}

/// The invariants every scenario ends with. `planned` holds the users any
/// plan of the scenario changed.
fn prove(
    name: &str,
    repo: &AccessRepo,
    before: &State,
    after: &State,
    records: &[Record],
    planned: &BTreeSet<String>,
) {
    // A fresh plan, read in process (no client, no faults), is empty.
    let alma = BTreeMap::from([(ENV.to_string(), Emulator::new(after.clone()))]);
    let plan: Plan = runtime()
        .block_on(reconcile::plan(&alma, &request(repo)))
        .unwrap();
    assert!(plan.errors.is_empty(), "{name}: {:?}", plan.errors);
    let left: Vec<&str> = plan.changed().map(|u| u.primary_id.as_str()).collect();
    assert!(
        left.is_empty(),
        "{name}: Alma differs from the declared state for {left:?}"
    );

    assert_eq!(before.users.len(), after.users.len(), "{name}: users");
    // Every login in production but the two left waiting for an account, and a few patrons.
    assert!(
        before.users.len() > repo.logins.len() * 9 / 10,
        "{name}: {} users",
        before.users.len()
    );
    let started: BTreeSet<&str> = records
        .iter()
        .filter(|r| r.outcome == Outcome::Started)
        .map(|r| r.primary_id.as_str())
        .collect();
    let mut written = 0;
    for (old, new) in before.users.iter().zip(&after.users) {
        let id = &old.primary_id;
        assert_eq!(id, &new.primary_id, "{name}: the users keep their order");
        assert_eq!(
            without_roles(old),
            without_roles(new),
            "{name}: a non-role field of {id} changed"
        );
        if !planned.contains(id) {
            assert_eq!(
                old.user_role, new.user_role,
                "{name}: {id} was not planned but its roles changed"
            );
        }
        let roles = roles_of(new).unwrap();
        assert_eq!(
            normalize(roles.clone()).len(),
            roles.len(),
            "{name}: {id} holds a role twice"
        );
        if old != new {
            written += 1;
            assert!(
                started.contains(id.as_str()),
                "{name}: {id} was written without a `started` record"
            );
        }
    }
    assert!(written > 0, "{name}: something was written");
}

/// Gateway throttling (the emulator allows 150 requests/s to a client
/// sending 500) and injected 429 bursts, answered in the gateway's XML.
#[test]
fn a_429_storm_loses_nothing() {
    let mut faults = bursts(|n| (n % 10 < 3).then_some(Fault::PerSecond));
    faults.xml_errors = true;
    let run = scenario(
        "429 storm",
        Limits {
            per_second: 150,
            daily: 10_000_000,
        },
        Duration::from_secs(5),
        Weather::Steady(faults),
    );
    assert!(
        run.stats.faults > 100 && run.stats.throttled > 0,
        "a storm happened"
    );
    assert!(
        run.reports[0].ok(),
        "retries ride out the storm: {:?}",
        run.reports[0].failed
    );
    assert_eq!(run.stats.writes, run.puts, "no throttled PUT was stored");
}

/// 500, 502, 503 and 504 in bursts of up to four in a row.
#[test]
fn server_error_bursts_lose_nothing() {
    let statuses = [500, 502, 503, 504];
    let run = scenario(
        "5xx bursts",
        unlimited(),
        Duration::from_secs(5),
        Weather::Steady(bursts(|n| {
            (n % 15 < 4).then(|| Fault::Status(statuses[(n / 15 % 4) as usize]))
        })),
    );
    assert!(run.stats.faults > 100, "bursts happened");
    assert!(
        run.reports[0].ok(),
        "retries ride out the bursts: {:?}",
        run.reports[0].failed
    );
    assert_eq!(run.stats.writes, run.puts, "no failed PUT was stored");
}

/// Every ninth request's connection is closed without an answer.
#[test]
fn dropped_connections_lose_nothing() {
    let run = scenario(
        "dropped connections",
        unlimited(),
        Duration::from_secs(5),
        Weather::Steady(bursts(|n| (n % 9 == 0).then_some(Fault::Drop))),
    );
    assert!(run.stats.faults > 100, "connections were dropped");
    assert!(
        run.reports[0].ok(),
        "retries ride out the drops: {:?}",
        run.reports[0].failed
    );
    assert_eq!(run.stats.writes, run.puts, "no dropped PUT was stored");
}

/// Gusts of 400 ms latency against a client that gives up after 150 ms: a
/// timed-out PUT may still land after the client gave up (and be sent
/// again), so the emulator may store more PUTs than were logged, never a
/// user the log does not show.
#[test]
fn timeouts_lose_nothing() {
    let run = scenario(
        "timeouts",
        unlimited(),
        Duration::from_millis(150),
        Weather::Gusts {
            faults: Faults {
                latency_ms: 400,
                ..Faults::default()
            },
            every: Duration::from_millis(700),
            lasting: Duration::from_millis(120),
        },
    );
    assert!(run.slow > 10, "requests timed out and were retried");
    let applied: usize = run.reports.iter().map(|r| r.applied.len()).sum();
    assert!(run.stats.writes >= applied as u64);
}

// ---------------------------------------------------------------------------
// The binary against an emulator process.

/// A checkout whose institution.yaml points every environment at `alma`,
/// at Alma's 25 requests/s.
fn point_at(access: &Path, alma: &Alma) {
    let path = access.join("institution.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text
        .replace(
            "api_url: https://api-na.hosted.exlibrisgroup.com",
            &format!("api_url: http://{}", alma.addr),
        )
        .replace("requests_per_second: 10", "requests_per_second: 25");
    assert!(
        !text.contains("exlibrisgroup.com"),
        "no test may reach a real Alma"
    );
    std::fs::write(path, text).unwrap();
}

/// `alma-access ARGS --today TODAY` in `dir`, with the production key set.
fn alma_access(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_alma-access"));
    cmd.current_dir(dir)
        .args(args)
        .args(["--today", TODAY])
        .env("ALMA_PROD_API_KEY", seed::READ_WRITE_KEY)
        .env_remove("ALMA_SANDBOX_API_KEY")
        .env_remove("ALMA_ACCESS_LOG");
    cmd
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Commits the access folder under `dir` (a new git repository), as a
/// reviewed checkout; returns the commit.
fn commit_checkout(dir: &Path) -> String {
    crate::files::commit_as(dir, "access", "access", ("Systems", "lts@example.edu")).to_string()
}

/// Commits the checkout, plans it through the client at 500 requests/s and
/// saves the plan as `plan --out` would.
fn save_plan(repo: &AccessRepo, alma: &Alma, path: &Path) -> Plan {
    let clients = BTreeMap::from([(
        ENV.to_string(),
        client(alma.base_url(), Duration::from_secs(10)),
    )]);
    let mut request = request(repo);
    request.commit = Some(commit_checkout(path.parent().unwrap()));
    let plan = runtime()
        .block_on(reconcile::plan(&clients, &request))
        .unwrap();
    assert!(plan.errors.is_empty() && plan.safety.is_empty());
    let saved = SavedPlan {
        digest: plan.digest(),
        plan: plan.clone(),
    };
    std::fs::write(path, serde_json::to_vec(&saved).unwrap()).unwrap();
    plan
}

/// `alma-access apply --confirm` is killed (SIGKILL) once Alma has taken a
/// few writes. The same saved plan is then refused: what the killed run
/// wrote makes it stale. The killed run's lock went with its process: a
/// fresh apply takes it at once, says the last apply stopped before it
/// finished, and applies exactly the rest.
#[test]
fn an_apply_killed_mid_way_then_run_again_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let access = dir.path().join("access");
    // Small enough to plan it four times through the client at 25 requests/s.
    let (repo, alma) = synthetic_of(&access, 300);
    let before = seeded(&repo, alma, 8);
    let state_file = dir.path().join("alma.json");
    before.save(&state_file).unwrap();
    let alma = Alma::serve(&state_file);
    point_at(&access, &alma);
    let plan_file = dir.path().join("plan.json");
    let plan = save_plan(&repo, &alma, &plan_file);
    let changed: BTreeSet<String> = plan.changed().map(|u| u.primary_id.clone()).collect();
    assert!(changed.len() > 20, "{} changes", changed.len());
    let apply = [
        "apply",
        "--env",
        ENV,
        "--plan",
        plan_file.to_str().unwrap(),
        "--confirm",
    ];

    let mut child = alma_access(dir.path(), &apply)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while alma.stats().writes < 5 {
        assert!(Instant::now() < deadline, "the apply never wrote");
        assert!(
            child.try_wait().unwrap().is_none(),
            "the apply ended too soon"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    // A PUT sent just before the kill may still be in the emulator's hands.
    std::thread::sleep(Duration::from_millis(300));
    let killed_writes = alma.stats().writes;
    assert!((killed_writes as usize) < changed.len(), "killed mid-way");

    let lock = dir.path().join(".alma-access/apply.lock");
    let holder = std::fs::read_to_string(&lock).expect("a killed apply leaves its lock file");
    assert!(
        holder.contains(&format!("\"pid\":{}", child.id())),
        "{holder}"
    );
    // The saved plan no longer shows what Alma holds: it is refused.
    let out = alma_access(dir.path(), &apply).output().unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("is not what a fresh plan of its commit shows"),
        "a saved plan Alma has moved past is refused:\n{stderr}"
    );
    assert_eq!(alma.stats().writes, killed_writes);

    // A fresh apply is not stopped by the file the killed run left: the
    // operating system released its lock. It says so, and applies the rest.
    let fresh = ["apply", "--env", ENV, "--confirm"];
    let out = alma_access(dir.path(), &fresh).output().unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("stopped before it finished")
            && stderr.contains(&format!("pid {}", child.id())),
        "the interrupted apply is told:\n{stderr}"
    );
    assert!(
        stdout.contains(&format!(
            "Applied: {} user(s)",
            changed.len() - killed_writes as usize
        )),
        "what the killed run wrote is not written twice; the rest is written:\n{stdout}"
    );
    assert!(!lock.exists(), "a finished apply releases its lock");

    let records = AuditLog::read(&dir.path().join(".alma-access/audit.jsonl")).unwrap();
    let starts = records
        .iter()
        .filter(|r| r.outcome == Outcome::Started)
        .count() as u64;
    let unfinished = AuditLog::unfinished(&records);
    let writes = alma.stats().writes;
    assert!(
        unfinished.len() <= 1,
        "only the write the kill interrupted: {unfinished:?}"
    );
    assert!(
        writes <= starts && starts <= writes + unfinished.len() as u64,
        "every accepted PUT has its `started` record: {writes} writes, {starts} started, {} unfinished",
        unfinished.len()
    );
    eprintln!(
        "killed mid-apply: {} changes; killed after {killed_writes} write(s); the saved plan was refused \
         and a fresh plan applied the rest; {writes} writes, {starts} started, {} unfinished",
        changed.len(),
        unfinished.len()
    );
    let after = alma.state();
    prove(
        "killed mid-apply",
        &repo,
        &before,
        &after,
        &records,
        &changed,
    );
}

/// Two `apply --confirm` of the same saved plan, started at once: one takes
/// the lock and writes; the other writes nothing, exits 1 and lists every
/// user it skipped (held lock, or changed since the plan if the first had
/// already finished). Each changed user is written exactly once. A lock held
/// by a live process is reported with its holder.
#[test]
fn two_applies_at_once_never_interleave_writes() {
    let dir = tempfile::tempdir().unwrap();
    let access = dir.path().join("access");
    copy_dir(&sample(), &access);
    let (_, outcome) = alma_access::validate::validate_dir(&access, today());
    let repo = outcome.repo.unwrap();
    let mut state = seed::from_description(&seed::sample(ENV).unwrap(), today());
    state.limits = unlimited();
    let state_file = dir.path().join("alma.json");
    state.save(&state_file).unwrap();
    let alma = Alma::serve(&state_file);
    point_at(&access, &alma);
    let plan_file = dir.path().join("plan.json");
    let plan = save_plan(&repo, &alma, &plan_file);
    let changed: Vec<String> = plan.changed().map(|u| u.primary_id.clone()).collect();
    assert!(changed.len() >= 5, "{changed:?}");
    let apply = [
        "apply",
        "--env",
        ENV,
        "--plan",
        plan_file.to_str().unwrap(),
        "--confirm",
    ];

    // Held by a live process (this one): refused, nothing written.
    let lock = dir.path().join(".alma-access/apply.lock");
    let held = ApplyLock::acquire(&lock).unwrap();
    let out = alma_access(dir.path(), &apply).output().unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("another apply is running")
            && stderr.contains(&format!("pid {}", std::process::id())),
        "{stderr}"
    );
    for id in &changed {
        assert!(
            stdout.contains(&format!("Skipped production {id}: not written")),
            "{stdout}"
        );
    }
    assert_eq!(alma.stats().writes, 0);
    drop(held);

    let spawn = || {
        alma_access(dir.path(), &apply)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let outs = [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()];
    let winners: Vec<&Output> = outs.iter().filter(|o| o.status.code() == Some(0)).collect();
    let losers: Vec<&Output> = outs.iter().filter(|o| o.status.code() == Some(1)).collect();
    assert_eq!(
        (winners.len(), losers.len()),
        (1, 1),
        "{:?}",
        outs.iter().map(text).collect::<Vec<_>>()
    );
    let (won, _) = text(winners[0]);
    assert!(
        won.contains(&format!("Applied: {} user(s)", changed.len())),
        "{won}"
    );
    let (lost, lost_err) = text(losers[0]);
    eprintln!(
        "two applies at once: {} changes; the second {}",
        changed.len(),
        if lost.contains("another apply holds the lock") {
            "found the lock held"
        } else {
            "ran after the first and skipped every user by compare-and-swap"
        }
    );
    for id in &changed {
        assert!(
            lost.contains(&format!("Skipped production {id}:")),
            "the second apply lists what it skipped:\n{lost}\n{lost_err}"
        );
    }
    assert_eq!(
        alma.stats().writes,
        changed.len() as u64,
        "each changed user is written exactly once"
    );
    let records = AuditLog::read(&dir.path().join(".alma-access/audit.jsonl")).unwrap();
    assert_eq!(
        records
            .iter()
            .filter(|r| r.outcome == Outcome::Started)
            .count(),
        changed.len()
    );
    assert!(!lock.exists());
}

/// Alma grants 3 requests/s; the client keeps its defaults (10/s, 5
/// retries). A full plan of 300 logins (the listing of every user, the
/// configuration, each login and each staff user without a file) must slow
/// down to what Alma grants, read everyone without a failure, finish in
/// bounded time and say in the plan that it slowed down.
#[test]
fn a_full_plan_faster_than_alma_slows_down_and_completes() {
    const LOGINS: usize = 300;
    const GRANTED: u32 = 3;
    let dir = tempfile::tempdir().unwrap();
    let (repo, alma) = synthetic_of(dir.path(), LOGINS);
    let emu = Emulator::new(seeded(&repo, alma, STRIDE));
    let started = Instant::now();
    let plan = runtime().block_on(async {
        emu.set_limits(Limits {
            per_second: GRANTED,
            daily: 10_000_000,
        });
        let server = emulator::serve(emu.clone(), "127.0.0.1:0").await.unwrap();
        let mut config = ClientConfig::new(server.base_url(), ApiKey::new(seed::READ_ONLY_KEY));
        config.expected_environment = Some("PRODUCTION".into());
        assert_eq!(config.requests_per_second, 10.0, "the default rate");
        let alma = BTreeMap::from([(ENV.to_string(), AlmaClient::new(config).unwrap())]);
        let plan = reconcile::plan(&alma, &request(&repo)).await.expect("plan");
        let _ = server.shutdown().await;
        plan
    });
    let elapsed = started.elapsed();
    let calls = plan.calls[ENV];
    let stats = emu.stats();
    let summary = format!("{elapsed:?}, {calls:?}, {stats:?}");
    eprintln!("slow Alma: {summary}");
    assert!(plan.errors.is_empty(), "{:?}; {summary}", plan.errors);
    assert!(plan.has_changes(), "the seed's drift is planned");
    assert!(calls.listing > 0, "a full scan lists every user: {summary}");
    assert_eq!(calls.throttled, stats.throttled, "every 429 is counted");
    let slowed_to = calls.slowed_to.expect("the client slowed down");
    assert!(slowed_to < 4.0, "{summary}");
    // Settled, not hammering: a small share of the calls was refused.
    assert!(calls.throttled < calls.used / 4, "{summary}");
    let bound = Duration::from_secs(calls.used / u64::from(GRANTED) * 2 + 10);
    assert!(elapsed < bound, "{summary} (bound {bound:?})");
    let legend = alma_access::reconcile::render::Legend::from_catalog(&repo.catalog);
    let text = alma_access::reconcile::render::text(&plan, &legend);
    assert!(
        text.contains(&format!("slowed to {slowed_to:.1}/s after")),
        "the plan says it slowed down:\n{text}"
    );
}
