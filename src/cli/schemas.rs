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

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::{EXIT_FAILURE, EXIT_OK, EXIT_USAGE, access_root, today_or};
use crate::diag::{Diagnostic, render};
use crate::editor_schemas::folder::{self, FileState, Layout, Misdirected, Status};
use crate::editor_schemas::{self, SchemaFile};

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

/// What the command works on, once the repository is valid.
struct Work {
    output: PathBuf,
    files: Vec<SchemaFile>,
    states: Vec<FileState>,
    lines: Vec<Misdirected>,
}

pub fn run(args: Args) -> u8 {
    let root = match access_root(&args.path) {
        Ok(root) => root,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| editor_schemas::default_output(&root));
    let work = match prepare(&root, output, today_or(args.today)) {
        Ok(work) => work,
        Err(message) => {
            eprintln!("{message}");
            return EXIT_FAILURE;
        }
    };
    if args.check {
        check(&work)
    } else {
        write(&work)
    }
}

/// Validates the repository, generates the schemas and compares them with the disk.
fn prepare(root: &Path, output: PathBuf, today: NaiveDate) -> Result<Work, String> {
    let (loaded, outcome) = crate::validate::validate_dir(root, today);
    let Some(repo) = outcome.repo else {
        let errors: Vec<Diagnostic> = outcome
            .diagnostics
            .into_iter()
            .filter(Diagnostic::is_error)
            .collect();
        return Err(format!(
            "{}{}\nerror: the schemas are made from a valid repository; fix the errors above (`alma-access validate` shows them all)",
            render::text(&errors, &loaded.sources),
            render::summary(&errors, outcome.files),
        ));
    };
    let failed = |e: editor_schemas::Error| format!("error: {e}");
    let layout = Layout::new(root, &output).map_err(failed)?;
    let files = editor_schemas::generate(&repo);
    let states = folder::compare(&output, &files).map_err(failed)?;
    let lines = folder::misdirected(&loaded, &layout);
    Ok(Work {
        output,
        files,
        states,
        lines,
    })
}

fn check(work: &Work) -> u8 {
    let shown = work.output.display();
    let mut stale = 0;
    for state in &work.states {
        let path = work.output.join(&state.name);
        let problem = match &state.status {
            Status::Fresh => continue,
            Status::Missing => "missing".to_string(),
            Status::Stale => "stale".to_string(),
            Status::Unwanted => "no longer generated".to_string(),
            Status::Foreign(why) => format!(
                "not written by `alma-access schemas` ({why}); move it away or choose another --output"
            ),
        };
        println!("{}: {problem}", path.display());
        stale += 1;
    }
    for line in &work.lines {
        let found = line
            .found
            .as_deref()
            .map_or("no schema line".to_string(), |l| format!("`{l}`"));
        println!(
            "{}: the first line is {found}; it should be `{}`",
            line.file, line.expected
        );
        stale += 1;
    }
    if stale == 0 {
        println!(
            "{shown} is up to date ({} schemas); every login and profile names its schema",
            work.files.len()
        );
        return EXIT_OK;
    }
    eprintln!(
        "error: the editor schemas are stale; run `alma-access schemas --write` and commit the result"
    );
    EXIT_FAILURE
}

fn write(work: &Work) -> u8 {
    let changed = match folder::write(&work.output, &work.files, &work.states) {
        Ok(changed) => changed,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_FAILURE;
        }
    };
    for state in &changed {
        let verb = if state.status == Status::Unwanted {
            "removed"
        } else {
            "wrote"
        };
        println!("{verb} {}", work.output.join(&state.name).display());
    }
    for line in &work.lines {
        if let Err(e) = folder::fix_line(line) {
            eprintln!("error: {e}");
            return EXIT_FAILURE;
        }
        println!("pointed {} at its schema", line.file);
    }
    if changed.is_empty() && work.lines.is_empty() {
        println!("{} is up to date", work.output.display());
    }
    EXIT_OK
}
