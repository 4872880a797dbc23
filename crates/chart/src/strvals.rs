//! Helm's `--set`, `--set-string`, `--set-file`, `--set-json` and `--set-literal`:
//! the `strvals` line parsers (`name1=value1,name2.sub[0]=value2`) with Helm's
//! typing of values, its escapes, list and index rules, limits and error texts,
//! and the order in which `helm template` merges them over the `-f` files.
//!
//! Values are written into Go maps in place, as Helm's parser does, so that what
//! a failed or half-parsed line leaves behind is what Helm leaves behind.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use gotmpl::gofmt::{quote, quote_rune};
use gotmpl::{Map, MapType, Value};
use goyaml::json::Target;

use crate::chart::HelmVersion;
use crate::values::{from_data, is_table};

/// The largest list index a line may set (`strvals.MaxIndex`).
pub const MAX_INDEX: i64 = 65536;

/// The deepest nesting of dotted names a line may use (`strvals.MaxNestedNameLevel`).
pub const MAX_NESTED_NAME_LEVEL: usize = 30;

/// The deepest nesting of names and list indexes together (`a[0][0].b[0]...`)
/// berth follows. Helm has no such limit for list indexes; berth has one so
/// that its recursive parser stays well within a thread's stack.
pub const MAX_DEPTH: usize = 200;

/// Why a `strvals` line could not be parsed, in Helm's words.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The end of the line (Go's `io.EOF`); a line that ends here is complete.
    #[error("EOF")]
    Eof,
    #[error("key {} has no value", quote(.0))]
    NoValue(String),
    #[error("key {} has no value (cannot end with ,)", quote(.0))]
    NoValueComma(String),
    #[error("key map {} has no value", quote(.0))]
    MapNoValue(String),
    #[error("error parsing index: {0}")]
    Index(Box<ParseError>),
    /// `strconv.Atoi` rejected an index; `reason` is `invalid syntax` or
    /// `value out of range`.
    #[error("strconv.Atoi: parsing {}: {reason}", quote(.text))]
    Atoi { text: String, reason: &'static str },
    #[error("value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}")]
    TooDeep,
    #[error("negative {0} index not allowed")]
    NegativeIndex(i64),
    #[error("index of {0} is greater than maximum supported index of {MAX_INDEX}")]
    IndexTooLarge(i64),
    #[error("unexpected data at end of array index: {}", rune_list(.0))]
    TrailingIndexData(String),
    /// A name used as a map or list where the values hold something else (a
    /// panic in Go, recovered by the parser).
    #[error("unable to parse key: interface conversion: interface {{}} is {found}, not {wanted}")]
    TypeConversion { found: String, wanted: &'static str },
    #[error("list must terminate with '}}'")]
    UnterminatedList,
    /// A `--set-json` value that Go's JSON decoder rejects (Helm does not print why).
    #[error("invalid JSON value")]
    Json,
    /// berth's own limit: names and list indexes nested deeper than [`MAX_DEPTH`].
    #[error("names and list indexes are nested deeper than {MAX_DEPTH} levels")]
    TooDeepForBerth,
    /// A `--set-file` file that could not be read, with Go's error text.
    #[error("{0}")]
    Read(String),
}

impl ParseError {
    /// Whether this error ends a line without failing it: Go's `io.EOF`, which
    /// Helm 4 also recognises inside `error parsing index: EOF` (Helm 3 compares
    /// with `==` and so fails there).
    fn ends_line(&self, helm: HelmVersion) -> bool {
        match self {
            ParseError::Eof => true,
            ParseError::Index(inner) => helm == HelmVersion::Helm4 && inner.ends_line(helm),
            _ => false,
        }
    }
}

/// Go's `%q` of a `[]rune`: `['a' 'b']`.
fn rune_list(s: &str) -> String {
    let quoted: Vec<String> = s.chars().map(|c| quote_rune(u64::from(c), false)).collect();
    format!("[{}]", quoted.join(" "))
}

/// Why the `--set` family of flags could not be applied, as `helm template`
/// reports it (after `Error: `).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SetError {
    #[error("failed parsing --set-json data JSON: {0}")]
    JsonObject(String),
    #[error("failed parsing --set-json data {0}")]
    Json(String),
    #[error("failed parsing --set data: {0}")]
    Set(ParseError),
    #[error("failed parsing --set-string data: {0}")]
    SetString(ParseError),
    #[error("failed parsing --set-file data: {0}")]
    SetFile(ParseError),
    #[error("failed parsing --set-literal data: {0}")]
    SetLiteral(ParseError),
}

