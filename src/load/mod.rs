//! Loading the access repository: finds the files of the `access/` layout
//! on disk (or takes them from elsewhere, such as a git tree) and reads each
//! one as UTF-8 text. Every file that cannot be read or decoded becomes a
//! diagnostic; loading never stops at the first problem. Each text is parsed
//! into a spanned YAML tree when it is checked ([`parse_text`]), so a tree
//! lives only as long as its checks: fifty thousand login files are held as
//! text, not as trees. On disk nothing is trusted: symbolic links
//! and special files are refused wherever they are, never followed or
//! opened, and reads are bounded and checked to be of the file inspected
//! ([`disk`] walks, [`read`] reads).
//!
//! Layout (relative to the access folder):
//! `institution.yaml`, `catalog.yaml`, `units.yaml`, `profiles/<name>.yaml`,
//! `logins/<unit>/<primary_id>.yaml`.

mod disk;
mod misplaced;
mod read;
mod root;

use crate::diag::{Code, Diagnostic, render::Sources};
use crate::yaml::{self, Node, Problem, Span};

pub use disk::{load_dir, load_dir_as};
pub use root::{RootError, access_root};

/// A file read outside the layout that was not read, and why, in words.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {why}")]
pub struct Unread {
    pub file: String,
    pub why: String,
}

/// Reads one file of a checkout as the loader does: only a regular file
/// (never through a link, never a pipe or device), at most
/// [`MAX_FILE_BYTES`], as UTF-8. For the few files read outside the layout
/// (`.github/CODEOWNERS`, the tables `codeowners` reads).
pub fn read_text(path: &std::path::Path) -> Result<String, Unread> {
    let file = path.display().to_string();
    let unread = |why: String| Unread {
        file: file.clone(),
        why,
    };
    let bytes = read::read_regular(path).map_err(|r| unread(read::refused(&file, r).message))?;
    String::from_utf8(bytes).map_err(|_| unread("the file is not valid UTF-8 text".into()))
}

/// Files larger than this are not read: no access file comes near it. The
/// bound is on the bytes read, not on the size a file reports.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// What a file of the layout holds.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    Institution,
    Catalog,
    Units,
    /// `profiles/<name>.yaml`
    Profile {
        name: String,
    },
    /// `logins/<folder>/<stem>.yaml`
    Login {
        folder: String,
        stem: String,
    },
}

impl FileKind {
    /// Classifies a path relative to the access folder (with `/` separators).
    pub fn classify(relative: &str) -> Option<FileKind> {
        let parts: Vec<&str> = relative.split('/').collect();
        match parts.as_slice() {
            ["institution.yaml"] => Some(FileKind::Institution),
            ["catalog.yaml"] => Some(FileKind::Catalog),
            ["units.yaml"] => Some(FileKind::Units),
            ["profiles", file] => {
                file.strip_suffix(".yaml")
                    .filter(|s| !s.is_empty())
                    .map(|name| FileKind::Profile {
                        name: name.to_string(),
                    })
            }
            ["logins", folder, file] => {
                file.strip_suffix(".yaml")
                    .filter(|s| !s.is_empty())
                    .map(|stem| FileKind::Login {
                        folder: folder.to_string(),
                        stem: stem.to_string(),
                    })
            }
            _ => None,
        }
    }
}

/// One file as found: where it is, what it is, and its bytes (or why there are none).
#[derive(Debug)]
pub struct RawFile {
    /// The path as shown in diagnostics (the access folder as given, then the relative path).
    pub display: String,
    pub kind: FileKind,
    pub bytes: Result<Vec<u8>, Diagnostic>,
}

/// A file of the layout, as read.
#[derive(Debug)]
pub struct SourceFile {
    pub display: String,
    pub kind: FileKind,
    /// Whether the file was read as UTF-8 text: its text is then in
    /// [`Loaded::sources`] (which otherwise may hold a copy made readable,
    /// to show the line of the problem).
    pub decoded: bool,
}

/// Everything loaded from one access folder.
#[derive(Debug, Default)]
pub struct Loaded {
    pub files: Vec<SourceFile>,
    pub sources: Sources,
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    /// The text of a file read as UTF-8; `None` for a file that was not.
    pub fn text_of(&self, file: &SourceFile) -> Option<&str> {
        if !file.decoded {
            return None;
        }
        self.sources.get(&file.display).map(String::as_str)
    }

    /// The files of one kind.
    pub fn of_kind<'a>(
        &'a self,
        pred: impl Fn(&FileKind) -> bool + 'a,
    ) -> impl Iterator<Item = &'a SourceFile> + 'a {
        self.files.iter().filter(move |f| pred(&f.kind))
    }
}

/// Decodes files as UTF-8 text, collecting every problem; the texts are
/// parsed when checked ([`parse_text`]).
pub fn parse_files(raw: Vec<RawFile>) -> Loaded {
    let mut loaded = Loaded {
        files: Vec::with_capacity(raw.len()),
        ..Loaded::default()
    };
    // The texts, gathered and then made into the map at once: its nodes
    // are then full, where one insert after another leaves them half empty.
    let mut sources = Vec::with_capacity(raw.len());
    for file in raw {
        let decoded = match file.bytes {
            Err(d) => {
                loaded.diagnostics.push(d);
                false
            }
            Ok(bytes) => match decode(bytes) {
                Err(NotUtf8 { bad, shown }) => {
                    // Keep a readable copy so the diagnostic can show the line.
                    sources.push((file.display.clone(), shown));
                    loaded.diagnostics.push(not_utf8(&file.display, bad));
                    false
                }
                Ok(text) => {
                    sources.push((file.display.clone(), text));
                    true
                }
            },
        };
        loaded.files.push(SourceFile {
            display: file.display,
            kind: file.kind,
            decoded,
        });
    }
    loaded.sources = sources.into_iter().collect();
    loaded
}

