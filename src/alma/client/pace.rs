//! How fast the client asks: an AIMD controller of the request rate, one per
//! client and shared by every task (and clone) of it. Answers are judged in
//! epochs: an epoch begins when the rate changes, and only answers to
//! requests sent during it (a [`Ticket`] says when) count as evidence, so
//! the requests already in flight at the old rate cannot cut the rate twice.
//!
//! Cuts (multiplicative decrease): [`REPEATED`] throttled answers (429 or
//! `PER_SECOND_THRESHOLD`) in an epoch of at least [`EVIDENCE`] answers and
//! [`WINDOW`] cut the rate to the share Alma admitted, at most to
//! [`DECREASE`] of it and at least to [`DEEPEST`], never below [`FLOOR`].
//! Until the first cut the configured rate is unproven, so the first
//! repeated throttling cuts at once. A single throttled answer is not
//! enough, and is forgotten after twice [`CLEAN`] answers.
//!
//! Raises (additive increase): [`CLEAN`] answers without any throttled,
//! over at least [`WINDOW`] (Alma counts per second, so a shorter epoch
//! proves nothing about a rate), raise the rate by [`INCREASE`] of the
//! configured rate, or by [`STEEPEST`] of itself when that is less, never
//! above the configured rate.
//!
//! One exception keeps the controller from slowing to a crawl when the
//! throttling is not caused by this client (other integrations of the
//! institution, a gateway refusing a share of all requests). A cut "did not
//! pay off" when requests then went out at [`SLOWER`] of the rate before or
//! less, yet the share Alma throttled fell by less than [`MARGIN`] and stays
//! within [`BACKGROUND`]. Such a cut is taken back, and that share is
//! tolerated (plus the margin) until an epoch passes clean: epochs within
//! it raise the rate as clean ones do, a higher share ends it and cuts.
//! Only epochs of [`SAMPLE`] answers or more are compared: fewer cannot
//! tell such a change from chance, so below about 32 requests per second
//! (Alma's own limit is 25) the controller is plain AIMD. A rate limit
//! never looks like this: a client sending at `r` to a limit `c` sees a
//! share of `1 - c/r`, and sending a quarter slower lowers a share of 20%
//! to 40% by at least 20 points.

use std::ops::RangeInclusive;
use std::time::Duration;

use tokio::time::Instant;

/// Throttled answers in an epoch that cut the rate: one alone is not enough.
pub(crate) const REPEATED: u32 = 2;
/// Answers a throttled epoch is judged on (except before the first cut).
pub(crate) const EVIDENCE: u32 = 4;
/// Answers without any throttled that raise the rate.
pub(crate) const CLEAN: u32 = 8;
/// The shortest epoch that changes the rate (except the first cut).
pub(crate) const WINDOW: Duration = Duration::from_secs(1);
/// The mildest cut: to this fraction of the rate.
pub(crate) const DECREASE: f64 = 0.7;
/// The deepest cut: to a quarter of the rate.
pub(crate) const DEEPEST: f64 = 0.25;
/// The slowest the controller goes, in requests per second (or the
/// configured rate, when slower).
pub(crate) const FLOOR: f64 = 0.5;
/// A raise adds this fraction of the configured rate...
pub(crate) const INCREASE: f64 = 0.05;
/// ...or this fraction of the current rate, when that is less.
pub(crate) const STEEPEST: f64 = 0.1;
/// Answers an epoch needs to be compared with another one.
pub(crate) const SAMPLE: u32 = 32;
/// A cut after which requests went out at this fraction (or less) of the
/// rate before can be judged by the share throttled.
pub(crate) const SLOWER: f64 = 0.75;
/// How much a cut must lower the throttled share to have paid off, and how
/// much above background throttling is still tolerated.
pub(crate) const MARGIN: f64 = 0.15;
/// Throttled shares that, when a cut does not lower them, are background.
pub(crate) const BACKGROUND: RangeInclusive<f64> = 0.2..=0.4;

/// Which epoch a request was sent in; taken just before it waits for its slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Ticket(u64);

/// What Alma said to one request, as far as the rate is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Answer {
    /// The gateway let it through (whatever the API then answered).
    Admitted,
    /// 429 or `PER_SECOND_THRESHOLD`.
    Throttled,
}

/// A change of rate, in requests per second.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Change {
    pub from: f64,
    pub to: f64,
}

impl Change {
    pub(crate) fn is_slower(&self) -> bool {
        self.to < self.from
    }
}

/// The rate controller's state. Pure: time is passed in.
#[derive(Debug)]
pub(crate) struct Pace {
    /// The configured rate; `None` when there is no limit to adapt.
    ceiling: Option<f64>,
    floor: f64,
    rate: f64,
    epoch: Epoch,
    /// The epoch that caused the last cut, when the current one follows it.
    after_cut: Option<Verdict>,
    /// A throttled share that cuts did not lower, tolerated (plus the margin).
    background: Option<f64>,
    slowest: Option<f64>,
    throttled: u64,
}

#[derive(Debug)]
struct Epoch {
    id: u64,
    began: Instant,
    answers: u32,
    throttled: u32,
}

/// What an epoch showed, at the rate it ran at.
#[derive(Clone, Copy, Debug)]
struct Verdict {
    rate: f64,
    answers: u32,
    /// Requests per second that actually went out (pauses included).
    sent: f64,
    share: f64,
}

