//! The template parser: turns the item stream into trees, one for the top-level text
//! and one for each `define` and `block`, with Go's look-ahead, variable scoping,
//! function checks and error texts.

use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::sync::Arc;

use crate::ast::*;
use crate::error::ParseError;
use crate::lexer::{line_at, Item, ItemKind, LexOptions, Lexer};
use crate::strconv;

/// Go's limit on nested parenthesised pipelines.
const MAX_EXPRESSION_DEPTH: usize = 10000;

/// The trees one parse produced, by template name, in definition order.
pub type TreeSet = Vec<(String, Arc<Tree>)>;

/// Parses `text` as the template `name` from the file `parse_name`. `has_function`
/// tells whether an identifier names a function. The trees keep `text`.
pub fn parse(
    name: &str,
    parse_name: &str,
    text: Arc<str>,
    has_function: &dyn Fn(&str) -> bool,
) -> Result<TreeSet, ParseError> {
    parse_file(name, parse_name, text, has_function).map(|(trees, _)| trees)
}

/// [`parse`], also saying whether a `define` in the text took the name `name`
/// (its tree and the text's own then merge).
pub fn parse_file(
    name: &str,
    parse_name: &str,
    text: Arc<str>,
    has_function: &dyn Fn(&str) -> bool,
) -> Result<(TreeSet, bool), ParseError> {
    if Pos::try_from(text.len()).is_err() {
        return Err(ParseError::new(format!(
            "template: {parse_name}: template text is larger than 4 GiB"
        )));
    }
    let options = LexOptions {
        break_ok: !has_function("break"),
        continue_ok: !has_function("continue"),
    };
    let eof = Item {
        kind: ItemKind::Eof,
        pos: 0,
        end: 0,
    };
    let mut parser = Parser {
        lexer: Lexer::new(&text, options),
        input: &text,
        token: [eof; 3],
        peek_count: 0,
        vars: vec!["$"],
        has_function,
        parse_name: parse_name.to_string(),
        action_pos: None,
        range_depth: 0,
        expression_depth: 0,
        nodes: Vec::new(),
        cmds: Vec::new(),
        args: Vec::new(),
        strings: Vec::new(),
        string_index: FxHashMap::default(),
        field_names: Vec::new(),
        set: Vec::new(),
        index: FxHashMap::default(),
    };
    let root = parser.parse_top()?;
    let defines_own_name = parser.index.contains_key(name);
    parser.add(name.to_string(), root)?;
    let field_names: Arc<[Span]> = parser.field_names.into();
    let strings: Arc<[Arc<str>]> = parser.strings.into();
    let trees = parser
        .set
        .into_iter()
        .map(|(name, root)| {
            let tree = Tree {
                name: name.clone(),
                parse_name: parse_name.to_string(),
                text: text.clone(),
                field_names: field_names.clone(),
                strings: strings.clone(),
                root,
            };
            (name, Arc::new(tree))
        })
        .collect();
    Ok((trees, defines_own_name))
}

struct Parser<'a> {
    lexer: Lexer<'a>,
    input: &'a str,
    token: [Item; 3],
    peek_count: usize,
    vars: Vec<&'a str>,
    has_function: &'a dyn Fn(&str) -> bool,
    parse_name: String,
    /// Where the action being parsed started, for errors that name its line.
    action_pos: Option<Pos>,
    range_depth: usize,
    expression_depth: usize,
    /// Scratch stacks the lists, pipelines and commands being parsed push their
    /// parts on; a finished one takes its parts off the top, exactly sized.
    nodes: Vec<Node>,
    cmds: Vec<CommandNode>,
    args: Vec<Arg>,
    /// The values of the string literals, each unquoted once: a repeated literal
    /// shares one entry, found by its quoted text.
    strings: Vec<Arc<str>>,
    string_index: FxHashMap<&'a str, u32>,
    /// The names of every field path, in the order they were parsed.
    field_names: Vec<Span>,
    /// The roots of the templates defined so far, by name, in definition order.
    set: Vec<(String, ListNode)>,
    index: FxHashMap<String, usize>,
}

type PResult<T> = Result<T, ParseError>;

/// What `textOrAction` produced: a node, or the `{{end}}`/`{{else}}` that closes a list.
enum Parsed {
    Node(Node),
    End,
    Else(Pos),
}

/// What closed a list: `{{end}}` or `{{else}}`, with its position.
enum Closer {
    End,
    Else(Pos),
}

