//! How to reach Alma and how hard to push it: the hosting regions and their
//! base URLs, and the client's configuration with its defaults (10 requests
//! per second, bursts of 1, 4 in flight, 30 s timeout, 5 retries).

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

/// How to reach Alma and how hard to push it.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// e.g. `https://api-eu.hosted.exlibrisgroup.com/almaws/v1` (see [`Region::base_url`]).
    pub base_url: String,
    pub api_key: ApiKey,
    /// Shared by every task using the client. Alma allows 25 per second per
    /// institution across all its integrations. Default 10.
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
