//! A small GitHub REST client for the review check: the pull request and
//! what the rules need of it (read in `pull`), and file contents at a
//! commit ([`GithubSource`]). This module holds the client, the GETs with
//! their retries (server errors, throttling and dropped connections, twice,
//! paced by [`crate::retry::Backoff`]) and paging (`per_page=100`), and the
//! token; `wire` holds GitHub's shapes. A 404 on contents means the file is
//! absent at that commit. The base URL is configurable for GitHub
//! Enterprise Server (`https://HOST/api/v3`).
//!
//! The token is held in a [`Token`] (a `secrecy` secret, wiped when
//! dropped), which prints as `Token(***)`; the
//! header carrying it is marked sensitive, and any text that came back from
//! the server is stripped of it before it is shown. Files are fetched as
//! data and parsed, never run, so checking a fork's pull request with a
//! token is safe.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue, USER_AGENT};
use secrecy::zeroize::Zeroize;
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;

use crate::retry::Backoff;
use crate::review::Error;
use crate::review::input::Source;
use wire::{WireContent, WireError, decode_base64, encode_path};

mod pull;
mod wire;

/// The public GitHub API.
pub const DEFAULT_API: &str = "https://api.github.com";
/// The REST API version this client speaks.
const API_VERSION: &str = "2022-11-28";
const PER_PAGE: usize = 100;
/// GitHub lists at most 3000 files of a pull request (30 pages).
const MAX_PAGES: usize = 100;
const RETRIES: u32 = 2;
/// The pause before a retry: up to 1 s, then up to 2 s.
const BACKOFF: Backoff = Backoff::new(Duration::from_secs(1), Duration::from_secs(10));

/// A GitHub token. Its value never appears in Debug or Display output and
/// is wiped from memory when dropped (`secrecy`).
#[derive(Clone)]
pub struct Token(SecretString);

impl Token {
    pub fn new(token: impl Into<String>) -> Self {
        let mut token: String = token.into();
        let secret = SecretString::from(token.trim());
        token.zeroize();
        Token(secret)
    }

    /// `GITHUB_TOKEN` from the environment, when set and not empty.
    pub fn from_env() -> Option<Token> {
        std::env::var("GITHUB_TOKEN")
            .ok()
            .map(Token::new)
            .filter(|t| !t.expose().is_empty())
    }

    fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// Replaces the token in text that came from elsewhere.
    fn redact(&self, text: &str) -> String {
        let token = self.expose();
        if token.is_empty() {
            text.to_string()
        } else {
            text.replace(token, "***")
        }
    }
}

impl PartialEq for Token {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl Eq for Token {}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(***)")
    }
}

impl std::fmt::Display for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(***)")
    }
}

/// `OWNER/NAME`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepoName {
    pub owner: String,
    pub name: String,
}

impl std::str::FromStr for RepoName {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let ok = |part: &str| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        };
        match s.split_once('/') {
            Some((owner, name)) if ok(owner) && ok(name) => Ok(RepoName {
                owner: owner.to_string(),
                name: name.to_string(),
            }),
            _ => Err(format!("`{s}` is not a repository name (OWNER/NAME)")),
        }
    }
}

impl std::fmt::Display for RepoName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

/// A client for one GitHub API base URL.
#[derive(Clone, Debug)]
pub struct GithubClient {
    http: reqwest::Client,
    base: String,
    token: Option<Token>,
}

