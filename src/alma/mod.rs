//! Talking to Alma. This module owns the edge between the reconciler and
//! the Alma Users API: the wire types ([`wire`], the only place Alma's JSON
//! names appear), the reconciler's [`Role`], the [`AlmaError`] type, the
//! [`AlmaRead`] / [`AlmaWrite`] traits that plan and apply are written
//! against, and [`AlmaClient`], the rate-limited, retrying HTTP client that
//! implements them. The emulator implements the same traits in process.
//! `plan` needs only [`AlmaRead`], so it runs with a read-only key.

use std::future::Future;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

mod client;
mod config;
pub mod error;
mod ratelimit;
pub mod role;
pub mod secret;
pub mod wire;

pub use client::AlmaClient;
pub use config::{ClientConfig, Region, check_base_url, host_of};
pub use error::{AlmaError, AlmaErrorDetail};
pub use role::{Role, RoleIdentity, RoleParameter, RoleStatus, normalize};
pub use secret::ApiKey;

/// The code table that lists role types.
pub const ROLE_TYPE_TABLE: &str = "HFrUserRoles.roleType";
/// The most users `list_users` returns in one page.
pub const MAX_PAGE: u32 = 100;

/// One page of `list_users`: brief users (without roles).
#[derive(Clone, Debug, PartialEq)]
pub struct UserPage {
    /// How many users match the query in all.
    pub total_record_count: u64,
    pub users: Vec<wire::User>,
}

/// One row of a code table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeRow {
    pub code: String,
    pub description: String,
}

/// A library.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Library {
    pub code: String,
    pub name: String,
}

/// A circulation desk of a library.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Desk {
    pub code: String,
    pub name: String,
}

/// What `conf/general` says about the key's institution and environment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct General {
    pub institution_code: String,
    /// As Alma spells it, e.g. `PRODUCTION` or `SANDBOX`.
    pub environment_type: String,
}

impl General {
    /// Whether the environment is `expected`, compared case-insensitively.
    pub fn is_environment(&self, expected: &str) -> bool {
        self.environment_type
            .trim()
            .eq_ignore_ascii_case(expected.trim())
    }
}

/// API calls made so far, how many remain today when Alma said, and how
/// hard Alma pushed back: e.g. "slowed to 3/s after 41 throttled requests".
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ApiUsage {
    /// Requests sent, retries included.
    pub calls: u64,
    /// The last `X-Exl-Api-Remaining` seen.
    pub remaining: Option<u64>,
    /// The lowest rate (requests per second) the client slowed to because
    /// Alma throttled it; `None` when it kept its configured rate.
    pub slowed_to: Option<f64>,
    /// Requests Alma refused with 429 or `PER_SECOND_THRESHOLD` (each one
    /// was retried, or failed once retries ran out).
    pub throttled: u64,
}

/// Everything `plan` reads from Alma. A read-only key suffices.
pub trait AlmaRead: Send + Sync {
    /// One user with roles, as Alma's lookup answers it; `Ok(None)` when
    /// Alma says there is no such user (error 401861 or 401890). Any other
    /// failure is an error, never `None`. Alma matches `id` against every
    /// unique identifier, so the answer may be another person: plan, apply
    /// and import call [`AlmaRead::read_user`], which refuses that.
    fn get_user(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<Option<wire::User>, AlmaError>> + Send;

    /// The user whose primary id is `id` (compared case-insensitively, as
    /// Alma does): [`AlmaRead::get_user`], refusing an answer that is
    /// another user with [`AlmaError::OtherUser`].
    fn read_user<'a>(
        &'a self,
        id: &'a str,
    ) -> impl Future<Output = Result<Option<wire::User>, AlmaError>> + Send + 'a {
        async move {
            match self.get_user(id).await? {
                Some(user) if !user.primary_id.trim().eq_ignore_ascii_case(id.trim()) => {
                    Err(AlmaError::OtherUser {
                        asked: id.to_owned(),
                        returned: user.primary_id,
                    })
                }
                found => Ok(found),
            }
        }
    }

    /// One page of brief users (no roles). `limit` is at most [`MAX_PAGE`];
    /// `query` is Alma's `q`, e.g. `primary_id~jdoe`.
    fn list_users(
        &self,
        offset: u32,
        limit: u32,
        query: Option<&str>,
    ) -> impl Future<Output = Result<UserPage, AlmaError>> + Send;

    /// The rows of a code table, e.g. [`ROLE_TYPE_TABLE`].
    fn code_table(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Vec<CodeRow>, AlmaError>> + Send;

    /// The institution's libraries.
    fn libraries(&self) -> impl Future<Output = Result<Vec<Library>, AlmaError>> + Send;

    /// The circulation desks of one library.
    fn circulation_desks(
        &self,
        library: &str,
    ) -> impl Future<Output = Result<Vec<Desk>, AlmaError>> + Send;

    /// The institution and environment the key belongs to.
    fn general(&self) -> impl Future<Output = Result<General, AlmaError>> + Send;

    /// One page (`limit` at most [`MAX_PAGE`]) of the staff logins and
    /// failed attempts from `from` through `to` (`GET /users/staff-login-report`;
    /// Alma keeps at most 90 days), decoded tolerantly (see [`wire::decode_staff_logins`]).
    fn staff_logins(
        &self,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
        offset: u32,
        limit: u32,
    ) -> impl Future<Output = Result<wire::StaffLoginPage, AlmaError>> + Send;

    /// Calls made so far and the remaining daily budget.
    fn usage(&self) -> ApiUsage;

    /// Where this reader talks to, for a plan's header: a host (and port).
    fn endpoint(&self) -> String {
        "(unnamed)".to_owned()
    }
}

