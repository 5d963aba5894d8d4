//! Diagnostics as GitHub Actions workflow commands (`::error file=...,
//! line=...::message`), so a pull request shows each problem on the line
//! of its diff that it concerns. Every value is escaped as the runner
//! expects: text from a pull request (file names, values quoted in
//! messages) can neither end the command early nor start a command of its
//! own on a new line.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::render::Sources;
use super::{Diagnostic, Severity};
use crate::yaml::Lines;

/// Renders one annotation per diagnostic: errors as `::error`, warnings as
/// `::warning`, with the file, the primary label's place (lines and
/// columns worked out from the file's text in `sources`), the code as the
/// title, and the message followed by the other labels, the help and notes.
pub fn annotations(diagnostics: &[Diagnostic], sources: &Sources) -> String {
    let mut out = String::new();
    let mut indexes: HashMap<&str, Lines<'_>> = HashMap::new();
    for d in diagnostics {
        let lines = sources
            .get_key_value(&d.file)
            .map(|(file, text)| &*indexes.entry(file).or_insert_with(|| Lines::new(text)));
        annotation(&mut out, d, lines);
    }
    out
}

fn annotation(out: &mut String, d: &Diagnostic, lines: Option<&Lines<'_>>) {
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut properties = vec![format!("file={}", property(&d.file))];
    if let (Some(span), Some(lines)) = (d.span(), lines) {
        let (start, end) = lines.range(span);
        properties.push(format!("line={}", start.line));
        if end.line > start.line {
            properties.push(format!("endLine={}", end.line));
        }
        properties.push(format!("col={}", start.col));
        if end.line == start.line && end.col > start.col + 1 {
            // The runner's end column is inclusive; the span's end is not.
            properties.push(format!("endColumn={}", end.col - 1));
        }
    }
    let title = format!("alma-access {}", d.code.as_str());
    properties.push(format!("title={}", property(&title)));
    let mut message = d.message.clone();
    if let Some(lines) = lines {
        for label in &d.secondary {
            let line = lines.range(label.span).0.line;
            let said = label.message.as_deref().unwrap_or("see here");
            let _ = write!(message, "\nline {line}: {said}");
        }
    }
    if let Some(help) = &d.help {
        let _ = write!(message, "\nhelp: {help}");
    }
    for note in &d.notes {
        let _ = write!(message, "\nnote: {note}");
    }
    let _ = writeln!(
        out,
        "::{command} {}::{}",
        properties.join(","),
        data(&message)
    );
}

/// Escapes a command's message: `%`, carriage returns and line feeds.
fn data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a property value: as [`data`], and also `:` and `,`, which
/// would otherwise end the value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;
    use crate::yaml::Span;

    /// Sources holding `file` with `lines` lines of ten characters.
    fn sources(file: &str, lines: usize) -> Sources {
        let mut sources = Sources::new();
        sources.insert(file.into(), "abcdefghi\n".repeat(lines));
        sources
    }

    /// The span from (line, col) to (end_line, end_col) in a text of [`sources`].
    fn span(line: usize, col: usize, end_line: usize, end_col: usize) -> Span {
        let at = |line: usize, col: usize| (line - 1) * 10 + col - 1;
        Span::new(at(line, col), at(end_line, end_col))
    }

    #[test]
    fn an_error_points_at_its_line_and_columns_with_help() {
        let file = "access/logins/main/80231457.yaml";
        let d = Diagnostic::error(Code::UnknownKey, file, "unknown key `trainig`")
            .at(span(17, 1, 17, 8))
            .help("did you mean `training`?");
        assert_eq!(
            annotations(&[d], &sources(file, 20)),
            "::error file=access/logins/main/80231457.yaml,line=17,col=1,endColumn=7,\
             title=alma-access unknown-key::unknown key `trainig`%0Ahelp: did you mean `training`?\n"
        );
    }

    #[test]
    fn a_warning_without_a_span_names_the_file_only() {
        let d = Diagnostic::warning(Code::StrayFile, "access/notes.yml", "ignored");
        assert_eq!(
            annotations(&[d], &Sources::new()),
            "::warning file=access/notes.yml,title=alma-access stray-file::ignored\n"
        );
    }

    #[test]
    fn hostile_text_cannot_end_the_command_or_start_another() {
        let file = "access/logins/a,line=1::x.yaml";
        let d = Diagnostic::error(Code::StrayFile, file, "bad `x`\n::add-mask::secret\r100%")
            .at(span(2, 3, 4, 1));
        let out = annotations(&[d], &sources(file, 5));
        assert_eq!(out.lines().count(), 1, "{out}");
        assert_eq!(
            out,
            "::error file=access/logins/a%2Cline=1%3A%3Ax.yaml,line=2,endLine=4,col=3,\
             title=alma-access stray-file::bad `x`%0A::add-mask::secret%0D100%25\n"
        );
    }

    #[test]
    fn other_labels_are_said_with_their_line() {
        let file = "f.yaml";
        let d = Diagnostic::error(Code::DuplicateKey, file, "the key `a` appears twice")
            .at(span(3, 1, 3, 2))
            .also(span(1, 1, 1, 2), "first used here");
        assert_eq!(
            annotations(&[d], &sources(file, 3)),
            "::error file=f.yaml,line=3,col=1,title=alma-access duplicate-key::\
             the key `a` appears twice%0Aline 1: first used here\n"
        );
    }
}
