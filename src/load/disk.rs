//! Finding the access files on disk: walks the whole access folder without
//! following links, classifies each entry against the layout, reads the
//! files that belong through [`read`] and reports the rest. A symbolic link
//! or a special file (pipe, socket, device) is an error wherever it is,
//! hidden entries and folders outside the layout included; the access
//! folder itself must be a real folder too. Links are reported, never
//! followed or read through, and a linked folder is never walked.

use std::ffi::{OsStr, OsString};
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::misplaced;
use super::read::{self, Kind};
use super::{FileKind, Loaded, RawFile, parse_files};
use crate::diag::{Code, Diagnostic};

/// The files every access folder has.
const REQUIRED: [&str; 3] = ["institution.yaml", "catalog.yaml", "units.yaml"];

/// Loads the access folder at `root`. Paths in diagnostics start with `root` as given.
pub fn load_dir(root: &Path) -> Loaded {
    load_dir_as(root, &display_root(root))
}

/// Loads the access folder at `root`, showing paths as `prefix` + the relative path
/// (e.g. `access/` for a checkout in a temporary folder).
pub fn load_dir_as(root: &Path, prefix: &str) -> Loaded {
    // `access/` would name the folder a link `access` points to: drop the slash.
    let root: PathBuf = root.components().collect();
    if let Some(refused) = refused_root(&root, prefix) {
        return Loaded {
            diagnostics: vec![refused],
            ..Loaded::default()
        };
    }
    let mut extra = Vec::new();
    let entries = walk(&root, prefix, &mut extra);
    extra.extend(missing(&entries, prefix));
    let mut raw = Vec::new();
    for entry in &entries {
        let display = format!("{prefix}{}", entry.rel);
        match layout_file(entry, display) {
            Place::File(file) => raw.push(file),
            Place::Report(d) => extra.push(d),
            Place::Nothing => {}
        }
    }
    raw.sort_by(|a, b| a.display.cmp(&b.display));
    let mut loaded = parse_files(raw);
    loaded.diagnostics.extend(extra);
    loaded
}

fn display_root(root: &Path) -> String {
    let s = root.to_string_lossy().replace('\\', "/");
    let s = s.trim_end_matches('/');
    if s.is_empty() || s == "." {
        String::new()
    } else {
        format!("{s}/")
    }
}

/// A diagnostic when the access folder is not a real folder (a link to
/// one included); `None` when it is, or when it is missing (the walk says so).
fn refused_root(root: &Path, prefix: &str) -> Option<Diagnostic> {
    let meta = fs::symlink_metadata(root).ok()?;
    let shown = match prefix.trim_end_matches('/') {
        "" => ".",
        shown => shown,
    };
    match Kind::of(meta.file_type()) {
        Kind::Folder => None,
        Kind::Symlink => Some(
            Diagnostic::error(
                Code::Symlink,
                shown,
                "the access folder is a symbolic link; links are never followed, so nothing in it was read",
            )
            .help("pass the folder itself, or replace the link with the folder"),
        ),
        Kind::Special(what) => Some(
            Diagnostic::error(
                Code::SpecialFile,
                shown,
                format!("the access folder is {what}, not a folder; it was not opened"),
            )
            .help("pass the access folder (default: `access`)"),
        ),
        Kind::File => Some(
            Diagnostic::error(Code::Io, shown, "the access folder is a file, not a folder")
                .help("pass the access folder (default: `access`)"),
        ),
    }
}

/// One entry below the access folder, as it is on disk.
struct Entry {
    /// The path relative to the access folder, `/`-separated, as shown.
    rel: String,
    path: PathBuf,
    kind: Kind,
    /// Whether the entry sits where the layout looks for files: every
    /// folder above it is a layout folder and it is not hidden.
    in_layout: bool,
}

/// Lists every entry below `root`, links unfollowed, in sorted order.
/// Folders are all walked (a linked one is an entry, not a folder), but
/// only layout folders' entries are [`Entry::in_layout`].
fn walk(root: &Path, prefix: &str, extra: &mut Vec<Diagnostic>) -> Vec<Entry> {
    let mut entries = Vec::new();
    let mut folders = vec![(root.to_path_buf(), String::new(), true)];
    while let Some((dir, rel, layout)) = folders.pop() {
        let children = match list(&dir) {
            Ok(children) => children,
            Err(e) => {
                extra.push(
                    Diagnostic::error(
                        Code::Io,
                        format!("{prefix}{rel}"),
                        format!("cannot read this folder: {e}"),
                    )
                    .help("check the folder exists and is readable"),
                );
                continue;
            }
        };
        for (name, kind) in children {
            let shown = shown(&name);
            let child = if rel.is_empty() {
                shown.clone()
            } else {
                format!("{rel}/{shown}")
            };
            let in_layout = layout && !shown.starts_with('.');
            let path = dir.join(&name);
            if kind == Kind::Folder {
                let layout = in_layout && layout_folder(&child);
                folders.push((path.clone(), child.clone(), layout));
            }
            entries.push(Entry {
                rel: child,
                path,
                kind,
                in_layout,
            });
        }
    }
    entries.sort_by(|a, b| a.rel.cmp(&b.rel));
    entries
}

/// A folder's entries with what each is (not following links), by name.
fn list(dir: &Path) -> io::Result<Vec<(OsString, Kind)>> {
    let mut children = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        children.push((entry.file_name(), Kind::of(entry.file_type()?)));
    }
    children.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(children)
}

