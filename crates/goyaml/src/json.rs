//! encoding/json: `Marshal` (sorted keys, HTML-safe escaping, Go's float
//! format) and `Unmarshal` into `interface{}`, `map[string]interface{}` or
//! `[]interface{}` (every number a float64) with Go's error texts; the
//! syntax check is a port of Go's JSON scanner so messages match.

use std::collections::BTreeMap;

use crate::data::Data;
use crate::error::JsonError;
use crate::floatfmt::{format_float, json_float};
use crate::tree::MAX_DEPTH;
use crate::value::Value;

/// The Go type `Unmarshal` decodes into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// `interface{}`
    Any,
    /// `map[string]interface{}`
    Map,
    /// `[]interface{}`
    Array,
}

impl Target {
    fn go_type(self) -> &'static str {
        match self {
            Target::Any => "interface {}",
            Target::Map => "map[string]interface {}",
            Target::Array => "[]interface {}",
        }
    }
}

/// `json.Marshal` of template data.
pub fn marshal(data: &Data) -> Result<String, JsonError> {
    let mut out = String::new();
    write_data(&mut out, data)?;
    Ok(out)
}

fn write_data(out: &mut String, data: &Data) -> Result<(), JsonError> {
    match data {
        Data::Null => out.push_str("null"),
        Data::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Data::Int(i) => out.push_str(&i.to_string()),
        Data::Float(f) => write_float(out, *f)?,
        Data::String(s) => write_string(out, s),
        Data::List(items) => write_array(out, items, write_data)?,
        Data::Map(map) => write_object(out, map.iter().map(|(k, v)| (k.as_str(), v)), write_data)?,
    }
    Ok(())
}

/// A JSON array of `items`, each written by `write`.
fn write_array<T>(
    out: &mut String,
    items: &[T],
    write: fn(&mut String, &T) -> Result<(), JsonError>,
) -> Result<(), JsonError> {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write(out, item)?;
    }
    out.push(']');
    Ok(())
}

/// A JSON object of `entries` in the order given, values written by `write`.
fn write_object<'a, T: 'a>(
    out: &mut String,
    entries: impl Iterator<Item = (&'a str, &'a T)>,
    write: fn(&mut String, &T) -> Result<(), JsonError>,
) -> Result<(), JsonError> {
    out.push('{');
    for (i, (k, v)) in entries.enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(out, k);
        out.push(':');
        write(out, v)?;
    }
    out.push('}');
    Ok(())
}

fn write_float(out: &mut String, f: f64) -> Result<(), JsonError> {
    if !f.is_finite() {
        return Err(JsonError::UnsupportedValue(format_float(f, b'g', 64)));
    }
    out.push_str(&json_float(f));
    Ok(())
}

/// `json.Marshal` of a go-yaml value whose map keys are all strings (after
/// sigs.k8s.io/yaml's key conversion).
pub(crate) fn marshal_value(v: &Value) -> Result<String, JsonError> {
    let mut out = String::new();
    write_value(&mut out, v)?;
    Ok(out)
}

fn write_value(out: &mut String, v: &Value) -> Result<(), JsonError> {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Uint(u) => out.push_str(&u.to_string()),
        Value::Float(f) => write_float(out, *f)?,
        Value::String(s) => write_string(out, s),
        Value::Seq(items) => write_array(out, items, write_value)?,
        Value::Map(pairs) => {
            let mut sorted: BTreeMap<&str, &Value> = BTreeMap::new();
            for (k, val) in pairs {
                if let Value::String(k) = k {
                    sorted.insert(k.as_str(), val);
                }
            }
            write_object(out, sorted.into_iter(), write_value)?;
        }
    }
    Ok(())
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// encoding/json's string encoding with HTML escaping.
pub fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\x08' => out.push_str("\\b"),
            '\x0C' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\0'..='\x1F' => {
                let b = c as u8;
                out.push_str("\\u00");
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 0xF) as usize] as char);
            }
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `json.Unmarshal(text, &target)`.
pub fn unmarshal(text: &str, target: Target) -> Result<Data, JsonError> {
    match unmarshal_partial(text, target) {
        (data, None) => Ok(data),
        (_, Some(e)) => Err(e),
    }
}

