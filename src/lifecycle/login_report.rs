//! Alma's Staff Login Report, as exported from Configuration > General >
//! Staff Login Report ("Export List > Excel (current view)"), or saved as
//! CSV. No API gives a staff user's last login; this report does, for at
//! most 90 days back (`staff_login_ip_address_retention`): a user listed
//! with a blank date (or a dash) has not logged in within that retention.
//!
//! The file's format is told by its first bytes (a zip is XLSX, an OLE
//! container is XLS), then by its extension; anything else is read as CSV
//! (UTF-8, or UTF-16 with a byte-order mark; comma, semicolon or tab
//! separated, read with the `csv` crate). The header row is the first
//! row, among the first 50, that names both columns (case, spaces,
//! underscores and a parenthesised suffix ignored):
//!
//! - the user: `Primary Identifier`, `Primary ID`, `User ID`, `User
//!   Identifier`, `Identifier` (or, only when none of those is there,
//!   `User Name` / `Username`, which Alma fills with the login name);
//! - the last login: `Last Login`, `Last Login Date`, `Last Login Time`,
//!   `Last Login Date and Time`, `Last Logged In`, `Login Date`: an
//!   XLSX date cell, or text as `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]`, ISO
//!   `YYYY-MM-DDTHH:MM:SS[Z|±HH:MM]` or `MM/DD/YYYY [HH:MM[:SS] [AM|PM]]`.
//!
//! A row above the header (or a footer row without a user) that reads like
//! `Report generated: 2026-11-23` (also `Report date`, `Run date`,
//! `Exported`, `Created`, `As of`) gives the report's date.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader};
use chrono::{Days, NaiveDate};

/// The last login a report shows for one user.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LastLogin {
    /// Listed with a blank date or a dash: no login within the report's retention.
    NoneRecorded,
    /// The value is not a date; the text as written.
    Unreadable(String),
    /// The day of the last login.
    On(NaiveDate),
}

/// A staff login report, read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoginReport {
    /// The report's generation date, when the file states it.
    pub generated: Option<NaiveDate>,
    /// Each user's last login, by lower-cased primary identifier (Alma
    /// compares identifiers case-insensitively). Of duplicate rows, the
    /// latest login wins.
    pub users: BTreeMap<String, LastLogin>,
    /// The header names of the two columns used.
    pub id_column: String,
    pub last_login_column: String,
    /// Data rows read (rows with a user).
    pub rows: usize,
}

/// One spreadsheet cell, whatever the file format.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// A date cell (XLSX date format).
    Date(NaiveDate),
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.trim().to_string(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => d.to_string(),
        }
    }
}

const ID_NAMES: &[&str] = &[
    "primary identifier",
    "primary id",
    "primaryid",
    "user primary identifier",
    "user primary id",
    "user id",
    "userid",
    "user identifier",
    "identifier",
];
const ID_FALLBACK_NAMES: &[&str] = &["user name", "username", "login name"];
const LAST_LOGIN_NAMES: &[&str] = &[
    "last login",
    "last login date",
    "last login time",
    "last login date time",
    "last login datetime",
    "last login date and time",
    "last logged in",
    "last login on",
    "login date",
];
const DATE_LABELS: &[&str] = &[
    "generated",
    "report date",
    "run date",
    "exported",
    "created",
    "as of",
];

/// Why a report could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot read `{}`: {source}", file.display())]
    Io {
        file: PathBuf,
        source: std::io::Error,
    },
    /// The content, in a file: the file's name, then what is wrong.
    #[error("`{}`: {what}", file.display())]
    In {
        file: PathBuf,
        what: Box<ReportError>,
    },
    #[error("line {line}: not readable as CSV: {why}")]
    CsvAt { line: u64, why: String },
    #[error("not readable as CSV: {0}")]
    Csv(String),
    #[error("not a readable spreadsheet (XLSX or XLS): {0}")]
    Spreadsheet(String),
    #[error("cannot read the sheet `{sheet}`: {why}")]
    Sheet { sheet: String, why: String },
    #[error("the spreadsheet has no sheet")]
    NoSheet,
    #[error(
        "no header row names a user identifier column (Primary Identifier, Primary ID, User ID) \
         and a last login column (Last Login, Last Login Date)"
    )]
    NoHeader,
}

