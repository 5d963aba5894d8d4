//! Reading one pull request: the pull request itself (author, head,
//! base branch), the repository's default branch, the merge base of the
//! default branch and the head (where the base side is read, A5), the
//! changed files and the reviews. A listing shorter than the count in the
//! pull request fails the check rather than judging part of it.

use super::wire::{
    WireCompare, WireFile, WirePull, WireRepo, WireReview, encode_path, is_commit_id,
};
use super::{GithubClient, RepoName};
use crate::review::Error;
use crate::review::input::{PullRequest, Review};

impl GithubClient {
    /// The pull request with its files and reviews; its base side is the
    /// merge base of the repository's default branch and its head.
    pub async fn pull_request(&self, repo: &RepoName, number: u64) -> Result<PullRequest, Error> {
        let path = format!("/repos/{repo}/pulls/{number}");
        let pr: WirePull = self.get_json(&path, &[]).await?.ok_or_else(|| {
            Error::Failed(format!(
                "pull request #{number} is not in {repo} (or the token cannot see it)"
            ))
        })?;
        if !is_commit_id(&pr.head.sha) {
            return Err(Error::Failed(format!(
                "GitHub gave pull request #{number} a head that is not a commit id"
            )));
        }
        let default_branch = self.default_branch(repo).await?;
        let merge_base = self.merge_base(repo, &default_branch, &pr.head.sha).await?;
        let files: Vec<WireFile> = self.get_pages(&format!("{path}/files")).await?;
        if let Some(expected) = pr.changed_files
            && files.len() < expected
        {
            return Err(Error::Failed(format!(
                "pull request #{number} changes {expected} files but GitHub listed {}; split it into smaller pull requests",
                files.len()
            )));
        }
        let reviews: Vec<WireReview> = self.get_pages(&format!("{path}/reviews")).await?;
        Ok(PullRequest {
            number: Some(number),
            author: pr.user.login,
            head_sha: pr.head.sha,
            base_sha: merge_base,
            base_branch: pr.base.branch,
            default_branch: Some(default_branch),
            files: files.into_iter().map(WireFile::into_changed).collect(),
            reviews: reviews
                .into_iter()
                .filter_map(|r| {
                    Some(Review {
                        user: r.user?.login,
                        state: r.state,
                        commit_id: r.commit_id,
                    })
                })
                .collect(),
        })
    }

    /// The repository's default branch.
    async fn default_branch(&self, repo: &RepoName) -> Result<String, Error> {
        let wire: WireRepo = self
            .get_json(&format!("/repos/{repo}"), &[])
            .await?
            .ok_or_else(|| Error::Failed(format!("{repo} is not visible to the token")))?;
        Ok(wire.default_branch)
    }

    /// The merge base of `branch` and the commit `head`.
    async fn merge_base(&self, repo: &RepoName, branch: &str, head: &str) -> Result<String, Error> {
        let path = format!(
            "/repos/{repo}/compare/{}...{}",
            encode_path(branch),
            encode_path(head)
        );
        let short = &head[..7];
        let wire: WireCompare = self.get_json(&path, &[]).await?.ok_or_else(|| {
            Error::Failed(format!(
                "GitHub cannot compare the default branch `{branch}` with the head {short}"
            ))
        })?;
        let sha = wire.merge_base_commit.sha;
        if !is_commit_id(&sha) {
            return Err(Error::Failed(format!(
                "GitHub gave the merge base of `{branch}` and {short} as something that is not a commit id"
            )));
        }
        Ok(sha)
    }
}