/// One file's YAML: its tree (absent when the file is empty or its YAML
/// unusable) and a diagnostic for each problem found.
#[derive(Debug)]
pub struct Parsed {
    pub root: Option<Node>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses the text of the file shown as `display`.
pub fn parse_text(display: &str, text: &str) -> Parsed {
    let doc = yaml::parse(text);
    let fatal = doc.problems.iter().any(Problem::is_fatal);
    let mut diagnostics: Vec<Diagnostic> = doc
        .problems
        .iter()
        .map(|problem| problem_diagnostic(display, problem))
        .collect();
    if doc.root.is_none() && !fatal {
        diagnostics.push(
            Diagnostic::error(Code::EmptyFile, display, "the file holds no YAML document")
                .help("write the file's content, or delete the file"),
        );
    }
    Parsed {
        root: doc.root,
        diagnostics,
    }
}

/// A file that is not UTF-8: where its first bad byte is, and its text
/// made readable (bad bytes shown as U+FFFD) to show the line.
struct NotUtf8 {
    bad: usize,
    shown: String,
}

/// UTF-8 decoding; a byte-order mark is dropped.
fn decode(mut bytes: Vec<u8>) -> Result<String, NotUtf8> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| NotUtf8 {
        bad: e.utf8_error().valid_up_to(),
        shown: String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

fn not_utf8(display: &str, bad: usize) -> Diagnostic {
    Diagnostic::error(Code::NotUtf8, display, "the file is not valid UTF-8 text")
        .at(Span::point(bad))
        .help("save the file as UTF-8 (most editors: \"Save with encoding\" > UTF-8)")
}

fn problem_diagnostic(file: &str, problem: &Problem) -> Diagnostic {
    let span = problem.span();
    let d = match problem {
        Problem::Syntax { message, help, .. } => {
            Diagnostic::error(Code::YamlSyntax, file, message).help(help)
        }
        Problem::DuplicateKey { key, first, .. } => Diagnostic::error(
            Code::DuplicateKey,
            file,
            format!("the key `{key}` appears twice in this mapping"),
        )
        .also(*first, "first used here")
        .help(format!("keep one `{key}`: the first is the one used")),
        Problem::Alias { .. } => Diagnostic::error(
            Code::YamlAlias,
            file,
            "aliases (`*name`) are not allowed in access files",
        )
        .help("write the value out in full, so reviewers see exactly what is granted"),
        Problem::Tag { tag, .. } => Diagnostic::error(
            Code::YamlTag,
            file,
            format!("the YAML tag `{tag}` is not allowed"),
        )
        .help("remove the tag; quote the value if it must be read as text"),
        Problem::ComplexKey { .. } => Diagnostic::error(
            Code::ComplexKey,
            file,
            "a mapping key must be a plain string",
        )
        .help("use a simple word as the key"),
        Problem::MultipleDocuments { .. } => Diagnostic::error(
            Code::MultipleDocuments,
            file,
            "a second YAML document starts here; an access file holds exactly one",
        )
        .help("remove the `---` line, or move the second document into a file of its own"),
        Problem::TooDeep { .. } => Diagnostic::error(
            Code::TooDeep,
            file,
            format!(
                "values are nested more than {} levels deep",
                yaml::MAX_DEPTH
            ),
        )
        .help("access files are shallow; check for runaway brackets"),
    };
    d.at(span)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_knows_the_layout() {
        assert_eq!(FileKind::classify("units.yaml"), Some(FileKind::Units));
        assert_eq!(
            FileKind::classify("logins/main/80012345.yaml"),
            Some(FileKind::Login {
                folder: "main".into(),
                stem: "80012345".into()
            })
        );
        assert_eq!(
            FileKind::classify("profiles/circ-student.yaml"),
            Some(FileKind::Profile {
                name: "circ-student".into()
            })
        );
        assert_eq!(FileKind::classify("logins/80012345.yaml"), None);
        assert_eq!(FileKind::classify("logins/main/x.yml"), None);
        assert_eq!(FileKind::classify("logins/main/deeper/x.yaml"), None);
    }

    #[test]
    fn non_utf8_is_located_at_the_first_bad_byte() {
        let bytes = b"\xEF\xBB\xBFname: ok\nnote: caf\xe9\n".to_vec();
        let Err(NotUtf8 { bad, shown }) = decode(bytes) else {
            panic!("decoded")
        };
        assert_eq!(bad, 18);
        assert_eq!(shown, "name: ok\nnote: caf\u{FFFD}\n");
        let at = yaml::Lines::new(&shown).pos(18);
        assert_eq!(at, yaml::Pos { line: 2, col: 10 });
    }

    #[test]
    fn a_byte_order_mark_is_accepted() {
        assert_eq!(
            decode(b"\xEF\xBB\xBFa: 1\n".to_vec()).ok().unwrap(),
            "a: 1\n"
        );
    }
}
