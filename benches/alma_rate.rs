//! Rate benchmark: the emulator enforces 25 requests per second; the client,
//! set to 25 per second with bursts of 1, fetches 500 users. The goal: no
//! 429 and an elapsed time within 10% of 20 s. Prints the figures.
//!
//! Run: `cargo bench --bench alma_rate`

use std::time::{Duration, Instant};

use alma_access::alma::{AlmaClient, AlmaRead, ApiKey, ClientConfig};
use alma_access::emulator::fixtures::{self, READ_ONLY_KEY};
use alma_access::emulator::{Emulator, Limits, serve};

const USERS: usize = 500;
const RATE: u32 = 25;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(run());
}

async fn run() {
    let emulator = Emulator::new(fixtures::institution_with_users(USERS));
    emulator.set_limits(Limits {
        per_second: RATE,
        daily: 1_000_000,
    });
    let server = serve(emulator.clone(), "127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
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
