//! The YAML scanner: a faithful port of libyaml's scanner as go-yaml v2
//! carries it (scannerc.go), turning characters into tokens.
//!
//! Acceptance, token boundaries, simple-key rules and error texts follow the
//! Go code line by line; only the buffer handling differs (the input is
//! checked up front by [`crate::reader`] and scanned as UTF-8 bytes, a
//! character decoded only where it is not ASCII, while marks count characters
//! as libyaml's do).

use std::borrow::Cow;
use std::collections::VecDeque;

use rustc_hash::FxHashMap;

use crate::error::{Mark, Stage, SyntaxError};
use crate::reader::Input;

/// How a scalar was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// What a token is; its text, if any, is in [`Token::text`] and
/// [`Token::handle`], so the kind can be looked at by copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenKind {
    StreamStart,
    StreamEnd,
    VersionDirective,
    TagDirective,
    DocumentStart,
    DocumentEnd,
    BlockSequenceStart,
    BlockMappingStart,
    BlockEnd,
    FlowSequenceStart,
    FlowSequenceEnd,
    FlowMappingStart,
    FlowMappingEnd,
    BlockEntry,
    FlowEntry,
    Key,
    Value,
    Alias,
    Anchor,
    Tag,
    Scalar(ScalarStyle),
}

#[derive(Debug)]
pub(crate) struct Token {
    pub kind: TokenKind,
    pub start: Mark,
    pub end: Mark,
    /// Version numbers of a `%YAML` directive.
    pub version: (u32, u32),
    /// A scalar's value, an alias's or anchor's name, a tag's suffix or a
    /// `%TAG` directive's prefix.
    pub text: String,
    /// The handle of a tag or a `%TAG` directive.
    pub handle: String,
}

impl Token {
    fn new(kind: TokenKind, start: Mark, end: Mark) -> Token {
        Token::with_text(kind, start, end, String::new(), String::new())
    }

    fn with_text(kind: TokenKind, start: Mark, end: Mark, text: String, handle: String) -> Token {
        Token {
            kind,
            start,
            end,
            version: (0, 0),
            text,
            handle,
        }
    }
}

/// The buffers a scalar's folding collects blanks and breaks in, kept
/// between scalars so they are allocated once.
#[derive(Default)]
struct Blanks {
    leading_break: String,
    trailing_breaks: String,
    whitespaces: String,
}

#[derive(Clone, Copy, Debug, Default)]
struct SimpleKey {
    possible: bool,
    required: bool,
    token_number: usize,
    mark: Mark,
}

const MAX_FLOW_LEVEL: usize = 10000;
const MAX_INDENTS: usize = 10000;

type Res<T> = Result<T, SyntaxError>;

pub(crate) struct Scanner<'a> {
    /// The input before the first reader problem.
    text: Cow<'a, str>,
    /// The byte offset in `text` of `mark.index` (a character index).
    pos: usize,
    reader_error: Option<&'static str>,
    mark: Mark,
    tokens: VecDeque<Token>,
    tokens_parsed: usize,
    token_available: bool,
    stream_start_produced: bool,
    stream_end_produced: bool,
    indent: isize,
    indents: Vec<isize>,
    simple_key_allowed: bool,
    simple_keys: Vec<SimpleKey>,
    simple_keys_by_tok: FxHashMap<usize, usize>,
    flow_level: usize,
    error: Option<SyntaxError>,
    blanks: Blanks,
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}
fn is_breakz(c: char) -> bool {
    is_break(c) || c == '\0'
}
fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}
fn is_blankz(c: char) -> bool {
    is_blank(c) || is_breakz(c)
}
fn is_alpha(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}
fn as_hex(c: char) -> u32 {
    c.to_digit(16).unwrap_or(0)
}

/// How a byte matters to a plain scalar's fast path.
#[derive(Clone, Copy, PartialEq, Eq)]
enum PlainClass {
    Ordinary,
    /// A blank, a break or a non-ASCII byte.
    Stop,
    Colon,
    /// `,` `?` `[` `]` `{` `}`.
    FlowIndicator,
}

const PLAIN_CLASS: [PlainClass; 256] = {
    let mut table = [PlainClass::Stop; 256];
    let mut b = 0x21;
    while b < 0x80 {
        table[b] = match b as u8 {
            b':' => PlainClass::Colon,
            b',' | b'?' | b'[' | b']' | b'{' | b'}' => PlainClass::FlowIndicator,
            _ => PlainClass::Ordinary,
        };
        b += 1;
    }
    table
};

/// The offset of the first `\n`, `\r` or non-ASCII byte of `bytes` (its
/// length if there is none), looked for eight bytes at a time.
fn break_candidate(bytes: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let is_candidate = |b: u8| b == b'\n' || b == b'\r' || !b.is_ascii();
    let mut offset = 0;
    for chunk in bytes.chunks_exact(8) {
        let Ok(octets) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let word = u64::from_le_bytes(octets);
        // Some byte is below 0x20 (which includes `\n` and `\r`) or above
        // 0x7F (the classic byte-below test, exact for the first such byte);
        // a word flagged only for a tab is passed over.
        if (word.wrapping_sub(ONES * 0x20) & !word | word) & HIGH != 0 {
            if let Some(at) = octets.iter().position(|&b| is_candidate(b)) {
                return offset + at;
            }
        }
        offset += 8;
    }
    let tail = bytes.get(offset..).unwrap_or_default();
    offset
        + tail
            .iter()
            .position(|&b| is_candidate(b))
            .unwrap_or(tail.len())
}

