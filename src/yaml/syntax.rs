//! YAML syntax errors in plain words, at the place to fix. The parser
//! reports where it gave up, which for an unclosed `[` or `{` is often
//! lines later; a liaison editing in a browser needs the bracket. So the
//! text is scanned for a bracket or quote left open where the parser
//! stopped, and that opener is reported; otherwise the parser's message is
//! put in words a person who does not know YAML can act on.

use super::{Lines, Span};

/// A syntax error as shown: what is wrong, where, and what to do.
#[derive(Clone, Debug, PartialEq)]
pub struct Explained {
    pub message: String,
    pub span: Span,
    pub help: String,
}

/// Explains the parser's `message` at `span` in `text`.
pub fn explain(text: &str, message: &str, span: Span) -> Explained {
    let lines = Lines::new(text);
    if let Some(open) = left_open(&lines, span.start as usize) {
        return open;
    }
    let (message, help) = in_words(text, message, span.start as usize);
    Explained {
        message,
        span,
        help,
    }
}

/// A bracket or quote, where it is: its byte offset and line.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Opener {
    char: char,
    at: usize,
    line: u32,
}

/// What the scanner is inside of.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Inside {
    Quote(Opener),
    Comment,
    /// A block scalar (`|`, `>`) under a line of this indentation.
    Block(usize),
}

/// The innermost bracket or quote open where the parser stopped (at byte
/// `stop`) and not closed there: brackets never closed in the whole text,
/// quotes not closed on their own line. A closing bracket that does not
/// match is reported too.
fn left_open(lines: &Lines<'_>, stop: usize) -> Option<Explained> {
    let stop_line = lines.pos(stop).line;
    let mut scan = Scan::default();
    for line_no in 1..=lines.count() {
        if line_no > stop_line && !scan.open() {
            return None;
        }
        if let Some(found) = scan.line(lines, line_no) {
            return (line_no <= stop_line).then_some(found);
        }
        if let Some(Inside::Quote(quote)) = scan.inside
            && quote.line == line_no
            && quote.at <= stop
        {
            let q = quote.char;
            return Some(Explained {
                message: format!(
                    "this quoted value is never closed: the `{q}` has no partner on its line"
                ),
                span: Span::point(quote.at),
                help: format!("add the closing `{q}` at the end of the value"),
            });
        }
        if line_no == stop_line {
            scan.stop = Some(scan.flow.clone());
        }
    }
    let at_stop = scan.stop?;
    let open = *at_stop.iter().rev().find(|open| scan.flow.contains(open))?;
    let bracket = open.char;
    let close = if bracket == '[' { ']' } else { '}' };
    let what = if bracket == '[' { "list" } else { "mapping" };
    Some(Explained {
        message: format!("this `{bracket}` is never closed"),
        span: Span::point(open.at),
        help: format!("end the {what} with `{close}` (on the same line is clearest)"),
    })
}

#[derive(Default)]
struct Scan {
    inside: Option<Inside>,
    flow: Vec<Opener>,
    /// The brackets open at the end of the parser's line.
    stop: Option<Vec<Opener>>,
}

impl Scan {
    fn open(&self) -> bool {
        !self.flow.is_empty() || matches!(self.inside, Some(Inside::Quote(..)))
    }

