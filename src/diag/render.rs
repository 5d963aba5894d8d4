//! Rendering diagnostics: rustc-style text for people (`error[code]:`, the
//! `-->` location, the source line with a caret, `= help:`), and JSON for
//! machines. Output is deterministic: no colour, no terminal width probing.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use serde::Serialize;

use super::{Diagnostic, count};

/// The texts of the files diagnostics point into, by their displayed path.
pub type Sources = BTreeMap<String, String>;

/// Renders diagnostics as text. Each file is split into lines once, so the
/// time stays linear however many diagnostics point into one file.
pub fn text(diagnostics: &[Diagnostic], sources: &Sources) -> String {
    let mut out = String::new();
    let mut lines: HashMap<&str, Vec<&str>> = HashMap::new();
    for d in diagnostics {
        let shown = sources.get(&d.file).map(|source| {
            lines
                .entry(d.file.as_str())
                .or_insert_with(|| source.lines().collect())
                .as_slice()
        });
        render_one(&mut out, d, shown);
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

fn render_one(out: &mut String, d: &Diagnostic, source: Option<&[&str]>) {
    let _ = writeln!(
        out,
        "{}[{}]: {}",
        d.severity.as_str(),
        d.code.as_str(),
        d.message
    );
    let Some(span) = d.span else {
        let _ = writeln!(out, "  --> {}", d.file);
        trailer(out, d, "  ");
        return;
    };
    let line_no = span.start.line as usize;
    let gutter = " ".repeat(line_no.to_string().len());
    let _ = writeln!(
        out,
        "{gutter}--> {}:{}:{}",
        d.file, span.start.line, span.start.col
    );
    if let Some(raw) = source.and_then(|lines| lines.get(line_no.wrapping_sub(1))) {
        // Tabs are shown as four spaces, and the caret moves with them.
        let raw: Vec<char> = raw.trim_end_matches('\r').chars().collect();
        let shown = |col: usize| -> usize {
            raw[..col.min(raw.len())]
                .iter()
                .map(|c| if *c == '\t' { 4 } else { 1 })
                .sum()
        };
        let line: String = raw
            .iter()
            .map(|c| {
                if *c == '\t' {
                    "    ".to_string()
                } else {
                    c.to_string()
                }
            })
            .collect();
        let width = shown(raw.len());
        let start = shown((span.start.col as usize).saturating_sub(1));
        let end = if span.end.line == span.start.line {
            shown((span.end.col as usize).saturating_sub(1))
        } else {
            width
        };
        let carets = end.saturating_sub(start).max(1);
        let _ = writeln!(out, "{gutter} |");
        let _ = writeln!(out, "{line_no} | {line}");
        let _ = writeln!(
            out,
            "{gutter} | {}{}",
            " ".repeat(start),
            "^".repeat(carets)
        );
    }
    trailer(out, d, &gutter);
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
}

#[derive(Serialize)]
struct JsonReport<'a> {
    valid: bool,
    errors: usize,
    warnings: usize,
    files: usize,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

/// Renders diagnostics as one JSON document with counts.
pub fn json(diagnostics: &[Diagnostic], files: usize) -> String {
    let (errors, warnings) = count(diagnostics);
    let report = JsonReport {
        valid: errors == 0,
        errors,
        warnings,
        files,
        diagnostics: diagnostics
            .iter()
            .map(|d| JsonDiagnostic {
                code: d.code.as_str(),
                rule: d.code.rule(),
                severity: d.severity.as_str(),
                message: &d.message,
                file: &d.file,
                line: d.span.map(|s| s.start.line),
                column: d.span.map(|s| s.start.col),
                end_line: d.span.map(|s| s.end.line),
                end_column: d.span.map(|s| s.end.col),
                help: d.help.as_deref(),
                notes: &d.notes,
            })
            .collect(),
    };
    serde_json::to_string_pretty(&report).expect("diagnostics serialize")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Code, Diagnostic};
    use crate::yaml::{Pos, Span};

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
        .at(Span {
            start: Pos { line: 1, col: 13 },
            end: Pos { line: 1, col: 23 },
        })
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
    fn summary_counts_with_plurals() {
        assert_eq!(summary(&[], 1), "0 errors, 0 warnings in 1 file");
    }
}
