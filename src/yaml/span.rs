//! Where things are in a source file. The tree keeps byte ranges
//! ([`Span`]); lines and columns ([`Pos`]) are worked out only when a
//! diagnostic is shown, from the file's text through a [`Lines`] index.
//!
//! Lines are what YAML calls lines: `\r\n`, `\n` and a lone `\r` each end
//! one, so a caret shown under a line is where the parser read it. Columns
//! count characters, from 1.

/// A range of a source file in bytes; `end` is exclusive. An empty span is
/// a place between characters (where the parser saw an empty value).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    /// The span of `start..end` (byte offsets).
    pub fn new(start: usize, end: usize) -> Span {
        let at = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Span {
            start: at(start),
            end: at(end.max(start)),
        }
    }

    /// The place of one character at byte `offset`, shown one column wide
    /// (whatever its width in bytes). At the end of the text it reaches one
    /// byte past it: the place just after the last character.
    pub fn point(offset: usize) -> Span {
        Span::new(offset, offset + 1)
    }

    /// The span as a range of bytes, for slicing the text.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// A span from this one's start to `other`'s end.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start,
            end: other.end.max(self.start),
        }
    }
}

/// A position as shown: 1-based line, 1-based column in characters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

/// The lines of one text: where each starts, found once, so a position is
/// a binary search and a count of characters on its line.
#[derive(Clone, Debug)]
pub struct Lines<'a> {
    text: &'a str,
    /// The byte offset each line starts at; the first is 0.
    starts: Vec<u32>,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Lines<'a> {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(to_u32(i + 1)),
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    starts.push(to_u32(i + 2));
                    i += 1;
                }
                b'\r' => starts.push(to_u32(i + 1)),
                _ => {}
            }
            i += 1;
        }
        Lines { text, starts }
    }

    /// The text the index is of.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// How many lines are shown: a final line break ends the last line
    /// rather than starting an empty one (as editors number lines).
    pub fn count(&self) -> u32 {
        let n = self.starts.len();
        let ends_in_break = n > 1 && self.starts[n - 1] as usize == self.text.len();
        to_u32(if ends_in_break { n - 1 } else { n })
    }

    /// The byte offset line `line` (1-based) starts at; the end of the text
    /// for a line past the last.
    pub fn start_of(&self, line: u32) -> usize {
        let i = (line.max(1) - 1) as usize;
        self.starts.get(i).map_or(self.text.len(), |&s| s as usize)
    }

    /// The byte offset line `line` (1-based) ends at, before its line break.
    pub fn end_of(&self, line: u32) -> usize {
        let start = self.start_of(line);
        let next = self
            .starts
            .get(line.max(1) as usize)
            .map_or(self.text.len(), |&s| s as usize);
        let content = &self.text.as_bytes()[start..next];
        let breaks = content
            .iter()
            .rev()
            .take_while(|b| matches!(b, b'\n' | b'\r'))
            .count()
            .min(2);
        next - breaks
    }

    /// The text of line `line` (1-based), without its line break.
    pub fn line(&self, line: u32) -> &'a str {
        &self.text[self.start_of(line)..self.end_of(line)]
    }

    /// The 1-based line holding byte `offset`.
    fn line_of(&self, offset: usize) -> u32 {
        let offset = to_u32(offset);
        to_u32(self.starts.partition_point(|&s| s <= offset).max(1))
    }

    /// The position of byte `offset` as shown. An offset past the text, or
    /// on the empty line after a final line break, is the end of the last
    /// line; one inside a character or a `\r\n` is the start of it.
    pub fn pos(&self, offset: usize) -> Pos {
        let offset = self.floor(offset.min(self.text.len()));
        let mut line = self.line_of(offset);
        let shown = self.count();
        if line > shown {
            line = shown;
            return Pos {
                line,
                col: self.col(line, self.end_of(line)),
            };
        }
        Pos {
            line,
            col: self.col(line, offset),
        }
    }

    /// Where `span` starts and ends as shown. A span that starts at the
    /// end of the text, or covers just a line break, ends one column after
    /// it starts, on its own line; an end inside a character is after it.
    pub fn range(&self, span: Span) -> (Pos, Pos) {
        let (from, to) = (span.start as usize, span.end as usize);
        let start = self.pos(from);
        let len = self.text.len();
        let one_column = Pos {
            line: start.line,
            col: start.col + 1,
        };
        let end = if to <= from {
            start
        } else if from >= len
            || self.text.as_bytes()[from..to.min(len)]
                .iter()
                .all(|b| matches!(b, b'\n' | b'\r'))
        {
            one_column
        } else {
            self.pos(self.ceil(to.min(len)))
        };
        (start, end)
    }

    /// The 1-based column of `offset` on `line`.
    fn col(&self, line: u32, offset: usize) -> u32 {
        let start = self.start_of(line);
        to_u32(self.text[start..offset.max(start)].chars().count() + 1)
    }

    /// `offset` moved back to a character boundary, and off the `\n` of a `\r\n`.
    fn floor(&self, mut offset: usize) -> usize {
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let bytes = self.text.as_bytes();
        if offset > 0 && bytes.get(offset) == Some(&b'\n') && bytes[offset - 1] == b'\r' {
            offset -= 1;
        }
        offset
    }

    /// `offset` moved on to a character boundary.
    fn ceil(&self, mut offset: usize) -> usize {
        while !self.text.is_char_boundary(offset) {
            offset += 1;
        }
        offset
    }
}

