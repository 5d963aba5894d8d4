//! Span-aware YAML: reads one document into a [`Node`] tree where every
//! value and every mapping key keeps its place in the text, as a byte
//! range ([`Span`]); lines and columns are worked out from the text only
//! when a place is shown ([`Lines`]).
//!
//! Access files are written by hand and reviewed in pull requests, so this
//! reader is deliberately strict: one document per file, no anchors or
//! aliases (which also rules out "billion laughs" alias bombs), no tags at
//! all (neither custom `!name` nor core `!!str`, `!<tag:...>`: what a value
//! is must be plain from the text, and a quoted value is already a string),
//! no duplicate keys (found with one hash lookup per key), bounded nesting.
//! Scalars resolve by the YAML 1.2 core schema, so `2026-09-01` stays a
//! string and `80012345` is an integer (the schema then asks for quotes).
//! Everything downstream (schema checking, typed conversion, policy rules)
//! works from this tree.

use std::fmt;

mod build;
mod mapping;
mod scalar;
mod span;
pub mod syntax;

pub use mapping::Mapping;
pub use span::{Lines, Pos, Span};

/// How deep mappings and sequences may nest before the file is refused.
pub const MAX_DEPTH: usize = 64;

/// A YAML value with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

/// A mapping entry: the key (always a string here) with its own span.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

/// The value of a node, resolved by the YAML 1.2 core schema.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Mapping),
}

impl Value {
    /// A short noun for messages: "a string", "a list", ...
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "nothing (null)",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "a number",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

/// One step of a path into a document: a mapping key or a list index.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    Key(String),
    Index(usize),
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Key(k) => f.write_str(k),
            Step::Index(i) => write!(f, "[{i}]"),
        }
    }
}

/// Which part of an entry a lookup should point at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Key,
    Value,
}

impl Node {
    /// Looks a mapping entry up by key.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries.get(key),
            _ => None,
        }
    }

    /// Removes the value at `path` (a mapping entry or a list item); false
    /// when there is nothing there. The root itself cannot be removed.
    pub fn remove(&mut self, path: &[Step]) -> bool {
        let Some((last, parents)) = path.split_last() else {
            return false;
        };
        let mut node = self;
        for step in parents {
            let next = match (&mut node.value, step) {
                (Value::Map(entries), Step::Key(k)) => entries.get_mut(k).map(|e| &mut e.value),
                (Value::Seq(items), Step::Index(i)) => items.get_mut(*i),
                _ => None,
            };
            match next {
                Some(n) => node = n,
                None => return false,
            }
        }
        match (&mut node.value, last) {
            (Value::Map(entries), Step::Key(k)) => entries.remove(k).is_some(),
            (Value::Seq(items), Step::Index(i)) if *i < items.len() => {
                items.remove(*i);
                true
            }
            _ => false,
        }
    }

    /// The span of the value (or key) at `path`, or of the deepest ancestor
    /// that exists, so a diagnostic always has a place to point at.
    pub fn span_at(&self, path: &[Step], part: Part) -> Span {
        let mut node = self;
        let mut key_span = None;
        for step in path {
            let next = match (&node.value, step) {
                (Value::Map(entries), Step::Key(k)) => entries.get(k).map(|e| {
                    key_span = Some(e.key_span);
                    &e.value
                }),
                (Value::Seq(items), Step::Index(i)) => items.get(*i).inspect(|_| key_span = None),
                _ => None,
            };
            match next {
                Some(n) => node = n,
                None => return node.span,
            }
        }
        match (part, key_span) {
            (Part::Key, Some(k)) => k,
            _ => node.span,
        }
    }
}

/// Why a document could not be read, or what in it is not allowed.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// The text is not valid YAML: what is wrong in plain words, where to
    /// fix it, and how ([`syntax`]).
    Syntax {
        message: String,
        span: Span,
        help: String,
    },
    /// A key appears twice in one mapping; the first occurrence wins.
    DuplicateKey {
        key: String,
        span: Span,
        first: Span,
    },
    /// An alias (`*name`) was used.
    Alias { span: Span },
    /// A tag (`!name`, `!!str`, `!<tag:yaml.org,2002:int>`, ...) was used.
    Tag { tag: String, span: Span },
    /// A mapping key that is not a plain string (a list, a mapping, null).
    ComplexKey { span: Span },
    /// More than one document (`---`) in the file.
    MultipleDocuments { span: Span },
    /// Nesting deeper than [`MAX_DEPTH`].
    TooDeep { span: Span },
}

impl Problem {
    pub fn span(&self) -> Span {
        match self {
            Problem::Syntax { span, .. }
            | Problem::DuplicateKey { span, .. }
            | Problem::Alias { span }
            | Problem::Tag { span, .. }
            | Problem::ComplexKey { span }
            | Problem::MultipleDocuments { span }
            | Problem::TooDeep { span } => *span,
        }
    }

    /// The line (1-based) the problem is on, in `text`, the text parsed.
    pub fn line(&self, text: &str) -> u32 {
        Lines::new(text).pos(self.span().start as usize).line
    }

    /// Problems after which the tree is not usable at all.
    pub fn is_fatal(&self) -> bool {
        !matches!(self, Problem::DuplicateKey { .. })
    }
}

/// The outcome of reading one file: the root (absent for an empty file or
/// after a fatal problem) and every problem found.
#[derive(Debug, Default)]
pub struct Document {
    pub root: Option<Node>,
    pub problems: Vec<Problem>,
}

/// Reads `text` as one YAML document.
pub fn parse(text: &str) -> Document {
    let mut doc = Document::default();
    match build::build(text, &mut doc.problems) {
        Ok(root) => doc.root = root,
        Err(problem) => {
            doc.problems.push(problem);
            doc.root = None;
        }
    }
    for problem in &mut doc.problems {
        if let Problem::Syntax {
            message,
            span,
            help,
        } = problem
        {
            let explained = syntax::explain(text, message, *span);
            (*message, *span, *help) = (explained.message, explained.span, explained.help);
        }
    }
    doc
}

/// Converts a node to JSON for schema validation.
pub fn to_json(node: &Node) -> serde_json::Value {
    use serde_json::Value as J;
    match &node.value {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) => J::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        Value::Str(s) => J::String(s.clone()),
        Value::Seq(items) => J::Array(items.iter().map(to_json).collect()),
        Value::Map(entries) => J::Object(
            entries
                .iter()
                .map(|e| (e.key.clone(), to_json(&e.value)))
                .collect(),
        ),
    }
}

/// Converts a node to a `serde_yaml` value, from which typed structures are deserialized.
pub fn to_serde_yaml(node: &Node) -> serde_yaml::Value {
    use serde_yaml::Value as Y;
    match &node.value {
        Value::Null => Y::Null,
        Value::Bool(b) => Y::Bool(*b),
        Value::Int(i) => Y::Number((*i).into()),
        Value::Float(f) => Y::Number((*f).into()),
        Value::Str(s) => Y::String(s.clone()),
        Value::Seq(items) => Y::Sequence(items.iter().map(to_serde_yaml).collect()),
        Value::Map(entries) => Y::Mapping(
            entries
                .iter()
                .map(|e| (Y::String(e.key.clone()), to_serde_yaml(&e.value)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests;
