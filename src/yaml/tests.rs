//! Tests of the span-aware YAML reader.

use super::*;

/// Where byte `offset` of `text` is shown.
fn pos(text: &str, offset: u32) -> Pos {
    Lines::new(text).pos(offset as usize)
}

fn root(text: &str) -> Node {
    let doc = parse(text);
    assert!(doc.problems.is_empty(), "{:?}", doc.problems);
    doc.root.expect("a document")
}

#[test]
fn scalars_resolve_by_the_core_schema() {
    let n = root("a: 80012345\nb: \"80012345\"\nc: 2026-09-01\nd: true\ne: ~\nf: 1.5\ng: yes\n");
    let v = |k: &str| n.get(k).unwrap().value.value.clone();
    assert_eq!(v("a"), Value::Int(80012345));
    assert_eq!(v("b"), Value::Str("80012345".into()));
    assert_eq!(v("c"), Value::Str("2026-09-01".into()));
    assert_eq!(v("d"), Value::Bool(true));
    assert_eq!(v("e"), Value::Null);
    assert_eq!(v("f"), Value::Float(1.5));
    assert_eq!(v("g"), Value::Str("yes".into()));
}

#[test]
fn spans_are_byte_ranges_shown_as_lines_and_columns() {
    let text = "# comment\nroles:\n  fulfillment:\n    level: operator\n";
    let n = root(text);
    let path = [
        Step::Key("roles".into()),
        Step::Key("fulfillment".into()),
        Step::Key("level".into()),
    ];
    let value = n.span_at(&path, Part::Value);
    assert_eq!(&text[value.range()], "operator");
    assert_eq!(pos(text, value.start), Pos { line: 4, col: 12 });
    assert_eq!(pos(text, value.end), Pos { line: 4, col: 20 });
    let key = n.span_at(&path, Part::Key);
    assert_eq!(&text[key.range()], "level");
    assert_eq!(pos(text, key.start), Pos { line: 4, col: 5 });
}

#[test]
fn missing_paths_point_at_the_deepest_existing_ancestor() {
    let text = "roles:\n  digital: {}\n";
    let n = root(text);
    let span = n.span_at(
        &[Step::Key("roles".into()), Step::Key("nope".into())],
        Part::Value,
    );
    assert_eq!(pos(text, span.start).line, 2);
}

