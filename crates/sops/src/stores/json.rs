//! Owns JSON: an order-preserving reader (numbers are float64, as sops' JSON
//! store reads them) and a writer matching Go's json.Marshal + json.Indent with
//! a tab, as `sops decrypt` prints.

use crate::error::{Error, Result};
use crate::gofmt::float_json;
use crate::tree::{Entry, Value};

const MAX_DEPTH: usize = 512;

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
    depth: usize,
}

fn err<T>(msg: impl Into<String>) -> Result<T> {
    Err(Error::syntax("json", msg))
}

impl Reader<'_> {
    fn ws(&mut self) {
        while matches!(self.b.get(self.pos), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn value(&mut self) -> Result<Value> {
        self.ws();
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return err("exceeded max depth");
        }
        let v = match self.b.get(self.pos) {
            Some(b'{') => {
                self.pos += 1;
                let mut entries = Vec::new();
                self.ws();
                if self.b.get(self.pos) == Some(&b'}') {
                    self.pos += 1;
                } else {
                    loop {
                        self.ws();
                        if self.b.get(self.pos) != Some(&b'"') {
                            return err(format!(
                                "invalid character at offset {}: expected object key",
                                self.pos
                            ));
                        }
                        let k = self.string()?;
                        self.ws();
                        if self.b.get(self.pos) != Some(&b':') {
                            return err(format!(
                                "invalid character at offset {}: expected ':'",
                                self.pos
                            ));
                        }
                        self.pos += 1;
                        let v = self.value()?;
                        entries.push(Entry::new(Value::Str(k), v));
                        self.ws();
                        match self.b.get(self.pos) {
                            Some(b',') => self.pos += 1,
                            Some(b'}') => {
                                self.pos += 1;
                                break;
                            }
                            _ => {
                                return err(format!(
                                    "invalid character at offset {}: expected ',' or '}}'",
                                    self.pos
                                ))
                            }
                        }
                    }
                }
                Value::Map(entries)
            }
            Some(b'[') => {
                self.pos += 1;
                let mut items = Vec::new();
                self.ws();
                if self.b.get(self.pos) == Some(&b']') {
                    self.pos += 1;
                } else {
                    loop {
                        items.push(self.value()?);
                        self.ws();
                        match self.b.get(self.pos) {
                            Some(b',') => self.pos += 1,
                            Some(b']') => {
                                self.pos += 1;
                                break;
                            }
                            _ => {
                                return err(format!(
                                    "invalid character at offset {}: expected ',' or ']'",
                                    self.pos
                                ))
                            }
                        }
                    }
                }
                Value::Seq(items)
            }
            Some(b'"') => Value::Str(self.string()?),
            Some(b't') if self.b[self.pos..].starts_with(b"true") => {
                self.pos += 4;
                Value::Bool(true)
            }
            Some(b'f') if self.b[self.pos..].starts_with(b"false") => {
                self.pos += 5;
                Value::Bool(false)
            }
            Some(b'n') if self.b[self.pos..].starts_with(b"null") => {
                self.pos += 4;
                Value::Null
            }
            Some(b'-' | b'0'..=b'9') => self.number()?,
            None => return err("unexpected end of JSON input"),
            Some(_) => return err(format!("invalid character at offset {}", self.pos)),
        };
        self.depth -= 1;
        Ok(v)
    }

    fn number(&mut self) -> Result<Value> {
        let start = self.pos;
        if self.b.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        let digits = |r: &mut Self| {
            let s = r.pos;
            while r.b.get(r.pos).is_some_and(u8::is_ascii_digit) {
                r.pos += 1;
            }
            r.pos - s
        };
        let int_start = self.pos;
        let n = digits(self);
        if n == 0 || (n > 1 && self.b[int_start] == b'0') {
            return err(format!("invalid number at offset {start}"));
        }
        if self.b.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if digits(self) == 0 {
                return err(format!("invalid number at offset {start}"));
            }
        }
        if matches!(self.b.get(self.pos), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.b.get(self.pos), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return err(format!("invalid number at offset {start}"));
            }
        }
        let text = std::str::from_utf8(&self.b[start..self.pos]).unwrap_or("");
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Value::Float(f)),
            _ => err(format!("number {text} out of range")),
        }
    }

    fn string(&mut self) -> Result<String> {
        self.pos += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(&c) = self.b.get(self.pos) else {
                return err("unexpected end of JSON input");
            };
            self.pos += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    let Some(&e) = self.b.get(self.pos) else {
                        return err("unexpected end of JSON input");
                    };
                    self.pos += 1;
                    match e {
                        b'"' | b'\\' | b'/' => out.push(e),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'u' => {
                            let mut cp = self.hex4()?;
                            if (0xd800..0xdc00).contains(&cp)
                                && self.b[self.pos..].starts_with(b"\\u")
                            {
                                let save = self.pos;
                                self.pos += 2;
                                let lo = self.hex4()?;
                                if (0xdc00..0xe000).contains(&lo) {
                                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                                } else {
                                    self.pos = save;
                                }
                            }
                            let ch = char::from_u32(cp).unwrap_or('\u{fffd}');
                            out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
                        }
                        _ => return err("invalid escape in string"),
                    }
                }
                0..=0x1f => return err("invalid control character in string"),
                _ => out.push(c),
            }
        }
        Ok(String::from_utf8_lossy(&out).into_owned())
    }

    fn hex4(&mut self) -> Result<u32> {
        let h = self
            .b
            .get(self.pos..self.pos + 4)
            .and_then(|h| std::str::from_utf8(h).ok());
        let v = h
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .ok_or_else(|| Error::syntax("json", "invalid \\u escape"))?;
        self.pos += 4;
        Ok(v)
    }
}

