//! Template execution: walks a tree with Go's semantics for dot, variables and their
//! scopes, pipelines and the final argument, field and method lookup, function calls
//! with Go's argument typing, control flow, nested templates, and error texts that
//! name the template, position and node.

use std::fmt::Display;

use crate::ast::*;
use crate::builtins::{self, Builtin};
use crate::error::{ErrorSource, ExecError};
use crate::func::{FuncError, Function, Signature};
use crate::gofmt;
use crate::gofmt::quote;
use crate::object::Object;
use crate::template::{MissingKey, Templates};
use crate::types::{GoType, IntKind, UintKind};
use crate::value::Value;

/// Go's limit on nested template invocations.
const MAX_EXEC_DEPTH: usize = 100_000;

/// What a function body can reach of the running execution.
pub struct CallContext<'a> {
    templates: &'a Templates,
}

impl<'a> CallContext<'a> {
    /// The template set being executed, so that functions such as Helm's `include`
    /// and `tpl` can render other templates.
    pub fn templates(&self) -> &'a Templates {
        self.templates
    }
}

/// A value as the executor holds it, with the part of its static type that Go's
/// behaviour depends on.
#[derive(Clone, Debug)]
pub(crate) enum Eval {
    /// Go's invalid `reflect.Value`: a missing key or an untyped nil.
    Missing,
    /// A value whose static type is its own dynamic type.
    Val(Value),
    /// A value held in an `interface {}` (a map or slice element, a function result).
    Boxed(Value),
}

impl Eval {
    /// The interface dereference a pipeline applies to each command's result.
    fn dig(self) -> Eval {
        match self {
            Eval::Boxed(Value::Nil) | Eval::Val(Value::Nil) => Eval::Missing,
            Eval::Boxed(v) => Eval::Val(v),
            other => other,
        }
    }

    /// Go's `indirectInterface`: the concrete value, or `None` for nil.
    pub(crate) fn concrete(&self) -> Option<&Value> {
        match self {
            Eval::Missing => None,
            Eval::Val(Value::Nil) | Eval::Boxed(Value::Nil) => None,
            Eval::Val(v) | Eval::Boxed(v) => Some(v),
        }
    }

    fn static_type(&self) -> String {
        match self {
            Eval::Missing => "<nil>".into(),
            Eval::Boxed(_) => "interface {}".into(),
            Eval::Val(v) => v.go_type().to_string(),
        }
    }

    /// A container element of the given static type.
    pub(crate) fn element(elem: &GoType, v: Value) -> Eval {
        if *elem == GoType::Interface {
            Eval::Boxed(v)
        } else {
            Eval::Val(v)
        }
    }
}

/// The zero value of a Go type, as `missingkey=zero` and `index` produce it.
pub(crate) fn zero_value(t: &GoType) -> Value {
    match t {
        GoType::Bool => Value::Bool(false),
        GoType::Int(k) => Value::Int(0, *k),
        GoType::Uint(k) => Value::Uint(0, *k),
        GoType::Float64 => Value::Float(0.0),
        GoType::String => Value::String("".into()),
        _ => Value::Nil,
    }
}

/// Control flow out of a walk: a `break`, a `continue`, or an error.
pub(crate) enum Flow {
    Break,
    Continue,
    Error(ExecError),
}

type R<T> = Result<T, Flow>;

