//! Rendering diagnostics: rustc-style text for people (`error[code]:`, the
//! `-->` location, each labelled source line with its marks: `^` under the
//! problem, `-` under the places that explain it, `= help:`), and JSON for
//! machines. Places are byte ranges; each file's text is indexed into
//! lines once ([`Lines`]) to show them as lines and columns. Output is
//! deterministic: no colour, no terminal width probing.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use serde::Serialize;

use super::{Diagnostic, Label, count};
use crate::yaml::{Lines, Pos};

/// The texts of the files diagnostics point into, by their displayed path.
pub type Sources = BTreeMap<String, String>;

/// The line indexes of the files diagnostics point into, each built on
/// first use, so the time stays linear however many diagnostics point
/// into one file.
struct Indexes<'a> {
    sources: &'a Sources,
    lines: HashMap<&'a str, Lines<'a>>,
}

impl<'a> Indexes<'a> {
    fn new(sources: &'a Sources) -> Self {
        Indexes {
            sources,
            lines: HashMap::new(),
        }
    }

    fn of(&mut self, file: &str) -> Option<&Lines<'a>> {
        let (name, text) = self.sources.get_key_value(file)?;
        Some(
            self.lines
                .entry(name.as_str())
                .or_insert_with(|| Lines::new(text)),
        )
    }
}

/// Renders diagnostics as text.
pub fn text(diagnostics: &[Diagnostic], sources: &Sources) -> String {
    let mut out = String::new();
    let mut indexes = Indexes::new(sources);
    for d in diagnostics {
        render_one(&mut out, d, indexes.of(&d.file));
        out.push('\n');
    }
    out
}

/// The closing summary line, e.g. `2 errors, 1 warning in 36 files`.
pub fn summary(diagnostics: &[Diagnostic], files: usize) -> String {
    let (errors, warnings) = count(diagnostics);
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    format!(
        "{}, {} in {}",
        plural(errors, "error"),
        plural(warnings, "warning"),
        plural(files, "file")
    )
}

/// A label as shown: where it starts and ends, its mark and its message.
struct Shown<'d> {
    start: Pos,
    end: Pos,
    mark: char,
    message: Option<&'d str>,
}

fn render_one(out: &mut String, d: &Diagnostic, lines: Option<&Lines<'_>>) {
    let _ = writeln!(
        out,
        "{}[{}]: {}",
        d.severity.as_str(),
        d.code.as_str(),
        d.message
    );
    let (Some(primary), Some(lines)) = (&d.primary, lines) else {
        let _ = writeln!(out, "  --> {}", d.file);
        trailer(out, d, "  ");
        return;
    };
    let main = shown(lines, primary, '^');
    let mut labels: Vec<Shown<'_>> = d.secondary.iter().map(|l| shown(lines, l, '-')).collect();
    let widest = labels
        .iter()
        .map(|l| l.start.line)
        .chain([main.start.line])
        .max()
        .unwrap_or(1);
    let gutter = " ".repeat(widest.to_string().len());
    let _ = writeln!(
        out,
        "{gutter}--> {}:{}:{}",
        d.file, main.start.line, main.start.col
    );
    labels.push(main);
    labels.sort_by_key(|l| (l.start.line, l.mark != '^'));
    let _ = writeln!(out, "{gutter} |");
    let mut previous: Option<u32> = None;
    for label in &labels {
        let line_no = label.start.line;
        if previous != Some(line_no) {
            if previous.is_some_and(|p| line_no > p + 1) {
                let _ = writeln!(out, "...");
            }
            let _ = writeln!(
                out,
                "{line_no:>width$} | {}",
                tabs_as_spaces(lines.line(line_no)),
                width = gutter.len()
            );
        }
        previous = Some(line_no);
        let (start, width) = columns(lines.line(line_no), label);
        let _ = write!(
            out,
            "{gutter} | {}{}",
            " ".repeat(start),
            label.mark.to_string().repeat(width)
        );
        if let Some(message) = label.message {
            let _ = write!(out, " {message}");
        }
        out.push('\n');
    }
    trailer(out, d, &gutter);
}

fn shown<'d>(lines: &Lines<'_>, label: &'d Label, mark: char) -> Shown<'d> {
    let (start, end) = lines.range(label.span);
    Shown {
        start,
        end,
        mark,
        message: label.message.as_deref(),
    }
}

/// A line as shown: each tab as four spaces.
fn tabs_as_spaces(line: &str) -> String {
    line.replace('\t', "    ")
}

/// Where a label's marks start on its line as shown (tabs are four
/// columns wide), and how many there are: to the label's end, or to the
/// end of the line when it runs on; at least one.
fn columns(line: &str, label: &Shown<'_>) -> (usize, usize) {
    let chars: Vec<char> = line.chars().collect();
    let shown = |col: u32| -> usize {
        let n = (col as usize).saturating_sub(1).min(chars.len());
        chars[..n]
            .iter()
            .map(|c| if *c == '\t' { 4 } else { 1 })
            .sum()
    };
    let start = shown(label.start.col);
    let end = if label.end.line == label.start.line {
        shown(label.end.col)
    } else {
        shown(u32::MAX)
    };
    (start, end.saturating_sub(start).max(1))
}

