//! Owns reading YAML into sops' tree: a block/flow YAML parser that keeps key
//! order, expands aliases, and places comments where go-yaml v3 and sops put
//! them (before the entry they precede, or at the end of the block they trail),
//! then types scalars as go-yaml v3 resolves them into Go's `interface{}`.

use std::collections::HashMap;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;

use crate::error::{Error, Result};
use crate::gofmt::Timestamp;
use crate::tree::{Entry, Value};

/// How a scalar was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    Plain,
    Quoted,
    Block,
}

#[derive(Clone, Debug)]
enum Node {
    Scalar {
        text: String,
        style: Style,
        tag: Option<String>,
    },
    Map(Vec<MapItem>),
    Seq(Vec<SeqItem>),
}

#[derive(Clone, Debug)]
enum MapItem {
    Comment(String),
    Pair(Node, Node),
}

#[derive(Clone, Debug)]
enum SeqItem {
    Comment(String),
    Item(Node),
}

const MAX_DEPTH: usize = 256;
const MAX_ALIAS_NODES: usize = 200_000;

struct Parser<'a> {
    s: &'a str,
    b: &'a [u8],
    pos: usize,
    line_start: usize,
    line: usize,
    anchors: HashMap<String, Node>,
    alias_budget: usize,
    pending: Vec<(usize, String)>,
    depth: usize,
}

fn err<T>(line: usize, msg: impl Into<String>) -> Result<T> {
    Err(Error::syntax(
        "yaml",
        format!("line {}: {}", line + 1, msg.into()),
    ))
}

