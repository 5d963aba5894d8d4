//! Precise edits of a login file's text: set one top-level key and leave
//! every other byte as it was (comments, blank lines, quoting, key order,
//! line ends, a byte-order mark). Positions come from the spanned YAML
//! tree ([`crate::yaml`]); the file is never re-serialized.
//!
//! - A scalar that replaces a scalar is written over the old value's span,
//!   so a comment after it on the line stays.
//! - A block (or a value that replaces a block) replaces the entry's lines,
//!   from its key to its last line with content.
//! - A key that is absent is inserted as new lines after the mapping's last
//!   line with content (before trailing comments), indented like the file.
//!
//! The result is parsed again and must hold the new value, or the edit fails.

use crate::yaml::{self, Lines, Node, Value};

/// A value to write under a top-level key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NewValue {
    /// A scalar, already written as YAML (e.g. `2027-11-23`, `"text"`).
    Scalar(String),
    /// A block mapping of scalar entries (each value already YAML).
    Block(Vec<(String, String)>),
}

/// Why a file cannot be edited in place; a person edits it by hand.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("the file is not valid YAML (line {0})")]
    Yaml(u32),
    #[error("the file is empty")]
    Empty,
    #[error("the file's top level is not a mapping")]
    NotAMapping,
    #[error("the file's top-level mapping is written in flow style `{{...}}`; edit it by hand")]
    Flow,
    #[error("the edit would break the file's YAML")]
    Broken,
    #[error("the new value is not valid YAML")]
    BadValue,
    #[error("the edit of `{0}` would change more than `{0}`; edit the file by hand")]
    Spills(String),
}

/// Sets `key` of the file's top-level mapping to `value`.
pub fn set_top_level(text: &str, key: &str, value: &NewValue) -> Result<String, EditError> {
    let (bom, body) = match text.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", text),
    };
    let doc = yaml::parse(body);
    if let Some(problem) = doc.problems.first() {
        return Err(EditError::Yaml(problem.line(body)));
    }
    let root = doc.root.ok_or(EditError::Empty)?;
    let Value::Map(entries) = &root.value else {
        return Err(EditError::NotAMapping);
    };
    let lines = Lines::new(body);
    if is_flow(body, &root) {
        return Err(EditError::Flow);
    }
    let nl = if body.contains("\r\n") { "\r\n" } else { "\n" };
    let indent = indent_of(&lines, entries);
    let edited = match entries.iter().find(|e| e.key == key) {
        Some(entry) => match (value, &entry.value.value) {
            (NewValue::Scalar(s), v) if !matches!(v, Value::Map(_) | Value::Seq(_)) => {
                let start = entry.value.span.start as usize;
                let end = scalar_end(body, &entry.value);
                format!("{}{s}{}", &body[..start], &body[end..])
            }
            _ => {
                let at = lines.pos(entry.key_span.start as usize);
                let last = last_line(&lines, &entry.value).max(at.line);
                let start = lines.start_of(at.line);
                let end = lines.end_of(last);
                let lead = " ".repeat(at.col as usize - 1);
                let block = render(key, value, &lead, &indent, nl);
                format!("{}{block}{}", &body[..start], &body[end..])
            }
        },
        None => {
            let last = entries
                .iter()
                .map(|e| last_line(&lines, &e.value).max(line_of(&lines, e.key_span.start)))
                .max()
                .unwrap_or(0);
            let lead = entries
                .first()
                .map(|e| " ".repeat(lines.pos(e.key_span.start as usize).col as usize - 1))
                .unwrap_or_default();
            let block = render(key, value, &lead, &indent, nl);
            if last == 0 {
                format!("{block}{nl}{body}")
            } else {
                let end = lines.end_of(last);
                format!("{}{nl}{block}{}", &body[..end], &body[end..])
            }
        }
    };
    check(&root, &edited, key, value)?;
    Ok(format!("{bom}{edited}"))
}

fn render(key: &str, value: &NewValue, lead: &str, indent: &str, nl: &str) -> String {
    match value {
        NewValue::Scalar(s) => format!("{lead}{key}: {s}"),
        NewValue::Block(items) => {
            let mut out = format!("{lead}{key}:");
            for (k, v) in items {
                out.push_str(&format!("{nl}{lead}{indent}{k}: {v}"));
            }
            out
        }
    }
}