/// What `apply` adds: replacing a user. Alma's PUT swaps the whole user, so
/// send back the full user from a GET with only `user_role` changed.
pub trait AlmaWrite: AlmaRead {
    /// Checks, before the first write, that the key belongs to the
    /// environment this connection is configured for (`conf/general`), and
    /// returns what Alma said. Apply refuses a whole environment that fails it.
    fn verify_environment(&self) -> impl Future<Output = Result<General, AlmaError>> + Send;

    /// Replaces the user `user.primary_id` by `user`; returns the user as Alma
    /// stored it.
    fn update_user(
        &self,
        user: &wire::User,
    ) -> impl Future<Output = Result<wire::User, AlmaError>> + Send;
}

// The configuration reads as the reconciler sees them; both the client and
// the emulator's in-process face go through these.

impl From<wire::UserList> for UserPage {
    fn from(list: wire::UserList) -> Self {
        UserPage {
            total_record_count: list.total_record_count,
            users: list.user,
        }
    }
}

impl From<wire::CodeTable> for Vec<CodeRow> {
    fn from(table: wire::CodeTable) -> Self {
        table
            .row
            .into_iter()
            .map(|r| CodeRow {
                code: r.code,
                description: r.description,
            })
            .collect()
    }
}

impl From<wire::LibraryList> for Vec<Library> {
    fn from(list: wire::LibraryList) -> Self {
        list.library
            .into_iter()
            .map(|l| Library {
                code: l.code,
                name: l.name,
            })
            .collect()
    }
}

impl From<wire::NamedRecord> for Desk {
    fn from(desk: wire::NamedRecord) -> Self {
        Desk {
            code: desk.code,
            name: desk.name,
        }
    }
}

impl From<wire::GeneralConf> for General {
    fn from(conf: wire::GeneralConf) -> Self {
        General {
            institution_code: conf.institution.value().to_owned(),
            environment_type: conf.environment_type.value().to_owned(),
        }
    }
}

/// Checks an identifier (user id, library code, code-table name) before it
/// goes into a URL path, and returns it percent-encoded.
pub fn encode_id(id: &str) -> Result<String, AlmaError> {
    let invalid = |reason| {
        Err(AlmaError::InvalidId {
            id: id.to_owned(),
            reason,
        })
    };
    if id.is_empty() {
        return invalid("it is empty");
    }
    if id.contains("..") {
        return invalid("it contains \"..\"");
    }
    if let Some(c) = id
        .chars()
        .find(|c| matches!(c, '/' | '\\' | '%' | '?' | '#') || c.is_whitespace() || c.is_control())
    {
        return invalid(match c {
            '/' | '\\' => "it contains a slash",
            '%' => "it contains '%'",
            '?' | '#' => "it contains '?' or '#'",
            _ if c.is_whitespace() => "it contains whitespace",
            _ => "it contains a control character",
        });
    }
    Ok(utf8_percent_encode(id, ID_IN_PATH).to_string())
}

/// What is percent-encoded in an identifier put in a URL path: every byte
/// but RFC 3986's unreserved characters. Stricter than the path-segment
/// set, so `@`, `+`, `;` and the like reach Alma encoded, as no gateway
/// can misread them.
const ID_IN_PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_checked_and_encoded() {
        assert_eq!(encode_id("jdoe").unwrap(), "jdoe");
        assert_eq!(encode_id("j.doe@uni.edu").unwrap(), "j.doe%40uni.edu");
        assert_eq!(encode_id("Zoë+1").unwrap(), "Zo%C3%AB%2B1");
        for bad in [
            "", "a/b", "a\\b", "..", "a..b", "50%", "a?b", "a#b", "a b", "a\tb", "a\u{7}b",
            "a\u{a0}b",
        ] {
            assert!(
                matches!(encode_id(bad), Err(AlmaError::InvalidId { .. })),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn environment_comparison_ignores_case() {
        let g = General {
            institution_code: "X".into(),
            environment_type: "PRODUCTION".into(),
        };
        assert!(g.is_environment("production"));
        assert!(!g.is_environment("sandbox"));
    }
}
