//! Finding the access files on disk: walks the access folder, classifies
//! each entry against the layout, reads the ones that belong (refusing
//! oversized files and folders where files belong) and reports the rest.

use std::fs;
use std::path::{Path, PathBuf};

use super::{FileKind, Loaded, MAX_FILE_BYTES, RawFile, parse_files};
use crate::diag::{Code, Diagnostic};

/// Loads the access folder at `root`. Paths in diagnostics start with `root` as given.
pub fn load_dir(root: &Path) -> Loaded {
    load_dir_as(root, &display_root(root))
}

/// Loads the access folder at `root`, showing paths as `prefix` + the relative path
/// (e.g. `access/` for a checkout in a temporary folder).
pub fn load_dir_as(root: &Path, prefix: &str) -> Loaded {
    let prefix = prefix.to_string();
    let mut entries = Vec::new();
    let mut extra = Vec::new();
    for name in ["institution.yaml", "catalog.yaml", "units.yaml"] {
        if !root.join(name).exists() {
            extra.push(
                Diagnostic::error(
                    Code::MissingFile,
                    format!("{prefix}{name}"),
                    format!("`{name}` is missing"),
                )
                .help(format!(
                    "every access repository has a `{name}`; see the README for its shape"
                )),
            );
        }
    }
    walk(root, "", &prefix, &mut entries, &mut extra);
    let mut raw = Vec::new();
    for Entry { rel, path, is_dir } in entries {
        let display = format!("{prefix}{rel}");
        match FileKind::classify(&rel) {
            Some(kind) => raw.push(RawFile {
                bytes: read_file(&display, &path, is_dir),
                display,
                kind,
            }),
            None if ignored(&rel) => {}
            None => extra.push(stray(&display, &rel, is_dir)),
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

struct Entry {
    rel: String,
    path: PathBuf,
    is_dir: bool,
}

/// Collects, in sorted order, every file below `dir` and every folder that
/// is not one of the layout's folders (`profiles/`, `logins/`, `logins/<unit>/`),
/// so that a folder sitting where a file belongs is reported, not skipped.
fn walk(
    dir: &Path,
    rel: &str,
    prefix: &str,
    entries: &mut Vec<Entry>,
    extra: &mut Vec<Diagnostic>,
) {
    let listing = match fs::read_dir(dir) {
        Ok(listing) => listing,
        Err(e) => {
            extra.push(
                Diagnostic::error(
                    Code::Io,
                    format!("{prefix}{rel}"),
                    format!("cannot read this folder: {e}"),
                )
                .help("check the folder exists and is readable"),
            );
            return;
        }
    };
    let mut paths: Vec<PathBuf> = listing.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        let child = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        let is_dir = path.is_dir();
        let layout_dir =
            (rel.is_empty() && (name == "profiles" || name == "logins")) || rel == "logins";
        if is_dir && layout_dir {
            walk(&path, &child, prefix, entries, extra);
        } else {
            entries.push(Entry {
                rel: child,
                path,
                is_dir,
            });
        }
    }
}

fn read_file(display: &str, path: &Path, is_dir: bool) -> Result<Vec<u8>, Diagnostic> {
    if is_dir {
        return Err(Diagnostic::error(
            Code::Io,
            display,
            "this is a folder, but the layout expects a YAML file here",
        )
        .help("move the folder's content elsewhere and keep one file with this name"));
    }
    let meta = fs::metadata(path).map_err(|e| io_error(display, &e))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(Diagnostic::error(
            Code::FileTooLarge,
            display,
            format!("the file is {} bytes; access files are at most {} bytes", meta.len(), MAX_FILE_BYTES),
        )
        .help("an access file describes one login or one table; check that the right file was committed"));
    }
    fs::read(path).map_err(|e| io_error(display, &e))
}

fn io_error(display: &str, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(Code::Io, display, format!("cannot read the file: {e}"))
        .help("check the file exists and is readable")
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
}