impl<'a> Scanner<'a> {
    pub fn new(input: Input<'a>) -> Scanner<'a> {
        Scanner {
            text: input.text,
            pos: 0,
            reader_error: input.error,
            mark: Mark::default(),
            tokens: VecDeque::new(),
            tokens_parsed: 0,
            token_available: false,
            stream_start_produced: false,
            stream_end_produced: false,
            indent: 0,
            indents: Vec::new(),
            simple_key_allowed: false,
            simple_keys: Vec::new(),
            simple_keys_by_tok: FxHashMap::default(),
            flow_level: 0,
            error: None,
            blanks: Blanks::default(),
        }
    }

    /// The character at byte offset `at`; `'\0'` past the end.
    fn char_at(&self, at: usize) -> char {
        match self.text.as_bytes().get(at) {
            Some(&b) if b.is_ascii() => char::from(b),
            Some(_) => self
                .text
                .get(at..)
                .and_then(|rest| rest.chars().next())
                .unwrap_or('\0'),
            None => '\0',
        }
    }

    /// The byte offset `k` characters after `at`.
    fn advance(&self, mut at: usize, k: usize) -> usize {
        for _ in 0..k {
            at += self.char_at(at).len_utf8();
        }
        at
    }

    /// The character `k` positions ahead; `'\0'` past the end.
    fn ch(&self, k: usize) -> char {
        if k == 0 {
            return self.char_at(self.pos);
        }
        self.char_at(self.advance(self.pos, k))
    }

    /// Makes sure `n` characters are available (raises a pending reader error).
    #[inline]
    fn cache(&mut self, n: usize) -> Res<()> {
        if self.reader_error.is_none() {
            return Ok(());
        }
        self.cache_before_problem(n)
    }

    #[cold]
    fn cache_before_problem(&mut self, n: usize) -> Res<()> {
        if let Some(problem) = self.reader_error {
            let available = self.text.get(self.pos..).unwrap_or_default().chars();
            if available.take(n).count() < n {
                return Err(self.fail(SyntaxError {
                    stage: Stage::Reader,
                    context: String::new(),
                    context_mark: Mark::default(),
                    problem: problem.to_string(),
                    problem_mark: Mark::default(),
                }));
            }
        }
        Ok(())
    }

    fn fail(&mut self, e: SyntaxError) -> SyntaxError {
        self.error = Some(e.clone());
        e
    }

    fn scanner_error(&mut self, context: &str, context_mark: Mark, problem: &str) -> SyntaxError {
        let e = SyntaxError {
            stage: Stage::Scanner,
            context: context.to_string(),
            context_mark,
            problem: problem.to_string(),
            problem_mark: self.mark,
        };
        self.fail(e)
    }

    fn is_bom_here(&self) -> bool {
        self.mark.index == 0 && self.ch(0) == '\u{FEFF}'
    }

    /// A scalar token; its folding buffers go back for the next scalar.
    fn scalar_token(
        &mut self,
        style: ScalarStyle,
        start: Mark,
        end: Mark,
        text: String,
        blanks: Blanks,
    ) -> Token {
        self.blanks = blanks;
        Token::with_text(TokenKind::Scalar(style), start, end, text, String::new())
    }

    /// The folding buffers, empty.
    fn take_blanks(&mut self) -> Blanks {
        let mut blanks = std::mem::take(&mut self.blanks);
        blanks.leading_break.clear();
        blanks.trailing_breaks.clear();
        blanks.whitespaces.clear();
        blanks
    }

    /// Moves past the current character (a no-op on the byte offset at the end).
    fn skip(&mut self) {
        self.pos += self.char_at(self.pos).len_utf8();
        self.mark.index += 1;
        self.mark.column += 1;
    }

    /// Moves past the ASCII characters that continue a plain scalar without
    /// needing a closer look, when no reader problem is pending: the
    /// character-by-character loop would take the same characters, keeping
    /// blanks inside a line as they are when more of the scalar follows them
    /// on that line.
    fn skip_plain_ascii(&mut self) {
        if self.reader_error.is_some() {
            return;
        }
        let flow = self.flow_level > 0;
        let bytes = self.text.as_bytes();
        // Whether the byte at `at` continues the scalar: not a blank, a
        // break, the end, a `:` before a blank or the end, a flow indicator
        // in flow context, or a non-ASCII character.
        let ordinary = |at: usize| match bytes.get(at).map(|&b| PLAIN_CLASS[usize::from(b)]) {
            Some(PlainClass::Ordinary) => true,
            Some(PlainClass::FlowIndicator) => !flow,
            Some(PlainClass::Colon) => bytes
                .get(at + 1)
                .is_some_and(|&next| PLAIN_CLASS[usize::from(next)] != PlainClass::Stop),
            Some(PlainClass::Stop) | None => false,
        };
        let rest = bytes.get(self.pos..).unwrap_or_default();
        let mut end = 0;
        loop {
            // The plainly ordinary bytes first, then a closer look at the one
            // that stopped them.
            end += rest
                .get(end..)
                .unwrap_or_default()
                .iter()
                .position(|&b| PLAIN_CLASS[usize::from(b)] != PlainClass::Ordinary)
                .unwrap_or(rest.len() - end);
            if ordinary(self.pos + end) {
                end += 1;
                continue;
            }
            let blanks = rest
                .get(end..)
                .unwrap_or_default()
                .iter()
                .take_while(|&&b| b == b' ' || b == b'\t')
                .count();
            let after = end + blanks;
            if blanks == 0 || rest.get(after) == Some(&b'#') || !ordinary(self.pos + after) {
                break;
            }
            end = after;
        }
        self.skip_ascii(end);
    }

    /// Moves past the spaces that follow, when no reader problem is pending
    /// (each would be taken alike, one at a time), and returns them.
    fn take_spaces(&mut self) -> &str {
        if self.reader_error.is_some() {
            return "";
        }
        let start = self.pos;
        let rest = self.text.as_bytes().get(start..).unwrap_or_default();
        let n = rest.iter().take_while(|&&b| b == b' ').count();
        self.skip_ascii(n);
        self.text.get(start..start + n).unwrap_or_default()
    }

    /// Moves past the ASCII characters that a quoted scalar takes as they
    /// are (not blanks, breaks, the closing quote or, in double quotes, a
    /// backslash), with the blanks between them on the line, when no reader
    /// problem is pending; returns them.
    fn take_quoted_run(&mut self, single: bool) -> &str {
        if self.reader_error.is_some() {
            return "";
        }
        let start = self.pos;
        let bytes = self.text.as_bytes();
        let literal = |at: usize| match bytes.get(at) {
            Some(b'\'') => !single,
            Some(b'"' | b'\\') => single,
            Some(&b) => b.is_ascii_graphic(),
            None => false,
        };
        let mut end = start;
        loop {
            while literal(end) {
                end += 1;
            }
            let mut after = end;
            while matches!(bytes.get(after), Some(b' ' | b'\t')) {
                after += 1;
            }
            if after == end || !literal(after) {
                break;
            }
            end = after;
        }
        self.skip_ascii(end - start);
        self.text.get(start..end).unwrap_or_default()
    }

    /// Moves past ASCII characters known to be there.
    fn skip_ascii(&mut self, n: usize) {
        self.pos += n;
        self.mark.index += n;
        self.mark.column += n;
    }

    fn skip_line(&mut self) {
        let c = self.ch(0);
        if c == '\r' && self.ch(1) == '\n' {
            self.pos += 2;
            self.mark.index += 2;
            self.mark.column = 0;
            self.mark.line += 1;
        } else if is_break(c) {
            self.pos += c.len_utf8();
            self.mark.index += 1;
            self.mark.column = 0;
            self.mark.line += 1;
        }
    }

    fn read(&mut self, s: &mut String) {
        s.push(self.ch(0));
        self.skip();
    }

    /// Moves past the rest of the line (up to the next line break or the end
    /// of the input) and returns it.
    fn take_line(&mut self) -> &str {
        let start = self.pos;
        let rest = self.text.as_bytes().get(start..).unwrap_or_default();
        let mut length = break_candidate(rest);
        let mut ascii = true;
        // A non-ASCII candidate may start a break; if not, the search goes on.
        while let Some(tail) = rest.get(length..) {
            if let [] | [b'\r' | b'\n', ..] | [0xC2, 0x85, ..] | [0xE2, 0x80, 0xA8 | 0xA9, ..] =
                tail
            {
                break;
            }
            ascii = false;
            length += 1 + break_candidate(tail.get(1..).unwrap_or_default());
        }
        let line = self.text.get(start..start + length).unwrap_or_default();
        let count = if ascii { length } else { line.chars().count() };
        self.pos = start + length;
        self.mark.index += count;
        self.mark.column += count;
        line
    }

    fn read_line(&mut self, s: &mut String) {
        let c = self.ch(0);
        if c == '\r' && self.ch(1) == '\n' {
            s.push('\n');
            self.pos += 1;
            self.mark.index += 1;
        } else if c == '\r' || c == '\n' || c == '\u{85}' {
            s.push('\n');
        } else if c == '\u{2028}' || c == '\u{2029}' {
            s.push(c);
        } else {
            return;
        }
        self.pos += c.len_utf8();
        self.mark.index += 1;
        self.mark.column = 0;
        self.mark.line += 1;
    }

    /// The next token without consuming it.
    pub fn peek(&mut self) -> Res<&Token> {
        if !self.token_available {
            self.fetch_more_tokens()?;
        }
        self.tokens.front().ok_or_else(SyntaxError::empty)
    }

    /// Consumes the token returned by `peek` and hands it over.
    pub fn take_token(&mut self) -> Option<Token> {
        self.token_available = false;
        self.tokens_parsed += 1;
        let token = self.tokens.pop_front();
        if let Some(t) = &token {
            self.stream_end_produced = t.kind == TokenKind::StreamEnd;
        }
        token
    }

    pub fn stream_end_produced(&self) -> bool {
        self.stream_end_produced
    }

    fn insert_token(&mut self, pos: Option<usize>, token: Token) {
        match pos {
            Some(p) if p <= self.tokens.len() => self.tokens.insert(p, token),
            _ => self.tokens.push_back(token),
        }
    }

    // Kept out of `peek`, which the parser calls several times per token.
    #[inline(never)]
    fn fetch_more_tokens(&mut self) -> Res<()> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        loop {
            if !self.tokens.is_empty() {
                let Some(&idx) = self.simple_keys_by_tok.get(&self.tokens_parsed) else {
                    break;
                };
                let key = self.simple_keys.get(idx).copied().unwrap_or_default();
                let (valid, updated) = self.simple_key_is_valid(key)?;
                if let Some(k) = self.simple_keys.get_mut(idx) {
                    *k = updated;
                }
                if !valid {
                    break;
                }
            }
            self.fetch_next_token()?;
        }
        self.token_available = true;
        Ok(())
    }

