//! A fake-clock model of the client, for the controller's tests: `tasks`
//! tasks read `users` users one after the other, as a plan does. Each
//! attempt takes a ticket, reserves a slot in the real [`RateLimiter`], is
//! answered by a [`Gateway`] at its slot and heard back `latency` later
//! (each way up to `jitter` later still);
//! a throttled attempt pauses every task with the client's backoff (full
//! jitter, from a seeded generator) and is retried, as `transport.rs` does.

use std::time::Duration;

use tokio::time::Instant;

use super::{Answer, Pace, Ticket};
use crate::alma::ratelimit::RateLimiter;

/// The client's settings that matter here.
pub(super) struct Client {
    pub per_second: f64,
    pub burst: u32,
    pub tasks: usize,
    pub max_retries: u32,
    pub retry_base: Duration,
    pub retry_max: Duration,
    pub latency: Duration,
    /// Up to this much more on the way to Alma and on the way back.
    pub jitter: Duration,
}

impl Client {
    /// The defaults of `ClientConfig::new`.
    pub(super) fn defaults() -> Self {
        Client {
            per_second: 10.0,
            burst: 1,
            tasks: 4,
            max_retries: 5,
            retry_base: Duration::from_millis(250),
            retry_max: Duration::from_secs(10),
            latency: Duration::from_millis(2),
            jitter: Duration::from_millis(20),
        }
    }
}

/// Alma's side: admits or throttles the request sent at `at`.
pub(super) trait Gateway {
    fn answer(&mut self, at: Instant) -> Answer;
}

/// Alma's per-second limit as the emulator models it: a bucket of
/// `per_second` tokens refilled at that rate.
pub(super) struct Bucket {
    per_second: f64,
    tokens: f64,
    refilled: Option<Instant>,
}

impl Bucket {
    pub(super) fn new(per_second: f64) -> Self {
        Bucket {
            per_second,
            tokens: per_second,
            refilled: None,
        }
    }
}

impl Gateway for Bucket {
    fn answer(&mut self, at: Instant) -> Answer {
        let elapsed = self
            .refilled
            .map_or(0.0, |then| at.duration_since(then).as_secs_f64());
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.per_second);
        self.refilled = Some(at);
        if self.tokens < 1.0 {
            return Answer::Throttled;
        }
        self.tokens -= 1.0;
        Answer::Admitted
    }
}

/// A bucket behind a gateway that also refuses 3 requests in every 10,
/// whatever the rate (the fault suite's 429 storm).
pub(super) struct Storm {
    bucket: Bucket,
    seen: u64,
}

impl Storm {
    pub(super) fn new(bucket: Bucket) -> Self {
        Storm { bucket, seen: 0 }
    }
}

impl Gateway for Storm {
    fn answer(&mut self, at: Instant) -> Answer {
        self.seen += 1;
        if self.seen % 10 < 3 {
            return Answer::Throttled;
        }
        self.bucket.answer(at)
    }
}

/// What a run did.
#[derive(Debug)]
pub(super) struct Outcome {
    pub took: Duration,
    pub calls: u64,
    pub throttled: u64,
    /// Users whose every attempt was throttled.
    pub failed: u64,
    /// The most attempts one user took.
    pub most_attempts: u32,
    pub slowest: Option<f64>,
    pub rate: Option<f64>,
}

enum Step {
    Reserve,
    Send(Ticket),
    Hear(Ticket, Answer),
}

struct Task {
    at: Instant,
    attempt: u32,
    step: Step,
}

/// Reads `users` users through `gateway`.
pub(super) fn run(client: &Client, users: usize, gateway: &mut impl Gateway, seed: u64) -> Outcome {
    let start = Instant::now();
    let limiter = RateLimiter::new(client.per_second, client.burst);
    let mut pace = Pace::new(client.per_second, start);
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut next_user = client.tasks.min(users);
    let mut tasks: Vec<Task> = (0..next_user)
        .map(|_| Task {
            at: start,
            attempt: 1,
            step: Step::Reserve,
        })
        .collect();
    let (mut calls, mut failed, mut most_attempts, mut end) = (0, 0, 0, start);
    while let Some(i) = (0..tasks.len()).min_by_key(|&i| tasks[i].at) {
        let task = &mut tasks[i];
        match task.step {
            Step::Reserve => {
                let ticket = pace.ticket();
                task.at = limiter.reserve(task.at) + client.jitter.mul_f64(rng.f64());
                task.step = Step::Send(ticket);
            }
            Step::Send(ticket) => {
                calls += 1;
                task.step = Step::Hear(ticket, gateway.answer(task.at));
                task.at += client.latency + client.jitter.mul_f64(rng.f64());
            }
            Step::Hear(ticket, answer) => {
                end = task.at;
                if let Some(change) = pace.record(ticket, answer, task.at) {
                    limiter.set_rate(change.to);
                }
                let retry = answer == Answer::Throttled && task.attempt <= client.max_retries;
                if retry {
                    let exp = client.retry_base * (1u32 << (task.attempt - 1).min(16));
                    limiter.pause_at(task.at, exp.min(client.retry_max).mul_f64(rng.f64()));
                    task.attempt += 1;
                } else {
                    failed += u64::from(answer == Answer::Throttled);
                    most_attempts = most_attempts.max(task.attempt);
                    task.attempt = 1;
                    if next_user == users {
                        tasks.swap_remove(i);
                        continue;
                    }
                    next_user += 1;
                }
                task.step = Step::Reserve;
            }
        }
    }
    Outcome {
        took: end.duration_since(start),
        calls,
        throttled: pace.throttled(),
        failed,
        most_attempts,
        slowest: pace.slowest(),
        rate: pace.rate(),
    }
}
