//! Which approvals count (A2, A4): the latest review of each reviewer
//! stands (`APPROVED` counts, `CHANGES_REQUESTED` and `DISMISSED` cancel,
//! comments change nothing); an approval counts only on the head commit,
//! and never from the author, from whoever wrote or committed the pull
//! request's commits, or, on their own login, from the staff member.

use std::collections::BTreeMap;

use super::input::{Review, ReviewState};
use super::rules::{Approver, Excluded};

/// An approval that stands: the reviewer's latest review was an approval.
#[derive(Clone, Debug)]
pub(super) struct Standing {
    pub handle: String,
    pub commit: Option<String>,
}

/// The latest review per reviewer (by lower-cased handle), kept only when it approves.
pub(super) fn standing(reviews: &[Review]) -> BTreeMap<String, Standing> {
    let mut out = BTreeMap::new();
    for review in reviews {
        let key = review.user.to_lowercase();
        match review.state {
            ReviewState::Approved => {
                out.insert(
                    key,
                    Standing {
                        handle: review.user.clone(),
                        commit: review.commit_id.clone(),
                    },
                );
            }
            ReviewState::ChangesRequested | ReviewState::Dismissed => {
                out.remove(&key);
            }
            ReviewState::Commented | ReviewState::Pending | ReviewState::Other => {}
        }
    }
    out
}

/// Who satisfies `who`, and whose approvals do not count and why.
pub(super) fn evaluate(
    who: &Approver,
    not_counting: &[(String, String)],
    approvals: &BTreeMap<String, Standing>,
    head_sha: &str,
) -> (Vec<String>, Vec<Excluded>) {
    let mut met = Vec::new();
    let mut excluded = Vec::new();
    for handle in who.handles() {
        let key = handle.to_lowercase();
        let Some(approval) = approvals.get(&key) else {
            continue;
        };
        if met.contains(&approval.handle)
            || excluded
                .iter()
                .any(|e: &Excluded| e.handle == approval.handle)
        {
            continue;
        }
        let why = if let Some((_, why)) = not_counting.iter().find(|(h, _)| *h == key) {
            Some(why.clone())
        } else {
            match &approval.commit {
                Some(c) if c.eq_ignore_ascii_case(head_sha) => None,
                Some(c) => Some(format!(
                    "approved an older commit {} (A4)",
                    &c[..c.len().min(7)]
                )),
                None => Some("approved without a commit (A4)".to_string()),
            }
        };
        match why {
            None => met.push(approval.handle.clone()),
            Some(why) => excluded.push(Excluded {
                handle: approval.handle.clone(),
                why,
            }),
        }
    }
    (met, excluded)
}
