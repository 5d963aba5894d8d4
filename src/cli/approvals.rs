//! `alma-access approvals`: checks that a pull request has the approvals
//! its changes need (rules A1-A5) and prints each requirement with whether
//! it is met. Reads the pull request from the GitHub API (`--repo --pr`,
//! token from `GITHUB_TOKEN`), or from local git revisions and a reviews
//! file (`--base --head --reviews --author`). Exit codes: 0 every
//! requirement met, 1 one is not, the pull request is not into the default
//! branch, or GitHub could not be read; 2 usage. Errors are printed escaped,
//! as the report is: they may quote file names from the pull request.

use std::path::PathBuf;

use super::{EXIT_FAILURE, EXIT_OK, EXIT_USAGE, Format, emit};
use crate::review::github::{self, GithubClient, GithubSource, RepoName, Token};
use crate::review::local::{self, LocalSource};
use crate::review::{self, Error, Report, render};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The GitHub repository of the pull request.
    #[arg(long, value_name = "OWNER/NAME", requires = "pr")]
    pub repo: Option<String>,
    /// The pull request number.
    #[arg(long, value_name = "N", requires = "repo")]
    pub pr: Option<u64>,
    /// The GitHub REST API base URL (GitHub Enterprise Server: https://HOST/api/v3).
    #[arg(long, value_name = "URL", env = "GITHUB_API_URL", default_value = github::DEFAULT_API)]
    pub github_api: String,
    /// Without GitHub: the base revision the change merges into.
    #[arg(long, value_name = "REV", conflicts_with_all = ["repo", "pr"], requires_all = ["head", "reviews", "author"])]
    pub base: Option<String>,
    /// Without GitHub: the head revision of the change.
    #[arg(long, value_name = "REV", requires = "base")]
    pub head: Option<String>,
    /// Without GitHub: the reviews, a JSON list of {"user", "state", "commit_id"} in the order given.
    #[arg(long, value_name = "FILE", requires = "base")]
    pub reviews: Option<PathBuf>,
    /// Without GitHub: the GitHub handle of the change's author.
    #[arg(long, value_name = "HANDLE", requires = "base")]
    pub author: Option<String>,
    /// Without GitHub: a folder in the git repository.
    #[arg(long, value_name = "PATH", default_value = ".")]
    pub git_dir: PathBuf,
    /// The access folder's path in the repository.
    #[arg(long, value_name = "DIR", default_value = "access")]
    pub access_dir: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub fn run(args: Args) -> u8 {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return EXIT_FAILURE;
        }
    };
    let report = match (&args.repo, args.pr, &args.base) {
        (Some(repo), Some(number), None) => runtime.block_on(from_github(&args, repo, number)),
        (None, None, Some(base)) => runtime.block_on(from_git(&args, base)),
        _ => Err(Error::Usage(
            "give --repo OWNER/NAME and --pr N, or --base REV --head REV --reviews FILE --author HANDLE"
                .into(),
        )),
    };
    let report = match report {
        Ok(report) => report,
        Err(e) => {
            eprintln!("error: {}", render::printable(&e.to_string()));
            return match e {
                Error::Usage(_) => EXIT_USAGE,
                Error::Failed(_) => EXIT_FAILURE,
            };
        }
    };
    let text = match args.format {
        Format::Text => render::text(&report),
        Format::Json => render::json(&report) + "\n",
    };
    if emit(&text) != EXIT_OK {
        return EXIT_FAILURE;
    }
    if report.is_satisfied() {
        EXIT_OK
    } else {
        EXIT_FAILURE
    }
}

async fn from_github(args: &Args, repo: &str, number: u64) -> Result<Report, Error> {
    let repo: RepoName = repo.parse().map_err(Error::Usage)?;
    let token = Token::from_env();
    if token.is_none() {
        eprintln!(
            "warning: GITHUB_TOKEN is not set; asking GitHub anonymously (public repositories only)"
        );
    }
    let client = GithubClient::new(&args.github_api, token)?;
    let pr = client.pull_request(&repo, number).await?;
    let source = GithubSource { client, repo };
    review::check(&source, &pr, &args.access_dir).await
}

async fn from_git(args: &Args, base: &str) -> Result<Report, Error> {
    let (Some(head), Some(reviews), Some(author)) = (&args.head, &args.reviews, &args.author)
    else {
        return Err(Error::Usage(
            "--base needs --head, --reviews and --author".into(),
        ));
    };
    let reviews = local::read_reviews(reviews)?;
    let source = LocalSource::open(&args.git_dir)?;
    let pr = source.pull_request(base, head, author, &reviews)?;
    review::check(&source, &pr, &args.access_dir).await
}
