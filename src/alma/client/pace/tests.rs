//! The rate controller on a fake clock: first with requests sent one after
//! the other at the controller's rate and answered at once, then in
//! [`sim`], the model of the whole client.

use super::sim::{self, Bucket, Client, Storm};
use super::*;

use Answer::{Admitted, Throttled};

/// A controller and its clock.
struct Run {
    pace: Pace,
    now: Instant,
    sent: u64,
}

impl Run {
    fn new(per_second: f64) -> Self {
        let now = Instant::now();
        Run {
            pace: Pace::new(per_second, now),
            now,
            sent: 0,
        }
    }

    /// Sends one request at the current rate; `answer` says how Alma answers
    /// the n-th request.
    fn send(&mut self, answer: impl FnOnce(u64) -> Answer) -> Option<Change> {
        let gap = self.pace.rate().map_or(0.1, |rate| 1.0 / rate);
        self.now += Duration::from_secs_f64(gap);
        let ticket = self.pace.ticket();
        let answer = answer(self.sent);
        self.sent += 1;
        self.pace.record(ticket, answer, self.now)
    }

    /// Sends until the rate changes (at most 10,000 requests).
    fn until_change(&mut self, answer: impl Fn(u64) -> Answer) -> Option<Change> {
        (0..10_000).find_map(|_| self.send(&answer))
    }

    /// Every change, until there is none.
    fn changes(&mut self, answer: impl Fn(u64) -> Answer) -> Vec<f64> {
        std::iter::from_fn(|| self.until_change(&answer).map(|c| c.to)).collect()
    }
}

/// 3 requests in 10 refused, whatever the rate.
fn three_in_ten(n: u64) -> Answer {
    if n % 10 < 3 { Throttled } else { Admitted }
}

#[test]
fn throttling_cuts_the_rate_down_to_the_floor_and_no_further() {
    let mut run = Run::new(10.0);
    // The first two answers throttled: the rate is unproven, cut at once,
    // to a quarter; then a cut a second, never below the floor.
    let rates = run.changes(|_| Throttled);
    assert_eq!(rates, [2.5, 0.63, FLOOR]);
    assert_eq!(run.pace.slowest(), Some(FLOOR));
    assert_eq!(run.pace.throttled(), run.sent);
}

#[test]
fn a_single_throttled_answer_is_not_repeated_throttling() {
    let mut run = Run::new(10.0);
    for _ in 0..100 {
        assert_eq!(
            run.send(|n| if n % 16 == 0 { Throttled } else { Admitted }),
            None
        );
    }
    assert_eq!(run.pace.rate(), Some(10.0));
    assert_eq!(run.pace.slowest(), None);
}

#[test]
fn answers_to_requests_sent_before_a_cut_do_not_cut_again() {
    let now = Instant::now();
    let mut pace = Pace::new(10.0, now);
    let later = now + WINDOW;
    let in_flight: Vec<Ticket> = (0..3 * EVIDENCE).map(|_| pace.ticket()).collect();
    let changes: Vec<Change> = in_flight
        .iter()
        .filter_map(|ticket| pace.record(*ticket, Throttled, later))
        .collect();
    assert_eq!(
        changes,
        [Change {
            from: 10.0,
            to: 2.5
        }]
    );
    assert_eq!(pace.rate(), Some(2.5));
    assert_eq!(pace.throttled(), 3 * u64::from(EVIDENCE), "all are counted");
}

#[test]
fn clean_seconds_raise_the_rate_slowly_up_to_the_configured_one() {
    let mut run = Run::new(10.0);
    assert_eq!(run.until_change(|_| Throttled).map(|c| c.to), Some(2.5));
    // Clean answers within less than a second prove nothing about a rate.
    let cut_at = run.now;
    for i in 1..=4 * CLEAN {
        let at = cut_at + Duration::from_millis(20 * u64::from(i));
        let ticket = run.pace.ticket();
        assert_eq!(run.pace.record(ticket, Admitted, at), None);
    }
    let ticket = run.pace.ticket();
    assert_eq!(
        run.pace.record(ticket, Admitted, cut_at + WINDOW),
        Some(Change {
            from: 2.5,
            to: 2.75
        }),
        "a tenth of the rate, less than 5% of the configured rate"
    );
    run.now = cut_at + WINDOW;
    let mut rates = vec![2.75];
    rates.extend(run.changes(|_| Admitted));
    for pair in rates.windows(2) {
        let step = pair[1] - pair[0];
        assert!(
            step > 0.0 && step <= 0.5 && step <= pair[0] * 0.1 + 0.01,
            "{rates:?}"
        );
    }
    assert_eq!(rates.last(), Some(&10.0), "never above");
    let took = run.now.duration_since(cut_at);
    assert!(
        took >= WINDOW * rates.len() as u32,
        "a raise a second at most"
    );
    assert_eq!(run.pace.slowest(), Some(2.5));
}