/// Turns the parser's positions (line, and column in characters) into byte
/// offsets. The parser's lines are the [`Lines`]; its columns count
/// characters, save in a `%` directive line, where they count bytes. Its
/// positions come nearly in order, so each is found from the one before
/// when on the same line: a long line is walked once, not once per value.
pub(super) struct Locator<'a> {
    lines: Lines<'a>,
    /// Inside a document (between its start and end), where no line is a directive.
    pub in_document: bool,
    /// The last position found: line, column, byte offset.
    last: (u32, usize, usize),
}

impl<'a> Locator<'a> {
    pub fn new(text: &'a str) -> Locator<'a> {
        Locator {
            lines: Lines::new(text),
            in_document: false,
            last: (1, 0, 0),
        }
    }

    /// The byte offset of the parser's `marker`, inside the text.
    pub fn offset(&mut self, marker: &saphyr_parser::Marker) -> usize {
        let text = self.lines.text;
        let line = to_u32(marker.line().max(1));
        let col = marker.col();
        if line as usize > self.lines.starts.len() {
            return text.len();
        }
        let start = self.lines.start_of(line);
        let limit = self.lines.start_of(line + 1);
        if !self.in_document && text.as_bytes().get(start) == Some(&b'%') {
            let mut at = (start + col).min(limit);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            return at;
        }
        let (mut c, mut at) = match self.last {
            (l, c, at) if l == line && c <= col => (c, at),
            _ => (0, start),
        };
        for ch in text[at..limit].chars() {
            if c == col {
                break;
            }
            at += ch.len_utf8();
            c += 1;
        }
        self.last = (line, c, at);
        at
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u32, col: u32) -> Pos {
        Pos { line, col }
    }

    #[test]
    fn every_kind_of_line_break_ends_a_line() {
        let lines = Lines::new("a\nb\r\nc\rd");
        assert_eq!(lines.count(), 4);
        assert_eq!(
            (1..=4).map(|n| lines.line(n)).collect::<Vec<_>>(),
            ["a", "b", "c", "d"]
        );
        assert_eq!(lines.pos(0), at(1, 1));
        assert_eq!(lines.pos(2), at(2, 1));
        assert_eq!(lines.pos(3), at(2, 2), "the `\\r` of `\\r\\n`");
        assert_eq!(lines.pos(4), at(2, 2), "its `\\n` is the same place");
        assert_eq!(lines.pos(5), at(3, 1));
        assert_eq!(lines.pos(7), at(4, 1), "after a lone `\\r`");
    }

    #[test]
    fn columns_count_characters() {
        let lines = Lines::new("name: Zoë Ünal\n");
        assert_eq!(lines.pos("name: Zoë ".len()), at(1, 11));
        assert_eq!(lines.pos(8), at(1, 9), "inside `ë`: at its start");
    }

    #[test]
    fn the_end_of_the_text_stays_on_the_last_line_shown() {
        let lines = Lines::new("a: b\n");
        assert_eq!(lines.count(), 1);
        assert_eq!(lines.pos(5), at(1, 5));
        assert_eq!(lines.pos(99), at(1, 5));
        let unterminated = Lines::new("a: b\nc");
        assert_eq!(unterminated.count(), 2);
        assert_eq!(unterminated.pos(6), at(2, 2));
        assert_eq!(Lines::new("").pos(0), at(1, 1));
    }

    #[test]
    fn points_and_line_breaks_are_one_column_wide() {
        let lines = Lines::new("a: [\nb\r\n");
        assert_eq!(lines.range(Span::point(1)), (at(1, 2), at(1, 3)));
        assert_eq!(lines.range(Span::new(4, 5)), (at(1, 5), at(1, 6)));
        assert_eq!(lines.range(Span::new(6, 8)), (at(2, 2), at(2, 3)));
        assert_eq!(lines.range(Span::new(0, 6)), (at(1, 1), at(2, 2)));
        assert_eq!(lines.range(Span::point(8)), (at(2, 2), at(2, 3)));
        assert_eq!(lines.range(Span::new(2, 2)), (at(1, 3), at(1, 3)), "empty");
        let wide = Lines::new("a: é\n");
        assert_eq!(
            wide.range(Span::point(3)),
            (at(1, 4), at(1, 5)),
            "a 2-byte character"
        );
    }
}