    fn fetch_next_token(&mut self) -> Res<()> {
        self.cache(1)?;
        if !self.stream_start_produced {
            self.fetch_stream_start();
            return Ok(());
        }
        self.scan_to_next_token()?;
        self.unroll_indent(self.mark.column as isize);
        self.cache(4)?;
        let c = self.ch(0);
        if c == '\0' {
            return self.fetch_stream_end();
        }
        if self.mark.column == 0 && c == '%' {
            return self.fetch_directive();
        }
        if self.mark.column == 0
            && c == '-'
            && self.ch(1) == '-'
            && self.ch(2) == '-'
            && is_blankz(self.ch(3))
        {
            return self.fetch_document_indicator(TokenKind::DocumentStart);
        }
        if self.mark.column == 0
            && c == '.'
            && self.ch(1) == '.'
            && self.ch(2) == '.'
            && is_blankz(self.ch(3))
        {
            return self.fetch_document_indicator(TokenKind::DocumentEnd);
        }
        match c {
            '[' => return self.fetch_flow_collection_start(TokenKind::FlowSequenceStart),
            '{' => return self.fetch_flow_collection_start(TokenKind::FlowMappingStart),
            ']' => return self.fetch_flow_collection_end(TokenKind::FlowSequenceEnd),
            '}' => return self.fetch_flow_collection_end(TokenKind::FlowMappingEnd),
            ',' => return self.fetch_flow_entry(),
            _ => {}
        }
        let next = self.ch(1);
        if c == '-' && is_blankz(next) {
            return self.fetch_block_entry();
        }
        if c == '?' && (self.flow_level > 0 || is_blankz(next)) {
            return self.fetch_key();
        }
        if c == ':' && (self.flow_level > 0 || is_blankz(next)) {
            return self.fetch_value();
        }
        match c {
            '*' => return self.fetch_anchor(true),
            '&' => return self.fetch_anchor(false),
            '!' => return self.fetch_tag(),
            '|' if self.flow_level == 0 => return self.fetch_block_scalar(true),
            '>' if self.flow_level == 0 => return self.fetch_block_scalar(false),
            '\'' => return self.fetch_flow_scalar(true),
            '"' => return self.fetch_flow_scalar(false),
            _ => {}
        }
        let indicator = matches!(
            c,
            '-' | '?'
                | ':'
                | ','
                | '['
                | ']'
                | '{'
                | '}'
                | '#'
                | '&'
                | '*'
                | '!'
                | '|'
                | '>'
                | '\''
                | '"'
                | '%'
                | '@'
                | '`'
        );
        if !(is_blankz(c) || indicator)
            || (c == '-' && !is_blank(next))
            || (self.flow_level == 0 && (c == '?' || c == ':') && !is_blankz(next))
        {
            return self.fetch_plain_scalar();
        }
        Err(self.scanner_error(
            "while scanning for the next token",
            self.mark,
            "found character that cannot start any token",
        ))
    }

    /// Returns whether the key is still possible, and the key as updated.
    fn simple_key_is_valid(&mut self, mut key: SimpleKey) -> Res<(bool, SimpleKey)> {
        if !key.possible {
            return Ok((false, key));
        }
        if key.mark.line < self.mark.line || key.mark.index + 1024 < self.mark.index {
            if key.required {
                return Err(self.scanner_error(
                    "while scanning a simple key",
                    key.mark,
                    "could not find expected ':'",
                ));
            }
            key.possible = false;
            return Ok((false, key));
        }
        Ok((true, key))
    }

