//! YAML syntax errors in plain words, at the place to fix. The parser
//! reports where it gave up, which for an unclosed `[` or `{` is often
//! lines later; a liaison editing in a browser needs the bracket. So the
//! text is scanned for a bracket or quote left open where the parser
//! stopped, and that opener is reported; otherwise the parser's message is
//! put in words a person who does not know YAML can act on.

use super::{Pos, Span};

/// A syntax error as shown: what is wrong, where, and what to do.
#[derive(Clone, Debug, PartialEq)]
pub struct Explained {
    pub message: String,
    pub span: Span,
    pub help: String,
}

/// Explains the parser's `message` at `span` in `text`.
pub fn explain(text: &str, message: &str, span: Span) -> Explained {
    if let Some(open) = left_open(text, span.start) {
        return open;
    }
    let (message, help) = in_words(text, message, span.start);
    Explained {
        message,
        span,
        help,
    }
}

/// What the scanner is inside of.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Inside {
    Quote(char, Pos),
    Comment,
    /// A block scalar (`|`, `>`) under a line of this indentation.
    Block(usize),
}

/// The innermost bracket or quote open where the parser stopped and not
/// closed there: brackets never closed in the whole text, quotes not
/// closed on their own line. A closing bracket that does not match is
/// reported too.
fn left_open(text: &str, stop: Pos) -> Option<Explained> {
    let mut scan = Scan::default();
    for (n, line) in text.lines().enumerate() {
        let line_no = u32::try_from(n + 1).unwrap_or(u32::MAX);
        if line_no > stop.line && !scan.open() {
            return None;
        }
        if let Some(found) = scan.line(line, line_no) {
            return (line_no <= stop.line).then_some(found);
        }
        if let Some(Inside::Quote(q, at)) = scan.inside
            && at.line == line_no
            && at <= stop
        {
            return Some(Explained {
                message: format!(
                    "this quoted value is never closed: the `{q}` has no partner on its line"
                ),
                span: Span::point(at),
                help: format!("add the closing `{q}` at the end of the value"),
            });
        }
        if line_no == stop.line {
            scan.stop = Some(scan.flow.clone());
        }
    }
    let at_stop = scan.stop?;
    let (bracket, at) = *at_stop.iter().rev().find(|open| scan.flow.contains(open))?;
    let close = if bracket == '[' { ']' } else { '}' };
    let what = if bracket == '[' { "list" } else { "mapping" };
    Some(Explained {
        message: format!("this `{bracket}` is never closed"),
        span: Span::point(at),
        help: format!("end the {what} with `{close}` (on the same line is clearest)"),
    })
}

#[derive(Default)]
struct Scan {
    inside: Option<Inside>,
    flow: Vec<(char, Pos)>,
    /// The brackets open at the end of the parser's line.
    stop: Option<Vec<(char, Pos)>>,
}

impl Scan {
    fn open(&self) -> bool {
        !self.flow.is_empty() || matches!(self.inside, Some(Inside::Quote(..)))
    }

    /// Scans one line; returns a mismatched closing bracket.
    fn line(&mut self, line: &str, line_no: u32) -> Option<Explained> {
        let indent = line.len() - line.trim_start_matches(' ').len();
        if let Some(Inside::Block(header)) = self.inside {
            if line.trim().is_empty() || indent > header {
                return None;
            }
            self.inside = None;
        }
        if self.inside == Some(Inside::Comment) {
            self.inside = None;
        }
        let chars: Vec<char> = line.chars().collect();
        let mut value_start = true;
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let at = Pos {
                line: line_no,
                col: u32::try_from(i + 1).unwrap_or(u32::MAX),
            };
            match self.inside {
                Some(Inside::Comment) => break,
                Some(Inside::Quote('"', _)) if c == '\\' => i += 1,
                Some(Inside::Quote('\'', _)) if c == '\'' && chars.get(i + 1) == Some(&'\'') => {
                    i += 1
                }
                Some(Inside::Quote(q, _)) if c == q => self.inside = None,
                Some(Inside::Quote(..)) => {}
                _ if c == '#' && (i == 0 || chars[i - 1].is_whitespace()) => {
                    self.inside = Some(Inside::Comment)
                }
                _ if value_start && matches!(c, '"' | '\'') => {
                    self.inside = Some(Inside::Quote(c, at))
                }
                _ if value_start && matches!(c, '[' | '{') => self.flow.push((c, at)),
                _ if value_start && matches!(c, '|' | '>') && self.flow.is_empty() => {
                    self.inside = Some(Inside::Block(indent));
                    break;
                }
                _ if matches!(c, ']' | '}') && !self.flow.is_empty() => {
                    let (open, opened) = self.flow.pop().expect("not empty");
                    if (open == '[') != (c == ']') {
                        return Some(mismatch(c, open, opened, at));
                    }
                }
                _ => {}
            }
            if !c.is_whitespace() {
                value_start = matches!(c, ':' | '-' | '[' | '{' | ',' | '?');
            }
            i += 1;
        }
        None
    }
}

