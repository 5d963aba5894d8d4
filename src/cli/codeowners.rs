//! `alma-access codeowners [PATH]`: writes `.github/CODEOWNERS` from
//! `units.yaml` and the systems group, or with `--check` fails when the
//! committed file differs from what would be generated (printing the
//! difference). Paths in the file are relative to the repository holding the
//! output (the folder above `.github/` or `docs/`). Exit codes: 0 written or
//! fresh, 1 stale or unreadable tables, 2 usage.

use std::path::PathBuf;

use super::{EXIT_FAILURE, EXIT_OK, EXIT_USAGE, access_root};
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

pub fn run(args: Args) -> u8 {
    let root = match access_root(&args.path) {
        Ok(root) => root,
        Err(code) => return code,
    };
    let access_dir = match codeowners::relative_to_repository(&root, &args.output) {
        Ok(dir) => dir,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };
    let text = match codeowners::load(&root)
        .and_then(|(units, institution)| codeowners::generate(&units, &institution, &access_dir))
    {
        Ok(text) => text,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_FAILURE;
        }
    };
    let shown = args.output.display();
    if args.check {
        return match codeowners::check(&text, &args.output) {
            Freshness::Fresh => {
                println!("{shown} is up to date");
                EXIT_OK
            }
            Freshness::Missing => {
                eprintln!("error: {shown} is missing; run `alma-access codeowners` and commit it");
                EXIT_FAILURE
            }
            Freshness::Refused(why) => {
                eprintln!(
                    "error: {why}; CODEOWNERS must be a regular file: run `alma-access codeowners` and commit it"
                );
                EXIT_FAILURE
            }
            Freshness::Stale(diff) => {
                print!("{diff}");
                eprintln!(
                    "error: {shown} is stale; run `alma-access codeowners` and commit the result"
                );
                EXIT_FAILURE
            }
        };
    }
    let written = args
        .output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(&args.output, &text));
    match written {
        Ok(()) => {
            println!("wrote {shown}");
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: cannot write {shown}: {e}");
            EXIT_FAILURE
        }
    }
}
