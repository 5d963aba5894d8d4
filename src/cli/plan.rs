//! `alma-access plan`: shows what would change in Alma and why. Reads only
//! (a read-only API key suffices). `--format json` prints the plan artifact
//! (bound to the commit and to each user's roles as read); `--out FILE`
//! saves it while the text goes to stdout. Exit codes: 0 success, 1 error,
//! and with `--detailed-exitcode` 2 when there are changes.

use std::path::PathBuf;

use clap::ValueEnum;

use super::scope::{self, ScopeArgs};
use super::{EXIT_FAILURE, EXIT_OK};
use crate::reconcile::target::Access;

use crate::reconcile::render::{self, Legend};
use crate::reconcile::{self, markdown, saved};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also save the plan artifact (JSON) to this file.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also write the unmanaged-access section (R11) as Markdown to this
    /// file (empty when there is none), for the drift workflow's issue.
    #[arg(long, value_name = "FILE")]
    pub unmanaged_out: Option<PathBuf>,
    /// Exit 2 when the plan has changes (0 none, 1 error).
    #[arg(long)]
    pub detailed_exitcode: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    /// A pull-request comment (GitHub-flavoured, under GitHub's size limit).
    Markdown,
}

pub fn run(args: Args) -> u8 {
    let start = match scope::start(&args.scope) {
        Ok(start) => start,
        Err(code) => return code,
    };
    let mut request = match scope::request(&args.scope, &start) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let connection = match scope::plan_connection(&args.scope, &start, &mut request) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let envs = &request.environments;
    let result = scope::with_alma(&start, &connection, envs, Access::Read, async |alma| {
        reconcile::plan(alma, &request)
            .await
            .map_err(|e| e.to_string())
    });
    let plan = match result {
        Ok(plan) => plan,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_FAILURE;
        }
    };
    if let Some(path) = &args.out
        && let Err(e) = saved::write(&plan, path)
    {
        eprintln!("error: cannot write {}: {e}", path.display());
        return EXIT_FAILURE;
    }
    if let Some(path) = &args.unmanaged_out {
        let legend = Legend::for_plan(&start.repo.catalog, &plan);
        if let Err(e) = std::fs::write(path, markdown::unmanaged(&plan, &legend)) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return EXIT_FAILURE;
        }
    }
    match args.format {
        Format::Text => print!(
            "{}",
            render::text(&plan, &Legend::for_plan(&start.repo.catalog, &plan))
        ),
        Format::Json => println!("{}", saved::artifact(&plan)),
        Format::Markdown => {
            let legend = Legend::for_plan(&start.repo.catalog, &plan);
            print!(
                "{}",
                markdown::markdown(&plan, &legend, markdown::GITHUB_COMMENT_LIMIT)
            );
        }
    }
    if !plan.errors.is_empty() {
        eprintln!(
            "error: {} user(s) could not be read; the plan is incomplete",
            plan.errors.len()
        );
        return EXIT_FAILURE;
    }
    if args.detailed_exitcode && plan.has_changes() {
        2
    } else {
        EXIT_OK
    }
}
