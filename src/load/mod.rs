//! Loading the access repository: finds the files of the `access/` layout
//! on disk (or takes them from elsewhere, such as a git tree), reads each
//! one as UTF-8 text and parses it into a spanned YAML tree. Every file that
//! cannot be read, decoded or parsed becomes a diagnostic; loading never
//! stops at the first problem. On disk nothing is trusted: symbolic links
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

use crate::diag::{Code, Diagnostic, render::Sources};
use crate::yaml::{self, Node, Pos, Problem, Span};

pub use disk::{load_dir, load_dir_as};

/// Reads one file of a checkout as the loader does: only a regular file
/// (never through a link, never a pipe or device), at most
/// [`MAX_FILE_BYTES`], as UTF-8. For the few files read outside the layout
/// (`.github/CODEOWNERS`); the error says, in words, why it was not read.
pub fn read_text(path: &std::path::Path) -> Result<String, String> {
    let shown = path.display().to_string();
    let bytes = read::read_regular(path)
        .map_err(|r| format!("{shown}: {}", read::refused(&shown, r).message))?;
    String::from_utf8(bytes).map_err(|_| format!("{shown}: the file is not valid UTF-8 text"))
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

/// A parsed file of the layout.
#[derive(Debug)]
pub struct SourceFile {
    pub display: String,
    pub kind: FileKind,
    /// The root of the document; `None` when the file could not be parsed.
    pub root: Option<Node>,
}

/// Everything loaded from one access folder.
#[derive(Debug, Default)]
pub struct Loaded {
    pub files: Vec<SourceFile>,
    pub sources: Sources,
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    /// The parsed files of one kind.
    pub fn of_kind<'a>(
        &'a self,
        pred: impl Fn(&FileKind) -> bool + 'a,
    ) -> impl Iterator<Item = &'a SourceFile> + 'a {
        self.files.iter().filter(move |f| pred(&f.kind))
    }
}

/// Decodes and parses files, collecting every problem.
pub fn parse_files(raw: Vec<RawFile>) -> Loaded {
    let mut loaded = Loaded::default();
    for file in raw {
        let root = match file.bytes {
            Err(d) => {
                loaded.diagnostics.push(d);
                None
            }
            Ok(bytes) => match decode(&file.display, &bytes) {
                Err(d) => {
                    // Keep a readable copy so the diagnostic can show the line.
                    loaded.sources.insert(
                        file.display.clone(),
                        String::from_utf8_lossy(&bytes).into_owned(),
                    );
                    loaded.diagnostics.push(d);
                    None
                }
                Ok(text) => {
                    let doc = yaml::parse(&text);
                    let fatal = doc.problems.iter().any(Problem::is_fatal);
                    for problem in &doc.problems {
                        loaded
                            .diagnostics
                            .push(problem_diagnostic(&file.display, problem));
                    }
                    if doc.root.is_none() && !fatal {
                        loaded.diagnostics.push(
                            Diagnostic::error(
                                Code::EmptyFile,
                                &file.display,
                                "the file holds no YAML document",
                            )
                            .help("write the file's content, or delete the file"),
                        );
                    }
                    loaded.sources.insert(file.display.clone(), text);
                    doc.root
                }
            },
        };
        loaded.files.push(SourceFile {
            display: file.display,
            kind: file.kind,
            root,
        });
    }
    loaded
}

/// UTF-8 decoding with the position of the first bad byte; a byte-order mark is dropped.
fn decode(display: &str, bytes: &[u8]) -> Result<String, Diagnostic> {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let good = std::str::from_utf8(good).unwrap_or_default();
        let line = good.matches('\n').count() + 1;
        let col = good.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        let pos = Pos {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            col: u32::try_from(col).unwrap_or(u32::MAX),
        };
        Diagnostic::error(Code::NotUtf8, display, "the file is not valid UTF-8 text")
            .at(Span::point(pos))
            .help("save the file as UTF-8 (most editors: \"Save with encoding\" > UTF-8)")
    })
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
        .help(format!(
            "keep one `{key}`: the one on line {} is the one used",
            first.start.line
        )),
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
        let d = decode("f.yaml", b"name: ok\nnote: caf\xe9\n").unwrap_err();
        assert_eq!(d.code, Code::NotUtf8);
        assert_eq!(d.span.unwrap().start, Pos { line: 2, col: 10 });
    }

    #[test]
    fn a_byte_order_mark_is_accepted() {
        assert_eq!(decode("f.yaml", b"\xEF\xBB\xBFa: 1\n").unwrap(), "a: 1\n");
    }
}
