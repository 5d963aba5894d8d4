//! `schemas` as one job: validate the repository, generate its schemas,
//! compare them with the output folder and every file's first line; then
//! either say what is stale (`--check`) or write the schemas and fix the
//! lines. Each step returns what it found or did as lines for people.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::folder::{self, FileState, Layout, Misdirected, Status};
use super::{Error, SchemaFile};
use crate::diag::{Diagnostic, render};

/// What the job works on, once the repository is valid.
pub struct Work {
    pub output: PathBuf,
    pub files: Vec<SchemaFile>,
    pub states: Vec<FileState>,
    pub lines: Vec<Misdirected>,
}

/// Why the job cannot start.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    /// The repository has errors, shown rendered in `diagnostics`.
    #[error(
        "the schemas are made from a valid repository; fix the errors above (`alma-access validate` shows them all)"
    )]
    Invalid { diagnostics: String },
    #[error(transparent)]
    Schemas(#[from] Error),
}

/// Validates the access folder `root` for `today`, generates the schemas
/// and compares them with `output` and the files' first lines.
pub fn prepare(root: &Path, output: PathBuf, today: NaiveDate) -> Result<Work, PrepareError> {
    let (loaded, outcome) = crate::validate::validate_dir(root, today);
    let Some(repo) = outcome.repo else {
        let errors: Vec<Diagnostic> = outcome
            .diagnostics
            .into_iter()
            .filter(Diagnostic::is_error)
            .collect();
        let diagnostics = format!(
            "{}{}\n",
            render::text(&errors, &loaded.sources),
            render::summary(&errors, outcome.files),
        );
        return Err(PrepareError::Invalid { diagnostics });
    };
    let layout = Layout::new(root, &output)?;
    let files = super::generate(&repo);
    let states = folder::compare(&output, &files)?;
    let lines = folder::misdirected(&loaded, &layout);
    Ok(Work {
        output,
        files,
        states,
        lines,
    })
}

impl Work {
    /// What is not as generated, one line each; empty when all is fresh.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for state in &self.states {
            let problem = match &state.status {
                Status::Fresh => continue,
                Status::Missing => "missing".to_string(),
                Status::Stale => "stale".to_string(),
                Status::Unwanted => "no longer generated".to_string(),
                Status::Foreign(why) => format!(
                    "not written by `alma-access schemas` ({why}); move it away or choose another --output"
                ),
            };
            out.push(format!(
                "{}: {problem}",
                self.output.join(&state.name).display()
            ));
        }
        for line in &self.lines {
            let found = line
                .found
                .as_deref()
                .map_or("no schema line".to_string(), |l| format!("`{l}`"));
            out.push(format!(
                "{}: the first line is {found}; it should be `{}`",
                line.file, line.expected
            ));
        }
        out
    }

    /// The line saying all is fresh.
    pub fn fresh(&self) -> String {
        format!(
            "{} is up to date ({} schemas); every login and profile names its schema",
            self.output.display(),
            self.files.len()
        )
    }

    /// Writes the missing and stale schemas, removes those no longer
    /// generated, and points each misdirected file at its schema; returns
    /// what was done, one line each.
    pub fn write(&self) -> Result<Vec<String>, Error> {
        let changed = folder::write(&self.output, &self.files, &self.states)?;
        let mut done = Vec::new();
        for state in &changed {
            let verb = if state.status == Status::Unwanted {
                "removed"
            } else {
                "wrote"
            };
            done.push(format!(
                "{verb} {}",
                self.output.join(&state.name).display()
            ));
        }
        for line in &self.lines {
            folder::fix_line(line)?;
            done.push(format!("pointed {} at its schema", line.file));
        }
        if done.is_empty() {
            done.push(format!("{} is up to date", self.output.display()));
        }
        Ok(done)
    }
}
