//! The pause before a retry, shared by the HTTP clients (Alma's and
//! GitHub's): exponential backoff with full jitter, capped, or the server's
//! `Retry-After` when it gave one. Each client keeps its own decisions about
//! what is worth retrying and how many times; only the schedule lives here.

use std::time::Duration;

/// A backoff schedule: before retry `n` (after attempt `n`, 1-based), a pause
/// drawn uniformly from `[0, min(max, base * 2^(n-1)))`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub max: Duration,
}

impl Backoff {
    pub const fn new(base: Duration, max: Duration) -> Self {
        Backoff { base, max }
    }

    /// The longest pause after attempt `attempt` (1-based): the ceiling the
    /// jitter draws under.
    pub fn ceiling(&self, attempt: u32) -> Duration {
        let doubled = self
            .base
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        doubled.min(self.max)
    }

    /// The pause after attempt `attempt` (1-based), with full jitter.
    pub fn delay(&self, attempt: u32) -> Duration {
        self.ceiling(attempt).mul_f64(fastrand::f64())
    }

    /// The server's `Retry-After` when it gave one (never longer than
    /// `max`), otherwise [`Backoff::delay`].
    pub fn after(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        match retry_after {
            Some(after) => after.min(self.max),
            None => self.delay(attempt),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn the_ceiling_doubles_up_to_the_cap() {
        let b = Backoff::new(250 * MS, Duration::from_secs(10));
        let ceilings: Vec<u128> = (1..=8).map(|n| b.ceiling(n).as_millis()).collect();
        assert_eq!(ceilings, [250, 500, 1000, 2000, 4000, 8000, 10000, 10000]);
        assert_eq!(b.ceiling(0), 250 * MS);
        assert_eq!(b.ceiling(u32::MAX), Duration::from_secs(10));
    }

    #[test]
    fn delays_are_jittered_under_the_ceiling() {
        let b = Backoff::new(100 * MS, Duration::from_secs(1));
        for attempt in 1..6 {
            for _ in 0..50 {
                assert!(b.delay(attempt) <= b.ceiling(attempt));
            }
        }
        let distinct: std::collections::BTreeSet<Duration> = (0..20).map(|_| b.delay(3)).collect();
        assert!(distinct.len() > 1, "the pause is random");
    }

    #[test]
    fn retry_after_wins_but_is_capped() {
        let b = Backoff::new(100 * MS, Duration::from_secs(5));
        assert_eq!(
            b.after(1, Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
        assert_eq!(
            b.after(1, Some(Duration::from_secs(60))),
            Duration::from_secs(5)
        );
        assert!(b.after(2, None) <= 200 * MS);
    }
}
