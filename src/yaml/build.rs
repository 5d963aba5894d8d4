//! Building the tree from the parser's events: one frame per open mapping
//! or list, each value attached to its parent as it ends, every place
//! turned into a byte range as it is read.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, Span as RawSpan};

use super::mapping::{Mapping, SCAN};
use super::scalar::resolve_scalar;
use super::span::Locator;
use super::{Entry, MAX_DEPTH, Node, Problem, Span, Value};

enum Frame {
    Seq(Vec<Node>, Span),
    Map(MapFrame),
}

/// A mapping being read: its entries, where it starts, the key waiting for
/// its value, and, once it is long, each key's entry index (so a duplicate
/// is found at once).
struct MapFrame {
    entries: Vec<Entry>,
    start: Span,
    pending: Option<(String, Span)>,
    index: Option<HashMap<String, usize>>,
}

impl MapFrame {
    fn new(start: Span) -> MapFrame {
        MapFrame {
            entries: Vec::new(),
            start,
            pending: None,
            index: None,
        }
    }

    /// Adds an entry; a key already present keeps its first value, and the
    /// duplicate is returned as a problem.
    fn insert(&mut self, key: String, key_span: Span, value: Node) -> Option<Problem> {
        let found = match &self.index {
            Some(index) => index.get(&key).copied(),
            None => self.entries.iter().position(|e| e.key == key),
        };
        if let Some(i) = found {
            return Some(Problem::DuplicateKey {
                key,
                span: key_span,
                first: self.entries[i].key_span,
            });
        }
        if let Some(index) = &mut self.index {
            index.insert(key.clone(), self.entries.len());
        }
        self.entries.push(Entry {
            key,
            key_span,
            value,
        });
        if self.index.is_none() && self.entries.len() > SCAN {
            let index = self
                .entries
                .iter()
                .enumerate()
                .map(|(i, e)| (e.key.clone(), i))
                .collect();
            self.index = Some(index);
        }
        None
    }

    fn finish(self, end: Span) -> Node {
        Node {
            value: Value::Map(Mapping::from_parts(self.entries, self.index)),
            span: self.start.to(end),
        }
    }
}

/// Reads the events of `text` into a tree; a fatal problem stops it.
pub(super) fn build(text: &str, problems: &mut Vec<Problem>) -> Result<Option<Node>, Problem> {
    let mut parser = Parser::new_from_str(text);
    let mut at = Locator::new(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<Node> = None;
    let mut documents = 0usize;
    while let Some(event) = parser.next_event() {
        let (event, raw_span) = event.map_err(|e| Problem::Syntax {
            message: e.info().to_string(),
            span: Span::point(at.offset(e.marker())),
            help: String::new(),
        })?;
        let span = span(&mut at, &raw_span);
        let node = match event {
            Event::DocumentStart(_) => {
                at.in_document = true;
                documents += 1;
                if documents > 1 {
                    return Err(Problem::MultipleDocuments { span });
                }
                continue;
            }
            Event::DocumentEnd => {
                at.in_document = false;
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
                    span: start.to(span),
                },
                Some(Frame::Map(map)) => map.finish(span),
                None => continue,
            },
            Event::StreamStart | Event::StreamEnd | Event::Nothing => continue,
        };
        attach(&mut stack, &mut root, node, problems)?;
    }
    Ok(root)
}

fn span(at: &mut Locator<'_>, raw: &RawSpan) -> Span {
    let start = at.offset(&raw.start);
    let end = at.offset(&raw.end);
    Span::new(start, end)
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