/// The lines of each flag, in the order they were given.
#[derive(Clone, Debug, Default)]
pub struct SetFlags {
    pub json: Vec<String>,
    pub values: Vec<String>,
    pub strings: Vec<String>,
    pub files: Vec<String>,
    pub literals: Vec<String>,
}

/// Reads the file a `--set-file` value names; the error is Go's text.
pub type FileReader<'r> = dyn FnMut(&str) -> Result<String, String> + 'r;

/// Helm's `Options.MergeValues` after the `-f` files: `--set-json`, then `--set`,
/// `--set-string`, `--set-file` (read through `read`) and `--set-literal`, each
/// written over `base`, a values table. Returns the resulting table.
pub fn apply_set_flags(
    base: &Arc<Map>,
    flags: &SetFlags,
    helm: HelmVersion,
    read: &mut FileReader<'_>,
) -> Result<Arc<Map>, SetError> {
    let mut base = base.clone();
    for line in &flags.json {
        let trimmed = line.trim();
        if helm == HelmVersion::Helm4 && trimmed.starts_with('{') {
            let object = match goyaml::json::unmarshal(trimmed, Target::Map) {
                Ok(data) => from_data(&data),
                Err(_) => return Err(SetError::JsonObject(line.clone())),
            };
            if let Value::Map(object) = object {
                base = merge_maps(&base, &object);
            }
        } else {
            parse_json(line, &base, helm).map_err(|_| SetError::Json(line.clone()))?;
        }
    }
    for line in &flags.values {
        parse_into(line, &base, helm).map_err(SetError::Set)?;
    }
    for line in &flags.strings {
        parse_into_string(line, &base, helm).map_err(SetError::SetString)?;
    }
    for line in &flags.files {
        parse_into_file(line, &base, helm, read).map_err(SetError::SetFile)?;
    }
    for line in &flags.literals {
        parse_literal_into(line, &base, helm).map_err(SetError::SetLiteral)?;
    }
    Ok(base)
}

/// Helm's `loader.MergeMaps`: a new table with `b` written over `a`, tables
/// merged recursively.
pub fn merge_maps(a: &Map, b: &Map) -> Arc<Map> {
    let out = Map::new(MapType::interface(), a.read().clone());
    for (key, value) in b.entries() {
        let merged = match (&value, out.get(&key)) {
            (Value::Map(bv), Some(ref existing @ Value::Map(ref av)))
                if is_table(&value) && is_table(existing) =>
            {
                Value::Map(merge_maps(av, bv))
            }
            _ => value,
        };
        out.insert(key, merged);
    }
    Arc::new(out)
}

/// `strvals.ParseInto`: a `--set` line, values typed (int64, bool, null).
pub fn parse_into(line: &str, dest: &Map, helm: HelmVersion) -> Result<(), ParseError> {
    Parser::new(line, Kind::Typed, helm).parse(dest)
}

/// `strvals.ParseIntoString`: a `--set-string` line, every value a string.
pub fn parse_into_string(line: &str, dest: &Map, helm: HelmVersion) -> Result<(), ParseError> {
    Parser::new(line, Kind::Strings, helm).parse(dest)
}

/// `strvals.ParseJSON`: a `--set-json` line of `name=<JSON value>` items.
pub fn parse_json(line: &str, dest: &Map, helm: HelmVersion) -> Result<(), ParseError> {
    Parser::new(line, Kind::Json, helm).parse(dest)
}

