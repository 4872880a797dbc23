//! Decoding into [`Value`] straight from the parser's events, without the node
//! tree, for the documents that need nothing the tree is there for: no anchors,
//! aliases, tags or merge keys, no collection as a key, no syntax error.
//! Anything else makes it give up, and the caller decodes through the tree,
//! which then gives the value or the error.

use crate::decode;
use crate::parser::{EventKind, Parser};
use crate::value::Value;

/// Nesting beyond this is left to the tree and its limits.
const MAX_NESTING: usize = 256;

/// A collection being filled.
enum Open {
    Sequence(Vec<Value>),
    /// A mapping, and the key read whose value is awaited.
    Mapping(Vec<(Value, Value)>, Option<Value>),
}

/// The events of a stream's first document, after its start, as the readers
/// that skip the node tree take them: only untagged, unanchored nodes, and
/// `None` (give up) for anything else or a syntax error.
pub(crate) struct FirstDocument<'a> {
    parser: Parser<'a>,
    /// Collections open around the next event.
    depth: usize,
}

/// One node event of a [`FirstDocument`].
pub(crate) enum NodeEvent {
    Scalar { value: String, plain_implicit: bool },
    SequenceStart,
    MappingStart,
    SequenceEnd,
    MappingEnd,
}

impl<'a> FirstDocument<'a> {
    /// Reads the stream's start and its first document's: `Some(None)` for a
    /// stream without documents, `None` for one that does not start well.
    pub(crate) fn open(input: &'a [u8]) -> Option<Option<FirstDocument<'a>>> {
        let input: &[u8] = if input.is_empty() { b"\n" } else { input };
        let mut document = FirstDocument {
            parser: Parser::new(input),
            depth: 0,
        };
        if document.event()? != EventKind::StreamStart {
            return None;
        }
        match document.event()? {
            EventKind::StreamEnd => Some(None),
            EventKind::DocumentStart { .. } => Some(Some(document)),
            _ => None,
        }
    }

    fn event(&mut self) -> Option<EventKind> {
        self.parser.next_event().ok().flatten().map(|e| e.kind)
    }

    /// The next node event; `None` at an anchor, a tag, an alias, the end of
    /// the document, nesting deeper than [`MAX_NESTING`] or an error.
    pub(crate) fn next(&mut self) -> Option<NodeEvent> {
        let plain = |anchor: &Option<String>, tag: &str| anchor.is_none() && tag.is_empty();
        let event = match self.event()? {
            EventKind::Scalar {
                anchor,
                tag,
                value,
                plain_implicit,
                ..
            } if plain(&anchor, &tag) => NodeEvent::Scalar {
                value,
                plain_implicit,
            },
            EventKind::SequenceStart { anchor, tag, .. } if plain(&anchor, &tag) => {
                NodeEvent::SequenceStart
            }
            EventKind::MappingStart { anchor, tag, .. } if plain(&anchor, &tag) => {
                NodeEvent::MappingStart
            }
            EventKind::SequenceEnd => NodeEvent::SequenceEnd,
            EventKind::MappingEnd => NodeEvent::MappingEnd,
            _ => return None,
        };
        match event {
            NodeEvent::SequenceStart | NodeEvent::MappingStart => {
                self.depth += 1;
                if self.depth > MAX_NESTING {
                    return None;
                }
            }
            NodeEvent::SequenceEnd | NodeEvent::MappingEnd => {
                self.depth = self.depth.saturating_sub(1)
            }
            NodeEvent::Scalar { .. } => {}
        }
        Some(event)
    }

    /// Whether the document ends where its root node did.
    pub(crate) fn ends(mut self) -> bool {
        matches!(self.event(), Some(EventKind::DocumentEnd { .. }))
    }
}

/// The first document of `input` as go-yaml v2's non-strict `Unmarshal` into
/// `interface{}` decodes it, or `None` when the tree must decide.
pub(crate) fn unmarshal(input: &[u8]) -> Option<Value> {
    let Some(mut document) = FirstDocument::open(input)? else {
        return Some(Value::Null);
    };
    let mut stack: Vec<Open> = Vec::new();
    loop {
        let at_key = matches!(stack.last(), Some(Open::Mapping(_, None)));
        let done = match document.next()? {
            NodeEvent::Scalar {
                value,
                plain_implicit,
            } => {
                if at_key && plain_implicit && value == "<<" {
                    return None;
                }
                decode::untagged_scalar(value, plain_implicit).ok()?
            }
            start @ (NodeEvent::SequenceStart | NodeEvent::MappingStart) => {
                if at_key {
                    return None;
                }
                stack.push(match start {
                    NodeEvent::MappingStart => Open::Mapping(Vec::new(), None),
                    _ => Open::Sequence(Vec::new()),
                });
                continue;
            }
            NodeEvent::SequenceEnd => match stack.pop()? {
                Open::Sequence(items) => Value::Seq(items),
                Open::Mapping(..) => return None,
            },
            NodeEvent::MappingEnd => match stack.pop()? {
                Open::Mapping(pairs, None) => Value::Map(pairs),
                _ => return None,
            },
        };
        match stack.last_mut() {
            None => return document.ends().then_some(done),
            Some(Open::Sequence(items)) => items.push(done),
            Some(Open::Mapping(pairs, key)) => match key.take() {
                None => *key = Some(done),
                Some(key) => Value::map_insert(pairs, key, done),
            },
        }
    }
}
