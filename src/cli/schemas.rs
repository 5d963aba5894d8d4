//! `alma-access schemas [PATH]`: writes the institution's editor schemas
//! (one login schema per unit and a profile schema, see
//! [`crate::editor_schemas`]) and points each login and profile file's
//! first line at its schema. Writing is the default, as with `codeowners`;
//! `--write` says so explicitly. With `--check` nothing is written: the
//! command fails when a schema is missing, stale or no longer generated,
//! or when a file's first line names another schema (a login copied from
//! another unit). The repository must be valid: the schemas are made from
//! its validated tables. Exit codes: 0 written or fresh, 1 stale or an
//! invalid repository, 2 usage.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::{EXIT_OK, Outcome, fail, failed, today_or, usage};
use crate::editor_schemas::{self, job};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The access folder (or a repository holding `access/`).
    #[arg(default_value = "access")]
    pub path: PathBuf,
    /// Write the schemas and fix the files' first lines (the default).
    #[arg(long, conflicts_with = "check")]
    pub write: bool,
    /// Do not write: fail when a schema or a first line is not what would be generated.
    #[arg(long)]
    pub check: bool,
    /// The folder of the schemas [default: schemas/institution beside the access folder].
    #[arg(long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// The date the repository is validated against (YYYY-MM-DD); default: today.
    #[arg(long, value_name = "DATE")]
    pub today: Option<NaiveDate>,
}

pub fn run(args: Args) -> Outcome {
    let root = crate::load::access_root(&args.path).map_err(usage)?;
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| editor_schemas::default_output(&root));
    let work = job::prepare(&root, output, today_or(args.today)).map_err(fail)?;
    if !args.check {
        for line in work.write().map_err(failed)? {
            println!("{line}");
        }
        return Ok(EXIT_OK);
    }
    let problems = work.problems();
    if problems.is_empty() {
        println!("{}", work.fresh());
        return Ok(EXIT_OK);
    }
    for problem in problems {
        println!("{problem}");
    }
    Err(failed(
        "the editor schemas are stale; run `alma-access schemas --write` and commit the result",
    ))
}