/// Reads a report file.
pub fn read(path: &Path) -> Result<LoginReport, ReportError> {
    let bytes = std::fs::read(path).map_err(|source| ReportError::Io {
        file: path.to_path_buf(),
        source,
    })?;
    let name = path.to_string_lossy().to_lowercase();
    from_bytes(&name, &bytes).map_err(|what| ReportError::In {
        file: path.to_path_buf(),
        what: Box::new(what),
    })
}

/// Reads a report from its bytes; `name` (the file name) breaks ties on format.
pub fn from_bytes(name: &str, bytes: &[u8]) -> Result<LoginReport, ReportError> {
    let spreadsheet = bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
        || [".xlsx", ".xlsm", ".xls"].iter().any(|e| name.ends_with(e));
    if spreadsheet {
        return from_spreadsheet(bytes);
    }
    from_rows(&csv_rows(&decode_text(bytes))?)
}

/// Reads CSV text into rows of text cells: RFC 4180 quoting (quoted fields
/// may hold separators, doubled quotes and line breaks), `\n` or `\r\n`
/// line ends, rows of any length, a leading byte-order mark dropped, blank
/// lines skipped, and the separator guessed from the first line.
fn csv_rows(text: &str) -> Result<Vec<Vec<Cell>>, ReportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator(text))
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|record| {
            let record = record.map_err(|e| match e.position() {
                Some(at) => ReportError::CsvAt {
                    line: at.line(),
                    why: e.to_string(),
                },
                None => ReportError::Csv(e.to_string()),
            })?;
            Ok(record.iter().map(|f| Cell::Text(f.to_owned())).collect())
        })
        .collect()
}

/// The separator of the first line: the most frequent of `,`, `;` and tab
/// outside quotes (comma on a tie or when none occurs). Spreadsheet
/// programs in some locales save CSV with semicolons.
fn separator(text: &str) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for c in text.bytes() {
        match c {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
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
            (b',', 0),
            |best, &(c, n)| if n > best.1 { (c, n) } else { best },
        )
        .0
}

fn from_spreadsheet(bytes: &[u8]) -> Result<LoginReport, ReportError> {
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes.to_vec()))
        .map_err(|e| ReportError::Spreadsheet(e.to_string()))?;
    let mut first_error = None;
    for name in book.sheet_names() {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| ReportError::Sheet {
                sheet: name.clone(),
                why: e.to_string(),
            })?;
        let rows: Vec<Vec<Cell>> = range
            .rows()
            .map(|row| row.iter().map(cell).collect())
            .collect();
        match from_rows(&rows) {
            Ok(report) => return Ok(report),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or(ReportError::NoSheet))
}

fn cell(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Text(b.to_string()),
        Data::DateTime(dt) => excel_serial(dt.as_f64()).map_or(Cell::Empty, Cell::Date),
        Data::Error(e) => Cell::Text(format!("#{e:?}")),
    }
}

/// The day of an Excel serial date (1900 system, as Excel writes on every platform today).
fn excel_serial(serial: f64) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(Days::new(serial.floor() as u64))
}

