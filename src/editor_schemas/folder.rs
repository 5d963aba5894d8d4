//! The schemas on disk: how the output folder compares with what would be
//! generated ([`compare`]), bringing it up to date ([`write()`]), and the
//! first line of each login and profile file, which must name its schema
//! by a path relative to the file ([`misdirected`], [`fix_line`]).
//!
//! Files are read as the loader reads them (never through a link, never a
//! special file). A file at a generated name that does not carry the
//! generated marker is never overwritten, and only marked files that would
//! no longer be generated (a removed unit) are removed.

use std::path::{Component, Path, PathBuf};

use super::{Error, LINE_PREFIX, MARKER, PROFILE_SCHEMA, SchemaFile, login_schema};
use crate::load::{FileKind, Loaded};

/// How one file of the output folder compares with what would be generated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    Fresh,
    Missing,
    Stale,
    /// A generated file that would no longer be generated.
    Unwanted,
    /// A file at a generated name without the marker, or one that cannot
    /// be read (a link, a special file): why, in words.
    Foreign(String),
}

/// One file of the output folder and its status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileState {
    pub name: String,
    pub status: Status,
}

/// Compares the folder `dir` with the generated `files`: one state per
/// generated file, then one per marked file that is no longer generated.
pub fn compare(dir: &Path, files: &[SchemaFile]) -> Result<Vec<FileState>, Error> {
    let mut states: Vec<FileState> = files
        .iter()
        .map(|file| FileState {
            name: file.name.clone(),
            status: status(&dir.join(&file.name), &file.text),
        })
        .collect();
    for name in listed(dir)? {
        if files.iter().all(|f| f.name != name)
            && crate::load::read_text(&dir.join(&name)).is_ok_and(|t| t.contains(MARKER))
        {
            states.push(FileState {
                name,
                status: Status::Unwanted,
            });
        }
    }
    Ok(states)
}

fn status(path: &Path, expected: &str) -> Status {
    if std::fs::symlink_metadata(path).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound) {
        return Status::Missing;
    }
    match crate::load::read_text(path) {
        Err(unread) => Status::Foreign(unread.why),
        Ok(actual) if actual == expected => Status::Fresh,
        Ok(actual) if actual.contains(MARKER) => Status::Stale,
        Ok(_) => Status::Foreign(format!("it has no \"{MARKER}\" comment")),
    }
}

/// The names of the `*.schema.json` entries of `dir` (none when it is absent).
fn listed(dir: &Path) -> Result<Vec<String>, Error> {
    let io = |source| Error::Io {
        path: dir.to_path_buf(),
        action: "list",
        source,
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io(e)),
    };
    let mut names = Vec::new();
    for entry in entries {
        let name = entry.map_err(io)?.file_name();
        if let Some(name) = name.to_str().filter(|n| n.ends_with(".schema.json")) {
            names.push(name.to_string());
        }
    }
    names.sort();
    Ok(names)
}

/// Brings `dir` up to date: writes missing and stale files, removes
/// unwanted ones. Refuses, before touching anything, when a generated
/// name is taken by a file this command did not write. Returns the files
/// it changed with what was done to each.
pub fn write(
    dir: &Path,
    files: &[SchemaFile],
    states: &[FileState],
) -> Result<Vec<FileState>, Error> {
    let foreign: Vec<(PathBuf, String)> = states
        .iter()
        .filter_map(|s| match &s.status {
            Status::Foreign(why) => Some((dir.join(&s.name), why.clone())),
            _ => None,
        })
        .collect();
    if !foreign.is_empty() {
        return Err(Error::NotGenerated(foreign));
    }
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        action: "create",
        source,
    })?;
    let mut changed = Vec::new();
    for state in states {
        let path = dir.join(&state.name);
        let result = match (&state.status, files.iter().find(|f| f.name == state.name)) {
            (Status::Missing | Status::Stale, Some(file)) => std::fs::write(&path, &file.text)
                .map_err(|source| Error::Io {
                    path: path.clone(),
                    action: "write",
                    source,
                }),
            (Status::Unwanted, _) => std::fs::remove_file(&path).map_err(|source| Error::Io {
                path: path.clone(),
                action: "remove",
                source,
            }),
            _ => continue,
        };
        result?;
        changed.push(state.clone());
    }
    Ok(changed)
}

/// A login or profile file whose first line does not name its schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Misdirected {
    /// The file as diagnostics show it.
    pub file: String,
    /// The file on disk.
    pub path: PathBuf,
    /// The line it should start with.
    pub expected: String,
    /// Its `# yaml-language-server:` line, when it has one.
    pub found: Option<String>,
}