#[test]
fn duplicate_keys_are_reported_and_the_first_wins() {
    let text = "a: 1\nb: 2\na: 3\n";
    let doc = parse(text);
    let root = doc.root.unwrap();
    assert_eq!(root.get("a").unwrap().value.value, Value::Int(1));
    assert_eq!(doc.problems[0].line(text), 3);
    match &doc.problems[..] {
        [Problem::DuplicateKey { key, span, first }] => {
            assert_eq!(key, "a");
            assert_eq!(pos(text, span.start).line, 3);
            assert_eq!(pos(text, first.start).line, 1);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn aliases_are_refused() {
    let doc = parse("a: &x [1, 2]\nb: *x\n");
    assert!(matches!(doc.problems[..], [Problem::Alias { .. }]));
    assert!(doc.root.is_none());
}

#[test]
fn syntax_errors_carry_a_position() {
    let text = "a: [1, 2\nb: 3\n";
    let doc = parse(text);
    match &doc.problems[..] {
        [Problem::Syntax { span, .. }] => assert_eq!(&text[span.range()], "["),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_error_at_the_end_of_an_unterminated_file_stays_on_its_last_line() {
    let text = "a: b\nc";
    let span = parse(text).problems[0].span();
    assert_eq!(span, Span::point(text.len()));
    let shown = Lines::new(text).range(span);
    assert_eq!(shown, (Pos { line: 2, col: 2 }, Pos { line: 2, col: 3 }));
}

#[test]
fn empty_and_comment_only_files_have_no_root() {
    assert!(parse("").root.is_none());
    assert!(parse("# only a comment\n").root.is_none());
}

#[test]
fn nesting_is_bounded() {
    let text = "[".repeat(MAX_DEPTH + 5) + &"]".repeat(MAX_DEPTH + 5);
    assert!(matches!(
        parse(&text).problems[..],
        [Problem::TooDeep { .. }]
    ));
}

#[test]
fn several_documents_are_refused() {
    assert!(matches!(
        parse("a: 1\n---\nb: 2\n").problems[..],
        [Problem::MultipleDocuments { .. }]
    ));
}

#[test]
fn every_tag_is_refused_where_it_is_written() {
    for (text, tag, col) in [
        ("a: !secret x\n", "!secret", 4),
        ("a: !!str 123\n", "!!str", 4),
        ("a: !!int \"3\"\n", "!!int", 4),
        ("a: !!binary aGVsbG8=\n", "!!binary", 4),
        ("a: !!null\n", "!!null", 4),
        (
            "a: !<tag:yaml.org,2002:str> 1\n",
            "tag:yaml.org,2002:str",
            4,
        ),
        ("a: ! x\n", "!", 4),
        ("a:\n  b: !!map {c: 1}\n", "!!map", 6),
        ("a: !!seq [1]\n", "!!seq", 4),
        ("!!str k: v\n", "!!str", 1),
        ("--- !!map\na: 1\n", "!!map", 5),
        (
            "%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n",
            "tag:example.com,2000:x",
            4,
        ),
    ] {
        let doc = parse(text);
        assert!(doc.root.is_none(), "{text:?} gave a tree");
        match &doc.problems[..] {
            [Problem::Tag { tag: found, span }] => {
                assert_eq!(found, tag, "{text:?}");
                assert_eq!(pos(text, span.start).col, col, "{text:?}: {span:?}");
            }
            other => panic!("{text:?}: {other:?}"),
        }
    }
}

#[test]
fn many_keys_with_duplicates_keep_the_first_and_report_each_repeat() {
    const KEYS: usize = 40_000;
    let mut text = String::new();
    for i in 0..KEYS {
        text.push_str(&format!("k{i}: {i}\n"));
    }
    // Every seventh key again, twice: each repeat points at the first.
    let repeated: Vec<usize> = (0..KEYS).step_by(7).collect();
    for round in 0..2 {
        for i in &repeated {
            text.push_str(&format!("k{i}: again{round}\n"));
        }
    }
    let doc = parse(&text);
    let root = doc.root.expect("a document");
    let Value::Map(entries) = &root.value else {
        panic!("not a mapping")
    };
    assert_eq!(entries.len(), KEYS);
    for (n, entry) in entries.iter().enumerate() {
        assert_eq!(entry.key, format!("k{n}"));
        assert_eq!(entry.value.value, Value::Int(n as i64));
    }
    assert_eq!(doc.problems.len(), 2 * repeated.len());
    let lines = Lines::new(&text);
    let line = |offset: u32| lines.pos(offset as usize).line as usize;
    let expected = repeated.iter().chain(&repeated).enumerate();
    for (problem, (n, i)) in doc.problems.iter().zip(expected) {
        let Problem::DuplicateKey { key, span, first } = problem else {
            panic!("{problem:?}")
        };
        assert_eq!(key, &format!("k{i}"));
        assert_eq!(line(first.start), i + 1);
        assert_eq!(line(span.start), KEYS + n + 1);
    }
}

#[test]
fn the_same_key_in_different_mappings_is_no_duplicate() {
    let doc = parse("a: {x: 1}\nb: {x: 2}\nc:\n  - x: 3\n  - x: 4\n");
    assert!(doc.problems.is_empty(), "{:?}", doc.problems);
}

#[test]
fn json_conversion_keeps_order_and_types() {
    let n = root("b: 1\na: [x, 2]\n");
    assert_eq!(to_json(&n).to_string(), r#"{"b":1,"a":["x",2]}"#);
}

#[test]
fn a_lone_carriage_return_ends_a_line_for_the_reader_and_the_display_alike() {
    let text = "a: 1\rb: é\rc: [x\r";
    let doc = parse(text);
    let root = doc.root.as_ref();
    let b = root.and_then(|r| r.get("b"));
    assert!(b.is_none(), "the syntax error leaves no tree");
    let problem = &doc.problems[0];
    assert_eq!(problem.line(text), 3, "{problem:?}");
    let n = self::root("a: 1\rb: é\r");
    let value = n.get("b").unwrap().value.span;
    assert_eq!(&"a: 1\rb: é\r"[value.range()], "é");
    assert_eq!(pos("a: 1\rb: é\r", value.start), Pos { line: 2, col: 4 });
}

#[test]
fn columns_in_a_directive_line_are_characters_too() {
    let text = "%¡¡¡¡¡¡\0";
    let span = parse(text).problems[0].span();
    assert!(text.is_char_boundary(span.start as usize), "{span:?}");
    let (start, _) = Lines::new(text).range(span);
    assert_eq!(start, Pos { line: 1, col: 8 }, "the NUL");
}

#[test]
fn nodes_are_small() {
    // Every value of every file is held until validation ends.
    assert!(
        std::mem::size_of::<Node>() <= 56,
        "{}",
        std::mem::size_of::<Node>()
    );
    assert!(
        std::mem::size_of::<Entry>() <= 88,
        "{}",
        std::mem::size_of::<Entry>()
    );
}