/// `strvals.ParseIntoFile`: a `--set-file` line whose values name files, each
/// value becoming the content `read` returns for it.
pub fn parse_into_file(
    line: &str,
    dest: &Map,
    helm: HelmVersion,
    read: &mut FileReader<'_>,
) -> Result<(), ParseError> {
    Parser::new(line, Kind::File(read), helm).parse(dest)
}

/// `strvals.ParseLiteralInto`: a `--set-literal` line: one name, and everything
/// after its `=` the value, verbatim.
pub fn parse_literal_into(line: &str, dest: &Map, helm: HelmVersion) -> Result<(), ParseError> {
    Parser::new(line, Kind::Literal, helm).parse(dest)
}

/// How a parser turns the text after `=` into a value.
enum Kind<'r, 'f> {
    Typed,
    Strings,
    Json,
    File(&'r mut FileReader<'f>),
    Literal,
}

/// What `valList` found after `=`.
enum ListOutcome {
    List(Vec<Value>),
    Eof,
    NotList,
}

struct Parser<'s, 'r, 'f> {
    text: &'s str,
    pos: usize,
    last_len: usize,
    depth: usize,
    kind: Kind<'r, 'f>,
    helm: HelmVersion,
}

impl<'s, 'r, 'f> Parser<'s, 'r, 'f> {
    fn new(text: &'s str, kind: Kind<'r, 'f>, helm: HelmVersion) -> Self {
        Parser {
            text,
            pos: 0,
            last_len: 0,
            depth: 0,
            kind,
            helm,
        }
    }

    fn literal(&self) -> bool {
        matches!(self.kind, Kind::Literal)
    }

    fn parse(&mut self, data: &Map) -> Result<(), ParseError> {
        loop {
            match self.key(data, 0) {
                Ok(()) => {}
                Err(e) if e.ends_line(self.helm) => return Ok(()),
                Err(e) => return Err(e),
            }
        }
    }

    fn read_rune(&mut self) -> Option<char> {
        let c = self.text[self.pos..].chars().next()?;
        self.last_len = c.len_utf8();
        self.pos += self.last_len;
        Some(c)
    }

    fn unread_rune(&mut self) {
        self.pos -= self.last_len;
        self.last_len = 0;
    }

    /// Go's `runesUntil` (with backslash escapes) or `runesUntilLiteral`: the
    /// text up to one of `stop`, and that stop character (`None` at the end).
    fn runes_until(&mut self, stop: &[char]) -> (String, Option<char>) {
        let escapes = !self.literal();
        let mut out = String::new();
        loop {
            let Some(c) = self.read_rune() else {
                return (out, None);
            };
            if stop.contains(&c) {
                return (out, Some(c));
            }
            if c == '\\' && escapes {
                match self.read_rune() {
                    Some(next) => out.push(next),
                    None => return (out, None),
                }
            } else {
                out.push(c);
            }
        }
    }

    fn rest(&mut self) -> String {
        let rest = self.text[self.pos..].to_string();
        self.pos = self.text.len();
        rest
    }

    /// Go's `key`: a name and what follows it, written into `data`.
    fn key(&mut self, data: &Map, level: usize) -> Result<(), ParseError> {
        self.nested(|p| p.key_at_depth(data, level))
    }