/// Parses a JSON document; it must be one value with nothing after it.
pub fn parse(text: &[u8]) -> Result<Value> {
    let mut r = Reader {
        b: text,
        pos: 0,
        depth: 0,
    };
    let v = r.value()?;
    r.ws();
    if r.pos != text.len() {
        return err(format!(
            "invalid character after top-level value at offset {}",
            r.pos
        ));
    }
    Ok(v)
}

/// Reads a JSON file whose top level must be an object.
pub fn read(text: &[u8]) -> Result<Vec<Entry>> {
    match parse(text)? {
        Value::Map(entries) => Ok(entries),
        _ => err("Expected JSON object start"),
    }
}

/// A string as Go's encoding/json quotes it (HTML-safe escapes included).
pub fn quote(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn write_value(v: &Value, depth: usize, out: &mut String) -> Result<()> {
    let pad = |n: usize, out: &mut String| {
        out.push('\n');
        out.extend(std::iter::repeat_n('\t', n));
    };
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) => out.push_str(
            &float_json(*f).ok_or_else(|| Error::Emit(format!("json: unsupported value: {f}")))?,
        ),
        Value::Str(s) => quote(s, out),
        Value::Bytes(b) => quote(&String::from_utf8_lossy(b), out),
        Value::Time(t) => quote(&t.rfc3339_nano(), out),
        Value::Comment(_) => {}
        Value::Map(entries) => {
            let items: Vec<&Entry> = entries
                .iter()
                .filter(|e| !matches!(e.key, Value::Comment(_)))
                .collect();
            if items.is_empty() {
                out.push_str("{}");
                return Ok(());
            }
            out.push('{');
            for (i, e) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                pad(depth + 1, out);
                let Value::Str(k) = &e.key else {
                    return Err(Error::Emit("JSON object keys must be strings".into()));
                };
                quote(k, out);
                out.push_str(": ");
                write_value(&e.value, depth + 1, out)?;
            }
            pad(depth, out);
            out.push('}');
        }
        Value::Seq(items) => {
            let items: Vec<&Value> = items
                .iter()
                .filter(|v| !matches!(v, Value::Comment(_)))
                .collect();
            if items.is_empty() {
                out.push_str("[]");
                return Ok(());
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                pad(depth + 1, out);
                write_value(item, depth + 1, out)?;
            }
            pad(depth, out);
            out.push(']');
        }
    }
    Ok(())
}

/// Writes a branch as `sops decrypt` prints JSON (tab-indented, final newline).
pub fn write(entries: &[Entry]) -> Result<Vec<u8>> {
    let mut out = String::new();
    write_value(&Value::Map(entries.to_vec()), 0, &mut out)?;
    out.push('\n');
    Ok(out.into_bytes())
}
