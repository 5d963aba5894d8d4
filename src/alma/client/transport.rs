//! The client's transport: one request with its retries. Each attempt waits
//! for a concurrency permit and a rate-limiter slot; 429 and
//! `PER_SECOND_THRESHOLD` pause every task of the client, 5xx and transport
//! failures back off with full jitter ([`crate::retry::Backoff`], or the
//! server's `Retry-After`), `DAILY_THRESHOLD` stops the client for good.
//! Every answer the gateway gave (admitted or throttled) goes to
//! the rate controller, whose changes of rate are applied to the limiter at
//! once. Logs carry the method, path, status, latency and remaining
//! budget; error texts from the server are redacted of the key.

use std::sync::atomic::Ordering;
use std::time::Duration;

use reqwest::Method;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use serde::de::DeserializeOwned;
use tokio::time::Instant;

use super::pace::{Answer, Ticket};
use super::{AlmaClient, REMAINING_HEADER};
use crate::alma::error::{AlmaError, DAILY_THRESHOLD, PER_SECOND_THRESHOLD};
use crate::alma::secret::redact;
use crate::alma::wire;

impl AlmaClient {
    pub(super) async fn get_json<T: DeserializeOwned>(
        &self,
        what: &str,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, AlmaError> {
        let body = self.send(Method::GET, path, query, None).await?;
        decode(what, &body)
    }

    /// Sends one request, retrying what is worth retrying; returns the body
    /// of a 2xx response.
    pub(super) async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<Vec<u8>>,
    ) -> Result<Vec<u8>, AlmaError> {
        let inner = &*self.inner;
        let url = format!("{}{}", inner.base, path);
        let attempts = inner.max_retries + 1;
        for attempt in 1..=attempts {
            if inner.daily_spent.load(Ordering::Relaxed) {
                return Err(AlmaError::DailyThreshold { errors: Vec::new() });
            }
            let last = attempt == attempts;
            let permit = inner
                .permits
                .acquire()
                .await
                .expect("the semaphore is never closed");
            let ticket = inner.pace().ticket();
            inner.limiter.acquire().await;
            inner.calls.fetch_add(1, Ordering::Relaxed);
            let started = Instant::now();
            let outcome = self.exchange(&method, &url, query, body.as_deref()).await;
            drop(permit);
            let latency_ms = started.elapsed().as_millis() as u64;
            let Exchange {
                status,
                retry_after,
                remaining,
                body: bytes,
            } = match outcome {
                Ok(exchange) => exchange,
                Err(e) => {
                    let message = redact(&transport_message(&e), &inner.key);
                    tracing::warn!(%method, path, attempt, latency_ms, error = %message, "Alma request failed");
                    if last || e.is_builder() {
                        return Err(AlmaError::Transport {
                            message,
                            attempts: attempt,
                        });
                    }
                    tokio::time::sleep(inner.backoff.delay(attempt)).await;
                    continue;
                }
            };
            tracing::debug!(%method, path, status, latency_ms, remaining, attempt, "Alma response");
            if (200..300).contains(&status) {
                self.answered(ticket, Answer::Admitted);
                return Ok(bytes);
            }
            let (mut errors, xml) = wire::parse_errors(&bytes)
                .map(|(errors, format)| (errors, format == wire::BodyFormat::Xml))
                .unwrap_or_default();
            for e in &mut errors {
                e.message = redact(&e.message, &inner.key);
            }
            let has = |code: &str| errors.iter().any(|d| d.code == code);
            if has(DAILY_THRESHOLD) {
                inner.daily_spent.store(true, Ordering::Relaxed);
                tracing::error!(%method, path, "Alma's daily API budget is spent; stopping");
                return Err(AlmaError::DailyThreshold { errors });
            }
            let throttled = status == 429 || has(PER_SECOND_THRESHOLD);
            if throttled {
                self.answered(ticket, Answer::Throttled);
            } else if status < 500 {
                self.answered(ticket, Answer::Admitted);
            }
            if throttled || status >= 500 {
                if last {
                    return Err(if throttled {
                        AlmaError::RateLimited { attempts }
                    } else {
                        AlmaError::Server { status, errors }
                    });
                }
                let pause = inner.backoff.after(attempt, retry_after);
                tracing::warn!(%method, path, status, attempt, pause_ms = pause.as_millis() as u64, "retrying");
                if throttled {
                    inner.limiter.pause(pause);
                } else {
                    tokio::time::sleep(pause).await;
                }
                continue;
            }
            return Err(AlmaError::from_response(status, errors, xml));
        }
        unreachable!("the last attempt always returns")
    }

    /// Tells the rate controller how the gateway answered; applies the
    /// change of rate it decides and logs it (a warning when slowing down).
    fn answered(&self, ticket: Ticket, answer: Answer) {
        let inner = &*self.inner;
        let mut pace = inner.pace();
        let Some(change) = pace.record(ticket, answer, Instant::now()) else {
            return;
        };
        // Under the controller's lock, so changes reach the limiter in order.
        inner.limiter.set_rate(change.to);
        let throttled = pace.throttled();
        drop(pace);
        if change.is_slower() {
            tracing::warn!(
                from = change.from,
                to = change.to,
                throttled,
                "Alma is throttling requests: slowing down to {:.2} requests/s",
                change.to
            );
        } else {
            tracing::debug!(
                from = change.from,
                to = change.to,
                "speeding up to {:.2} requests/s",
                change.to
            );
        }
    }

    /// One attempt: sends the request and reads the whole answer.
    async fn exchange(
        &self,
        method: &Method,
        url: &str,
        query: &[(&str, String)],
        body: Option<&[u8]>,
    ) -> Result<Exchange, reqwest::Error> {
        let inner = &*self.inner;
        let mut request = inner
            .http
            .request(method.clone(), url)
            .header(AUTHORIZATION, inner.auth.clone())
            .header(ACCEPT, "application/json");
        if !query.is_empty() {
            request = request.query(query);
        }
        if let Some(body) = body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_vec());
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let remaining = header_u64(&response, REMAINING_HEADER);
        let retry_after = header_u64(&response, RETRY_AFTER.as_str()).map(Duration::from_secs);
        if let Some(remaining) = remaining {
            inner.remaining.store(remaining, Ordering::Relaxed);
        }
        let body = response.bytes().await?.to_vec();
        Ok(Exchange {
            status,
            retry_after,
            remaining,
            body,
        })
    }
}

/// What one attempt brought back.
struct Exchange {
    status: u16,
    retry_after: Option<Duration>,
    remaining: Option<u64>,
    body: Vec<u8>,
}

pub(super) fn decode<T: DeserializeOwned>(what: &str, body: &[u8]) -> Result<T, AlmaError> {
    serde_json::from_slice(body).map_err(|e| AlmaError::Decode {
        what: what.to_owned(),
        message: e.to_string(),
    })
}

fn header_u64(response: &reqwest::Response, name: &str) -> Option<u64> {
    response
        .headers()
        .get(name)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// A transport error's message with its causes, without the URL.
fn transport_message(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else if error.is_body() || error.is_decode() {
        "the response was cut off"
    } else {
        "the request failed"
    };
    let mut message = kind.to_owned();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}
