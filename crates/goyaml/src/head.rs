//! The head of a Kubernetes manifest (apiVersion, kind, metadata.name and
//! metadata.annotations) read as Helm reads it, `yaml.Unmarshal` into its
//! `SimpleHead`, but from the parser's events, without building the document:
//! only mapping keys and the head's own fields are resolved.
//!
//! Whatever the full decoder must judge (anchors, aliases, tags, merge keys,
//! keys that cannot become JSON keys, syntax errors, deep nesting) makes the
//! reader give up, so that the caller decodes the document fully and reports
//! exactly what the full decoder reports.

use crate::decode;
use crate::direct::{FirstDocument, NodeEvent};
use crate::sigs;
use crate::value::Value;

/// The fields Helm reads before applying a document. Annotations are in the
/// order their keys first appear; a later duplicate replaces the value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SimpleHead {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub annotations: Vec<(String, String)>,
}

/// What a value in a mapping means for the head.
#[derive(Clone, Debug)]
enum Slot {
    Ignored,
    ApiVersion,
    Kind,
    Metadata,
    Name,
    Annotations,
    Annotation(String),
}

/// Which mapping of the head an open collection is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Root,
    Metadata,
    Annotations,
    Other,
}

/// An open collection: a mapping waiting for a key or for the value of `slot`,
/// or a sequence.
struct Open {
    role: Role,
    mapping: bool,
    slot: Option<Slot>,
}

/// The head of the first document of `input`, or `None` when the document
/// needs the full decoder (which then gives the head or the error).
pub fn read_simple_head(input: &[u8]) -> Option<SimpleHead> {
    let mut head = SimpleHead::default();
    let Some(mut document) = FirstDocument::open(input)? else {
        return Some(head);
    };
    let mut stack: Vec<Open> = Vec::new();
    loop {
        let event = document.next()?;
        // The meaning of this node: a key of the innermost mapping, a value
        // in it (taking its slot), an item of a sequence, or the root.
        let (is_key, slot) = match stack.last_mut() {
            Some(Open {
                mapping: true,
                slot,
                ..
            }) => match slot.take() {
                Some(slot) => (false, slot),
                None => (true, Slot::Ignored),
            },
            Some(_) => (false, Slot::Ignored),
            None => (false, Slot::Ignored),
        };
        match event {
            NodeEvent::MappingEnd | NodeEvent::SequenceEnd => {
                // A mapping that ends waiting for a value: only a malformed
                // event stream gives one.
                if !is_key && stack.last().is_some_and(|open| open.mapping) {
                    return None;
                }
                stack.pop();
            }
            NodeEvent::Scalar {
                value,
                plain_implicit,
            } => {
                if is_key {
                    let role = stack.last()?.role;
                    let slot = key_slot(role, value, plain_implicit, &mut head)?;
                    stack.last_mut()?.slot = Some(slot);
                    continue;
                }
                let text = match slot {
                    Slot::Ignored => None,
                    _ => Some(scalar_text(&value, plain_implicit)?),
                };
                fill(&mut head, slot, text);
            }
            NodeEvent::MappingStart | NodeEvent::SequenceStart => {
                if is_key {
                    return None;
                }
                let mapping = matches!(event, NodeEvent::MappingStart);
                let role = match (&slot, mapping) {
                    _ if stack.is_empty() && mapping => Role::Root,
                    (Slot::Metadata, true) => Role::Metadata,
                    (Slot::Annotations, true) => Role::Annotations,
                    _ => Role::Other,
                };
                fill(&mut head, slot, None);
                stack.push(Open {
                    role,
                    mapping,
                    slot: None,
                });
                continue;
            }
        }
        if stack.is_empty() {
            return document.ends().then_some(head);
        }
    }
}

/// Checks a mapping key as the full decoder would and gives the slot of its
/// value; `None` for a key only the full decoder can judge (a merge key, or a
/// key JSON cannot hold).
fn key_slot(
    role: Role,
    value: String,
    plain_implicit: bool,
    head: &mut SimpleHead,
) -> Option<Slot> {
    if plain_implicit && value == "<<" {
        return None;
    }
    let key = resolve(value, plain_implicit)?;
    let text = match key {
        Value::String(text) => text,
        Value::Int(_) | Value::Float(_) | Value::Bool(_) if role != Role::Annotations => {
            return Some(Slot::Ignored)
        }
        _ => return None,
    };
    Some(match (role, text.as_str()) {
        (Role::Root, "apiVersion") => Slot::ApiVersion,
        (Role::Root, "kind") => Slot::Kind,
        (Role::Root, "metadata") => {
            head.name.clear();
            head.annotations.clear();
            Slot::Metadata
        }
        (Role::Metadata, "name") => Slot::Name,
        (Role::Metadata, "annotations") => {
            head.annotations.clear();
            Slot::Annotations
        }
        (Role::Annotations, _) => Slot::Annotation(text),
        _ => Slot::Ignored,
    })
}

/// Sets the field of `slot`: to the text of a scalar, or, for a collection
/// (`None`), to what Helm's head holds when the field is not a string.
fn fill(head: &mut SimpleHead, slot: Slot, text: Option<String>) {
    match slot {
        Slot::Ignored | Slot::Metadata | Slot::Annotations => {}
        Slot::ApiVersion => head.api_version = text.unwrap_or_default(),
        Slot::Kind => head.kind = text.unwrap_or_default(),
        Slot::Name => head.name = text.unwrap_or_default(),
        Slot::Annotation(key) => {
            let at = head.annotations.iter().position(|(k, _)| *k == key);
            match (at, text) {
                (Some(at), Some(text)) => head.annotations[at].1 = text,
                (Some(at), None) => {
                    head.annotations.remove(at);
                }
                (None, Some(text)) => head.annotations.push((key, text)),
                (None, None) => {}
            }
        }
    }
}

/// An untagged scalar decoded as go-yaml v2 decodes it into `interface{}`.
fn resolve(value: String, plain_implicit: bool) -> Option<Value> {
    decode::untagged_scalar(value, plain_implicit).ok()
}

/// A scalar as a string field of Helm's head receives it through
/// sigs.k8s.io/yaml: strings as they are, null as empty, numbers and booleans
/// as their text.
fn scalar_text(value: &str, plain_implicit: bool) -> Option<String> {
    match resolve(value.to_string(), plain_implicit)? {
        Value::String(text) => Some(text),
        Value::Null => Some(String::new()),
        other => sigs::string_target_text(&other),
    }
}