    fn save_simple_key(&mut self) -> Res<()> {
        let required = self.flow_level == 0 && self.indent == self.mark.column as isize;
        if self.simple_key_allowed {
            let key = SimpleKey {
                possible: true,
                required,
                token_number: self.tokens_parsed + self.tokens.len(),
                mark: self.mark,
            };
            self.remove_simple_key()?;
            let last = self.simple_keys.len().saturating_sub(1);
            if let Some(k) = self.simple_keys.get_mut(last) {
                *k = key;
            }
            self.simple_keys_by_tok.insert(key.token_number, last);
        }
        Ok(())
    }

    fn remove_simple_key(&mut self) -> Res<()> {
        let Some(key) = self.simple_keys.last().copied() else {
            return Ok(());
        };
        if key.possible {
            if key.required {
                return Err(self.scanner_error(
                    "while scanning a simple key",
                    key.mark,
                    "could not find expected ':'",
                ));
            }
            if let Some(k) = self.simple_keys.last_mut() {
                k.possible = false;
            }
            self.simple_keys_by_tok.remove(&key.token_number);
        }
        Ok(())
    }

    fn increase_flow_level(&mut self) -> Res<()> {
        self.simple_keys.push(SimpleKey {
            possible: false,
            required: false,
            token_number: self.tokens_parsed + self.tokens.len(),
            mark: self.mark,
        });
        self.flow_level += 1;
        if self.flow_level > MAX_FLOW_LEVEL {
            let mark = self.simple_keys.last().map(|k| k.mark).unwrap_or_default();
            return Err(self.scanner_error(
                "while increasing flow level",
                mark,
                &format!("exceeded max depth of {MAX_FLOW_LEVEL}"),
            ));
        }
        Ok(())
    }

    fn decrease_flow_level(&mut self) {
        if self.flow_level > 0 {
            self.flow_level -= 1;
            if let Some(key) = self.simple_keys.pop() {
                self.simple_keys_by_tok.remove(&key.token_number);
            }
        }
    }

    fn roll_indent(
        &mut self,
        column: usize,
        number: Option<usize>,
        kind: TokenKind,
        mark: Mark,
    ) -> Res<()> {
        if self.flow_level > 0 {
            return Ok(());
        }
        if self.indent < column as isize {
            self.indents.push(self.indent);
            self.indent = column as isize;
            if self.indents.len() > MAX_INDENTS {
                let m = self.simple_keys.last().map(|k| k.mark).unwrap_or_default();
                return Err(self.scanner_error(
                    "while increasing indent level",
                    m,
                    &format!("exceeded max depth of {MAX_INDENTS}"),
                ));
            }
            let pos = number.map(|n| n.saturating_sub(self.tokens_parsed));
            self.insert_token(pos, Token::new(kind, mark, mark));
        }
        Ok(())
    }

    fn unroll_indent(&mut self, column: isize) {
        if self.flow_level > 0 {
            return;
        }
        while self.indent > column {
            self.insert_token(None, Token::new(TokenKind::BlockEnd, self.mark, self.mark));
            self.indent = self.indents.pop().unwrap_or(-1);
        }
    }

    fn fetch_stream_start(&mut self) {
        self.indent = -1;
        self.simple_keys.push(SimpleKey::default());
        self.simple_key_allowed = true;
        self.stream_start_produced = true;
        self.insert_token(
            None,
            Token::new(TokenKind::StreamStart, self.mark, self.mark),
        );
    }

    fn fetch_stream_end(&mut self) -> Res<()> {
        if self.mark.column != 0 {
            self.mark.column = 0;
            self.mark.line += 1;
        }
        self.unroll_indent(-1);
        self.remove_simple_key()?;
        self.simple_key_allowed = false;
        self.insert_token(None, Token::new(TokenKind::StreamEnd, self.mark, self.mark));
        Ok(())
    }

    fn fetch_directive(&mut self) -> Res<()> {
        self.unroll_indent(-1);
        self.remove_simple_key()?;
        self.simple_key_allowed = false;
        let token = self.scan_directive()?;
        self.insert_token(None, token);
        Ok(())
    }

    fn fetch_document_indicator(&mut self, kind: TokenKind) -> Res<()> {
        self.unroll_indent(-1);
        self.remove_simple_key()?;
        self.simple_key_allowed = false;
        let start = self.mark;
        self.skip();
        self.skip();
        self.skip();
        self.insert_token(None, Token::new(kind, start, self.mark));
        Ok(())
    }

    fn fetch_flow_collection_start(&mut self, kind: TokenKind) -> Res<()> {
        self.save_simple_key()?;
        self.increase_flow_level()?;
        self.simple_key_allowed = true;
        let start = self.mark;
        self.skip();
        self.insert_token(None, Token::new(kind, start, self.mark));
        Ok(())
    }

    fn fetch_flow_collection_end(&mut self, kind: TokenKind) -> Res<()> {
        self.remove_simple_key()?;
        self.decrease_flow_level();
        self.simple_key_allowed = false;
        let start = self.mark;
        self.skip();
        self.insert_token(None, Token::new(kind, start, self.mark));
        Ok(())
    }

    fn fetch_flow_entry(&mut self) -> Res<()> {
        self.remove_simple_key()?;
        self.simple_key_allowed = true;
        let start = self.mark;
        self.skip();
        self.insert_token(None, Token::new(TokenKind::FlowEntry, start, self.mark));
        Ok(())
    }

    fn fetch_block_entry(&mut self) -> Res<()> {
        if self.flow_level == 0 {
            if !self.simple_key_allowed {
                return Err(self.scanner_error(
                    "",
                    self.mark,
                    "block sequence entries are not allowed in this context",
                ));
            }
            self.roll_indent(
                self.mark.column,
                None,
                TokenKind::BlockSequenceStart,
                self.mark,
            )?;
        }
        self.remove_simple_key()?;
        self.simple_key_allowed = true;
        let start = self.mark;
        self.skip();
        self.insert_token(None, Token::new(TokenKind::BlockEntry, start, self.mark));
        Ok(())
    }

