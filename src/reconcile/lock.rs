//! The apply lock: two applies never write at once from one checkout. The
//! lock is an exclusive advisory lock of the operating system on a file
//! beside the audit log (`apply.lock`), held for the whole apply. The file
//! names the holder (pid, host, start time) for whoever finds it held; it
//! is removed when the apply ends. An apply that finds the lock held writes
//! nothing. The operating system releases the lock when its holder exits,
//! however it exits, so there are no stale locks: a file left by an apply
//! that was killed only tells the next apply that the last one stopped
//! before it finished (the next one plans afresh and reads every user again
//! before writing it). Across machines the lock cannot see the other
//! runner: there the CI workflow's `concurrency:` group is the guard, and
//! the per-user compare-and-swap still applies.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    pub pid: u32,
    pub host: String,
    pub started: String,
}

/// A held apply lock; released (the file removed, then unlocked) when
/// dropped, and by the operating system when the process ends otherwise.
pub struct ApplyLock {
    path: PathBuf,
    /// Holds the lock while open.
    file: File,
    /// The holder named in the file when it was taken: an apply that ended
    /// without releasing it (it was killed, or the machine stopped).
    interrupted: Option<Holder>,
}

/// Why the lock was not taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another apply holds it (its holder, when the file names one).
    #[error("{}", held_message(.path, .holder.as_ref()))]
    Held {
        path: PathBuf,
        holder: Option<Holder>,
    },
    #[error("cannot {doing} {}: {source}", path.display())]
    Io {
        doing: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "cannot take the lock {}: it keeps being removed (is another apply starting and ending?); \
         nothing was written. Plan again", .0.display()
    )]
    Vanishing(PathBuf),
}

/// How many times the lock is tried when its file is removed under it.
const ATTEMPTS: usize = 5;

impl ApplyLock {
    /// Takes the lock, or says who holds it and what to do.
    pub fn acquire(path: &Path) -> Result<ApplyLock, LockError> {
        let io = |doing, at: &Path| {
            let path = at.to_path_buf();
            move |source| LockError::Io {
                doing,
                path,
                source,
            }
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(io("create", parent))?;
        }
        for _ in 0..ATTEMPTS {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(path)
                .map_err(io("create the lock", path))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => return Err(held(path)),
                Err(TryLockError::Error(e)) => return Err(io("lock", path)(e)),
            }
            // The holder before may have removed the file between the open
            // and the lock: then this lock is on a file no one else sees.
            if !is_at(&file, path) {
                continue;
            }
            let interrupted = read_holder(&mut file);
            let holder = Holder {
                pid: std::process::id(),
                host: host(),
                started: Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
            };
            let mut body = serde_json::to_vec(&holder).unwrap_or_default();
            body.push(b'\n');
            file.set_len(0)
                .and_then(|()| file.rewind())
                .and_then(|()| file.write_all(&body))
                .and_then(|()| file.sync_all())
                .map_err(io("write the lock", path))?;
            return Ok(ApplyLock {
                path: path.to_path_buf(),
                file,
                interrupted,
            });
        }
        Err(LockError::Vanishing(path.to_path_buf()))
    }

    /// The apply that held the lock last and ended without releasing it
    /// (killed, or the machine stopped), when there was one.
    pub fn interrupted(&self) -> Option<&Holder> {
        self.interrupted.as_ref()
    }

    /// What to say about an apply that ended without releasing the lock.
    pub fn interrupted_note(&self) -> Option<String> {
        let h = self.interrupted()?;
        Some(format!(
            "the last apply from this checkout (pid {} on {}, started {}) stopped before it finished; \
             this one planned afresh. Its writes are in the audit log: a `started` record without \
             an outcome is a write whose result was not seen",
            h.pid, h.host, h.started
        ))
    }
}

impl Drop for ApplyLock {
    fn drop(&mut self) {
        // Removed while still locked, so an apply that opened the old file
        // meanwhile sees it is gone and takes a fresh one.
        let _ = fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// The holder a lock file names (`None`: empty or unreadable).
fn read_holder(file: &mut File) -> Option<Holder> {
    let mut text = String::new();
    file.rewind().ok()?;
    file.read_to_string(&mut text).ok()?;
    serde_json::from_str(text.trim()).ok()
}

/// Whether `file` is the file at `path` now.
#[cfg(unix)]
fn is_at(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(open), Ok(named)) => open.dev() == named.dev() && open.ino() == named.ino(),
        _ => false,
    }
}

