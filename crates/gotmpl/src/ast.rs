//! The parse tree of a template, and its canonical re-printing (Go's `Node.String`),
//! which error messages quote as the context of a failure.
//!
//! The tree is compact: positions are `u32` byte offsets, and text, identifiers,
//! fields and number literals are byte ranges into the template text the tree
//! keeps, so nodes print and execute against that text (see [`Shown`]). The
//! names of field paths are also listed, split, in one table per parse, so that
//! executing a path does not split it again, and string literals' values in
//! another, so that an operand is 16 bytes.

use std::fmt::{self, Display, Formatter, Write};
use std::sync::Arc;

/// A byte offset into the template text.
pub type Pos = u32;

/// One parsed template: its name, the file it came from, the text (for error
/// positions and the byte ranges of the nodes), the tables of field names and
/// string values, and the root list. The trees of one parse share the text and
/// the tables.
#[derive(Debug)]
pub struct Tree {
    pub name: String,
    pub parse_name: String,
    pub text: Arc<str>,
    /// The names of the field paths, in text order.
    pub field_names: Arc<[Span]>,
    /// The values of the string literals.
    pub strings: Arc<[Arc<str>]>,
    pub root: ListNode,
}

impl Tree {
    /// `NAME:LINE:COL` of a byte offset, as Go's `ErrorContext` computes it.
    pub fn location(&self, pos: Pos) -> String {
        let pos = (pos as usize).min(self.text.len());
        let before = &self.text.as_bytes()[..pos];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let col = match before.iter().rposition(|&b| b == b'\n') {
            Some(nl) => pos - (nl + 1),
            None => pos,
        };
        format!("{}:{}:{}", self.parse_name, line, col)
    }

    /// Go's `IsEmptyTree`: only whitespace text and comments.
    pub fn is_empty(&self) -> bool {
        self.root.is_empty_tree(&self.text)
    }

    /// The spans of the names of the field path `path` (`.A.B` or `$x.A.B`: `A`,
    /// `B`), whose names, if it has any, start at entry `first` of the table.
    /// The table is in text order, so they are the entries inside `path`.
    pub fn names(&self, path: Span, first: u32) -> &[Span] {
        let rest = self.field_names.get(first as usize..).unwrap_or_default();
        let count = rest.iter().take_while(|name| name.end <= path.end).count();
        &rest[..count]
    }
}

/// Go's position of a field path (`.A.B`, `$x.A`): where its chain of fields
/// after the first element starts, or its start when there is no chain.
fn path_pos(path: Span, text: &str) -> Pos {
    match path.of(text).bytes().skip(1).position(|b| b == b'.') {
        Some(i) => path.start + 1 + i as Pos,
        None => path.start,
    }
}

/// A byte range of the template text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: Pos,
    pub end: Pos,
}

impl Span {
    /// The text this span covers.
    pub fn of(self, text: &str) -> &str {
        &text[self.start as usize..self.end as usize]
    }
}

/// A sequence of nodes.
#[derive(Debug, Default)]
pub struct ListNode {
    pub pos: Pos,
    pub nodes: Box<[Node]>,
}

impl ListNode {
    /// Go's `IsEmptyTree`: only whitespace text and comments.
    pub fn is_empty_tree(&self, text: &str) -> bool {
        self.nodes.iter().all(|n| match n {
            Node::Text(span) => span.of(text).trim().is_empty(),
            _ => false,
        })
    }
}

/// A node of a list. Text is a span of the template text; everything larger than
/// a span lives behind a box, so that a list of mostly text stays small.
#[derive(Debug)]
pub enum Node {
    Text(Span),
    Action(Box<PipeNode>),
    If(Box<BranchNode>),
    Range(Box<BranchNode>),
    With(Box<BranchNode>),
    Template(Box<TemplateNode>),
    Break(Pos),
    Continue(Pos),
}

impl Node {
    pub fn pos(&self) -> Pos {
        match self {
            Node::Text(span) => span.start,
            Node::Action(pipe) => pipe.pos,
            Node::If(b) | Node::Range(b) | Node::With(b) => b.pipe.pos,
            Node::Template(t) => t.pos,
            Node::Break(p) | Node::Continue(p) => *p,
        }
    }
}

/// `if`, `range` and `with`; the node's position is its pipeline's.
#[derive(Debug)]
pub struct BranchNode {
    pub pipe: PipeNode,
    pub list: ListNode,
    pub else_list: Option<ListNode>,
}

