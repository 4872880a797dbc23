//! The parse tree of a template, and its canonical re-printing (Go's `Node.String`),
//! which error messages quote as the context of a failure.

use std::fmt::{self, Display, Formatter, Write};
use std::sync::Arc;

/// One parsed template: its name, the file it came from, the text (for error
/// positions) and the root list.
#[derive(Debug)]
pub struct Tree {
    pub name: String,
    pub parse_name: String,
    pub text: Arc<str>,
    pub root: ListNode,
}

impl Tree {
    /// `NAME:LINE:COL` of a byte offset, as Go's `ErrorContext` computes it.
    pub fn location(&self, pos: usize) -> String {
        let pos = pos.min(self.text.len());
        let before = &self.text.as_bytes()[..pos];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let col = match before.iter().rposition(|&b| b == b'\n') {
            Some(nl) => pos - (nl + 1),
            None => pos,
        };
        format!("{}:{}:{}", self.parse_name, line, col)
    }
}

/// A sequence of nodes.
#[derive(Clone, Debug, Default)]
pub struct ListNode {
    pub pos: usize,
    pub nodes: Vec<Node>,
}

impl ListNode {
    /// Go's `IsEmptyTree`: only whitespace text and comments.
    pub fn is_empty_tree(&self) -> bool {
        self.nodes.iter().all(|n| match n {
            Node::Text(t) => t.text.trim().is_empty(),
            _ => false,
        })
    }
}

#[derive(Clone, Debug)]
pub enum Node {
    Text(TextNode),
    Action(ActionNode),
    If(BranchNode),
    Range(BranchNode),
    With(BranchNode),
    Template(TemplateNode),
    Break(usize),
    Continue(usize),
}

impl Node {
    pub fn pos(&self) -> usize {
        match self {
            Node::Text(n) => n.pos,
            Node::Action(n) => n.pos,
            Node::If(n) | Node::Range(n) | Node::With(n) => n.pos,
            Node::Template(n) => n.pos,
            Node::Break(p) | Node::Continue(p) => *p,
        }
    }
}

#[derive(Clone, Debug)]
pub struct TextNode {
    pub pos: usize,
    pub text: Arc<str>,
}

#[derive(Clone, Debug)]
pub struct ActionNode {
    pub pos: usize,
    pub pipe: PipeNode,
}

/// `if`, `range` and `with`.
#[derive(Clone, Debug)]
pub struct BranchNode {
    pub pos: usize,
    pub pipe: PipeNode,
    pub list: ListNode,
    pub else_list: Option<ListNode>,
}

#[derive(Clone, Debug)]
pub struct TemplateNode {
    pub pos: usize,
    pub name: String,
    pub pipe: Option<PipeNode>,
}

/// A pipeline with optional variable declarations or assignments.
#[derive(Clone, Debug)]
pub struct PipeNode {
    pub pos: usize,
    pub is_assign: bool,
    pub decl: Vec<VariableNode>,
    pub cmds: Vec<CommandNode>,
}

#[derive(Clone, Debug)]
pub struct CommandNode {
    pub pos: usize,
    pub args: Vec<Arg>,
}

/// `$x` or `$x.Field.Chain`.
#[derive(Clone, Debug)]
pub struct VariableNode {
    pub pos: usize,
    pub ident: Vec<String>,
}

/// A numeric literal with every interpretation Go's parser derives from it.
#[derive(Clone, Debug)]
pub struct NumberNode {
    pub pos: usize,
    pub text: String,
    pub int: Option<i64>,
    pub uint: Option<u64>,
    pub float: Option<f64>,
}

/// An operand of a command.
#[derive(Clone, Debug)]
pub enum Arg {
    Identifier {
        pos: usize,
        name: String,
    },
    Dot(usize),
    Nil(usize),
    Variable(VariableNode),
    Field {
        pos: usize,
        ident: Vec<String>,
    },
    Bool {
        pos: usize,
        value: bool,
    },
    Number(NumberNode),
    String {
        pos: usize,
        quoted: String,
        text: Arc<str>,
    },
    Pipe(Box<PipeNode>),
    Chain {
        pos: usize,
        node: Box<Arg>,
        fields: Vec<String>,
    },
}

