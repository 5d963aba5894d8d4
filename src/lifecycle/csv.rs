//! A small CSV reader for report exports: RFC 4180 quoting (quoted fields
//! may hold separators, doubled quotes and line breaks), `\n` or `\r\n`
//! line ends, a leading byte-order mark dropped, and the separator guessed
//! from the first line (comma, semicolon or tab: spreadsheet programs in
//! some locales save with semicolons). Enough for one table of text; no
//! dependency needed.

/// Splits `text` into rows of fields. Blank lines are kept as empty rows.
pub fn parse(text: &str) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let sep = separator(text);
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.trim().is_empty() => {
                field.clear();
                quoted = true;
            }
            c if c == sep => row.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            _ => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// The separator of the first line: the most frequent of `,`, `;` and tab
/// outside quotes (comma on a tie or when none occurs).
fn separator(text: &str) -> char {
    let mut counts = [(',', 0usize), (';', 0), ('\t', 0)];
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' if !quoted => break,
            _ if !quoted => {
                for (sep, n) in &mut counts {
                    if c == *sep {
                        *n += 1;
                    }
                }
            }
            _ => {}
        }
    }
    counts
        .iter()
        .fold(
            (',', 0),
            |best, &(c, n)| if n > best.1 { (c, n) } else { best },
        )
        .0
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn fields_quotes_and_line_ends() {
        let rows = parse("\u{feff}a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\n\"two\nlines\",2,3");
        assert_eq!(
            rows,
            vec![
                vec!["a", "b", "c"],
                vec!["x, y", "say \"hi\"", ""],
                vec!["two\nlines", "2", "3"],
            ]
        );
    }

    #[test]
    fn semicolons_and_tabs_are_detected() {
        assert_eq!(parse("a;b\n1;2\n"), vec![vec!["a", "b"], vec!["1", "2"]]);
        assert_eq!(parse("a\tb\n"), vec![vec!["a", "b"]]);
        assert_eq!(parse("a,b;c\n"), vec![vec!["a", "b;c"]]);
    }

    #[test]
    fn blank_lines_are_empty_rows() {
        assert_eq!(parse("a\n\nb\n"), vec![vec!["a"], vec![""], vec!["b"]]);
    }
}