/// A name as shown in diagnostics: control and bidirectional-override
/// characters and bytes that are not UTF-8 are escaped, so a hostile file
/// name can neither forge lines of output nor hide what it is.
fn shown(name: &OsStr) -> String {
    let mut out = String::new();
    for chunk in name.as_encoded_bytes().utf8_chunks() {
        for c in chunk.valid().chars() {
            if c.is_control()
                || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
            {
                out.extend(c.escape_unicode());
            } else {
                out.push(c);
            }
        }
        for byte in chunk.invalid() {
            let _ = write!(out, "\\x{byte:02x}");
        }
    }
    out
}

/// The layout's folders, whose entries are files of the layout:
/// `profiles/`, `logins/` and `logins/<unit>/`.
fn layout_folder(rel: &str) -> bool {
    matches!(
        rel.split('/').collect::<Vec<_>>().as_slice(),
        ["profiles"] | ["logins"] | ["logins", _]
    )
}

/// What one entry becomes.
enum Place {
    /// A file of the layout: its bytes, or why it was not read.
    File(RawFile),
    /// Something to report that is not a file of the layout.
    Report(Diagnostic),
    Nothing,
}

/// A file of the layout is read (or refused for what it is); any other
/// entry goes to [`not_in_layout`].
fn layout_file(entry: &Entry, display: String) -> Place {
    let kind = entry
        .in_layout
        .then(|| FileKind::classify(&entry.rel))
        .flatten();
    let Some(kind) = kind else {
        return not_in_layout(entry, &display);
    };
    let bytes = match entry.kind {
        Kind::File => read::read_regular(&entry.path).map_err(|r| read::refused(&display, r)),
        other => Err(read::not_regular(&display, other)),
    };
    Place::File(RawFile {
        display,
        kind,
        bytes,
    })
}

/// An entry that is no file of the layout: links and special files are
/// errors anywhere, and so are login files out of place; other entries
/// where the layout looks are stray, unless they are layout folders or notes.
fn not_in_layout(entry: &Entry, display: &str) -> Place {
    match entry.kind {
        Kind::Symlink | Kind::Special(_) => Place::Report(read::not_regular(display, entry.kind)),
        Kind::File if misplaced::is_misplaced_login(&entry.rel) => {
            Place::Report(misplaced::misplaced_login(&entry.path, display, &entry.rel))
        }
        _ if !entry.in_layout || ignored(&entry.rel) => Place::Nothing,
        Kind::Folder if layout_folder(&entry.rel) => Place::Nothing,
        kind => Place::Report(stray(display, &entry.rel, kind == Kind::Folder)),
    }
}

/// The required files that are not there (as anything at all).
fn missing(entries: &[Entry], prefix: &str) -> Vec<Diagnostic> {
    REQUIRED
        .iter()
        .filter(|name| !entries.iter().any(|e| e.rel == **name))
        .map(|name| {
            Diagnostic::error(
                Code::MissingFile,
                format!("{prefix}{name}"),
                format!("`{name}` is missing"),
            )
            .help(format!(
                "every access repository has a `{name}`; see the README for its shape"
            ))
        })
        .collect()
}

/// Files that live beside access files by convention and are not reported.
fn ignored(rel: &str) -> bool {
    rel.ends_with(".md") || rel.ends_with(".txt")
}

fn stray(display: &str, rel: &str, is_dir: bool) -> Diagnostic {
    let help = if rel.ends_with(".yml") {
        "access files end in `.yaml`; rename the file".to_string()
    } else if rel.starts_with("logins/") {
        "login files live at `logins/<unit>/<primary_id>.yaml`".to_string()
    } else if rel.starts_with("profiles/") {
        "profiles live at `profiles/<name>.yaml`".to_string()
    } else {
        "the access folder holds institution.yaml, catalog.yaml, units.yaml, profiles/ and logins/"
            .to_string()
    };
    let what = if is_dir { "folder" } else { "file" };
    Diagnostic::warning(
        Code::StrayFile,
        display,
        format!("this {what} is not part of the access layout and is ignored"),
    )
    .help(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_root_is_normalised() {
        assert_eq!(display_root(Path::new("access")), "access/");
        assert_eq!(display_root(Path::new("access/")), "access/");
        assert_eq!(display_root(Path::new(".")), "");
    }

    #[test]
    fn hostile_names_are_shown_escaped() {
        assert_eq!(shown(OsStr::new("10000001.yaml")), "10000001.yaml");
        assert_eq!(
            shown(OsStr::new("a\nerror: forged\u{1b}[2J.yaml")),
            "a\\u{a}error: forged\\u{1b}[2J.yaml"
        );
        assert_eq!(shown(OsStr::new("x\u{202e}lmay.exe")), "x\\u{202e}lmay.exe");
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            assert_eq!(shown(OsStr::from_bytes(b"caf\xe9.yaml")), "caf\\xe9.yaml");
        }
    }

    #[test]
    fn layout_folders_are_known() {
        assert!(layout_folder("profiles"));
        assert!(layout_folder("logins"));
        assert!(layout_folder("logins/main"));
        assert!(!layout_folder("logins/main/deeper"));
        assert!(!layout_folder("docs"));
        assert!(!layout_folder("profiles/old"));
    }
}