impl Pace {
    /// A controller for a client configured at `per_second` requests per
    /// second; inert (it only counts) when that is not a positive number.
    pub(crate) fn new(per_second: f64, now: Instant) -> Self {
        let ceiling = (per_second.is_finite() && per_second > 0.0).then_some(per_second);
        Pace {
            ceiling,
            floor: FLOOR.min(per_second),
            rate: ceiling.unwrap_or(0.0),
            epoch: Epoch {
                id: 0,
                began: now,
                answers: 0,
                throttled: 0,
            },
            after_cut: None,
            background: None,
            slowest: None,
            throttled: 0,
        }
    }

    /// The ticket for a request about to be sent.
    pub(crate) fn ticket(&self) -> Ticket {
        Ticket(self.epoch.id)
    }

    /// The rate now, in requests per second; `None` when unlimited.
    pub(crate) fn rate(&self) -> Option<f64> {
        self.ceiling.map(|_| self.rate)
    }

    /// The lowest rate the controller slowed to, if it ever did.
    pub(crate) fn slowest(&self) -> Option<f64> {
        self.slowest
    }

    /// Throttled answers seen, stale ones included.
    pub(crate) fn throttled(&self) -> u64 {
        self.throttled
    }

    /// Takes in the answer to the request sent with `ticket`; returns the
    /// change of rate it decided, if any.
    pub(crate) fn record(
        &mut self,
        ticket: Ticket,
        answer: Answer,
        now: Instant,
    ) -> Option<Change> {
        let throttled = answer == Answer::Throttled;
        self.throttled += u64::from(throttled);
        let ceiling = self.ceiling?;
        if ticket.0 != self.epoch.id {
            return None;
        }
        self.epoch.answers += 1;
        self.epoch.throttled += u32::from(throttled);
        self.judge(ceiling, now)
    }

    /// Judges the epoch once it holds enough evidence.
    fn judge(&mut self, ceiling: f64, now: Instant) -> Option<Change> {
        let epoch = &self.epoch;
        let elapsed = now.duration_since(epoch.began);
        if epoch.throttled == 0 {
            if epoch.answers < CLEAN || elapsed < WINDOW {
                return None;
            }
            self.background = None;
            return self.raise(ceiling, now);
        }
        if epoch.throttled < REPEATED {
            if epoch.answers >= 2 * CLEAN {
                self.restart(now);
            }
            return None;
        }
        let first = self.slowest.is_none();
        if !first && (epoch.answers < EVIDENCE || elapsed < WINDOW) {
            return None;
        }
        let verdict = Verdict {
            rate: self.rate,
            answers: epoch.answers,
            sent: f64::from(epoch.answers) / elapsed.as_secs_f64().max(1e-3),
            share: f64::from(epoch.throttled) / f64::from(epoch.answers),
        };
        if self.background.is_some_and(|b| verdict.share <= b + MARGIN) {
            let clean_enough = epoch.answers >= CLEAN && elapsed >= WINDOW;
            return clean_enough.then(|| self.raise(ceiling, now)).flatten();
        }
        self.background = None;
        match self.after_cut {
            Some(before) if !paid_off(before, verdict) => {
                self.take_back(before.rate, verdict.share, now)
            }
            _ => self.cut(verdict, now),
        }
    }

    /// Multiplicative decrease, to the share admitted within bounds.
    fn cut(&mut self, verdict: Verdict, now: Instant) -> Option<Change> {
        let from = self.rate;
        let factor = (1.0 - verdict.share).clamp(DEEPEST, DECREASE);
        let to = round(from * factor).max(self.floor);
        self.after_cut = Some(verdict);
        self.begin(now);
        if to >= from {
            return None;
        }
        self.rate = to;
        self.slowest = Some(self.slowest.map_or(to, |s| s.min(to)));
        Some(Change { from, to })
    }

    /// The last cut did not lower `share`: back to `rate`, and tolerate it.
    fn take_back(&mut self, rate: f64, share: f64, now: Instant) -> Option<Change> {
        let from = self.rate;
        self.rate = rate;
        self.after_cut = None;
        self.background = Some(share);
        self.begin(now);
        Some(Change { from, to: rate })
    }

    /// Additive increase, gentler at low rates.
    fn raise(&mut self, ceiling: f64, now: Instant) -> Option<Change> {
        let from = self.rate;
        let step = (ceiling * INCREASE).min(from * STEEPEST);
        let to = round(from + step).min(ceiling);
        self.after_cut = None;
        if to <= from {
            self.restart(now);
            return None;
        }
        self.rate = to;
        self.begin(now);
        Some(Change { from, to })
    }

    /// A new epoch at a new rate: answers to earlier requests are stale.
    fn begin(&mut self, now: Instant) {
        self.epoch = Epoch {
            id: self.epoch.id + 1,
            began: now,
            answers: 0,
            throttled: 0,
        };
    }

    /// A new epoch at the same rate: answers in flight still count.
    fn restart(&mut self, now: Instant) {
        self.epoch = Epoch {
            id: self.epoch.id,
            began: now,
            answers: 0,
            throttled: 0,
        };
    }
}

/// Whether the cut after `before` paid off, judged by `after`: it did
/// unless both hold enough answers, requests went out clearly slower, and
/// the share throttled, within the background range, barely fell.
fn paid_off(before: Verdict, after: Verdict) -> bool {
    if before.answers.min(after.answers) < SAMPLE {
        return true;
    }
    let went_slower = after.sent <= before.sent * SLOWER;
    let barely_fell = after.share > before.share - MARGIN;
    !(went_slower && barely_fell && BACKGROUND.contains(&after.share))
}

/// Rates to a hundredth of a request per second, so they read as set.
fn round(rate: f64) -> f64 {
    (rate * 100.0).round() / 100.0
}

#[cfg(test)]
mod sim;
#[cfg(test)]
mod tests;
