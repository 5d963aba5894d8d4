//! Fuzzing the YAML loader and the validator (proptest: `cargo fuzz` needs
//! a nightly toolchain). Arbitrary text, and near-YAML built from the
//! access files' own keys with hostile scalars (anchors and aliases, tags,
//! tabs, flow collections cut short, deep nesting, `---`, non-UTF-8 bytes,
//! byte-order marks), go through `yaml::parse`, `load::parse_files` and
//! `validate::validate` (on a copy of `tests/fixtures/minimal` with one file
//! replaced) and through the diagnostic renderer. Nothing may panic; every
//! span is a byte range of its file, and is shown on the lines the file has
//! (lines as YAML counts them, which is how the renderer shows them); every
//! error about the replaced file has a span, except the few that concern
//! the whole file. A tag, of any form and anywhere, is refused.
//!
//! 256 cases per property by default; a long run:
//! `PROPTEST_CASES=20000 cargo test --release --test fuzz_yaml`.

use std::path::Path;
use std::sync::OnceLock;

use alma_access::diag::{Code, Diagnostic, render};
use alma_access::load::{self, FileKind, RawFile};
use alma_access::validate;
use alma_access::yaml::{self, Lines, Node, Pos, Problem, Span, Value};
use chrono::NaiveDate;
use proptest::prelude::*;

/// Errors that concern a whole file, so carry no span.
const WHOLE_FILE: &[Code] = &[
    Code::EmptyFile,
    Code::MissingFile,
    Code::Io,
    Code::Symlink,
    Code::SpecialFile,
    Code::FileTooLarge,
];

/// The minimal fixture's files, as (path relative to the access folder, bytes).
fn fixture() -> &'static [(String, Vec<u8>)] {
    static FILES: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    FILES.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal");
        let mut files = Vec::new();
        collect(&root, &root, &mut files);
        files.sort();
        files
    })
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(root, &path, out);
        } else {
            let relative = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.push((relative, std::fs::read(&path).unwrap()));
        }
    }
}

/// The fixture with file `index` (modulo the count) replaced by `bytes`;
/// returns the replaced file's displayed path too.
fn with_file(index: usize, bytes: Vec<u8>) -> (Vec<RawFile>, String) {
    let files = fixture();
    let replaced = index % files.len();
    let mut raw = Vec::new();
    let mut shown = String::new();
    for (i, (relative, original)) in files.iter().enumerate() {
        let display = format!("access/{relative}");
        let kind = FileKind::classify(relative).expect("the fixture follows the layout");
        let bytes = if i == replaced {
            shown = display.clone();
            bytes.clone()
        } else {
            original.clone()
        };
        raw.push(RawFile {
            display,
            kind,
            bytes: Ok(bytes),
        });
    }
    (raw, shown)
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

/// Line lengths in characters, lines split as the YAML parser splits them
/// (`\r\n`, `\n` and a lone `\r` all end a line). The line after a final
/// line break exists, empty. Written apart from [`Lines`], which it checks.
fn lines(text: &str) -> Vec<usize> {
    let mut lines = vec![0];
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => lines.push(0),
            '\r' if chars.peek() != Some(&'\n') => lines.push(0),
            '\r' => {}
            _ => *lines.last_mut().unwrap() += 1,
        }
    }
    lines
}

/// Whether `start` is at a character of a line or just after its last one
/// (where a missing value is reported), and `end` at most one column later
/// (the end is exclusive).
fn fits(lines: &[usize], start: Pos, end: Pos) -> bool {
    let at = |pos: Pos, past: usize| {
        pos.line >= 1
            && pos.col >= 1
            && lines
                .get(pos.line as usize - 1)
                .is_some_and(|len| pos.col as usize <= len + past)
    };
    at(start, 1) && at(end, 2) && start <= end
}

/// The property: the span is a range of the text's bytes starting at a
/// character (a point at the very end reaches one byte past the text), and
/// is shown inside the text's lines.
fn span_inside(text: &str, span: Span) -> Result<(), String> {
    let range = span.range();
    let bytes_ok = range.start <= range.end
        && (range.end <= text.len() || range == (text.len()..text.len() + 1))
        && text.is_char_boundary(range.start);
    let (start, end) = Lines::new(text).range(span);
    if bytes_ok && fits(&lines(text), start, end) {
        return Ok(());
    }
    Err(format!(
        "{span:?}, shown at {start:?}-{end:?}, is not inside a text of {} lines: {text:?}",
        lines(text).len()
    ))
}

