//! BurntSushi/toml's `Unmarshal` into `map[string]interface{}`, as Helm's
//! `fromToml` calls it: TOML 1.0, plus in v1.6.0 (helm 4) the TOML 1.1
//! additions it accepts (newlines and trailing commas in inline tables, `\e`
//! and `\xHH` escapes, times without seconds), with its duplicate-key and
//! table rules and its error texts (`toml: line N (last key "k"): message`).
//!
//! The result keeps Go's dynamic types: integers are `int64`, floats
//! `float64`, arrays `[]interface {}`, tables `map[string]interface {}`,
//! arrays of tables `[]map[string]interface {}` and datetimes `time.Time`.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::error::TomlError;
use crate::toml::{replace_quoted, TomlVersion};
use crate::toml_lex::{is_bare_key_char, is_hex, lex, Item, ItemType, Lexed};
use crate::value::go_quote;

/// A table: Go's `map[string]interface {}`.
pub type TomlTable = BTreeMap<String, TomlValue>;

/// A decoded TOML value with the Go type BurntSushi/toml gives it.
#[derive(Clone, Debug, PartialEq)]
pub enum TomlValue {
    String(String),
    /// `int64`.
    Integer(i64),
    /// `float64`.
    Float(f64),
    Bool(bool),
    /// `time.Time`.
    Datetime(TomlDatetime),
    /// `[]interface {}` (arrays, including arrays of inline tables).
    Array(Vec<TomlValue>),
    /// `map[string]interface {}`.
    Table(TomlTable),
    /// `[]map[string]interface {}` (`[[name]]` sections).
    TableArray(Vec<TomlTable>),
}

/// The location BurntSushi/toml gives a datetime.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DatetimeZone {
    /// `Z`: `time.UTC`.
    Utc,
    /// A numeric offset, seconds east of UTC: Go's `time.Local` when the local
    /// zone has that offset at that instant, else an unnamed fixed zone.
    Offset(i32),
    /// A local datetime: the fixed zone `datetime-local` at the local offset.
    LocalDatetime,
    /// A local date: the fixed zone `date-local`.
    LocalDate,
    /// A local time (on January 1 of year 0): the fixed zone `time-local`.
    LocalTime,
}

/// A datetime's civil fields as written, and its location.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TomlDatetime {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub nanosecond: u32,
    pub zone: DatetimeZone,
}

/// Decodes a TOML document as `toml.Unmarshal` into a `map[string]interface{}`
/// does; the error's text is BurntSushi's `ParseError.Error()`.
pub fn decode(input: &str, version: TomlVersion) -> std::result::Result<TomlTable, TomlError> {
    parse(input, version).map_err(|e| TomlError::Decode(e.to_string()))
}

/// A `ParseError`: the message, its line and the last key the parser saw.
struct ParseError {
    message: String,
    line: usize,
    last_key: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.last_key.is_empty() {
            write!(f, "toml: line {}: {}", self.line, self.message)
        } else {
            write!(
                f,
                "toml: line {} (last key {}): {}",
                self.line,
                go_quote(&self.last_key),
                self.message
            )
        }
    }
}

type Result<T> = std::result::Result<T, ParseError>;

/// A dotted key, as a list of its parts.
type Key = Vec<String>;

