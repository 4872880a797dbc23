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

/// The first document of `input` as go-yaml v2's non-strict `Unmarshal` into
/// `interface{}` decodes it, or `None` when the tree must decide.
pub(crate) fn unmarshal(input: &[u8]) -> Option<Value> {
    let input: &[u8] = if input.is_empty() { b"\n" } else { input };
    let mut parser = Parser::new(input);
    let mut next = move || parser.next_event().ok().flatten().map(|e| e.kind);
    if next()? != EventKind::StreamStart {
        return None;
    }
    match next()? {
        EventKind::StreamEnd => return Some(Value::Null),
        EventKind::DocumentStart { .. } => {}
        _ => return None,
    }
    let mut stack: Vec<Open> = Vec::new();
    loop {
        let at_key = matches!(stack.last(), Some(Open::Mapping(_, None)));
        let done = match next()? {
            EventKind::Scalar {
                anchor,
                tag,
                value,
                plain_implicit,
                ..
            } => {
                if anchor.is_some()
                    || !tag.is_empty()
                    || (at_key && plain_implicit && value == "<<")
                {
                    return None;
                }
                decode::untagged_scalar(value, plain_implicit).ok()?
            }
            EventKind::SequenceStart { anchor, tag, .. } => {
                if anchor.is_some() || !tag.is_empty() || at_key || stack.len() >= MAX_NESTING {
                    return None;
                }
                stack.push(Open::Sequence(Vec::new()));
                continue;
            }
            EventKind::MappingStart { anchor, tag, .. } => {
                if anchor.is_some() || !tag.is_empty() || at_key || stack.len() >= MAX_NESTING {
                    return None;
                }
                stack.push(Open::Mapping(Vec::new(), None));
                continue;
            }
            EventKind::SequenceEnd => match stack.pop()? {
                Open::Sequence(items) => Value::Seq(items),
                Open::Mapping(..) => return None,
            },
            EventKind::MappingEnd => match stack.pop()? {
                Open::Mapping(pairs, None) => Value::Map(pairs),
                _ => return None,
            },
            _ => return None,
        };
        match stack.last_mut() {
            None => {
                return match next()? {
                    EventKind::DocumentEnd { .. } => Some(done),
                    _ => None,
                };
            }
            Some(Open::Sequence(items)) => items.push(done),
            Some(Open::Mapping(pairs, key)) => match key.take() {
                None => *key = Some(done),
                Some(key) => Value::map_insert(pairs, key, done),
            },
        }
    }
}
