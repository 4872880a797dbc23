//! The template lexer: splits template text into Go's item stream (text, delimiters,
//! trim markers, comments, literals, identifiers, keywords), one item at a time as
//! the parser asks, each item a byte range of the text; reports lexical errors as
//! Go's lexer does, as an error item that ends the stream.

use crate::ast::Pos;

/// The kind of a lexed item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemKind {
    Error,
    Bool,
    Char,
    CharConstant,
    Complex,
    Assign,
    Declare,
    Eof,
    Field,
    Identifier,
    LeftDelim,
    LeftParen,
    Number,
    Pipe,
    RawString,
    RightDelim,
    RightParen,
    Space,
    String,
    Text,
    Variable,
    // Keywords: everything after this point prints as `<word>`.
    Block,
    Break,
    Continue,
    Dot,
    Define,
    Else,
    End,
    If,
    Nil,
    Range,
    Template,
    With,
}

impl ItemKind {
    fn is_keyword(self) -> bool {
        matches!(
            self,
            ItemKind::Block
                | ItemKind::Break
                | ItemKind::Continue
                | ItemKind::Dot
                | ItemKind::Define
                | ItemKind::Else
                | ItemKind::End
                | ItemKind::If
                | ItemKind::Nil
                | ItemKind::Range
                | ItemKind::Template
                | ItemKind::With
        )
    }
}

/// One lexed item: its kind and byte range in the input. The text of an item is
/// that range of the input ([`Item::val`]), except for an error item, whose text is
/// the lexer's error message ([`Lexer::error_message`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Item {
    pub kind: ItemKind,
    pub pos: Pos,
    pub end: Pos,
}

impl Item {
    /// The text of a non-error item.
    pub fn val(self, input: &str) -> &str {
        &input[self.pos as usize..self.end as usize]
    }

    /// The item as Go's parser quotes it in errors; `error` is the text of an
    /// error item.
    pub fn describe(self, input: &str, error: &str) -> String {
        match self.kind {
            ItemKind::Eof => "EOF".to_string(),
            ItemKind::Error => error.to_string(),
            k if k.is_keyword() => format!("<{}>", self.val(input)),
            _ => {
                let val = self.val(input);
                if val.len() > 10 {
                    let truncated: String = val.chars().take(10).collect();
                    format!("{}...", crate::gofmt::quote(&truncated))
                } else {
                    crate::gofmt::quote(val)
                }
            }
        }
    }
}

/// The 1-based line of a byte offset.
pub fn line_at(input: &str, pos: Pos) -> usize {
    let before = &input.as_bytes()[..(pos as usize).min(input.len())];
    1 + before.iter().filter(|&&b| b == b'\n').count()
}

const LEFT_DELIM: &str = "{{";
const RIGHT_DELIM: &str = "}}";
const LEFT_COMMENT: &str = "/*";
const RIGHT_COMMENT: &str = "*/";
/// A trim marker is a '-' plus one space on the inner side of a delimiter.
const TRIM_MARKER_LEN: usize = 2;

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() {
        return c == '_' || c.is_ascii_alphanumeric();
    }
    c.is_alphabetic() || c.is_numeric()
}

/// The ASCII bytes that may be part of a word: letters, digits and `_`.
const WORD_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = c == b'_' || c.is_ascii_alphanumeric();
        b += 1;
    }
    table
};

fn has_left_trim_marker(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && b[0] == b'-' && is_space(b[1] as char)
}

fn has_right_trim_marker(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && is_space(b[0] as char) && b[1] == b'-'
}

fn right_trim_length(s: &str) -> usize {
    s.len() - s.trim_end_matches(is_space).len()
}

fn left_trim_length(s: &str) -> usize {
    s.len() - s.trim_start_matches(is_space).len()
}

/// Options that change how words are lexed.
#[derive(Clone, Copy, Debug)]
pub struct LexOptions {
    /// `break` is a keyword unless a function of that name exists.
    pub break_ok: bool,
    pub continue_ok: bool,
}

#[derive(Clone, Copy)]
enum State {
    Text,
    LeftDelim,
    Comment,
    RightDelim,
    InsideAction,
    Done,
}

/// Lexes on demand: [`Lexer::next_item`] runs the state machine until it has
/// produced the next item, so the whole item stream never exists at once.
pub struct Lexer<'a> {
    input: &'a str,
    pos: usize,
    start: usize,
    /// Items produced but not yet handed out (a state emits at most two).
    queue: [Item; 2],
    queued: usize,
    read: usize,
    state: State,
    /// The last item handed out, repeated once the stream has ended.
    last: Item,
    error: String,
    paren_depth: i32,
    options: LexOptions,
}

