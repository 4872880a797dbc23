//! Decoding a node tree into Go values as go-yaml v2's `decoder` does for an
//! `interface{}` target: scalar resolution, `!!binary`, aliases (with the
//! self-reference and excessive-aliasing checks), merge keys in go-yaml's
//! order (a merge overrides keys written before it), duplicate keys (last
//! wins; an error in strict mode) and invalid keys.

use std::collections::HashSet;

use crate::error::YamlError;
use crate::resolve::{self, Outcome, Version, BINARY_TAG, MERGE_TAG, STR_TAG, TIMESTAMP_TAG};
use crate::tree::{self, Document, Node, NodeId, NodeKind, MAX_DEPTH};
use crate::value::Value;

type Res<T> = Result<T, YamlError>;

fn failf(msg: impl Into<String>) -> YamlError {
    YamlError::Decode(msg.into())
}

struct Decoder<'a> {
    doc: &'a Document,
    strict: bool,
    terrors: Vec<String>,
    in_alias: HashSet<NodeId>,
    decode_count: usize,
    alias_count: usize,
    alias_depth: usize,
    depth: usize,
    /// Scalar texts moved out of the document, by node id: those no alias can
    /// reach, which are decoded at most once and so can be handed over.
    texts: Vec<Option<String>>,
}

fn allowed_alias_ratio(decode_count: usize) -> f64 {
    const LOW: usize = 400_000;
    const HIGH: usize = 4_000_000;
    if decode_count <= LOW {
        0.99
    } else if decode_count >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((decode_count - LOW) as f64 / (HIGH - LOW) as f64)
    }
}

impl<'a> Decoder<'a> {
    fn count(&mut self) -> Res<()> {
        self.decode_count += 1;
        if self.alias_depth > 0 {
            self.alias_count += 1;
        }
        if self.alias_count > 100
            && self.decode_count > 1000
            && self.alias_count as f64 / self.decode_count as f64
                > allowed_alias_ratio(self.decode_count)
        {
            return Err(failf("document contains excessive aliasing"));
        }
        Ok(())
    }