fn count_nodes(n: &Node) -> usize {
    match n {
        Node::Scalar { .. } => 1,
        Node::Map(items) => {
            1 + items
                .iter()
                .map(|i| {
                    if let MapItem::Pair(k, v) = i {
                        count_nodes(k) + count_nodes(v)
                    } else {
                        1
                    }
                })
                .sum::<usize>()
        }
        Node::Seq(items) => {
            1 + items
                .iter()
                .map(|i| {
                    if let SeqItem::Item(v) = i {
                        count_nodes(v)
                    } else {
                        1
                    }
                })
                .sum::<usize>()
        }
    }
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn peek_at(&self, off: usize) -> Option<u8> {
        self.b.get(self.pos + off).copied()
    }

    fn col(&self) -> usize {
        self.pos - self.line_start
    }

    fn is_blank_at(&self, off: usize) -> bool {
        matches!(self.peek_at(off), None | Some(b' ' | b'\t' | b'\n' | b'\r'))
    }

    fn newline(&mut self) {
        if self.peek() == Some(b'\r') {
            self.pos += 1;
        }
        if self.peek() == Some(b'\n') {
            self.pos += 1;
        }
        self.line += 1;
        self.line_start = self.pos;
    }

    fn skip_inline_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    /// Text from pos to the end of the line (without the line break).
    fn rest_of_line(&mut self) -> &'a str {
        let start = self.pos;
        while !matches!(self.peek(), None | Some(b'\n' | b'\r')) {
            self.pos += 1;
        }
        &self.s[start..self.pos]
    }

    /// After a node on the current line: an optional comment, then the line end.
    /// Returns the comment text (without `#`).
    fn end_of_line(&mut self) -> Result<Option<String>> {
        self.skip_inline_space();
        match self.peek() {
            None => Ok(None),
            Some(b'\n' | b'\r') => {
                self.newline();
                Ok(None)
            }
            Some(b'#') => {
                self.pos += 1;
                let c = self.rest_of_line().to_string();
                if self.peek().is_some() {
                    self.newline();
                }
                Ok(Some(c))
            }
            _ => err(self.line, "did not find expected key or end of line"),
        }
    }

    fn at_document_marker(&self) -> bool {
        self.col() == 0
            && (self.s[self.pos..].starts_with("---") || self.s[self.pos..].starts_with("..."))
            && self.is_blank_at(3)
    }

    /// Skips blank and comment lines (collecting comments as pending), and
    /// returns the indentation of the next content line, leaving pos at its first
    /// character; `None` at the end of input or at a document marker.
    fn next_content(&mut self) -> Option<usize> {
        loop {
            if self.pos != self.line_start {
                return Some(self.col());
            }
            while self.peek() == Some(b' ') {
                self.pos += 1;
            }
            match self.peek() {
                None => return None,
                Some(b'\n' | b'\r') => self.newline(),
                Some(b'\t') => {
                    let save = self.pos;
                    self.skip_inline_space();
                    if matches!(self.peek(), None | Some(b'\n' | b'\r' | b'#')) {
                        if self.peek() == Some(b'#') {
                            let col = self.col();
                            self.pos += 1;
                            let c = self.rest_of_line().to_string();
                            self.pending.push((col, c));
                        }
                        if self.peek().is_some() {
                            self.newline();
                        }
                    } else {
                        self.pos = save;
                        return Some(self.col());
                    }
                }
                Some(b'#') => {
                    let col = self.col();
                    self.pos += 1;
                    let c = self.rest_of_line().to_string();
                    self.pending.push((col, c));
                    if self.peek().is_some() {
                        self.newline();
                    }
                }
                Some(_) => {
                    let col = self.col();
                    let save = self.pos;
                    self.pos = self.line_start;
                    if self.at_document_marker() {
                        return None;
                    }
                    self.pos = save;
                    return Some(col);
                }
            }
        }
    }

    /// Moves pending comments into a block that ends: those not at the column of
    /// the next token and not left of the block's owner trail this block.
    fn take_foot(&mut self, owner: isize, next: Option<usize>) -> Vec<String> {
        let mut out = Vec::new();
        while let Some((col, _)) = self.pending.first() {
            if Some(*col) != next && owner <= *col as isize {
                out.push(self.pending.remove(0).1);
            } else {
                break;
            }
        }
        out
    }

    fn take_pending(&mut self) -> Vec<String> {
        self.pending.drain(..).map(|(_, c)| c).collect()
    }

    fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return err(self.line, "exceeded max depth");
        }
        Ok(())
    }

    fn alias(&mut self) -> Result<Node> {
        self.pos += 1;
        let name = self.anchor_name();
        if name.is_empty() {
            return err(
                self.line,
                "did not find expected alphabetic or numeric character",
            );
        }
        let Some(node) = self.anchors.get(name) else {
            return err(self.line, format!("unknown anchor '{name}' referenced"));
        };
        let n = count_nodes(node);
        if n > self.alias_budget {
            return err(self.line, "document contains excessive aliasing");
        }
        self.alias_budget -= n;
        Ok(node.clone())
    }

    fn anchor_name(&mut self) -> &'a str {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if matches!(
                c,
                b' ' | b'\t' | b'\n' | b'\r' | b',' | b'[' | b']' | b'{' | b'}'
            ) {
                break;
            }
            self.pos += 1;
        }
        &self.s[start..self.pos]
    }

    /// Reads `&anchor` and `!tag` properties before a node.
    fn properties(&mut self) -> Result<(Option<String>, Option<String>)> {
        let (mut anchor, mut tag) = (None, None);
        loop {
            match self.peek() {
                Some(b'&') if anchor.is_none() => {
                    self.pos += 1;
                    let name = self.anchor_name();
                    if name.is_empty() {
                        return err(
                            self.line,
                            "did not find expected alphabetic or numeric character",
                        );
                    }
                    anchor = Some(name.to_string());
                }
                Some(b'!') if tag.is_none() => {
                    let start = self.pos;
                    while !self.is_blank_at(0)
                        && !matches!(self.peek(), Some(b',' | b'[' | b']' | b'{' | b'}'))
                    {
                        self.pos += 1;
                    }
                    tag = Some(self.s[start..self.pos].to_string());
                }
                _ => return Ok((anchor, tag)),
            }
            self.skip_inline_space();
        }
    }

    fn remember(&mut self, anchor: Option<String>, node: &Node) {
        if let Some(a) = anchor {
            self.anchors.insert(a, node.clone());
        }
    }

    /// A block node whose parent entry starts at column `parent` (a key or a
    /// dash) and whose content begins at pos (same line) or on later lines.
    /// Returns the node and the comment that ended its first line.
    fn block_value(&mut self, parent: usize, in_map: bool) -> Result<(Node, Option<String>)> {
        self.enter()?;
        let r = self.block_value_inner(parent, in_map);
        self.depth -= 1;
        r
    }

    fn block_value_inner(&mut self, parent: usize, in_map: bool) -> Result<(Node, Option<String>)> {
        self.skip_inline_space();
        let (anchor, tag) = self.properties()?;
        let same_line = !matches!(self.peek(), None | Some(b'\n' | b'\r' | b'#'));
        if !same_line {
            let line_comment = self.end_of_line()?;
            let node = match self.next_content() {
                Some(n) if n > parent || (in_map && n == parent && self.is_seq_entry()) => {
                    let owner = parent as isize;
                    if self.is_seq_entry() {
                        self.block_seq(n, owner)?
                    } else {
                        self.block_map_or_scalar(n, owner, parent)?
                    }
                }
                _ => Node::Scalar {
                    text: String::new(),
                    style: Style::Plain,
                    tag: tag.clone(),
                },
            };
            let node = retag(node, tag);
            self.remember(anchor, &node);
            return Ok((node, line_comment));
        }
        let col = self.col();
        let (node, comment) = match self.peek() {
            Some(b'*') => {
                let node = self.alias()?;
                if self.key_follows() {
                    (self.block_map_from(col, parent as isize, node)?, None)
                } else {
                    (node, self.end_of_line()?)
                }
            }
            Some(b'|' | b'>') => self.block_scalar(parent)?,
            Some(b'-') if self.is_seq_entry() && !in_map => {
                (self.block_seq(col, parent as isize)?, None)
            }
            Some(b'[' | b'{') => {
                let node = self.flow_node()?;
                let c = self.end_of_line()?;
                (prepend_comment(node, c), None)
            }
            _ => {
                let key = self.scalar_in_line(parent)?;
                if self.key_follows() {
                    (self.block_map_from(col, parent as isize, key)?, None)
                } else {
                    (key, self.end_of_line()?)
                }
            }
        };
        let node = retag(node, tag);
        self.remember(anchor, &node);
        Ok((node, comment))
    }

    /// An explicit `? key` entry at `indent`, up to and including its `:`.
    fn complex_key(&mut self, indent: usize) -> Result<Node> {
        self.pos += 1;
        let (key, _) = self.block_value(indent, false)?;
        match self.next_content() {
            Some(n) if n == indent && self.peek() == Some(b':') && self.is_blank_at(1) => {
                self.pos += 1;
                Ok(key)
            }
            _ => err(
                self.line,
                "could not find expected ':' after an explicit key",
            ),
        }
    }

    fn is_complex_key(&self) -> bool {
        self.peek() == Some(b'?') && self.is_blank_at(1)
    }

    fn is_seq_entry(&self) -> bool {
        self.peek() == Some(b'-') && self.is_blank_at(1)
    }

    /// After a scalar or alias on a line: is it a mapping key (`:` then blank)?
    fn key_follows(&mut self) -> bool {
        let save = self.pos;
        self.skip_inline_space();
        if self.peek() == Some(b':') && self.is_blank_at(1) {
            self.pos += 1;
            return true;
        }
        self.pos = save;
        false
    }

    /// At the first content line of a block: a mapping, or a multi-line plain
    /// or quoted scalar.
    fn block_map_or_scalar(&mut self, indent: usize, owner: isize, parent: usize) -> Result<Node> {
        if self.is_complex_key() {
            let key = self.complex_key(indent)?;
            return self.block_map_from(indent, owner, key);
        }
        let (anchor, tag) = self.properties()?;
        if matches!(self.peek(), Some(b'|' | b'>')) {
            let (node, _) = self.block_scalar(parent)?;
            let node = retag(node, tag);
            self.remember(anchor, &node);
            return Ok(node);
        }
        let first = match self.peek() {
            Some(b'*') => self.alias()?,
            _ => self.scalar_in_line(parent)?,
        };
        if self.key_follows() {
            let key = retag(first, tag);
            self.remember(anchor, &key);
            return self.block_map_from(indent, owner, key);
        }
        let c = self.end_of_line()?;
        let node = retag(prepend_comment(first, c.clone()), tag);
        if !matches!(node, Node::Map(_) | Node::Seq(_)) {
            self.pending.extend(c.map(|c| (indent, c)));
        }
        self.remember(anchor, &node);
        Ok(node)
    }

    /// A block mapping at `indent` whose first key has been read (pos is after `:`).
    fn block_map_from(&mut self, indent: usize, owner: isize, first_key: Node) -> Result<Node> {
        self.enter()?;
        let mut items: Vec<MapItem> = self
            .take_pending()
            .into_iter()
            .map(MapItem::Comment)
            .collect();
        let mut key = first_key;
        let mut key_line = self.line;
        loop {
            if let Some(dup) = items.iter().find_map(|i| match i {
                MapItem::Pair(k, _) if same_key(k, &key) => Some(k),
                _ => None,
            }) {
                let name = match dup {
                    Node::Scalar { text, .. } => text.clone(),
                    _ => "?".into(),
                };
                return err(key_line, format!("mapping key {name:?} already defined"));
            }
            let (value, comment) = self.block_value(indent, true)?;
            items.extend(comment.map(MapItem::Comment));
            items.push(MapItem::Pair(key, value));
            let next = self.next_content();
            match next {
                Some(n) if n == indent && !self.is_seq_entry() => {
                    items.extend(self.take_pending().into_iter().map(MapItem::Comment));
                    key_line = self.line;
                    if self.is_complex_key() {
                        key = self.complex_key(indent)?;
                        continue;
                    }
                    let (anchor, tag) = self.properties()?;
                    let k = if self.peek() == Some(b'*') {
                        self.alias()?
                    } else if matches!(self.peek(), Some(b'[' | b'{')) {
                        self.flow_node()?
                    } else {
                        self.scalar_in_line(indent)?
                    };
                    let k = retag(k, tag);
                    self.remember(anchor, &k);
                    if !self.key_follows() {
                        return err(self.line, "could not find expected ':'");
                    }
                    key = k;
                }
                Some(n) if n > indent => {
                    return err(self.line, "mapping values are not allowed in this context")
                }
                _ => {
                    let foot = self.take_foot(owner, next);
                    items.extend(foot.into_iter().map(MapItem::Comment));
                    self.depth -= 1;
                    return Ok(Node::Map(items));
                }
            }
        }
    }

    /// A block sequence whose first `-` is at pos (column `indent`).
    fn block_seq(&mut self, indent: usize, owner: isize) -> Result<Node> {
        self.enter()?;
        let mut items: Vec<SeqItem> = self
            .take_pending()
            .into_iter()
            .map(SeqItem::Comment)
            .collect();
        loop {
            self.pos += 1;
            let (value, comment) = self.block_value(indent, false)?;
            items.extend(comment.map(SeqItem::Comment));
            items.push(SeqItem::Item(value));
            let next = self.next_content();
            match next {
                Some(n) if n == indent && self.is_seq_entry() => {
                    items.extend(self.take_pending().into_iter().map(SeqItem::Comment));
                }
                Some(n) if n > indent => {
                    return err(self.line, "did not find expected '-' indicator")
                }
                _ => {
                    let foot = self.take_foot(owner, next);
                    items.extend(foot.into_iter().map(SeqItem::Comment));
                    self.depth -= 1;
                    return Ok(Node::Seq(items));
                }
            }
        }
    }

    /// A scalar starting on the current line (plain, possibly continuing on more
    /// indented lines, or quoted).
    fn scalar_in_line(&mut self, parent: usize) -> Result<Node> {
        match self.peek() {
            Some(b'"') => self.double_quoted(),
            Some(b'\'') => self.single_quoted(),
            Some(b'[' | b'{') => self.flow_node(),
            _ => self.plain_block(parent),
        }
    }

    fn plain_block(&mut self, parent: usize) -> Result<Node> {
        if let Some(c) = self.peek() {
            if matches!(
                c,
                b'@' | b'`' | b'%' | b'|' | b'>' | b'#' | b']' | b'}' | b','
            ) {
                return err(
                    self.line,
                    format!(
                        "found character that cannot start any token: {:?}",
                        c as char
                    ),
                );
            }
        }
        let mut text = self.plain_line(false);
        if text.is_empty() {
            return err(self.line, "did not find expected node content");
        }
        loop {
            let save = (self.pos, self.line, self.line_start);
            self.skip_inline_space();
            if !matches!(self.peek(), Some(b'\n' | b'\r')) {
                self.pos = save.0;
                break;
            }
            let mut breaks = 0;
            let mut found = false;
            while matches!(self.peek(), Some(b'\n' | b'\r')) {
                self.newline();
                breaks += 1;
                while matches!(self.peek(), Some(b' ' | b'\t')) {
                    self.pos += 1;
                }
                if self.peek().is_some_and(|c| c != b'\n' && c != b'\r') {
                    found = true;
                }
            }
            let ok = found
                && self.col() > parent
                && self.peek() != Some(b'#')
                && !{
                    let p = self.pos;
                    self.pos = self.line_start;
                    let m = self.at_document_marker();
                    self.pos = p;
                    m
                }
                && !(self.peek() == Some(b'-') && self.is_blank_at(1) && self.col() <= parent + 1);
            if !ok {
                self.pos = save.0;
                self.line = save.1;
                self.line_start = save.2;
                break;
            }
            let line = self.plain_line(false);
            if line.is_empty() {
                self.pos = save.0;
                self.line = save.1;
                self.line_start = save.2;
                break;
            }
            if breaks == 1 {
                text.push(' ');
            } else {
                text.extend(std::iter::repeat_n('\n', breaks - 1));
            }
            text.push_str(&line);
        }
        Ok(Node::Scalar {
            text,
            style: Style::Plain,
            tag: None,
        })
    }

    /// One line of a plain scalar, ending before `: `, ` #` or the line end (in
    /// flow context also before `,[]{}`).
    fn plain_line(&mut self, flow: bool) -> String {
        let start = self.pos;
        let mut end = self.pos;
        while let Some(c) = self.peek() {
            match c {
                b'\n' | b'\r' => break,
                b':' if self.is_blank_at(1)
                    || (flow
                        && matches!(self.peek_at(1), Some(b',' | b'[' | b']' | b'{' | b'}'))) =>
                {
                    break
                }
                b'#' if self.pos > start && matches!(self.b[self.pos - 1], b' ' | b'\t') => break,
                b',' | b'[' | b']' | b'{' | b'}' if flow => break,
                b' ' | b'\t' => self.pos += 1,
                _ => {
                    self.pos += utf8_len(c);
                    end = self.pos;
                }
            }
        }
        self.pos = end.min(self.b.len());
        self.s.get(start..self.pos).unwrap_or("").to_string()
    }

    fn double_quoted(&mut self) -> Result<Node> {
        let start_line = self.line;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return err(
                    start_line,
                    "found unexpected end of stream while scanning a quoted scalar",
                );
            };
            match c {
                b'"' => {
                    self.pos += 1;
                    break;
                }
                b'\\' => {
                    self.pos += 1;
                    let Some(e) = self.peek() else { continue };
                    self.pos += 1;
                    let simple = match e {
                        b'0' => Some('\0'),
                        b'a' => Some('\x07'),
                        b'b' => Some('\x08'),
                        b't' | b'\t' => Some('\t'),
                        b'n' => Some('\n'),
                        b'v' => Some('\x0b'),
                        b'f' => Some('\x0c'),
                        b'r' => Some('\r'),
                        b'e' => Some('\x1b'),
                        b' ' => Some(' '),
                        b'"' => Some('"'),
                        b'/' => Some('/'),
                        b'\\' => Some('\\'),
                        b'N' => Some('\u{85}'),
                        b'_' => Some('\u{a0}'),
                        b'L' => Some('\u{2028}'),
                        b'P' => Some('\u{2029}'),
                        _ => None,
                    };
                    if let Some(ch) = simple {
                        out.push(ch);
                        continue;
                    }
                    let len = match e {
                        b'x' => 2,
                        b'u' => 4,
                        b'U' => 8,
                        b'\n' | b'\r' => {
                            self.pos -= 1;
                            self.newline();
                            self.skip_inline_space();
                            continue;
                        }
                        _ => {
                            return err(
                                self.line,
                                "found unknown escape character while parsing a quoted scalar",
                            )
                        }
                    };
                    let hex = self.s.get(self.pos..self.pos + len).unwrap_or("");
                    let code = u32::from_str_radix(hex, 16)
                        .ok()
                        .filter(|_| hex.len() == len);
                    let Some(ch) = code.and_then(char::from_u32) else {
                        return err(self.line, "found invalid Unicode character escape code while parsing a quoted scalar");
                    };
                    self.pos += len;
                    out.push(ch);
                }
                b'\n' | b'\r' => self.fold(&mut out)?,
                _ => {
                    let l = utf8_len(c);
                    out.push_str(self.s.get(self.pos..self.pos + l).unwrap_or("\u{fffd}"));
                    self.pos += l;
                }
            }
        }
        Ok(Node::Scalar {
            text: out,
            style: Style::Quoted,
            tag: None,
        })
    }

    /// Line folding inside quoted scalars: trailing spaces dropped, one break is
    /// a space, more breaks are newlines.
    fn fold(&mut self, out: &mut String) -> Result<()> {
        while out.ends_with([' ', '\t']) {
            out.pop();
        }
        let mut breaks = 0;
        while matches!(self.peek(), Some(b'\n' | b'\r')) {
            self.newline();
            breaks += 1;
            self.skip_inline_space();
        }
        if self.peek().is_none() {
            return err(
                self.line,
                "found unexpected end of stream while scanning a quoted scalar",
            );
        }
        if breaks == 1 {
            out.push(' ');
        } else {
            out.extend(std::iter::repeat_n('\n', breaks - 1));
        }
        Ok(())
    }

    fn single_quoted(&mut self) -> Result<Node> {
        let start_line = self.line;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return err(
                    start_line,
                    "found unexpected end of stream while scanning a quoted scalar",
                );
            };
            match c {
                b'\'' if self.peek_at(1) == Some(b'\'') => {
                    out.push('\'');
                    self.pos += 2;
                }
                b'\'' => {
                    self.pos += 1;
                    break;
                }
                b'\n' | b'\r' => self.fold(&mut out)?,
                _ => {
                    let l = utf8_len(c);
                    out.push_str(self.s.get(self.pos..self.pos + l).unwrap_or("\u{fffd}"));
                    self.pos += l;
                }
            }
        }
        Ok(Node::Scalar {
            text: out,
            style: Style::Quoted,
            tag: None,
        })
    }

    /// A literal (`|`) or folded (`>`) block scalar; `parent` is the column of
    /// the entry that owns it.
    fn block_scalar(&mut self, parent: usize) -> Result<(Node, Option<String>)> {
        let literal = self.peek() == Some(b'|');
        self.pos += 1;
        let (mut chomp, mut explicit) = (0i8, None);
        for _ in 0..2 {
            match self.peek() {
                Some(b'+') => {
                    chomp = 1;
                    self.pos += 1;
                }
                Some(b'-') => {
                    chomp = -1;
                    self.pos += 1;
                }
                Some(d @ b'1'..=b'9') => {
                    explicit = Some(usize::from(d - b'0'));
                    self.pos += 1;
                }
                _ => {}
            }
        }
        let comment = self.end_of_line()?;
        let mut indent = explicit.map(|d| parent + d);
        let mut lines: Vec<&str> = Vec::new();
        let mut trailing_breaks = 0;
        loop {
            if self.peek().is_none() {
                break;
            }
            let line_start = self.pos;
            let mut spaces = 0;
            while self.peek() == Some(b' ') {
                self.pos += 1;
                spaces += 1;
            }
            let blank = matches!(self.peek(), None | Some(b'\n' | b'\r'));
            if blank {
                if indent.is_some_and(|i| spaces > i) {
                    lines.push(&self.s[line_start + indent.unwrap_or(0)..self.pos]);
                } else {
                    lines.push("");
                }
                trailing_breaks += 1;
                if self.peek().is_some() {
                    self.newline();
                }
                continue;
            }
            let ind = *indent.get_or_insert(spaces.max(parent + 1));
            if spaces < ind || (spaces == 0 && self.at_document_marker()) {
                self.pos = line_start;
                break;
            }
            let text_start = line_start + ind;
            let text = {
                let start = self.pos;
                let _ = start;
                self.rest_of_line();
                &self.s[text_start..self.pos]
            };
            lines.push(text);
            trailing_breaks = 0;
            if self.peek().is_some() {
                self.newline();
            }
        }
        if self.pos == self.b.len() && self.pos != self.line_start {
            self.line_start = self.pos;
        }
        let content_len = lines.len() - trailing_breaks;
        let mut out = String::new();
        if literal {
            for (i, l) in lines[..content_len].iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                out.push_str(l);
            }
        } else {
            let mut prev_more = false;
            let mut empties = 0;
            for (i, l) in lines[..content_len].iter().enumerate() {
                let more = l.starts_with([' ', '\t']);
                if l.is_empty() {
                    empties += 1;
                    continue;
                }
                if i > 0 {
                    if empties == 0 && !more && !prev_more {
                        out.push(' ');
                    } else {
                        out.push('\n');
                        out.extend(std::iter::repeat_n('\n', empties));
                    }
                }
                empties = 0;
                out.push_str(l);
                prev_more = more;
            }
        }
        if content_len > 0 {
            match chomp {
                -1 => {}
                0 => out.push('\n'),
                _ => {
                    out.push('\n');
                    out.extend(std::iter::repeat_n('\n', trailing_breaks));
                }
            }
        } else if chomp == 1 {
            out.extend(std::iter::repeat_n('\n', trailing_breaks));
        }
        Ok((
            Node::Scalar {
                text: out,
                style: Style::Block,
                tag: None,
            },
            comment,
        ))
    }

    fn skip_flow_space(&mut self, comments: &mut Vec<String>) -> Result<()> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t') => self.pos += 1,
                Some(b'\n' | b'\r') => self.newline(),
                Some(b'#') => {
                    self.pos += 1;
                    comments.push(self.rest_of_line().to_string());
                }
                None => return err(self.line, "did not find expected ',' or ']'"),
                _ => return Ok(()),
            }
        }
    }

    fn flow_node(&mut self) -> Result<Node> {
        self.enter()?;
        let r = self.flow_node_inner();
        self.depth -= 1;
        r
    }

    fn flow_node_inner(&mut self) -> Result<Node> {
        let mut comments = Vec::new();
        let (anchor, tag) = self.properties()?;
        let node = match self.peek() {
            Some(b'[') => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_flow_space(&mut comments)?;
                    items.extend(comments.drain(..).map(SeqItem::Comment));
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        break;
                    }
                    let item = self.flow_node()?;
                    self.skip_flow_space(&mut comments)?;
                    let item = if self.peek() == Some(b':') {
                        self.pos += 1;
                        self.skip_flow_space(&mut comments)?;
                        let v = if matches!(self.peek(), Some(b',' | b']')) {
                            null()
                        } else {
                            self.flow_node()?
                        };
                        self.skip_flow_space(&mut comments)?;
                        Node::Map(vec![MapItem::Pair(item, v)])
                    } else {
                        item
                    };
                    items.push(SeqItem::Item(item));
                    match self.peek() {
                        Some(b',') => self.pos += 1,
                        Some(b']') => {}
                        _ => return err(self.line, "did not find expected ',' or ']'"),
                    }
                }
                Node::Seq(items)
            }
            Some(b'{') => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_flow_space(&mut comments)?;
                    items.extend(comments.drain(..).map(MapItem::Comment));
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                        break;
                    }
                    let key = self.flow_node()?;
                    self.skip_flow_space(&mut comments)?;
                    let value = if self.peek() == Some(b':') {
                        self.pos += 1;
                        self.skip_flow_space(&mut comments)?;
                        if matches!(self.peek(), Some(b',' | b'}')) {
                            null()
                        } else {
                            self.flow_node()?
                        }
                    } else {
                        null()
                    };
                    if items
                        .iter()
                        .any(|i| matches!(i, MapItem::Pair(k, _) if same_key(k, &key)))
                    {
                        return err(self.line, "mapping key already defined");
                    }
                    items.push(MapItem::Pair(key, value));
                    self.skip_flow_space(&mut comments)?;
                    match self.peek() {
                        Some(b',') => self.pos += 1,
                        Some(b'}') => {}
                        _ => return err(self.line, "did not find expected ',' or '}'"),
                    }
                }
                Node::Map(items)
            }
            Some(b'"') => self.double_quoted()?,
            Some(b'\'') => self.single_quoted()?,
            Some(b'*') => self.alias()?,
            _ => {
                let mut text = self.plain_line(true);
                loop {
                    let save = (self.pos, self.line, self.line_start);
                    let mut c = Vec::new();
                    if self.skip_flow_space(&mut c).is_err() || !c.is_empty() || save.1 == self.line
                    {
                        self.pos = save.0;
                        self.line = save.1;
                        self.line_start = save.2;
                        break;
                    }
                    if matches!(self.peek(), Some(b',' | b']' | b'}' | b':')) {
                        break;
                    }
                    let more = self.plain_line(true);
                    if more.is_empty() {
                        break;
                    }
                    text.push(' ');
                    text.push_str(&more);
                }
                if text.is_empty() {
                    return err(self.line, "did not find expected node content");
                }
                Node::Scalar {
                    text,
                    style: Style::Plain,
                    tag: None,
                }
            }
        };
        let node = retag(node, tag);
        self.remember(anchor, &node);
        Ok(node)
    }

    /// One document: `None` when the stream has no more documents.
    fn document(&mut self) -> Result<Option<Node>> {
        let mut explicit = false;
        loop {
            let Some(_) = self.next_content() else {
                if self.peek().is_none() {
                    return Ok(None);
                }
                if self.s[self.pos..].starts_with("...") {
                    self.pos += 3;
                    self.end_of_line()?;
                    continue;
                }
                self.pos += 3;
                explicit = true;
                self.skip_inline_space();
                if !matches!(self.peek(), None | Some(b'\n' | b'\r' | b'#')) {
                    return err(
                        self.line,
                        "content on the document start line is not supported",
                    );
                }
                self.end_of_line()?;
                break;
            };
            if self.col() == 0 && self.peek() == Some(b'%') {
                self.rest_of_line();
                if self.peek().is_some() {
                    self.newline();
                }
                continue;
            }
            break;
        }
        let node = match self.next_content() {
            None => {
                if !explicit {
                    return Ok(None);
                }
                let comments = self.take_pending();
                Node::Map(comments.into_iter().map(MapItem::Comment).collect())
            }
            Some(n) => {
                let node = if self.is_seq_entry() {
                    self.block_seq(n, -1)?
                } else {
                    self.block_map_or_scalar(n, -1, 0)?
                };
                if self.next_content().is_some() {
                    return err(self.line, "did not find expected <document start>");
                }
                let rest = self.take_pending();
                match node {
                    Node::Map(mut items) => {
                        items.extend(rest.into_iter().map(MapItem::Comment));
                        Node::Map(items)
                    }
                    other => other,
                }
            }
        };
        if self.peek().is_some() && self.s[self.pos..].starts_with("...") {
            self.pos += 3;
            self.end_of_line()?;
        }
        Ok(Some(node))
    }
}