impl GithubClient {
    /// A client for `base_url` (e.g. [`DEFAULT_API`]); without a token, requests are anonymous.
    pub fn new(base_url: &str, token: Option<Token>) -> Result<Self, Error> {
        let base = base_url.trim().trim_end_matches('/').to_string();
        if !(base.starts_with("https://") || base.starts_with("http://"))
            || base.contains(['?', '#'])
            || base.chars().any(char::is_whitespace)
        {
            return Err(Error::Usage(format!(
                "`{base_url}` is not an API base URL (https://api.github.com, or https://HOST/api/v3)"
            )));
        }
        let mut headers = HeaderMap::new();
        headers.insert(
            ACCEPT,
            HeaderValue::from_static("application/vnd.github+json"),
        );
        headers.insert(
            "X-GitHub-Api-Version",
            HeaderValue::from_static(API_VERSION),
        );
        headers.insert(
            USER_AGENT,
            HeaderValue::from_static(concat!("alma-access/", env!("CARGO_PKG_VERSION"))),
        );
        if let Some(token) = &token {
            let mut value = format!("Bearer {}", token.expose());
            let auth = HeaderValue::from_str(&value);
            value.zeroize();
            let mut auth = auth.map_err(|_| {
                Error::Usage("GITHUB_TOKEN has characters a header cannot carry".into())
            })?;
            auth.set_sensitive(true);
            headers.insert(AUTHORIZATION, auth);
        }
        // reqwest is built without a default crypto provider: install ring once.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| {
                Error::Failed(format!("cannot build the HTTP client: {}", e.without_url()))
            })?;
        Ok(GithubClient { http, base, token })
    }

    /// Every item of a paged list.
    async fn get_pages<T: DeserializeOwned>(&self, path: &str) -> Result<Vec<T>, Error> {
        let mut all = Vec::new();
        for page in 1..=MAX_PAGES {
            let query = [
                ("per_page", PER_PAGE.to_string()),
                ("page", page.to_string()),
            ];
            let items: Vec<T> = self
                .get_json(path, &query)
                .await?
                .ok_or_else(|| Error::Failed(format!("GitHub has no {path}")))?;
            let last = items.len() < PER_PAGE;
            all.extend(items);
            if last {
                return Ok(all);
            }
        }
        Err(Error::Failed(format!(
            "{path} has more than {MAX_PAGES} pages"
        )))
    }

    /// GETs JSON; `None` on 404.
    async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Option<T>, Error> {
        let Some(body) = self.get(path, query).await? else {
            return Ok(None);
        };
        serde_json::from_slice(&body).map(Some).map_err(|e| {
            Error::Failed(format!(
                "GitHub's answer to GET {path} is not what was expected: {e}"
            ))
        })
    }

    /// GETs a body, retrying server errors and throttling; `None` on 404.
    async fn get(&self, path: &str, query: &[(&str, String)]) -> Result<Option<Vec<u8>>, Error> {
        let url = format!("{}{}", self.base, path);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let last = attempt > RETRIES;
            let outcome = self.http.get(&url).query(query).send().await;
            let response = match outcome {
                Ok(r) => r,
                Err(e) if !last => {
                    tracing::warn!(path, attempt, error = %e.without_url(), "GitHub request failed; retrying");
                    tokio::time::sleep(BACKOFF.delay(attempt)).await;
                    continue;
                }
                Err(e) => {
                    return Err(Error::Failed(self.redact(&format!(
                        "cannot reach GitHub at {}: {}",
                        self.base,
                        e.without_url()
                    ))));
                }
            };
            let status = response.status();
            let throttled = status == StatusCode::TOO_MANY_REQUESTS
                || (status == StatusCode::FORBIDDEN
                    && response
                        .headers()
                        .get("x-ratelimit-remaining")
                        .is_some_and(|v| v == "0"));
            let body = response.bytes().await.map_err(|e| {
                Error::Failed(format!(
                    "reading GitHub's answer to GET {path}: {}",
                    e.without_url()
                ))
            })?;
            tracing::debug!(path, status = status.as_u16(), attempt, "GitHub response");
            if status.is_success() {
                return Ok(Some(body.to_vec()));
            }
            if status == StatusCode::NOT_FOUND {
                return Ok(None);
            }
            if (throttled || status.is_server_error()) && !last {
                tokio::time::sleep(BACKOFF.delay(attempt)).await;
                continue;
            }
            let message = serde_json::from_slice::<WireError>(&body)
                .map(|e| e.message)
                .unwrap_or_else(|_| String::from_utf8_lossy(&body).chars().take(200).collect());
            return Err(Error::Failed(self.redact(&format!(
                "GitHub answered {} to GET {path}: {message}",
                status.as_u16()
            ))));
        }
    }

    fn redact(&self, text: &str) -> String {
        match &self.token {
            Some(t) => t.redact(text),
            None => text.to_string(),
        }
    }
}

/// File contents of one repository through the API.
#[derive(Clone, Debug)]
pub struct GithubSource {
    pub client: GithubClient,
    pub repo: RepoName,
}

impl Source for GithubSource {
    async fn read(&self, rev: &str, path: &str) -> Result<Option<String>, Error> {
        let api_path = format!("/repos/{}/contents/{}", self.repo, encode_path(path));
        let Some(file) = self
            .client
            .get_json::<WireContent>(&api_path, &[("ref", rev.to_string())])
            .await?
        else {
            return Ok(None);
        };
        if file.kind != "file" || file.encoding.as_deref() != Some("base64") {
            return Err(Error::Failed(format!(
                "{path} at {rev} is not a file GitHub returns inline"
            )));
        }
        let bytes = decode_base64(file.content.as_deref().unwrap_or_default())
            .ok_or_else(|| Error::Failed(format!("{path} at {rev}: bad base64 from GitHub")))?;
        String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| Error::Failed(format!("{path} at {rev} is not UTF-8 text")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_never_print() {
        let token = Token::new("ghp_secret\n");
        assert_eq!(format!("{token:?} {token}"), "Token(***) Token(***)");
        assert_eq!(token.redact("bad ghp_secret"), "bad ***");
        let client = GithubClient::new(DEFAULT_API, Some(token)).unwrap();
        assert!(!format!("{client:?}").contains("ghp_secret"));
    }

    #[test]
    fn repository_names_are_checked() {
        assert_eq!(
            "o/r".parse::<RepoName>().unwrap(),
            RepoName {
                owner: "o".into(),
                name: "r".into()
            }
        );
        for bad in ["o", "o/", "/r", "o/r/x", "o/..", "o/r?x"] {
            assert!(bad.parse::<RepoName>().is_err(), "{bad}");
        }
    }
}
