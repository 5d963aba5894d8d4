//! Access granted outside the repository (R11). A full scan lists every
//! user of an environment page by page (brief records, 100 a page: Alma
//! documents no query by record type), reads in full each staff user that no
//! login file names, and reports those holding roles other than
//! `preserve_roles`: roles granted by hand in Alma, or left behind by a
//! login file that was deleted. With `unmanaged_access: remove` the plan
//! removes them like any other change (same caps, audit and protected users;
//! a protected user is only reported). The listing costs ceil(N/100) calls
//! for N users, plus one read per staff user without a file.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::alma::{AlmaError, AlmaRead, MAX_PAGE, Role};

/// A staff user without a login file who holds managed roles.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnmanagedUser {
    pub environment: String,
    pub primary_id: String,
    /// The name in Alma's record.
    pub name: String,
    /// The roles no login file grants (preserved roles left out), sorted.
    pub roles: Vec<Role>,
    pub disposition: Disposition,
}

/// What the plan does about an unmanaged user.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Disposition {
    /// Listed only (`unmanaged_access: report`).
    Reported,
    /// Its roles are removed by this plan (`unmanaged_access: remove`).
    Removed,
    /// A protected user: managed by hand, never changed by the tool.
    Protected,
}

/// Every staff user of the environment, listed page by page, whose
/// lower-cased primary id is not in `known`: `(lower-cased id, id)`, sorted.
/// Pages can overlap when Alma's order shifts during the listing, so ids
/// are de-duplicated; the listing stops at `total_record_count` or at an
/// empty page, and never runs past the pages that count allows.
pub async fn staff_without_file<R: AlmaRead>(
    reader: &R,
    known: &BTreeSet<String>,
) -> Result<Vec<(String, String)>, AlmaError> {
    let mut found = BTreeSet::new();
    let mut out = Vec::new();
    let mut offset: u32 = 0;
    let mut pages_left: Option<u64> = None;
    loop {
        let page = reader.list_users(offset, MAX_PAGE, None).await?;
        let limit = *pages_left.get_or_insert(page.total_record_count / u64::from(MAX_PAGE) + 2);
        pages_left = Some(limit.saturating_sub(1));
        let got = page.users.len() as u32;
        for user in page.users.into_iter().filter(|u| u.is_staff()) {
            let key = user.primary_id.to_lowercase();
            if !known.contains(&key) && found.insert(key.clone()) {
                out.push((key, user.primary_id));
            }
        }
        offset = offset.saturating_add(got);
        if got == 0 || u64::from(offset) >= page.total_record_count || pages_left == Some(0) {
            break;
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::{Emulator, fixtures};

    #[tokio::test]
    async fn staff_without_a_file_are_found_in_ceil_n_over_100_pages() {
        // 250 users: every third a patron (PUBLIC), the rest staff.
        let mut state = fixtures::institution_with_users(250);
        for (i, user) in state.users.iter_mut().enumerate() {
            let kind = if i % 3 == 0 { "PUBLIC" } else { "STAFF" };
            user.rest
                .insert("record_type".into(), serde_json::json!({"value": kind}));
        }
        let emulator = Emulator::new(state);
        let known: BTreeSet<String> = (0..250)
            .filter(|i| i % 2 == 0)
            .map(|i| fixtures::user_id(i).to_lowercase())
            .collect();
        let before = emulator.usage().calls;
        let found = staff_without_file(&emulator, &known).await.unwrap();
        assert_eq!(emulator.usage().calls - before, 3, "ceil(250/100) pages");
        let expected: Vec<usize> = (0..250).filter(|i| i % 2 == 1 && i % 3 != 0).collect();
        assert_eq!(found.len(), expected.len());
        assert_eq!(found[0].1, fixtures::user_id(expected[0]));
    }
}
