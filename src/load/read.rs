//! Reading one entry of the access folder without trusting it. Everything
//! in a pull request is hostile until merged, the names and kinds of its
//! files included, so an entry is judged by what it is on disk, never by
//! what a link points at:
//!
//! - a symbolic link is refused and never followed (a link to
//!   `/proc/self/environ` would otherwise put the environment, API keys and
//!   all, into a diagnostic's source line);
//! - a named pipe, socket or device is refused and never opened (opening a
//!   pipe blocks; a device such as `/dev/zero` never ends);
//! - a regular file is read at most [`MAX_FILE_BYTES`] bytes, counting the
//!   bytes actually read, not the size the file reports (`/proc` files
//!   report 0);
//! - the file opened must be the one checked: same device and inode, still
//!   a regular file. A file swapped for a link between the check and the
//!   open is refused.

use std::fs::{self, File, FileType, Metadata};
use std::io::{self, Read};
use std::path::Path;

use super::MAX_FILE_BYTES;
use crate::diag::{Code, Diagnostic};

/// What an entry is, seen without following links.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    File,
    Folder,
    Symlink,
    /// A named pipe, socket or device, described for people.
    Special(&'static str),
}

impl Kind {
    pub(super) fn of(file_type: FileType) -> Kind {
        if file_type.is_symlink() {
            Kind::Symlink
        } else if file_type.is_dir() {
            Kind::Folder
        } else if file_type.is_file() {
            Kind::File
        } else {
            Kind::Special(special_name(file_type))
        }
    }
}

#[cfg(unix)]
fn special_name(file_type: FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if file_type.is_fifo() {
        "a named pipe (FIFO)"
    } else if file_type.is_socket() {
        "a socket"
    } else if file_type.is_block_device() {
        "a block device"
    } else if file_type.is_char_device() {
        "a character device"
    } else {
        "not a regular file"
    }
}

#[cfg(not(unix))]
fn special_name(_: FileType) -> &'static str {
    "not a regular file"
}

/// Why an entry was not read.
#[derive(Debug)]
pub(super) enum Refusal {
    /// It is not a regular file: a link, a folder, a pipe or a device.
    NotRegular(Kind),
    /// It holds more than the limit; the size when the file told it.
    TooLarge(Option<u64>),
    /// The file opened is not the one checked: it was replaced in between.
    Replaced,
    Io(io::Error),
}

impl From<io::Error> for Refusal {
    fn from(e: io::Error) -> Self {
        Refusal::Io(e)
    }
}

/// Reads the regular file at `path`: at most [`MAX_FILE_BYTES`] bytes, and
/// only if it is, when checked and once opened, one and the same regular file.
pub(super) fn read_regular(path: &Path) -> Result<Vec<u8>, Refusal> {
    let checked = fs::symlink_metadata(path)?;
    match Kind::of(checked.file_type()) {
        Kind::File => read_checked(path, &checked, MAX_FILE_BYTES),
        kind => Err(Refusal::NotRegular(kind)),
    }
}

/// Opens `path`, makes sure it is the file `checked` describes, and reads
/// at most `limit` bytes of it.
fn read_checked(path: &Path, checked: &Metadata, limit: u64) -> Result<Vec<u8>, Refusal> {
    let file = File::open(path)?;
    let opened = file.metadata()?;
    if !same_file(checked, &opened) {
        return Err(Refusal::Replaced);
    }
    if opened.len() > limit {
        return Err(Refusal::TooLarge(Some(opened.len())));
    }
    read_at_most(file, limit, opened.len())
}

/// Reads up to `limit` bytes; one byte more means the file is too large.
/// The room made is the size the file reports (`expected`), so a text
/// kept for the whole run holds no spare capacity; a file that reports
/// less than it holds (`/proc`) still reads whole.
fn read_at_most(file: impl Read, limit: u64, expected: u64) -> Result<Vec<u8>, Refusal> {
    let room = usize::try_from(expected.min(limit)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(room);
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(Refusal::TooLarge(None));
    }
    if bytes.capacity() > bytes.len() + bytes.len() / 8 {
        bytes.shrink_to_fit();
    }
    Ok(bytes)
}

/// Whether the opened file is the regular file that was checked.
#[cfg(unix)]
fn same_file(checked: &Metadata, opened: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    opened.file_type().is_file() && checked.dev() == opened.dev() && checked.ino() == opened.ino()
}

#[cfg(not(unix))]
fn same_file(checked: &Metadata, opened: &Metadata) -> bool {
    checked.file_type().is_file() && opened.file_type().is_file()
}

