//! The emulated API gateway in front of every `/almaws/v1` request, in the
//! order the real one is modelled: injected faults, the API key (unknown
//! key: 401 in XML, as the gateway answers), the per-second bucket (429
//! `PER_SECOND_THRESHOLD`) and the daily budget (429 `DAILY_THRESHOLD`).
//! Every answer carries `X-Exl-Api-Remaining`.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State as Shared};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, Utc};

use crate::alma::error::{DAILY_THRESHOLD, PER_SECOND_THRESHOLD};
use crate::alma::wire;

use super::faults::Fault;
use super::server::ConnHandle;
use super::state::{Access, Limits};
use super::{Emulator, Refusal, bump, lock};

/// The header that reports the calls left today.
pub(crate) const REMAINING_HEADER: &str = "x-exl-api-remaining";

/// Whether error bodies go out as JSON (what the request asked for) or XML.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Format {
    pub json: bool,
}

/// The per-second bucket and the day's count.
#[derive(Debug)]
pub(crate) struct Gate {
    tokens: f64,
    refilled: Instant,
    day: NaiveDate,
    used: u64,
}

/// Why the gate refused a request.
enum Shut {
    PerSecond,
    Daily,
}

impl Gate {
    pub(crate) fn new(limits: &Limits) -> Self {
        Gate {
            tokens: f64::from(limits.per_second),
            refilled: Instant::now(),
            day: Utc::now().date_naive(),
            used: 0,
        }
    }

    fn remaining(&self, limits: &Limits) -> u64 {
        limits.daily.saturating_sub(self.used)
    }

    /// Admits one request or says why not; returns the calls left today.
    fn admit(&mut self, limits: &Limits) -> Result<u64, (Shut, u64)> {
        let today = Utc::now().date_naive();
        if today != self.day {
            self.day = today;
            self.used = 0;
        }
        if self.used >= limits.daily {
            return Err((Shut::Daily, 0));
        }
        if limits.per_second > 0 {
            let rate = f64::from(limits.per_second);
            let now = Instant::now();
            let elapsed = now.duration_since(self.refilled).as_secs_f64();
            self.tokens = (self.tokens + elapsed * rate).min(rate);
            self.refilled = now;
            if self.tokens < 1.0 {
                return Err((Shut::PerSecond, self.remaining(limits)));
            }
            self.tokens -= 1.0;
        }
        self.used += 1;
        Ok(self.remaining(limits))
    }
}

/// An error answer in Alma's JSON or the gateway's XML.
pub(crate) fn error_response(refusal: Refusal, format: Format) -> Response {
    let status = StatusCode::from_u16(refusal.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if format.json {
        let body = serde_json::to_vec(&wire::ErrorBody::new(&refusal.details)).unwrap_or_default();
        (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
    } else {
        (
            status,
            [(header::CONTENT_TYPE, "application/xml")],
            wire::error_xml(&refusal.details),
        )
            .into_response()
    }
}

/// The key from `Authorization: apikey KEY` or `?apikey=KEY`.
fn api_key(request: &Request) -> Option<String> {
    let from_header = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("apikey"))
        .map(|(_, key)| key.trim().to_owned());
    from_header.or_else(|| query_param(request, "apikey"))
}

fn query_param(request: &Request, name: &str) -> Option<String> {
    request
        .uri()
        .query()?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The gateway middleware.
pub(crate) async fn gateway(
    Shared(emulator): Shared<Emulator>,
    ConnectInfo(conn): ConnectInfo<ConnHandle>,
    mut request: Request,
    next: Next,
) -> Response {
    let counters = &emulator.shared.counters;
    bump(&counters.requests);
    let decision = lock(&emulator.shared.faults).decide();
    let asked_json = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"))
        || query_param(&request, "format").as_deref() == Some("json");
    let format = Format {
        json: asked_json && !decision.xml_errors,
    };
    let limits = emulator.lock_state().limits;
    let remaining_now = || lock(&emulator.shared.gate).remaining(&limits);
    if decision.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(decision.latency_ms)).await;
    }
    let gateway_error = |status: u16, code: &str, message: &str, format: Format, remaining: u64| {
        let refusal = emulator.refusal(status, code, message.to_owned());
        with_remaining(error_response(refusal, format), remaining)
    };
    if let Some(fault) = decision.fault {
        bump(&counters.faults);
        return match fault {
            Fault::Drop => {
                conn.kill();
                Body::empty().into_response()
            }
            Fault::Status(status) => gateway_error(
                status,
                "GENERAL_ERROR",
                "Injected failure.",
                format,
                remaining_now(),
            ),
            Fault::PerSecond => gateway_error(
                429,
                PER_SECOND_THRESHOLD,
                PER_SECOND_MESSAGE,
                format,
                remaining_now(),
            ),
            Fault::Daily => gateway_error(429, DAILY_THRESHOLD, DAILY_MESSAGE, format, 0),
        };
    }
    let access = api_key(&request).and_then(|key| emulator.lock_state().access(&key));
    let Some(access) = access else {
        bump(&counters.unauthorized);
        // The gateway answers this one in XML whatever was asked for.
        let xml = Format { json: false };
        return gateway_error(
            401,
            "UNAUTHORIZED",
            UNAUTHORIZED_MESSAGE,
            xml,
            remaining_now(),
        );
    };
    let admitted = lock(&emulator.shared.gate).admit(&limits);
    let remaining = match admitted {
        Ok(remaining) => remaining,
        Err((Shut::PerSecond, remaining)) => {
            bump(&counters.throttled);
            return gateway_error(
                429,
                PER_SECOND_THRESHOLD,
                PER_SECOND_MESSAGE,
                format,
                remaining,
            );
        }
        Err((Shut::Daily, remaining)) => {
            bump(&counters.daily_refused);
            return gateway_error(429, DAILY_THRESHOLD, DAILY_MESSAGE, format, remaining);
        }
    };
    if access == Access::Read && request.method() != axum::http::Method::GET {
        bump(&counters.rejected_writes);
        return gateway_error(403, "FORBIDDEN", FORBIDDEN_MESSAGE, format, remaining);
    }
    request.extensions_mut().insert(format);
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    tracing::info!(%method, path, status = response.status().as_u16(), remaining, "emulator");
    with_remaining(response, remaining)
}

fn with_remaining(mut response: Response, remaining: u64) -> Response {
    response
        .headers_mut()
        .insert(REMAINING_HEADER, HeaderValue::from(remaining));
    response
}

const UNAUTHORIZED_MESSAGE: &str = "API-key not defined or not configured to allow this API.";
const FORBIDDEN_MESSAGE: &str = "The API key is read-only for this API: it cannot update users.";
const PER_SECOND_MESSAGE: &str = "HTTP requests are more than allowed per second";
const DAILY_MESSAGE: &str = "Daily API request threshold has been reached";
