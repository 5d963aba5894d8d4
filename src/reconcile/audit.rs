//! The audit log: JSON lines, appended and flushed to disk (`sync_data`)
//! one at a time. For each user written, a `started` record is made durable
//! *before* the PUT is sent, and a final record (`applied`, `verify-failed`
//! or `failed`) follows it; a user not written gets a single record
//! (`skipped`, or `failed` when it could not even be read). So the log
//! accounts for every write that reached Alma even if the process is killed
//! mid-apply: a `started` record with no final record after it for the same
//! environment and user is a write that may or may not have landed (the
//! next plan shows which), never a write the log does not show.

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
    /// About to be written: recorded before the PUT is sent. A final record
    /// for the same user follows unless the process was stopped.
    Started,
    /// Written, and a read-back matched the plan.
    Applied,
    /// Written, but the read-back differs from the plan.
    VerifyFailed,
    /// Not written: the user changed in Alma since the plan.
    Skipped,
    /// The write failed (after a `started` record), or the user could not
    /// be read (alone): either way Alma's roles were not changed as planned.
    Failed,
}

impl Outcome {
    /// Whether this record ends a user's entry (everything but `started`).
    pub fn is_final(&self) -> bool {
        *self != Outcome::Started
    }
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
    /// Why, for `verify-failed`, `skipped` and `failed`.
    pub detail: Option<String>,
    pub changes: Vec<Change>,
    pub before: Vec<Role>,
    pub after: Vec<Role>,
    /// The reason given for an intended mass change applied past the caps
    /// (`apply --allow-mass-change`), on every record of that run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mass_change: Option<String>,
}

/// An append-only JSON Lines file.
pub struct AuditLog {
    path: PathBuf,
    file: File,
    mass_change: Option<String>,
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
            mass_change: None,
        })
    }

    /// Marks every record this log appends from now on as part of an
    /// intended mass change, with its reason.
    pub fn with_mass_change(mut self, reason: Option<String>) -> AuditLog {
        self.mass_change = reason;
        self
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one record and makes it durable.
    pub fn append(&mut self, record: &Record) -> io::Result<()> {
        let mut line = if self.mass_change.is_some() && record.mass_change.is_none() {
            let mut marked = record.clone();
            marked.mass_change.clone_from(&self.mass_change);
            serde_json::to_vec(&marked)
        } else {
            serde_json::to_vec(record)
        }
        .map_err(io::Error::other)?;
        line.push(b'\n');
        self.file.write_all(&line)?;
        self.file.sync_data()
    }

    /// The `started` records of `records` whose next record for the same
    /// environment and user is not a final one (another `started`, or none):
    /// writes a stopped run may or may not have made. In log order.
    pub fn unfinished(records: &[Record]) -> Vec<&Record> {
        let mut open: Vec<(usize, &Record)> = Vec::new();
        let mut unfinished: Vec<(usize, &Record)> = Vec::new();
        for (i, record) in records.iter().enumerate() {
            let same = |r: &Record| {
                r.environment == record.environment && r.primary_id == record.primary_id
            };
            if let Some(at) = open.iter().position(|(_, r)| same(r)) {
                let (j, previous) = open.remove(at);
                if !record.outcome.is_final() {
                    unfinished.push((j, previous));
                }
            }
            if !record.outcome.is_final() {
                open.push((i, record));
            }
        }
        unfinished.extend(open);
        unfinished.sort_by_key(|(i, _)| *i);
        unfinished.into_iter().map(|(_, r)| r).collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, outcome: Outcome) -> Record {
        Record {
            at: "2026-11-23T08:00:00.000Z".into(),
            commit: None,
            environment: "production".into(),
            primary_id: id.into(),
            file: None,
            outcome,
            detail: None,
            changes: Vec::new(),
            before: Vec::new(),
            after: Vec::new(),
            mass_change: None,
        }
    }

    #[test]
    fn a_started_record_without_an_outcome_is_unfinished() {
        let records = vec![
            record("a", Outcome::Started),
            record("a", Outcome::Applied),
            record("b", Outcome::Skipped),
            record("c", Outcome::Started),
            // Killed here, then run again: c's first write is unfinished.
            record("c", Outcome::Started),
            record("c", Outcome::VerifyFailed),
            record("d", Outcome::Started),
        ];
        let unfinished: Vec<(&str, usize)> = AuditLog::unfinished(&records)
            .into_iter()
            .map(|r| {
                let at = records.iter().position(|x| std::ptr::eq(x, r)).unwrap();
                (r.primary_id.as_str(), at)
            })
            .collect();
        assert_eq!(unfinished, [("c", 3), ("d", 6)]);
    }

    #[test]
    fn records_are_appended_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("logs/audit.jsonl");
        let mut log = AuditLog::open(&path).unwrap();
        log.append(&record("a", Outcome::Started)).unwrap();
        log.append(&record("a", Outcome::Applied)).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(r#""outcome":"started""#), "{text}");
        assert_eq!(AuditLog::read(&path).unwrap().len(), 2);
    }
}
