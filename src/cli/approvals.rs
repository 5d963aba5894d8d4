//! `alma-access approvals`: checks that a pull request has the approvals
//! its changes need (rules A1-A5) and prints each requirement with whether
//! it is met. Reads the pull request from the GitHub API (`--repo --pr`,
//! token from `GITHUB_TOKEN`), or from local git revisions and a reviews
//! file (`--base --head --reviews --author`). Exit codes: 0 every
//! requirement met, 1 one is not, the pull request is not into the default
//! branch, or GitHub could not be read; 2 usage. Errors are printed escaped,
//! as the report is: they may quote file names from the pull request.

use std::path::PathBuf;

use super::{EXIT_FAILURE, EXIT_OK, EXIT_USAGE, Format, Outcome, emit, scope};
use crate::review::github;
use crate::review::sources::{self, Local};
use crate::review::{Error, Report, render};

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

pub fn run(args: Args) -> Outcome {
    let report = scope::runtime().block_on(read(&args)).map_err(|e| {
        eprintln!("error: {}", render::printable(&e.to_string()));
        match e {
            Error::Usage(_) => EXIT_USAGE,
            Error::Failed(_) => EXIT_FAILURE,
        }
    })?;
    emit(&match args.format {
        Format::Text => render::text(&report),
        Format::Json => render::json(&report) + "\n",
    })?;
    Ok(if report.is_satisfied() {
        EXIT_OK
    } else {
        EXIT_FAILURE
    })
}

/// The pull request's approvals, read from where the flags say.
async fn read(args: &Args) -> Result<Report, Error> {
    let mut warn = |text: &str| eprintln!("warning: {text}");
    let access_dir = &args.access_dir;
    match (&args.repo, args.pr, &args.base) {
        (Some(repo), Some(number), None) => {
            let api = &args.github_api;
            sources::from_github(api, repo, number, access_dir, &mut warn).await
        }
        (None, None, Some(base)) => match (&args.head, &args.reviews, &args.author) {
            (Some(head), Some(reviews), Some(author)) => {
                let git_dir = &args.git_dir;
                let change = Local { git_dir, base, head, reviews, author };
                sources::from_git(&change, access_dir).await
            }
            _ => Err(Error::Usage("--base needs --head, --reviews and --author".into())),
        },
        _ => Err(Error::Usage(
            "give --repo OWNER/NAME and --pr N, or --base REV --head REV --reviews FILE --author HANDLE"
                .into(),
        )),
    }
}