#[derive(Debug)]
pub struct TemplateNode {
    pub pos: Pos,
    pub name: Box<str>,
    pub pipe: Option<PipeNode>,
}

/// A pipeline with optional variable declarations or assignments. It has at
/// least one command; the first is held inline, as most pipelines have only it.
#[derive(Debug)]
pub struct PipeNode {
    pub pos: Pos,
    pub is_assign: bool,
    pub decl: Box<[VariableNode]>,
    pub first: CommandNode,
    pub rest: Box<[CommandNode]>,
}

impl PipeNode {
    /// The commands, in order.
    pub fn cmds(&self) -> impl Iterator<Item = &CommandNode> {
        std::iter::once(&self.first).chain(self.rest.iter())
    }
}

#[derive(Debug)]
pub struct CommandNode {
    pub pos: Pos,
    pub args: Box<[Arg]>,
}

/// `$x` or `$x.Field.Chain`: `path` spans the whole of it as written; the
/// names of its fields, if any, start at entry `first_name` of the table.
#[derive(Clone, Copy, Debug)]
pub struct VariableNode {
    pub path: Span,
    pub first_name: u32,
}

/// A numeric literal with every interpretation Go's parser derives from it; its
/// position is its text's start.
#[derive(Debug)]
pub struct NumberNode {
    pub text: Span,
    pub int: Option<i64>,
    pub uint: Option<u64>,
    pub float: Option<f64>,
}

/// An operand followed by fields: `(pipeline).A.B`, `fn.A`; its position is
/// its fields' start.
#[derive(Debug)]
pub struct ChainNode {
    pub node: Arg,
    /// The fields as written, each with its leading dot.
    pub fields: Span,
    pub first_name: u32,
}

// Lists and commands hold these by the thousand: keep them this small.
const _: () = assert!(std::mem::size_of::<Node>() == 16);
const _: () = assert!(std::mem::size_of::<Arg>() == 16);

/// An operand of a command.
#[derive(Debug)]
pub enum Arg {
    Identifier(Span),
    Dot(Pos),
    Nil(Pos),
    Variable(VariableNode),
    /// `.A.B`: the fields as written, each with its leading dot.
    Field {
        path: Span,
        first_name: u32,
    },
    Bool {
        pos: Pos,
        value: bool,
    },
    Number(Box<NumberNode>),
    /// A string literal: the quoted form spans the text; the value, shared with
    /// every string value made from it, is entry `value` of the tree's strings.
    String {
        quoted: Span,
        value: u32,
    },
    Pipe(Box<PipeNode>),
    Chain(Box<ChainNode>),
}

impl Arg {
    /// The position, which for a field path depends on its `text`.
    pub fn pos(&self, text: &str) -> Pos {
        match self {
            Arg::Identifier(Span { start: pos, .. })
            | Arg::String {
                quoted: Span { start: pos, .. },
                ..
            }
            | Arg::Dot(pos)
            | Arg::Nil(pos)
            | Arg::Bool { pos, .. } => *pos,
            Arg::Field { path, .. } | Arg::Variable(VariableNode { path, .. }) => {
                path_pos(*path, text)
            }
            Arg::Number(n) => n.text.start,
            Arg::Pipe(p) => p.pos,
            Arg::Chain(c) => c.fields.start,
        }
    }
}

/// A node printed as Go's `String` prints it, which needs the template text the
/// node's spans point into.
pub struct Shown<'a, T: ?Sized> {
    pub node: &'a T,
    pub text: &'a str,
}

/// Pairs a node with the text of its tree for printing.
pub fn shown<'a, T: ?Sized>(node: &'a T, text: &'a str) -> Shown<'a, T> {
    Shown { node, text }
}

impl Display for Shown<'_, ListNode> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for n in self.node.nodes.iter() {
            write!(f, "{}", shown(n, self.text))?;
        }
        Ok(())
    }
}

fn write_branch(f: &mut Formatter<'_>, name: &str, b: &BranchNode, text: &str) -> fmt::Result {
    write!(
        f,
        "{{{{{name} {}}}}}{}",
        shown(&b.pipe, text),
        shown(&b.list, text)
    )?;
    if let Some(e) = &b.else_list {
        write!(f, "{{{{else}}}}{}", shown(e, text))?;
    }
    f.write_str("{{end}}")
}