/// Every span of a parsed tree lies in the text.
fn check_tree(text: &str, node: &Node) -> Result<(), String> {
    span_inside(text, node.span)?;
    match &node.value {
        Value::Seq(items) => items.iter().try_for_each(|n| check_tree(text, n)),
        Value::Map(entries) => entries.iter().try_for_each(|e| {
            span_inside(text, e.key_span)?;
            check_tree(text, &e.value)
        }),
        _ => Ok(()),
    }
}

fn check_parse(text: &str) -> Result<(), String> {
    let doc = yaml::parse(text);
    for problem in &doc.problems {
        span_inside(text, problem.span()).map_err(|e| format!("{problem:?}: {e}"))?;
    }
    if let Some(root) = &doc.root {
        check_tree(text, root)?;
        let _ = yaml::to_json(root);
        let _ = yaml::to_serde_yaml(root);
    }
    Ok(())
}

/// Loads and validates the fixture with one file replaced, renders the
/// diagnostics, and checks their spans.
fn check_validate(index: usize, bytes: Vec<u8>) -> Result<(), String> {
    let (raw, replaced) = with_file(index, bytes);
    let loaded = load::parse_files(raw);
    let outcome = validate::validate(&loaded, today());
    let _ = render::text(&outcome.diagnostics, &loaded.sources);
    let _ = render::summary(&outcome.diagnostics, outcome.files);
    for d in &outcome.diagnostics {
        check_diagnostic(d, &loaded.sources, &replaced)?;
    }
    Ok(())
}

fn check_diagnostic(
    d: &Diagnostic,
    sources: &render::Sources,
    replaced: &str,
) -> Result<(), String> {
    match d.span() {
        Some(span) => {
            let text = sources
                .get(&d.file)
                .ok_or_else(|| format!("{d:?} points into a file with no source"))?;
            for label in &d.secondary {
                span_inside(text, label.span).map_err(|e| format!("{}: {e}", d.code.as_str()))?;
            }
            span_inside(text, span).map_err(|e| format!("{}: {e}", d.code.as_str()))
        }
        None if d.is_error() && d.file == replaced && !WHOLE_FILE.contains(&d.code) => {
            Err(format!("an error without a span: {d:?}"))
        }
        None => Ok(()),
    }
}

/// The keys of access files (all kinds), and noise.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "primary_id", "name", "unit", "employment", "login", "type", "manager", "liaison",
            "roles", "additional_roles", "profile", "environments", "start_date", "end_date",
            "leave", "from", "until", "suspended", "training", "security_awareness", "ferpa",
            "review_by", "business_need", "consultation", "level", "circulation_desks",
            "departments", "po_line_owners", "work_order_departments", "batch_attestation",
            "documentation_read", "sandbox_tested_on", "fulfillment", "acquisitions",
            "technical-services", "resource-management", "analytics", "digital", "invoice",
            "institution", "api_url", "api_key_env", "environment_type", "default_environments",
            "preserve_roles", "safety", "max_removals", "count", "ratio", "min_holders",
            "protected_users", "api", "requests_per_second", "max_concurrency", "liaisons",
            "alma_library", "flags", "levels", "grants", "alma_role", "scope", "units",
            "role_types", "description", "parameters",
        ])
        .prop_map(String::from),
        1 => "[a-z_-]{1,12}",
        1 => "[^:\n#]{0,8}",
    ]
}

/// Scalars, plain and hostile.
fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(vec![
            "\"10000001\"", "10000001", "main", "staff", "personal", "shared-desk", "custom",
            "view", "operator", "operator-extended", "2026-09-01", "2026-02-30", "\"2026-09-01\"",
            "true", "false", "null", "~", "0x1F", "1e3", ".inf", "-.NaN", "-", "''", "\"\"",
            "[MAIN_CIRC]", "[MAIN_CIRC, MAIN_RES]", "{}", "[]", "{level: operator}", "production",
            "[production, sandbox]", "boss-main", "liaison-main", "SYS-4502", "\"\\u0000\"",
            "\"\\xff\"", "'it''s'", "|\n  block\n  text", ">-\n  folded", "&anchor value", "*anchor",
            "!!str 10000001", "!!int 3", "!custom x", "!<tag:yaml.org,2002:str> x", "[", "{",
            "\"unterminated", "'unterminated", "]", "}", "[a, [b, {c: d}]]", "{a: [1, 2}",
            "? complex", "- item", "@reserved", "`reserved", "%YAML 1.2", "a: b: c",
            "\u{feff}bom", "tab\there", "\r\n", "#comment", "18446744073709551616",
            "-9223372036854775809", "0o17", "+12", "1_000",
        ])
        .prop_map(String::from),
        2 => "[^\n]{0,16}",
    ]
}

