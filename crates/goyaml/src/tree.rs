//! Ordered YAML node trees, composed from parser events as go-yaml v2's
//! `parser` (decode.go) builds its `node` tree: one tree per document, anchors
//! registered as they are met (so an alias to a later anchor is an error),
//! positions kept for messages.
//!
//! Also the public entry point for reading arbitrary documents with their key
//! order preserved (rendered manifests, hooks).

use crate::error::{Mark, YamlError};
use crate::parser::{Event, EventKind, Parser};
use crate::scanner::ScalarStyle;

/// Index of a node in its [`Document`].
pub type NodeId = usize;

/// Deepest nesting of collections accepted (bounds recursion everywhere).
pub const MAX_DEPTH: usize = 1000;

#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    /// `implicit` is libyaml's plain-implicit flag: a plain scalar without a
    /// tag (or with the `!` tag), which is subject to resolution.
    Scalar {
        value: String,
        style: ScalarStyle,
        implicit: bool,
    },
    Sequence {
        items: Vec<NodeId>,
        flow: bool,
    },
    Mapping {
        pairs: Vec<(NodeId, NodeId)>,
        flow: bool,
    },
    /// An alias and the node its anchor named when it was read.
    Alias {
        name: String,
        target: NodeId,
    },
}

/// One node: its content, explicit tag (long form, `""` when none), anchor
/// and 0-based position.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub tag: String,
    pub anchor: Option<String>,
    pub mark: Mark,
}

/// One YAML document as an arena of nodes.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    pub nodes: Vec<Node>,
    pub root: NodeId,
    /// Whether the document began with an explicit `---`.
    pub explicit_start: bool,
}

impl Document {
    pub fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id)
    }

    /// The node itself, or the node an alias points to (followed repeatedly).
    pub fn resolve_alias(&self, mut id: NodeId) -> Option<&Node> {
        for _ in 0..=self.nodes.len() {
            let node = self.nodes.get(id)?;
            match &node.kind {
                NodeKind::Alias { target, .. } => id = *target,
                _ => return Some(node),
            }
        }
        None
    }

    /// The value node of `key` in the mapping `id` (plain string comparison of
    /// scalar keys, last occurrence wins as in a Go map).
    pub fn get(&self, id: NodeId, key: &str) -> Option<NodeId> {
        let NodeKind::Mapping { pairs, .. } = &self.resolve_alias(id)?.kind else {
            return None;
        };
        pairs
            .iter()
            .rev()
            .find_map(|(k, v)| match &self.resolve_alias(*k)?.kind {
                NodeKind::Scalar { value, .. } if value == key => Some(*v),
                _ => None,
            })
    }

    /// The text of a scalar node.
    pub fn scalar(&self, id: NodeId) -> Option<&str> {
        match &self.resolve_alias(id)?.kind {
            NodeKind::Scalar { value, .. } => Some(value.as_str()),
            _ => None,
        }
    }
}

/// Reads documents one at a time, as repeated go-yaml `parser.parse()` calls do.
pub struct Composer<'a> {
    parser: Parser<'a>,
    pending: Option<Event>,
    started: bool,
    /// Node capacity reserved for the first document (the usual one).
    first_capacity: usize,
}

/// Input bytes per node assumed when reserving room for the first document's
/// nodes: fewer than most YAML has, so the node arena grows at most once or
/// twice instead of a dozen times.
const BYTES_PER_NODE: usize = 64;

