//! Malformed input never panics and always gets a clear, located diagnostic.

use alma_access::diag::Code;

use crate::fixture::Fixture;

const GUS: &str = "logins/main/10000007.yaml";

fn expect(name: &str, code: Code, f: &Fixture) {
    let report = f.validate();
    assert!(
        report.codes().contains(&code),
        "{name}: expected {code:?}, got:\n{}",
        report.text
    );
    assert!(
        report.outcome.repo.is_none(),
        "{name}: an invalid tree produced a repository"
    );
    insta::assert_snapshot!(name, report.text);
}

#[test]
fn yaml_syntax_error() {
    let f = Fixture::minimal();
    f.edit(GUS, "type: view", "type: [view");
    expect("malformed_syntax", Code::YamlSyntax, &f);
}

#[test]
fn tab_indentation() {
    let f = Fixture::minimal();
    f.edit(
        GUS,
        "name: Gus Viewer",
        "name: Gus Viewer\nroles:\n\tanalytics: {}",
    );
    expect("malformed_tab", Code::YamlSyntax, &f);
}

#[test]
fn wrong_types() {
    let f = Fixture::minimal();
    f.edit(GUS, "primary_id: \"10000007\"", "primary_id: 10000007")
        .edit(GUS, "employment: staff", "employment: [staff]");
    expect("malformed_wrong_types", Code::WrongType, &f);
}

#[test]
fn enum_typo_gets_a_suggestion() {
    let f = Fixture::minimal();
    f.edit(GUS, "employment: staff", "employment: staf");
    expect("malformed_enum_typo", Code::InvalidValue, &f);
}

#[test]
fn duplicate_keys() {
    let f = Fixture::minimal();
    f.edit(GUS, "type: view", "type: view\nmanager: someone-else");
    expect("malformed_duplicate_key", Code::DuplicateKey, &f);
}

#[test]
fn duplicate_list_items() {
    let f = Fixture::minimal();
    f.edit(
        "logins/main/MAIN-DESK1.yaml",
        "[MAIN_CIRC, MAIN_RES]",
        "[MAIN_CIRC, MAIN_RES, MAIN_CIRC]",
    );
    expect("malformed_duplicate_item", Code::DuplicateItem, &f);
}