/// `json.Unmarshal(text, &target)` with what Go leaves in the target when it
/// fails: nothing after a syntax error, the partly decoded value after a
/// type error (the offending value is nil), and `Null` for a JSON `null`
/// decoded into a map or slice (Go sets it to nil).
pub fn unmarshal_partial(text: &str, target: Target) -> (Data, Option<JsonError>) {
    let empty = match target {
        Target::Any => Data::Null,
        Target::Map => Data::Map(BTreeMap::new()),
        Target::Array => Data::List(Vec::new()),
    };
    if let Err(e) = check_valid(text.as_bytes()) {
        return (empty, Some(e));
    }
    let mut p = Decode {
        b: text.as_bytes(),
        i: 0,
        error: None,
    };
    let data = p.value();
    match (target, data) {
        (Target::Map, d @ (Data::Map(_) | Data::Null))
        | (Target::Array, d @ (Data::List(_) | Data::Null)) => (d, p.error),
        (Target::Any, d) => (d, p.error),
        (t, d) => {
            let e = JsonError::UnmarshalType {
                value: d.json_kind().to_string(),
                go_type: t.go_type().to_string(),
            };
            (empty, Some(e))
        }
    }
}

/// Recursive descent over input already checked by [`check_valid`].
struct Decode<'a> {
    b: &'a [u8],
    i: usize,
    error: Option<JsonError>,
}

impl Decode<'_> {
    fn skip_ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn value(&mut self) -> Data {
        self.skip_ws();
        let Some(&c) = self.b.get(self.i) else {
            return Data::Null;
        };
        match c {
            b'{' => {
                self.i += 1;
                let mut map = BTreeMap::new();
                loop {
                    self.skip_ws();
                    if self.b.get(self.i) == Some(&b'}') {
                        self.i += 1;
                        break;
                    }
                    let key = self.string();
                    self.skip_ws();
                    self.i += 1;
                    let v = self.value();
                    map.insert(key, v);
                    self.skip_ws();
                    if self.b.get(self.i) == Some(&b',') {
                        self.i += 1;
                    }
                }
                Data::Map(map)
            }
            b'[' => {
                self.i += 1;
                let mut list = Vec::new();
                loop {
                    self.skip_ws();
                    if self.b.get(self.i) == Some(&b']') || self.i >= self.b.len() {
                        self.i += 1;
                        break;
                    }
                    list.push(self.value());
                    self.skip_ws();
                    if self.b.get(self.i) == Some(&b',') {
                        self.i += 1;
                    }
                }
                Data::List(list)
            }
            b'"' => Data::String(self.string()),
            b't' => {
                self.i += 4;
                Data::Bool(true)
            }
            b'f' => {
                self.i += 5;
                Data::Bool(false)
            }
            b'n' => {
                self.i += 4;
                Data::Null
            }
            _ => {
                let start = self.i;
                while self.i < self.b.len()
                    && matches!(
                        self.b[self.i],
                        b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'
                    )
                {
                    self.i += 1;
                }
                let text = std::str::from_utf8(&self.b[start..self.i]).unwrap_or("0");
                match text.parse::<f64>() {
                    Ok(f) if f.is_finite() => Data::Float(f),
                    _ => {
                        if self.error.is_none() {
                            self.error = Some(JsonError::UnmarshalType {
                                value: format!("number {text}"),
                                go_type: "float64".to_string(),
                            });
                        }
                        Data::Null
                    }
                }
            }
        }
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let s = self.b.get(at..at + 4)?;
        u32::from_str_radix(std::str::from_utf8(s).ok()?, 16).ok()
    }

    fn string(&mut self) -> String {
        self.i += 1;
        let mut out: Vec<u8> = Vec::new();
        while let Some(&c) = self.b.get(self.i) {
            match c {
                b'"' => {
                    self.i += 1;
                    break;
                }
                b'\\' => {
                    let e = self.b.get(self.i + 1).copied().unwrap_or(b'"');
                    self.i += 2;
                    let simple = match e {
                        b'b' => Some('\x08'),
                        b'f' => Some('\x0C'),
                        b'n' => Some('\n'),
                        b'r' => Some('\r'),
                        b't' => Some('\t'),
                        b'u' => None,
                        other => Some(other as char),
                    };
                    let ch = match simple {
                        Some(ch) => ch,
                        None => {
                            let first = self.hex4(self.i).unwrap_or(0xFFFD);
                            self.i += 4;
                            if (0xD800..0xDC00).contains(&first)
                                && self.b.get(self.i) == Some(&b'\\')
                                && self.b.get(self.i + 1) == Some(&b'u')
                            {
                                let second = self.hex4(self.i + 2).unwrap_or(0);
                                if (0xDC00..0xE000).contains(&second) {
                                    self.i += 6;
                                    char::from_u32(
                                        0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00),
                                    )
                                    .unwrap_or('\u{FFFD}')
                                } else {
                                    '\u{FFFD}'
                                }
                            } else {
                                char::from_u32(first).unwrap_or('\u{FFFD}')
                            }
                        }
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                _ => {
                    out.push(c);
                    self.i += 1;
                }
            }
        }
        crate::decode::go_lossy_utf8(&out)
    }
}