impl<'a> Composer<'a> {
    pub fn new(input: &'a [u8]) -> Composer<'a> {
        let input: &[u8] = if input.is_empty() { b"\n" } else { input };
        Composer {
            parser: Parser::new(input),
            pending: None,
            started: false,
            first_capacity: input.len() / BYTES_PER_NODE,
        }
    }

    fn peek(&mut self) -> Result<Option<&Event>, YamlError> {
        if self.pending.is_none() {
            self.pending = self.parser.next_event().map_err(YamlError::Syntax)?;
        }
        Ok(self.pending.as_ref())
    }

    fn next(&mut self) -> Result<Event, YamlError> {
        self.peek()?;
        self.pending.take().ok_or_else(|| {
            YamlError::Decode("attempted to go past the end of stream; corrupted value?".into())
        })
    }

    /// The next document, or `None` at the end of the stream.
    pub fn next_document(&mut self) -> Result<Option<Document>, YamlError> {
        if !self.started {
            let ev = self.next()?;
            if ev.kind != EventKind::StreamStart {
                return Err(unexpected("stream start", &ev));
            }
            self.started = true;
        }
        let Some(ev) = self.peek()? else {
            return Ok(None);
        };
        match ev.kind {
            EventKind::StreamEnd => return Ok(None),
            EventKind::DocumentStart { .. } => {}
            _ => return Err(unexpected("document start", ev)),
        }
        let start = self.next()?;
        let explicit_start = matches!(start.kind, EventKind::DocumentStart { implicit: false });
        let mut build = Build {
            nodes: Vec::with_capacity(std::mem::take(&mut self.first_capacity)),
            anchors: Vec::new(),
        };
        let root = self.compose(&mut build)?;
        let end = self.next()?;
        if !matches!(end.kind, EventKind::DocumentEnd { .. }) {
            return Err(unexpected("document end", &end));
        }
        Ok(Some(Document {
            nodes: build.nodes,
            root,
            explicit_start,
        }))
    }

    /// Composes one node (iteratively: nesting is bounded by [`MAX_DEPTH`]).
    fn compose(&mut self, build: &mut Build) -> Result<NodeId, YamlError> {
        // The open collections, each with where its children start in
        // `children`; a collection gets its children, in one allocation of
        // the right size, when it ends.
        let mut stack: Vec<(NodeId, usize)> = Vec::new();
        let mut children: Vec<NodeId> = Vec::new();
        loop {
            let ev = self.next()?;
            let mark = ev.start;
            let finished = match ev.kind {
                EventKind::Scalar {
                    anchor,
                    tag,
                    value,
                    plain_implicit,
                    style,
                    ..
                } => {
                    let id = build.push(Node {
                        kind: NodeKind::Scalar {
                            value,
                            style,
                            implicit: plain_implicit,
                        },
                        tag,
                        anchor: anchor.clone(),
                        mark,
                    });
                    build.anchor(anchor, id);
                    Some(id)
                }
                EventKind::Alias { anchor } => {
                    let Some(target) = build.lookup(&anchor) else {
                        return Err(YamlError::Decode(format!(
                            "unknown anchor '{anchor}' referenced"
                        )));
                    };
                    Some(build.push(Node {
                        kind: NodeKind::Alias {
                            name: anchor,
                            target,
                        },
                        tag: String::new(),
                        anchor: None,
                        mark,
                    }))
                }
                EventKind::SequenceStart {
                    anchor, tag, flow, ..
                } => {
                    let id = build.push(Node {
                        kind: NodeKind::Sequence {
                            items: Vec::new(),
                            flow,
                        },
                        tag,
                        anchor: anchor.clone(),
                        mark,
                    });
                    build.anchor(anchor, id);
                    if stack.len() >= MAX_DEPTH {
                        return Err(YamlError::Decode(format!(
                            "exceeded max depth of {MAX_DEPTH}"
                        )));
                    }
                    stack.push((id, children.len()));
                    None
                }
                EventKind::MappingStart {
                    anchor, tag, flow, ..
                } => {
                    let id = build.push(Node {
                        kind: NodeKind::Mapping {
                            pairs: Vec::new(),
                            flow,
                        },
                        tag,
                        anchor: anchor.clone(),
                        mark,
                    });
                    build.anchor(anchor, id);
                    if stack.len() >= MAX_DEPTH {
                        return Err(YamlError::Decode(format!(
                            "exceeded max depth of {MAX_DEPTH}"
                        )));
                    }
                    stack.push((id, children.len()));
                    None
                }
                EventKind::SequenceEnd | EventKind::MappingEnd => match stack.pop() {
                    Some((id, first)) => {
                        let own = children.get(first..).unwrap_or_default();
                        match &mut build.nodes[id].kind {
                            NodeKind::Sequence { items, .. } => *items = own.to_vec(),
                            NodeKind::Mapping { pairs, .. } => {
                                *pairs = own.chunks_exact(2).map(|kv| (kv[0], kv[1])).collect();
                            }
                            _ => {}
                        }
                        children.truncate(first);
                        Some(id)
                    }
                    None => None,
                },
                _ => return Err(unexpected("node", &ev)),
            };
            let Some(done) = finished else { continue };
            if stack.is_empty() {
                return Ok(done);
            }
            children.push(done);
        }
    }
}

fn unexpected(what: &str, ev: &Event) -> YamlError {
    YamlError::Decode(format!("expected {what} event but got {:?}", ev.kind))
}

struct Build {
    nodes: Vec<Node>,
    anchors: Vec<(String, NodeId)>,
}

impl Build {
    fn push(&mut self, node: Node) -> NodeId {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    fn anchor(&mut self, anchor: Option<String>, id: NodeId) {
        if let Some(name) = anchor {
            self.anchors.push((name, id));
        }
    }

    fn lookup(&self, name: &str) -> Option<NodeId> {
        self.anchors
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, id)| *id)
    }
}

/// The first document of `input` (what go-yaml's `Unmarshal` reads), or
/// `None` for a stream without documents.
pub fn parse_first(input: &[u8]) -> Result<Option<Document>, YamlError> {
    Composer::new(input).next_document()
}

/// Every document of `input`, in order, with key order and positions kept.
pub fn parse_all(input: &[u8]) -> Result<Vec<Document>, YamlError> {
    let mut composer = Composer::new(input);
    let mut docs = Vec::new();
    while let Some(doc) = composer.next_document()? {
        docs.push(doc);
    }
    Ok(docs)
}
