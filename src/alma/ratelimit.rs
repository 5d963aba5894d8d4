//! The client's shared rate limiter: a token bucket in its GCRA form. Each
//! caller reserves the next free slot under a short lock and sleeps outside
//! it, so concurrent tasks are spaced evenly at the current rate, with at
//! most `burst` requests at once after an idle spell. The rate can be
//! changed while requests wait (the client's controller in
//! `client/pace.rs` lowers it when Alma throttles and raises it back):
//! slots already reserved keep their time, later ones follow the new
//! spacing. When the server asks to slow down, a pause holds back every
//! task, not only the one refused.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// A token bucket shared by every request of one client.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    /// Requests allowed at once after an idle spell (at least 1).
    burst: u32,
    /// The spacing, the theoretical arrival time of the next request, and
    /// the end of a pause ordered by the server.
    slots: Mutex<Slots>,
}

#[derive(Debug)]
struct Slots {
    /// Time between two requests; zero means no limit.
    interval: Duration,
    /// How far ahead of its slot a request may go: `(burst - 1) * interval`.
    tolerance: Duration,
    next: Instant,
    paused_until: Instant,
}

impl RateLimiter {
    /// A limiter for `per_second` requests per second (no limit when not a
    /// positive finite number) and bursts of `burst` (at least 1).
    pub(crate) fn new(per_second: f64, burst: u32) -> Self {
        let now = Instant::now();
        let limiter = RateLimiter {
            burst: burst.max(1),
            slots: Mutex::new(Slots {
                interval: Duration::ZERO,
                tolerance: Duration::ZERO,
                next: now,
                paused_until: now,
            }),
        };
        limiter.set_rate(per_second);
        limiter
    }

    /// Changes the rate to `per_second` (no limit when not a positive
    /// finite number) for the slots reserved from now on.
    pub(crate) fn set_rate(&self, per_second: f64) {
        let interval = if per_second.is_finite() && per_second > 0.0 {
            Duration::from_secs_f64(1.0 / per_second)
        } else {
            Duration::ZERO
        };
        let mut slots = self.lock();
        slots.interval = interval;
        slots.tolerance = interval * (self.burst - 1);
    }

    /// Waits for this request's slot.
    pub(crate) async fn acquire(&self) {
        let now = Instant::now();
        let allowed_at = self.reserve(now);
        if allowed_at > now {
            tokio::time::sleep_until(allowed_at).await;
        }
    }

    /// Reserves the next slot for a request arriving at `now`; returns when
    /// it may be sent.
    pub(crate) fn reserve(&self, now: Instant) -> Instant {
        let mut slots = self.lock();
        let earliest = now.max(slots.paused_until);
        if slots.interval.is_zero() {
            return earliest;
        }
        let slot = slots.next.max(earliest);
        slots.next = slot + slots.interval;
        slot.checked_sub(slots.tolerance)
            .unwrap_or(now)
            .max(earliest)
    }

    /// Holds every request back for `pause`: the server said to slow down,
    /// and the budget is shared by every task of the client.
    pub(crate) fn pause(&self, pause: Duration) {
        self.pause_at(Instant::now(), pause);
    }

    /// [`RateLimiter::pause`] ordered at `now`.
    pub(crate) fn pause_at(&self, now: Instant, pause: Duration) {
        let until = now + pause;
        let mut slots = self.lock();
        slots.paused_until = slots.paused_until.max(until);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Slots> {
        self.slots.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// When each of `n` requests arriving together at `now` may go, after `now`.
    fn schedule(limiter: &RateLimiter, now: Instant, n: usize) -> Vec<Duration> {
        (0..n).map(|_| limiter.reserve(now) - now).collect()
    }

    #[test]
    fn spaces_requests_at_the_rate() {
        let limiter = RateLimiter::new(10.0, 1);
        let now = Instant::now();
        assert_eq!(
            schedule(&limiter, now, 4),
            [ms(0), ms(100), ms(200), ms(300)]
        );
        // After an idle second, one request goes at once, the next waits.
        let later = now + ms(1400);
        assert_eq!(schedule(&limiter, later, 2), [ms(0), ms(100)]);
    }

    #[test]
    fn allows_a_burst_then_the_rate() {
        let limiter = RateLimiter::new(10.0, 3);
        let now = Instant::now();
        assert_eq!(
            schedule(&limiter, now, 5),
            [ms(0), ms(0), ms(0), ms(100), ms(200)]
        );
    }

    #[test]
    fn a_pause_holds_everyone_back() {
        let unlimited = RateLimiter::new(0.0, 1);
        let now = Instant::now();
        unlimited.pause(ms(50));
        let waits = schedule(&unlimited, now, 3);
        assert!(
            waits.iter().all(|w| *w >= ms(50) && *w < ms(1000)),
            "{waits:?}"
        );
        let limited = RateLimiter::new(10.0, 1);
        limited.pause(ms(500));
        let waits = schedule(&limited, now, 2);
        assert!(
            waits[0] >= ms(500) && waits[1] - waits[0] == ms(100),
            "{waits:?}"
        );
    }

    #[test]
    fn a_new_rate_spaces_the_slots_reserved_after_it() {
        let limiter = RateLimiter::new(10.0, 1);
        let now = Instant::now();
        assert_eq!(schedule(&limiter, now, 2), [ms(0), ms(100)]);
        limiter.set_rate(4.0);
        // The slot at 200 ms was already due; the next ones are 250 ms apart.
        assert_eq!(schedule(&limiter, now, 3), [ms(200), ms(450), ms(700)]);
        limiter.set_rate(20.0);
        assert_eq!(schedule(&limiter, now, 2), [ms(950), ms(1000)]);
        limiter.set_rate(0.0);
        assert_eq!(schedule(&limiter, now, 2), [ms(0), ms(0)]);
    }

    #[test]
    fn zero_means_unlimited() {
        let limiter = RateLimiter::new(0.0, 1);
        let now = Instant::now();
        assert!(schedule(&limiter, now, 1000).iter().all(Duration::is_zero));
    }

    #[tokio::test]
    async fn acquire_sleeps_until_the_slot() {
        let limiter = RateLimiter::new(50.0, 1);
        let start = Instant::now();
        for _ in 0..3 {
            limiter.acquire().await;
        }
        assert!(start.elapsed() >= ms(39), "{:?}", start.elapsed());
    }
}
