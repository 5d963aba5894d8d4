//! The JSON Schemas of the access files, embedded in the binary, and the
//! translation of schema errors into diagnostics that point at the YAML
//! value or key itself (its place in the text, not a JSON pointer), with
//! the schema's own `description` as help and a "did you mean" for
//! misspelt keys.
//!
//! Validators are built once per process. Schema checks look at one file at
//! a time; rules that span files are in [`crate::validate`].

use std::collections::BTreeSet;
use std::sync::OnceLock;

use jsonschema::error::ValidationErrorKind;
use serde_json::Value as Json;

use crate::diag::{Code, Diagnostic, did_you_mean};
use crate::yaml::{self, Node, Part, Step, Value};

/// The five kinds of schema-checked file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SchemaKind {
    Login,
    Profile,
    Units,
    Catalog,
    Institution,
}

impl SchemaKind {
    pub const ALL: [SchemaKind; 5] = [
        SchemaKind::Login,
        SchemaKind::Profile,
        SchemaKind::Units,
        SchemaKind::Catalog,
        SchemaKind::Institution,
    ];

    /// The schema's file name under `schemas/`.
    pub fn file_name(self) -> &'static str {
        match self {
            SchemaKind::Login => "login.schema.json",
            SchemaKind::Profile => "profile.schema.json",
            SchemaKind::Units => "units.schema.json",
            SchemaKind::Catalog => "catalog.schema.json",
            SchemaKind::Institution => "institution.schema.json",
        }
    }

    /// The schema text as embedded at build time.
    pub fn text(self) -> &'static str {
        match self {
            SchemaKind::Login => include_str!("../schemas/login.schema.json"),
            SchemaKind::Profile => include_str!("../schemas/profile.schema.json"),
            SchemaKind::Units => include_str!("../schemas/units.schema.json"),
            SchemaKind::Catalog => include_str!("../schemas/catalog.schema.json"),
            SchemaKind::Institution => include_str!("../schemas/institution.schema.json"),
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

struct Compiled {
    json: Json,
    validator: jsonschema::Validator,
}

fn compiled(kind: SchemaKind) -> &'static Compiled {
    static CELLS: [OnceLock<Compiled>; 5] = [const { OnceLock::new() }; 5];
    CELLS[kind.index()].get_or_init(|| {
        // The schemas are part of the binary and covered by tests: a broken
        // one is a build defect, not a user error.
        let json: Json = serde_json::from_str(kind.text()).expect("embedded schema is valid JSON");
        let validator = jsonschema::draft202012::new(&json).expect("embedded schema compiles");
        Compiled { json, validator }
    })
}

/// The parsed JSON of an embedded schema.
pub fn json(kind: SchemaKind) -> &'static Json {
    &compiled(kind).json
}

/// Checks one document against its schema. Returns every problem found.
pub fn check(kind: SchemaKind, file: &str, root: &Node) -> Vec<Diagnostic> {
    let compiled = compiled(kind);
    let instance = yaml::to_json(root);
    let mut out = Vec::new();
    for error in compiled.validator.iter_errors(&instance) {
        let path = pointer_steps(root, error.instance_path().as_str());
        let schema_at = schema_parent(&compiled.json, error.schema_path().as_str());
        out.extend(translate(
            file,
            root,
            &path,
            error.kind(),
            schema_at,
            &error.to_string(),
        ));
    }
    // A value of the wrong type also fails its enum or pattern: say it once.
    let wrong_type: Vec<_> = out
        .iter()
        .filter(|d| d.code == Code::WrongType)
        .map(Diagnostic::span)
        .collect();
    out.retain(|d| d.code != Code::InvalidValue || !wrong_type.contains(&d.span()));
    out
}

/// The values a document would need to lose to pass its schema: each
/// unexpected key, each value of the wrong type or form, each object that
/// misses a required key. `None` when the problem is the document itself
/// (not a mapping, or a required top-level key missing): then nothing can
/// be read from it.
pub fn failing_values(kind: SchemaKind, root: &Node) -> Option<Vec<Vec<Step>>> {
    let instance = yaml::to_json(root);
    let mut out = Vec::new();
    for error in compiled(kind).validator.iter_errors(&instance) {
        let path = pointer_steps(root, error.instance_path().as_str());
        match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                out.extend(unexpected.iter().map(|key| {
                    let mut at = path.clone();
                    at.push(Step::Key(key.clone()));
                    at
                }));
            }
            _ if path.is_empty() => return None,
            _ => out.push(path),
        }
    }
    Some(out)
}

