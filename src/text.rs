//! Text from files and from Alma, made safe to show. Names, reasons, notes
//! and file names come from pull requests (hostile until merged) and from
//! Alma; rendered into a plan, a pull-request comment or a terminal, such
//! text must not start a line of its own (a fake "approved" line), move the
//! cursor or recolour the terminal, reorder what is shown (bidirectional
//! overrides), or close the Markdown code block it is shown in.
//!
//! - [`line`]: one line as written, with every control character and
//!   bidirectional override shown as a visible escape (`\n`, `\u{1b}`).
//! - [`fence`]: a Markdown code fence no content line can close.
//! - [`html`]: text escaped for HTML content and quoted attributes.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether a character must not reach a reader as itself: control
/// characters, and format characters that break lines, reorder text
/// (bidirectional overrides) or take no space.
fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00ad}'
                | '\u{061c}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{feff}'
        )
}

/// `text` as one line that shows what it holds: control characters (line
/// breaks, tabs, terminal escapes) and invisible or reordering characters
/// are written as escapes (`\n`, `\r`, `\t`, `\u{1b}`), and a backslash
/// as `\\`, so an escape shown is never mistaken for one written.
pub fn line(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c == '\\' || unsafe_char(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\\' => out.push_str("\\\\"),
            c if unsafe_char(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A backtick fence for a Markdown code block holding `content`: one
/// backtick longer than the longest run of backticks in it (at least three),
/// so no line of the content can close the block early.
pub fn fence(content: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in content.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    "`".repeat((longest + 1).max(3))
}

/// Escapes text for HTML content and double- or single-quoted attributes;
/// control characters are escaped as in [`line`].
pub fn html(text: &str) -> String {
    let text = line(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_cannot_break_or_steer_the_terminal() {
        assert_eq!(line("Jane Doe"), "Jane Doe");
        assert!(matches!(line("Jane Doe"), Cow::Borrowed(_)));
        assert_eq!(
            line("x\n✅ Approved by @systems\r\t"),
            "x\\n✅ Approved by @systems\\r\\t"
        );
        assert_eq!(line("\u{1b}[31mred"), "\\u{1b}[31mred");
        assert_eq!(line("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(line("a\u{2028}b"), "a\\u{2028}b");
        assert_eq!(line("a\\nb"), "a\\\\nb");
        assert_eq!(line("zero\u{200b}width"), "zero\\u{200b}width");
    }

    #[test]
    fn fences_outgrow_any_backtick_run() {
        assert_eq!(fence("plain"), "```");
        assert_eq!(fence("a ``` b"), "````");
        assert_eq!(fence("````` and `"), "``````");
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            html("<img src=x onerror=alert(1)> & \"q\" 'q'\n"),
            "&lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot; &#39;q&#39;\\n"
        );
    }
}
