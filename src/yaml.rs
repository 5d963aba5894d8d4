//! Span-aware YAML: reads one document into a [`Node`] tree where every
//! value and every mapping key keeps its line and column.
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

use std::collections::HashMap;
use std::fmt;

use saphyr_parser::{Event, Parser, Span as RawSpan};

mod mapping;
mod scalar;
pub mod syntax;

pub use mapping::Mapping;
use scalar::resolve_scalar;

/// How deep mappings and sequences may nest before the file is refused.
pub const MAX_DEPTH: usize = 64;

/// A position in a source file: 1-based line and 1-based column (in characters).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

/// A range in a source file; `end` is exclusive and may be on a later line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: Pos,
    pub end: Pos,
}

impl Span {
    /// A span covering a single character at `pos`.
    pub fn point(pos: Pos) -> Span {
        Span {
            start: pos,
            end: Pos {
                line: pos.line,
                col: pos.col + 1,
            },
        }
    }

    fn from_raw(raw: &RawSpan) -> Span {
        let conv = |m: &saphyr_parser::Marker| Pos {
            line: u32::try_from(m.line()).unwrap_or(u32::MAX).max(1),
            col: u32::try_from(m.col()).unwrap_or(u32::MAX - 1) + 1,
        };
        Span {
            start: conv(&raw.start),
            end: conv(&raw.end),
        }
    }
}

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

enum Frame {
    Seq(Vec<Node>, Span),
    Map(MapFrame),
}

/// A mapping being read: its entries, where it starts, the key waiting for
/// its value, and each key's entry index (so a duplicate is found at once).
struct MapFrame {
    entries: Vec<Entry>,
    start: Span,
    pending: Option<(String, Span)>,
    index: HashMap<String, usize>,
}

impl MapFrame {
    fn new(start: Span) -> MapFrame {
        MapFrame {
            entries: Vec::new(),
            start,
            pending: None,
            index: HashMap::new(),
        }
    }

    /// Adds an entry; a key already present keeps its first value, and the
    /// duplicate is returned as a problem.
    fn insert(&mut self, key: String, key_span: Span, value: Node) -> Option<Problem> {
        if let Some(&i) = self.index.get(&key) {
            return Some(Problem::DuplicateKey {
                key,
                span: key_span,
                first: self.entries[i].key_span,
            });
        }
        self.index.insert(key.clone(), self.entries.len());
        self.entries.push(Entry {
            key,
            key_span,
            value,
        });
        None
    }
}