fn utf8_len(c: u8) -> usize {
    match c {
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf7 => 4,
        _ => 1,
    }
}

fn null() -> Node {
    Node::Scalar {
        text: String::new(),
        style: Style::Plain,
        tag: None,
    }
}

fn retag(node: Node, tag: Option<String>) -> Node {
    match (node, tag) {
        (Node::Scalar { text, style, .. }, Some(t)) => Node::Scalar {
            text,
            style,
            tag: Some(t),
        },
        (n, _) => n,
    }
}

fn prepend_comment(node: Node, comment: Option<String>) -> Node {
    let Some(c) = comment else { return node };
    match node {
        Node::Seq(mut items) => {
            items.insert(0, SeqItem::Comment(c));
            Node::Seq(items)
        }
        Node::Map(mut items) => {
            items.insert(0, MapItem::Comment(c));
            Node::Map(items)
        }
        n => n,
    }
}

fn same_key(a: &Node, b: &Node) -> bool {
    match (a, b) {
        (Node::Scalar { text: x, .. }, Node::Scalar { text: y, .. }) => x == y,
        _ => false,
    }
}

/// Parses every document of a YAML stream.
fn parse_stream(text: &str) -> Result<Vec<Node>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut p = Parser {
        s: text,
        b: text.as_bytes(),
        pos: 0,
        line_start: 0,
        line: 0,
        anchors: HashMap::new(),
        alias_budget: MAX_ALIAS_NODES,
        pending: Vec::new(),
        depth: 0,
    };
    let mut docs = Vec::new();
    while let Some(doc) = p.document()? {
        docs.push(doc);
        p.anchors.clear();
    }
    Ok(docs)
}

