//! Review: who must approve a pull request to the access repository, and
//! whether they have (rules A1-A5), plus the `CODEOWNERS` file that routes
//! review requests to the same people.
//!
//! The pipeline is `Source` -> [`input::gather`] -> [`rules::requirements`]
//! -> [`Report`]. A source is the GitHub REST API ([`github`]) or a local
//! git repository with a reviews file ([`local`]); both only read files as
//! data, so checking a pull request from a fork never runs its code. The
//! rules are pure and know nothing about where their inputs came from.
//! The base side is always the default branch at the merge base with the
//! head: a pull request into any other branch is [`Report::blocked`] (A5).
//!
//! - [`input`]: the pull request, changed files, reviews and tables as values.
//! - [`sensitive`]: what needs the central systems group (A3).
//! - [`rules`]: the requirements and their evaluation (A1-A5); who must
//!   approve each file is drafted in `drafts` from the people `approvers`
//!   looks up, whose approvals count is decided in `verdict`, and
//!   `four_eyes` has each requirement of a file met by a different person.
//! - [`github`]: a small GitHub REST client (repository, pull request, merge
//!   base, files, commits, reviews, contents).
//! - [`local`]: the same inputs from git revisions and a reviews JSON file.
//! - [`render`]: the report as a table or JSON; every value from the pull
//!   request is escaped so that it cannot forge a line.
//! - [`codeowners`]: `.github/CODEOWNERS` generated from `units.yaml` and the systems group.

mod approvers;
pub mod codeowners;
mod drafts;
mod four_eyes;
pub mod github;
pub mod input;
pub mod local;
pub mod render;
pub mod rules;
pub mod sensitive;
pub mod sources;
mod verdict;

use serde::Serialize;

pub use input::{ChangedFile, FileStatus, PullRequest, Review, ReviewState, Source};
pub use rules::{Approver, Excluded, Requirement};

/// Why a check could not run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The command was used wrongly (a bad revision, an unreadable reviews file).
    Usage(String),
    /// Reading the pull request failed (network, API error, git error).
    Failed(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Usage(m) | Error::Failed(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}

/// The outcome of checking a pull request's approvals.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The pull request number, when checked on GitHub.
    pub pull_request: Option<u64>,
    pub author: String,
    pub head_sha: String,
    /// Where the base versions of files and the tables were read: the
    /// merge base of the default branch and the head.
    pub base_sha: String,
    /// The branch the pull request merges into, when checked on GitHub.
    pub base_branch: Option<String>,
    /// The repository's default branch, when checked on GitHub.
    pub default_branch: Option<String>,
    /// Why the pull request cannot pass at all (it is not into the default
    /// branch); then no requirement is computed.
    pub blocked: Option<String>,
    pub files: Vec<ChangedFile>,
    pub requirements: Vec<Requirement>,
}

impl Report {
    /// Whether the pull request may merge: not blocked, and every requirement met.
    pub fn is_satisfied(&self) -> bool {
        self.blocked.is_none() && self.requirements.iter().all(Requirement::is_met)
    }

    /// How many requirements are met, of how many.
    pub fn tally(&self) -> (usize, usize) {
        let met = self.requirements.iter().filter(|r| r.is_met()).count();
        (met, self.requirements.len())
    }
}

/// Reads what the pull request changes from `source` and checks its approvals.
/// `access_dir` is the access folder's path in the repository (e.g. `access`).
pub async fn check<S: Source>(
    source: &S,
    pr: &PullRequest,
    access_dir: &str,
) -> Result<Report, Error> {
    let mut files = pr.files.clone();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let mut report = Report {
        pull_request: pr.number,
        author: pr.author.clone(),
        head_sha: pr.head_sha.clone(),
        base_sha: pr.base_sha.clone(),
        base_branch: pr.base_branch.clone(),
        default_branch: pr.default_branch.clone(),
        blocked: blocked(pr),
        files,
        requirements: Vec::new(),
    };
    if report.blocked.is_some() {
        return Ok(report);
    }
    let gathered = input::gather(source, pr, access_dir).await?;
    let prefix = input::access_prefix(access_dir);
    let ctx = rules::Context {
        prefix: &prefix,
        author: &pr.author,
        commit_authors: &pr.commit_authors,
        head_sha: &pr.head_sha,
        reviews: &pr.reviews,
        base: &gathered.base,
        head: &gathered.head,
    };
    report.requirements = rules::requirements(&gathered.changes, &ctx);
    Ok(report)
}

/// A5: only a pull request into the default branch can pass, because the
/// rules, liaisons, managers and groups are the default branch's. Without
/// GitHub (`--base/--head`) neither branch is known and the caller's base
/// is taken; knowing only one of them fails closed.
fn blocked(pr: &PullRequest) -> Option<String> {
    let which = pr.number.map_or_else(
        || "the change".to_string(),
        |n| format!("pull request #{n}"),
    );
    match (&pr.base_branch, &pr.default_branch) {
        (None, None) => None,
        (Some(base), Some(default)) if base == default => None,
        (Some(base), Some(default)) => Some(format!(
            "{which} merges into `{base}`, not into the default branch `{default}`; approvals are checked only against the default branch's rules, liaisons, managers and systems group (A5). Change the pull request's base branch to `{default}`."
        )),
        _ => Some(format!(
            "{which}: its base branch or the repository's default branch is unknown, so its approvals cannot be checked (A5)"
        )),
    }
}