/// Reads `text` as one YAML document.
pub fn parse(text: &str) -> Document {
    let mut doc = Document::default();
    match build(text, &mut doc.problems) {
        Ok(root) => doc.root = root,
        Err(problem) => {
            doc.problems.push(problem);
            doc.root = None;
        }
    }
    // The parser places the end of a file without a final newline on the
    // line after the last; keep every position on the lines as shown.
    let shown: Vec<usize> = text.lines().map(|l| l.chars().count()).collect();
    for problem in &mut doc.problems {
        clamp(problem_span(problem), &shown);
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
    if let Some(root) = &mut doc.root {
        clamp_tree(root, &shown);
    }
    doc
}

fn problem_span(problem: &mut Problem) -> &mut Span {
    match problem {
        Problem::Syntax { span, .. }
        | Problem::DuplicateKey { span, .. }
        | Problem::Alias { span }
        | Problem::Tag { span, .. }
        | Problem::ComplexKey { span }
        | Problem::MultipleDocuments { span }
        | Problem::TooDeep { span } => span,
    }
}

fn clamp_tree(node: &mut Node, lines: &[usize]) {
    clamp(&mut node.span, lines);
    match &mut node.value {
        Value::Seq(items) => items.iter_mut().for_each(|n| clamp_tree(n, lines)),
        Value::Map(entries) => entries.entries_mut().iter_mut().for_each(|e| {
            clamp(&mut e.key_span, lines);
            clamp_tree(&mut e.value, lines);
        }),
        _ => {}
    }
}

/// Keeps a span inside the lines of the text as they are shown: a position
/// past the last line moves to the end of the last line.
fn clamp(span: &mut Span, lines: &[usize]) {
    let Some(&last_len) = lines.last() else {
        return;
    };
    let last = u32::try_from(lines.len()).unwrap_or(u32::MAX);
    let end_of_text = Pos {
        line: last,
        col: u32::try_from(last_len).unwrap_or(u32::MAX - 1) + 1,
    };
    if span.start.line > last {
        span.start = end_of_text;
    }
    if span.end.line > last {
        span.end = end_of_text;
    }
    if span.end < span.start {
        span.end = span.start;
    }
}

fn build(text: &str, problems: &mut Vec<Problem>) -> Result<Option<Node>, Problem> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<Node> = None;
    let mut documents = 0usize;
    while let Some(event) = parser.next_event() {
        let (event, raw_span) = event.map_err(|e| {
            let m = e.marker();
            let pos = Pos {
                line: u32::try_from(m.line()).unwrap_or(u32::MAX).max(1),
                col: u32::try_from(m.col()).unwrap_or(u32::MAX - 1) + 1,
            };
            Problem::Syntax {
                message: e.info().to_string(),
                span: Span::point(pos),
                help: String::new(),
            }
        })?;
        let span = Span::from_raw(&raw_span);
        let node = match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(Problem::MultipleDocuments { span });
                }
                continue;
            }
            Event::Alias(_) => return Err(Problem::Alias { span }),
            Event::Scalar(_, _, _, Some(tag))
            | Event::SequenceStart(_, Some(tag))
            | Event::MappingStart(_, Some(tag)) => {
                return Err(Problem::Tag {
                    tag: shown_tag(&tag),
                    span,
                });
            }
            Event::Scalar(text, style, _anchor, None) => Node {
                value: resolve_scalar(&text, style),
                span,
            },
            Event::SequenceStart(..) => {
                push_frame(&mut stack, Frame::Seq(Vec::new(), span))?;
                continue;
            }
            Event::MappingStart(..) => {
                push_frame(&mut stack, Frame::Map(MapFrame::new(span)))?;
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq(items, start)) => Node {
                    value: Value::Seq(items),
                    span: Span {
                        start: start.start,
                        end: span.end,
                    },
                },
                Some(Frame::Map(map)) => Node {
                    value: Value::Map(Mapping::from_parts(map.entries, map.index)),
                    span: Span {
                        start: map.start.start,
                        end: span.end,
                    },
                },
                None => continue,
            },
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => continue,
        };
        attach(&mut stack, &mut root, node, problems)?;
    }
    Ok(root)
}

fn push_frame(stack: &mut Vec<Frame>, frame: Frame) -> Result<(), Problem> {
    if stack.len() >= MAX_DEPTH {
        let span = match &frame {
            Frame::Seq(_, s) | Frame::Map(MapFrame { start: s, .. }) => *s,
        };
        return Err(Problem::TooDeep { span });
    }
    stack.push(frame);
    Ok(())
}

fn attach(
    stack: &mut [Frame],
    root: &mut Option<Node>,
    node: Node,
    problems: &mut Vec<Problem>,
) -> Result<(), Problem> {
    match stack.last_mut() {
        None => *root = Some(node),
        Some(Frame::Seq(items, _)) => items.push(node),
        Some(Frame::Map(map)) => match map.pending.take() {
            None => {
                let key = match node.value {
                    Value::Str(s) => s,
                    Value::Int(i) => i.to_string(),
                    Value::Bool(b) => b.to_string(),
                    Value::Float(f) => f.to_string(),
                    Value::Null | Value::Seq(_) | Value::Map(_) => {
                        return Err(Problem::ComplexKey { span: node.span });
                    }
                };
                map.pending = Some((key, node.span));
            }
            Some((key, key_span)) => problems.extend(map.insert(key, key_span, node)),
        },
    }
    Ok(())
}

/// A tag as people write it: the core prefix shown as `!!`.
fn shown_tag(tag: &saphyr_parser::Tag) -> String {
    match tag.handle.as_str() {
        "tag:yaml.org,2002:" => format!("!!{}", tag.suffix),
        handle => format!("{handle}{}", tag.suffix),
    }
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