/// Reads a YAML file into one branch per document, with comments, as sops'
/// YAML store does. Documents must be mappings (or empty).
pub fn read(text: &str) -> Result<Vec<Vec<Entry>>> {
    let docs = parse_stream(text)?;
    docs.into_iter()
        .map(|doc| match doc {
            Node::Map(items) => map_entries(items),
            Node::Scalar {
                text,
                style: Style::Plain,
                tag: None,
            } if text.is_empty() || text == "null" || text == "~" => Ok(Vec::new()),
            Node::Seq(_) => Err(Error::syntax(
                "yaml",
                "YAML documents that are sequences are not supported",
            )),
            Node::Scalar { .. } => Err(Error::syntax(
                "yaml",
                "YAML documents that are values are not supported",
            )),
        })
        .collect()
}

/// The `sops` mapping of the first document, scalars kept as their text (as Go
/// reads them into the string fields of sops' metadata struct).
pub fn read_metadata(text: &str) -> Result<Option<Value>> {
    let docs = parse_stream(text)?;
    let Some(Node::Map(items)) = docs.into_iter().next() else {
        return Ok(None);
    };
    Ok(items.into_iter().find_map(|i| match i {
        MapItem::Pair(Node::Scalar { text, .. }, v) if text == "sops" => Some(raw(v)),
        _ => None,
    }))
}