fn mismatch(close: char, open: char, opened: Pos, at: Pos) -> Explained {
    let wanted = if open == '[' { ']' } else { '}' };
    Explained {
        message: format!(
            "this `{close}` does not match the `{open}` opened on line {}",
            opened.line
        ),
        span: Span::point(at),
        help: format!("close the `{open}` with `{wanted}`"),
    }
}

/// The parser's message in plain words, with what to do.
fn in_words(text: &str, message: &str, at: Pos) -> (String, String) {
    let here = char_at(text, at);
    let indentation = "indent with spaces so that the keys of one mapping line up, and \
                       what belongs to a key is indented under it";
    let (what, help) = if here == Some('\t') || message.contains("tab") {
        (
            "a tab is used here; YAML allows only spaces for indentation",
            "replace the tab with spaces",
        )
    } else if message.contains("mapping values are not allowed")
        || message.contains("illegal placement of ':'")
    {
        (
            "a `key:` cannot start here",
            "check this line's indentation against the line above; if a value contains `: `, put it in quotes",
        )
    } else if message.contains("quoted scalar") {
        (
            "this quoted value is not closed properly",
            "end the value with the same quote it starts with",
        )
    } else if message.contains("indentation") || message.contains("did not find expected key") {
        (
            "this line is not indented like the lines around it",
            indentation,
        )
    } else if message.contains("block sequence entries are not allowed") {
        (
            "a list item (`- `) cannot start here",
            "put the items on their own lines, indented under their key, or write the list as `[a, b]`",
        )
    } else if message.contains("cannot start any token") || message.contains("unexpected character")
    {
        (
            "this character cannot start a value",
            "put the value in quotes",
        )
    } else {
        (
            "the file is not valid YAML here",
            "check indentation (spaces, not tabs), the colon after each key, and closing brackets and quotes",
        )
    };
    (
        format!("{what} (the YAML reader says: {message})"),
        help.to_string(),
    )
}

fn char_at(text: &str, at: Pos) -> Option<char> {
    let line = text
        .lines()
        .nth(usize::try_from(at.line).ok()?.checked_sub(1)?)?;
    line.chars()
        .nth(usize::try_from(at.col).ok()?.checked_sub(1)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Problem, parse};

    /// The explained syntax problem of `text`.
    fn explained(text: &str) -> Explained {
        match parse(text).problems.as_slice() {
            [
                Problem::Syntax {
                    message,
                    span,
                    help,
                },
            ] => Explained {
                message: message.clone(),
                span: *span,
                help: help.clone(),
            },
            other => panic!("expected one syntax problem, got {other:?}"),
        }
    }

    fn at(line: u32, col: u32) -> Pos {
        Pos { line, col }
    }

    #[test]
    fn an_unclosed_bracket_is_reported_at_the_bracket() {
        let text = "roles:\n  fulfillment:\n    level: operator\n    circulation_desks: [A, B, C\n  \
                    course-reserves: {}\ntraining:\n  ferpa: 2026-01-14\n";
        let e = explained(text);
        assert_eq!(e.span.start, at(4, 24), "{e:?}");
        assert_eq!(e.message, "this `[` is never closed");
        assert!(e.help.contains("`]`"), "{e:?}");
    }

    #[test]
    fn an_unclosed_brace_is_reported_at_the_brace() {
        let e = explained("roles:\n  course-reserves: {\ntraining: x\n");
        assert_eq!(e.span.start, at(2, 20), "{e:?}");
        assert_eq!(e.message, "this `{` is never closed");
    }

    #[test]
    fn an_unclosed_quote_is_reported_at_the_quote() {
        let e = explained("primary_id: \"1\"\nname: \"Jordan Luo\nunit: main\n");
        assert_eq!(e.span.start, at(2, 7), "{e:?}");
        assert!(
            e.message.starts_with("this quoted value is never closed"),
            "{e:?}"
        );
    }

    #[test]
    fn a_mismatched_bracket_names_the_opener() {
        let e = explained("desks: [A, B}\nname: x\n");
        assert_eq!(e.span.start, at(1, 13), "{e:?}");
        assert_eq!(
            e.message,
            "this `}` does not match the `[` opened on line 1"
        );
    }

    #[test]
    fn brackets_in_comments_quotes_block_text_and_words_are_not_openers() {
        let text = "note: |\n  a [ in text\n  and { too\nname: O[x # a [ comment\n\
                    quote: \"[ no\"\ndesks: [A,\n  B]\nbad:\n   x: 1\n  y: 2\n";
        let e = explained(text);
        assert!(
            e.message.starts_with("this line is not indented like"),
            "{e:?}"
        );
        assert_eq!(e.span.start.line, 10, "{e:?}");
    }

    #[test]
    fn a_tab_is_named() {
        let e = explained("roles:\n\tfulfillment: {}\n");
        assert!(e.message.starts_with("a tab is used here"), "{e:?}");
    }

    #[test]
    fn a_key_where_none_can_start_says_so() {
        let e = explained("roles:\n  fulfillment:\n   level: operator\n    desks: [A]\n");
        assert!(e.message.starts_with("a `key:` cannot start here"), "{e:?}");
        assert!(e.message.contains("the YAML reader says"), "{e:?}");
    }
}