    fn fetch_key(&mut self) -> Res<()> {
        if self.flow_level == 0 {
            if !self.simple_key_allowed {
                return Err(self.scanner_error(
                    "",
                    self.mark,
                    "mapping keys are not allowed in this context",
                ));
            }
            self.roll_indent(
                self.mark.column,
                None,
                TokenKind::BlockMappingStart,
                self.mark,
            )?;
        }
        self.remove_simple_key()?;
        self.simple_key_allowed = self.flow_level == 0;
        let start = self.mark;
        self.skip();
        self.insert_token(None, Token::new(TokenKind::Key, start, self.mark));
        Ok(())
    }

    fn fetch_value(&mut self) -> Res<()> {
        let last = self.simple_keys.len().saturating_sub(1);
        let key = self.simple_keys.get(last).copied().unwrap_or_default();
        let (valid, updated) = self.simple_key_is_valid(key)?;
        if let Some(k) = self.simple_keys.get_mut(last) {
            *k = updated;
        }
        if valid {
            let pos = key.token_number.saturating_sub(self.tokens_parsed);
            self.insert_token(Some(pos), Token::new(TokenKind::Key, key.mark, key.mark));
            self.roll_indent(
                key.mark.column,
                Some(key.token_number),
                TokenKind::BlockMappingStart,
                key.mark,
            )?;
            if let Some(k) = self.simple_keys.get_mut(last) {
                k.possible = false;
            }
            self.simple_keys_by_tok.remove(&key.token_number);
            self.simple_key_allowed = false;
        } else {
            if self.flow_level == 0 {
                if !self.simple_key_allowed {
                    return Err(self.scanner_error(
                        "",
                        self.mark,
                        "mapping values are not allowed in this context",
                    ));
                }
                self.roll_indent(
                    self.mark.column,
                    None,
                    TokenKind::BlockMappingStart,
                    self.mark,
                )?;
            }
            self.simple_key_allowed = self.flow_level == 0;
        }
        let start = self.mark;
        self.skip();
        self.insert_token(None, Token::new(TokenKind::Value, start, self.mark));
        Ok(())
    }

    fn fetch_anchor(&mut self, alias: bool) -> Res<()> {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let token = self.scan_anchor(alias)?;
        self.insert_token(None, token);
        Ok(())
    }

    fn fetch_tag(&mut self) -> Res<()> {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let token = self.scan_tag()?;
        self.insert_token(None, token);
        Ok(())
    }

    fn fetch_block_scalar(&mut self, literal: bool) -> Res<()> {
        self.remove_simple_key()?;
        self.simple_key_allowed = true;
        let token = self.scan_block_scalar(literal)?;
        self.insert_token(None, token);
        Ok(())
    }

    fn fetch_flow_scalar(&mut self, single: bool) -> Res<()> {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let token = self.scan_flow_scalar(single)?;
        self.insert_token(None, token);
        Ok(())
    }

    fn fetch_plain_scalar(&mut self) -> Res<()> {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let token = self.scan_plain_scalar()?;
        self.insert_token(None, token);
        Ok(())
    }

    fn skip_comment(&mut self) -> Res<()> {
        if self.ch(0) == '#' {
            // The comment runs to the next line break or the end of the input.
            self.take_line();
            self.cache(1)?;
        }
        Ok(())
    }

    fn scan_to_next_token(&mut self) -> Res<()> {
        loop {
            self.cache(1)?;
            if self.mark.column == 0 && self.is_bom_here() {
                self.skip();
            }
            self.cache(1)?;
            let tabs = self.flow_level > 0 || !self.simple_key_allowed;
            let rest = self.text.as_bytes().get(self.pos..).unwrap_or_default();
            let blanks = rest
                .iter()
                .position(|&c| !(c == b' ' || (tabs && c == b'\t')))
                .unwrap_or(rest.len());
            self.skip_ascii(blanks);
            self.cache(1)?;
            self.skip_comment()?;
            if is_break(self.ch(0)) {
                self.cache(2)?;
                self.skip_line();
                if self.flow_level == 0 {
                    self.simple_key_allowed = true;
                }
            } else {
                break;
            }
        }
        Ok(())
    }

    fn scan_directive(&mut self) -> Res<Token> {
        let start = self.mark;
        self.skip();
        let name = self.scan_directive_name(start)?;
        let token = if name == "YAML" {
            let (major, minor) = self.scan_version_directive_value(start)?;
            let mut t = Token::new(TokenKind::VersionDirective, start, self.mark);
            t.version = (major, minor);
            t
        } else if name == "TAG" {
            let (handle, prefix) = self.scan_tag_directive_value(start)?;
            Token::with_text(TokenKind::TagDirective, start, self.mark, prefix, handle)
        } else {
            return Err(self.scanner_error(
                "while scanning a directive",
                start,
                "found unknown directive name",
            ));
        };
        self.cache(1)?;
        while is_blank(self.ch(0)) {
            self.skip();
            self.cache(1)?;
        }
        self.skip_comment()?;
        if !is_breakz(self.ch(0)) {
            return Err(self.scanner_error(
                "while scanning a directive",
                start,
                "did not find expected comment or line break",
            ));
        }
        if is_break(self.ch(0)) {
            self.cache(2)?;
            self.skip_line();
        }
        Ok(token)
    }

    fn scan_directive_name(&mut self, start: Mark) -> Res<String> {
        self.cache(1)?;
        let mut s = String::new();
        while is_alpha(self.ch(0)) {
            self.read(&mut s);
            self.cache(1)?;
        }
        if s.is_empty() {
            return Err(self.scanner_error(
                "while scanning a directive",
                start,
                "could not find expected directive name",
            ));
        }
        if !is_blankz(self.ch(0)) {
            return Err(self.scanner_error(
                "while scanning a directive",
                start,
                "found unexpected non-alphabetical character",
            ));
        }
        Ok(s)
    }

    fn scan_version_directive_value(&mut self, start: Mark) -> Res<(u32, u32)> {
        self.cache(1)?;
        while is_blank(self.ch(0)) {
            self.skip();
            self.cache(1)?;
        }
        let major = self.scan_version_directive_number(start)?;
        if self.ch(0) != '.' {
            return Err(self.scanner_error(
                "while scanning a %YAML directive",
                start,
                "did not find expected digit or '.' character",
            ));
        }
        self.skip();
        let minor = self.scan_version_directive_number(start)?;
        Ok((major, minor))
    }

    fn scan_version_directive_number(&mut self, start: Mark) -> Res<u32> {
        self.cache(1)?;
        let mut value = 0u32;
        let mut length = 0;
        while self.ch(0).is_ascii_digit() {
            length += 1;
            if length > 2 {
                return Err(self.scanner_error(
                    "while scanning a %YAML directive",
                    start,
                    "found extremely long version number",
                ));
            }
            value = value * 10 + self.ch(0).to_digit(10).unwrap_or(0);
            self.skip();
            self.cache(1)?;
        }
        if length == 0 {
            return Err(self.scanner_error(
                "while scanning a %YAML directive",
                start,
                "did not find expected version number",
            ));
        }
        Ok(value)
    }