fn raw(node: Node) -> Value {
    match node {
        Node::Scalar {
            text,
            style: Style::Plain,
            ..
        } if text.is_empty() || text == "null" || text == "~" => Value::Null,
        Node::Scalar {
            text,
            style: Style::Plain,
            ..
        } if matches!(text.as_str(), "true" | "True" | "TRUE") => Value::Bool(true),
        Node::Scalar {
            text,
            style: Style::Plain,
            ..
        } if matches!(text.as_str(), "false" | "False" | "FALSE") => Value::Bool(false),
        Node::Scalar { text, .. } => Value::Str(text),
        Node::Map(items) => Value::Map(
            items
                .into_iter()
                .filter_map(|i| match i {
                    MapItem::Pair(k, v) => Some(Entry::new(raw(k), raw(v))),
                    MapItem::Comment(_) => None,
                })
                .collect(),
        ),
        Node::Seq(items) => Value::Seq(
            items
                .into_iter()
                .filter_map(|i| match i {
                    SeqItem::Item(v) => Some(raw(v)),
                    SeqItem::Comment(_) => None,
                })
                .collect(),
        ),
    }
}

fn map_entries(items: Vec<MapItem>) -> Result<Vec<Entry>> {
    items
        .into_iter()
        .map(|i| match i {
            MapItem::Comment(c) => Ok(Entry::comment(c)),
            MapItem::Pair(k, v) => Ok(Entry::new(typed(k)?, typed(v)?)),
        })
        .collect()
}