/// Whether `file` is the file at `path` now: where files have no stable
/// identity to compare, whether a file is there.
#[cfg(not(unix))]
fn is_at(_file: &File, path: &Path) -> bool {
    path.exists()
}

/// What to say about a lock another apply holds.
fn held(path: &Path) -> LockError {
    let holder = File::open(path).ok().and_then(|mut f| read_holder(&mut f));
    LockError::Held {
        path: path.to_path_buf(),
        holder,
    }
}

/// Who holds the lock, in words, and what to do.
fn held_message(path: &Path, holder: Option<&Holder>) -> String {
    let shown = path.display();
    let Some(h) = holder else {
        return format!(
            "another apply is running from this checkout: it holds {shown} (its holder is still \
             being written, or unreadable); nothing was written. Wait for it to finish, then plan again"
        );
    };
    format!(
        "another apply is running from this checkout: {shown} is held by pid {} on {} since {}; \
         nothing was written. Wait for it to finish, then plan again",
        h.pid, h.host, h.started
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_is_exclusive_and_released_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let path = lock_path(&dir.path().join("state/audit.jsonl"));
        assert_eq!(path, dir.path().join("state/apply.lock"));
        let lock = ApplyLock::acquire(&path).unwrap();
        assert!(lock.interrupted().is_none());
        let holder: Holder = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(holder.pid, std::process::id());
        let err = ApplyLock::acquire(&path).err().unwrap();
        assert!(
            matches!(&err, LockError::Held { holder: Some(h), .. } if h.pid == std::process::id()),
            "{err}"
        );
        let why = err.to_string();
        assert!(
            why.contains("another apply is running")
                && why.contains(&format!("pid {}", std::process::id())),
            "{why}"
        );
        drop(lock);
        assert!(!path.exists());
        let again = ApplyLock::acquire(&path).unwrap();
        assert!(again.interrupted().is_none());
    }

    #[test]
    fn a_lock_file_left_by_a_stopped_apply_is_no_lock_but_is_told() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("apply.lock");
        let left = Holder {
            pid: u32::MAX,
            host: host(),
            started: "2026-11-23T08:00:00Z".into(),
        };
        fs::write(&path, serde_json::to_string(&left).unwrap()).unwrap();
        let lock = ApplyLock::acquire(&path).unwrap();
        assert_eq!(lock.interrupted(), Some(&left));
        let note = lock.interrupted_note().unwrap();
        assert!(
            note.contains("stopped before it finished") && note.contains("2026-11-23T08:00:00Z"),
            "{note}"
        );
        let holder: Holder = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(holder.pid, std::process::id());
        drop(lock);
        // An empty or unreadable file is no lock either, and tells nothing.
        fs::write(&path, "").unwrap();
        assert!(ApplyLock::acquire(&path).unwrap().interrupted().is_none());
    }

    #[test]
    fn a_holder_not_yet_written_is_still_a_held_lock() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("apply.lock");
        let file = File::create(&path).unwrap();
        file.try_lock().unwrap();
        let err = ApplyLock::acquire(&path).err().unwrap();
        assert!(
            matches!(&err, LockError::Held { holder: None, .. }),
            "{err}"
        );
        let why = err.to_string();
        assert!(
            why.contains("another apply is running") && why.contains("still being written"),
            "{why}"
        );
        drop(file);
        assert!(ApplyLock::acquire(&path).is_ok());
    }

    #[test]
    fn a_lock_whose_file_was_removed_under_it_is_not_shared() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("apply.lock");
        let first = ApplyLock::acquire(&path).unwrap();
        // The first apply ends (file removed, then unlocked) while another
        // has the old file open: a lock on that file would be no lock.
        let old = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
            .unwrap();
        drop(first);
        old.try_lock().unwrap();
        assert!(!is_at(&old, &path));
        let second = ApplyLock::acquire(&path).unwrap();
        assert!(is_at(&second.file, &path));
    }
}
