//! The apply lock: two applies never write at once from one checkout. The
//! lock is a file beside the audit log (`apply.lock`), created only if
//! absent, holding the pid, host and start time; it is removed when the
//! apply ends. An apply that finds it held writes nothing. A lock left by a
//! process that is no longer running (an apply that was killed) is reported
//! with how to remove it, never taken over silently. Across machines the
//! lock cannot see the other runner: there the CI workflow's `concurrency:`
//! group is the guard, and the per-user compare-and-swap still applies.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::{SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

/// The apply lock: beside the audit log.
pub fn lock_path(audit: &Path) -> PathBuf {
    audit
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join("apply.lock")
}

/// Who holds the apply lock, as written in the lock file.
#[derive(Debug, Serialize, Deserialize)]
struct Holder {
    pid: u32,
    host: String,
    started: String,
}

/// A held apply lock; released (the file removed) when dropped. A process
/// that is killed leaves the file behind, to be reported as stale.
pub struct ApplyLock {
    path: PathBuf,
}

impl ApplyLock {
    /// Takes the lock, or says who holds it and what to do.
    pub fn acquire(path: &Path) -> Result<ApplyLock, String> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        match OpenOptions::new().write(true).create_new(true).open(path) {
            Ok(mut file) => {
                let lock = ApplyLock {
                    path: path.to_path_buf(),
                };
                let holder = Holder {
                    pid: std::process::id(),
                    host: host(),
                    started: Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
                };
                let mut body = serde_json::to_vec(&holder).unwrap_or_default();
                body.push(b'\n');
                file.write_all(&body)
                    .and_then(|()| file.sync_all())
                    .map_err(|e| format!("cannot write the lock {}: {e}", path.display()))?;
                Ok(lock)
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(held(path)),
            Err(e) => Err(format!("cannot create the lock {}: {e}", path.display())),
        }
    }
}

impl Drop for ApplyLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// What to say about a lock file someone else created.
fn held(path: &Path) -> String {
    let shown = path.display();
    let holder = fs::read_to_string(path)
        .ok()
        .and_then(|text| serde_json::from_str::<Holder>(&text).ok());
    let Some(h) = holder else {
        return format!(
            "another apply holds {shown} (its holder is still being written, or unreadable); \
             nothing was written. Wait for that apply to finish; if none is running, \
             remove the lock (rm {shown}) and apply again"
        );
    };
    let this_host = h.host == host();
    if this_host && !alive(h.pid) {
        return format!(
            "{shown} was left by an apply that is no longer running (pid {} on {}, started {}): \
             it was stopped before it finished. Nothing was written. Look in the audit log for \
             `started` records without an outcome, run plan to see where Alma stands, \
             then remove the lock (rm {shown}) and apply again",
            h.pid, h.host, h.started
        );
    }
    format!(
        "another apply is running from this checkout: {shown} is held by pid {} on {} since {}; \
         nothing was written. Wait for it to finish, then plan again{}",
        h.pid,
        h.host,
        h.started,
        if this_host {
            ""
        } else {
            " (it is another host's: if no apply runs there, remove the lock)"
        }
    )
}

/// This machine's name, as the lock records it.
fn host() -> String {
    fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown-host".into())
}

/// Whether a process of this host is running. Where that cannot be told,
/// it is taken to be running (a lock is never taken over on a guess).
fn alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_is_exclusive_and_released_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let path = lock_path(&dir.path().join("state/audit.jsonl"));
        assert_eq!(path, dir.path().join("state/apply.lock"));
        let lock = ApplyLock::acquire(&path).unwrap();
        let holder: Holder = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(holder.pid, std::process::id());
        let why = ApplyLock::acquire(&path).err().unwrap();
        assert!(why.contains("another apply is running"), "{why}");
        drop(lock);
        assert!(!path.exists());
        assert!(ApplyLock::acquire(&path).is_ok());
    }

    #[test]
    fn a_lock_left_by_a_dead_process_is_reported_never_taken() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("apply.lock");
        let dead = Holder {
            pid: u32::MAX,
            host: host(),
            started: "2026-11-23T08:00:00Z".into(),
        };
        fs::write(&path, serde_json::to_string(&dead).unwrap()).unwrap();
        let why = ApplyLock::acquire(&path).err().unwrap();
        if cfg!(target_os = "linux") {
            assert!(
                why.contains("no longer running") && why.contains("rm "),
                "{why}"
            );
        }
        assert!(
            path.exists(),
            "the stale lock stays until a person removes it"
        );
        fs::write(&path, "").unwrap();
        let why = ApplyLock::acquire(&path).err().unwrap();
        assert!(why.contains("remove the lock"), "{why}");
    }
}