fn trailer(out: &mut String, d: &Diagnostic, gutter: &str) {
    if d.help.is_none() && d.notes.is_empty() && d.code.rule().is_none() {
        return;
    }
    let _ = writeln!(out, "{gutter} |");
    if let Some(help) = &d.help {
        let _ = writeln!(out, "{gutter} = help: {help}");
    }
    for note in &d.notes {
        let _ = writeln!(out, "{gutter} = note: {note}");
    }
    if let Some(rule) = d.code.rule() {
        let _ = writeln!(
            out,
            "{gutter} = note: policy rule {rule}; see `alma-access explain {}`",
            d.code.as_str()
        );
    }
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    rule: Option<&'static str>,
    severity: &'static str,
    message: &'a str,
    file: &'a str,
    line: Option<u32>,
    column: Option<u32>,
    end_line: Option<u32>,
    end_column: Option<u32>,
    help: Option<&'a str>,
    notes: &'a [String],
    /// The places that explain the problem; left out when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    labels: Vec<JsonLabel<'a>>,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    message: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    valid: bool,
    errors: usize,
    warnings: usize,
    files: usize,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

/// Renders diagnostics as one JSON document with counts; lines and
/// columns are worked out from the files' texts in `sources`.
pub fn json(diagnostics: &[Diagnostic], sources: &Sources, files: usize) -> String {
    let (errors, warnings) = count(diagnostics);
    let mut indexes = Indexes::new(sources);
    let report = JsonReport {
        valid: errors == 0,
        errors,
        warnings,
        files,
        diagnostics: diagnostics
            .iter()
            .map(|d| {
                let lines = indexes.of(&d.file);
                let place = d
                    .primary
                    .as_ref()
                    .zip(lines)
                    .map(|(label, lines)| lines.range(label.span));
                let labels = match lines {
                    Some(lines) => d
                        .secondary
                        .iter()
                        .map(|label| {
                            let (start, end) = lines.range(label.span);
                            JsonLabel {
                                line: start.line,
                                column: start.col,
                                end_line: end.line,
                                end_column: end.col,
                                message: label.message.as_deref(),
                            }
                        })
                        .collect(),
                    None => Vec::new(),
                };
                JsonDiagnostic {
                    code: d.code.as_str(),
                    rule: d.code.rule(),
                    severity: d.severity.as_str(),
                    message: &d.message,
                    file: &d.file,
                    line: place.map(|(s, _)| s.line),
                    column: place.map(|(s, _)| s.col),
                    end_line: place.map(|(_, e)| e.line),
                    end_column: place.map(|(_, e)| e.col),
                    help: d.help.as_deref(),
                    notes: &d.notes,
                    labels,
                }
            })
            .collect(),
    };
    serde_json::to_string_pretty(&report).expect("diagnostics serialize")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Code, Diagnostic};
    use crate::yaml::Span;

    #[test]
    fn text_points_a_caret_under_the_span() {
        let file = "access/logins/main/80012345.yaml";
        let mut sources = Sources::new();
        sources.insert(file.into(), "primary_id: \"80012346\"\nname: A\n".into());
        let d = Diagnostic::error(
            Code::FileNameMismatch,
            file,
            "primary_id does not match the file name",
        )
        .at(Span::new(12, 22))
        .help("rename the file or correct primary_id");
        let out = text(&[d], &sources);
        assert_eq!(
            out,
            "error[file-name-mismatch]: primary_id does not match the file name\n \
             --> access/logins/main/80012345.yaml:1:13\n  |\n1 | primary_id: \"80012346\"\n  |             ^^^^^^^^^^\n  |\n  \
             = help: rename the file or correct primary_id\n  \
             = note: policy rule V1; see `alma-access explain file-name-mismatch`\n\n"
        );
    }

    #[test]
    fn a_secondary_label_shows_its_line_with_dashes_and_its_message() {
        let file = "access/logins/main/10000007.yaml";
        let source = "a: 1\nmanager: x\nb: 2\nc: 3\nd: 4\ne: 5\nf: 6\ng: 7\nh: 8\nmanager: y\n";
        let mut sources = Sources::new();
        sources.insert(file.into(), source.into());
        let second = source.rfind("manager").unwrap();
        let d = Diagnostic::error(Code::DuplicateKey, file, "the key `manager` appears twice")
            .at(Span::new(second, second + 7))
            .also(Span::new(5, 12), "first used here")
            .help("keep one `manager`");
        assert_eq!(
            text(std::slice::from_ref(&d), &sources),
            "error[duplicate-key]: the key `manager` appears twice\n  \
             --> access/logins/main/10000007.yaml:10:1\n   |\n 2 | manager: x\n   \
             | ------- first used here\n...\n10 | manager: y\n   | ^^^^^^^\n   |\n   \
             = help: keep one `manager`\n\n"
        );
        let json: serde_json::Value = serde_json::from_str(&json(&[d], &sources, 1)).unwrap();
        let shown = &json["diagnostics"][0];
        assert_eq!(
            (&shown["line"], &shown["end_column"]),
            (&10.into(), &8.into())
        );
        assert_eq!(
            shown["labels"],
            serde_json::json!([{"line": 2, "column": 1, "end_line": 2, "end_column": 8, "message": "first used here"}])
        );
    }

    #[test]
    fn tabs_are_shown_as_four_spaces_and_the_marks_move_with_them() {
        let file = "f.yaml";
        let mut sources = Sources::new();
        sources.insert(file.into(), "a:\n\tb: c\n".into());
        let d = Diagnostic::error(Code::YamlSyntax, file, "a tab").at(Span::new(4, 5));
        let out = text(&[d], &sources);
        assert!(out.contains("2 |     b: c\n  |     ^\n"), "{out}");
    }

    #[test]
    fn json_without_labels_has_no_labels_field() {
        let d = Diagnostic::warning(Code::StrayFile, "access/x.yml", "ignored");
        let out = json(&[d], &Sources::new(), 1);
        assert!(!out.contains("labels"), "{out}");
        assert!(out.contains("\"line\": null"), "{out}");
    }

    #[test]
    fn summary_counts_with_plurals() {
        assert_eq!(summary(&[], 1), "0 errors, 0 warnings in 1 file");
    }
}