impl<'a> Lexer<'a> {
    /// A lexer over `input`, which must be shorter than 4 GiB so that `u32`
    /// positions can address it.
    pub fn new(input: &'a str, options: LexOptions) -> Lexer<'a> {
        let eof = Item {
            kind: ItemKind::Eof,
            pos: 0,
            end: 0,
        };
        Lexer {
            input,
            pos: 0,
            start: 0,
            queue: [eof; 2],
            queued: 0,
            read: 0,
            state: State::Text,
            last: eof,
            error: String::new(),
            paren_depth: 0,
            options,
        }
    }

    /// The next item; after the EOF or error item that ends the stream, that
    /// item again.
    pub fn next_item(&mut self) -> Item {
        while self.read == self.queued {
            self.read = 0;
            self.queued = 0;
            self.state = match self.state {
                State::Text => self.lex_text(),
                State::LeftDelim => self.lex_left_delim(),
                State::Comment => self.lex_comment(),
                State::RightDelim => self.lex_right_delim(),
                State::InsideAction => self.lex_inside_action(),
                State::Done => return self.last,
            };
        }
        self.last = self.queue[self.read];
        self.read += 1;
        self.last
    }

    /// The message of the error item, once one has been produced.
    pub fn error_message(&self) -> &str {
        &self.error
    }

    fn rest(&self) -> &'a str {
        &self.input[self.pos..]
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn peek(&self) -> Option<char> {
        match self.input.as_bytes().get(self.pos) {
            Some(&b) if b.is_ascii() => Some(b as char),
            Some(_) => self.rest().chars().next(),
            None => None,
        }
    }

    /// Moves past a run of alphanumeric characters, a byte at a time while they
    /// are ASCII.
    fn skip_alphanumerics(&mut self) {
        let bytes = self.input.as_bytes();
        loop {
            let mut pos = self.pos;
            while pos < bytes.len() && WORD_BYTE[bytes[pos] as usize] {
                pos += 1;
            }
            self.pos = pos;
            if pos >= bytes.len() || bytes[pos].is_ascii() {
                return;
            }
            match self.rest().chars().next() {
                Some(c) if is_alphanumeric(c) => self.pos += c.len_utf8(),
                _ => return,
            }
        }
    }

    /// The offset in the rest of the input of the next `{{`.
    fn find_left_delim(&self) -> Option<usize> {
        let rest = self.rest().as_bytes();
        let mut from = 0;
        while let Some(i) = memchr::memchr(b'{', &rest[from..]) {
            let at = from + i;
            if rest.get(at + 1) == Some(&b'{') {
                return Some(at);
            }
            from = at + 1;
        }
        None
    }

    fn backup(&mut self, c: Option<char>) {
        if let Some(c) = c {
            self.pos -= c.len_utf8();
        }
    }

    fn push(&mut self, kind: ItemKind) {
        self.queue[self.queued] = Item {
            kind,
            pos: self.start as Pos,
            end: self.pos as Pos,
        };
        self.queued += 1;
    }

    fn emit(&mut self, kind: ItemKind) {
        self.push(kind);
        self.start = self.pos;
    }

    fn ignore(&mut self) {
        self.start = self.pos;
    }

    fn error(&mut self, message: String) -> State {
        self.error = message;
        self.push(ItemKind::Error);
        State::Done
    }

    fn accept(&mut self, valid: &str) -> bool {
        match self.peek() {
            Some(c) if valid.contains(c) => {
                self.pos += c.len_utf8();
                true
            }
            _ => false,
        }
    }

    fn accept_run(&mut self, valid: &str) {
        while self.accept(valid) {}
    }

    fn lex_text(&mut self) -> State {
        if let Some(x) = self.find_left_delim() {
            if x > 0 {
                self.pos += x;
                let delim_end = self.pos + LEFT_DELIM.len();
                let trim = if has_left_trim_marker(&self.input[delim_end..]) {
                    right_trim_length(&self.input[self.start..self.pos])
                } else {
                    0
                };
                self.pos -= trim;
                if self.pos > self.start {
                    self.emit(ItemKind::Text);
                }
                self.pos += trim;
                self.ignore();
            }
            return State::LeftDelim;
        }
        self.pos = self.input.len();
        if self.pos > self.start {
            self.emit(ItemKind::Text);
        }
        self.emit(ItemKind::Eof);
        State::Done
    }

    /// Whether the right delimiter comes next, and whether a trim marker leads it.
    fn at_right_delim(&self) -> (bool, bool) {
        let rest = &self.input.as_bytes()[self.pos..];
        match rest.first() {
            Some(b'}') => (rest.starts_with(RIGHT_DELIM.as_bytes()), false),
            Some(&b) if is_space(b as char) => {
                let trimmed = rest.get(1) == Some(&b'-')
                    && rest[TRIM_MARKER_LEN..].starts_with(RIGHT_DELIM.as_bytes());
                (trimmed, trimmed)
            }
            _ => (false, false),
        }
    }

    fn lex_left_delim(&mut self) -> State {
        self.pos += LEFT_DELIM.len();
        let trim = has_left_trim_marker(self.rest());
        let after_marker = if trim { TRIM_MARKER_LEN } else { 0 };
        if self.input[self.pos + after_marker..].starts_with(LEFT_COMMENT) {
            self.pos += after_marker;
            self.ignore();
            return State::Comment;
        }
        self.emit(ItemKind::LeftDelim);
        self.pos += after_marker;
        self.ignore();
        self.paren_depth = 0;
        State::InsideAction
    }

    fn lex_comment(&mut self) -> State {
        self.pos += LEFT_COMMENT.len();
        let Some(end) = memchr::memmem::find(self.rest().as_bytes(), RIGHT_COMMENT.as_bytes())
        else {
            return self.error("unclosed comment".into());
        };
        self.pos += end + RIGHT_COMMENT.len();
        let (delim, trim) = self.at_right_delim();
        if !delim {
            return self.error("comment ends before closing delimiter".into());
        }
        if trim {
            self.pos += TRIM_MARKER_LEN;
        }
        self.pos += RIGHT_DELIM.len();
        if trim {
            self.pos += left_trim_length(self.rest());
        }
        self.ignore();
        State::Text
    }

    fn lex_right_delim(&mut self) -> State {
        let (_, trim) = self.at_right_delim();
        if trim {
            self.pos += TRIM_MARKER_LEN;
            self.ignore();
        }
        self.pos += RIGHT_DELIM.len();
        self.emit(ItemKind::RightDelim);
        if trim {
            self.pos += left_trim_length(self.rest());
            self.ignore();
        }
        State::Text
    }

    fn lex_inside_action(&mut self) -> State {
        // Only a brace or a space (before a trim marker) can start the right
        // delimiter.
        let may_close = match self.input.as_bytes().get(self.pos) {
            Some(&b) => b == b'}' || is_space(b as char),
            None => false,
        };
        if may_close && self.at_right_delim().0 {
            if self.paren_depth == 0 {
                return State::RightDelim;
            }
            return self.error("unclosed left paren".into());
        }
        let Some(c) = self.next() else {
            return self.error("unclosed action".into());
        };
        match c {
            c if is_space(c) => {
                self.backup(Some(c));
                self.lex_space()
            }
            '=' => {
                self.emit(ItemKind::Assign);
                State::InsideAction
            }
            ':' => {
                if self.next() != Some('=') {
                    return self.error("expected :=".into());
                }
                self.emit(ItemKind::Declare);
                State::InsideAction
            }
            '|' => {
                self.emit(ItemKind::Pipe);
                State::InsideAction
            }
            '"' => self.lex_quote(),
            '`' => self.lex_raw_quote(),
            '$' => self.lex_field_or_variable(ItemKind::Variable),
            '\'' => self.lex_char(),
            '.' => {
                if let Some(&b) = self.rest().as_bytes().first() {
                    if !b.is_ascii_digit() {
                        return self.lex_field_or_variable(ItemKind::Field);
                    }
                }
                self.backup(Some(c));
                self.lex_number()
            }
            '+' | '-' | '0'..='9' => {
                self.backup(Some(c));
                self.lex_number()
            }
            c if is_alphanumeric(c) => {
                self.backup(Some(c));
                self.lex_identifier()
            }
            '(' => {
                self.emit(ItemKind::LeftParen);
                self.paren_depth += 1;
                State::InsideAction
            }
            ')' => {
                self.paren_depth -= 1;
                if self.paren_depth < 0 {
                    return self.error("unexpected right paren".into());
                }
                self.emit(ItemKind::RightParen);
                State::InsideAction
            }
            c if c.is_ascii() && !c.is_ascii_control() => {
                self.emit(ItemKind::Char);
                State::InsideAction
            }
            c => self.error(format!(
                "unrecognized character in action: {}",
                crate::strconv::sharp_u(c)
            )),
        }
    }

    fn lex_space(&mut self) -> State {
        // Spaces are ASCII: counting bytes counts them.
        let bytes = self.input.as_bytes();
        let start = self.pos;
        while self.pos < bytes.len() && is_space(bytes[self.pos] as char) {
            self.pos += 1;
        }
        let spaces = self.pos - start;
        let before_last = &self.input[self.pos - 1..];
        if has_right_trim_marker(before_last)
            && before_last[TRIM_MARKER_LEN..].starts_with(RIGHT_DELIM)
        {
            self.pos -= 1;
            if spaces == 1 {
                return State::RightDelim;
            }
        }
        self.emit(ItemKind::Space);
        State::InsideAction
    }

    fn lex_identifier(&mut self) -> State {
        self.skip_alphanumerics();
        if !self.at_terminator() {
            let c = self.peek();
            return self.error(format!("bad character {}", crate::strconv::sharp_u_opt(c)));
        }
        let word = &self.input[self.start..self.pos];
        let kind = match word {
            "block" => ItemKind::Block,
            "break" if self.options.break_ok => ItemKind::Break,
            "continue" if self.options.continue_ok => ItemKind::Continue,
            "define" => ItemKind::Define,
            "else" => ItemKind::Else,
            "end" => ItemKind::End,
            "if" => ItemKind::If,
            "range" => ItemKind::Range,
            "nil" => ItemKind::Nil,
            "template" => ItemKind::Template,
            "with" => ItemKind::With,
            "true" | "false" => ItemKind::Bool,
            _ => ItemKind::Identifier,
        };
        self.emit(kind);
        State::InsideAction
    }

    fn lex_field_or_variable(&mut self, kind: ItemKind) -> State {
        if self.at_terminator() {
            self.emit(if kind == ItemKind::Variable {
                ItemKind::Variable
            } else {
                ItemKind::Dot
            });
            return State::InsideAction;
        }
        self.skip_alphanumerics();
        if !self.at_terminator() {
            let c = self.peek();
            return self.error(format!("bad character {}", crate::strconv::sharp_u_opt(c)));
        }
        self.emit(kind);
        State::InsideAction
    }

    /// Whether a word ends here. Every terminator is ASCII, so bytes suffice.
    fn at_terminator(&self) -> bool {
        let bytes = self.input.as_bytes();
        match bytes.get(self.pos) {
            None => true,
            Some(b' ' | b'\t' | b'\r' | b'\n' | b'.' | b',' | b'|' | b':' | b')' | b'(') => true,
            Some(b'}') => bytes.get(self.pos + 1) == Some(&b'}'),
            Some(_) => false,
        }
    }

    fn lex_char(&mut self) -> State {
        loop {
            match self.next() {
                Some('\\') => match self.next() {
                    None | Some('\n') => {
                        return self.error("unterminated character constant".into())
                    }
                    Some(_) => {}
                },
                None | Some('\n') => return self.error("unterminated character constant".into()),
                Some('\'') => break,
                Some(_) => {}
            }
        }
        self.emit(ItemKind::CharConstant);
        State::InsideAction
    }

    /// Scans bytes: the quote, backslash and newline are ASCII, which never occur
    /// inside the encoding of another character.
    fn lex_quote(&mut self) -> State {
        loop {
            // Skip to the next byte that matters.
            let bytes = self.input.as_bytes();
            let rest = bytes.get(self.pos..).unwrap_or_default();
            self.pos += memchr::memchr3(b'"', b'\\', b'\n', rest).unwrap_or(rest.len());
            match bytes.get(self.pos) {
                Some(b'\\') => {
                    self.pos += 1;
                    match self.next() {
                        None | Some('\n') => {
                            return self.error("unterminated quoted string".into())
                        }
                        Some(_) => {}
                    }
                }
                Some(b'"') => {
                    self.pos += 1;
                    break;
                }
                // The end of the input or of the line.
                _ => return self.error("unterminated quoted string".into()),
            }
        }
        self.emit(ItemKind::String);
        State::InsideAction
    }

    fn lex_raw_quote(&mut self) -> State {
        let Some(end) = memchr::memchr(b'`', self.rest().as_bytes()) else {
            return self.error("unterminated raw quoted string".into());
        };
        self.pos += end + 1;
        self.emit(ItemKind::RawString);
        State::InsideAction
    }

    fn lex_number(&mut self) -> State {
        if !self.scan_number() {
            let text = self.input[self.start..self.pos].to_string();
            return self.error(format!("bad number syntax: {}", crate::gofmt::quote(&text)));
        }
        if matches!(self.peek(), Some('+' | '-')) {
            if !self.scan_number() || !self.input[..self.pos].ends_with('i') {
                let text = self.input[self.start..self.pos].to_string();
                return self.error(format!("bad number syntax: {}", crate::gofmt::quote(&text)));
            }
            self.emit(ItemKind::Complex);
            return State::InsideAction;
        }
        self.emit(ItemKind::Number);
        State::InsideAction
    }

    fn scan_number(&mut self) -> bool {
        self.accept("+-");
        let mut digits = "0123456789_";
        if self.accept("0") {
            if self.accept("xX") {
                digits = "0123456789abcdefABCDEF_";
            } else if self.accept("oO") {
                digits = "01234567_";
            } else if self.accept("bB") {
                digits = "01_";
            }
        }
        self.accept_run(digits);
        if self.accept(".") {
            self.accept_run(digits);
        }
        if digits.len() == 11 && self.accept("eE") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        if digits.len() == 23 && self.accept("pP") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        self.accept("i");
        if let Some(c) = self.peek() {
            if is_alphanumeric(c) {
                self.next();
                return false;
            }
        }
        true
    }
}