/// The edited text must parse to the original document with `key` set to
/// the new value, and nothing else changed.
fn check(original: &Node, text: &str, key: &str, value: &NewValue) -> Result<(), EditError> {
    let doc = yaml::parse(text);
    let root = doc
        .root
        .filter(|_| doc.problems.is_empty())
        .ok_or(EditError::Broken)?;
    let new = match value {
        NewValue::Scalar(s) => yaml::parse(&format!("v: {s}")).root,
        NewValue::Block(items) => {
            let text: String = items.iter().map(|(k, v)| format!("  {k}: {v}\n")).collect();
            yaml::parse(&format!("v:\n{text}")).root
        }
    };
    let new = new
        .and_then(|r| r.get("v").map(|e| strip(&e.value.value)))
        .ok_or(EditError::BadValue)?;
    let mut expected = strip(&original.value);
    expected[key] = new;
    if strip(&root.value) != expected {
        return Err(EditError::Spills(key.to_string()));
    }
    Ok(())
}

/// A value without spans, for comparison.
fn strip(value: &Value) -> serde_json::Value {
    yaml::to_json(&Node {
        value: value.clone(),
        span: Default::default(),
    })
}

fn is_flow(text: &str, node: &Node) -> bool {
    let at = node.span.start as usize;
    matches!(text[at..].chars().next(), Some('{' | '['))
}

/// Where a scalar value ends: after its closing quote, or after its last
/// non-blank character (the parser's span of a quoted scalar runs on over
/// the spaces and comment that follow it).
fn scalar_end(text: &str, node: &Node) -> usize {
    let span = node.span.range();
    let (start, end) = (span.start, span.end.max(span.start));
    let rest = &text[start..];
    let Some(quote @ ('"' | '\'')) = rest.chars().next() else {
        return start + text[start..end].trim_end().len();
    };
    let mut chars = rest.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        if quote == '"' && c == '\\' {
            chars.next();
        } else if c == quote {
            if quote == '\'' && chars.peek().is_some_and(|(_, n)| *n == '\'') {
                chars.next();
            } else {
                return start + i + 1;
            }
        }
    }
    end
}

fn line_of(lines: &Lines<'_>, offset: u32) -> u32 {
    lines.pos(offset as usize).line
}

/// The last line holding content of a value: block collections end where
/// their last child ends; scalars and flow collections where their span ends
/// (a span ending at column 1 ends on the line before).
fn last_line(lines: &Lines<'_>, node: &Node) -> u32 {
    let text = lines.text();
    let first = line_of(lines, node.span.start);
    let children: Vec<&Node> = match &node.value {
        Value::Map(entries) if !is_flow(text, node) => entries.iter().map(|e| &e.value).collect(),
        Value::Seq(items) if !is_flow(text, node) => items.iter().collect(),
        _ => {
            let end = lines.pos(node.span.end as usize);
            let mut line = if end.col <= 1 && end.line > first {
                end.line - 1
            } else {
                end.line
            };
            while line > first && lines.line(line).trim().is_empty() {
                line -= 1;
            }
            return line;
        }
    };
    let keys = match &node.value {
        Value::Map(entries) => entries
            .iter()
            .map(|e| line_of(lines, e.key_span.start))
            .max(),
        _ => None,
    };
    children
        .iter()
        .map(|c| last_line(lines, c))
        .chain(keys)
        .max()
        .unwrap_or(first)
}