    fn key_at_depth(&mut self, data: &Map, level: usize) -> Result<(), ParseError> {
        let stop: &[char] = if self.literal() {
            &['=', '[', '.']
        } else {
            &['=', '[', ',', '.']
        };
        let (key, last) = self.runes_until(stop);
        let Some(last) = last else {
            return Err(if key.is_empty() {
                ParseError::Eof
            } else {
                ParseError::NoValue(key)
            });
        };
        match last {
            '[' => {
                let index = self
                    .key_index()
                    .map_err(|e| ParseError::Index(Box::new(e)))?;
                let mut list = match data.get(&key) {
                    Some(existing) => as_list(&existing)?,
                    None => Vec::new(),
                };
                let result = self.list_item(&mut list, index, level);
                set(data, &key, Value::list(list));
                result
            }
            '=' => {
                let value = match self.value_after_equals()? {
                    Some(value) => value,
                    None => {
                        set(data, &key, Value::string(""));
                        return Err(ParseError::Eof);
                    }
                };
                set(data, &key, value);
                Ok(())
            }
            ',' => {
                set(data, &key, Value::string(""));
                Err(ParseError::NoValueComma(key))
            }
            _ => {
                let level = level + 1;
                if level > MAX_NESTED_NAME_LEVEL {
                    return Err(ParseError::TooDeep);
                }
                let inner = match data.get(&key) {
                    Some(existing) => as_map(&existing)?,
                    None => new_map(),
                };
                let result = self.key(&inner, level);
                if result.is_ok() && inner.is_empty() {
                    return Err(ParseError::MapNoValue(key));
                }
                if !inner.is_empty() {
                    set(data, &key, Value::Map(inner));
                }
                result
            }
        }
    }

    /// The value after `=`: `None` when the line ends right there (the caller
    /// stores an empty string, or for JSON `null`).
    fn value_after_equals(&mut self) -> Result<Option<Value>, ParseError> {
        match self.kind {
            Kind::Literal => Ok(Some(Value::string(self.rest()))),
            Kind::Json => {
                if self.empty_val() {
                    return Ok(Some(Value::Nil));
                }
                self.json_value().map(Some)
            }
            _ => match self.val_list()? {
                ListOutcome::List(items) => Ok(Some(Value::list(items))),
                ListOutcome::Eof => Ok(None),
                ListOutcome::NotList => {
                    let (text, _) = self.runes_until(&[',']);
                    self.convert(&text).map(Some)
                }
            },
        }
    }

    fn key_index(&mut self) -> Result<i64, ParseError> {
        let (text, last) = self.runes_until(&[']']);
        if last.is_none() {
            return Err(ParseError::Eof);
        }
        atoi(&text)
    }

    /// Go's `listItem`: what follows `[index]`, written into `list` in place.
    fn list_item(
        &mut self,
        list: &mut Vec<Value>,
        index: i64,
        level: usize,
    ) -> Result<(), ParseError> {
        self.nested(|p| p.list_item_at_depth(list, index, level))
    }

    /// Runs one level of the recursive descent, within [`MAX_DEPTH`].
    fn nested<T>(
        &mut self,
        step: impl FnOnce(&mut Self) -> Result<T, ParseError>,
    ) -> Result<T, ParseError> {
        if self.depth >= MAX_DEPTH {
            return Err(ParseError::TooDeepForBerth);
        }
        self.depth += 1;
        let result = step(self);
        self.depth -= 1;
        result
    }

    fn list_item_at_depth(
        &mut self,
        list: &mut Vec<Value>,
        index: i64,
        level: usize,
    ) -> Result<(), ParseError> {
        if index < 0 {
            return Err(ParseError::NegativeIndex(index));
        }
        let (key, last) = self.runes_until(&['[', '.', '=']);
        if !key.is_empty() {
            return Err(ParseError::TrailingIndexData(key));
        }
        let Some(last) = last else {
            return Err(ParseError::Eof);
        };
        let existing = usize::try_from(index).ok().filter(|&i| i < list.len());
        match last {
            '=' => {
                let value = self.value_after_equals()?.unwrap_or(Value::string(""));
                set_index(list, index, value)
            }
            '[' => {
                let next = self
                    .key_index()
                    .map_err(|e| ParseError::Index(Box::new(e)))?;
                let shared = match existing.map(|i| &list[i]) {
                    Some(Value::Nil) | None => None,
                    Some(v) => Some(as_list(v)?),
                };
                let from_existing = shared.is_some();
                let mut inner = shared.unwrap_or_default();
                match self.list_item(&mut inner, next, level) {
                    Ok(()) => set_index(list, index, Value::list(inner)),
                    Err(e) => {
                        // Go changed the shared backing array in place.
                        if let (true, Some(i)) = (from_existing, existing) {
                            list[i] = Value::list(inner);
                        }
                        Err(e)
                    }
                }
            }
            _ => {
                let inner = match existing {
                    Some(i) => match &list[i] {
                        v @ Value::Map(m) if is_table(v) => m.clone(),
                        _ => {
                            let fresh = new_map();
                            list[i] = Value::Map(fresh.clone());
                            fresh
                        }
                    },
                    None => new_map(),
                };
                self.key(&inner, level)?;
                set_index(list, index, Value::Map(inner))
            }
        }
    }