fn typed(node: Node) -> Result<Value> {
    match node {
        Node::Map(items) => Ok(Value::Map(map_entries(items)?)),
        Node::Seq(items) => Ok(Value::Seq(
            items
                .into_iter()
                .map(|i| match i {
                    SeqItem::Comment(c) => Ok(Value::Comment(c)),
                    SeqItem::Item(v) => typed(v),
                })
                .collect::<Result<_>>()?,
        )),
        Node::Scalar { text, style, tag } => scalar(text, style, tag.as_deref()),
    }
}

fn scalar(text: String, style: Style, tag: Option<&str>) -> Result<Value> {
    match tag {
        Some("!!binary" | "tag:yaml.org,2002:binary") => {
            let clean: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            let bytes = B64.decode(clean).map_err(|_| {
                Error::syntax("yaml", "!!binary value contains invalid base64 data")
            })?;
            Ok(Value::text(bytes))
        }
        Some("!!str" | "!" | "tag:yaml.org,2002:str") => Ok(Value::Str(text)),
        Some(t)
            if !matches!(
                t,
                "!!bool" | "!!int" | "!!float" | "!!null" | "!!timestamp" | "!!merge"
            ) =>
        {
            Ok(Value::Str(text))
        }
        _ if style != Style::Plain => Ok(Value::Str(text)),
        _ => resolve_plain(text),
    }
}

