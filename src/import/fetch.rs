//! Reading the users to import from Alma: every user, page by page (Alma's
//! `q` cannot search by record type, so brief records that say they are
//! not STAFF are dropped here and the rest are read in full), or the users
//! named on the command line. Full records are read a few at a time (the
//! client's rate limiter still applies); a user Alma does not have is
//! skipped, a failed read is kept as a failure, and reaching the daily API
//! limit stops the run. Progress (pages listed, users read) goes to a
//! [`Progress`], which the command line shows on a terminal.

use futures_util::StreamExt;

use super::person::{self, STAFF};
use super::{SkipReason, Skipped};
use crate::alma::{AlmaError, AlmaRead, MAX_PAGE, wire};
use crate::reconcile::{Progress, READ_CONCURRENCY};

/// What was read.
#[derive(Debug, Default)]
pub struct Fetched {
    /// Full records (with roles), sorted by lower-cased primary id.
    pub users: Vec<wire::User>,
    /// Named users Alma does not have.
    pub missing: Vec<Skipped>,
    /// Users whose read failed.
    pub failed: Vec<Skipped>,
    /// Users listed (all record types) when listing.
    pub listed: u64,
}

/// Reads the users named in `ids`, or every user whose brief record does
/// not say it is other than STAFF.
pub async fn fetch<R: AlmaRead>(
    alma: &R,
    ids: Option<&[String]>,
    progress: &Progress,
) -> Result<Fetched, AlmaError> {
    let mut fetched = Fetched::default();
    let wanted: Vec<String> = match ids {
        Some(ids) => {
            let mut ids = ids.to_vec();
            ids.sort_by_key(|id| id.to_lowercase());
            ids.dedup_by_key(|id| id.to_lowercase());
            ids
        }
        None => {
            let mut out = Vec::new();
            let mut offset: u32 = 0;
            loop {
                let page = alma.list_users(offset, MAX_PAGE, None).await?;
                fetched.listed = page.total_record_count;
                let got = page.users.len() as u32;
                out.extend(
                    page.users
                        .iter()
                        .filter(|u| {
                            person::record_type(u).is_none_or(|t| t.eq_ignore_ascii_case(STAFF))
                        })
                        .map(|u| u.primary_id.clone()),
                );
                offset += got;
                let of = usize::try_from(page.total_record_count).unwrap_or(usize::MAX);
                progress.tell("listing users", (offset as usize).min(of), of);
                if got == 0 || u64::from(offset) >= page.total_record_count {
                    break;
                }
            }
            out.sort_by_key(|id| id.to_lowercase());
            out.dedup_by_key(|id| id.to_lowercase());
            out
        }
    };
    let total = wanted.len();
    let mut results: Vec<(String, Result<Option<wire::User>, AlmaError>)> = Vec::new();
    let mut reads = futures_util::stream::iter(wanted)
        .map(|id| async move {
            let got = alma.read_user(&id).await;
            (id, got)
        })
        .buffer_unordered(READ_CONCURRENCY);
    while let Some(result) = reads.next().await {
        results.push(result);
        progress.tell("reading staff users", results.len(), total);
    }
    for (id, got) in results {
        match got {
            Ok(Some(user)) => fetched.users.push(user),
            Ok(None) => fetched.missing.push(Skipped {
                primary_id: id,
                reason: SkipReason::NoSuchUser,
            }),
            Err(e @ AlmaError::DailyThreshold { .. }) => return Err(e),
            Err(e) => fetched.failed.push(Skipped {
                primary_id: id,
                reason: SkipReason::ReadFailed(e.to_string()),
            }),
        }
    }
    fetched.users.sort_by_key(|u| u.primary_id.to_lowercase());
    fetched.missing.sort_by_key(|s| s.primary_id.to_lowercase());
    fetched.failed.sort_by_key(|s| s.primary_id.to_lowercase());
    Ok(fetched)
}