    /// Go's `emptyVal`: skips spaces; true at the end of the line or at a comma
    /// (which is consumed).
    fn empty_val(&mut self) -> bool {
        loop {
            match self.read_rune() {
                None | Some(',') => return true,
                Some(c) if c.is_whitespace() => {}
                Some(_) => {
                    self.unread_rune();
                    return false;
                }
            }
        }
    }

    /// One JSON value, as `json.Decoder.Decode` reads it from the rest of the
    /// line, and the blanks and comma after it.
    fn json_value(&mut self) -> Result<Value, ParseError> {
        let rest = &self.text[self.pos..];
        let end = json_value_end(rest).ok_or(ParseError::Json)?;
        let data =
            goyaml::json::unmarshal(&rest[..end], Target::Any).map_err(|_| ParseError::Json)?;
        self.pos += end;
        self.empty_val();
        Ok(from_data(&data))
    }

    /// Go's `valList`: a `{a,b,c}` list after `=`.
    fn val_list(&mut self) -> Result<ListOutcome, ParseError> {
        match self.read_rune() {
            None => return Ok(ListOutcome::Eof),
            Some('{') => {}
            Some(_) => {
                self.unread_rune();
                return Ok(ListOutcome::NotList);
            }
        }
        let mut items = Vec::new();
        loop {
            let (text, last) = self.runes_until(&[',', '}']);
            match last {
                None => return Err(ParseError::UnterminatedList),
                Some('}') => {
                    if let Some(next) = self.read_rune() {
                        if next != ',' {
                            self.unread_rune();
                        }
                    }
                    items.push(self.convert(&text)?);
                    return Ok(ListOutcome::List(items));
                }
                Some(_) => items.push(self.convert(&text)?),
            }
        }
    }

    /// The parser's reader: typed or string values, or a file's content.
    fn convert(&mut self, text: &str) -> Result<Value, ParseError> {
        match &mut self.kind {
            Kind::File(read) => read(text).map(Value::string).map_err(ParseError::Read),
            Kind::Strings | Kind::Literal | Kind::Json => Ok(Value::string(text)),
            Kind::Typed => Ok(typed_val(text)),
        }
    }
}

/// Helm's `typedVal` for `--set`: `true`/`false`/`null` in any case, int64 for
/// decimal integers that do not start with `0` (and `0` itself), else a string.
pub fn typed_val(text: &str) -> Value {
    if equal_fold(text, "true") {
        return Value::Bool(true);
    }
    if equal_fold(text, "false") {
        return Value::Bool(false);
    }
    if equal_fold(text, "null") {
        return Value::Nil;
    }
    if text == "0" {
        return Value::int64(0);
    }
    if !text.is_empty() && !text.starts_with('0') {
        if let Ok(i) = text.parse::<i64>() {
            return Value::int64(i);
        }
    }
    Value::string(text)
}

/// Go's `strings.EqualFold` against a lowercase ASCII word: the only non-ASCII
/// letter folding to one of `true`, `false`, `null` is `ſ` (to `s`).
fn equal_fold(text: &str, word: &str) -> bool {
    let fold = |c: char| {
        if c == 'ſ' {
            's'
        } else {
            c.to_ascii_lowercase()
        }
    };
    text.chars().count() == word.len() && text.chars().map(fold).eq(word.chars())
}

/// Go's `strconv.Atoi` with its error texts.
fn atoi(text: &str) -> Result<i64, ParseError> {
    text.parse::<i64>().map_err(|e| {
        let reason = match e.kind() {
            std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow => {
                "value out of range"
            }
            _ => "invalid syntax",
        };
        ParseError::Atoi {
            text: text.to_string(),
            reason,
        }
    })
}