/// A near-YAML tree, rendered as text.
#[derive(Clone, Debug)]
enum Tree {
    Scalar(String),
    Map(Vec<(String, Tree)>),
    Seq(Vec<Tree>),
}

fn tree() -> impl Strategy<Value = Tree> {
    scalar()
        .prop_map(Tree::Scalar)
        .prop_recursive(5, 64, 8, |inner| {
            prop_oneof![
                3 => prop::collection::vec((key(), inner.clone()), 0..8).prop_map(Tree::Map),
                1 => prop::collection::vec(inner, 0..5).prop_map(Tree::Seq),
            ]
        })
}

/// How a tree is written out, including the mistakes people make.
#[derive(Clone, Debug)]
struct Style {
    indent: &'static str,
    /// Every n-th line gets a stray tab or space in front (0: never).
    stray: usize,
    /// Anchors on mappings (`&a`), so `*a` scalars may refer to something.
    anchors: bool,
    /// A `---` at the start, a `...` or `---` at the end.
    markers: (bool, u8),
}

fn style() -> impl Strategy<Value = Style> {
    (
        prop::sample::select(vec!["  ", "    ", " ", "\t", "  \t"]),
        prop_oneof![3 => Just(0usize), 1 => 1usize..7],
        any::<bool>(),
        (any::<bool>(), 0u8..3),
    )
        .prop_map(|(indent, stray, anchors, markers)| Style {
            indent,
            stray,
            anchors,
            markers,
        })
}

fn render_tree(tree: &Tree, style: &Style) -> String {
    let mut lines = Vec::new();
    write_tree(tree, 0, style, &mut lines);
    let mut text = String::new();
    if style.markers.0 {
        text.push_str("---\n");
    }
    for (i, line) in lines.iter().enumerate() {
        if style.stray > 0 && i % style.stray == style.stray - 1 {
            text.push(if i % 2 == 0 { '\t' } else { ' ' });
        }
        text.push_str(line);
        text.push('\n');
    }
    match style.markers.1 {
        1 => text.push_str("...\n"),
        2 => text.push_str("---\nsecond: document\n"),
        _ => {}
    }
    text
}

fn write_tree(tree: &Tree, depth: usize, style: &Style, lines: &mut Vec<String>) {
    let pad = style.indent.repeat(depth);
    match tree {
        Tree::Scalar(s) => lines.push(format!("{pad}{s}")),
        Tree::Map(entries) => {
            for (i, (key, value)) in entries.iter().enumerate() {
                match value {
                    Tree::Scalar(s) => lines.push(format!("{pad}{key}: {s}")),
                    _ => {
                        let anchor = if style.anchors && i == 0 {
                            " &anchor"
                        } else {
                            ""
                        };
                        lines.push(format!("{pad}{key}:{anchor}"));
                        write_tree(value, depth + 1, style, lines);
                    }
                }
            }
        }
        Tree::Seq(items) => {
            for item in items {
                match item {
                    Tree::Scalar(s) => lines.push(format!("{pad}- {s}")),
                    _ => {
                        lines.push(format!("{pad}-"));
                        write_tree(item, depth + 1, style, lines);
                    }
                }
            }
        }
    }
}

/// A near-YAML document: a tree, or one of the shapes parsers choke on.
fn near_yaml() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => (tree(), style()).prop_map(|(t, s)| render_tree(&t, &s)),
        1 => (1usize..200).prop_map(|n| format!("a: {}{}\n", "[".repeat(n), "]".repeat(n))),
        1 => (1usize..200).prop_map(|n| format!("{}x\n", "- ".repeat(n))),
        1 => (1usize..120).prop_map(|n| {
            (0..n).map(|i| format!("{}k{i}:\n", "  ".repeat(i))).collect::<String>() + &"  ".repeat(n) + "v\n"
        }),
        1 => (1usize..12).prop_map(|n| {
            let mut text = String::from("a0: &a0 [x, x]\n");
            for i in 1..n {
                text.push_str(&format!("a{i}: &a{i} [*a{}, *a{}]\n", i - 1, i - 1));
            }
            text
        }),
        1 => (1usize..100).prop_map(|n| format!("{}\n", "{a: ".repeat(n))),
    ]
}