    fn enter(&mut self) -> Res<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(failf(format!("exceeded max depth of {MAX_DEPTH}")));
        }
        Ok(())
    }

    /// The text of scalar `id`, whose text in the document is `value`.
    fn text<'s>(&'s self, id: NodeId, value: &'s str) -> &'s str {
        self.texts
            .get(id)
            .and_then(Option::as_deref)
            .unwrap_or(value)
    }

    /// The text of scalar `id` as an owned string, moved when it can be.
    fn own_text(&mut self, id: NodeId, value: &str) -> String {
        self.texts
            .get_mut(id)
            .and_then(Option::take)
            .unwrap_or_else(|| value.to_string())
    }

    fn node(&self, id: NodeId) -> Res<&'a tree::Node> {
        self.doc
            .nodes
            .get(id)
            .ok_or_else(|| failf("internal error: missing node"))
    }

    /// Follows an alias with the recursion checks of `decoder.alias`.
    fn alias<T>(
        &mut self,
        id: NodeId,
        name: &str,
        target: NodeId,
        f: impl FnOnce(&mut Self, NodeId) -> Res<T>,
    ) -> Res<T> {
        if self.in_alias.contains(&id) {
            return Err(failf(format!("anchor '{name}' value contains itself")));
        }
        self.in_alias.insert(id);
        self.alias_depth += 1;
        let out = f(self, target);
        self.alias_depth -= 1;
        self.in_alias.remove(&id);
        out
    }

    fn unmarshal(&mut self, id: NodeId) -> Res<Value> {
        self.count()?;
        self.enter()?;
        let node = self.node(id)?;
        let out = match &node.kind {
            NodeKind::Alias { name, target } => {
                self.alias(id, name, *target, |d, t| d.unmarshal(t))
            }
            NodeKind::Scalar {
                value, implicit, ..
            } => match scalar(&node.tag, self.text(id, value), *implicit) {
                Ok(Outcome::Text) => Ok(Value::String(self.own_text(id, value))),
                Ok(Outcome::Value(v)) => Ok(v),
                Err(e) => Err(e),
            },
            NodeKind::Sequence { items, .. } => {
                let mut out = Vec::with_capacity(items.len());
                for &item in items {
                    out.push(self.unmarshal(item)?);
                }
                Ok(Value::Seq(out))
            }
            NodeKind::Mapping { pairs, .. } => {
                let mut out = Vec::with_capacity(pairs.len());
                self.mapping_into(id, &mut out)?;
                Ok(Value::Map(out))
            }
        };
        self.depth -= 1;
        out
    }

    /// `d.unmarshal(n, out)` where `out` is an existing map (merges).
    fn unmarshal_into_map(&mut self, id: NodeId, out: &mut Vec<(Value, Value)>) -> Res<()> {
        self.count()?;
        self.enter()?;
        let node = self.node(id)?;
        let result = match &node.kind {
            NodeKind::Alias { name, target } => {
                self.alias(id, name, *target, |d, t| d.unmarshal_into_map(t, out))
            }
            NodeKind::Mapping { .. } => self.mapping_into(id, out),
            _ => Err(want_map()),
        };
        self.depth -= 1;
        result
    }

    fn mapping_into(&mut self, id: NodeId, out: &mut Vec<(Value, Value)>) -> Res<()> {
        let node = self.node(id)?;
        let NodeKind::Mapping { pairs, .. } = &node.kind else {
            return Err(want_map());
        };
        for &(k, v) in pairs {
            if self.is_merge(k)? {
                self.merge(v, out)?;
                continue;
            }
            let key = self.unmarshal(k)?;
            if matches!(key, Value::Map(_) | Value::Seq(_)) {
                return Err(failf(format!("invalid map key: {}", key.go_sharp_v())));
            }
            let value = self.unmarshal(v)?;
            if self.strict && Value::map_contains(out, &key) {
                let line = self.node(v)?.mark.line + 1;
                self.terrors.push(format!(
                    "line {line}: key {} already set in map",
                    key.go_sharp_v()
                ));
                continue;
            }
            Value::map_insert(out, key, value);
        }
        Ok(())
    }

    fn is_merge(&self, id: NodeId) -> Res<bool> {
        let node = self.node(id)?;
        Ok(match &node.kind {
            NodeKind::Scalar {
                value, implicit, ..
            } => self.text(id, value) == "<<" && (*implicit || node.tag == MERGE_TAG),
            _ => false,
        })
    }

    fn target_is_mapping(&self, id: NodeId) -> Res<bool> {
        let node = self.node(id)?;
        Ok(match &node.kind {
            NodeKind::Alias { target, .. } => {
                matches!(self.node(*target)?.kind, NodeKind::Mapping { .. })
            }
            NodeKind::Mapping { .. } => true,
            _ => false,
        })
    }

    fn merge(&mut self, id: NodeId, out: &mut Vec<(Value, Value)>) -> Res<()> {
        let node = self.node(id)?;
        match &node.kind {
            NodeKind::Mapping { .. } => self.unmarshal_into_map(id, out),
            NodeKind::Alias { .. } => {
                if !self.target_is_mapping(id)? {
                    return Err(want_map());
                }
                self.unmarshal_into_map(id, out)
            }
            NodeKind::Sequence { items, .. } => {
                for &item in items.iter().rev() {
                    if !self.target_is_mapping(item)? {
                        return Err(want_map());
                    }
                    self.unmarshal_into_map(item, out)?;
                }
                Ok(())
            }
            NodeKind::Scalar { .. } => Err(want_map()),
        }
    }
}

fn want_map() -> YamlError {
    failf("map merge requires map or sequence of maps as the value")
}

/// `decoder.scalar` for an `interface{}` target (`Outcome::Text`: the text
/// itself as a string).
fn scalar(tag: &str, value: &str, implicit: bool) -> Res<Outcome> {
    if tag.is_empty() && !implicit {
        return Ok(Outcome::Text);
    }
    let (rtag, resolved) = resolve::resolve_outcome(tag, value, Version::V2).map_err(failf)?;
    if rtag == BINARY_TAG {
        let bytes = decode_base64(value)
            .ok_or_else(|| failf("!!binary value contains invalid base64 data"))?;
        return Ok(Outcome::Value(Value::String(go_lossy_utf8(&bytes))));
    }
    if rtag == TIMESTAMP_TAG || rtag == STR_TAG {
        return Ok(Outcome::Text);
    }
    Ok(resolved)
}