/// Go's `quoteChar`.
fn quote_char(c: u8) -> String {
    match c {
        b'\'' => "'\\''".to_string(),
        b'"' => "'\"'".to_string(),
        _ => {
            let q = crate::value::go_quote(&char::from(c).to_string());
            format!("'{}'", &q[1..q.len() - 1])
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum St {
    BeginValue,
    BeginValueOrEmpty,
    BeginStringOrEmpty,
    BeginString,
    EndValue,
    EndTop,
    InString,
    InStringEsc,
    EscU(u8),
    Neg,
    One,
    Zero,
    Dot,
    Dot0,
    E,
    ESign,
    E0,
    Lit(&'static [u8], usize, &'static str),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Parse {
    ObjectKey,
    ObjectValue,
    ArrayValue,
}

/// Go's `checkValid`: the scanner state machine run over every byte.
fn check_valid(b: &[u8]) -> Result<(), JsonError> {
    let mut st = St::BeginValue;
    let mut stack: Vec<Parse> = Vec::new();
    let err = |c: u8, ctx: &str, off: usize| JsonError::Syntax {
        msg: format!("invalid character {} {ctx}", quote_char(c)),
        offset: off,
    };
    let space = |c: u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n');
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let off = i + 1;
        i += 1;
        let mut redo = true;
        while redo {
            redo = false;
            match st {
                St::BeginValueOrEmpty | St::BeginValue => {
                    if space(c) {
                        continue;
                    }
                    if st == St::BeginValueOrEmpty && c == b']' {
                        st = St::EndValue;
                        redo = true;
                        continue;
                    }
                    st = match c {
                        b'{' => {
                            stack.push(Parse::ObjectKey);
                            if stack.len() > MAX_DEPTH {
                                return Err(JsonError::Syntax {
                                    msg: "exceeded max depth".into(),
                                    offset: off,
                                });
                            }
                            St::BeginStringOrEmpty
                        }
                        b'[' => {
                            stack.push(Parse::ArrayValue);
                            if stack.len() > MAX_DEPTH {
                                return Err(JsonError::Syntax {
                                    msg: "exceeded max depth".into(),
                                    offset: off,
                                });
                            }
                            St::BeginValueOrEmpty
                        }
                        b'"' => St::InString,
                        b'-' => St::Neg,
                        b'0' => St::Zero,
                        b'1'..=b'9' => St::One,
                        b't' => St::Lit(b"true", 1, "in literal true"),
                        b'f' => St::Lit(b"false", 1, "in literal false"),
                        b'n' => St::Lit(b"null", 1, "in literal null"),
                        _ => return Err(err(c, "looking for beginning of value", off)),
                    };
                }
                St::BeginStringOrEmpty | St::BeginString => {
                    if space(c) {
                        continue;
                    }
                    if st == St::BeginStringOrEmpty && c == b'}' {
                        if let Some(top) = stack.last_mut() {
                            *top = Parse::ObjectValue;
                        }
                        st = St::EndValue;
                        redo = true;
                        continue;
                    }
                    if c == b'"' {
                        st = St::InString;
                    } else {
                        return Err(err(c, "looking for beginning of object key string", off));
                    }
                }
                St::EndValue => {
                    let Some(&top) = stack.last() else {
                        st = St::EndTop;
                        redo = true;
                        continue;
                    };
                    if space(c) {
                        continue;
                    }
                    match top {
                        Parse::ObjectKey => {
                            if c == b':' {
                                if let Some(t) = stack.last_mut() {
                                    *t = Parse::ObjectValue;
                                }
                                st = St::BeginValue;
                            } else {
                                return Err(err(c, "after object key", off));
                            }
                        }
                        Parse::ObjectValue => {
                            if c == b',' {
                                if let Some(t) = stack.last_mut() {
                                    *t = Parse::ObjectKey;
                                }
                                st = St::BeginString;
                            } else if c == b'}' {
                                stack.pop();
                                st = if stack.is_empty() {
                                    St::EndTop
                                } else {
                                    St::EndValue
                                };
                            } else {
                                return Err(err(c, "after object key:value pair", off));
                            }
                        }
                        Parse::ArrayValue => {
                            if c == b',' {
                                st = St::BeginValue;
                            } else if c == b']' {
                                stack.pop();
                                st = if stack.is_empty() {
                                    St::EndTop
                                } else {
                                    St::EndValue
                                };
                            } else {
                                return Err(err(c, "after array element", off));
                            }
                        }
                    }
                }
                St::EndTop => {
                    if !space(c) {
                        return Err(err(c, "after top-level value", off));
                    }
                }
                St::InString => {
                    if c == b'"' {
                        st = St::EndValue;
                    } else if c == b'\\' {
                        st = St::InStringEsc;
                    } else if c < 0x20 {
                        return Err(err(c, "in string literal", off));
                    }
                }
                St::InStringEsc => {
                    st = match c {
                        b'b' | b'f' | b'n' | b'r' | b't' | b'\\' | b'/' | b'"' => St::InString,
                        b'u' => St::EscU(0),
                        _ => return Err(err(c, "in string escape code", off)),
                    };
                }
                St::EscU(n) => {
                    if !c.is_ascii_hexdigit() {
                        return Err(err(c, "in \\u hexadecimal character escape", off));
                    }
                    st = if n == 3 {
                        St::InString
                    } else {
                        St::EscU(n + 1)
                    };
                }
                St::Neg => {
                    st = match c {
                        b'0' => St::Zero,
                        b'1'..=b'9' => St::One,
                        _ => return Err(err(c, "in numeric literal", off)),
                    };
                }
                St::One | St::Zero => {
                    if st == St::One && c.is_ascii_digit() {
                        continue;
                    }
                    if c == b'.' {
                        st = St::Dot;
                    } else if c == b'e' || c == b'E' {
                        st = St::E;
                    } else {
                        st = St::EndValue;
                        redo = true;
                    }
                }
                St::Dot => {
                    if c.is_ascii_digit() {
                        st = St::Dot0;
                    } else {
                        return Err(err(c, "after decimal point in numeric literal", off));
                    }
                }
                St::Dot0 => {
                    if c.is_ascii_digit() {
                        continue;
                    }
                    if c == b'e' || c == b'E' {
                        st = St::E;
                    } else {
                        st = St::EndValue;
                        redo = true;
                    }
                }
                St::E => {
                    if c == b'+' || c == b'-' {
                        st = St::ESign;
                    } else {
                        st = St::ESign;
                        redo = true;
                    }
                }
                St::ESign => {
                    if c.is_ascii_digit() {
                        st = St::E0;
                    } else {
                        return Err(err(c, "in exponent of numeric literal", off));
                    }
                }
                St::E0 => {
                    if !c.is_ascii_digit() {
                        st = St::EndValue;
                        redo = true;
                    }
                }
                St::Lit(word, n, ctx) => {
                    if c != word[n] {
                        let ctx = format!("{ctx} (expecting '{}')", word[n] as char);
                        return Err(err(c, &ctx, off));
                    }
                    st = if n + 1 == word.len() {
                        St::EndValue
                    } else {
                        St::Lit(word, n + 1, ctx)
                    };
                }
            }
        }
    }
    // Go's `eof`: a final space is stepped through the machine.
    let end = b.len();
    match st {
        St::EndTop => Ok(()),
        St::EndValue | St::One | St::Zero | St::Dot0 | St::E0 if stack.is_empty() => Ok(()),
        St::Dot => Err(err(b' ', "after decimal point in numeric literal", end)),
        St::Neg => Err(err(b' ', "in numeric literal", end)),
        St::E | St::ESign => Err(err(b' ', "in exponent of numeric literal", end)),
        St::Lit(word, n, ctx) => Err(err(
            b' ',
            &format!("{ctx} (expecting '{}')", word[n] as char),
            end,
        )),
        _ => Err(JsonError::Syntax {
            msg: "unexpected end of JSON input".into(),
            offset: end,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(s: &str) -> String {
        unmarshal(s, Target::Any)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn syntax_errors() {
        assert_eq!(err(""), "unexpected end of JSON input");
        assert_eq!(err("{"), "unexpected end of JSON input");
        assert_eq!(
            err("x"),
            "invalid character 'x' looking for beginning of value"
        );
        assert_eq!(err("{\"a\" 1}"), "invalid character '1' after object key");
        assert_eq!(err("[1 2]"), "invalid character '2' after array element");
        assert_eq!(
            err("tru"),
            "invalid character ' ' in literal true (expecting 'e')"
        );
        assert_eq!(
            err("trux"),
            "invalid character 'x' in literal true (expecting 'e')"
        );
        assert_eq!(err("1 2"), "invalid character '2' after top-level value");
        assert_eq!(
            err("{'a':1}"),
            "invalid character '\\'' looking for beginning of object key string"
        );
    }

    #[test]
    fn values() {
        let d = unmarshal(
            "{\"b\":[1,2.5,\"\\u00e9\\ud83d\\ude00\"],\"a\":null}",
            Target::Map,
        )
        .unwrap_or(Data::Null);
        assert_eq!(
            marshal(&d).unwrap_or_default(),
            "{\"a\":null,\"b\":[1,2.5,\"é😀\"]}"
        );
        assert_eq!(
            marshal(&Data::from("<a&b>\u{2028}")).unwrap_or_default(),
            "\"\\u003ca\\u0026b\\u003e\\u2028\""
        );
    }
}