/// The node an error is reported at.
#[derive(Clone, Copy)]
enum At<'a> {
    Node(&'a Node),
    List(&'a ListNode),
    Pipe(&'a PipeNode),
    Cmd(&'a CommandNode),
    Arg(&'a Arg),
}

impl At<'_> {
    /// The position; `text` is the node's tree's text.
    fn pos(&self, text: &str) -> Pos {
        match self {
            At::Node(n) => n.pos(),
            At::List(l) => l.pos,
            At::Pipe(p) => p.pos,
            At::Cmd(c) => c.pos,
            At::Arg(a) => a.pos(text),
        }
    }

    /// The node as Go prints it; `text` is its tree's text.
    fn context(&self, text: &str) -> String {
        match self {
            At::Node(n) => shown(*n, text).to_string(),
            At::List(l) => shown(*l, text).to_string(),
            At::Pipe(p) => shown(*p, text).to_string(),
            At::Cmd(c) => shown(*c, text).to_string(),
            At::Arg(a) => shown(*a, text).to_string(),
        }
    }
}

/// The parameter type an argument is evaluated for.
#[derive(Clone, Copy)]
enum Param<'t> {
    /// A `reflect.Value` parameter of a builtin: the value as it is, nil allowed.
    Reflect,
    /// No type at all (the operand of a chain).
    Untyped,
    Typed(&'t GoType),
}

/// What is being called.
enum Callee<'a> {
    Builtin(Builtin),
    Func(&'a Function),
    Method(std::sync::Arc<dyn Object>, Signature),
}

struct State<'a, 'o> {
    set: &'a Templates,
    tree: &'a Tree,
    out: &'o mut String,
    vars: Vec<(&'a str, Eval)>,
    depth: usize,
    node: Option<At<'a>>,
    steps: &'o mut u64,
}

/// Executes `tree` of `set` with `data` as dot, appending to `out`.
pub(crate) fn execute(
    set: &Templates,
    tree: &Tree,
    data: &Value,
    out: &mut String,
) -> Result<(), ExecError> {
    let dot = match data {
        Value::Nil => Eval::Missing,
        v => Eval::Val(v.clone()),
    };
    let mut steps = 0;
    let mut state = State {
        set,
        tree,
        out,
        vars: vec![("$", dot.clone())],
        depth: 0,
        node: None,
        steps: &mut steps,
    };
    match state.walk_list(&dot, &tree.root) {
        Ok(()) => Ok(()),
        Err(Flow::Error(e)) => Err(e),
        Err(Flow::Break | Flow::Continue) => Ok(()),
    }
}

impl<'a, 'o> State<'a, 'o> {
    fn at(&mut self, at: At<'a>) {
        self.node = Some(at);
    }

    /// The text of the tree being executed, which its nodes' spans point into.
    fn text(&self) -> &'a str {
        &self.tree.text
    }

    /// The name of a declared variable, `$` included (a declaration has no
    /// fields).
    fn decl_name(&self, var: &VariableNode) -> &'a str {
        var.path.of(self.text())
    }

    /// The value of a string literal.
    fn string_value(&self, index: u32) -> Value {
        Value::String(self.tree.strings[index as usize].clone())
    }

    /// A node of the tree being executed, printable as Go prints it.
    fn show<T: ?Sized>(&self, node: &'a T) -> Shown<'a, T> {
        shown(node, self.text())
    }

    fn error(&self, message: impl Display) -> Flow {
        let name = &self.tree.name;
        let message = match self.node {
            None => format!("template: {name}: {message}"),
            Some(at) => format!(
                "template: {}: executing {} at <{}>: {message}",
                self.tree.location(at.pos(&self.tree.text)),
                quote(name),
                at.context(&self.tree.text)
            ),
        };
        Flow::Error(ExecError {
            name: name.clone(),
            message,
            cause: ErrorSource::None,
        })
    }

    fn walk_list(&mut self, dot: &Eval, list: &'a ListNode) -> R<()> {
        stacker::maybe_grow(256 * 1024, 8 * 1024 * 1024, || {
            self.at(At::List(list));
            for node in &list.nodes {
                self.walk(dot, node)?;
            }
            Ok(())
        })
    }

    /// Counts one unit of work against the set's step limit.
    fn step(&mut self) -> R<()> {
        *self.steps += 1;
        match self.set.step_limit() {
            Some(limit) if *self.steps > limit => {
                Err(self.error(format!("exceeded the limit of {limit} execution steps")))
            }
            _ => Ok(()),
        }
    }

    fn walk(&mut self, dot: &Eval, node: &'a Node) -> R<()> {
        self.at(At::Node(node));
        self.step()?;
        match node {
            Node::Text(span) => {
                self.out.push_str(span.of(self.text()));
                Ok(())
            }
            Node::Action(pipe) => {
                let value = self.eval_pipeline(dot, pipe)?;
                if pipe.decl.is_empty() {
                    self.print_value(node, &value);
                }
                Ok(())
            }
            Node::If(b) => self.walk_if_or_with(false, dot, b),
            Node::With(b) => self.walk_if_or_with(true, dot, b),
            Node::Range(b) => {
                let mark = self.vars.len();
                let result = self.walk_range(dot, node, b);
                self.vars.truncate(mark);
                match result {
                    Err(Flow::Break) => Ok(()),
                    other => other,
                }
            }
            Node::Template(t) => self.walk_template(dot, t),
            Node::Break(_) => Err(Flow::Break),
            Node::Continue(_) => Err(Flow::Continue),
        }
    }

    fn print_value(&mut self, node: &'a Node, value: &Eval) {
        self.at(At::Node(node));
        match value.concrete() {
            None => self.out.push_str("<no value>"),
            // `%v` of a string is the string: no need for a formatted copy.
            Some(Value::String(s)) => self.out.push_str(s),
            Some(v) => self.out.push_str(&gofmt::format_value(v)),
        }
    }

    fn walk_if_or_with(&mut self, is_with: bool, dot: &Eval, b: &'a BranchNode) -> R<()> {
        let mark = self.vars.len();
        let result = (|| {
            let value = self.eval_pipeline(dot, &b.pipe)?;
            if builtins::truth(&value) {
                if is_with {
                    self.walk_list(&value, &b.list)
                } else {
                    self.walk_list(dot, &b.list)
                }
            } else if let Some(else_list) = &b.else_list {
                self.walk_list(dot, else_list)
            } else {
                Ok(())
            }
        })();
        self.vars.truncate(mark);
        result
    }

    fn walk_range(&mut self, dot: &Eval, node: &'a Node, b: &'a BranchNode) -> R<()> {
        self.at(At::Node(node));
        let value = self.eval_pipeline(dot, &b.pipe)?;
        let mark = self.vars.len();
        let ran = match value.concrete() {
            None => false,
            Some(Value::List(list)) => {
                for (i, item) in list.items.iter().enumerate() {
                    let elem = Eval::element(&list.elem, item.clone());
                    self.range_iteration(node, b, mark, Eval::Val(Value::int(i as i64)), elem)?;
                }
                !list.items.is_empty()
            }
            Some(Value::Bytes(bytes)) => {
                for (i, byte) in bytes.iter().enumerate() {
                    let elem = Eval::Val(Value::Uint(*byte as u64, UintKind::Uint8));
                    self.range_iteration(node, b, mark, Eval::Val(Value::int(i as i64)), elem)?;
                }
                !bytes.is_empty()
            }
            Some(Value::Map(map)) => {
                let entries = map.entries();
                for (key, item) in &entries {
                    let elem = Eval::element(&map.ty.elem, item.clone());
                    self.range_iteration(
                        node,
                        b,
                        mark,
                        Eval::Val(Value::string(key.as_str())),
                        elem,
                    )?;
                }
                !entries.is_empty()
            }
            Some(v @ (Value::Int(..) | Value::Uint(..))) => {
                if b.pipe.decl.len() > 1 {
                    return Err(self.error(format!(
                        "can't use {} to iterate over more than one variable",
                        gofmt::sprint(std::slice::from_ref(v))
                    )));
                }
                let v = v.clone();
                let count = match v {
                    Value::Int(n, _) => n.max(0) as u64,
                    Value::Uint(n, _) => n,
                    _ => 0,
                };
                for i in 0..count {
                    let item = match v {
                        Value::Int(_, k) => Value::Int(i as i64, k),
                        Value::Uint(_, k) => Value::Uint(i, k),
                        _ => Value::Nil,
                    };
                    self.range_iteration(node, b, mark, Eval::Val(item.clone()), Eval::Val(item))?;
                }
                count > 0
            }
            Some(v) => {
                return Err(self.error(format!(
                    "range can't iterate over {}",
                    gofmt::sprint(std::slice::from_ref(v))
                )));
            }
        };
        if !ran {
            if let Some(else_list) = &b.else_list {
                return self.walk_list(dot, else_list);
            }
        }
        Ok(())
    }

    fn range_iteration(
        &mut self,
        node: &'a Node,
        b: &'a BranchNode,
        mark: usize,
        index: Eval,
        elem: Eval,
    ) -> R<()> {
        self.at(At::Node(node));
        self.step()?;
        let decl = &b.pipe.decl;
        if !decl.is_empty() {
            if b.pipe.is_assign {
                if decl.len() > 1 {
                    self.set_var(self.decl_name(&decl[0]), index.clone())?;
                } else {
                    self.set_var(self.decl_name(&decl[0]), elem.clone())?;
                }
            } else {
                self.set_top_var(1, elem.clone());
            }
        }
        if decl.len() > 1 {
            if b.pipe.is_assign {
                self.set_var(self.decl_name(&decl[1]), elem.clone())?;
            } else {
                self.set_top_var(2, index);
            }
        }
        let result = self.walk_list(&elem, &b.list);
        self.vars.truncate(mark);
        match result {
            Err(Flow::Continue) => Ok(()),
            other => other,
        }
    }

    fn walk_template(&mut self, dot: &Eval, t: &'a TemplateNode) -> R<()> {
        let Some(tree) = self.set.lookup(&t.name) else {
            return Err(self.error(format!("template {} not defined", quote(&t.name))));
        };
        if self.depth == MAX_EXEC_DEPTH {
            return Err(self.error(format!(
                "exceeded maximum template depth ({MAX_EXEC_DEPTH})"
            )));
        }
        let new_dot = match &t.pipe {
            Some(pipe) => self.eval_pipeline(dot, pipe)?,
            None => Eval::Missing,
        };
        let set = self.set;
        let depth = self.depth + 1;
        stacker::maybe_grow(256 * 1024, 8 * 1024 * 1024, || {
            let mut inner = State {
                set,
                tree: tree.as_ref(),
                out: &mut *self.out,
                vars: vec![("$", new_dot.clone())],
                depth,
                node: None,
                steps: &mut *self.steps,
            };
            inner.walk_list(&new_dot, &tree.root)
        })
    }

    fn set_var(&mut self, name: &str, value: Eval) -> R<()> {
        for (var, slot) in self.vars.iter_mut().rev() {
            if *var == name {
                *slot = value;
                return Ok(());
            }
        }
        Err(self.error(format!("undefined variable: {name}")))
    }

    fn set_top_var(&mut self, n: usize, value: Eval) {
        let len = self.vars.len();
        self.vars[len - n].1 = value;
    }

    fn var_value(&self, name: &str) -> R<Eval> {
        for (var, slot) in self.vars.iter().rev() {
            if *var == name {
                return Ok(slot.clone());
            }
        }
        Err(self.error(format!("undefined variable: {name}")))
    }

    fn eval_pipeline(&mut self, dot: &Eval, pipe: &'a PipeNode) -> R<Eval> {
        stacker::maybe_grow(256 * 1024, 8 * 1024 * 1024, || {
            self.eval_pipeline_inner(dot, pipe)
        })
    }

    fn eval_pipeline_inner(&mut self, dot: &Eval, pipe: &'a PipeNode) -> R<Eval> {
        self.at(At::Pipe(pipe));
        let mut value = self.eval_command(dot, &pipe.first, None)?.dig();
        for cmd in pipe.rest.iter() {
            value = self.eval_command(dot, cmd, Some(&value))?.dig();
        }
        for var in &pipe.decl {
            if pipe.is_assign {
                self.set_var(self.decl_name(var), value.clone())?;
            } else {
                self.vars.push((self.decl_name(var), value.clone()));
            }
        }
        Ok(value)
    }

    fn not_a_function(&self, args: &'a [Arg], fin: Option<&Eval>) -> R<()> {
        if args.len() > 1 || fin.is_some() {
            return Err(self.error(format!(
                "can't give argument to non-function {}",
                self.show(&args[0])
            )));
        }
        Ok(())
    }

    fn eval_command(&mut self, dot: &Eval, cmd: &'a CommandNode, fin: Option<&Eval>) -> R<Eval> {
        let first = &cmd.args[0];
        match first {
            Arg::Field { path, first_name } => {
                let names = self.tree.names(*path, *first_name);
                return self.eval_field_node(dot, first, names, &cmd.args, fin);
            }
            Arg::Chain(chain) => return self.eval_chain_node(dot, first, chain, &cmd.args, fin),
            Arg::Identifier(name) => {
                let name = name.of(self.text());
                return self.eval_function(dot, first, name, At::Cmd(cmd), &cmd.args, fin);
            }
            Arg::Pipe(p) => {
                self.not_a_function(&cmd.args, fin)?;
                return self.eval_pipeline(dot, p);
            }
            Arg::Variable(v) => return self.eval_variable_node(dot, first, v, &cmd.args, fin),
            _ => {}
        }
        self.at(At::Arg(first));
        self.not_a_function(&cmd.args, fin)?;
        match first {
            Arg::Bool { value, .. } => Ok(Eval::Val(Value::Bool(*value))),
            Arg::Dot(_) => Ok(dot.clone()),
            Arg::Nil(_) => Err(self.error("nil is not a command")),
            Arg::Number(n) => self.ideal_constant(first, n),
            Arg::String { value, .. } => Ok(Eval::Val(self.string_value(*value))),
            _ => Err(self.error(format!(
                "can't evaluate command {}",
                quote(&self.show(first).to_string())
            ))),
        }
    }

    fn ideal_constant(&mut self, node: &'a Arg, n: &NumberNode) -> R<Eval> {
        self.at(At::Arg(node));
        let text = n.text.of(self.text());
        let is_hex_int = text.len() > 2
            && text.starts_with('0')
            && matches!(text.as_bytes()[1], b'x' | b'X')
            && !text.contains(['p', 'P']);
        let is_rune = text.starts_with('\'');
        if let Some(f) = n.float {
            if !is_hex_int && !is_rune && text.contains(['.', 'e', 'E', 'p', 'P']) {
                return Ok(Eval::Val(Value::Float(f)));
            }
        }
        if let Some(i) = n.int {
            return Ok(Eval::Val(Value::int(i)));
        }
        if n.uint.is_some() {
            return Err(self.error(format!("{text} overflows int")));
        }
        Ok(Eval::Missing)
    }

    fn eval_field_node(
        &mut self,
        dot: &Eval,
        node: &'a Arg,
        names: &'a [Span],
        args: &'a [Arg],
        fin: Option<&Eval>,
    ) -> R<Eval> {
        self.at(At::Arg(node));
        self.eval_field_chain(dot, dot.clone(), node, names, args, fin)
    }

    fn eval_chain_node(
        &mut self,
        dot: &Eval,
        node: &'a Arg,
        chain: &'a ChainNode,
        args: &'a [Arg],
        fin: Option<&Eval>,
    ) -> R<Eval> {
        self.at(At::Arg(node));
        if matches!(chain.node, Arg::Nil(_)) {
            return Err(self.error(format!(
                "indirection through explicit nil in {}",
                self.show(node)
            )));
        }
        let receiver = self.eval_arg(dot, Param::Untyped, &chain.node)?;
        let names = self.tree.names(chain.fields, chain.first_name);
        self.eval_field_chain(dot, receiver, node, names, args, fin)
    }

    fn eval_variable_node(
        &mut self,
        dot: &Eval,
        node: &'a Arg,
        var: &'a VariableNode,
        args: &'a [Arg],
        fin: Option<&Eval>,
    ) -> R<Eval> {
        self.at(At::Arg(node));
        let names = self.tree.names(var.path, var.first_name);
        let name_end = match names.first() {
            Some(first_field) => first_field.start - 1,
            None => var.path.end,
        };
        let name = Span {
            start: var.path.start,
            end: name_end,
        };
        let value = self.var_value(name.of(self.text()))?;
        if names.is_empty() {
            self.not_a_function(args, fin)?;
            return Ok(value);
        }
        self.eval_field_chain(dot, value, node, names, args, fin)
    }

    fn eval_field_chain(
        &mut self,
        dot: &Eval,
        mut receiver: Eval,
        node: &'a Arg,
        names: &'a [Span],
        args: &'a [Arg],
        fin: Option<&Eval>,
    ) -> R<Eval> {
        let text = self.text();
        let Some((last, init)) = names.split_last() else {
            return Ok(receiver);
        };
        for name in init {
            receiver = self.eval_field(dot, name.of(text), node, &[], None, receiver)?;
        }
        self.eval_field(dot, last.of(text), node, args, fin, receiver)
    }

    fn eval_field(
        &mut self,
        dot: &Eval,
        name: &str,
        node: &'a Arg,
        args: &'a [Arg],
        fin: Option<&Eval>,
        receiver: Eval,
    ) -> R<Eval> {
        if let Eval::Val(Value::Nil) | Eval::Boxed(Value::Nil) = receiver {
            let static_type = receiver.static_type();
            return Err(self.error(format!("nil pointer evaluating {static_type}.{name}")));
        }
        // The static type only appears in error messages: computed when one is made.
        let boxed = matches!(receiver, Eval::Boxed(_));
        let value = match receiver {
            Eval::Missing => {
                if self.set.missing_key() == MissingKey::Error {
                    return Err(self.error(format!("nil data; no entry for key {}", quote(name))));
                }
                return Ok(Eval::Missing);
            }
            Eval::Val(v) | Eval::Boxed(v) => v,
        };
        let static_type = |value: &Value| {
            if boxed {
                "interface {}".to_string()
            } else {
                value.go_type().to_string()
            }
        };
        let methods = match &value {
            Value::Object(object) => Some(object.clone()),
            Value::List(list) => list.named.clone(),
            Value::Map(map) => map.methods.clone(),
            _ => None,
        };
        if let Some(object) = methods {
            if let Some(signature) = object.method(name) {
                return self.eval_call(
                    dot,
                    Callee::Method(object.clone(), signature),
                    At::Arg(node),
                    name,
                    args,
                    fin,
                );
            }
        }
        let has_args = args.len() > 1 || fin.is_some();
        match &value {
            Value::Object(object) => {
                if let Some(field) = object.field(name) {
                    if has_args {
                        return Err(self.error(format!(
                            "{name} has arguments but cannot be invoked as function"
                        )));
                    }
                    return Ok(match field {
                        Value::Nil => Eval::Boxed(Value::Nil),
                        v => Eval::Val(v),
                    });
                }
                if !object.truth() {
                    let static_type = static_type(&value);
                    return Err(self.error(format!("nil pointer evaluating {static_type}.{name}")));
                }
            }
            Value::Map(map) => {
                if has_args {
                    return Err(self.error(format!("{name} is not a method but has arguments")));
                }
                return match map.get(name) {
                    Some(v) => Ok(Eval::element(&map.ty.elem, v)),
                    None => match self.set.missing_key() {
                        MissingKey::Default => Ok(Eval::Missing),
                        MissingKey::Zero => {
                            Ok(Eval::element(&map.ty.elem, zero_value(&map.ty.elem)))
                        }
                        MissingKey::Error => {
                            Err(self.error(format!("map has no entry for key {}", quote(name))))
                        }
                    },
                };
            }
            _ => {}
        }
        let static_type = static_type(&value);
        Err(self.error(format!("can't evaluate field {name} in type {static_type}")))
    }

    fn eval_function(
        &mut self,
        dot: &Eval,
        node: &'a Arg,
        name: &str,
        call_node: At<'a>,
        args: &'a [Arg],
        fin: Option<&Eval>,
    ) -> R<Eval> {
        self.at(At::Arg(node));
        let set = self.set;
        let callee = if let Some(f) = set.function(name) {
            Callee::Func(f)
        } else if let Some(b) = Builtin::from_name(name) {
            Callee::Builtin(b)
        } else {
            return Err(self.error(format!("{} is not a defined function", quote(name))));
        };
        self.eval_call(dot, callee, call_node, name, args, fin)
    }

    fn eval_call(
        &mut self,
        dot: &Eval,
        callee: Callee<'a>,
        node: At<'a>,
        name: &str,
        args: &'a [Arg],
        fin: Option<&Eval>,
    ) -> R<Eval> {
        let args = if args.is_empty() { args } else { &args[1..] };
        let (fixed, variadic) = match &callee {
            Callee::Builtin(b) => {
                let (fixed, variadic) = b.arity();
                (fixed, variadic)
            }
            Callee::Func(f) => (f.signature.params.len(), f.signature.variadic.is_some()),
            Callee::Method(_, sig) => (sig.params.len(), sig.variadic.is_some()),
        };
        let num_in = args.len() + usize::from(fin.is_some());
        if variadic {
            if num_in < fixed {
                return Err(self.error(format!(
                    "wrong number of args for {name}: want at least {fixed} got {}",
                    args.len()
                )));
            }
        } else if num_in != fixed {
            return Err(self.error(format!(
                "wrong number of args for {name}: want {fixed} got {num_in}"
            )));
        }
        match callee {
            Callee::Builtin(b) => self.call_builtin(dot, b, node, name, args, fin),
            Callee::Func(f) => {
                let argv = self.typed_args(dot, &f.signature, args, fin)?;
                let mut ctx = CallContext {
                    templates: self.set,
                };
                let result = (f.body)(&mut ctx, argv);
                self.finish_call(node, name, result)
            }
            Callee::Method(object, signature) => {
                let argv = self.typed_args(dot, &signature, args, fin)?;
                let result = object.call_method(name, argv);
                self.finish_call(node, name, result)
            }
        }
    }

    fn finish_call(
        &mut self,
        node: At<'a>,
        name: &str,
        result: Result<Value, FuncError>,
    ) -> R<Eval> {
        match result {
            Ok(Value::Nil) => Ok(Eval::Boxed(Value::Nil)),
            Ok(v) => Ok(Eval::Val(v)),
            Err(e) => {
                self.at(node);
                let source = match e.template_error {
                    Some(inner) => ErrorSource::Template(inner),
                    None => ErrorSource::Function(e.message.clone()),
                };
                match self.error(format!("error calling {name}: {}", e.message)) {
                    Flow::Error(mut error) => {
                        error.cause = source;
                        Err(Flow::Error(error))
                    }
                    other => Err(other),
                }
            }
        }
    }

    /// Evaluates arguments for a typed signature, as Go's reflection call does.
    fn typed_args(
        &mut self,
        dot: &Eval,
        signature: &Signature,
        args: &'a [Arg],
        fin: Option<&Eval>,
    ) -> R<Vec<Value>> {
        let fixed = signature.params.len();
        let mut argv = Vec::with_capacity(args.len() + 1);
        for (i, arg) in args.iter().enumerate() {
            let param = if i < fixed {
                &signature.params[i]
            } else {
                signature.variadic.as_ref().unwrap_or(&GoType::Interface)
            };
            let v = self.eval_arg(dot, Param::Typed(param), arg)?;
            argv.push(self.to_value(v));
        }
        if let Some(fin) = fin {
            let num_in = args.len() + 1;
            let param = if num_in - 1 < fixed || signature.variadic.is_none() {
                &signature.params[(num_in - 1).min(fixed.saturating_sub(1))]
            } else {
                signature.variadic.as_ref().unwrap_or(&GoType::Interface)
            };
            let v = self.validate_type(fin.clone(), Param::Typed(param))?;
            argv.push(self.to_value(v));
        }
        Ok(argv)
    }

    fn to_value(&self, v: Eval) -> Value {
        match v {
            Eval::Missing => Value::Nil,
            Eval::Val(v) | Eval::Boxed(v) => v,
        }
    }

    /// Evaluates arguments for a builtin's `reflect.Value` parameters.
    fn reflect_args(&mut self, dot: &Eval, args: &'a [Arg], fin: Option<&Eval>) -> R<Vec<Eval>> {
        let mut argv = Vec::with_capacity(args.len() + 1);
        for arg in args {
            argv.push(self.eval_arg(dot, Param::Reflect, arg)?);
        }
        if let Some(fin) = fin {
            argv.push(fin.clone());
        }
        Ok(argv)
    }

    fn call_builtin(
        &mut self,
        dot: &Eval,
        builtin: Builtin,
        node: At<'a>,
        name: &str,
        args: &'a [Arg],
        fin: Option<&Eval>,
    ) -> R<Eval> {
        if matches!(builtin, Builtin::And | Builtin::Or) {
            let want = builtin == Builtin::Or;
            let mut value = Eval::Missing;
            for arg in args {
                value = self.eval_arg(dot, Param::Reflect, arg)?;
                if builtins::truth(&value) == want {
                    return Ok(value);
                }
            }
            if let Some(fin) = fin {
                value = fin.clone();
            }
            return Ok(value);
        }
        let result = match builtin {
            Builtin::Print
            | Builtin::Printf
            | Builtin::Println
            | Builtin::Html
            | Builtin::Js
            | Builtin::Urlquery => {
                let signature = builtin.signature();
                let argv = self.typed_args(dot, &signature, args, fin)?;
                builtins::call_printing(builtin, argv).map(Eval::Val)
            }
            Builtin::Call => {
                let argv = self.reflect_args(dot, args, fin)?;
                let callee = match args.first() {
                    Some(a) => self.show(a).to_string(),
                    None => fin
                        .and_then(|f| f.concrete().and_then(|v| v.as_str().map(str::to_string)))
                        .unwrap_or_default(),
                };
                builtins::call(&callee, &argv)
            }
            _ => {
                let argv = self.reflect_args(dot, args, fin)?;
                builtins::call_reflect(builtin, argv)
            }
        };
        match result {
            Ok(v) => Ok(v),
            Err(message) => {
                self.at(node);
                Err(self.error(format!("error calling {name}: {message}")))
            }
        }
    }

    fn eval_arg(&mut self, dot: &Eval, param: Param<'_>, arg: &'a Arg) -> R<Eval> {
        self.at(At::Arg(arg));
        let single = std::slice::from_ref(arg);
        match arg {
            Arg::Dot(_) => return self.validate_type(dot.clone(), param),
            Arg::Nil(_) => {
                return match param {
                    Param::Reflect => Ok(Eval::Missing),
                    Param::Typed(t) if t.can_be_nil() => Ok(Eval::Boxed(Value::Nil)),
                    Param::Typed(t) => Err(self.error(format!("cannot assign nil to {t}"))),
                    Param::Untyped => Err(self.error("cannot assign nil to <nil>")),
                };
            }
            Arg::Field { path, first_name } => {
                let names = self.tree.names(*path, *first_name);
                let v = self.eval_field_node(dot, arg, names, single, None)?;
                return self.validate_type(v, param);
            }
            Arg::Variable(var) => {
                let v = self.eval_variable_node(dot, arg, var, &[], None)?;
                return self.validate_type(v, param);
            }
            Arg::Pipe(p) => {
                let v = self.eval_pipeline(dot, p)?;
                return self.validate_type(v, param);
            }
            Arg::Identifier(name) => {
                let name = name.of(self.text());
                let v = self.eval_function(dot, arg, name, At::Arg(arg), single, None)?;
                return self.validate_type(v, param);
            }
            Arg::Chain(chain) => {
                let v = self.eval_chain_node(dot, arg, chain, &[], None)?;
                return self.validate_type(v, param);
            }
            _ => {}
        }
        let t = match param {
            Param::Reflect | Param::Untyped => return self.eval_empty_interface(dot, arg),
            Param::Typed(t) => t,
        };
        let number = match arg {
            Arg::Number(n) => Some(&**n),
            _ => None,
        };
        let shown = self.show(arg);
        match t {
            GoType::Bool => match arg {
                Arg::Bool { value, .. } => Ok(Eval::Val(Value::Bool(*value))),
                _ => Err(self.error(format!("expected bool; found {shown}"))),
            },
            GoType::Int(kind) => match number.and_then(|n| n.int) {
                Some(i) => Ok(Eval::Val(Value::Int(wrap_int(i, *kind), *kind))),
                None => Err(self.error(format!("expected integer; found {shown}"))),
            },
            GoType::Uint(kind) => match number.and_then(|n| n.uint) {
                Some(u) => Ok(Eval::Val(Value::Uint(wrap_uint(u, *kind), *kind))),
                None => Err(self.error(format!("expected unsigned integer; found {shown}"))),
            },
            GoType::Float64 => match number.and_then(|n| n.float) {
                Some(f) => Ok(Eval::Val(Value::Float(f))),
                None => Err(self.error(format!("expected float; found {shown}"))),
            },
            GoType::String => match arg {
                Arg::String { value, .. } => Ok(Eval::Val(self.string_value(*value))),
                _ => Err(self.error(format!("expected string; found {shown}"))),
            },
            GoType::Interface => self.eval_empty_interface(dot, arg),
            other => Err(self.error(format!("can't handle {shown} for arg of type {other}"))),
        }
    }

    fn eval_empty_interface(&mut self, dot: &Eval, arg: &'a Arg) -> R<Eval> {
        self.at(At::Arg(arg));
        match arg {
            Arg::Bool { value, .. } => Ok(Eval::Val(Value::Bool(*value))),
            Arg::Dot(_) => Ok(dot.clone()),
            Arg::Number(n) => self.ideal_constant(arg, n),
            Arg::String { value, .. } => Ok(Eval::Val(self.string_value(*value))),
            _ => Err(self.error(format!(
                "can't handle assignment of {} to empty interface argument",
                self.show(arg)
            ))),
        }
    }

    /// Go's `validateType`: checks that a value can be passed as a parameter.
    fn validate_type(&self, value: Eval, param: Param<'_>) -> R<Eval> {
        let t = match param {
            Param::Reflect | Param::Untyped => return Ok(value),
            Param::Typed(t) => t,
        };
        match &value {
            Eval::Missing => {
                if t.can_be_nil() {
                    Ok(Eval::Boxed(Value::Nil))
                } else {
                    Err(self.error(format!("invalid value; expected {t}")))
                }
            }
            Eval::Val(v) | Eval::Boxed(v) => {
                if *t == GoType::Interface {
                    return Ok(value);
                }
                if matches!(value, Eval::Boxed(Value::Nil)) {
                    return Err(self.error(format!(
                        "wrong type for value; expected {t}; got interface {{}}"
                    )));
                }
                if assignable(&v.go_type(), t) {
                    Ok(value)
                } else {
                    Err(self.error(format!(
                        "wrong type for value; expected {t}; got {}",
                        v.go_type()
                    )))
                }
            }
        }
    }
}

/// Go's assignability of a dynamic type to a parameter type, for the types
/// templates see: identical types, anything to `interface {}`, and a named map to
/// its unnamed underlying type.
pub(crate) fn assignable(from: &GoType, to: &GoType) -> bool {
    if from == to || *to == GoType::Interface {
        return true;
    }
    matches!(
        (from, to),
        (GoType::Named(_), GoType::Map(..)) | (GoType::Map(..), GoType::Named(_))
    )
}

fn wrap_int(v: i64, kind: IntKind) -> i64 {
    match kind {
        IntKind::Int8 => v as i8 as i64,
        IntKind::Int16 => v as i16 as i64,
        IntKind::Int32 => v as i32 as i64,
        IntKind::Int | IntKind::Int64 => v,
    }
}

fn wrap_uint(v: u64, kind: UintKind) -> u64 {
    match kind {
        UintKind::Uint8 => v as u8 as u64,
        UintKind::Uint16 => v as u16 as u64,
        UintKind::Uint32 => v as u32 as u64,
        _ => v,
    }
}