fn decode_text(bytes: &[u8]) -> String {
    let utf16 = |le: bool, body: &[u8]| {
        let units: Vec<u16> = body
            .chunks_exact(2)
            .map(|p| {
                if le {
                    u16::from_le_bytes([p[0], p[1]])
                } else {
                    u16::from_be_bytes([p[0], p[1]])
                }
            })
            .collect();
        String::from_utf16_lossy(&units)
    };
    match bytes {
        [0xFF, 0xFE, body @ ..] => utf16(true, body),
        [0xFE, 0xFF, body @ ..] => utf16(false, body),
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// Finds the header and reads the rows under it.
pub fn from_rows(rows: &[Vec<Cell>]) -> Result<LoginReport, ReportError> {
    let (header_at, id_col, login_col) = find_header(rows).ok_or(ReportError::NoHeader)?;
    let header = &rows[header_at];
    let mut report = LoginReport {
        id_column: header[id_col].text(),
        last_login_column: header[login_col].text(),
        ..LoginReport::default()
    };
    for row in &rows[..header_at] {
        report.generated = report.generated.or_else(|| stated_date(row));
    }
    for row in &rows[header_at + 1..] {
        let id = row.get(id_col).map(Cell::text).unwrap_or_default();
        if id.is_empty() {
            report.generated = report.generated.or_else(|| stated_date(row));
            continue;
        }
        report.rows += 1;
        let last = match row.get(login_col).unwrap_or(&Cell::Empty) {
            Cell::Date(d) => LastLogin::On(*d),
            Cell::Number(n) => {
                excel_serial(*n).map_or_else(|| LastLogin::Unreadable(n.to_string()), LastLogin::On)
            }
            other => match parse_when(&other.text()) {
                Ok(Some(d)) => LastLogin::On(d),
                Ok(None) => LastLogin::NoneRecorded,
                Err(text) => LastLogin::Unreadable(text),
            },
        };
        let slot = report
            .users
            .entry(id.to_lowercase())
            .or_insert(LastLogin::NoneRecorded);
        // `On` sorts last and later days after earlier ones: keep the latest.
        if last > *slot {
            *slot = last;
        }
    }
    Ok(report)
}

fn find_header(rows: &[Vec<Cell>]) -> Option<(usize, usize, usize)> {
    rows.iter().take(50).enumerate().find_map(|(at, row)| {
        let names: Vec<String> = row.iter().map(|c| normalize(&c.text())).collect();
        let find = |set: &[&str]| names.iter().position(|n| set.contains(&n.as_str()));
        let id = find(ID_NAMES).or_else(|| find(ID_FALLBACK_NAMES))?;
        let login = find(LAST_LOGIN_NAMES)?;
        Some((at, id, login))
    })
}

/// A header name compared loosely: lower case, `_`/`-` as spaces, spaces
/// collapsed, a `(...)` suffix and a trailing `:` or `*` dropped.
fn normalize(name: &str) -> String {
    let name = name.split('(').next().unwrap_or_default().to_lowercase();
    let name = name.replace(['_', '-'], " ");
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    name.trim_end_matches([':', '*', ' ']).to_string()
}

/// A date stated on a row that carries a label such as "Report generated".
fn stated_date(row: &[Cell]) -> Option<NaiveDate> {
    let at = row.iter().position(|c| {
        let text = c.text().to_lowercase();
        DATE_LABELS.iter().any(|l| text.contains(l))
    })?;
    let label = row[at].text();
    if let Some((_, after)) = label.split_once(':')
        && let Ok(Some(d)) = parse_when(after.trim())
    {
        return Some(d);
    }
    row[at + 1..].iter().find_map(|c| match c {
        Cell::Date(d) => Some(*d),
        Cell::Number(n) => excel_serial(*n),
        other => parse_when(&other.text()).ok().flatten(),
    })
}

/// The day of a last-login value: `Ok(None)` for a blank or a dash, `Err`
/// with the text when it is not a date.
pub fn parse_when(text: &str) -> Result<Option<NaiveDate>, String> {
    let text = text.trim();
    if text.is_empty() || matches!(text, "-" | "–" | "—" | "--") {
        return Ok(None);
    }
    let day = text
        .split(|c: char| c.is_whitespace() || c == 'T')
        .next()
        .unwrap_or_default();
    ["%Y-%m-%d", "%m/%d/%Y", "%Y/%m/%d"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(day, f).ok())
        .map(Some)
        .ok_or_else(|| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn dates_in_the_accepted_shapes() {
        for text in [
            "2026-07-01",
            "2026-07-01 09:15:00",
            "2026-07-01T09:15:00Z",
            "2026-07-01T09:15:00-05:00",
            "07/01/2026",
            "7/1/2026 9:15 AM",
        ] {
            assert_eq!(parse_when(text), Ok(Some(d("2026-07-01"))), "{text}");
        }
        assert_eq!(parse_when(" - "), Ok(None));
        assert_eq!(parse_when(""), Ok(None));
        assert_eq!(parse_when("yesterday"), Err("yesterday".into()));
    }

    #[test]
    fn headers_are_matched_loosely() {
        assert_eq!(normalize("  Last_Login  Date (UTC):"), "last login date");
        assert_eq!(normalize("Primary Identifier*"), "primary identifier");
    }

    #[test]
    fn header_after_a_preamble_with_the_report_date() {
        let csv = "Staff Login Report\nReport generated: 11/23/2026\n\n\
                   User Name,Primary Identifier,Last Login\n\
                   \"Example, Ada\",10000001,2026-07-01 10:00:00\n\
                   Desk,main-desk1,-\n\
                   Ada again,10000001,2026-08-02\n";
        let r = from_bytes("r.csv", csv.as_bytes()).unwrap();
        assert_eq!(r.generated, Some(d("2026-11-23")));
        assert_eq!(r.id_column, "Primary Identifier");
        assert_eq!(r.rows, 3);
        assert_eq!(r.users["10000001"], LastLogin::On(d("2026-08-02")));
        assert_eq!(r.users["main-desk1"], LastLogin::NoneRecorded);
    }

    #[test]
    fn user_name_is_only_a_fallback() {
        let r = from_bytes("r.csv", b"User Name,User ID,Last Login Date\nAda,X1,\n").unwrap();
        assert_eq!(r.id_column, "User ID");
        let r = from_bytes("r.csv", b"User Name,Last Login Date\nX1,\n").unwrap();
        assert_eq!(r.id_column, "User Name");
    }

    #[test]
    fn no_header_is_an_error() {
        let e = from_bytes("r.csv", b"Name,When\nAda,2026-01-01\n").unwrap_err();
        assert!(matches!(e, ReportError::NoHeader), "{e}");
        assert!(e.to_string().contains("Primary Identifier"), "{e}");
    }

    #[test]
    fn utf16_with_a_byte_order_mark() {
        let text = "Primary ID\tLast Login\nX1\t2026-07-01\n";
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let r = from_bytes("r.txt", &bytes).unwrap();
        assert_eq!(r.users["x1"], LastLogin::On(d("2026-07-01")));
    }

    fn texts(rows: Vec<Vec<Cell>>) -> Vec<Vec<String>> {
        rows.iter()
            .map(|row| row.iter().map(Cell::text).collect())
            .collect()
    }

    #[test]
    fn csv_fields_quotes_and_line_ends() {
        let rows =
            csv_rows("\u{feff}a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\n\"two\nlines\",2,3").unwrap();
        assert_eq!(
            texts(rows),
            vec![
                vec!["a", "b", "c"],
                vec!["x, y", "say \"hi\"", ""],
                vec!["two\nlines", "2", "3"],
            ]
        );
    }

    #[test]
    fn csv_semicolons_and_tabs_are_detected() {
        let read = |text| texts(csv_rows(text).unwrap());
        assert_eq!(read("a;b\n1;2\n"), vec![vec!["a", "b"], vec!["1", "2"]]);
        assert_eq!(read("a\tb\n"), vec![vec!["a", "b"]]);
        assert_eq!(read("a,b;c\n"), vec![vec!["a", "b;c"]]);
        assert_eq!(read("a\n\nb,c\n"), vec![vec!["a"], vec!["b", "c"]]);
    }

    #[test]
    fn excel_serials_are_days_since_1899_12_30() {
        assert_eq!(excel_serial(46204.4), Some(d("2026-07-01")));
        assert_eq!(excel_serial(0.0), None);
    }
}