/// Go's `Key.String()`: parts joined by dots, quoted where not bare.
fn key_string(key: &[String]) -> String {
    key.iter()
        .map(|k| {
            if k.is_empty() {
                "\"\"".to_string()
            } else if k.chars().all(is_bare_key_char) {
                k.clone()
            } else {
                format!("\"{}\"", replace_quoted(k))
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

fn parse(data: &str, version: TomlVersion) -> Result<TomlTable> {
    let data = data.strip_prefix('\u{feff}').unwrap_or(data);
    if data.bytes().take(6).any(|b| b == 0) {
        return Err(ParseError {
            message:
                "files cannot contain NULL bytes; probably using UTF-16; TOML files must be UTF-8"
                    .into(),
            line: 1,
            last_key: String::new(),
        });
    }
    let mut p = Parser {
        lexed: lex(data, version),
        version,
        next_item: 0,
        context: Vec::new(),
        current_key: String::new(),
        pos_line: 0,
        arrays: HashMap::new(),
        mapping: TomlTable::new(),
        implicits: HashSet::new(),
    };
    loop {
        let item = p.next()?;
        if item.typ == ItemType::Eof {
            break;
        }
        p.top_level(item)?;
    }
    Ok(p.mapping)
}

struct Parser {
    lexed: Lexed,
    version: TomlVersion,
    next_item: usize,
    /// The full key of the table in scope.
    context: Key,
    /// The key being set, relative to `context`.
    current_key: String,
    /// The line of the last item read with `next_pos`.
    pos_line: usize,
    /// Whether each key's recorded TOML type is an array.
    arrays: HashMap<Key, bool>,
    mapping: TomlTable,
    /// Tables created implicitly (`[a.b]` creates `a`), which may still be defined.
    implicits: HashSet<Key>,
}

/// What went wrong while walking down the mapping, before it can be reported.
enum Walk {
    NotAHash(Key),
    Defined(Key),
}

impl Parser {
    fn current(&self) -> String {
        if self.current_key.is_empty() {
            key_string(&self.context)
        } else if self.context.is_empty() {
            self.current_key.clone()
        } else {
            format!("{}.{}", key_string(&self.context), self.current_key)
        }
    }

    fn error_at(&self, line: usize, message: String) -> ParseError {
        ParseError {
            message,
            line,
            last_key: self.current(),
        }
    }

    fn panicf(&self, message: String) -> ParseError {
        self.error_at(self.pos_line, message)
    }

    fn bug(&self, what: &str) -> ParseError {
        self.error_at(self.pos_line, format!("BUG: {what}"))
    }

    fn next(&mut self) -> Result<Item> {
        if let Some(item) = self.lexed.items.get(self.next_item) {
            self.next_item += 1;
            return Ok(item.clone());
        }
        match &self.lexed.error {
            Some(e) => Err(self.error_at(e.line, e.message.clone())),
            None => Ok(Item {
                typ: ItemType::Eof,
                val: String::new(),
                line: self.pos_line,
            }),
        }
    }

    fn next_pos(&mut self) -> Result<Item> {
        let it = self.next()?;
        self.pos_line = it.line;
        Ok(it)
    }

    fn expect(&mut self, typ: ItemType) -> Result<Item> {
        let it = self.next()?;
        if it.typ != typ {
            return Err(self.bug(&format!("expected {typ:?} but got {:?}", it.typ)));
        }
        Ok(it)
    }

    /// Reads key parts from `first` up to the item `end`.
    fn read_key(&mut self, first: Item, end: ItemType) -> Result<Key> {
        let mut key = Vec::new();
        let mut name = first;
        while name.typ != end && name.typ != ItemType::Eof {
            key.push(self.key_part(&name)?);
            name = self.next()?;
        }
        if name.typ != end {
            return Err(self.bug("unterminated key"));
        }
        Ok(key)
    }

    fn top_level(&mut self, item: Item) -> Result<()> {
        match item.typ {
            ItemType::CommentStart => {
                self.expect(ItemType::Text)?;
            }
            ItemType::TableStart | ItemType::ArrayTableStart => {
                let array = item.typ == ItemType::ArrayTableStart;
                let end = if array {
                    ItemType::ArrayTableEnd
                } else {
                    ItemType::TableEnd
                };
                let first = self.next_pos()?;
                let key = self.read_key(first, end)?;
                self.add_context(&key, array)?;
                self.set_type("", false);
            }
            ItemType::KeyStart => {
                let outer = self.context.clone();
                let first = self.next_pos()?;
                let key = self.read_key(first, ItemType::KeyEnd)?;
                self.key_value(key)?;
                self.context = outer;
                self.current_key.clear();
            }
            _ => return Err(self.bug("unexpected item at top level")),
        }
        Ok(())
    }

    /// Sets `key = <next value>` in the current context and returns the value
    /// (with the context moved to the key's parent tables).
    fn key_value(&mut self, mut key: Key) -> Result<TomlValue> {
        let Some(last) = key.pop() else {
            return Err(self.bug("empty key"));
        };
        self.current_key = last;
        for part in &key {
            let mut implicit = self.context.clone();
            implicit.push(part.clone());
            self.add_implicit_context(implicit)?;
        }
        let v_item = self.next()?;
        let (value, is_array) = self.value(&v_item, false)?;
        let current = self.current_key.clone();
        self.set_value(&current, value.clone())?;
        self.set_type(&current, is_array);
        Ok(value)
    }

    fn key_part(&mut self, it: &Item) -> Result<String> {
        match it.typ {
            ItemType::Text => Ok(it.val.clone()),
            ItemType::String
            | ItemType::StringEsc
            | ItemType::MultilineString
            | ItemType::RawString
            | ItemType::RawMultilineString => match self.value(it, false)?.0 {
                TomlValue::String(s) => Ok(s),
                _ => Err(self.bug("key is not a string")),
            },
            _ => Err(self.bug("unexpected key type")),
        }
    }

    /// The value of an item, and whether its TOML type is an array.
    fn value(&mut self, it: &Item, parent_is_array: bool) -> Result<(TomlValue, bool)> {
        let v = match it.typ {
            ItemType::String | ItemType::RawString => TomlValue::String(it.val.clone()),
            ItemType::StringEsc => TomlValue::String(self.replace_escapes(it, &it.val)?),
            ItemType::MultilineString => {
                let s = strip_escaped_newlines(strip_first_newline(&it.val));
                TomlValue::String(self.replace_escapes(it, &s)?)
            }
            ItemType::RawMultilineString => {
                TomlValue::String(strip_first_newline(&it.val).to_string())
            }
            ItemType::Integer => self.value_integer(it)?,
            ItemType::Float => self.value_float(it)?,
            ItemType::Bool => TomlValue::Bool(it.val == "true"),
            ItemType::Datetime => self.value_datetime(it)?,
            ItemType::Array => return Ok((self.value_array()?, true)),
            ItemType::InlineTableStart => self.value_inline_table(parent_is_array)?,
            _ => return Err(self.bug("unexpected value type")),
        };
        Ok((v, false))
    }

    fn value_integer(&self, it: &Item) -> Result<TomlValue> {
        let val = &it.val;
        if !num_underscores_ok(val) {
            return Err(self.error_at(
                it.line,
                format!(
                    "Invalid integer {}: underscores must be surrounded by digits",
                    go_quote(val)
                ),
            ));
        }
        if num_has_leading_zero(val) {
            return Err(self.error_at(
                it.line,
                format!(
                    "Invalid integer {}: cannot have leading zeroes",
                    go_quote(val)
                ),
            ));
        }
        let digits: String = val.chars().filter(|&c| c != '_').collect();
        let (negative, unsigned) = match digits.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, digits.strip_prefix('+').unwrap_or(&digits)),
        };
        let (radix, body) = match unsigned.get(..2) {
            Some("0x") => (16, &unsigned[2..]),
            Some("0o") => (8, &unsigned[2..]),
            Some("0b") => (2, &unsigned[2..]),
            _ => (10, unsigned),
        };
        let magnitude = u64::from_str_radix(body, radix).ok();
        let parsed = magnitude.and_then(|m| {
            if negative {
                0i64.checked_sub_unsigned(m)
            } else {
                i64::try_from(m).ok()
            }
        });
        match parsed {
            Some(n) => Ok(TomlValue::Integer(n)),
            None if body.chars().all(|c| c.is_digit(radix)) && !body.is_empty() => {
                Err(self.error_at(it.line, format!("{val} is out of range for int64")))
            }
            None => Err(self.error_at(
                it.line,
                format!("BUG: Expected integer value, but got '{val}'."),
            )),
        }
    }

    fn value_float(&self, it: &Item) -> Result<TomlValue> {
        let val = &it.val;
        let parts: Vec<&str> = val
            .split(['.', 'e', 'E'])
            .filter(|p| !p.is_empty())
            .collect();
        if parts.iter().any(|p| !num_underscores_ok(p)) {
            return Err(self.error_at(
                it.line,
                format!(
                    "Invalid float {}: underscores must be surrounded by digits",
                    go_quote(val)
                ),
            ));
        }
        if parts.first().is_some_and(|p| num_has_leading_zero(p)) {
            return Err(self.error_at(
                it.line,
                format!(
                    "Invalid float {}: cannot have leading zeroes",
                    go_quote(val)
                ),
            ));
        }
        if !num_periods_ok(val) {
            return Err(self.error_at(
                it.line,
                format!(
                    "Invalid float {}: '.' must be followed by one or more digits",
                    go_quote(val)
                ),
            ));
        }
        let mut text: String = val.chars().filter(|&c| c != '_').collect();
        let negative_nan = text == "-nan";
        if text == "+nan" || text == "-nan" {
            text = "nan".into();
        }
        match go_parse_float(&text) {
            Some(f) if f.is_infinite() && !text.ends_with("inf") => {
                Err(self.error_at(it.line, format!("{val} is out of range for float64")))
            }
            Some(f) => Ok(TomlValue::Float(if negative_nan { -f } else { f })),
            None => Err(self.error_at(it.line, format!("Invalid float value: {}", go_quote(val)))),
        }
    }

    fn value_datetime(&self, it: &Item) -> Result<TomlValue> {
        let val: String = it
            .val
            .chars()
            .map(|c| match c {
                'z' => 'Z',
                't' | ' ' => 'T',
                c => c,
            })
            .collect();
        match parse_datetime(&val, self.version) {
            Some(dt) => Ok(TomlValue::Datetime(dt)),
            None => Err(self.error_at(it.line, format!("invalid datetime: {}", go_quote(&val)))),
        }
    }

    fn value_array(&mut self) -> Result<TomlValue> {
        let current = self.current_key.clone();
        self.set_type(&current, true);
        let mut array = Vec::new();
        loop {
            let it = self.next()?;
            match it.typ {
                ItemType::ArrayEnd => break,
                ItemType::CommentStart => {
                    self.expect(ItemType::Text)?;
                }
                _ => array.push(self.value(&it, true)?.0),
            }
        }
        Ok(TomlValue::Array(array))
    }

    fn value_inline_table(&mut self, parent_is_array: bool) -> Result<TomlValue> {
        let mut top = TomlTable::new();
        let outer_context = self.context.clone();
        let outer_key = std::mem::take(&mut self.current_key);
        self.context.push(outer_key.clone());
        let prev_context = self.context.clone();
        self.implicits.insert(self.context.clone());
        let here = self.context.clone();
        self.add_context(&here, parent_is_array)?;
        loop {
            let it = self.next()?;
            match it.typ {
                ItemType::InlineTableEnd => break,
                ItemType::CommentStart => {
                    self.expect(ItemType::Text)?;
                    continue;
                }
                _ => {}
            }
            let first = self.next_pos()?;
            let mut key = self.read_key(first, ItemType::KeyEnd)?;
            let parents = key[..key.len().saturating_sub(1)].to_vec();
            let value = self.key_value(std::mem::take(&mut key))?;
            let mut hash = &mut top;
            for c in &parents {
                let entry = hash
                    .entry(c.clone())
                    .or_insert_with(|| TomlValue::Table(TomlTable::new()));
                match entry {
                    TomlValue::Table(t) => hash = t,
                    _ => {
                        return Err(self.panicf(format!(
                            "{} is not a table",
                            go_quote(&key_string(&self.context))
                        )))
                    }
                }
            }
            hash.insert(self.current_key.clone(), value);
            self.context.clone_from(&prev_context);
        }
        self.context = outer_context;
        self.current_key = outer_key;
        Ok(TomlValue::Table(top))
    }

    fn add_implicit_context(&mut self, key: Key) -> Result<()> {
        self.implicits.insert(key.clone());
        self.add_context(&key, false)
    }

    /// Makes `key` the current table (a new element when `array`), creating the
    /// implicit tables above it and refusing keys already used otherwise.
    fn add_context(&mut self, key: &[String], array: bool) -> Result<()> {
        let Some((last, parents)) = key.split_last() else {
            return Err(self.bug("empty table name"));
        };
        let walked = walk_parents(&mut self.mapping, &mut self.implicits, parents);
        if let Err(Walk::NotAHash(k) | Walk::Defined(k)) = walked {
            return Err(self.panicf(format!(
                "Key '{}' was already created as a hash.",
                key_string(&k)
            )));
        }
        self.context = parents.to_vec();
        if array {
            let hash = walk_to(&mut self.mapping, parents);
            let slot = hash.and_then(|h| {
                let entry = h
                    .entry(last.clone())
                    .or_insert_with(|| TomlValue::TableArray(Vec::new()));
                match entry {
                    TomlValue::TableArray(tables) => {
                        tables.push(TomlTable::new());
                        Some(())
                    }
                    _ => None,
                }
            });
            if slot.is_none() {
                return Err(self.panicf(format!(
                    "Key '{}' was already created and cannot be used as an array.",
                    key_string(key)
                )));
            }
        } else {
            self.set_value(last, TomlValue::Table(TomlTable::new()))?;
        }
        self.context.push(last.clone());
        Ok(())
    }

    /// Sets `key` in the current context, allowing the concrete definition of a
    /// table that was only implied so far.
    fn set_value(&mut self, key: &str, value: TomlValue) -> Result<()> {
        let mut key_context = self.context.clone();
        key_context.push(key.to_string());
        let hash = match walk_context(&mut self.mapping, &self.context) {
            Ok(h) => h,
            Err(Walk::Defined(k)) => {
                return Err(self.panicf(format!(
                    "Key '{}' has already been defined.",
                    key_string(&k)
                )))
            }
            Err(Walk::NotAHash(k)) => {
                return Err(self.bug(&format!(
                    "Context for key '{}' has not been established.",
                    key_string(&k)
                )))
            }
        };
        if !hash.contains_key(key) {
            hash.insert(key.to_string(), value);
            return Ok(());
        }
        let is_array = self.arrays.get(&key_context).copied().unwrap_or(false);
        let implicit = self.implicits.contains(&key_context);
        // v1.4.0 lets an array replace an earlier array of the same key.
        if is_array && (implicit || self.version == TomlVersion::V1_4) {
            hash.insert(key.to_string(), value);
            self.implicits.remove(&key_context);
            return Ok(());
        }
        if implicit {
            self.implicits.remove(&key_context);
            return Ok(());
        }
        Err(self.panicf(format!(
            "Key '{}' has already been defined.",
            key_string(&key_context)
        )))
    }

    fn set_type(&mut self, key: &str, is_array: bool) {
        let mut key_context = self.context.clone();
        if !key.is_empty() {
            key_context.push(key.to_string());
        }
        if key_context.is_empty() {
            key_context.push(String::new());
        }
        self.arrays.insert(key_context, is_array);
    }

    fn replace_escapes(&self, it: &Item, s: &str) -> Result<String> {
        let mut out = String::with_capacity(s.len());
        let mut chars = s.char_indices();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            let Some((_, e)) = chars.next() else {
                return Err(self.bug("escape sequence at end of string"));
            };
            let width = match e {
                ' ' | '\t' => {
                    return Err(self.error_at(it.line, format!("invalid escape: '\\{e}'")))
                }
                'b' => {
                    out.push('\x08');
                    continue;
                }
                't' => {
                    out.push('\t');
                    continue;
                }
                'n' => {
                    out.push('\n');
                    continue;
                }
                'f' => {
                    out.push('\x0c');
                    continue;
                }
                'r' => {
                    out.push('\r');
                    continue;
                }
                'e' => {
                    out.push('\x1b');
                    continue;
                }
                '"' | '\\' => {
                    out.push(e);
                    continue;
                }
                'x' => 2,
                'u' => 4,
                'U' => 8,
                other => {
                    return Err(self.bug(&format!(
                        "Expected valid escape code after \\, but got {}.",
                        go_quote(&other.to_string())
                    )))
                }
            };
            let hex = s.get(i + 2..i + 2 + width).unwrap_or_default();
            if hex.len() != width || !hex.chars().all(is_hex) {
                return Err(self.bug("bad hexadecimal escape"));
            }
            for _ in 0..width {
                chars.next();
            }
            match u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                Some(r) => out.push(r),
                None => {
                    return Err(self.error_at(
                        it.line,
                        format!("Escaped character '\\u{hex}' is not valid UTF-8."),
                    ))
                }
            }
        }
        Ok(out)
    }
}