/// Where the schemas are, as seen from the access folder's files.
#[derive(Clone, Debug)]
pub struct Layout {
    access: PathBuf,
    resolved_access: PathBuf,
    resolved_output: PathBuf,
}

impl Layout {
    /// Resolves both folders, so that relative paths between them hold
    /// whatever the working directory (the output folder need not exist).
    pub fn new(access_root: &Path, output: &Path) -> Result<Layout, Error> {
        let resolve = |path: &Path| {
            resolve(path).map_err(|source| Error::Io {
                path: path.to_path_buf(),
                action: "resolve",
                source,
            })
        };
        Ok(Layout {
            access: access_root.to_path_buf(),
            resolved_access: resolve(access_root)?,
            resolved_output: resolve(output)?,
        })
    }

    /// The first line a file of this kind must start with (`None` for the tables).
    pub fn line(&self, kind: &FileKind) -> Option<String> {
        let (folder, schema) = match kind {
            FileKind::Login { folder, .. } => (
                self.resolved_access.join("logins").join(folder),
                login_schema(folder),
            ),
            FileKind::Profile { .. } => (
                self.resolved_access.join("profiles"),
                PROFILE_SCHEMA.to_string(),
            ),
            _ => return None,
        };
        let target = relative(&folder, &self.resolved_output.join(schema));
        Some(format!("{LINE_PREFIX}{target}"))
    }

    fn path_of(&self, kind: &FileKind) -> Option<PathBuf> {
        match kind {
            FileKind::Login { folder, stem } => Some(
                self.access
                    .join("logins")
                    .join(folder)
                    .join(format!("{stem}.yaml")),
            ),
            FileKind::Profile { name } => {
                Some(self.access.join("profiles").join(format!("{name}.yaml")))
            }
            _ => None,
        }
    }
}

/// The login and profile files whose first line is not the one naming their schema.
pub fn misdirected(loaded: &Loaded, layout: &Layout) -> Vec<Misdirected> {
    let mut out = Vec::new();
    for file in &loaded.files {
        let (Some(expected), Some(path)) = (layout.line(&file.kind), layout.path_of(&file.kind))
        else {
            continue;
        };
        let Some(text) = loaded.sources.get(&file.display) else {
            continue;
        };
        let first = text.lines().next().unwrap_or_default().trim_end();
        if first != expected {
            out.push(Misdirected {
                file: file.display.clone(),
                path,
                expected,
                found: first
                    .starts_with("# yaml-language-server:")
                    .then(|| first.to_string()),
            });
        }
    }
    out
}

/// Rewrites a file's first line: a `# yaml-language-server:` line is
/// replaced, otherwise the line is added on top. Line endings are kept.
pub fn fix_line(file: &Misdirected) -> Result<(), Error> {
    let text = crate::load::read_text(&file.path).map_err(|e| Error::Refused(e.to_string()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let ending = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let rest = if text.starts_with("# yaml-language-server:") {
        text.split_once('\n').map_or("", |(_, rest)| rest)
    } else {
        text
    };
    let fixed = format!("{}{ending}{rest}", file.expected);
    std::fs::write(&file.path, fixed).map_err(|source| Error::Io {
        path: file.path.clone(),
        action: "write",
        source,
    })
}

/// An absolute path without `.` or `..`, with the part that exists
/// resolved through the file system (so links and `..` agree with it).
fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    let mut normal = PathBuf::new();
    for part in std::path::absolute(path)?.components() {
        match part {
            Component::ParentDir => {
                normal.pop();
            }
            Component::CurDir => {}
            other => normal.push(other),
        }
    }
    let mut existing = normal.clone();
    let mut missing = Vec::new();
    loop {
        if let Ok(mut resolved) = existing.canonicalize() {
            resolved.extend(missing.iter().rev());
            return Ok(resolved);
        }
        match existing.file_name() {
            Some(name) => {
                missing.push(name.to_os_string());
                existing.pop();
            }
            None => return Ok(normal),
        }
    }
}

/// The path from the folder `from` to `to`, with `/` separators.
fn relative(from: &Path, to: &Path) -> String {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_climb_to_the_common_folder() {
        let from = Path::new("/repo/access/logins/main");
        let to = Path::new("/repo/schemas/institution/login-main.schema.json");
        assert_eq!(
            relative(from, to),
            "../../../schemas/institution/login-main.schema.json"
        );
        assert_eq!(
            relative(Path::new("/a/b"), Path::new("/a/b/c.json")),
            "c.json"
        );
    }

    #[test]
    fn missing_folders_resolve_below_the_existing_ones() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().canonicalize().unwrap();
        let given = dir.path().join("x/../schemas/./institution");
        assert_eq!(
            resolve(&given).unwrap(),
            real.join("schemas").join("institution")
        );
    }
}
