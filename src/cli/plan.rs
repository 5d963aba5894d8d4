//! `alma-access plan`: shows what would change in Alma and why. Reads only
//! (a read-only API key suffices). `--format json` prints the plan artifact
//! (bound to the commit and to each user's roles as read); `--out FILE`
//! saves it while the text goes to stdout. Exit codes: 0 success, 1 error,
//! and with `--detailed-exitcode` 2 when there are changes.

use std::path::{Path, PathBuf};

use clap::ValueEnum;

use super::scope::{self, ScopeArgs};
use super::{EXIT_OK, Outcome, fail, failed};
use crate::reconcile::render::{self, Legend};
use crate::reconcile::target::Access;
use crate::reconcile::{self, Progress, markdown, saved, select};

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

pub fn run(args: Args) -> Outcome {
    let start = scope::load(&args.scope.path, args.scope.today)?;
    let (repo, selection) = (&start.repo, args.scope.selection());
    let progress = Progress::on_terminal();
    let mut request =
        select::request(repo, &start.root, start.today, &selection, progress).map_err(fail)?;
    let connection =
        select::connection(repo, &start.root, &selection, &mut request).map_err(fail)?;
    let envs = &request.environments;
    let plan = scope::with_alma(&start, &connection, envs, Access::Read, async |alma| {
        reconcile::plan(alma, &request).await
    })?;
    let cannot_write = |path: &Path, e| failed(format!("cannot write {}: {e}", path.display()));
    if let Some(path) = &args.out {
        saved::write(&plan, path).map_err(|e| cannot_write(path, e))?;
    }
    let legend = Legend::for_plan(&repo.catalog, &plan);
    if let Some(path) = &args.unmanaged_out {
        let text = markdown::unmanaged(&plan, &legend);
        std::fs::write(path, text).map_err(|e| cannot_write(path, e))?;
    }
    match args.format {
        Format::Text => print!("{}", render::text(&plan, &legend)),
        Format::Json => println!("{}", saved::artifact(&plan)),
        Format::Markdown => {
            let limit = markdown::GITHUB_COMMENT_LIMIT;
            print!("{}", markdown::markdown(&plan, &legend, limit));
        }
    }
    if !plan.errors.is_empty() {
        let n = plan.errors.len();
        return Err(failed(format!(
            "{n} user(s) could not be read; the plan is incomplete"
        )));
    }
    Ok(if args.detailed_exitcode && plan.has_changes() {
        2
    } else {
        EXIT_OK
    })
}