#[test]
fn alias_bomb() {
    let f = Fixture::minimal();
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (prev, next) in ["a", "b", "c", "d", "e", "f", "g", "h"]
        .iter()
        .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
    {
        bomb.push_str(&format!("{next}: &{next} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
    }
    f.write("logins/main/10000009.yaml", bomb);
    expect("malformed_alias_bomb", Code::YamlAlias, &f);
}

#[test]
fn core_tags_are_refused() {
    let f = Fixture::minimal();
    f.edit(
        GUS,
        "primary_id: \"10000007\"",
        "primary_id: !!str 10000007",
    );
    expect("malformed_core_tag", Code::YamlTag, &f);
    for tagged in [
        "!!int 3",
        "!!binary aGVsbG8=",
        "!<tag:yaml.org,2002:str> x",
        "!custom x",
    ] {
        let f = Fixture::minimal();
        f.edit(GUS, "name: Gus Viewer", &format!("name: {tagged}"));
        let report = f.validate();
        assert!(
            report.codes().contains(&Code::YamlTag),
            "{tagged} was accepted:\n{}",
            report.text
        );
    }
}

#[test]
fn many_keys_are_each_reported_where_they_are() {
    const KEYS: usize = 40_000;
    let f = Fixture::minimal();
    let mut text = String::from("primary_id: \"10000007\"\n");
    for i in 0..KEYS {
        text.push_str(&format!("k{i}: {i}\n"));
    }
    for i in (0..KEYS).step_by(1000) {
        text.push_str(&format!("k{i}: again\n"));
    }
    f.write(GUS, &text);
    let report = f.validate();
    let lines = alma_access::yaml::Lines::new(&text);
    let at = |code: Code| -> Vec<(u32, String)> {
        let mut found: Vec<_> = report
            .outcome
            .diagnostics
            .iter()
            .filter(|d| d.code == code)
            .map(|d| {
                let span = d.span().expect("a span");
                (lines.pos(span.start as usize).line, d.message.clone())
            })
            .collect();
        found.sort();
        found
    };
    let unknown = at(Code::UnknownKey);
    assert_eq!(unknown.len(), KEYS);
    for (i, (line, message)) in unknown.iter().enumerate() {
        assert_eq!(*line as usize, i + 2, "{message}");
        assert_eq!(message, &format!("unknown key `k{i}`"));
    }
    let duplicates = at(Code::DuplicateKey);
    assert_eq!(duplicates.len(), KEYS / 1000);
    for (n, (line, message)) in duplicates.iter().enumerate() {
        assert_eq!(*line as usize, KEYS + n + 2);
        assert!(message.contains(&format!("`k{}`", n * 1000)), "{message}");
    }
}

#[test]
fn ten_megabyte_file() {
    let f = Fixture::minimal();
    let mut big = String::from("primary_id: \"10000009\"\nnotes: |\n");
    while big.len() < 10 * 1024 * 1024 {
        big.push_str("  padding padding padding padding padding padding padding padding\n");
    }
    f.write("logins/main/10000009.yaml", big);
    expect("malformed_too_large", Code::FileTooLarge, &f);
}

#[test]
fn non_utf8_bytes() {
    let f = Fixture::minimal();
    let mut bytes = std::fs::read(f.root.join(GUS)).unwrap();
    bytes.extend_from_slice(b"notes: caf\xe9 au lait\n");
    f.write(GUS, bytes);
    expect("malformed_not_utf8", Code::NotUtf8, &f);
}

#[test]
fn empty_file() {
    let f = Fixture::minimal();
    f.write("logins/main/10000009.yaml", "");
    expect("malformed_empty", Code::EmptyFile, &f);
}

#[test]
fn comment_only_file() {
    let f = Fixture::minimal();
    f.write("logins/main/10000009.yaml", "# to be filled in\n");
    expect("malformed_comment_only", Code::EmptyFile, &f);
}

#[test]
fn folder_where_a_file_is_expected() {
    let f = Fixture::minimal();
    f.write("logins/main/10000009.yaml/nested.yaml", "a: 1\n");
    expect("malformed_folder_for_file", Code::Io, &f);
}

#[test]
fn units_yaml_is_a_folder() {
    let f = Fixture::minimal();
    f.remove("units.yaml")
        .write("units.yaml/main.yaml", "name: x\n");
    expect("malformed_units_folder", Code::Io, &f);
}

#[test]
fn missing_institution_file() {
    let f = Fixture::minimal();
    f.remove("institution.yaml");
    expect("malformed_missing_institution", Code::MissingFile, &f);
}

#[test]
fn several_documents() {
    let f = Fixture::minimal();
    f.edit(GUS, "type: view", "type: view\n---\nname: other");
    expect("malformed_two_documents", Code::MultipleDocuments, &f);
}

#[test]
fn deep_nesting() {
    let f = Fixture::minimal();
    f.edit(
        GUS,
        "type: view",
        &format!("type: view\nnotes: {}{}", "[".repeat(200), "]".repeat(200)),
    );
    expect("malformed_deep", Code::TooDeep, &f);
}

#[test]
fn unsafe_primary_ids_are_refused_by_the_schema() {
    for id in ["a/b", "..", "a%2e", "a?b", "a b", "a\u{7}b"] {
        let f = Fixture::minimal();
        f.edit(
            GUS,
            "primary_id: \"10000007\"",
            &format!("primary_id: {}", serde_json::to_string(id).unwrap()),
        );
        let report = f.validate();
        assert!(
            report.codes().contains(&Code::InvalidValue),
            "{id:?} was accepted:\n{}",
            report.text
        );
    }
}

#[test]
fn stray_files_are_warned_not_fatal() {
    let f = Fixture::minimal();
    f.write("profiles/extra.yml", "description: x\n")
        .write("notes.md", "# notes\n");
    let report = f.validate();
    assert_eq!(report.codes(), vec![Code::StrayFile]);
    assert!(report.outcome.repo.is_some());
    insta::assert_snapshot!("malformed_stray_yml", report.text);
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let f = Fixture::minimal();
    f.edit(GUS, "unit: main", "unit: mian")
        .edit(
            "logins/main/10000008.yaml",
            "type: view-analytics",
            "type: view-analytic",
        )
        .write("logins/main/10000009.yaml", "");
    let report = f.validate();
    for code in [
        Code::UnknownUnit,
        Code::InvalidValue,
        Code::EmptyFile,
        Code::FolderMismatch,
    ] {
        assert!(
            report.codes().contains(&code),
            "missing {code:?}:\n{}",
            report.text
        );
    }
}