/// Turns a JSON pointer into steps, reading list indices where the tree has lists.
fn pointer_steps(root: &Node, pointer: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut node = Some(root);
    for raw in pointer.split('/').skip(1) {
        let seg = raw.replace("~1", "/").replace("~0", "~");
        let step = match (node.map(|n| &n.value), seg.parse::<usize>()) {
            (Some(Value::Seq(_)), Ok(i)) => Step::Index(i),
            _ => Step::Key(seg),
        };
        node = node.and_then(|n| match (&n.value, &step) {
            (Value::Seq(items), Step::Index(i)) => items.get(*i),
            (Value::Map(_), Step::Key(k)) => n.get(k).map(|e| &e.value),
            _ => None,
        });
        steps.push(step);
    }
    steps
}

/// The subschema that holds the failing keyword (the pointer minus its last segment).
fn schema_parent<'a>(schema: &'a Json, keyword_pointer: &str) -> Option<&'a Json> {
    let parent = keyword_pointer.rsplit_once('/').map_or("", |(p, _)| p);
    schema.pointer(parent)
}

fn describe(path: &[Step]) -> String {
    match path.last() {
        None => "the file".to_string(),
        Some(Step::Key(k)) => format!("`{k}`"),
        Some(Step::Index(i)) => {
            let owner = path.iter().rev().find_map(|s| match s {
                Step::Key(k) => Some(k.as_str()),
                Step::Index(_) => None,
            });
            match owner {
                Some(k) => format!("item {} of `{k}`", i + 1),
                None => format!("item {}", i + 1),
            }
        }
    }
}

fn description(schema_at: Option<&Json>) -> Option<String> {
    schema_at?.get("description")?.as_str().map(str::to_string)
}

fn translate(
    file: &str,
    root: &Node,
    path: &[Step],
    kind: &ValidationErrorKind,
    schema_at: Option<&Json>,
    fallback: &str,
) -> Vec<Diagnostic> {
    let value_span = root.span_at(path, Part::Value);
    let key_span = root.span_at(path, Part::Key);
    let what = describe(path);
    let described = |d: Diagnostic| match description(schema_at) {
        Some(text) => d.note(format!("{what}: {text}")),
        None => d,
    };
    match kind {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let known: BTreeSet<&str> = schema_at
                .and_then(|s| s.get("properties"))
                .and_then(Json::as_object)
                .map(|p| p.keys().map(String::as_str).collect())
                .unwrap_or_default();
            unexpected
                .iter()
                .map(|key| {
                    let mut key_path = path.to_vec();
                    key_path.push(Step::Key(key.clone()));
                    let d =
                        Diagnostic::error(Code::UnknownKey, file, format!("unknown key `{key}`"))
                            .at(root.span_at(&key_path, Part::Key));
                    let inside = if path.is_empty() {
                        String::new()
                    } else {
                        format!(" in {what}")
                    };
                    match did_you_mean(key, known.iter().copied()) {
                        Some(near) => d.help(format!("did you mean `{near}`?")),
                        None => d.help(format!(
                            "remove it; the keys allowed{inside} are: {}",
                            known.iter().copied().collect::<Vec<_>>().join(", ")
                        )),
                    }
                })
                .collect()
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            let about = schema_at
                .and_then(|s| s.pointer(&format!("/properties/{name}/description")))
                .and_then(Json::as_str);
            let mut d = Diagnostic::error(
                Code::MissingKey,
                file,
                format!("missing required key `{name}`"),
            )
            .at(first_line(value_span))
            .help(format!(
                "add `{name}:`{}",
                if path.is_empty() {
                    String::new()
                } else {
                    format!(" to {what}")
                }
            ));
            if let Some(about) = about {
                d = d.note(format!("`{name}`: {about}"));
            }
            vec![d]
        }
        ValidationErrorKind::Type { kind } => {
            let found = node_at(root, path).map_or("nothing", |n| n.value.kind());
            let expected = format!("{kind:?}")
                .to_lowercase()
                .replace("single(", "")
                .replace(')', "");
            let d = Diagnostic::error(
                Code::WrongType,
                file,
                format!("{what} must be {}, found {found}", article(&expected)),
            )
            .at(value_span);
            let d = match (expected.as_str(), node_at(root, path).map(|n| &n.value)) {
                ("string", Some(Value::Int(_) | Value::Float(_) | Value::Bool(_))) => {
                    d.help("put the value in quotes, e.g. \"80012345\", so it is read as text")
                }
                ("object", Some(Value::Null)) => d.help("write `{}` for an entry without settings"),
                _ => d.help(format!("write {} here", article(&expected))),
            };
            vec![described(d)]
        }
        ValidationErrorKind::Enum { options } => {
            let allowed: Vec<&str> = options
                .as_array()
                .map(|a| a.iter().filter_map(Json::as_str).collect())
                .unwrap_or_default();
            let found = node_at(root, path)
                .map(|n| yaml::to_json(n).to_string())
                .unwrap_or_default();
            let d = Diagnostic::error(
                Code::InvalidValue,
                file,
                format!(
                    "{what} must be one of: {}; found {found}",
                    allowed.join(", ")
                ),
            )
            .at(value_span);
            let d = match did_you_mean(found.trim_matches('"'), allowed.iter().copied()) {
                Some(near) => d.help(format!("did you mean `{near}`?")),
                None => d.help(format!("use one of: {}", allowed.join(", "))),
            };
            vec![d]
        }
        ValidationErrorKind::UniqueItems => {
            let span = node_at(root, path)
                .and_then(|n| match &n.value {
                    Value::Seq(items) => items
                        .iter()
                        .enumerate()
                        .find(|(i, item)| {
                            items[..*i]
                                .iter()
                                .any(|earlier| earlier.value == item.value)
                        })
                        .map(|(_, item)| item.span),
                    _ => None,
                })
                .unwrap_or(value_span);
            vec![
                Diagnostic::error(
                    Code::DuplicateItem,
                    file,
                    format!("{what} lists the same item twice"),
                )
                .at(span)
                .help("lists are sets: remove the repeated item"),
            ]
        }
        ValidationErrorKind::PropertyNames { .. } => vec![described(
            Diagnostic::error(
                Code::InvalidValue,
                file,
                format!("a key in {what} does not have the required form: {fallback}"),
            )
            .at(key_span)
            .help("keys are lower-case words joined by `-` or `_`"),
        )],
        ValidationErrorKind::Pattern { .. } => {
            let found = node_at(root, path)
                .map(|n| yaml::to_json(n).to_string())
                .unwrap_or_default();
            vec![described(
                Diagnostic::error(
                    Code::InvalidValue,
                    file,
                    format!("{what} does not have the required form: {found}"),
                )
                .at(value_span)
                .help(pattern_help(path)),
            )]
        }
        _ => vec![described(
            Diagnostic::error(Code::InvalidValue, file, format!("{what}: {fallback}"))
                .at(value_span)
                .help("see the note for what this value must be"),
        )],
    }
}

