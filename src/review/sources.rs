//! Where a pull request is read from, as one call each: the GitHub API
//! (the pull request, its files, commits and reviews; the token from
//! `GITHUB_TOKEN`, or anonymously for public repositories) or local git
//! revisions with a reviews file. Either way the same check follows.

use std::path::Path;

use super::github::{GithubClient, GithubSource, RepoName, Token};
use super::local::{self, LocalSource};
use super::{Error, Report, check};

/// Checks pull request `number` of `repo` through the GitHub API at `api`.
/// `warn` hears what a person should know (a missing token).
pub async fn from_github(
    api: &str,
    repo: &str,
    number: u64,
    access_dir: &str,
    warn: &mut dyn FnMut(&str),
) -> Result<Report, Error> {
    let repo: RepoName = repo.parse().map_err(Error::Usage)?;
    let token = Token::from_env();
    if token.is_none() {
        warn("GITHUB_TOKEN is not set; asking GitHub anonymously (public repositories only)");
    }
    let client = GithubClient::new(api, token)?;
    let pr = client.pull_request(&repo, number).await?;
    let source = GithubSource { client, repo };
    check(&source, &pr, access_dir).await
}

/// The change that would merge `head` into `base` in the git repository
/// holding `git_dir`, by `author`, with the reviews in `reviews`.
pub struct Local<'a> {
    pub git_dir: &'a Path,
    pub base: &'a str,
    pub head: &'a str,
    pub reviews: &'a Path,
    pub author: &'a str,
}

/// Checks a change read from local git revisions.
pub async fn from_git(change: &Local<'_>, access_dir: &str) -> Result<Report, Error> {
    let reviews = local::read_reviews(change.reviews)?;
    let source = LocalSource::open(change.git_dir)?;
    let pr = source.pull_request(change.base, change.head, change.author, &reviews)?;
    check(&source, &pr, access_dir).await
}