fn new_map() -> Arc<Map> {
    Arc::new(Map::new(MapType::interface(), BTreeMap::new()))
}

fn set(data: &Map, key: &str, value: Value) {
    if !key.is_empty() {
        data.insert(key, value);
    }
}

fn set_index(list: &mut Vec<Value>, index: i64, value: Value) -> Result<(), ParseError> {
    if index < 0 {
        return Err(ParseError::NegativeIndex(index));
    }
    if index > MAX_INDEX {
        return Err(ParseError::IndexTooLarge(index));
    }
    let index = usize::try_from(index).map_err(|_| ParseError::IndexTooLarge(index))?;
    if list.len() <= index {
        list.resize(index + 1, Value::Nil);
    }
    list[index] = value;
    Ok(())
}

fn conversion_error(found: &Value, wanted: &'static str) -> ParseError {
    let found = match found {
        Value::Nil => "nil".to_string(),
        other => other.go_type().to_string(),
    };
    ParseError::TypeConversion { found, wanted }
}

/// Go's `v.([]interface{})`.
fn as_list(v: &Value) -> Result<Vec<Value>, ParseError> {
    match v {
        Value::List(l) if l.named.is_none() && l.elem == gotmpl::GoType::Interface => {
            Ok(l.items.clone())
        }
        other => Err(conversion_error(other, "[]interface {}")),
    }
}

/// Go's `v.(map[string]interface{})`.
fn as_map(v: &Value) -> Result<Arc<Map>, ParseError> {
    match v {
        Value::Map(m) if is_table(v) => Ok(m.clone()),
        other => Err(conversion_error(other, "map[string]interface {}")),
    }
}

/// Where the first JSON value of `text` ends, as Go's `json.Decoder` finds it
/// (a scalar ends where its grammar does, so `1x` is the value `1`); `None`
/// when the decoder would report an error before reaching an end. Objects and
/// arrays end at their matching bracket; their content is checked when decoded.
fn json_value_end(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let start = b
        .iter()
        .position(|c| !matches!(c, b' ' | b'\t' | b'\r' | b'\n'))?;
    let mut i = start;
    match b[i] {
        b'{' | b'[' => {
            let mut depth = 0usize;
            while i < b.len() {
                match b[i] {
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    b'"' => i = string_end(b, i)? - 1,
                    _ => {}
                }
                i += 1;
            }
            None
        }
        b'"' => string_end(b, i),
        b't' => literal_end(b, i, b"true"),
        b'f' => literal_end(b, i, b"false"),
        b'n' => literal_end(b, i, b"null"),
        b'-' | b'0'..=b'9' => {
            if b[i] == b'-' {
                i += 1;
            }
            match b.get(i)? {
                b'0' => i += 1,
                b'1'..=b'9' => i += digits(&b[i..]),
                _ => return None,
            }
            if b.get(i) == Some(&b'.') {
                i += 1;
                let n = digits(&b[i..]);
                if n == 0 {
                    return None;
                }
                i += n;
            }
            if matches!(b.get(i), Some(b'e' | b'E')) {
                i += 1;
                if matches!(b.get(i), Some(b'+' | b'-')) {
                    i += 1;
                }
                let n = digits(&b[i..]);
                if n == 0 {
                    return None;
                }
                i += n;
            }
            Some(i)
        }
        _ => None,
    }
}

fn digits(b: &[u8]) -> usize {
    b.iter().take_while(|c| c.is_ascii_digit()).count()
}

fn literal_end(b: &[u8], at: usize, word: &[u8]) -> Option<usize> {
    b[at..].starts_with(word).then_some(at + word.len())
}

