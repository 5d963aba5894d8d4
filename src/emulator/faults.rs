//! Fault injection for the emulator's HTTP face: added latency, server
//! errors for the next requests or at random, a dropped connection or a
//! given status on the N-th request, and throttling on demand. Set from
//! tests with `Emulator::set_faults`, or at run time with
//! `POST /_emulator/faults` and the same JSON.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One injected failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// Answer with this HTTP status and a `GENERAL_ERROR` body.
    Status(u16),
    /// Close the connection without answering.
    Drop,
    /// Answer 429 `PER_SECOND_THRESHOLD`.
    PerSecond,
    /// Answer 429 `DAILY_THRESHOLD`.
    Daily,
}

/// The faults in force. Request numbers count API requests (not the
/// `/_emulator` endpoints) from the moment the faults were set, from 1.
///
/// JSON: `{"latency_ms": 50, "error_rate": 0.1, "next": [{"status": 503}, "drop"],
/// "nth": {"3": "per_second"}, "xml_errors": true}` (every field optional).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Faults {
    /// Added before every answer.
    pub latency_ms: u64,
    /// Probability (0 to 1) of a 503 on any request.
    pub error_rate: f64,
    /// Applied to the next requests, one each, in order.
    pub next: Vec<Fault>,
    /// Applied to the request with this number.
    pub nth: BTreeMap<u64, Fault>,
    /// Send gateway errors as XML even when JSON was asked for.
    pub xml_errors: bool,
}

impl Faults {
    /// No faults.
    pub fn none() -> Self {
        Faults::default()
    }

    /// The next `n` requests fail with `status`.
    pub fn fail_next(n: usize, status: u16) -> Self {
        Faults {
            next: vec![Fault::Status(status); n],
            ..Faults::default()
        }
    }

    /// The next `n` requests are throttled (429 `PER_SECOND_THRESHOLD`).
    pub fn throttle_next(n: usize) -> Self {
        Faults {
            next: vec![Fault::PerSecond; n],
            ..Faults::default()
        }
    }

    /// Request number `n` gets `fault`.
    pub fn on_nth(n: u64, fault: Fault) -> Self {
        Faults {
            nth: BTreeMap::from([(n, fault)]),
            ..Faults::default()
        }
    }
}

/// The faults and the count of requests since they were set.
#[derive(Debug, Default)]
pub(crate) struct FaultState {
    faults: Faults,
    seen: u64,
}

/// What to do to one request.
#[derive(Debug, Default)]
pub(crate) struct Decision {
    pub latency_ms: u64,
    pub fault: Option<Fault>,
    pub xml_errors: bool,
}

impl FaultState {
    pub(crate) fn set(&mut self, faults: Faults) {
        *self = FaultState { faults, seen: 0 };
    }

    pub(crate) fn get(&self) -> Faults {
        self.faults.clone()
    }

    /// Counts one request and decides its fault, if any.
    pub(crate) fn decide(&mut self) -> Decision {
        self.seen += 1;
        let queued = (!self.faults.next.is_empty()).then(|| self.faults.next.remove(0));
        let numbered = self.faults.nth.remove(&self.seen);
        let random = (self.faults.error_rate > 0.0 && fastrand::f64() < self.faults.error_rate)
            .then_some(Fault::Status(503));
        Decision {
            latency_ms: self.faults.latency_ms,
            fault: queued.or(numbered).or(random),
            xml_errors: self.faults.xml_errors,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn queued_then_numbered_faults() {
        let mut state = FaultState::default();
        let mut faults = Faults::fail_next(2, 500);
        faults.nth.insert(4, Fault::Drop);
        state.set(faults);
        let seen: Vec<_> = (0..5).map(|_| state.decide().fault).collect();
        assert_eq!(
            seen,
            [
                Some(Fault::Status(500)),
                Some(Fault::Status(500)),
                None,
                Some(Fault::Drop),
                None
            ]
        );
    }

    #[test]
    fn json_form() {
        let faults: Faults = serde_json::from_value(json!({
            "latency_ms": 5, "next": [{"status": 503}, "drop"], "nth": {"3": "per_second"}
        }))
        .unwrap();
        assert_eq!(faults.next, [Fault::Status(503), Fault::Drop]);
        assert_eq!(faults.nth[&3], Fault::PerSecond);
        assert!(serde_json::from_value::<Faults>(json!({"latncy_ms": 5})).is_err());
    }
}
