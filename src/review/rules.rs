//! The review rules A1-A5 as a pure function: from the changed files (with
//! their base and head text), the tables at the base (the default branch at
//! the merge base) and at the head, the author and who wrote the commits,
//! the head commit and the reviews, [`requirements`] computes who must
//! approve each file and whether they have.
//!
//! - A1-A3, who must approve a file: `drafts` (liaisons, the manager or
//!   both managers on a manager change, the systems group).
//! - A2, A4, which approvals count: `verdict` (the latest review per
//!   reviewer, on the head commit, never the author's, a commit author's or
//!   committer's, or the staff member's).
//! - A5, four eyes: `four_eyes` assigns each requirement of a file to a
//!   different person.

use std::collections::BTreeMap;

use serde::Serialize;

use super::drafts::{Draft, Note, for_change};
use super::four_eyes;
use super::input::{Change, Review, Tables};
use super::verdict::{Standing, evaluate, standing};

/// Who must approve.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Approver {
    /// Any liaison of the unit.
    Liaison { unit: String, handles: Vec<String> },
    /// The login's manager (on a manager change, the new one).
    Manager { handle: String },
    /// On a manager change, the current (base) manager, or a member of the
    /// systems group standing in for one who has left.
    CurrentManager {
        handle: String,
        stand_ins: Vec<String>,
    },
    /// Any member of `approver_groups.systems`.
    SystemsGroup { handles: Vec<String> },
}

impl Approver {
    /// Everyone whose approval would satisfy the requirement.
    pub fn handles(&self) -> Vec<String> {
        match self {
            Approver::Liaison { handles, .. } | Approver::SystemsGroup { handles } => {
                handles.clone()
            }
            Approver::Manager { handle } => manager(handle).into_iter().collect(),
            Approver::CurrentManager { handle, stand_ins } => {
                let mut out: Vec<String> = manager(handle).into_iter().collect();
                for s in stand_ins {
                    if !out.iter().any(|h| h.eq_ignore_ascii_case(s)) {
                        out.push(s.clone());
                    }
                }
                out
            }
        }
    }
}

/// A manager who can approve: an imported login's placeholder manager is nobody.
fn manager(handle: &str) -> Option<String> {
    (handle != crate::model::login::MANAGER_PLACEHOLDER).then(|| handle.to_string())
}

impl std::fmt::Display for Approver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Approver::Liaison { unit, .. } => write!(f, "liaison of {unit}"),
            Approver::Manager { handle } => write!(f, "manager @{handle}"),
            Approver::CurrentManager { handle, .. } => write!(f, "current manager @{handle}"),
            Approver::SystemsGroup { .. } => f.write_str("systems group"),
        }
    }
}

/// An approval that does not count, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Excluded {
    pub handle: String,
    pub why: String,
}

/// One approval a file needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Requirement {
    pub file: String,
    pub who: Approver,
    pub reason: String,
    /// The approval that satisfies it (empty: not met); one person, who
    /// meets no other requirement of the file (A5).
    pub met_by: Vec<String>,
    /// Approvals that were given but do not count here.
    pub excluded: Vec<Excluded>,
    /// Why different people can never meet it together with the file's
    /// other requirements (A5), and who could be added.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unmeetable: Option<String>,
}

impl Requirement {
    pub fn is_met(&self) -> bool {
        !self.met_by.is_empty()
    }
}

/// The pull request's facts the rules need beside the changes.
#[derive(Clone, Copy, Debug)]
pub struct Context<'a> {
    /// The access folder in the repository, with a trailing `/` (or empty).
    pub prefix: &'a str,
    pub author: &'a str,
    /// Who wrote or committed the pull request's commits (A2).
    pub commit_authors: &'a [String],
    pub head_sha: &'a str,
    /// In the order they were submitted.
    pub reviews: &'a [Review],
    pub base: &'a Tables,
    pub head: &'a Tables,
}

/// Every requirement of every change, files in path order.
pub fn requirements(changes: &[Change], ctx: &Context) -> Vec<Requirement> {
    let approvals = standing(ctx.reviews);
    let mut sorted: Vec<&Change> = changes.iter().collect();
    sorted.sort_by(|a, b| a.file.path.cmp(&b.file.path));
    sorted
        .into_iter()
        .flat_map(|change| for_file(change, ctx, &approvals))
        .collect()
}

/// The requirements of one file: each evaluated (A2, A4), then assigned
/// to different people (A5), then the unmet ones explained.
fn for_file(
    change: &Change,
    ctx: &Context,
    approvals: &BTreeMap<String, Standing>,
) -> Vec<Requirement> {
    let drafts = for_change(change, ctx);
    let mut reqs: Vec<Requirement> = drafts
        .iter()
        .map(|d| {
            let (met_by, excluded) = evaluate(&d.who, &d.never, approvals, ctx.head_sha);
            Requirement {
                file: change.file.path.clone(),
                who: d.who.clone(),
                reason: d.reason.clone(),
                met_by,
                excluded,
                unmeetable: None,
            }
        })
        .collect();
    let candidates: Vec<Vec<String>> = drafts.iter().map(candidates).collect();
    four_eyes::enforce(&mut reqs, &candidates);
    for (req, draft) in reqs.iter_mut().zip(&drafts) {
        if !req.is_met() {
            explain(req, &draft.explain, approvals);
        }
    }
    reqs
}

/// Everyone who could ever meet a requirement: its approvers but those who never count (A2).
fn candidates(draft: &Draft) -> Vec<String> {
    draft
        .who
        .handles()
        .into_iter()
        .filter(|h| !draft.never.iter().any(|(n, _)| n.eq_ignore_ascii_case(h)))
        .collect()
}

/// Adds the approvals worth explaining on an unmet requirement, once each.
fn explain(req: &mut Requirement, notes: &[Note], approvals: &BTreeMap<String, Standing>) {
    for (handle, why) in notes {
        if let Some(a) = approvals.get(&handle.to_lowercase())
            && !req
                .excluded
                .iter()
                .any(|e| e.handle.eq_ignore_ascii_case(handle))
        {
            req.excluded.push(Excluded {
                handle: a.handle.clone(),
                why: why.clone(),
            });
        }
    }
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