    /// Scans one line; returns a mismatched closing bracket.
    fn line(&mut self, lines: &Lines<'_>, line_no: u32) -> Option<Explained> {
        let line = lines.line(line_no);
        let offset = lines.start_of(line_no);
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
        let chars: Vec<(usize, char)> = line.char_indices().collect();
        let mut value_start = true;
        let mut i = 0;
        while i < chars.len() {
            let (byte, c) = chars[i];
            let here = Opener {
                char: c,
                at: offset + byte,
                line: line_no,
            };
            match self.inside {
                Some(Inside::Comment) => break,
                Some(Inside::Quote(q)) if q.char == '"' && c == '\\' => i += 1,
                Some(Inside::Quote(q))
                    if q.char == '\''
                        && c == '\''
                        && chars.get(i + 1).map(|p| p.1) == Some('\'') =>
                {
                    i += 1
                }
                Some(Inside::Quote(q)) if c == q.char => self.inside = None,
                Some(Inside::Quote(..)) => {}
                _ if c == '#' && (i == 0 || chars[i - 1].1.is_whitespace()) => {
                    self.inside = Some(Inside::Comment)
                }
                _ if value_start && matches!(c, '"' | '\'') => {
                    self.inside = Some(Inside::Quote(here))
                }
                _ if value_start && matches!(c, '[' | '{') => self.flow.push(here),
                _ if value_start && matches!(c, '|' | '>') && self.flow.is_empty() => {
                    self.inside = Some(Inside::Block(indent));
                    break;
                }
                _ if matches!(c, ']' | '}') && !self.flow.is_empty() => {
                    let open = self.flow.pop().expect("not empty");
                    if (open.char == '[') != (c == ']') {
                        return Some(mismatch(here, open));
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

fn mismatch(close: Opener, open: Opener) -> Explained {
    let wanted = if open.char == '[' { ']' } else { '}' };
    Explained {
        message: format!(
            "this `{}` does not match the `{}` opened on line {}",
            close.char, open.char, open.line
        ),
        span: Span::point(close.at),
        help: format!("close the `{}` with `{wanted}`", open.char),
    }
}

/// The parser's message in plain words, with what to do.
fn in_words(text: &str, message: &str, at: usize) -> (String, String) {
    let here = text.get(at..).and_then(|rest| rest.chars().next());
    let indentation = "indent with spaces so that the keys of one mapping line up, and \
                       what belongs to a key is indented under it";
    // "tab" as a word: "found unprintable character" is no tab.
    let tab = message
        .split(|c: char| !c.is_alphabetic())
        .any(|word| word == "tab" || word == "tabs");
    let (what, help) = if here == Some('\t') || tab {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Pos, Problem, parse};

    /// The explained syntax problem of `text`, and where it starts as shown.
    fn explained(text: &str) -> (Explained, Pos) {
        match parse(text).problems.as_slice() {
            [
                Problem::Syntax {
                    message,
                    span,
                    help,
                },
            ] => (
                Explained {
                    message: message.clone(),
                    span: *span,
                    help: help.clone(),
                },
                Lines::new(text).pos(span.start as usize),
            ),
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
        let (e, start) = explained(text);
        assert_eq!(start, at(4, 24), "{e:?}");
        assert_eq!(e.message, "this `[` is never closed");
        assert!(e.help.contains("`]`"), "{e:?}");
    }

    #[test]
    fn an_unclosed_brace_is_reported_at_the_brace() {
        let (e, start) = explained("roles:\n  course-reserves: {\ntraining: x\n");
        assert_eq!(start, at(2, 20), "{e:?}");
        assert_eq!(e.message, "this `{` is never closed");
    }

    #[test]
    fn an_unclosed_quote_is_reported_at_the_quote() {
        let (e, start) = explained("primary_id: \"1\"\nname: \"Jordan Luo\nunit: main\n");
        assert_eq!(start, at(2, 7), "{e:?}");
        assert!(
            e.message.starts_with("this quoted value is never closed"),
            "{e:?}"
        );
    }

    #[test]
    fn a_mismatched_bracket_names_the_opener() {
        let (e, start) = explained("desks: [A, B}\nname: x\n");
        assert_eq!(start, at(1, 13), "{e:?}");
        assert_eq!(
            e.message,
            "this `}` does not match the `[` opened on line 1"
        );
    }

    #[test]
    fn brackets_in_comments_quotes_block_text_and_words_are_not_openers() {
        let text = "note: |\n  a [ in text\n  and { too\nname: O[x # a [ comment\n\
                    quote: \"[ no\"\ndesks: [A,\n  B]\nbad:\n   x: 1\n  y: 2\n";
        let (e, start) = explained(text);
        assert!(
            e.message.starts_with("this line is not indented like"),
            "{e:?}"
        );
        assert_eq!(start.line, 10, "{e:?}");
    }

    #[test]
    fn a_tab_is_named() {
        let (e, _) = explained("roles:\n\tfulfillment: {}\n");
        assert!(e.message.starts_with("a tab is used here"), "{e:?}");
    }

    #[test]
    fn an_unprintable_character_is_not_called_a_tab() {
        let (e, start) = explained("name: a\u{0}b\n");
        assert!(!e.message.contains("tab is used"), "{e:?}");
        assert_eq!(start, at(1, 8), "{e:?}");
    }

    #[test]
    fn a_key_where_none_can_start_says_so() {
        let (e, _) = explained("roles:\n  fulfillment:\n   level: operator\n    desks: [A]\n");
        assert!(e.message.starts_with("a `key:` cannot start here"), "{e:?}");
        assert!(e.message.contains("the YAML reader says"), "{e:?}");
    }
}