/// Walks down `parents` from the top, creating implicit tables, stepping into
/// the last element of arrays of tables.
fn walk_parents(
    mapping: &mut TomlTable,
    implicits: &mut HashSet<Key>,
    parents: &[String],
) -> std::result::Result<(), Walk> {
    let mut hash = mapping;
    let mut key_context = Vec::new();
    for k in parents {
        key_context.push(k.clone());
        if !hash.contains_key(k) {
            implicits.insert(key_context.clone());
            hash.insert(k.clone(), TomlValue::Table(TomlTable::new()));
        }
        hash = match hash.get_mut(k) {
            Some(TomlValue::TableArray(t)) => match t.last_mut() {
                Some(last) => last,
                None => return Err(Walk::NotAHash(key_context)),
            },
            Some(TomlValue::Table(t)) => t,
            _ => return Err(Walk::NotAHash(key_context)),
        };
    }
    Ok(())
}

/// The table at `path` (which `walk_parents` has made exist).
fn walk_to<'m>(mapping: &'m mut TomlTable, path: &[String]) -> Option<&'m mut TomlTable> {
    walk_context(mapping, path).ok()
}

/// The table of the current context; `Defined` names a key on the way that
/// holds a plain value, `NotAHash` one that is missing.
fn walk_context<'m>(
    mapping: &'m mut TomlTable,
    context: &[String],
) -> std::result::Result<&'m mut TomlTable, Walk> {
    let mut hash = mapping;
    let mut key_context = Vec::new();
    for k in context {
        key_context.push(k.clone());
        hash = match hash.get_mut(k) {
            None => return Err(Walk::NotAHash(key_context)),
            Some(TomlValue::TableArray(t)) => match t.last_mut() {
                Some(last) => last,
                None => return Err(Walk::Defined(key_context)),
            },
            Some(TomlValue::Table(t)) => t,
            Some(_) => return Err(Walk::Defined(key_context)),
        };
    }
    Ok(hash)
}

