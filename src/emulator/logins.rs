//! The emulated staff login report, `GET /users/staff-login-report`: the
//! state's staff logins from `login_date_from` through `login_date_to`
//! (both required, `YYYY-MM-DD` or `YYYY-MM-DDZ`, days compared in UTC),
//! optionally only the successful ones or only the failed attempts
//! (`successful=true|false`), paged with `limit` (at most 100) and
//! `offset`, in the state's order, answered in the shape a public client
//! expects: `{"staff_login": [{primary_id, login_date, successful}],
//! "total_record_count": n}`.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::alma::wire::{StaffLoginEntry, StaffLoginList};

use super::api::INVALID_REQUEST;
use super::{Emulator, Refusal, bump};

/// The largest page.
const MAX_LIMIT: u64 = 100;

/// The query as it arrives over HTTP.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ReportQuery {
    pub login_date_from: Option<String>,
    pub login_date_to: Option<String>,
    pub successful: Option<String>,
    pub limit: Option<String>,
    pub offset: Option<String>,
}

/// What to list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ReportRequest {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Only successful logins (`Some(true)`) or only failed attempts.
    pub successful: Option<bool>,
    pub offset: u64,
    pub limit: u64,
}

impl ReportQuery {
    /// The request, with `limit` and `offset` already read as numbers.
    pub(crate) fn request(
        &self,
        emu: &Emulator,
        limit: u64,
        offset: u64,
    ) -> Result<ReportRequest, Refusal> {
        let date = |name: &str, value: &Option<String>| {
            let text = value.as_deref().map(str::trim).unwrap_or_default();
            if text.is_empty() {
                return Err(emu.refusal(400, INVALID_REQUEST, format!("{name} is mandatory.")));
            }
            NaiveDate::parse_from_str(text.trim_end_matches('Z'), "%Y-%m-%d").map_err(|_| {
                emu.refusal(
                    400,
                    INVALID_REQUEST,
                    format!("{name} {text:?} is not a date (YYYY-MM-DD)."),
                )
            })
        };
        let successful = match self.successful.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Some(s) if s.eq_ignore_ascii_case("false") => Some(false),
            Some(s) => {
                let message = format!("successful {s:?} must be true or false.");
                return Err(emu.refusal(400, INVALID_REQUEST, message));
            }
        };
        Ok(ReportRequest {
            from: date("login_date_from", &self.login_date_from)?,
            to: date("login_date_to", &self.login_date_to)?,
            successful,
            offset,
            limit,
        })
    }
}

impl Emulator {
    /// The report: the matching logins, one page of them.
    pub(crate) fn staff_logins_op(&self, req: &ReportRequest) -> Result<StaffLoginList, Refusal> {
        if req.limit > MAX_LIMIT {
            let message = format!("limit must be between 0 and {MAX_LIMIT}.");
            return Err(self.refusal(400, INVALID_REQUEST, message));
        }
        if req.from > req.to {
            let message = format!(
                "login_date_from {} is after login_date_to {}.",
                req.from, req.to
            );
            return Err(self.refusal(400, INVALID_REQUEST, message));
        }
        let state = self.lock_state();
        bump(&self.shared.counters.reads);
        let matching: Vec<_> = state
            .staff_logins
            .iter()
            .filter(|l| (req.from..=req.to).contains(&l.login_date.date()))
            .filter(|l| req.successful.is_none_or(|s| s == l.successful))
            .collect();
        Ok(StaffLoginList {
            total_record_count: matching.len() as u64,
            staff_login: matching
                .into_iter()
                .skip(usize::try_from(req.offset).unwrap_or(usize::MAX))
                .take(req.limit as usize)
                .map(|l| StaffLoginEntry {
                    primary_id: l.primary_id.clone(),
                    login_date: l.login_date.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                    successful: l.successful,
                })
                .collect(),
        })
    }
}