/// Bytes: near-YAML with non-UTF-8 bytes, NULs or a byte-order mark put in.
fn near_yaml_bytes() -> impl Strategy<Value = Vec<u8>> {
    (
        near_yaml(),
        prop::collection::vec(
            (
                any::<prop::sample::Index>(),
                prop::sample::select(vec![0xFFu8, 0xC3, 0x80, 0x00, 0xE2, 0xED]),
            ),
            0..3,
        ),
        any::<bool>(),
    )
        .prop_map(|(text, bad, bom)| {
            let mut bytes = text.into_bytes();
            for (at, byte) in bad {
                let i = at.index(bytes.len() + 1);
                bytes.insert(i, byte);
            }
            if bom {
                let mut with = vec![0xEF, 0xBB, 0xBF];
                with.extend(bytes);
                bytes = with;
            }
            bytes
        })
}

/// Tags of every form: core shorthands, verbatim, local, named handles.
fn tag() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => prop::sample::select(vec![
            "!!str", "!!int", "!!float", "!!bool", "!!null", "!!binary", "!!timestamp", "!!map",
            "!!seq", "!!set", "!!omap", "!!merge", "!!python/object", "!<tag:yaml.org,2002:str>",
            "!<tag:yaml.org,2002:int>", "!<!local>", "!", "!secret",
        ])
        .prop_map(String::from),
        1 => "!!?[a-z][a-z0-9/.-]{0,10}",
    ]
}

proptest! {
    #[test]
    fn a_tag_is_refused_wherever_it_is_written(
        tag in tag(),
        value in prop_oneof![Just(String::new()), "[a-z0-9]{1,8}", Just("\"quoted\"".to_string()), Just("[1, 2]".to_string()), Just("{k: v}".to_string())],
        at in 0usize..3,
    ) {
        let text = match at {
            0 => format!("a: {tag} {value}\n"),
            1 => format!("a:\n  b:\n    - {tag} {value}\n"),
            _ => format!("{tag} key: {value}\n"),
        };
        let doc = yaml::parse(&text);
        prop_assert!(doc.root.is_none(), "{text:?} gave a tree");
        prop_assert!(
            matches!(doc.problems[..], [Problem::Tag { .. }]),
            "{text:?}: {:?}",
            doc.problems
        );
    }

    #[test]
    fn yaml_parse_never_panics_on_any_text(text in ".{0,400}") {
        check_parse(&text).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn yaml_parse_never_panics_on_near_yaml(text in near_yaml()) {
        check_parse(&text).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn validate_never_panics_on_any_bytes(index in any::<usize>(), bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        check_validate(index, bytes).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn validate_never_panics_on_near_yaml(index in any::<usize>(), bytes in near_yaml_bytes()) {
        check_validate(index, bytes).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn validate_never_panics_on_an_edited_fixture_file(
        index in any::<usize>(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), scalar()), 1..4),
    ) {
        // Splice hostile scalars into a real file, so most of it still parses.
        let (relative, original) = &fixture()[index % fixture().len()];
        let mut text = String::from_utf8(original.clone()).unwrap();
        for (at, piece) in edits {
            let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
            text.insert_str(*at.get(&boundaries), &piece);
        }
        prop_assume!(!relative.is_empty());
        check_validate(index, text.into_bytes()).map_err(TestCaseError::fail)?;
    }
}

/// The first span `yaml::parse` reports for `text`.
fn first_problem(text: &str) -> Span {
    yaml::parse(text).problems[0].span()
}

#[test]
fn a_lone_carriage_return_ends_a_line_for_the_parser_and_the_renderer() {
    let text = "\ra";
    let root = yaml::parse(text).root.unwrap();
    span_inside(text, root.span).unwrap();
    assert_eq!(
        Lines::new(text).pos(root.span.start as usize),
        Pos { line: 2, col: 1 }
    );
    let mut sources = render::Sources::new();
    sources.insert("f.yaml".into(), text.into());
    let d = Diagnostic::error(Code::WrongType, "f.yaml", "not a mapping").at(root.span);
    let shown = render::text(&[d], &sources);
    assert!(
        shown.contains(" --> f.yaml:2:1\n  |\n2 | a\n  | ^\n"),
        "{shown}"
    );
}

#[test]
fn an_error_at_the_end_of_an_unterminated_file_points_past_it() {
    span_inside("a: b\nc", first_problem("a: b\nc")).unwrap();
}

#[test]
fn columns_in_a_directive_count_characters() {
    let text = "%¡¡¡¡¡¡\0";
    span_inside(text, first_problem(text)).unwrap();
}

#[test]
fn the_fixture_itself_is_clean() {
    let (raw, _) = with_file(0, fixture()[0].1.clone());
    let loaded = load::parse_files(raw);
    let outcome = validate::validate(&loaded, today());
    assert!(
        !outcome.has_errors(),
        "{}",
        render::text(&outcome.diagnostics, &loaded.sources)
    );
}
