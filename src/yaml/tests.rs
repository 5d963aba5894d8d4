//! Tests of the span-aware YAML reader.

use super::*;

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
fn spans_are_one_based_lines_and_columns() {
    let n = root("# comment\nroles:\n  fulfillment:\n    level: operator\n");
    let path = [
        Step::Key("roles".into()),
        Step::Key("fulfillment".into()),
        Step::Key("level".into()),
    ];
    let value = n.span_at(&path, Part::Value);
    assert_eq!(value.start, Pos { line: 4, col: 12 });
    assert_eq!(value.end, Pos { line: 4, col: 20 });
    let key = n.span_at(&path, Part::Key);
    assert_eq!(key.start, Pos { line: 4, col: 5 });
}

#[test]
fn missing_paths_point_at_the_deepest_existing_ancestor() {
    let n = root("roles:\n  digital: {}\n");
    let span = n.span_at(
        &[Step::Key("roles".into()), Step::Key("nope".into())],
        Part::Value,
    );
    assert_eq!(span.start.line, 2);
}

#[test]
fn duplicate_keys_are_reported_and_the_first_wins() {
    let doc = parse("a: 1\nb: 2\na: 3\n");
    let root = doc.root.unwrap();
    assert_eq!(root.get("a").unwrap().value.value, Value::Int(1));
    match &doc.problems[..] {
        [Problem::DuplicateKey { key, span, first }] => {
            assert_eq!(key, "a");
            assert_eq!(span.start.line, 3);
            assert_eq!(first.start.line, 1);
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
    let doc = parse("a: [1, 2\nb: 3\n");
    match &doc.problems[..] {
        [Problem::Syntax { span, .. }] => assert!(span.start.line >= 1),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_error_at_the_end_of_an_unterminated_file_stays_on_its_last_line() {
    let doc = parse("a: b\nc");
    let span = doc.problems[0].span();
    assert_eq!(span.start, Pos { line: 2, col: 2 });
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
                assert_eq!(span.start.col, col, "{text:?}: {span:?}");
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
    let expected = repeated.iter().chain(&repeated).enumerate();
    for (problem, (n, i)) in doc.problems.iter().zip(expected) {
        let Problem::DuplicateKey { key, span, first } = problem else {
            panic!("{problem:?}")
        };
        assert_eq!(key, &format!("k{i}"));
        assert_eq!(first.start.line as usize, i + 1);
        assert_eq!(span.start.line as usize, KEYS + n + 1);
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