/// An untagged scalar as go-yaml v2 decodes it into `interface{}`.
pub(crate) fn untagged_scalar(value: String, implicit: bool) -> Res<Value> {
    Ok(match scalar("", &value, implicit)? {
        Outcome::Text => Value::String(value),
        Outcome::Value(v) => v,
    })
}

/// Go's `base64.StdEncoding.DecodeString` (line breaks ignored, padding required).
pub(crate) fn decode_base64(s: &str) -> Option<Vec<u8>> {
    let clean: Vec<u8> = s.bytes().filter(|&b| b != b'\r' && b != b'\n').collect();
    if clean.len() & 3 != 0 {
        return None;
    }
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        })
    };
    let mut out = Vec::with_capacity(clean.len() / 4 * 3);
    let chunks = clean.len() / 4;
    for (i, chunk) in clean.chunks(4).enumerate() {
        let pad = chunk.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && i + 1 != chunks) {
            return None;
        }
        let mut n: u32 = 0;
        for &c in &chunk[..4 - pad] {
            n = (n << 6) | val(c)?;
        }
        n <<= 6 * pad as u32;
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Some(out)
}

/// Bytes as a Go string reaches JSON: each byte that does not start a valid
/// UTF-8 sequence becomes U+FFFD.
pub(crate) fn go_lossy_utf8(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    let mut rest = bytes;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                out.push_str(s);
                break;
            }
            Err(e) => {
                let (good, bad) = rest.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(good).unwrap_or_default());
                out.push('\u{FFFD}');
                rest = &bad[1..];
            }
        }
    }
    out
}

/// Decodes a document as go-yaml v2 decodes into `interface{}`; `strict` is
/// `UnmarshalStrict` (duplicate keys become type errors).
pub fn decode_document(doc: &Document, strict: bool) -> Res<Value> {
    decode_with_texts(doc, strict, Vec::new())
}

fn decode_with_texts(doc: &Document, strict: bool, texts: Vec<Option<String>>) -> Res<Value> {
    let mut d = Decoder {
        doc,
        strict,
        terrors: Vec::new(),
        in_alias: HashSet::new(),
        decode_count: 0,
        alias_count: 0,
        alias_depth: 0,
        depth: 0,
        texts,
    };
    d.count()?;
    let value = d.unmarshal(doc.root)?;
    if !d.terrors.is_empty() {
        return Err(YamlError::Type(d.terrors));
    }
    Ok(value)
}

/// go-yaml v2 `Unmarshal(in, &v)` with `v interface{}`: the first document,
/// `Null` when there is none. Straight from the parser's events when the
/// document allows (see [`crate::direct`]), else through its node tree.
pub fn unmarshal(input: &[u8], strict: bool) -> Res<Value> {
    if !strict {
        if let Some(value) = crate::direct::unmarshal(input) {
            return Ok(value);
        }
    }
    unmarshal_composed(input, strict)
}

/// [`unmarshal`] through the document's node tree.
fn unmarshal_composed(input: &[u8], strict: bool) -> Res<Value> {
    match tree::parse_first(input)? {
        Some(mut doc) => {
            let texts = take_unaliased_texts(&mut doc);
            decode_with_texts(&doc, strict, texts)
        }
        None => Ok(Value::Null),
    }
}

