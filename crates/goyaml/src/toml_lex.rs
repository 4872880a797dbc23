//! BurntSushi/toml's lexer (v1.6.0, and v1.4.0 where they differ): the same
//! state machine, emitting the same items and the same error texts at the same
//! lines, so that the decoder in [`crate::toml_decode`] fails exactly where and
//! how Helm's `fromToml` does.

use crate::toml::TomlVersion;
use crate::value::go_quote;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ItemType {
    Eof,
    Text,
    String,
    StringEsc,
    RawString,
    MultilineString,
    RawMultilineString,
    Bool,
    Integer,
    Float,
    Datetime,
    Array,
    ArrayEnd,
    TableStart,
    TableEnd,
    ArrayTableStart,
    ArrayTableEnd,
    KeyStart,
    KeyEnd,
    CommentStart,
    InlineTableStart,
    InlineTableEnd,
}

/// One lexed token and the (1-based) line the lexer was on when it emitted it.
#[derive(Clone, Debug)]
pub(crate) struct Item {
    pub typ: ItemType,
    pub val: String,
    pub line: usize,
}

/// A lexing failure: its message and line.
#[derive(Clone, Debug)]
pub(crate) struct LexError {
    pub message: String,
    pub line: usize,
}

/// Everything the lexer produced: the items before the first error, then the error.
pub(crate) struct Lexed {
    pub items: Vec<Item>,
    pub error: Option<LexError>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Top,
    TopEnd,
    TableStart,
    TableEnd,
    ArrayTableEnd,
    TableNameStart,
    TableNameEnd,
    BareName,
    QuotedName,
    KeyStart,
    KeyNameStart,
    KeyEnd,
    Value,
    ArrayValue,
    ArrayValueEnd,
    ArrayEnd,
    InlineTableValue,
    InlineTableValueEnd,
    InlineTableEnd,
    String,
    MultilineString,
    RawString,
    MultilineRawString,
    MultilineStringEscape,
    StringEscape,
    HexEscape,
    ShortUnicodeEscape,
    LongUnicodeEscape,
    NumberOrDateStart,
    NumberOrDate,
    Datetime,
    HexInteger,
    OctalInteger,
    BinaryInteger,
    DecimalNumber,
    DecimalNumberStart,
    BaseNumberOrDate,
    Float,
    Bool,
    CommentStart,
    Comment,
}

/// The rune `next` returns at the end of the input (Go's `eof = 0`).
const EOF: char = '\0';

struct Lexer<'a> {
    input: &'a str,
    /// v1.6.0 accepts TOML 1.1's newlines and trailing commas in inline tables
    /// and `\e`, `\xHH` escapes, and reports some lines differently.
    v16: bool,
    start: usize,
    pos: usize,
    line: usize,
    esc: bool,
    prev_widths: [usize; 4],
    nprev: usize,
    at_eof: bool,
    stack: Vec<State>,
    items: Vec<Item>,
    error: Option<LexError>,
}

/// Lexes `input` up to its end or its first error.
pub(crate) fn lex(input: &str, version: TomlVersion) -> Lexed {
    let mut lx = Lexer {
        input,
        v16: version == TomlVersion::V1_6,
        start: 0,
        pos: 0,
        line: 1,
        esc: false,
        prev_widths: [0; 4],
        nprev: 0,
        at_eof: false,
        stack: Vec::new(),
        items: Vec::new(),
        error: None,
    };
    let mut state = Some(State::Top);
    while let Some(s) = state {
        if lx.error.is_some() {
            break;
        }
        state = lx.step(s);
    }
    Lexed {
        items: lx.items,
        error: lx.error,
    }
}

fn is_whitespace(r: char) -> bool {
    r == '\t' || r == ' '
}

fn is_nl(r: char) -> bool {
    r == '\n' || r == '\r'
}

fn is_control(r: char) -> bool {
    !matches!(r, '\t' | '\r' | '\n') && (r <= '\x1f' || r == '\x7f')
}

fn is_digit(r: char) -> bool {
    r.is_ascii_digit()
}

fn is_binary(r: char) -> bool {
    r == '0' || r == '1'
}