    fn scan_tag_directive_value(&mut self, start: Mark) -> Res<(String, String)> {
        self.cache(1)?;
        while is_blank(self.ch(0)) {
            self.skip();
            self.cache(1)?;
        }
        let handle = self.scan_tag_handle(true, start)?;
        self.cache(1)?;
        if !is_blank(self.ch(0)) {
            return Err(self.scanner_error(
                "while scanning a %TAG directive",
                start,
                "did not find expected whitespace",
            ));
        }
        while is_blank(self.ch(0)) {
            self.skip();
            self.cache(1)?;
        }
        let prefix = self.scan_tag_uri(true, "", start)?;
        self.cache(1)?;
        if !is_blankz(self.ch(0)) {
            return Err(self.scanner_error(
                "while scanning a %TAG directive",
                start,
                "did not find expected whitespace or line break",
            ));
        }
        Ok((handle, prefix))
    }

    fn scan_anchor(&mut self, alias: bool) -> Res<Token> {
        let start = self.mark;
        self.skip();
        self.cache(1)?;
        let mut s = String::new();
        while is_alpha(self.ch(0)) {
            self.read(&mut s);
            self.cache(1)?;
        }
        let end = self.mark;
        let c = self.ch(0);
        if s.is_empty()
            || !(is_blankz(c) || matches!(c, '?' | ':' | ',' | ']' | '}' | '%' | '@' | '`'))
        {
            let context = if alias {
                "while scanning an alias"
            } else {
                "while scanning an anchor"
            };
            return Err(self.scanner_error(
                context,
                start,
                "did not find expected alphabetic or numeric character",
            ));
        }
        let kind = if alias {
            TokenKind::Alias
        } else {
            TokenKind::Anchor
        };
        Ok(Token::with_text(kind, start, end, s, String::new()))
    }

    fn scan_tag(&mut self) -> Res<Token> {
        let start = self.mark;
        self.cache(2)?;
        let (handle, suffix);
        if self.ch(1) == '<' {
            self.skip();
            self.skip();
            suffix = self.scan_tag_uri(false, "", start)?;
            if self.ch(0) != '>' {
                return Err(self.scanner_error(
                    "while scanning a tag",
                    start,
                    "did not find the expected '>'",
                ));
            }
            self.skip();
            handle = String::new();
        } else {
            let h = self.scan_tag_handle(false, start)?;
            if h.len() > 1 && h.starts_with('!') && h.ends_with('!') {
                handle = h;
                suffix = self.scan_tag_uri(false, "", start)?;
            } else {
                let s = self.scan_tag_uri(false, &h, start)?;
                if s.is_empty() {
                    handle = String::new();
                    suffix = "!".to_string();
                } else {
                    handle = "!".to_string();
                    suffix = s;
                }
            }
        }
        self.cache(1)?;
        if !is_blankz(self.ch(0)) {
            return Err(self.scanner_error(
                "while scanning a tag",
                start,
                "did not find expected whitespace or line break",
            ));
        }
        Ok(Token::with_text(
            TokenKind::Tag,
            start,
            self.mark,
            suffix,
            handle,
        ))
    }

    fn tag_error(&mut self, directive: bool, start: Mark, problem: &str) -> SyntaxError {
        let context = if directive {
            "while parsing a %TAG directive"
        } else {
            "while parsing a tag"
        };
        self.scanner_error(context, start, problem)
    }

    fn scan_tag_handle(&mut self, directive: bool, start: Mark) -> Res<String> {
        self.cache(1)?;
        if self.ch(0) != '!' {
            return Err(self.tag_error(directive, start, "did not find expected '!'"));
        }
        let mut s = String::new();
        self.read(&mut s);
        self.cache(1)?;
        while is_alpha(self.ch(0)) {
            self.read(&mut s);
            self.cache(1)?;
        }
        if self.ch(0) == '!' {
            self.read(&mut s);
        } else if directive && s != "!" {
            return Err(self.tag_error(directive, start, "did not find expected '!'"));
        }
        Ok(s)
    }