fn num_has_leading_zero(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() > 1 && b[0] == b'0' && !matches!(b[1], b'b' | b'o' | b'x') {
        return true;
    }
    b.len() > 2 && (b[0] == b'-' || b[0] == b'+') && b[1] == b'0'
}

fn num_underscores_ok(s: &str) -> bool {
    if matches!(s, "nan" | "+nan" | "-nan" | "inf" | "-inf" | "+inf") {
        return true;
    }
    let mut accept = false;
    for r in s.chars() {
        if r == '_' && !accept {
            return false;
        }
        accept = is_hex(r);
    }
    accept
}

fn num_periods_ok(s: &str) -> bool {
    let mut period = false;
    for r in s.chars() {
        if period && !r.is_ascii_digit() {
            return false;
        }
        period = r == '.';
    }
    !period
}

/// `strconv.ParseFloat(s, 64)` for the texts the lexer lets through: an
/// optional sign, digits with an optional fraction and exponent, `inf`, `nan`.
fn go_parse_float(s: &str) -> Option<f64> {
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    let negative = s.starts_with('-');
    match unsigned {
        "inf" => {
            return Some(if negative {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            })
        }
        "nan" => return Some(f64::NAN),
        _ => {}
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let (int_part, frac) = match mantissa.split_once('.') {
        Some((a, b)) => (a, Some(b)),
        None => (mantissa, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let frac_ok = frac.is_none_or(|f| f.bytes().all(|b| b.is_ascii_digit()));
    let mantissa_ok = (digits(int_part) || frac.is_some_and(digits))
        && (int_part.is_empty() || digits(int_part))
        && frac_ok;
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    if !mantissa_ok || !exponent_ok {
        return None;
    }
    s.parse::<f64>().ok()
}

fn strip_first_newline(s: &str) -> &str {
    s.strip_prefix('\n')
        .or_else(|| s.strip_prefix("\r\n"))
        .unwrap_or(s)
}

/// Removes a line-ending backslash and the whitespace after it.
fn strip_escaped_newlines(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    let mut i = 0;
    loop {
        let Some(ix) = rest[i..].find('\\') else {
            out.push_str(rest);
            return out;
        };
        i += ix;
        if rest.as_bytes().get(i + 1) == Some(&b'\\') {
            i += 2;
            continue;
        }
        let mut j = i + 1;
        while matches!(rest.as_bytes().get(j), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            j += 1;
        }
        if j == i + 1 || !rest[i..j].contains('\n') {
            i += 1;
            continue;
        }
        out.push_str(&rest[..i]);
        rest = &rest[j..];
        i = 0;
    }
}

/// Two digits at the start of `s`.
fn two_digits(s: &str) -> Option<(u32, &str)> {
    let b = s.as_bytes();
    if b.len() >= 2 && b[0].is_ascii_digit() && b[1].is_ascii_digit() {
        Some((
            u32::from(b[0] - b'0') * 10 + u32::from(b[1] - b'0'),
            &s[2..],
        ))
    } else {
        None
    }
}

/// `2006-01-02`.
fn parse_date(s: &str) -> Option<((i64, u32, u32), &str)> {
    let year = s.get(..4)?;
    if !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let rest = s[4..].strip_prefix('-')?;
    let (month, rest) = two_digits(rest)?;
    let rest = rest.strip_prefix('-')?;
    let (day, rest) = two_digits(rest)?;
    let year: i64 = year.parse().ok()?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in(month, year) {
        return None;
    }
    Some(((year, month, day), rest))
}

fn days_in(month: u32, year: i64) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Hour, minute, second and nanosecond.
type ClockTime = (u32, u32, u32, u32);

/// `15:04:05.999999999`, or `15:04` when `seconds` is false.
fn parse_time(s: &str, seconds: bool) -> Option<(ClockTime, &str)> {
    let (hour, rest) = two_digits(s)?;
    let rest = rest.strip_prefix(':')?;
    let (minute, mut rest) = two_digits(rest)?;
    let (mut second, mut nanos) = (0, 0);
    if seconds {
        let r = rest.strip_prefix(':')?;
        let (sec, r) = two_digits(r)?;
        second = sec;
        rest = r;
        if let Some(frac) = rest.strip_prefix('.') {
            let n = frac.bytes().take_while(u8::is_ascii_digit).count();
            if n > 0 {
                let mut scaled: u32 = 0;
                for (k, b) in frac.bytes().take(9).take(n).enumerate() {
                    scaled += u32::from(b - b'0') * 10u32.pow(8 - k as u32);
                }
                nanos = scaled;
                rest = &frac[n..];
            }
        }
    }
    if hour >= 24 || minute >= 60 || second >= 60 {
        return None;
    }
    Some(((hour, minute, second, nanos), rest))
}

/// `Z07:00`.
fn parse_offset(s: &str) -> Option<DatetimeZone> {
    if s == "Z" {
        return Some(DatetimeZone::Utc);
    }
    let b = s.as_bytes();
    if b.len() != 6 || b[3] != b':' {
        return None;
    }
    let sign = match b[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (hours, _) = two_digits(&s[1..3])?;
    let (minutes, _) = two_digits(&s[4..6])?;
    if hours > 24 || minutes > 60 {
        return None;
    }
    Some(DatetimeZone::Offset(
        sign * (hours * 3600 + minutes * 60) as i32,
    ))
}

/// The layouts BurntSushi/toml tries, in its order: RFC 3339 with an offset,
/// local datetime, local date, local time, then (v1.6.0) the forms without
/// seconds.
fn parse_datetime(s: &str, version: TomlVersion) -> Option<TomlDatetime> {
    let with_time = |date: (i64, u32, u32), time: ClockTime, zone| TomlDatetime {
        year: date.0,
        month: date.1,
        day: date.2,
        hour: time.0,
        minute: time.1,
        second: time.2,
        nanosecond: time.3,
        zone,
    };
    let datetime = |seconds: bool, zoned: bool| {
        let (date, rest) = parse_date(s)?;
        let (time, rest) = parse_time(rest.strip_prefix('T')?, seconds)?;
        let zone = if zoned {
            parse_offset(rest)?
        } else if rest.is_empty() {
            DatetimeZone::LocalDatetime
        } else {
            return None;
        };
        Some(with_time(date, time, zone))
    };
    let date_only = || match parse_date(s)? {
        (date, "") => Some(with_time(date, (0, 0, 0, 0), DatetimeZone::LocalDate)),
        _ => None,
    };
    let time_only = |seconds: bool| match parse_time(s, seconds)? {
        (time, "") => Some(with_time((0, 1, 1), time, DatetimeZone::LocalTime)),
        _ => None,
    };
    let with_seconds = datetime(true, true)
        .or_else(|| datetime(true, false))
        .or_else(date_only)
        .or_else(|| time_only(true));
    if version == TomlVersion::V1_4 {
        return with_seconds;
    }
    with_seconds
        .or_else(|| datetime(false, true))
        .or_else(|| datetime(false, false))
        .or_else(|| time_only(false))
}

impl TomlDatetime {
    /// Seconds since the Unix epoch of the civil fields read as UTC (the
    /// instant is this minus the zone's offset).
    pub fn civil_seconds(&self) -> i64 {
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = if m <= 2 { self.year - 1 } else { self.year };
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
        let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
        days * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
    }
}