impl Closer {
    fn describe(&self) -> &'static str {
        match self {
            Closer::End => "{{end}}",
            Closer::Else(_) => "{{else}}",
        }
    }
}

impl<'a> Parser<'a> {
    fn next(&mut self) -> Item {
        if self.peek_count > 0 {
            self.peek_count -= 1;
        } else {
            self.token[0] = self.lexer.next_item();
        }
        self.token[self.peek_count]
    }

    fn backup(&mut self) {
        self.peek_count += 1;
    }

    fn backup2(&mut self, t1: Item) {
        self.token[1] = t1;
        self.peek_count = 2;
    }

    fn backup3(&mut self, t2: Item, t1: Item) {
        self.token[1] = t1;
        self.token[2] = t2;
        self.peek_count = 3;
    }

    fn peek(&mut self) -> Item {
        if self.peek_count > 0 {
            return self.token[self.peek_count - 1];
        }
        self.peek_count = 1;
        self.token[0] = self.lexer.next_item();
        self.token[0]
    }

    /// The text of a non-error item.
    fn val(&self, item: Item) -> &'a str {
        item.val(self.input)
    }

    fn next_non_space(&mut self) -> Item {
        loop {
            let t = self.next();
            if t.kind != ItemKind::Space {
                return t;
            }
        }
    }

    fn peek_non_space(&mut self) -> Item {
        let t = self.next_non_space();
        self.backup();
        t
    }

    fn errorf(&self, message: impl std::fmt::Display) -> ParseError {
        ParseError::new(format!(
            "template: {}:{}: {}",
            self.parse_name,
            line_at(self.input, self.token[0].pos),
            message
        ))
    }

    fn expect(&mut self, kind: ItemKind, context: &str) -> PResult<Item> {
        let token = self.next_non_space();
        if token.kind != kind {
            return Err(self.unexpected(token, context));
        }
        Ok(token)
    }

    fn describe(&self, token: Item) -> String {
        token.describe(self.input, self.lexer.error_message())
    }

    fn unexpected(&self, token: Item, context: &str) -> ParseError {
        if token.kind == ItemKind::Error {
            let mut extra = String::new();
            if let Some(action_pos) = self.action_pos {
                let action_line = line_at(self.input, action_pos);
                if action_line != line_at(self.input, token.pos) {
                    extra = format!(" in action started at {}:{}", self.parse_name, action_line);
                    if self.lexer.error_message().ends_with(" action") {
                        extra = extra[" in action".len()..].to_string();
                    }
                }
            }
            return self.errorf(format!("{}{extra}", self.describe(token)));
        }
        self.errorf(format!("unexpected {} in {context}", self.describe(token)))
    }

    /// Adds a finished tree to this parse's set: a non-empty redefinition within
    /// one parse is an error, an empty one is ignored.
    fn add(&mut self, name: String, root: ListNode) -> PResult<()> {
        match self.index.get(&name) {
            None => {
                self.index.insert(name.clone(), self.set.len());
                self.set.push((name, root));
            }
            Some(&i) => {
                if self.set[i].1.is_empty_tree(self.input) {
                    self.set[i].1 = root;
                } else if !root.is_empty_tree(self.input) {
                    return Err(self.errorf(format!(
                        "template: multiple definition of template {}",
                        crate::gofmt::quote(&name)
                    )));
                }
            }
        }
        Ok(())
    }

    /// The nodes pushed on the scratch stack since `mark`, taken off it.
    fn take_nodes(&mut self, mark: usize) -> Box<[Node]> {
        self.nodes.drain(mark..).collect()
    }

    fn parse_top(&mut self) -> PResult<ListNode> {
        let pos = self.peek().pos;
        let mark = self.nodes.len();
        while self.peek().kind != ItemKind::Eof {
            if self.peek().kind == ItemKind::LeftDelim {
                let delim = self.next();
                if self.next_non_space().kind == ItemKind::Define {
                    self.parse_definition()?;
                    continue;
                }
                self.backup2(delim);
            }
            match self.text_or_action()? {
                Parsed::Node(n) => self.nodes.push(n),
                Parsed::End => return Err(self.errorf("unexpected {{end}}")),
                Parsed::Else(_) => return Err(self.errorf("unexpected {{else}}")),
            }
        }
        Ok(ListNode {
            pos,
            nodes: self.take_nodes(mark),
        })
    }

    fn parse_definition(&mut self) -> PResult<()> {
        let context = "define clause";
        let token = self.next_non_space();
        if token.kind != ItemKind::String && token.kind != ItemKind::RawString {
            return Err(self.unexpected(token, context));
        }
        let name = strconv::unquote(self.val(token))
            .map_err(|e| self.errorf(e))?
            .into_owned();
        self.expect(ItemKind::RightDelim, context)?;
        let saved_vars = std::mem::replace(&mut self.vars, vec!["$"]);
        let (list, end) = self.item_list()?;
        self.vars = saved_vars;
        if !matches!(end, Closer::End) {
            return Err(self.errorf(format!("unexpected {} in {context}", end.describe())));
        }
        self.add(name, list)
    }

    fn item_list(&mut self) -> PResult<(ListNode, Closer)> {
        stacker::maybe_grow(64 * 1024, 2 * 1024 * 1024, || {
            let pos = self.peek_non_space().pos;
            let mark = self.nodes.len();
            while self.peek_non_space().kind != ItemKind::Eof {
                let closer = match self.text_or_action()? {
                    Parsed::Node(n) => {
                        self.nodes.push(n);
                        continue;
                    }
                    Parsed::End => Closer::End,
                    Parsed::Else(pos) => Closer::Else(pos),
                };
                let nodes = self.take_nodes(mark);
                return Ok((ListNode { pos, nodes }, closer));
            }
            Err(self.errorf("unexpected EOF"))
        })
    }

    fn text_or_action(&mut self) -> PResult<Parsed> {
        let token = self.next_non_space();
        match token.kind {
            ItemKind::Text => Ok(Parsed::Node(Node::Text(Span {
                start: token.pos,
                end: token.end,
            }))),
            ItemKind::LeftDelim => {
                self.action_pos = Some(token.pos);
                let result = self.action();
                self.action_pos = None;
                result
            }
            _ => Err(self.unexpected(token, "input")),
        }
    }

    fn action(&mut self) -> PResult<Parsed> {
        let token = self.next_non_space();
        match token.kind {
            ItemKind::Block => return self.block_control().map(Parsed::Node),
            ItemKind::Break => {
                return self
                    .loop_control(token.pos, "{{break}}", true)
                    .map(Parsed::Node)
            }
            ItemKind::Continue => {
                return self
                    .loop_control(token.pos, "{{continue}}", false)
                    .map(Parsed::Node)
            }
            ItemKind::Else => return self.else_control(),
            ItemKind::End => {
                self.expect(ItemKind::RightDelim, "end")?;
                return Ok(Parsed::End);
            }
            ItemKind::If => return self.branch("if").map(|b| Parsed::Node(Node::If(b))),
            ItemKind::Range => return self.branch("range").map(|b| Parsed::Node(Node::Range(b))),
            ItemKind::Template => return self.template_control().map(Parsed::Node),
            ItemKind::With => return self.branch("with").map(|b| Parsed::Node(Node::With(b))),
            _ => {}
        }
        self.backup();
        let pipe = self.pipeline("command", ItemKind::RightDelim)?;
        Ok(Parsed::Node(Node::Action(Box::new(pipe))))
    }

    fn loop_control(&mut self, pos: Pos, name: &str, is_break: bool) -> PResult<Node> {
        let token = self.next_non_space();
        if token.kind != ItemKind::RightDelim {
            return Err(self.unexpected(token, name));
        }
        if self.range_depth == 0 {
            return Err(self.errorf(format!("{name} outside {{{{range}}}}")));
        }
        Ok(if is_break {
            Node::Break(pos)
        } else {
            Node::Continue(pos)
        })
    }

    fn else_control(&mut self) -> PResult<Parsed> {
        let peek = self.peek_non_space();
        if peek.kind == ItemKind::If || peek.kind == ItemKind::With {
            return Ok(Parsed::Else(peek.pos));
        }
        let token = self.expect(ItemKind::RightDelim, "else")?;
        Ok(Parsed::Else(token.pos))
    }

    fn branch(&mut self, context: &str) -> PResult<Box<BranchNode>> {
        let saved = self.vars.len();
        let result = self.branch_inner(context);
        self.vars.truncate(saved);
        result
    }

    fn branch_inner(&mut self, context: &str) -> PResult<Box<BranchNode>> {
        let pipe = self.pipeline(context, ItemKind::RightDelim)?;
        if context == "range" {
            self.range_depth += 1;
        }
        let listed = self.item_list();
        if context == "range" {
            self.range_depth -= 1;
        }
        let (list, next) = listed?;
        let mut else_list = None;
        match next {
            Closer::End => {}
            Closer::Else(else_pos) => {
                if context == "if" && self.peek().kind == ItemKind::If {
                    self.next();
                    let nested = self.branch("if")?;
                    else_list = Some(ListNode {
                        pos: else_pos,
                        nodes: Box::new([Node::If(nested)]),
                    });
                } else if context == "with" && self.peek().kind == ItemKind::With {
                    self.next();
                    let nested = self.branch("with")?;
                    else_list = Some(ListNode {
                        pos: else_pos,
                        nodes: Box::new([Node::With(nested)]),
                    });
                } else {
                    let (list, next) = self.item_list()?;
                    if !matches!(next, Closer::End) {
                        return Err(self.errorf(format!("expected end; found {}", next.describe())));
                    }
                    else_list = Some(list);
                }
            }
        }
        Ok(Box::new(BranchNode {
            pipe,
            list,
            else_list,
        }))
    }

    fn template_name(&mut self, token: Item, context: &str) -> PResult<String> {
        match token.kind {
            ItemKind::String | ItemKind::RawString => strconv::unquote(self.val(token))
                .map(Cow::into_owned)
                .map_err(|e| self.errorf(e)),
            _ => Err(self.unexpected(token, context)),
        }
    }

    fn template_control(&mut self) -> PResult<Node> {
        let context = "template clause";
        let token = self.next_non_space();
        let name = self.template_name(token, context)?;
        let mut pipe = None;
        if self.next_non_space().kind != ItemKind::RightDelim {
            self.backup();
            pipe = Some(self.pipeline(context, ItemKind::RightDelim)?);
        }
        Ok(Node::Template(Box::new(TemplateNode {
            pos: token.pos,
            name: name.into(),
            pipe,
        })))
    }

    fn block_control(&mut self) -> PResult<Node> {
        let context = "block clause";
        let token = self.next_non_space();
        let name = self.template_name(token, context)?;
        let pipe = self.pipeline(context, ItemKind::RightDelim)?;
        let saved_vars = std::mem::replace(&mut self.vars, vec!["$"]);
        let saved_depth = std::mem::replace(&mut self.range_depth, 0);
        let listed = self.item_list();
        self.vars = saved_vars;
        self.range_depth = saved_depth;
        let (list, end) = listed?;
        if !matches!(end, Closer::End) {
            return Err(self.errorf(format!("unexpected {} in {context}", end.describe())));
        }
        let template = Box::new(TemplateNode {
            pos: token.pos,
            name: name.as_str().into(),
            pipe: Some(pipe),
        });
        self.add(name, list)?;
        Ok(Node::Template(template))
    }

    fn pipeline(&mut self, context: &str, end: ItemKind) -> PResult<PipeNode> {
        let pos = self.peek_non_space().pos;
        let mut is_assign = false;
        let mut decl: Vec<VariableNode> = Vec::new();
        'decls: loop {
            let v = self.peek_non_space();
            if v.kind != ItemKind::Variable {
                break;
            }
            self.next();
            let after_variable = self.peek();
            let next = self.peek_non_space();
            let variable = VariableNode {
                path: Span {
                    start: v.pos,
                    end: v.end,
                },
                first_name: self.first_name(),
            };
            if next.kind == ItemKind::Assign || next.kind == ItemKind::Declare {
                is_assign = next.kind == ItemKind::Assign;
                self.next_non_space();
                decl.push(variable);
                self.vars.push(self.val(v));
            } else if next.kind == ItemKind::Char && self.val(next) == "," {
                self.next_non_space();
                decl.push(variable);
                self.vars.push(self.val(v));
                if context == "range" && decl.len() < 2 {
                    match self.peek_non_space().kind {
                        ItemKind::Variable | ItemKind::RightDelim | ItemKind::RightParen => {
                            continue 'decls
                        }
                        _ => return Err(self.errorf("range can only initialize variables")),
                    }
                }
                return Err(self.errorf(format!("too many declarations in {context}")));
            } else if after_variable.kind == ItemKind::Space {
                self.backup3(v, after_variable);
            } else {
                self.backup2(v);
            }
            break;
        }
        let mark = self.cmds.len();
        loop {
            let token = self.next_non_space();
            match token.kind {
                k if k == end => {
                    self.check_pipeline(mark)?;
                    let mut cmds = self.cmds.drain(mark..);
                    if let Some(first) = cmds.next() {
                        let rest = cmds.collect();
                        return Ok(PipeNode {
                            pos,
                            is_assign,
                            decl: decl.into_boxed_slice(),
                            first,
                            rest,
                        });
                    }
                    drop(cmds);
                    return Err(self.errorf(format!("missing value for {context}")));
                }
                ItemKind::Bool
                | ItemKind::CharConstant
                | ItemKind::Complex
                | ItemKind::Dot
                | ItemKind::Field
                | ItemKind::Identifier
                | ItemKind::Number
                | ItemKind::Nil
                | ItemKind::RawString
                | ItemKind::String
                | ItemKind::Variable
                | ItemKind::LeftParen => {
                    self.backup();
                    let cmd = self.command()?;
                    self.cmds.push(cmd);
                }
                _ => return Err(self.unexpected(token, context)),
            }
        }
    }

    /// Checks that the commands pushed since `mark`, those of the pipeline being
    /// parsed, can all be executed.
    fn check_pipeline(&self, mark: usize) -> PResult<()> {
        for (i, c) in self.cmds[mark..].iter().enumerate().skip(1) {
            if matches!(
                c.args[0],
                Arg::Bool { .. } | Arg::Dot(_) | Arg::Nil(_) | Arg::Number(_) | Arg::String { .. }
            ) {
                return Err(self.errorf(format!(
                    "non executable command in pipeline stage {}",
                    i + 1
                )));
            }
        }
        Ok(())
    }

    fn command(&mut self) -> PResult<CommandNode> {
        let pos = self.peek_non_space().pos;
        let mark = self.args.len();
        loop {
            self.peek_non_space();
            if let Some(operand) = self.operand()? {
                self.args.push(operand);
            }
            let token = self.next();
            match token.kind {
                ItemKind::Space => continue,
                ItemKind::RightDelim | ItemKind::RightParen => self.backup(),
                ItemKind::Pipe => {}
                _ => return Err(self.unexpected(token, "operand")),
            }
            break;
        }
        if self.args.len() == mark {
            return Err(self.errorf("empty command"));
        }
        Ok(CommandNode {
            pos,
            args: self.args.drain(mark..).collect(),
        })
    }

    fn operand(&mut self) -> PResult<Option<Arg>> {
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        if self.peek().kind != ItemKind::Field {
            return Ok(Some(node));
        }
        let chain_pos = self.peek().pos;
        let first_name = self.first_name();
        let mut end = chain_pos;
        while self.peek().kind == ItemKind::Field {
            let field = self.next();
            self.push_field_name(field);
            end = field.end;
        }
        // A field path or a variable just grows: its names are already next to
        // the chain's in the table.
        Ok(Some(match node {
            Arg::Field { path, first_name } => Arg::Field {
                path: Span {
                    start: path.start,
                    end,
                },
                first_name,
            },
            Arg::Variable(v) => Arg::Variable(VariableNode {
                path: Span {
                    start: v.path.start,
                    end,
                },
                first_name: v.first_name,
            }),
            Arg::Bool { .. } | Arg::String { .. } | Arg::Number(_) | Arg::Nil(_) | Arg::Dot(_) => {
                return Err(self.errorf(format!(
                    "unexpected . after term {}",
                    crate::gofmt::quote(&shown(&node, self.input).to_string())
                )));
            }
            other => Arg::Chain(Box::new(ChainNode {
                node: other,
                fields: Span {
                    start: chain_pos,
                    end,
                },
                first_name,
            })),
        }))
    }

    /// The table entry the next field name will take.
    fn first_name(&self) -> u32 {
        self.field_names.len() as u32
    }

    /// Adds the name of a field item (its text after the dot) to the table.
    fn push_field_name(&mut self, field: Item) {
        self.field_names.push(Span {
            start: field.pos + 1,
            end: field.end,
        });
    }

    fn term(&mut self) -> PResult<Option<Arg>> {
        let token = self.next_non_space();
        let span = Span {
            start: token.pos,
            end: token.end,
        };
        let arg = match token.kind {
            ItemKind::Identifier => {
                let name = self.val(token);
                if !(self.has_function)(name) {
                    return Err(self.errorf(format!(
                        "function {} not defined",
                        crate::gofmt::quote(name)
                    )));
                }
                Arg::Identifier(span)
            }
            ItemKind::Dot => Arg::Dot(token.pos),
            ItemKind::Nil => Arg::Nil(token.pos),
            ItemKind::Variable => {
                let name = self.val(token);
                if !self.vars.contains(&name) {
                    return Err(
                        self.errorf(format!("undefined variable {}", crate::gofmt::quote(name)))
                    );
                }
                Arg::Variable(VariableNode {
                    path: span,
                    first_name: self.first_name(),
                })
            }
            ItemKind::Field => {
                let first_name = self.first_name();
                self.push_field_name(token);
                Arg::Field {
                    path: span,
                    first_name,
                }
            }
            ItemKind::Bool => Arg::Bool {
                pos: token.pos,
                value: self.val(token) == "true",
            },
            ItemKind::CharConstant | ItemKind::Complex | ItemKind::Number => {
                Arg::Number(Box::new(self.number(span, token.kind)?))
            }
            ItemKind::LeftParen => {
                if self.expression_depth >= MAX_EXPRESSION_DEPTH {
                    return Err(self.errorf("max expression depth exceeded"));
                }
                self.expression_depth += 1;
                let pipe = stacker::maybe_grow(64 * 1024, 2 * 1024 * 1024, || {
                    self.pipeline("parenthesized pipeline", ItemKind::RightParen)
                });
                self.expression_depth -= 1;
                Arg::Pipe(Box::new(pipe?))
            }
            ItemKind::String | ItemKind::RawString => Arg::String {
                quoted: span,
                value: self.string_literal(self.val(token))?,
            },
            _ => {
                self.backup();
                return Ok(None);
            }
        };
        Ok(Some(arg))
    }

    /// The string table entry of a literal's value, shared with earlier literals
    /// of the same text.
    fn string_literal(&mut self, quoted: &'a str) -> PResult<u32> {
        if let Some(&index) = self.string_index.get(quoted) {
            return Ok(index);
        }
        let value: Arc<str> = strconv::unquote(quoted).map_err(|e| self.errorf(e))?.into();
        let index = self.strings.len() as u32;
        self.strings.push(value);
        self.string_index.insert(quoted, index);
        Ok(index)
    }

    fn number(&self, span: Span, kind: ItemKind) -> PResult<NumberNode> {
        let text = span.of(self.input);
        let mut n = NumberNode {
            text: span,
            int: None,
            uint: None,
            float: None,
        };
        if kind == ItemKind::CharConstant {
            let (decoded, tail) =
                strconv::unquote_char(&text[1..], '\'').map_err(|e| self.errorf(e))?;
            if tail != "'" {
                return Err(self.errorf(format!("malformed character constant: {text}")));
            }
            let v = decoded.value();
            n.int = Some(v as i64);
            n.uint = Some(v as u64);
            n.float = Some(v as f64);
            return Ok(n);
        }
        if kind == ItemKind::Complex || text.ends_with('i') {
            return Err(self.errorf(format!(
                "complex number {} is not supported",
                crate::gofmt::quote(text)
            )));
        }
        let u = strconv::parse_uint(text);
        n.uint = u;
        if let Some(i) = strconv::parse_int(text) {
            n.int = Some(i);
            if i == 0 {
                n.uint = Some(u.unwrap_or(0));
            }
        }
        if let Some(i) = n.int {
            n.float = Some(i as f64);
        } else if let Some(u) = n.uint {
            n.float = Some(u as f64);
        } else if let Some(f) = strconv::parse_float(text) {
            if !text.contains(['.', 'e', 'E', 'p', 'P']) {
                return Err(self.errorf(format!("integer overflow: {}", crate::gofmt::quote(text))));
            }
            n.float = Some(f);
            if f.fract() == 0.0 && (-9.223372036854776e18..9.223372036854776e18).contains(&f) {
                n.int = Some(f as i64);
            }
            if f.fract() == 0.0 && (0.0..1.8446744073709552e19).contains(&f) {
                n.uint = Some(f as u64);
            }
        }
        if n.int.is_none() && n.uint.is_none() && n.float.is_none() {
            return Err(self.errorf(format!(
                "illegal number syntax: {}",
                crate::gofmt::quote(text)
            )));
        }
        Ok(n)
    }
}