    fn scan_tag_uri(&mut self, directive: bool, head: &str, start: Mark) -> Res<String> {
        let mut bytes: Vec<u8> = Vec::new();
        let mut has_tag = !head.is_empty();
        if head.len() > 1 {
            bytes.extend_from_slice(&head.as_bytes()[1..]);
        }
        self.cache(1)?;
        loop {
            let c = self.ch(0);
            let uri_char = is_alpha(c)
                || matches!(
                    c,
                    ';' | '/'
                        | '?'
                        | ':'
                        | '@'
                        | '&'
                        | '='
                        | '+'
                        | '$'
                        | ','
                        | '.'
                        | '!'
                        | '~'
                        | '*'
                        | '\''
                        | '('
                        | ')'
                        | '['
                        | ']'
                        | '%'
                );
            if !uri_char {
                break;
            }
            if c == '%' {
                self.scan_uri_escapes(directive, start, &mut bytes)?;
            } else {
                let mut buf = [0u8; 4];
                bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                self.skip();
            }
            self.cache(1)?;
            has_tag = true;
        }
        if !has_tag {
            return Err(self.tag_error(directive, start, "did not find expected tag URI"));
        }
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    fn scan_uri_escapes(&mut self, directive: bool, start: Mark, s: &mut Vec<u8>) -> Res<()> {
        let mut w: usize = 1024;
        while w > 0 {
            self.cache(3)?;
            if !(self.ch(0) == '%'
                && self.ch(1).is_ascii_hexdigit()
                && self.ch(2).is_ascii_hexdigit())
            {
                return Err(self.tag_error(directive, start, "did not find URI escaped octet"));
            }
            let octet = ((as_hex(self.ch(1)) << 4) + as_hex(self.ch(2))) as u8;
            if w == 1024 {
                w = match octet {
                    b if b & 0x80 == 0 => 1,
                    b if b & 0xE0 == 0xC0 => 2,
                    b if b & 0xF0 == 0xE0 => 3,
                    b if b & 0xF8 == 0xF0 => 4,
                    _ => {
                        return Err(self.tag_error(
                            directive,
                            start,
                            "found an incorrect leading UTF-8 octet",
                        ))
                    }
                };
            } else if octet & 0xC0 != 0x80 {
                return Err(self.tag_error(
                    directive,
                    start,
                    "found an incorrect trailing UTF-8 octet",
                ));
            }
            s.push(octet);
            self.skip();
            self.skip();
            self.skip();
            w -= 1;
        }
        Ok(())
    }

    fn scan_block_scalar(&mut self, literal: bool) -> Res<Token> {
        let start = self.mark;
        self.skip();
        self.cache(1)?;
        let mut chomping = 0i32;
        let mut increment = 0usize;
        let c = self.ch(0);
        if c == '+' || c == '-' {
            chomping = if c == '+' { 1 } else { -1 };
            self.skip();
            self.cache(1)?;
            if self.ch(0).is_ascii_digit() {
                if self.ch(0) == '0' {
                    return Err(self.scanner_error(
                        "while scanning a block scalar",
                        start,
                        "found an indentation indicator equal to 0",
                    ));
                }
                increment = self.ch(0).to_digit(10).unwrap_or(0) as usize;
                self.skip();
            }
        } else if c.is_ascii_digit() {
            if c == '0' {
                return Err(self.scanner_error(
                    "while scanning a block scalar",
                    start,
                    "found an indentation indicator equal to 0",
                ));
            }
            increment = c.to_digit(10).unwrap_or(0) as usize;
            self.skip();
            self.cache(1)?;
            let c = self.ch(0);
            if c == '+' || c == '-' {
                chomping = if c == '+' { 1 } else { -1 };
                self.skip();
            }
        }
        self.cache(1)?;
        while is_blank(self.ch(0)) {
            self.skip();
            self.cache(1)?;
        }
        self.skip_comment()?;
        if !is_breakz(self.ch(0)) {
            return Err(self.scanner_error(
                "while scanning a block scalar",
                start,
                "did not find expected comment or line break",
            ));
        }
        if is_break(self.ch(0)) {
            self.cache(2)?;
            self.skip_line();
        }
        let mut end = self.mark;
        let mut indent: usize = 0;
        if increment > 0 {
            indent = if self.indent >= 0 {
                self.indent as usize + increment
            } else {
                increment
            };
        }
        let mut s = String::new();
        let Blanks {
            mut leading_break,
            mut trailing_breaks,
            whitespaces,
        } = self.take_blanks();
        self.scan_block_scalar_breaks(&mut indent, &mut trailing_breaks, start, &mut end)?;
        self.cache(1)?;
        let mut leading_blank = false;
        while self.mark.column == indent && self.ch(0) != '\0' {
            let trailing_blank = is_blank(self.ch(0));
            if !literal && !leading_blank && !trailing_blank && leading_break.starts_with('\n') {
                if trailing_breaks.is_empty() {
                    s.push(' ');
                }
            } else {
                s.push_str(&leading_break);
            }
            leading_break.clear();
            s.push_str(&trailing_breaks);
            trailing_breaks.clear();
            leading_blank = is_blank(self.ch(0));
            s.push_str(self.take_line());
            self.cache(1)?;
            self.cache(2)?;
            self.read_line(&mut leading_break);
            self.scan_block_scalar_breaks(&mut indent, &mut trailing_breaks, start, &mut end)?;
        }
        if chomping != -1 {
            s.push_str(&leading_break);
        }
        if chomping == 1 {
            s.push_str(&trailing_breaks);
        }
        let style = if literal {
            ScalarStyle::Literal
        } else {
            ScalarStyle::Folded
        };
        let blanks = Blanks {
            leading_break,
            trailing_breaks,
            whitespaces,
        };
        Ok(self.scalar_token(style, start, end, s, blanks))
    }

    fn scan_block_scalar_breaks(
        &mut self,
        indent: &mut usize,
        breaks: &mut String,
        start: Mark,
        end: &mut Mark,
    ) -> Res<()> {
        *end = self.mark;
        let mut max_indent = 0;
        loop {
            self.cache(1)?;
            if self.reader_error.is_none() {
                // The indentation spaces at once (the loop below finds none).
                let room = match *indent {
                    0 => usize::MAX,
                    n => n.saturating_sub(self.mark.column),
                };
                let rest = self.text.as_bytes().get(self.pos..).unwrap_or_default();
                let spaces = rest.iter().take(room).take_while(|&&b| b == b' ').count();
                self.skip_ascii(spaces);
            }
            while (*indent == 0 || self.mark.column < *indent) && self.ch(0) == ' ' {
                self.skip();
                self.cache(1)?;
            }
            if self.mark.column > max_indent {
                max_indent = self.mark.column;
            }
            if (*indent == 0 || self.mark.column < *indent) && self.ch(0) == '\t' {
                return Err(self.scanner_error(
                    "while scanning a block scalar",
                    start,
                    "found a tab character where an indentation space is expected",
                ));
            }
            if !is_break(self.ch(0)) {
                break;
            }
            self.cache(2)?;
            self.read_line(breaks);
            *end = self.mark;
        }
        if *indent == 0 {
            *indent = max_indent;
            let min = (self.indent + 1).max(1) as usize;
            if *indent < min {
                *indent = min;
            }
        }
        Ok(())
    }

    fn at_document_indicator(&self) -> bool {
        self.mark.column == 0
            && ((self.ch(0) == '-' && self.ch(1) == '-' && self.ch(2) == '-')
                || (self.ch(0) == '.' && self.ch(1) == '.' && self.ch(2) == '.'))
            && is_blankz(self.ch(3))
    }

    fn scan_flow_scalar(&mut self, single: bool) -> Res<Token> {
        let start = self.mark;
        self.skip();
        let mut s = String::new();
        let Blanks {
            mut leading_break,
            mut trailing_breaks,
            mut whitespaces,
        } = self.take_blanks();
        loop {
            self.cache(4)?;
            if self.at_document_indicator() {
                return Err(self.scanner_error(
                    "while scanning a quoted scalar",
                    start,
                    "found unexpected document indicator",
                ));
            }
            if self.ch(0) == '\0' {
                return Err(self.scanner_error(
                    "while scanning a quoted scalar",
                    start,
                    "found unexpected end of stream",
                ));
            }
            let mut leading_blanks = false;
            while !is_blankz(self.ch(0)) {
                let c = self.ch(0);
                if single && c == '\'' && self.ch(1) == '\'' {
                    s.push('\'');
                    self.skip();
                    self.skip();
                } else if (single && c == '\'') || (!single && c == '"') {
                    break;
                } else if !single && c == '\\' && is_break(self.ch(1)) {
                    self.cache(3)?;
                    self.skip();
                    self.skip_line();
                    leading_blanks = true;
                    break;
                } else if !single && c == '\\' {
                    let mut code_length = 0;
                    match self.ch(1) {
                        '0' => s.push('\0'),
                        'a' => s.push('\x07'),
                        'b' => s.push('\x08'),
                        't' | '\t' => s.push('\t'),
                        'n' => s.push('\n'),
                        'v' => s.push('\x0B'),
                        'f' => s.push('\x0C'),
                        'r' => s.push('\r'),
                        'e' => s.push('\x1B'),
                        ' ' => s.push(' '),
                        '"' => s.push('"'),
                        '\'' => s.push('\''),
                        '\\' => s.push('\\'),
                        'N' => s.push('\u{85}'),
                        '_' => s.push('\u{A0}'),
                        'L' => s.push('\u{2028}'),
                        'P' => s.push('\u{2029}'),
                        'x' => code_length = 2,
                        'u' => code_length = 4,
                        'U' => code_length = 8,
                        _ => {
                            return Err(self.scanner_error(
                                "while parsing a quoted scalar",
                                start,
                                "found unknown escape character",
                            ))
                        }
                    }
                    self.skip();
                    self.skip();
                    if code_length > 0 {
                        self.cache(code_length)?;
                        let mut value: u32 = 0;
                        for k in 0..code_length {
                            if !self.ch(k).is_ascii_hexdigit() {
                                return Err(self.scanner_error(
                                    "while parsing a quoted scalar",
                                    start,
                                    "did not find expected hexdecimal number",
                                ));
                            }
                            value = (value << 4) + as_hex(self.ch(k));
                        }
                        match char::from_u32(value) {
                            Some(c) => s.push(c),
                            None => {
                                return Err(self.scanner_error(
                                    "while parsing a quoted scalar",
                                    start,
                                    "found invalid Unicode character escape code",
                                ))
                            }
                        }
                        for _ in 0..code_length {
                            self.skip();
                        }
                    }
                } else {
                    self.read(&mut s);
                    s.push_str(self.take_quoted_run(single));
                }
                self.cache(2)?;
            }
            self.cache(1)?;
            let c = self.ch(0);
            if (single && c == '\'') || (!single && c == '"') {
                break;
            }
            while is_blank(self.ch(0)) || is_break(self.ch(0)) {
                if is_blank(self.ch(0)) {
                    if !leading_blanks {
                        self.read(&mut whitespaces);
                        whitespaces.push_str(self.take_spaces());
                    } else {
                        self.skip();
                        self.take_spaces();
                    }
                } else {
                    self.cache(2)?;
                    if !leading_blanks {
                        whitespaces.clear();
                        self.read_line(&mut leading_break);
                        leading_blanks = true;
                    } else {
                        self.read_line(&mut trailing_breaks);
                    }
                }
                self.cache(1)?;
            }
            if leading_blanks {
                if leading_break.starts_with('\n') {
                    if trailing_breaks.is_empty() {
                        s.push(' ');
                    } else {
                        s.push_str(&trailing_breaks);
                    }
                } else {
                    s.push_str(&leading_break);
                    s.push_str(&trailing_breaks);
                }
                trailing_breaks.clear();
                leading_break.clear();
            } else {
                s.push_str(&whitespaces);
                whitespaces.clear();
            }
        }
        self.skip();
        let style = if single {
            ScalarStyle::SingleQuoted
        } else {
            ScalarStyle::DoubleQuoted
        };
        let blanks = Blanks {
            leading_break,
            trailing_breaks,
            whitespaces,
        };
        Ok(self.scalar_token(style, start, self.mark, s, blanks))
    }

    fn scan_plain_scalar(&mut self) -> Res<Token> {
        let mut s = String::new();
        let Blanks {
            mut leading_break,
            mut trailing_breaks,
            mut whitespaces,
        } = self.take_blanks();
        let mut leading_blanks = false;
        let indent = self.indent + 1;
        let start = self.mark;
        let mut end = self.mark;
        loop {
            self.cache(4)?;
            if self.at_document_indicator() {
                break;
            }
            if self.ch(0) == '#' {
                break;
            }
            // The characters of this run are taken as one slice once the
            // folded blanks before them are in `s`.
            let run = self.pos;
            while !is_blankz(self.ch(0)) {
                let c = self.ch(0);
                if (c == ':' && is_blankz(self.ch(1)))
                    || (self.flow_level > 0 && matches!(c, ',' | '?' | '[' | ']' | '{' | '}'))
                {
                    break;
                }
                if leading_blanks || !whitespaces.is_empty() {
                    if leading_blanks {
                        if leading_break.starts_with('\n') {
                            if trailing_breaks.is_empty() {
                                s.push(' ');
                            } else {
                                s.push_str(&trailing_breaks);
                            }
                        } else {
                            s.push_str(&leading_break);
                            s.push_str(&trailing_breaks);
                        }
                        trailing_breaks.clear();
                        leading_break.clear();
                        leading_blanks = false;
                    } else {
                        s.push_str(&whitespaces);
                        whitespaces.clear();
                    }
                }
                self.skip();
                self.skip_plain_ascii();
                end = self.mark;
                self.cache(2)?;
            }
            let text = self.text.get(run..self.pos).unwrap_or_default();
            if s.is_empty() {
                // Usually the whole scalar: allocated once at its size.
                s = text.to_owned();
            } else {
                s.push_str(text);
            }
            if !(is_blank(self.ch(0)) || is_break(self.ch(0))) {
                break;
            }
            self.cache(1)?;
            while is_blank(self.ch(0)) || is_break(self.ch(0)) {
                if is_blank(self.ch(0)) {
                    if leading_blanks && (self.mark.column as isize) < indent && self.ch(0) == '\t'
                    {
                        return Err(self.scanner_error(
                            "while scanning a plain scalar",
                            start,
                            "found a tab character that violates indentation",
                        ));
                    }
                    if !leading_blanks {
                        self.read(&mut whitespaces);
                        whitespaces.push_str(self.take_spaces());
                    } else {
                        self.skip();
                        self.take_spaces();
                    }
                } else {
                    self.cache(2)?;
                    if !leading_blanks {
                        whitespaces.clear();
                        self.read_line(&mut leading_break);
                        leading_blanks = true;
                    } else {
                        self.read_line(&mut trailing_breaks);
                    }
                }
                self.cache(1)?;
            }
            if self.flow_level == 0 && (self.mark.column as isize) < indent {
                break;
            }
        }
        if leading_blanks {
            self.simple_key_allowed = true;
        }
        let blanks = Blanks {
            leading_break,
            trailing_breaks,
            whitespaces,
        };
        Ok(self.scalar_token(ScalarStyle::Plain, start, end, s, blanks))
    }
}