fn is_octal(r: char) -> bool {
    ('0'..='7').contains(&r)
}

pub(crate) fn is_hex(r: char) -> bool {
    r.is_ascii_hexdigit()
}

pub(crate) fn is_bare_key_char(r: char) -> bool {
    r.is_ascii_alphanumeric() || r == '_' || r == '-'
}

/// Go's `%q` of a rune (`strconv.QuoteRune`).
fn quote_rune(r: char) -> String {
    let inner = go_quote(&r.to_string());
    let body = &inner[1..inner.len() - 1];
    match r {
        '"' => "'\"'".to_string(),
        '\'' => "'\\''".to_string(),
        _ => format!("'{body}'"),
    }
}

fn rune_or_eof(r: char) -> String {
    if r == EOF {
        "end of file".to_string()
    } else {
        format!("'{r}'")
    }
}

impl Lexer<'_> {
    fn push(&mut self, s: State) {
        self.stack.push(s);
    }

    fn pop(&mut self) -> Option<State> {
        self.stack.pop()
    }

    fn current(&self) -> &str {
        self.input.get(self.start..self.pos).unwrap_or_default()
    }

    fn emit_item(&mut self, typ: ItemType, val: String) {
        if self.error.is_none() {
            self.items.push(Item {
                typ,
                val,
                line: self.line,
            });
        }
        self.start = self.pos;
    }

    fn emit(&mut self, typ: ItemType) {
        if self.start > self.pos {
            let byte = self.input.as_bytes().get(self.pos).copied().unwrap_or(0);
            self.error(format!("invalid UTF-8 byte: 0x{byte:02x}"));
            return;
        }
        let val = self.current().to_string();
        self.emit_item(typ, val);
    }

    fn emit_trim(&mut self, typ: ItemType) {
        let val = self.current().trim().to_string();
        self.emit_item(typ, val);
    }

    fn fail(&mut self, message: String, line: usize) -> Option<State> {
        if self.error.is_none() {
            self.error = Some(LexError { message, line });
        }
        None
    }

    fn next(&mut self) -> char {
        if self.at_eof || self.error.is_some() {
            return EOF;
        }
        let Some(r) = self.input.get(self.pos..).and_then(|s| s.chars().next()) else {
            self.at_eof = true;
            return EOF;
        };
        if r == '\n' {
            self.line += 1;
        }
        self.prev_widths[3] = self.prev_widths[2];
        self.prev_widths[2] = self.prev_widths[1];
        self.prev_widths[1] = self.prev_widths[0];
        if self.nprev < 4 {
            self.nprev += 1;
        }
        let lone_cr = r == '\r' && self.input.as_bytes().get(self.pos + 1).copied() != Some(b'\n');
        if is_control(r) || lone_cr {
            let line = self.line;
            self.fail(
                format!(
                    "TOML files cannot contain control characters: '0x{:02x}'",
                    r as u32
                ),
                line,
            );
            return char::REPLACEMENT_CHARACTER;
        }
        self.prev_widths[0] = r.len_utf8();
        self.pos += r.len_utf8();
        r
    }

    fn ignore(&mut self) {
        self.start = self.pos;
    }

    fn backup(&mut self) {
        if self.at_eof {
            self.at_eof = false;
            return;
        }
        if self.nprev < 1 {
            return;
        }
        let w = self.prev_widths[0];
        self.prev_widths[0] = self.prev_widths[1];
        self.prev_widths[1] = self.prev_widths[2];
        self.prev_widths[2] = self.prev_widths[3];
        self.nprev -= 1;
        self.pos -= w;
        if self.input.as_bytes().get(self.pos) == Some(&b'\n') {
            self.line -= 1;
        }
    }

    fn accept(&mut self, valid: char) -> bool {
        if self.next() == valid {
            return true;
        }
        self.backup();
        false
    }

    fn peek(&mut self) -> char {
        let r = self.next();
        self.backup();
        r
    }

    fn skip(&mut self, pred: fn(char) -> bool) {
        loop {
            let r = self.next();
            if r != EOF && pred(r) {
                continue;
            }
            self.backup();
            self.ignore();
            return;
        }
    }

    fn error(&mut self, message: String) -> Option<State> {
        if self.at_eof {
            return self.error_prev_line(message);
        }
        let line = self.line;
        self.fail(message, line)
    }

    fn error_prev_line(&mut self, message: String) -> Option<State> {
        let line = self.line.saturating_sub(1);
        self.fail(message, line)
    }

    fn errorf(&mut self, message: String) -> Option<State> {
        let mut line = self.line;
        let after_newline =
            self.pos >= 1 && self.input.as_bytes().get(self.pos - 1) == Some(&b'\n');
        if self.at_eof && (after_newline || !self.v16) {
            line = line.saturating_sub(1);
        }
        self.fail(message, line)
    }

    fn skip_to(&mut self, next: State) -> Option<State> {
        self.ignore();
        Some(next)
    }

    fn step(&mut self, s: State) -> Option<State> {
        match s {
            State::Top => self.lex_top(),
            State::TopEnd => self.lex_top_end(),
            State::TableStart => {
                if self.peek() == '[' {
                    self.next();
                    self.emit(ItemType::ArrayTableStart);
                    self.push(State::ArrayTableEnd);
                } else {
                    self.emit(ItemType::TableStart);
                    self.push(State::TableEnd);
                }
                Some(State::TableNameStart)
            }
            State::TableEnd => {
                self.emit(ItemType::TableEnd);
                Some(State::TopEnd)
            }
            State::ArrayTableEnd => {
                let r = self.next();
                if r != ']' {
                    return self.errorf(format!(
                        "expected end of table array name delimiter ']', but got {} instead",
                        quote_rune(r)
                    ));
                }
                self.emit(ItemType::ArrayTableEnd);
                Some(State::TopEnd)
            }
            State::TableNameStart => {
                self.skip(is_whitespace);
                match self.peek() {
                    ']' | EOF => self.errorf(
                        "unexpected end of table name (table names cannot be empty)".into(),
                    ),
                    '.' => self
                        .errorf("unexpected table separator (table names cannot be empty)".into()),
                    '"' | '\'' => {
                        self.ignore();
                        self.push(State::TableNameEnd);
                        Some(State::QuotedName)
                    }
                    _ => {
                        self.push(State::TableNameEnd);
                        Some(State::BareName)
                    }
                }
            }
            State::TableNameEnd => {
                self.skip(is_whitespace);
                match self.next() {
                    '.' => {
                        self.ignore();
                        Some(State::TableNameStart)
                    }
                    ']' => self.pop(),
                    r => self.errorf(format!(
                        "expected '.' or ']' to end table name, but got {} instead",
                        quote_rune(r)
                    )),
                }
            }
            State::BareName => {
                let r = self.next();
                if is_bare_key_char(r) {
                    return Some(State::BareName);
                }
                self.backup();
                self.emit(ItemType::Text);
                self.pop()
            }
            State::QuotedName => match self.next() {
                '"' => {
                    self.ignore();
                    Some(State::String)
                }
                '\'' => {
                    self.ignore();
                    Some(State::RawString)
                }
                r if is_whitespace(r) => self.skip_to(State::Value),
                EOF => self.errorf("unexpected EOF; expected value".into()),
                r => self.errorf(format!(
                    "expected value but found {} instead",
                    quote_rune(r)
                )),
            },
            State::KeyStart => {
                self.skip(is_whitespace);
                match self.peek() {
                    '=' | EOF => self.errorf("unexpected '=': key name appears blank".into()),
                    '.' => self.errorf("unexpected '.': keys cannot start with a '.'".into()),
                    r => {
                        if r == '"' || r == '\'' {
                            self.ignore();
                        }
                        self.emit(ItemType::KeyStart);
                        Some(State::KeyNameStart)
                    }
                }
            }
            State::KeyNameStart => {
                self.skip(is_whitespace);
                match self.peek() {
                    '"' | '\'' => {
                        self.ignore();
                        self.push(State::KeyEnd);
                        Some(State::QuotedName)
                    }
                    '=' | EOF => self.errorf("unexpected '='".into()),
                    '.' => self.errorf("unexpected '.'".into()),
                    _ => {
                        self.push(State::KeyEnd);
                        Some(State::BareName)
                    }
                }
            }
            State::KeyEnd => {
                self.skip(is_whitespace);
                match self.next() {
                    r if is_whitespace(r) => self.skip_to(State::KeyEnd),
                    EOF => self.errorf("unexpected EOF; expected key separator '='".into()),
                    '.' => {
                        self.ignore();
                        Some(State::KeyNameStart)
                    }
                    '=' => {
                        self.emit(ItemType::KeyEnd);
                        self.skip_to(State::Value)
                    }
                    '\n' if self.v16 => self.error_prev_line(format!(
                        "expected '.' or '=', but got {} instead",
                        quote_rune('\n')
                    )),
                    r => self.errorf(format!(
                        "expected '.' or '=', but got {} instead",
                        quote_rune(r)
                    )),
                }
            }
            State::Value => self.lex_value(),
            State::ArrayValue => match self.next() {
                r if is_whitespace(r) || is_nl(r) => self.skip_to(State::ArrayValue),
                '#' => {
                    self.push(State::ArrayValue);
                    Some(State::CommentStart)
                }
                ',' => self.errorf("unexpected comma".into()),
                ']' => Some(State::ArrayEnd),
                _ => {
                    self.backup();
                    self.push(State::ArrayValueEnd);
                    Some(State::Value)
                }
            },
            State::ArrayValueEnd => match self.next() {
                r if is_whitespace(r) || is_nl(r) => self.skip_to(State::ArrayValueEnd),
                '#' => {
                    self.push(State::ArrayValueEnd);
                    Some(State::CommentStart)
                }
                ',' => {
                    self.ignore();
                    Some(State::ArrayValue)
                }
                ']' => Some(State::ArrayEnd),
                r => self.errorf(format!(
                    "expected a comma (',') or array terminator (']'), but got {}",
                    rune_or_eof(r)
                )),
            },
            State::ArrayEnd => {
                self.ignore();
                self.emit(ItemType::ArrayEnd);
                self.pop()
            }
            State::InlineTableValue => match self.next() {
                r if is_nl(r) && !self.v16 => self.inline_newline(),
                r if is_whitespace(r) || is_nl(r) => self.skip_to(State::InlineTableValue),
                '#' => {
                    self.push(State::InlineTableValue);
                    Some(State::CommentStart)
                }
                ',' => self.errorf("unexpected comma".into()),
                '}' => Some(State::InlineTableEnd),
                _ => {
                    self.backup();
                    self.push(State::InlineTableValueEnd);
                    Some(State::KeyStart)
                }
            },
            State::InlineTableValueEnd => match self.next() {
                r if is_nl(r) && !self.v16 => self.inline_newline(),
                r if is_whitespace(r) || is_nl(r) => self.skip_to(State::InlineTableValueEnd),
                '#' => {
                    self.push(State::InlineTableValueEnd);
                    Some(State::CommentStart)
                }
                ',' => {
                    self.ignore();
                    self.skip(is_whitespace);
                    if self.peek() == '}' {
                        if !self.v16 {
                            return self
                                .errorf("trailing comma not allowed in inline tables".into());
                        }
                        return Some(State::InlineTableValueEnd);
                    }
                    Some(State::InlineTableValue)
                }
                '}' => Some(State::InlineTableEnd),
                r => self.errorf(format!(
                    "expected a comma or an inline table terminator '}}', but got {} instead",
                    rune_or_eof(r)
                )),
            },
            State::InlineTableEnd => {
                self.ignore();
                self.emit(ItemType::InlineTableEnd);
                self.pop()
            }
            State::String => match self.next() {
                EOF => self.errorf("unexpected EOF; expected '\"'".into()),
                r if is_nl(r) => self.error_prev_line("strings cannot contain newlines".into()),
                '\\' => {
                    self.push(State::String);
                    Some(State::StringEscape)
                }
                '"' => {
                    self.backup();
                    if self.esc {
                        self.esc = false;
                        self.emit(ItemType::StringEsc);
                    } else {
                        self.emit(ItemType::String);
                    }
                    self.next();
                    self.ignore();
                    self.pop()
                }
                _ => Some(State::String),
            },
            State::MultilineString => self.lex_multiline_string(),
            State::RawString => match self.next() {
                EOF => self.errorf("unexpected EOF; expected \"'\"".into()),
                r if is_nl(r) => self.error_prev_line("strings cannot contain newlines".into()),
                '\'' => {
                    self.backup();
                    self.emit(ItemType::RawString);
                    self.next();
                    self.ignore();
                    self.pop()
                }
                _ => Some(State::RawString),
            },
            State::MultilineRawString => self.lex_multiline_raw_string(),
            State::MultilineStringEscape => {
                if is_nl(self.next()) {
                    return Some(State::MultilineString);
                }
                self.backup();
                self.push(State::MultilineString);
                self.step(State::StringEscape)
            }
            State::StringEscape => {
                self.esc = true;
                match self.next() {
                    r @ ('e' | 'x') if !self.v16 => {
                        self.error(format!("invalid escape in string '\\{r}'"))
                    }
                    'e' | 'b' | 't' | 'n' | 'f' | 'r' | '"' | ' ' | '\t' | '\\' => self.pop(),
                    'x' => Some(State::HexEscape),
                    'u' => Some(State::ShortUnicodeEscape),
                    'U' => Some(State::LongUnicodeEscape),
                    r => self.error(format!("invalid escape in string '\\{r}'")),
                }
            }
            State::HexEscape => self.lex_hex_digits(2, "two", 'x'),
            State::ShortUnicodeEscape => self.lex_hex_digits(4, "four", 'u'),
            State::LongUnicodeEscape => self.lex_hex_digits(8, "eight", 'U'),
            State::NumberOrDateStart => {
                if self.next() == '0' {
                    return Some(State::BaseNumberOrDate);
                }
                Some(State::NumberOrDate)
            }
            State::NumberOrDate => match self.next() {
                r if is_digit(r) => Some(State::NumberOrDate),
                '-' | ':' => Some(State::Datetime),
                '_' => Some(State::DecimalNumber),
                '.' | 'e' | 'E' => Some(State::Float),
                _ => self.end_integer(),
            },
            State::Datetime => match self.next() {
                r if is_digit(r) => Some(State::Datetime),
                '-' | ':' | 'T' | 't' | ' ' | '.' | 'Z' | 'z' | '+' => Some(State::Datetime),
                _ => {
                    self.backup();
                    self.emit_trim(ItemType::Datetime);
                    self.pop()
                }
            },
            State::HexInteger => self.lex_based_integer(is_hex, State::HexInteger),
            State::OctalInteger => self.lex_based_integer(is_octal, State::OctalInteger),
            State::BinaryInteger => self.lex_based_integer(is_binary, State::BinaryInteger),
            State::DecimalNumber => match self.next() {
                r if is_digit(r) => Some(State::DecimalNumber),
                '.' | 'e' | 'E' => Some(State::Float),
                '_' => Some(State::DecimalNumber),
                _ => self.end_integer(),
            },
            State::DecimalNumberStart => self.lex_decimal_number_start(),
            State::BaseNumberOrDate => self.lex_base_number_or_date(),
            State::Float => match self.next() {
                r if is_digit(r) => Some(State::Float),
                '_' | '.' | '-' | '+' | 'e' | 'E' => Some(State::Float),
                _ => {
                    self.backup();
                    self.emit(ItemType::Float);
                    self.pop()
                }
            },
            State::Bool => {
                let mut word = String::new();
                loop {
                    let r = self.next();
                    if r == EOF || !r.is_alphabetic() {
                        self.backup();
                        break;
                    }
                    word.push(r);
                }
                if word == "true" || word == "false" {
                    self.emit(ItemType::Bool);
                    return self.pop();
                }
                self.errorf(format!(
                    "expected value but found {} instead",
                    go_quote(&word)
                ))
            }
            State::CommentStart => {
                self.ignore();
                self.emit(ItemType::CommentStart);
                Some(State::Comment)
            }
            State::Comment => {
                let r = self.next();
                if is_nl(r) || r == EOF {
                    self.backup();
                    self.emit(ItemType::Text);
                    return self.pop();
                }
                Some(State::Comment)
            }
        }
    }

    /// v1.4.0: TOML 1.0 inline tables are on one line.
    fn inline_newline(&mut self) -> Option<State> {
        self.error_prev_line("newlines not allowed within inline tables".into())
    }

    fn lex_top(&mut self) -> Option<State> {
        let r = self.next();
        if is_whitespace(r) || is_nl(r) {
            return self.skip_to(State::Top);
        }
        match r {
            '#' => {
                self.push(State::Top);
                return Some(State::CommentStart);
            }
            '[' => return Some(State::TableStart),
            EOF => {
                if self.pos > self.start {
                    return self.errorf("unexpected EOF".into());
                }
                self.emit(ItemType::Eof);
                return None;
            }
            _ => {}
        }
        self.backup();
        self.push(State::TopEnd);
        Some(State::KeyStart)
    }

    fn lex_top_end(&mut self) -> Option<State> {
        match self.next() {
            '#' => {
                self.push(State::Top);
                Some(State::CommentStart)
            }
            r if is_whitespace(r) => Some(State::TopEnd),
            r if is_nl(r) => {
                self.ignore();
                Some(State::Top)
            }
            EOF => {
                self.emit(ItemType::Eof);
                None
            }
            r => self.errorf(format!(
                "expected a top-level item to end with a newline, comment, or EOF, but got {} instead",
                quote_rune(r)
            )),
        }
    }

    fn lex_value(&mut self) -> Option<State> {
        let r = self.next();
        if is_whitespace(r) {
            return self.skip_to(State::Value);
        }
        if is_digit(r) {
            self.backup();
            return Some(State::NumberOrDateStart);
        }
        match r {
            '[' => {
                self.ignore();
                self.emit(ItemType::Array);
                return Some(State::ArrayValue);
            }
            '{' => {
                self.ignore();
                self.emit(ItemType::InlineTableStart);
                return Some(State::InlineTableValue);
            }
            '"' => {
                if self.accept('"') {
                    if self.accept('"') {
                        self.ignore();
                        return Some(State::MultilineString);
                    }
                    self.backup();
                }
                self.ignore();
                return Some(State::String);
            }
            '\'' => {
                if self.accept('\'') {
                    if self.accept('\'') {
                        self.ignore();
                        return Some(State::MultilineRawString);
                    }
                    self.backup();
                }
                self.ignore();
                return Some(State::RawString);
            }
            '.' => return self.errorf("floats must start with a digit, not '.'".into()),
            'i' | 'n'
                if (self.accept('n') && self.accept('f'))
                    || (self.accept('a') && self.accept('n')) =>
            {
                self.emit(ItemType::Float);
                return self.pop();
            }
            '-' | '+' => return Some(State::DecimalNumberStart),
            _ => {}
        }
        if r != EOF && r.is_alphabetic() {
            self.backup();
            return Some(State::Bool);
        }
        match r {
            EOF => self.errorf("unexpected EOF; expected value".into()),
            '\n' if self.v16 => self.error_prev_line(format!(
                "expected value but found {} instead",
                quote_rune(r)
            )),
            _ => self.errorf(format!(
                "expected value but found {} instead",
                quote_rune(r)
            )),
        }
    }

    fn lex_multiline_string(&mut self) -> Option<State> {
        match self.next() {
            EOF => self.errorf("unexpected EOF; expected '\"\"\"'".into()),
            '\\' => Some(State::MultilineStringEscape),
            '"' => {
                if self.accept('"') {
                    if self.accept('"') {
                        if self.peek() == '"' {
                            let cur = self.current();
                            if cur.ends_with("\"\"\"\"\"") && !cur.ends_with("\\\"\"\"\"\"") {
                                return self.errorf("unexpected '\"\"\"\"\"\"'".into());
                            }
                            self.backup();
                            self.backup();
                            return Some(State::MultilineString);
                        }
                        self.backup();
                        self.backup();
                        self.backup();
                        self.esc = false;
                        self.emit(ItemType::MultilineString);
                        self.next();
                        self.next();
                        self.next();
                        self.ignore();
                        return self.pop();
                    }
                    self.backup();
                }
                Some(State::MultilineString)
            }
            _ => Some(State::MultilineString),
        }
    }

    fn lex_multiline_raw_string(&mut self) -> Option<State> {
        match self.next() {
            EOF => self.errorf("unexpected EOF; expected \"'''\"".into()),
            '\'' => {
                if self.accept('\'') {
                    if self.accept('\'') {
                        if self.peek() == '\'' {
                            if self.current().ends_with("'''''") {
                                return self.errorf("unexpected \"''''''\"".into());
                            }
                            self.backup();
                            self.backup();
                            return Some(State::MultilineRawString);
                        }
                        self.backup();
                        self.backup();
                        self.backup();
                        self.emit(ItemType::RawMultilineString);
                        self.next();
                        self.next();
                        self.next();
                        self.ignore();
                        return self.pop();
                    }
                    self.backup();
                }
                Some(State::MultilineRawString)
            }
            _ => Some(State::MultilineRawString),
        }
    }

    fn lex_hex_digits(&mut self, count: usize, word: &str, letter: char) -> Option<State> {
        for _ in 0..count {
            let r = self.next();
            if !is_hex(r) {
                let cur = go_quote(self.current());
                return self.errorf(format!(
                    "expected {word} hexadecimal digits after '\\{letter}', but got {cur} instead"
                ));
            }
        }
        self.pop()
    }

    fn end_integer(&mut self) -> Option<State> {
        self.backup();
        self.emit(ItemType::Integer);
        self.pop()
    }

    fn lex_based_integer(&mut self, digit: fn(char) -> bool, again: State) -> Option<State> {
        let r = self.next();
        if digit(r) || r == '_' {
            return Some(again);
        }
        self.end_integer()
    }

    fn lex_decimal_number_start(&mut self) -> Option<State> {
        let r = self.next();
        match r {
            'i' => {
                if !self.accept('n') || !self.accept('f') {
                    let cur = self.current().to_string();
                    return self.errorf(format!("invalid float: '{cur}'"));
                }
                self.emit(ItemType::Float);
                return self.pop();
            }
            'n' => {
                if !self.accept('a') || !self.accept('n') {
                    let cur = self.current().to_string();
                    return self.errorf(format!("invalid float: '{cur}'"));
                }
                self.emit(ItemType::Float);
                return self.pop();
            }
            '0' => {
                let p = self.peek();
                if matches!(p, 'b' | 'o' | 'x') {
                    let cur = self.current().to_string();
                    return self.errorf(format!(
                        "cannot use sign with non-decimal numbers: '{cur}{p}'"
                    ));
                }
            }
            '.' => return self.errorf("floats must start with a digit, not '.'".into()),
            _ => {}
        }
        if is_digit(r) {
            return Some(State::DecimalNumber);
        }
        self.errorf(format!("expected a digit but got {}", quote_rune(r)))
    }

    fn lex_base_number_or_date(&mut self) -> Option<State> {
        let r = self.next();
        if is_digit(r) {
            return Some(State::NumberOrDate);
        }
        let (digit, next, what): (fn(char) -> bool, State, &str) = match r {
            '_' => return Some(State::DecimalNumber),
            '.' | 'e' | 'E' => return Some(State::Float),
            'b' => (is_binary, State::BinaryInteger, "binary"),
            'o' => (is_octal, State::OctalInteger, "octal"),
            'x' if self.v16 => (is_hex, State::HexInteger, "hexadecimal"),
            'x' => (is_hex, State::HexInteger, "hexidecimal"),
            _ => return self.end_integer(),
        };
        let p = self.peek();
        if !digit(p) {
            let cur = self.current().to_string();
            let article = if what == "octal" { "an" } else { "a" };
            self.errorf(format!("not {article} {what} number: '{cur}{p}'"));
        }
        Some(next)
    }
}
