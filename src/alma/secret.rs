//! The Alma API key as a secret: it prints as `ApiKey(***)` in Debug and
//! Display, cannot be serialized, is wiped from memory when dropped
//! (`secrecy`), and hands its value only to the HTTP client of this crate,
//! which marks the header it builds as sensitive.

use std::fmt;

use secrecy::zeroize::Zeroize;
use secrecy::{ExposeSecret, SecretString};

/// An Alma API key. Its value never appears in Debug or Display output.
#[derive(Clone)]
pub struct ApiKey(SecretString);

impl ApiKey {
    /// Wraps a key. Surrounding whitespace (a trailing newline from a file or
    /// an environment variable) is trimmed.
    pub fn new(key: impl Into<String>) -> Self {
        let mut key: String = key.into();
        let secret = SecretString::from(key.trim());
        key.zeroize();
        ApiKey(secret)
    }

    /// Whether the key is empty (no key was given).
    pub fn is_empty(&self) -> bool {
        self.expose().is_empty()
    }

    /// The key's value, for the HTTP header. Only this crate may read it.
    pub(crate) fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl PartialEq for ApiKey {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl Eq for ApiKey {}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(***)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(***)")
    }
}

/// Replaces every occurrence of `key` in `text` by `***`, for text that came
/// from a server and might echo what it was sent.
pub(crate) fn redact(text: &str, key: &ApiKey) -> String {
    if key.is_empty() || !text.contains(key.expose()) {
        return text.to_owned();
    }
    text.replace(key.expose(), "***")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_value() {
        let key = ApiKey::new(" l8xx-very-secret\n");
        assert_eq!(format!("{key:?}"), "ApiKey(***)");
        assert_eq!(format!("{key}"), "ApiKey(***)");
        assert_eq!(key.expose(), "l8xx-very-secret");
    }

    #[test]
    fn redact_removes_echoed_keys() {
        let key = ApiKey::new("l8xx-secret");
        assert_eq!(redact("bad key l8xx-secret here", &key), "bad key *** here");
        assert_eq!(redact("nothing", &ApiKey::new("")), "nothing");
    }
}
