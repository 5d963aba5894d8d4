//! The audit log: one JSON line per attempted write, appended and flushed
//! to disk before the next user is touched, so the log records every write
//! that happened even if the process is killed mid-apply.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::alma::Role;

use super::plan::Change;

/// What became of one user's write.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Written, and a read-back matched the plan.
    Applied,
    /// Written, but the read-back differs from the plan.
    VerifyFailed,
    /// Not written: the user changed in Alma since the plan.
    Skipped,
    /// Not written: the write failed.
    Failed,
}

/// One line of the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// When, in UTC (RFC 3339).
    pub at: String,
    pub commit: Option<String>,
    pub environment: String,
    pub primary_id: String,
    pub file: Option<String>,
    pub outcome: Outcome,
    /// Why, for anything but `applied`.
    pub detail: Option<String>,
    pub changes: Vec<Change>,
    pub before: Vec<Role>,
    pub after: Vec<Role>,
}

/// An append-only JSON Lines file.
pub struct AuditLog {
    path: PathBuf,
    file: File,
}

impl AuditLog {
    /// Opens (creating it and its folder if needed) the log at `path` for appending.
    pub fn open(path: &Path) -> io::Result<AuditLog> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent)?;
        }
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(AuditLog {
            path: path.to_path_buf(),
            file,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one record and makes it durable.
    pub fn append(&mut self, record: &Record) -> io::Result<()> {
        let mut line = serde_json::to_vec(record).map_err(io::Error::other)?;
        line.push(b'\n');
        self.file.write_all(&line)?;
        self.file.sync_data()
    }

    /// Reads every record of a log (for tests and reports).
    pub fn read(path: &Path) -> io::Result<Vec<Record>> {
        let text = fs::read_to_string(path)?;
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).map_err(io::Error::other))
            .collect()
    }
}