/// The diagnostic for an entry refused because of what it is (a folder:
/// where the layout expects a file).
pub(super) fn not_regular(display: &str, kind: Kind) -> Diagnostic {
    match kind {
        Kind::Symlink => Diagnostic::error(
            Code::Symlink,
            display,
            "this is a symbolic link; links in the access folder are never followed, so it was not read",
        )
        .help("replace the link with the file or folder itself (`git rm` the link, copy the content in, commit it)"),
        Kind::Special(what) => Diagnostic::error(
            Code::SpecialFile,
            display,
            format!("this is {what}, not a regular file; it was not opened"),
        )
        .help("remove it; the access folder holds only YAML files and folders"),
        Kind::Folder => Diagnostic::error(
            Code::Io,
            display,
            "this is a folder, but the layout expects a YAML file here",
        )
        .help("move the folder's content elsewhere and keep one file with this name"),
        Kind::File => Diagnostic::error(Code::Io, display, "this file could not be read")
            .help("check the file exists and is readable"),
    }
}

/// The diagnostic for a file that was not read.
pub(super) fn refused(display: &str, refusal: Refusal) -> Diagnostic {
    match refusal {
        Refusal::NotRegular(kind) => not_regular(display, kind),
        Refusal::TooLarge(size) => {
            let what = match size {
                Some(bytes) => format!("the file is {bytes} bytes"),
                None => format!("the file holds more than {MAX_FILE_BYTES} bytes"),
            };
            Diagnostic::error(
                Code::FileTooLarge,
                display,
                format!("{what}; access files are at most {MAX_FILE_BYTES} bytes"),
            )
            .help("an access file describes one login or one table; check that the right file was committed")
        }
        Refusal::Replaced => Diagnostic::error(
            Code::Io,
            display,
            "the file was replaced while it was being read; it was not read",
        )
        .help("run again once nothing is changing the access folder"),
        Refusal::Io(e) => {
            Diagnostic::error(Code::Io, display, format!("cannot read the file: {e}"))
                .help("check the file exists and is readable")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regular_file_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.yaml");
        fs::write(&path, "a: 1\n").unwrap();
        assert_eq!(read_regular(&path).unwrap(), b"a: 1\n");
    }

    #[test]
    fn the_bound_counts_bytes_read_not_the_size_reported() {
        // /proc files report a size of 0 whatever they hold.
        let environ = Path::new("/proc/self/environ");
        if !environ.exists() {
            return;
        }
        let checked = fs::symlink_metadata(environ).unwrap();
        assert_eq!(checked.len(), 0);
        assert!(matches!(
            read_checked(environ, &checked, 1),
            Err(Refusal::TooLarge(None))
        ));
    }

    #[test]
    fn an_endless_stream_stops_at_the_bound() {
        let endless = io::repeat(b'a');
        assert!(matches!(
            read_at_most(endless, 1024, 0),
            Err(Refusal::TooLarge(None))
        ));
        assert_eq!(read_at_most(&b"abcd"[..], 4, 4).unwrap(), b"abcd");
        let read = read_at_most(&b"abcd"[..], 4, 0).unwrap();
        assert_eq!(read, b"abcd", "a file reporting no size still reads whole");
        assert_eq!(read.capacity(), 4, "no spare room kept");
    }

    #[cfg(unix)]
    #[test]
    fn a_file_replaced_after_the_check_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let checked_path = dir.path().join("checked.yaml");
        let swapped_in = dir.path().join("secret");
        fs::write(&checked_path, "a: 1\n").unwrap();
        fs::write(&swapped_in, "KEY=secret\n").unwrap();
        let checked = fs::symlink_metadata(&checked_path).unwrap();
        // As if `checked.yaml` had been swapped for another file after the check.
        assert!(matches!(
            read_checked(&swapped_in, &checked, MAX_FILE_BYTES),
            Err(Refusal::Replaced)
        ));
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_told_apart_from_files_and_folders() {
        let kind = |p: &str| Kind::of(fs::symlink_metadata(p).unwrap().file_type());
        assert_eq!(kind("/dev/null"), Kind::Special("a character device"));
        assert_eq!(kind("/"), Kind::Folder);
        assert!(matches!(
            read_regular(Path::new("/dev/zero")),
            Err(Refusal::NotRegular(Kind::Special("a character device")))
        ));
    }

    #[cfg(unix)]
    #[test]
    fn links_and_pipes_are_refused_without_being_opened() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("link.yaml");
        std::os::unix::fs::symlink("/proc/self/environ", &link).unwrap();
        assert!(matches!(
            read_regular(&link),
            Err(Refusal::NotRegular(Kind::Symlink))
        ));
        let pipe = dir.path().join("pipe.yaml");
        let made = std::process::Command::new("mkfifo").arg(&pipe).status();
        if made.is_ok_and(|s| s.success()) {
            // Opening the pipe would block this test forever.
            assert!(matches!(
                read_regular(&pipe),
                Err(Refusal::NotRegular(Kind::Special("a named pipe (FIFO)")))
            ));
        }
    }
}