#[test]
fn throttling_that_a_cut_does_not_lower_is_taken_for_background() {
    // At 200 requests/s a second holds enough answers to compare.
    let mut run = Run::new(200.0);
    // The first two answers are refused: an early cut to a quarter. Then a
    // second of 50 answers, 30% refused, cuts to 35/s; as many are refused
    // at 35/s, so that cut is taken back, and the rate climbs back as if
    // the seconds were clean.
    let rates = run.changes(three_in_ten);
    assert_eq!(rates[..3], [50.0, 35.0, 50.0]);
    assert!(rates[2..].windows(2).all(|w| w[1] > w[0]), "{rates:?}");
    assert_eq!(rates.last(), Some(&200.0));
    for _ in 0..5_000 {
        assert_eq!(run.send(three_in_ten), None, "tolerated");
    }
    // Worse than the background is ours again.
    assert_eq!(run.until_change(|_| Throttled).map(|c| c.to), Some(50.0));
}

#[test]
fn a_few_answers_a_second_are_never_taken_for_background() {
    // At 10/s a second holds 10 answers: too few to tell, so plain AIMD.
    let mut run = Run::new(10.0);
    assert_eq!(run.changes(three_in_ten).last(), Some(&FLOOR));
}

#[test]
fn without_a_configured_rate_there_is_nothing_to_adapt() {
    let mut run = Run::new(0.0);
    assert_eq!(run.until_change(|_| Throttled), None);
    assert_eq!(run.pace.rate(), None);
    assert_eq!(run.pace.slowest(), None);
    assert_eq!(run.pace.throttled(), 10_000);
}

#[test]
fn a_configured_rate_below_the_floor_is_its_own_floor() {
    let mut run = Run::new(0.2);
    assert_eq!(run.until_change(|_| Throttled), None);
    assert_eq!(run.pace.rate(), Some(0.2));
}

#[test]
fn a_plan_at_ten_per_second_settles_at_the_three_alma_grants() {
    // 300 users read 4 at a time with the default retries, for many timings.
    for seed in 0..20 {
        let run = sim::run(&Client::defaults(), 300, &mut Bucket::new(3.0), seed);
        let slowest = run.slowest.expect("it slowed down");
        let ideal = run.calls as f64 / 3.0;
        let summary = format!("seed {seed}: {run:?}");
        assert_eq!(run.failed, 0, "{summary}");
        assert!(run.most_attempts <= 4, "two retries to spare: {summary}");
        assert!(run.throttled <= 40, "{summary}");
        assert!((1.5..=3.0).contains(&slowest), "{summary}");
        assert!(run.rate.is_some_and(|r| r <= 4.5), "{summary}");
        assert!(run.took.as_secs_f64() <= ideal * 1.1, "{summary}");
    }
}

#[test]
fn a_plan_settles_at_whatever_rate_alma_grants() {
    for grant in [1.0, 2.0, 5.0, 8.0] {
        for seed in 0..5 {
            let run = sim::run(&Client::defaults(), 300, &mut Bucket::new(grant), seed);
            let summary = format!("{grant}/s, seed {seed}: {run:?}");
            assert_eq!(run.failed, 0, "{summary}");
            assert!(run.slowest.is_some_and(|r| r <= grant), "{summary}");
            let bound = 300.0 / grant * 2.0 + 10.0;
            assert!(run.took.as_secs_f64() <= bound, "{summary}");
        }
    }
}

#[test]
fn a_storm_of_refusals_whatever_the_rate_is_ridden_at_speed() {
    // The fault suite's storm: a client at 500/s, a gateway limit of 150/s,
    // and 3 requests in 10 refused on top.
    let client = Client {
        per_second: 500.0,
        burst: 4,
        max_retries: 8,
        retry_base: Duration::from_millis(10),
        retry_max: Duration::from_millis(250),
        ..Client::defaults()
    };
    for seed in 0..3 {
        let run = sim::run(&client, 3_000, &mut Storm::new(Bucket::new(150.0)), seed);
        let summary = format!("seed {seed}: {run:?}");
        assert_eq!(run.failed, 0, "{summary}");
        assert!(run.slowest.is_some_and(|r| r >= 50.0), "{summary}");
        assert!(run.took <= Duration::from_secs(60), "{summary}");
    }
}