impl Arg {
    pub fn pos(&self) -> usize {
        match self {
            Arg::Identifier { pos, .. }
            | Arg::Dot(pos)
            | Arg::Nil(pos)
            | Arg::Field { pos, .. }
            | Arg::Bool { pos, .. }
            | Arg::String { pos, .. }
            | Arg::Chain { pos, .. } => *pos,
            Arg::Variable(v) => v.pos,
            Arg::Number(n) => n.pos,
            Arg::Pipe(p) => p.pos,
        }
    }
}

impl Display for ListNode {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for n in &self.nodes {
            write!(f, "{n}")?;
        }
        Ok(())
    }
}

fn write_branch(f: &mut Formatter<'_>, name: &str, b: &BranchNode) -> fmt::Result {
    write!(f, "{{{{{name} {}}}}}{}", b.pipe, b.list)?;
    if let Some(e) = &b.else_list {
        write!(f, "{{{{else}}}}{e}")?;
    }
    f.write_str("{{end}}")
}

impl Display for Node {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Node::Text(t) => f.write_str(&t.text),
            Node::Action(a) => write!(f, "{{{{{}}}}}", a.pipe),
            Node::If(b) => write_branch(f, "if", b),
            Node::Range(b) => write_branch(f, "range", b),
            Node::With(b) => write_branch(f, "with", b),
            Node::Template(t) => {
                write!(f, "{{{{template {}", crate::gofmt::quote(&t.name))?;
                if let Some(p) = &t.pipe {
                    write!(f, " {p}")?;
                }
                f.write_str("}}")
            }
            Node::Break(_) => f.write_str("{{break}}"),
            Node::Continue(_) => f.write_str("{{continue}}"),
        }
    }
}

impl Display for PipeNode {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if !self.decl.is_empty() {
            for (i, v) in self.decl.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{v}")?;
            }
            f.write_str(if self.is_assign { " = " } else { " := " })?;
        }
        for (i, c) in self.cmds.iter().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

impl Display for CommandNode {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, a) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_char(' ')?;
            }
            match a {
                Arg::Pipe(p) => write!(f, "({p})")?,
                other => write!(f, "{other}")?,
            }
        }
        Ok(())
    }
}

impl Display for VariableNode {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(&self.ident.join("."))
    }
}

impl Display for Arg {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Identifier { name, .. } => f.write_str(name),
            Arg::Dot(_) => f.write_char('.'),
            Arg::Nil(_) => f.write_str("nil"),
            Arg::Variable(v) => write!(f, "{v}"),
            Arg::Field { ident, .. } => {
                for id in ident {
                    write!(f, ".{id}")?;
                }
                Ok(())
            }
            Arg::Bool { value, .. } => write!(f, "{value}"),
            Arg::Number(n) => f.write_str(&n.text),
            Arg::String { quoted, .. } => f.write_str(quoted),
            Arg::Pipe(p) => write!(f, "{p}"),
            Arg::Chain { node, fields, .. } => {
                match node.as_ref() {
                    Arg::Pipe(p) => write!(f, "({p})")?,
                    other => write!(f, "{other}")?,
                }
                for field in fields {
                    write!(f, ".{field}")?;
                }
                Ok(())
            }
        }
    }
}

/// Nested pipelines and control structures are dismantled with an explicit stack,
/// so that dropping a hostile, deeply nested tree cannot overflow the native stack.
impl Drop for PipeNode {
    fn drop(&mut self) {
        let mut pending: Vec<CommandNode> = std::mem::take(&mut self.cmds);
        while let Some(mut cmd) = pending.pop() {
            for arg in cmd.args.drain(..) {
                let arg = match arg {
                    Arg::Chain { node, .. } => *node,
                    other => other,
                };
                if let Arg::Pipe(mut pipe) = arg {
                    pending.append(&mut pipe.cmds);
                }
            }
        }
    }
}

impl Drop for ListNode {
    fn drop(&mut self) {
        let mut pending: Vec<Node> = std::mem::take(&mut self.nodes);
        while let Some(node) = pending.pop() {
            if let Node::If(mut b) | Node::Range(mut b) | Node::With(mut b) = node {
                pending.append(&mut b.list.nodes);
                if let Some(else_list) = &mut b.else_list {
                    pending.append(&mut else_list.nodes);
                }
            }
        }
    }
}