/// go-yaml v3's resolution of an unquoted scalar into Go's `interface{}`.
pub fn resolve_plain(text: String) -> Result<Value> {
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Ok(Value::Null),
        "true" | "True" | "TRUE" => return Ok(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Ok(Value::Bool(false)),
        ".nan" | ".NaN" | ".NAN" => return Ok(Value::Float(f64::NAN)),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Ok(Value::Float(f64::INFINITY))
        }
        "-.inf" | "-.Inf" | "-.INF" => return Ok(Value::Float(f64::NEG_INFINITY)),
        _ => {}
    }
    let first = text.as_bytes()[0];
    if first == b'.' {
        if let Some(f) = go_float(&text) {
            return Ok(Value::Float(f));
        }
    } else if first.is_ascii_digit() || first == b'+' || first == b'-' {
        if let Some(t) =
            Timestamp::parse_yaml(&text).filter(|_| text.len() > 4 && text.as_bytes()[4] == b'-')
        {
            return Ok(Value::Time(t));
        }
        let plain: String = text.chars().filter(|c| *c != '_').collect();
        match go_int(&plain) {
            IntParse::Int(i) => return Ok(Value::Int(i)),
            IntParse::Overflow => {
                return Err(Error::Tree(format!(
                    "Cannot walk value, unknown type: uint64 ({text})"
                )))
            }
            IntParse::No => {}
        }
        if yaml_style_float(&plain) {
            if let Some(f) = go_float(&plain) {
                return Ok(Value::Float(f));
            }
        }
    }
    Ok(Value::Str(text))
}