/// Moves out the text of every scalar outside anchored nodes (only those can
/// be decoded more than once, through aliases), indexed by node id.
fn take_unaliased_texts(doc: &mut Document) -> Vec<Option<String>> {
    let mut texts = Vec::new();
    texts.resize_with(doc.nodes.len(), || None);
    let mut stack = vec![(doc.root, false)];
    while let Some((id, shared)) = stack.pop() {
        let Some(Node { kind, anchor, .. }) = doc.nodes.get_mut(id) else {
            continue;
        };
        let shared = shared || anchor.is_some();
        match kind {
            NodeKind::Scalar { value, .. } if !shared => {
                texts[id] = Some(std::mem::take(value));
            }
            NodeKind::Sequence { items, .. } => {
                stack.extend(items.iter().map(|&item| (item, shared)));
            }
            NodeKind::Mapping { pairs, .. } => {
                for &(k, v) in pairs.iter() {
                    stack.push((k, shared));
                    stack.push((v, shared));
                }
            }
            _ => {}
        }
    }
    texts
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decoding from events, where it answers, answers as decoding through the
    /// node tree.
    fn direct_agrees(input: &str) -> bool {
        let direct = crate::direct::unmarshal(input.as_bytes());
        if let Some(value) = &direct {
            assert_eq!(
                Ok(value.clone()),
                unmarshal_composed(input.as_bytes(), false),
                "{input:?}"
            );
        }
        direct.is_some()
    }

    #[test]
    fn plain_documents_decode_from_events() {
        for input in [
            "",
            "# nothing\n",
            "a: 1\nb: [x, 2.5, true, ~]\nc: {d: \"e\"}\nf: |\n  text\n",
            "a: 1\nb: 2\na: 3\n",
            "1: one\ntrue: yes\nnull: no\n2.5: x\n",
            "- a\n- - b\n  - c\n- {}\n- []\n",
            "plain scalar",
            "---\nfirst: 1\n---\nsecond: 2\n",
            "t: 2001-12-14t21:59:43.10-05:00\no: 0o17\nh: 0x1F\ny: y\n",
        ] {
            assert!(direct_agrees(input), "{input:?} was left to the tree");
        }
    }

    #[test]
    fn documents_needing_the_tree_are_left_to_it() {
        for input in [
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "base: {a: 1}\n<<: {b: 2}\n",
            "? [a]\n: b\n",
            "a: [\n",
            "a: b\n  c: d\n",
        ] {
            assert!(!direct_agrees(input), "{input:?} was decoded from events");
        }
        let deep = format!("{}{}", "[".repeat(300), "]".repeat(300));
        assert!(
            !direct_agrees(&deep),
            "300 nested sequences were decoded from events"
        );
        let shallow = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(
            direct_agrees(&shallow),
            "200 nested sequences were left to the tree"
        );
    }

    /// Every values file of the shared corpus and every document helm 4
    /// rendered for it decode alike both ways.
    #[test]
    fn corpus_documents_decode_alike() {
        let corpus =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
        let Ok(charts) = std::fs::read_dir(corpus.join("charts")) else {
            println!("corpus not found at {}: skipping", corpus.display());
            return;
        };
        let mut texts = Vec::new();
        for chart in charts.flatten() {
            let chart = chart.path();
            texts.extend(std::fs::read_to_string(chart.join("values.yaml")));
            for ci in std::fs::read_dir(chart.join("ci"))
                .into_iter()
                .flatten()
                .flatten()
            {
                texts.extend(std::fs::read_to_string(ci.path()));
            }
        }
        let mut documents: Vec<String> = Vec::new();
        for text in &texts {
            if let Ok(split) = crate::split::yaml_reader_documents(text) {
                documents.extend(split.into_iter().map(|d| d.into_owned()));
            }
        }
        for golden in std::fs::read_dir(corpus.join("golden/helm4"))
            .into_iter()
            .flatten()
            .flatten()
        {
            if let Ok(text) = std::fs::read_to_string(golden.path()) {
                documents.extend(crate::split::split_manifests(&text));
            }
        }
        let direct = documents.iter().filter(|d| direct_agrees(d)).count();
        println!(
            "{direct} of {} documents decoded from events",
            documents.len()
        );
        assert!(
            direct * 10 > documents.len() * 9,
            "{direct} of {}",
            documents.len()
        );
    }

    #[test]
    fn lossy() {
        assert_eq!(go_lossy_utf8(b"a\xe2\x82b"), "a\u{FFFD}\u{FFFD}b");
        assert_eq!(decode_base64("/w==").as_deref(), Some(&[0xFFu8][..]));
        assert!(decode_base64("abc").is_none());
    }
}
