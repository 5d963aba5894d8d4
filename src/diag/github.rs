//! Diagnostics as GitHub Actions workflow commands (`::error file=...,
//! line=...::message`), so a pull request shows each problem on the line
//! of its diff that it concerns. Every value is escaped as the runner
//! expects: text from a pull request (file names, values quoted in
//! messages) can neither end the command early nor start a command of its
//! own on a new line.

use std::fmt::Write as _;

use super::{Diagnostic, Severity};

/// Renders one annotation per diagnostic: errors as `::error`, warnings as
/// `::warning`, with the file, the span, the code as the title, and the
/// message followed by its help and notes.
pub fn annotations(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        annotation(&mut out, d);
    }
    out
}

fn annotation(out: &mut String, d: &Diagnostic) {
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut properties = vec![format!("file={}", property(&d.file))];
    if let Some(span) = d.span {
        properties.push(format!("line={}", span.start.line));
        if span.end.line > span.start.line {
            properties.push(format!("endLine={}", span.end.line));
        }
        properties.push(format!("col={}", span.start.col));
        if span.end.line == span.start.line && span.end.col > span.start.col + 1 {
            // The runner's end column is inclusive; the span's end is not.
            properties.push(format!("endColumn={}", span.end.col - 1));
        }
    }
    let title = format!("alma-access {}", d.code.as_str());
    properties.push(format!("title={}", property(&title)));
    let mut message = d.message.clone();
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
    use crate::yaml::{Pos, Span};

    fn span(line: u32, col: u32, end_line: u32, end_col: u32) -> Span {
        Span {
            start: Pos { line, col },
            end: Pos {
                line: end_line,
                col: end_col,
            },
        }
    }

    #[test]
    fn an_error_points_at_its_line_and_columns_with_help() {
        let d = Diagnostic::error(
            Code::UnknownKey,
            "access/logins/main/80231457.yaml",
            "unknown key `trainig`",
        )
        .at(span(17, 1, 17, 8))
        .help("did you mean `training`?");
        assert_eq!(
            annotations(&[d]),
            "::error file=access/logins/main/80231457.yaml,line=17,col=1,endColumn=7,\
             title=alma-access unknown-key::unknown key `trainig`%0Ahelp: did you mean `training`?\n"
        );
    }

    #[test]
    fn a_warning_without_a_span_names_the_file_only() {
        let d = Diagnostic::warning(Code::StrayFile, "access/notes.yml", "ignored");
        assert_eq!(
            annotations(&[d]),
            "::warning file=access/notes.yml,title=alma-access stray-file::ignored\n"
        );
    }

    #[test]
    fn hostile_text_cannot_end_the_command_or_start_another() {
        let d = Diagnostic::error(
            Code::StrayFile,
            "access/logins/a,line=1::x.yaml",
            "bad `x`\n::add-mask::secret\r100%",
        )
        .at(span(2, 3, 4, 1));
        let out = annotations(&[d]);
        assert_eq!(out.lines().count(), 1, "{out}");
        assert_eq!(
            out,
            "::error file=access/logins/a%2Cline=1%3A%3Ax.yaml,line=2,endLine=4,col=3,\
             title=alma-access stray-file::bad `x`%0A::add-mask::secret%0D100%25\n"
        );
    }
}
