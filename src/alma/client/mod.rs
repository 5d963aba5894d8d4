//! The HTTP client for the Alma API. One [`AlmaClient`] (cheap to clone)
//! shares a rate limiter and a concurrency cap across every task that uses
//! it, retries what is worth retrying (429 and `PER_SECOND_THRESHOLD`, 5xx,
//! timeouts and dropped connections) with exponential backoff and full
//! jitter, stops at once on `DAILY_THRESHOLD`, records
//! `X-Exl-Api-Remaining`, and refuses to write when `conf/general` says the
//! key belongs to another environment than the configured one. The key
//! travels only in the `Authorization` header, marked sensitive; logs carry
//! the method, path, status, latency and remaining budget, never the key.
//!
//! The configured rate is a ceiling, not a promise: when Alma keeps
//! throttling, the client slows down for every task (multiplicative
//! decrease, down to 0.5 requests/s) and speeds up again after clean
//! seconds (additive increase), as [`pace`] describes; it logs a warning
//! with the new rate each time it slows down, and [`ApiUsage`] reports the
//! lowest rate it went to and the throttled requests it saw.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use reqwest::Method;
use reqwest::header::HeaderValue;
use secrecy::zeroize::Zeroize;
use tokio::sync::{OnceCell, Semaphore};
use tokio::time::Instant;

use crate::alma::config::{ClientConfig, check_base_url};
use crate::alma::error::AlmaError;
use crate::alma::ratelimit::RateLimiter;
use crate::alma::secret::ApiKey;
use crate::alma::{
    AlmaRead, AlmaWrite, ApiUsage, CodeRow, Desk, General, Library, MAX_PAGE, UserPage, encode_id,
    wire,
};
use crate::retry::Backoff;

/// The response header that carries the calls left today.
const REMAINING_HEADER: &str = "x-exl-api-remaining";
const UNKNOWN: u64 = u64::MAX;

mod pace;
mod transport;

use pace::Pace;
use transport::decode;

/// The Alma API over HTTP. Clones share the limiter, the counters and the
/// cached `conf/general`.
#[derive(Clone)]
pub struct AlmaClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base: String,
    auth: HeaderValue,
    key: ApiKey,
    limiter: RateLimiter,
    /// Decides the limiter's rate from Alma's answers.
    pace: Mutex<Pace>,
    permits: Semaphore,
    max_retries: u32,
    /// The pause before a retry (`Retry-After` when Alma gives one).
    backoff: Backoff,
    expected_environment: Option<String>,
    calls: AtomicU64,
    remaining: AtomicU64,
    daily_spent: AtomicBool,
    general: OnceCell<General>,
}

impl fmt::Debug for AlmaClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (rate, usage) = (self.rate(), self.usage());
        f.debug_struct("AlmaClient")
            .field("base_url", &self.inner.base)
            .field("api_key", &self.inner.key)
            .field("limiter", &self.inner.limiter)
            .field("rate", &rate)
            .field("expected_environment", &self.inner.expected_environment)
            .field("usage", &usage)
            .finish()
    }
}

impl AlmaClient {
    /// Builds a client. Fails on a base URL the key must not be sent to (see
    /// [`check_base_url`]: https, or plain http to this machine only) or
    /// that carries a query, and on an empty key.
    pub fn new(config: ClientConfig) -> Result<Self, AlmaError> {
        let config_error = |message: &str| AlmaError::Config {
            message: message.to_owned(),
        };
        let base = config.base_url.trim().trim_end_matches('/').to_owned();
        if base.contains(['?', '#']) || base.chars().any(char::is_whitespace) {
            return Err(config_error(
                "the base URL must not carry a query, fragment or spaces",
            ));
        }
        check_base_url(&base).map_err(|why| config_error(&why.to_string()))?;
        if config.api_key.is_empty() {
            return Err(config_error("no API key"));
        }
        let mut value = format!("apikey {}", config.api_key.expose());
        let auth = HeaderValue::from_str(&value);
        value.zeroize();
        let mut auth =
            auth.map_err(|_| config_error("the API key has characters a header cannot carry"))?;
        auth.set_sensitive(true);
        // reqwest is built without a default crypto provider: install ring once.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .build()
            .map_err(|e| {
                config_error(&format!(
                    "cannot build the HTTP client: {}",
                    e.without_url()
                ))
            })?;
        Ok(AlmaClient {
            inner: Arc::new(Inner {
                http,
                base,
                auth,
                limiter: RateLimiter::new(config.requests_per_second, config.burst),
                pace: Mutex::new(Pace::new(config.requests_per_second, Instant::now())),
                permits: Semaphore::new(config.max_concurrency.max(1)),
                max_retries: config.max_retries,
                backoff: Backoff::new(config.retry_base_delay, config.retry_max_delay),
                expected_environment: config.expected_environment,
                key: config.api_key,
                calls: AtomicU64::new(0),
                remaining: AtomicU64::new(UNKNOWN),
                daily_spent: AtomicBool::new(false),
                general: OnceCell::new(),
            }),
        })
    }

