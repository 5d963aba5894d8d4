//! Diagnostics as data: every problem found in the access repository is a
//! [`Diagnostic`] with a stable [`Code`], a severity, the file it concerns,
//! a message, labelled places in the file (the primary one, where the
//! problem is, and secondary ones that explain it, such as where a repeated
//! key was first used) and a `help` line saying what to do. Places are byte
//! ranges; lines and columns are worked out from the file's text when
//! rendering (text for people, JSON for machines) in [`render`], or
//! workflow annotations for pull requests in [`github`]; nothing here prints.

mod codes;
pub mod explain;
pub mod github;
pub mod render;
pub mod rules;

use serde::Serialize;

pub use codes::Code;

use crate::yaml::Span;

/// How serious a diagnostic is: errors fail `validate`, warnings do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A place in a diagnostic's file, and what to say there (if anything).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: Option<String>,
}

/// One problem, located in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// The file, relative to the repository root, with `/` separators.
    pub file: String,
    /// Where the problem is; `None` for a problem with the whole file.
    pub primary: Option<Label>,
    /// Other places that explain it, each with its message.
    pub secondary: Vec<Label>,
    pub help: Option<String>,
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub fn error(code: Code, file: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, file, message)
    }

    pub fn warning(code: Code, file: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, file, message)
    }

    fn new(
        code: Code,
        severity: Severity,
        file: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            severity,
            message: message.into(),
            file: file.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
            notes: Vec::new(),
        }
    }

    /// Points the diagnostic at a span of its file (its primary label).
    pub fn at(mut self, span: Span) -> Self {
        self.primary = Some(Label {
            span,
            message: None,
        });
        self
    }

    /// Says what is at the primary label's place.
    pub fn labelled(mut self, message: impl Into<String>) -> Self {
        if let Some(label) = &mut self.primary {
            label.message = Some(message.into());
        }
        self
    }

    /// Adds a secondary label: another place of the file that explains the problem.
    pub fn also(mut self, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label {
            span,
            message: Some(message.into()),
        });
        self
    }

    /// Where the problem is: the primary label's span.
    pub fn span(&self) -> Option<Span> {
        self.primary.as_ref().map(|l| l.span)
    }

    /// Says what to do about it.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a note (context, a related place).
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The order diagnostics are reported in: by file, then position, then code.
    pub fn sort_key(&self) -> (&str, Option<Span>, Code, &str) {
        (&self.file, self.span(), self.code, &self.message)
    }
}

/// Sorts diagnostics into reporting order and drops exact repeats.
pub fn sort(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup();
}

/// Counts errors and warnings.
pub fn count(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    (errors, diagnostics.len() - errors)
}

/// Finds the candidate closest to `word` for a "did you mean" hint.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_finds_close_keys_only() {
        let keys = [
            "circulation_desks",
            "departments",
            "po_line_owners",
            "level",
        ];
        assert_eq!(
            did_you_mean("circulation_desk", keys),
            Some("circulation_desks")
        );
        assert_eq!(did_you_mean("levle", keys), Some("level"));
        assert_eq!(did_you_mean("zzz", keys), None);
    }
}
