//! Rate benchmark, two modes.
//!
//! - `steady` (the default): the emulator enforces 25 requests per second;
//!   the client, set to 25 per second with bursts of 1, fetches 500 users.
//!   The goal: no 429 and an elapsed time within 10% of 20 s.
//! - `slowdown`: the emulator grants 3 requests per second; the client,
//!   configured at 10 per second with the default retries and 4 in flight,
//!   reads 300 users as a plan does (`read_user`, 4 at a time). The goal:
//!   every read succeeds, the client slows to what Alma grants, and the
//!   elapsed time stays within 20% of calls / 3. Its slow-downs are logged
//!   as warnings on stderr (`ALMA_RATE_LOG=alma_access=debug` shows every
//!   change of rate).
//!
//! Prints the figures.
//!
//! Run: `cargo bench --bench alma_rate` and
//! `cargo bench --bench alma_rate -- slowdown` (or `-- steady slowdown`).

use std::time::{Duration, Instant};

use alma_access::alma::{AlmaClient, AlmaRead, ApiKey, ClientConfig};
use alma_access::emulator::fixtures::{self, READ_ONLY_KEY};
use alma_access::emulator::{Emulator, Limits, Server, serve};
use futures_util::StreamExt;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut modes: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| !a.starts_with('-'))
        .collect();
    if modes.is_empty() {
        modes.push("steady");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    for mode in modes {
        match mode {
            "steady" => runtime.block_on(steady()),
            "slowdown" => {
                let _ = tracing_subscriber::fmt()
                    .with_env_filter(
                        std::env::var("ALMA_RATE_LOG")
                            .unwrap_or_else(|_| "alma_access=warn".into()),
                    )
                    .with_writer(std::io::stderr)
                    .try_init();
                runtime.block_on(slowdown());
            }
            other => panic!("unknown mode {other:?} (steady, slowdown)"),
        }
    }
}

/// An emulator of `users` users enforcing `per_second`, served on 127.0.0.1.
async fn emulator(users: usize, per_second: u32) -> (Emulator, Server) {
    let emulator = Emulator::new(fixtures::institution_with_users(users));
    emulator.set_limits(Limits {
        per_second,
        daily: 1_000_000,
    });
    let server = serve(emulator.clone(), "127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    (emulator, server)
}

async fn steady() {
    const USERS: usize = 500;
    const RATE: u32 = 25;
    let (emulator, server) = emulator(USERS, RATE).await;
    let mut config = ClientConfig::new(server.base_url(), ApiKey::new(READ_ONLY_KEY));
    config.requests_per_second = f64::from(RATE);
    config.burst = 1;
    config.max_concurrency = 4;
    let alma = AlmaClient::new(config).expect("client");

    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..USERS {
        let alma = alma.clone();
        tasks.spawn(async move { alma.get_user(&fixtures::user_id(i)).await });
    }
    let mut fetched = 0;
    while let Some(done) = tasks.join_next().await {
        if done.expect("task").expect("get_user").is_some() {
            fetched += 1;
        }
    }
    let elapsed = started.elapsed();
    let stats = emulator.stats();
    let ideal = Duration::from_secs_f64(USERS as f64 / f64::from(RATE));
    let ratio = elapsed.as_secs_f64() / ideal.as_secs_f64();
    println!("alma_rate: fetched {fetched}/{USERS} users at {RATE} req/s (burst 1, 4 in flight)");
    println!(
        "alma_rate: elapsed {:.3} s, ideal {:.1} s, ratio {ratio:.4}",
        elapsed.as_secs_f64(),
        ideal.as_secs_f64()
    );
    println!(
        "alma_rate: client calls {}, emulator requests {}, 429s {} (per-second) + {} (daily)",
        alma.usage().calls,
        stats.requests,
        stats.throttled,
        stats.daily_refused
    );
    let within = (ratio - 1.0).abs() <= 0.10;
    println!(
        "alma_rate: {}",
        if stats.throttled == 0 && within {
            "PASS"
        } else {
            "FAIL"
        }
    );
}

async fn slowdown() {
    const USERS: usize = 300;
    const GRANTED: u32 = 3;
    let (emulator, server) = emulator(USERS, GRANTED).await;
    let config = ClientConfig::new(server.base_url(), ApiKey::new(READ_ONLY_KEY));
    let (configured, retries) = (config.requests_per_second, config.max_retries);
    let alma = AlmaClient::new(config).expect("client");

    let started = Instant::now();
    let reads: Vec<_> = futures_util::stream::iter(0..USERS)
        .map(|i| {
            let alma = alma.clone();
            async move { alma.read_user(&fixtures::user_id(i)).await }
        })
        .buffer_unordered(4)
        .collect()
        .await;
    let elapsed = started.elapsed().as_secs_f64();
    let read = reads.iter().filter(|r| matches!(r, Ok(Some(_)))).count();
    let usage = alma.usage();
    let stats = emulator.stats();
    let floor = usage.calls as f64 / f64::from(GRANTED);
    let ratio = elapsed / floor;
    let rate = |r: Option<f64>| r.map_or("-".to_owned(), |r| format!("{r:.2}/s"));
    println!(
        "alma_rate slowdown: read {read}/{USERS} users; Alma grants {GRANTED}/s, client configured at {configured}/s (4 in flight, {retries} retries)"
    );
    println!(
        "alma_rate slowdown: elapsed {elapsed:.1} s, calls {}, calls / {GRANTED} = {floor:.1} s, ratio {ratio:.3}",
        usage.calls
    );
    println!(
        "alma_rate slowdown: 429s {} (client counted {}), lowest rate {}, final rate {}",
        stats.throttled,
        usage.throttled,
        rate(usage.slowed_to),
        rate(alma.rate())
    );
    let ok = read == USERS && usage.slowed_to.is_some_and(|r| r <= 4.0) && ratio <= 1.2;
    println!("alma_rate slowdown: {}", if ok { "PASS" } else { "FAIL" });
}
