//! How to reach Alma and how hard to push it: the hosting regions and their
//! base URLs, which base URLs a key may be sent to (https, or plain http to
//! this machine only), and the client's configuration with its defaults (10
//! requests per second at most, bursts of 1, 4 in flight, 30 s timeout, 5
//! retries).

use std::str::FromStr;
use std::time::Duration;

use super::secret::ApiKey;

/// Alma's hosting regions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Region {
    Na,
    Eu,
    Ap,
    Ca,
    Cn,
}

impl Region {
    /// The region's API base URL.
    pub fn base_url(self) -> &'static str {
        match self {
            Region::Na => "https://api-na.hosted.exlibrisgroup.com/almaws/v1",
            Region::Eu => "https://api-eu.hosted.exlibrisgroup.com/almaws/v1",
            Region::Ap => "https://api-ap.hosted.exlibrisgroup.com/almaws/v1",
            Region::Ca => "https://api-ca.hosted.exlibrisgroup.com/almaws/v1",
            Region::Cn => "https://api-cn.hosted.exlibrisgroup.cn/almaws/v1",
        }
    }
}

impl FromStr for Region {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "na" => Ok(Region::Na),
            "eu" => Ok(Region::Eu),
            "ap" => Ok(Region::Ap),
            "ca" => Ok(Region::Ca),
            "cn" => Ok(Region::Cn),
            _ => Err(format!(
                "unknown Alma region {s:?} (expected na, eu, ap, ca or cn)"
            )),
        }
    }
}

/// A base URL an API key must not be sent to, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("`{url}` is not a URL ({why})")]
    NotAUrl { url: String, why: String },
    #[error("`{0}` carries a user name or password; give the host only")]
    Credentials(String),
    #[error("`{0}` carries a query or fragment; give the host only")]
    Query(String),
    #[error(
        "`{0}` is plain http: the API key would cross the network unencrypted; use https (plain \
         http is only for an emulator on this machine: 127.0.0.1, ::1, localhost)"
    )]
    PlainHttp(String),
    #[error("`{url}` uses `{scheme}:`; Alma's API is reached over https")]
    Scheme { url: String, scheme: String },
}

/// Checks a base URL an API key is about to be sent to: `https://`, or
/// plain `http://` only to a loopback address (the emulator, tests), with
/// no user name, password, query or fragment. Returns the parsed URL.
pub fn check_base_url(url: &str) -> Result<reqwest::Url, UrlError> {
    let parsed = reqwest::Url::parse(url.trim()).map_err(|e| UrlError::NotAUrl {
        url: url.to_string(),
        why: e.to_string(),
    })?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(UrlError::Credentials(url.to_string()));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(UrlError::Query(url.to_string()));
    }
    match parsed.scheme() {
        "https" if parsed.host().is_some() => Ok(parsed),
        "http" if is_loopback(&parsed) => Ok(parsed),
        "http" => Err(UrlError::PlainHttp(url.to_string())),
        other => Err(UrlError::Scheme {
            url: url.to_string(),
            scheme: other.to_string(),
        }),
    }
}

fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The host (and port, when not the default) a base URL talks to, for the plan header.
pub fn host_of(url: &str) -> String {
    match reqwest::Url::parse(url.trim()) {
        Ok(u) => match (u.host_str(), u.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            _ => url.to_string(),
        },
        Err(_) => url.to_string(),
    }
}

/// How to reach Alma and how hard to push it.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// e.g. `https://api-eu.hosted.exlibrisgroup.com/almaws/v1` (see [`Region::base_url`]).
    pub base_url: String,
    pub api_key: ApiKey,
    /// Shared by every task using the client. Alma allows 25 per second per
    /// institution across all its integrations. Default 10. A ceiling: while
    /// Alma keeps throttling, the client goes slower (down to 0.5 per
    /// second), and comes back up to this rate after clean seconds. Zero
    /// (or not a positive number): no limit, and nothing to adapt.
    pub requests_per_second: f64,
    /// Requests allowed at once after an idle spell. Default 1.
    pub burst: u32,
    /// Requests in flight at once. Default 4.
    pub max_concurrency: usize,
    /// Per request. Default 30 s.
    pub timeout: Duration,
    /// Retries after the first attempt. Default 5.
    pub max_retries: u32,
    /// The backoff before retry n is random in `[0, min(max, base * 2^n))`.
    /// Default 250 ms.
    pub retry_base_delay: Duration,
    /// Default 10 s.
    pub retry_max_delay: Duration,
    /// When set, writes are refused unless `conf/general` reports this
    /// environment type (case-insensitive), e.g. `PRODUCTION` or `SANDBOX`.
    pub expected_environment: Option<String>,
}

impl ClientConfig {
    /// The defaults, for a base URL and a key.
    pub fn new(base_url: impl Into<String>, api_key: ApiKey) -> Self {
        ClientConfig {
            base_url: base_url.into(),
            api_key,
            requests_per_second: 10.0,
            burst: 1,
            max_concurrency: 4,
            timeout: Duration::from_secs(30),
            max_retries: 5,
            retry_base_delay: Duration::from_millis(250),
            retry_max_delay: Duration::from_secs(10),
            expected_environment: None,
        }
    }

    /// The defaults, for a region and a key.
    pub fn for_region(region: Region, api_key: ApiKey) -> Self {
        Self::new(region.base_url(), api_key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_go_over_https_or_to_this_machine_only() {
        for ok in [
            "https://api-na.hosted.exlibrisgroup.com",
            "https://api-eu.hosted.exlibrisgroup.com/almaws/v1",
            "http://127.0.0.1:8080/almaws/v1",
            "http://127.9.9.9",
            "http://[::1]:9000",
            "http://localhost:1234",
        ] {
            assert!(check_base_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://any-host",
            "http://api-na.hosted.exlibrisgroup.com",
            "http://10.0.0.5",
            "http://localhost.evil.example",
            "https://user:pw@api-na.hosted.exlibrisgroup.com",
            "https://api-na.hosted.exlibrisgroup.com/?apikey=x",
            "ftp://api-na.hosted.exlibrisgroup.com",
            "api-na.hosted.exlibrisgroup.com",
        ] {
            assert!(check_base_url(bad).is_err(), "{bad}");
        }
        let why = check_base_url("http://any-host").unwrap_err();
        assert!(matches!(why, UrlError::PlainHttp(_)), "{why}");
        assert!(why.to_string().contains("use https"), "{why}");
    }

    #[test]
    fn hosts_are_named_with_their_port() {
        assert_eq!(
            host_of("https://api-na.hosted.exlibrisgroup.com/almaws/v1"),
            "api-na.hosted.exlibrisgroup.com"
        );
        assert_eq!(host_of("http://127.0.0.1:4321/almaws/v1"), "127.0.0.1:4321");
    }
}