impl Display for Shown<'_, Node> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let text = self.text;
        match self.node {
            Node::Text(span) => f.write_str(span.of(text)),
            Node::Action(pipe) => write!(f, "{{{{{}}}}}", shown(&**pipe, text)),
            Node::If(b) => write_branch(f, "if", b, text),
            Node::Range(b) => write_branch(f, "range", b, text),
            Node::With(b) => write_branch(f, "with", b, text),
            Node::Template(t) => {
                write!(f, "{{{{template {}", crate::gofmt::quote(&t.name))?;
                if let Some(p) = &t.pipe {
                    write!(f, " {}", shown(p, text))?;
                }
                f.write_str("}}")
            }
            Node::Break(_) => f.write_str("{{break}}"),
            Node::Continue(_) => f.write_str("{{continue}}"),
        }
    }
}

impl Display for Shown<'_, PipeNode> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let pipe = self.node;
        if !pipe.decl.is_empty() {
            for (i, v) in pipe.decl.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                f.write_str(v.path.of(self.text))?;
            }
            f.write_str(if pipe.is_assign { " = " } else { " := " })?;
        }
        for (i, c) in pipe.cmds().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            write!(f, "{}", shown(c, self.text))?;
        }
        Ok(())
    }
}

impl Display for Shown<'_, CommandNode> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, a) in self.node.args.iter().enumerate() {
            if i > 0 {
                f.write_char(' ')?;
            }
            write_operand(f, a, self.text)?;
        }
        Ok(())
    }
}

/// An argument as an operand prints: a pipeline in parentheses.
fn write_operand(f: &mut Formatter<'_>, arg: &Arg, text: &str) -> fmt::Result {
    match arg {
        Arg::Pipe(p) => write!(f, "({})", shown(&**p, text)),
        other => write!(f, "{}", shown(other, text)),
    }
}

impl Display for Shown<'_, Arg> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let text = self.text;
        match self.node {
            Arg::Identifier(span) => f.write_str(span.of(text)),
            Arg::Dot(_) => f.write_char('.'),
            Arg::Nil(_) => f.write_str("nil"),
            Arg::Variable(v) => f.write_str(v.path.of(text)),
            Arg::Field { path, .. } => f.write_str(path.of(text)),
            Arg::Bool { value, .. } => write!(f, "{value}"),
            Arg::Number(n) => f.write_str(n.text.of(text)),
            Arg::String { quoted, .. } => f.write_str(quoted.of(text)),
            Arg::Pipe(p) => write!(f, "{}", shown(&**p, text)),
            Arg::Chain(chain) => {
                write_operand(f, &chain.node, text)?;
                f.write_str(chain.fields.of(text))
            }
        }
    }
}

/// Nested pipelines are dismantled with an explicit stack, so that dropping a
/// hostile, deeply nested tree cannot overflow the native stack.
impl Drop for PipeNode {
    fn drop(&mut self) {
        let mut pending: Vec<Box<[Arg]>> = Vec::new();
        take_nested_args(&mut self.first.args, &mut pending);
        for cmd in self.rest.iter_mut() {
            take_nested_args(&mut cmd.args, &mut pending);
        }
        while let Some(mut args) = pending.pop() {
            take_nested_args(&mut args, &mut pending);
        }
    }
}

/// Moves the arguments of the pipelines nested in `args` to `pending`.
fn take_nested_args(args: &mut [Arg], pending: &mut Vec<Box<[Arg]>>) {
    for arg in args.iter_mut() {
        let arg = match arg {
            Arg::Chain(chain) => &mut chain.node,
            other => other,
        };
        if let Arg::Pipe(pipe) = arg {
            pending.push(std::mem::take(&mut pipe.first.args));
            for cmd in pipe.rest.iter_mut() {
                pending.push(std::mem::take(&mut cmd.args));
            }
        }
    }
}

/// Control structures are dismantled with an explicit stack, for the same reason.
impl Drop for ListNode {
    fn drop(&mut self) {
        let mut pending: Vec<Box<[Node]>> = Vec::new();
        take_nested_lists(&mut self.nodes, &mut pending);
        while let Some(mut nodes) = pending.pop() {
            take_nested_lists(&mut nodes, &mut pending);
        }
    }
}

/// Moves the lists of the control structures in `nodes` to `pending`.
fn take_nested_lists(nodes: &mut [Node], pending: &mut Vec<Box<[Node]>>) {
    for node in nodes.iter_mut() {
        if let Node::If(b) | Node::Range(b) | Node::With(b) = node {
            pending.push(std::mem::take(&mut b.list.nodes));
            if let Some(else_list) = &mut b.else_list {
                pending.push(std::mem::take(&mut else_list.nodes));
            }
        }
    }
}
