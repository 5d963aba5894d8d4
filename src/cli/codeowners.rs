//! `alma-access codeowners [PATH]`: writes `.github/CODEOWNERS` from
//! `units.yaml` and the systems group, or with `--check` fails when the
//! committed file differs from what would be generated (printing the
//! difference). Paths in the file are relative to the repository holding the
//! output (the folder above `.github/` or `docs/`). Exit codes: 0 written or
//! fresh, 1 stale or unreadable tables, 2 usage.

use std::path::PathBuf;

use super::{EXIT_OK, Outcome, failed, usage};
use crate::review::codeowners::{self, Freshness};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The access folder (or a repository holding `access/`).
    #[arg(default_value = "access")]
    pub path: PathBuf,
    /// Do not write: fail when the file is not what would be generated.
    #[arg(long)]
    pub check: bool,
    /// The CODEOWNERS file.
    #[arg(long, value_name = "FILE", default_value = ".github/CODEOWNERS")]
    pub output: PathBuf,
}

pub fn run(args: Args) -> Outcome {
    let root = crate::load::access_root(&args.path).map_err(usage)?;
    let access_dir = codeowners::relative_to_repository(&root, &args.output).map_err(usage)?;
    let (units, institution) = codeowners::load(&root).map_err(failed)?;
    let text = codeowners::generate(&units, &institution, &access_dir).map_err(failed)?;
    let shown = args.output.display().to_string();
    if args.check {
        let freshness = codeowners::check(&text, &args.output);
        if let Freshness::Stale(diff) = &freshness {
            print!("{diff}");
        }
        return match freshness.problem(&shown) {
            None => {
                println!("{shown} is up to date");
                Ok(EXIT_OK)
            }
            Some(problem) => Err(failed(problem)),
        };
    }
    codeowners::write(&args.output, &text).map_err(failed)?;
    println!("wrote {shown}");
    Ok(EXIT_OK)
}