    /// The rate the client keeps now, in requests per second: the
    /// configured one, or lower while Alma throttles. `None` when no rate
    /// is configured.
    pub fn rate(&self) -> Option<f64> {
        self.inner.pace().rate()
    }
}

impl Inner {
    fn pace(&self) -> MutexGuard<'_, Pace> {
        self.pace.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl AlmaRead for AlmaClient {
    async fn get_user(&self, id: &str) -> Result<Option<wire::User>, AlmaError> {
        let path = format!("/users/{}", encode_id(id)?);
        match self
            .get_json("user", &path, &[("view", "full".into())])
            .await
        {
            Ok(user) => Ok(Some(user)),
            Err(e) if e.is_user_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn list_users(
        &self,
        offset: u32,
        limit: u32,
        query: Option<&str>,
    ) -> Result<UserPage, AlmaError> {
        let mut params = vec![
            ("limit", limit.min(MAX_PAGE).to_string()),
            ("offset", offset.to_string()),
        ];
        if let Some(q) = query {
            params.push(("q", q.to_owned()));
        }
        let list: wire::UserList = self.get_json("user list", "/users", &params).await?;
        Ok(list.into())
    }

    async fn code_table(&self, name: &str) -> Result<Vec<CodeRow>, AlmaError> {
        let path = format!("/conf/code-tables/{}", encode_id(name)?);
        let table: wire::CodeTable = self.get_json("code table", &path, &[]).await?;
        Ok(table.into())
    }

    async fn libraries(&self) -> Result<Vec<Library>, AlmaError> {
        let list: wire::LibraryList = self.get_json("libraries", "/conf/libraries", &[]).await?;
        Ok(list.into())
    }

    async fn circulation_desks(&self, library: &str) -> Result<Vec<Desk>, AlmaError> {
        let path = format!("/conf/libraries/{}/circ-desks", encode_id(library)?);
        let mut desks = Vec::new();
        loop {
            let params = [
                ("limit", MAX_PAGE.to_string()),
                ("offset", desks.len().to_string()),
            ];
            let page: wire::CircDeskList =
                self.get_json("circulation desks", &path, &params).await?;
            let got = page.circ_desk.len();
            desks.extend(page.circ_desk.into_iter().map(Desk::from));
            if got == 0 || desks.len() as u64 >= page.total_record_count {
                return Ok(desks);
            }
        }
    }

    async fn general(&self) -> Result<General, AlmaError> {
        let general = self
            .inner
            .general
            .get_or_try_init(|| async {
                let conf: wire::GeneralConf =
                    self.get_json("conf/general", "/conf/general", &[]).await?;
                Ok::<_, AlmaError>(General::from(conf))
            })
            .await?;
        Ok(general.clone())
    }

    async fn staff_logins(
        &self,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
        offset: u32,
        limit: u32,
    ) -> Result<wire::StaffLoginPage, AlmaError> {
        const WHAT: &str = "staff login report";
        let params = [
            ("login_date_from", from.to_string()),
            ("login_date_to", to.to_string()),
            ("limit", limit.min(MAX_PAGE).to_string()),
            ("offset", offset.to_string()),
        ];
        let body: serde_json::Value = self
            .get_json(WHAT, "/users/staff-login-report", &params)
            .await?;
        wire::decode_staff_logins(&body).map_err(|message| AlmaError::Decode {
            what: WHAT.into(),
            message,
        })
    }

    fn endpoint(&self) -> String {
        crate::alma::host_of(&self.inner.base)
    }

    fn usage(&self) -> ApiUsage {
        let remaining = self.inner.remaining.load(Ordering::Relaxed);
        let pace = self.inner.pace();
        ApiUsage {
            calls: self.inner.calls.load(Ordering::Relaxed),
            remaining: (remaining != UNKNOWN).then_some(remaining),
            slowed_to: pace.slowest(),
            throttled: pace.throttled(),
        }
    }
}

impl AlmaWrite for AlmaClient {
    /// Checks that the key's environment is the configured one (when one is
    /// configured) and returns what `conf/general` says. Read once and cached.
    async fn verify_environment(&self) -> Result<General, AlmaError> {
        let general = self.general().await?;
        match &self.inner.expected_environment {
            Some(expected) if !general.is_environment(expected) => {
                Err(AlmaError::WrongEnvironment {
                    expected: expected.clone(),
                    actual: general.environment_type.clone(),
                })
            }
            _ => Ok(general),
        }
    }

    async fn update_user(&self, user: &wire::User) -> Result<wire::User, AlmaError> {
        let path = format!("/users/{}", encode_id(&user.primary_id)?);
        if self.inner.expected_environment.is_some() {
            self.verify_environment().await?;
        }
        let body = serde_json::to_vec(user).map_err(|e| AlmaError::Decode {
            what: "user".into(),
            message: e.to_string(),
        })?;
        let reply = self.send(Method::PUT, &path, &[], Some(body)).await?;
        decode("updated user", &reply)
    }
}