enum IntParse {
    Int(i64),
    Overflow,
    No,
}

/// `strconv.ParseInt(s, 0, 64)` then `ParseUint`, plus go-yaml's `0b`/`0o` forms.
fn go_int(s: &str) -> IntParse {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (radix, digits) =
        if let Some(d) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
            (16, d)
        } else if let Some(d) = body.strip_prefix("0o").or_else(|| body.strip_prefix("0O")) {
            (8, d)
        } else if let Some(d) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
            (2, d)
        } else if body.len() > 1 && body.starts_with('0') {
            (8, &body[1..])
        } else {
            (10, body)
        };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return IntParse::No;
    }
    match u128::from_str_radix(digits, radix) {
        Ok(v) if neg && v <= 1u128 << 63 => IntParse::Int((v as i128).wrapping_neg() as i64),
        Ok(v) if !neg && v <= i64::MAX as u128 => IntParse::Int(v as i64),
        Ok(v) if !neg && v <= u64::MAX as u128 => IntParse::Overflow,
        _ => IntParse::No,
    }
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn yaml_style_float(s: &str) -> bool {
    let b = s.strip_prefix(['-', '+']).unwrap_or(s).as_bytes();
    let digits = |b: &[u8]| b.iter().take_while(|c| c.is_ascii_digit()).count();
    let mut i;
    if b.first() == Some(&b'.') {
        let n = digits(&b[1..]);
        if n == 0 {
            return false;
        }
        i = 1 + n;
    } else {
        let n = digits(b);
        if n == 0 {
            return false;
        }
        i = n;
        if b.get(i) == Some(&b'.') {
            i += 1 + digits(&b[i + 1..]);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let n = digits(&b[i..]);
        if n == 0 {
            return false;
        }
        i += n;
    }
    i == b.len()
}

fn go_float(s: &str) -> Option<f64> {
    crate::cipher::go_parse_float(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(b: &[Entry]) -> Vec<String> {
        b.iter()
            .map(|e| match &e.key {
                Value::Str(s) => s.clone(),
                Value::Comment(c) => format!("#{c}"),
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn comments_land_where_go_yaml_puts_them() {
        let docs =
            read("# head\na: 1 # line\nb:\n    y:\n        - 1\n    # foot\nz: 1\n").unwrap();
        assert_eq!(keys(&docs[0]), ["# head", "# line", "a", "b", "z"]);
        let Value::Map(b) = &docs[0][3].value else {
            panic!()
        };
        let Value::Seq(y) = &b[0].value else { panic!() };
        assert_eq!(y, &vec![Value::Int(1), Value::Comment(" foot".into())]);
        let docs = read("b:\n    y: 1\n# head of z\nz: 1\n").unwrap();
        assert_eq!(keys(&docs[0]), ["b", "# head of z", "z"]);
    }

    #[test]
    fn scalars_resolve_as_go_yaml() {
        let docs = read("a: 0o17\nb: 1e10\nc: 2024-01-02T03:04:05Z\nd: \"5\"\ne: ~\nf: 0x1F\ng: .5\nh: |\n  x\n  y\ni: >-\n  p\n  q\n").unwrap();
        let v: Vec<&Value> = docs[0].iter().map(|e| &e.value).collect();
        assert_eq!(v[0], &Value::Int(15));
        assert_eq!(v[1], &Value::Float(1e10));
        assert!(matches!(v[2], Value::Time(_)));
        assert_eq!(v[3], &Value::Str("5".into()));
        assert_eq!(v[4], &Value::Null);
        assert_eq!(v[5], &Value::Int(31));
        assert_eq!(v[6], &Value::Float(0.5));
        assert_eq!(v[7], &Value::Str("x\ny\n".into()));
        assert_eq!(v[8], &Value::Str("p q".into()));
    }

    #[test]
    fn aliases_expand_and_duplicates_fail() {
        let docs = read("base: &b\n  u: 1\nprod:\n  <<: *b\n  p: 2\n").unwrap();
        let Value::Map(prod) = &docs[0][1].value else {
            panic!()
        };
        assert_eq!(prod[0].key, Value::Str("<<".into()));
        assert!(matches!(&prod[0].value, Value::Map(m) if m.len() == 1));
        assert!(read("a: 1\na: 2\n").is_err());
        assert!(read("- a\n").is_err());
    }
}