/// The indentation the file uses for nested mappings (default two spaces).
fn indent_of(lines: &Lines<'_>, entries: &[yaml::Entry]) -> String {
    let col = |e: &yaml::Entry| lines.pos(e.key_span.start as usize).col;
    let width = entries.iter().find_map(|e| match &e.value.value {
        Value::Map(children) if !is_flow(lines.text(), &e.value) => {
            children.first().map(|c| col(c).saturating_sub(col(e)))
        }
        _ => None,
    });
    " ".repeat(width.filter(|w| *w > 0).unwrap_or(2) as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suspended() -> NewValue {
        NewValue::Block(vec![
            ("since".into(), "2026-11-23".into()),
            ("reason".into(), "inactivity".into()),
        ])
    }

    #[test]
    fn a_block_is_inserted_after_the_last_entry_before_trailing_comments() {
        let text = "# head\nname: A  # who\ntraining:\n    ferpa: 2026-09-02\n\n# tail\n";
        let out = set_top_level(text, "suspended", &suspended()).unwrap();
        assert_eq!(
            out,
            "# head\nname: A  # who\ntraining:\n    ferpa: 2026-09-02\nsuspended:\n    since: 2026-11-23\n    reason: inactivity\n\n# tail\n"
        );
    }

    #[test]
    fn a_file_without_a_final_newline_keeps_it_that_way() {
        let out = set_top_level(
            "name: A",
            "review_by",
            &NewValue::Scalar("2027-01-01".into()),
        )
        .unwrap();
        assert_eq!(out, "name: A\nreview_by: 2027-01-01");
    }

    #[test]
    fn an_existing_block_is_replaced_whole() {
        let text = "name: A\nsuspended:\n  since: 2026-01-01\n  reason: security  # ticket\n  note: x\nreview_by: 2027-01-01\n";
        let out = set_top_level(text, "suspended", &suspended()).unwrap();
        assert_eq!(
            out,
            "name: A\nsuspended:\n  since: 2026-11-23\n  reason: inactivity\nreview_by: 2027-01-01\n"
        );
        let flow = "name: A\nsuspended: {since: 2026-01-01, reason: other}\nz: 1\n";
        let out = set_top_level(flow, "suspended", &suspended()).unwrap();
        assert_eq!(
            out,
            "name: A\nsuspended:\n  since: 2026-11-23\n  reason: inactivity\nz: 1\n"
        );
    }

    #[test]
    fn a_scalar_is_replaced_in_place_keeping_its_comment() {
        let new = NewValue::Scalar("2027-11-23".into());
        for (before, after) in [
            (
                "review_by: 2027-01-01  # c\n",
                "review_by: 2027-11-23  # c\n",
            ),
            ("review_by: \"2027-01-01\"\n", "review_by: 2027-11-23\n"),
            (
                "review_by: '2027-01-01' # c\n",
                "review_by: 2027-11-23 # c\n",
            ),
            (
                "review_by: \"2027-\\\"01\"  # c\n",
                "review_by: 2027-11-23  # c\n",
            ),
            ("review_by: 'it''s' # c\n", "review_by: 2027-11-23 # c\n"),
        ] {
            let text = format!("name: Zoë\n{before}notes: x\n");
            let out = set_top_level(&text, "review_by", &new).unwrap();
            assert_eq!(out, format!("name: Zoë\n{after}notes: x\n"), "{before}");
        }
    }

    #[test]
    fn crlf_and_a_byte_order_mark_are_kept() {
        let text = "\u{feff}name: A\r\ntraining:\r\n  ferpa: 2026-09-02\r\n";
        let out = set_top_level(text, "suspended", &suspended()).unwrap();
        assert_eq!(
            out,
            "\u{feff}name: A\r\ntraining:\r\n  ferpa: 2026-09-02\r\nsuspended:\r\n  since: 2026-11-23\r\n  reason: inactivity\r\n"
        );
    }

    #[test]
    fn a_block_scalar_at_the_end_is_not_split() {
        let text = "name: A\nnotes: |\n  line one\n  line two\n";
        let out = set_top_level(text, "review_by", &NewValue::Scalar("2027-01-01".into())).unwrap();
        assert_eq!(
            out,
            "name: A\nnotes: |\n  line one\n  line two\nreview_by: 2027-01-01\n"
        );
    }

    #[test]
    fn blank_lines_after_a_block_scalar_stay_after_the_insertion() {
        let text = "name: A\nnotes: |\n  t\n\n# z\n";
        let out = set_top_level(text, "review_by", &NewValue::Scalar("2027-01-01".into())).unwrap();
        assert_eq!(
            out,
            "name: A\nnotes: |\n  t\nreview_by: 2027-01-01\n\n# z\n"
        );
        let kept = "name: A\nnotes: |+\n  t\n\n";
        assert!(
            set_top_level(kept, "review_by", &NewValue::Scalar("2027-01-01".into())).is_err(),
            "a kept trailing blank line belongs to the scalar: refused rather than changed"
        );
    }

    #[test]
    fn flow_roots_and_broken_files_are_refused() {
        assert!(set_top_level("{name: A}\n", "x", &suspended()).is_err());
        assert!(set_top_level("name: [\n", "x", &suspended()).is_err());
    }
}