fn pattern_help(path: &[Step]) -> &'static str {
    let key = path.iter().rev().find_map(|s| match s {
        Step::Key(k) => Some(k.as_str()),
        Step::Index(_) => None,
    });
    match key {
        Some("primary_id") => {
            "use the Alma primary id as text: letters and digits, joined by single `.`, `_`, `@` or `-`"
        }
        Some("manager" | "liaison" | "github") => {
            "write a GitHub handle without `@`: letters, digits and single hyphens"
        }
        Some(k)
            if k.ends_with("date")
                || matches!(
                    k,
                    "from" | "until" | "since" | "review_by" | "sandbox_tested_on"
                ) =>
        {
            "write the date as YYYY-MM-DD, e.g. 2026-09-01"
        }
        Some("alma_role") => "write the Alma role type code as quoted digits, e.g. \"32\"",
        _ => "see the note for the form this value takes",
    }
}

fn node_at<'a>(root: &'a Node, path: &[Step]) -> Option<&'a Node> {
    let mut node = root;
    for step in path {
        node = match (&node.value, step) {
            (Value::Map(_), Step::Key(k)) => &node.get(k)?.value,
            (Value::Seq(items), Step::Index(i)) => items.get(*i)?,
            _ => return None,
        };
    }
    Some(node)
}

/// Narrows a span to its start (a missing key points at the start of its mapping).
fn first_line(span: yaml::Span) -> yaml::Span {
    yaml::Span::point(span.start as usize)
}

fn article(noun: &str) -> String {
    let noun = match noun {
        "object" => "mapping",
        "array" => "list",
        "integer" => "whole number",
        other => other,
    };
    if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {noun}")
    } else {
        format!("a {noun}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_schema_compiles_and_describes_its_properties() {
        for kind in SchemaKind::ALL {
            let schema = json(kind);
            assert_eq!(
                schema.get("$schema").and_then(Json::as_str),
                Some("https://json-schema.org/draft/2020-12/schema"),
                "{}",
                kind.file_name()
            );
            assert!(
                schema.get("title").is_some(),
                "{} has no title",
                kind.file_name()
            );
        }
    }

    #[test]
    fn pointers_become_steps_with_list_indices() {
        let doc = yaml::parse("a:\n  - x\n  - y\n");
        let root = doc.root.unwrap();
        assert_eq!(
            pointer_steps(&root, "/a/1"),
            vec![Step::Key("a".into()), Step::Index(1)]
        );
        assert_eq!(pointer_steps(&root, ""), vec![]);
    }
}
