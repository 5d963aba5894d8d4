//! Reading one pull request: the pull request itself (author, head,
//! base branch), the repository's default branch, the merge base of the
//! default branch and the head (where the base side is read, A5), the
//! changed files, the reviews, and who wrote or committed its commits
//! (who never count, A2). A listing shorter than the count in the pull
//! request fails the check rather than judging part of it: GitHub lists at
//! most 3000 files and 250 commits. The commits must include the head, or
//! the pull request moved while it was read.

use super::wire::{
    WireCompare, WireFile, WirePull, WirePullCommit, WireRepo, WireReview, encode_path,
    is_commit_id,
};
use super::{GithubClient, RepoName};
use crate::review::Error;
use crate::review::input::{ChangedFile, PullRequest, Review};

/// The account GitHub names as the committer of edits made in its web
/// interface and of merges it makes: nobody's approval to exclude.
const WEB_FLOW: &str = "web-flow";

impl GithubClient {
    /// The pull request with its files, reviews and the people who wrote
    /// its commits; its base side is the merge base of the repository's
    /// default branch and its head.
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
        let files = self.files(&path, number, pr.changed_files).await?;
        let commit_authors = self
            .commit_authors(&path, number, pr.commits, &pr.head.sha)
            .await?;
        let reviews: Vec<WireReview> = self.get_pages(&format!("{path}/reviews")).await?;
        Ok(PullRequest {
            number: Some(number),
            author: pr.user.login,
            commit_authors,
            head_sha: pr.head.sha,
            base_sha: merge_base,
            base_branch: pr.base.branch,
            default_branch: Some(default_branch),
            files,
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

    /// The changed files, all of them (`expected`: how many the pull request says).
    async fn files(
        &self,
        path: &str,
        number: u64,
        expected: Option<usize>,
    ) -> Result<Vec<ChangedFile>, Error> {
        let files: Vec<WireFile> = self.get_pages(&format!("{path}/files")).await?;
        if let Some(expected) = expected
            && files.len() < expected
        {
            return Err(Error::Failed(format!(
                "pull request #{number} changes {expected} files but GitHub listed {}; split it into smaller pull requests",
                files.len()
            )));
        }
        Ok(files.into_iter().map(WireFile::into_changed).collect())
    }

    /// A2: whoever wrote or committed any of the pull request's commits,
    /// all of them (`expected`: how many the pull request says), with the head among them.
    async fn commit_authors(
        &self,
        path: &str,
        number: u64,
        expected: Option<usize>,
        head: &str,
    ) -> Result<Vec<String>, Error> {
        let commits: Vec<WirePullCommit> = self.get_pages(&format!("{path}/commits")).await?;
        if let Some(expected) = expected
            && commits.len() < expected
        {
            return Err(Error::Failed(format!(
                "pull request #{number} has {expected} commits but GitHub listed {} (it lists at most 250), so who wrote the others cannot be excluded from approving (A2); split it into smaller pull requests",
                commits.len()
            )));
        }
        if !commits.iter().any(|c| c.sha.eq_ignore_ascii_case(head)) {
            return Err(Error::Failed(format!(
                "the commits GitHub listed for pull request #{number} do not include its head {}; it was probably pushed to while being checked: check again",
                &head[..7]
            )));
        }
        Ok(writers(&commits))
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

/// The logins of the commits' authors and committers, once each (by
/// lower-cased handle), in order; `web-flow` is left out.
fn writers(commits: &[WirePullCommit]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for login in commits.iter().flat_map(WirePullCommit::logins) {
        if !login.eq_ignore_ascii_case(WEB_FLOW)
            && !out.iter().any(|h| h.eq_ignore_ascii_case(login))
        {
            out.push(login.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writers_are_authors_and_committers_once_each_without_web_flow() {
        let commits: Vec<WirePullCommit> = serde_json::from_str(
            r#"[{"sha": "1", "author": {"login": "Alice"}, "committer": {"login": "web-flow"}},
                {"sha": "2", "author": null, "committer": {"login": "bob"}},
                {"sha": "3", "author": {"login": "alice"}, "committer": {"login": "Web-Flow"}}]"#,
        )
        .unwrap();
        assert_eq!(writers(&commits), ["Alice", "bob"]);
    }
}