/// The index just past the closing quote of the JSON string opening at `at`.
fn string_end(b: &[u8], at: usize) -> Option<usize> {
    let mut i = at + 1;
    while i < b.len() {
        match b[i] {
            b'"' => return Some(i + 1),
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    None
}

/// Helm's `readFile` for `--set-file`: standard input for `-`, refused for the
/// URL schemes Helm would download (berth never fetches), else the local file,
/// a relative `path` taken from `dir` (the working directory when empty).
/// Errors carry Go's text (`open PATH: no such file or directory`).
pub fn read_value_file(dir: &Path, path: &str) -> Result<String, String> {
    if path.trim() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| format!("read /dev/stdin: {}", go_errno_text(&e)))?;
        return Ok(String::from_utf8_lossy(&bytes).into_owned());
    }
    let scheme = check_url(path)?;
    if matches!(scheme.as_str(), "http" | "https" | "oci") {
        return Err(format!(
            "berth does not download {scheme} URLs for --set-file: {path}"
        ));
    }
    let mut file = std::fs::File::open(dir.join(path))
        .map_err(|e| format!("open {path}: {}", go_errno_text(&e)))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)
        .map_err(|e| format!("read {path}: {}", go_errno_text(&e)))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The checks of Go's `url.Parse` that a local path can fail, returning the
/// lowercased scheme (empty when there is none).
fn check_url(raw: &str) -> Result<String, String> {
    let (main, fragment) = raw.split_once('#').unwrap_or((raw, ""));
    let fail = |url: &str, msg: String| format!("parse {}: {msg}", quote(url));
    if main.bytes().any(|c| c < 0x20 || c == 0x7f) {
        return Err(fail(
            main,
            "net/url: invalid control character in URL".into(),
        ));
    }
    let mut scheme = String::new();
    let mut rest = main;
    for (i, c) in main.char_indices() {
        match c {
            'a'..='z' | 'A'..='Z' => {}
            '0'..='9' | '+' | '-' | '.' if i > 0 => {}
            ':' if i == 0 => return Err(fail(main, "missing protocol scheme".into())),
            ':' => {
                scheme = main[..i].to_ascii_lowercase();
                rest = &main[i + 1..];
                break;
            }
            _ => break,
        }
    }
    let path = rest.split_once('?').map_or(rest, |(p, _)| p);
    if !scheme.is_empty() && !path.starts_with('/') {
        return Ok(scheme);
    }
    if scheme.is_empty() && !path.starts_with('/') {
        let segment = path.split_once('/').map_or(path, |(s, _)| s);
        if segment.contains(':') {
            return Err(fail(
                main,
                "first path segment in URL cannot contain colon".into(),
            ));
        }
    }
    let path = match path.strip_prefix("//") {
        Some(after) if !scheme.is_empty() || !path.starts_with("///") => {
            after.find('/').map_or("", |i| &after[i..])
        }
        _ => path,
    };
    check_escapes(path).map_err(|e| fail(main, e))?;
    check_escapes(fragment).map_err(|e| fail(raw, e))?;
    Ok(scheme)
}

/// Go's `url.unescape` validity check: every `%` starts two hex digits.
fn check_escapes(s: &str) -> Result<(), String> {
    let b = s.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c == b'%'
            && !(i + 2 < b.len() && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit())
        {
            let end = (i + 3).min(b.len());
            let bad = String::from_utf8_lossy(&b[i..end]);
            return Err(format!("invalid URL escape {}", quote(&bad)));
        }
    }
    Ok(())
}

/// Go's text for an OS error (`syscall.Errno.Error`) on Linux.
fn go_errno_text(e: &std::io::Error) -> String {
    let known = match e.raw_os_error() {
        Some(1) => "operation not permitted",
        Some(2) => "no such file or directory",
        Some(5) => "input/output error",
        Some(6) => "no such device or address",
        Some(13) => "permission denied",
        Some(20) => "not a directory",
        Some(21) => "is a directory",
        Some(24) => "too many open files",
        Some(36) => "file name too long",
        Some(40) => "too many levels of symbolic links",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_string();
    }
    let text = e.to_string();
    let text = text.split(" (os error").next().unwrap_or(&text);
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text.to_string(),
    }
}
