//! Sprig's JSON functions (`toJson`, `toPrettyJson`, `toRawJson`, `fromJson` and
//! their `must` forms): Go's `encoding/json` marshalling of template values (sorted
//! keys, HTML escaping, Go's float format, `[]byte` as base64, times and versions
//! through their `MarshalJSON`) and unmarshalling into `interface{}` with Go's
//! syntax error texts. Helm replaces `toJson`, `mustToJson` and `fromJson` with its
//! own; the rest are Sprig's.

use std::collections::BTreeMap;

use gotmpl::{gofmt, FuncError, Value};

use crate::encoding::b64_encode;
use crate::ty::{ANY, STRING};
use crate::{arg, str_arg, Registry};

pub(crate) fn register(r: &mut Registry) {
    r.add(&["toJson"], vec![ANY], |a| {
        Ok(marshal(arg(&a, 0), &Style::COMPACT)
            .unwrap_or_default()
            .into())
    });
    r.add(&["mustToJson"], vec![ANY], |a| {
        Ok(marshal(arg(&a, 0), &Style::COMPACT)
            .map_err(FuncError::new)?
            .into())
    });
    r.add(&["toPrettyJson"], vec![ANY], |a| {
        Ok(marshal(arg(&a, 0), &Style::PRETTY)
            .unwrap_or_default()
            .into())
    });
    r.add(&["mustToPrettyJson"], vec![ANY], |a| {
        Ok(marshal(arg(&a, 0), &Style::PRETTY)
            .map_err(FuncError::new)?
            .into())
    });
    r.add(&["toRawJson", "mustToRawJson"], vec![ANY], |a| {
        Ok(marshal(arg(&a, 0), &Style::RAW)
            .map_err(FuncError::new)?
            .into())
    });
    r.add(&["fromJson"], vec![STRING], |a| {
        Ok(unmarshal(str_arg(&a, 0)).unwrap_or(Value::Nil))
    });
    r.add(&["mustFromJson"], vec![STRING], |a| {
        unmarshal(str_arg(&a, 0)).map_err(FuncError::new)
    });
}

/// How to write JSON: `json.Marshal`, `json.MarshalIndent(v, "", "  ")`, or an
/// encoder without HTML escaping.
pub(crate) struct Style {
    indent: bool,
    escape_html: bool,
}

impl Style {
    pub(crate) const COMPACT: Style = Style {
        indent: false,
        escape_html: true,
    };
    pub(crate) const PRETTY: Style = Style {
        indent: true,
        escape_html: true,
    };
    pub(crate) const RAW: Style = Style {
        indent: false,
        escape_html: false,
    };
}

/// Go's `json.Marshal` of a template value; the error is Go's text.
pub(crate) fn marshal(v: &Value, style: &Style) -> Result<String, String> {
    let mut out = String::new();
    write_value(&mut out, v, style, 0)?;
    Ok(out)
}

fn newline(out: &mut String, style: &Style, depth: usize) {
    if style.indent {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    }
}

/// Nesting beyond this is taken to be a cycle, which Go's encoder reports.
const MAX_DEPTH: usize = 1000;

fn write_value(out: &mut String, v: &Value, style: &Style, depth: usize) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err(format!(
            "json: unsupported value: encountered a cycle via {}",
            v.go_type()
        ));
    }
    match v {
        Value::Nil => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i, _) => out.push_str(&i.to_string()),
        Value::Uint(u, _) => out.push_str(&u.to_string()),
        Value::Float(f) => out.push_str(&float(*f)?),
        Value::String(s) => write_string(out, s, style.escape_html),
        Value::Bytes(b) => write_string(out, &b64_encode(b), style.escape_html),
        Value::List(l) => {
            if l.items.is_empty() {
                out.push_str("[]");
                return Ok(());
            }
            out.push('[');
            for (i, item) in l.items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, style, depth + 1);
                write_value(out, item, style, depth + 1)?;
            }
            newline(out, style, depth);
            out.push(']');
        }
        Value::Map(m) => write_object(out, m.entries(), style, depth)?,
        Value::Object(o) => {
            if o.type_name() == "time.Time" {
                let text = o
                    .call_method("Format", vec![Value::from(crate::gotime::RFC3339_NANO)])
                    .map_err(|e| e.message)?;
                write_value(out, &text, style, depth)?;
            } else if let (true, Some(s)) = (o.method("Original").is_some(), o.stringer()) {
                write_string(out, &s, style.escape_html);
            } else if o.is_pointer() && !o.truth() {
                out.push_str("null");
            } else {
                write_object(out, o.fields(), style, depth)?;
            }
        }
    }
    Ok(())
}

fn write_object(
    out: &mut String,
    entries: Vec<(String, Value)>,
    style: &Style,
    depth: usize,
) -> Result<(), String> {
    if entries.is_empty() {
        out.push_str("{}");
        return Ok(());
    }
    out.push('{');
    for (i, (k, item)) in entries.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        newline(out, style, depth + 1);
        write_string(out, k, style.escape_html);
        out.push(':');
        if style.indent {
            out.push(' ');
        }
        write_value(out, item, style, depth + 1)?;
    }
    newline(out, style, depth);
    out.push('}');
    Ok(())
}

/// encoding/json's float64 format: `%f`-like, `%e`-like for very large or small
/// magnitudes with a two-digit negative exponent shortened.
fn float(f: f64) -> Result<String, String> {
    if f.is_nan() || f.is_infinite() {
        return Err(format!(
            "json: unsupported value: {}",
            gofmt::format_float(f, b'g', -1)
        ));
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let s = gofmt::format_float(f, b'e', -1);
        if let Some(pos) = s.find("e-0") {
            return Ok(format!("{}e-{}", &s[..pos], &s[pos + 3..]));
        }
        return Ok(s);
    }
    Ok(gofmt::format_float(f, b'f', -1))
}

/// encoding/json's string escaping.
fn write_string(out: &mut String, s: &str, escape_html: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' if escape_html => out.push_str(&format!("\\u{:04x}", c as u32)),
            '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Go's `json.Unmarshal` into an `interface{}`.
pub(crate) fn unmarshal(s: &str) -> Result<Value, String> {
    let mut p = Parser {
        s: s.as_bytes(),
        pos: 0,
    };
    p.skip_ws();
    let v = p.value()?;
    p.skip_ws();
    if p.pos < p.s.len() {
        return Err(format!(
            "invalid character {} after top-level value",
            p.quote_here()
        ));
    }
    v.ok_or_else(|| "unexpected end of JSON input".to_string())
}

const EOF: &str = "unexpected end of JSON input";

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn skip_ws(&mut self) {
        while self.pos < self.s.len() && matches!(self.s[self.pos], b' ' | b'\t' | b'\n' | b'\r') {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    /// The current character as the scanner quotes it.
    fn quote_here(&self) -> String {
        let rest = std::str::from_utf8(&self.s[self.pos..]).unwrap_or("\u{FFFD}");
        let c = rest.chars().next().unwrap_or('\u{FFFD}');
        match c {
            '\'' => "'\\''".into(),
            '"' => "'\"'".into(),
            c => {
                let q = gofmt::quote(&c.to_string());
                format!("'{}'", &q[1..q.len() - 1])
            }
        }
    }

    fn invalid(&self, context: &str) -> String {
        if self.pos >= self.s.len() {
            return EOF.into();
        }
        format!("invalid character {} {context}", self.quote_here())
    }

    /// Inside a literal or number, Go's scanner meets the end of input as a space.
    fn invalid_token(&self, context: &str) -> String {
        if self.pos >= self.s.len() {
            return format!("invalid character ' ' {context}");
        }
        self.invalid(context)
    }

    /// A value; `Ok(None)` never escapes: the end of input is an error.
    fn value(&mut self) -> Result<Option<Value>, String> {
        match self.peek() {
            None => Err(EOF.into()),
            Some(b'{') => self.object().map(Some),
            Some(b'[') => self.array().map(Some),
            Some(b'"') => self.string().map(|s| Some(Value::from(s))),
            Some(b't') => self.literal("true", Value::Bool(true)).map(Some),
            Some(b'f') => self.literal("false", Value::Bool(false)).map(Some),
            Some(b'n') => self.literal("null", Value::Nil).map(Some),
            Some(b'-' | b'0'..=b'9') => self.number().map(Some),
            Some(_) => Err(self.invalid("looking for beginning of value")),
        }
    }

    fn literal(&mut self, word: &str, v: Value) -> Result<Value, String> {
        for (i, expected) in word.bytes().enumerate() {
            match self.peek() {
                Some(c) if c == expected => self.pos += 1,
                _ if i == 0 => return Err(self.invalid("looking for beginning of value")),
                _ => {
                    return Err(self.invalid_token(&format!(
                        "in literal {word} (expecting '{}')",
                        expected as char
                    )))
                }
            }
        }
        Ok(v)
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Value, String> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.invalid_token("in numeric literal"));
            }
        }
        if self.peek() == Some(b'0') {
            self.pos += 1;
        } else {
            self.digits();
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.invalid_token("after decimal point in numeric literal"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.invalid_token("in exponent of numeric literal"));
            }
        }
        let text = std::str::from_utf8(&self.s[start..self.pos]).unwrap_or("0");
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Value::Float(f)),
            _ => Err(format!(
                "json: cannot unmarshal number {text} into Go value of type float64"
            )),
        }
    }

    fn string(&mut self) -> Result<String, String> {
        self.pos += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(EOF.into());
            };
            match c {
                b'"' => {
                    self.pos += 1;
                    return Ok(String::from_utf8_lossy(&out).into_owned());
                }
                b'\\' => {
                    self.pos += 1;
                    let Some(e) = self.peek() else {
                        return Err(EOF.into());
                    };
                    self.pos += 1;
                    match e {
                        b'"' => out.push(b'"'),
                        b'\\' => out.push(b'\\'),
                        b'/' => out.push(b'/'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'u' => {
                            let c = self.unicode_escape()?;
                            out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                        }
                        _ => {
                            self.pos -= 1;
                            return Err(self.invalid("in string escape code"));
                        }
                    }
                }
                c if c < 0x20 => return Err(self.invalid("in string literal")),
                c => {
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let mut v = 0;
        for _ in 0..4 {
            match self.peek() {
                Some(c) if c.is_ascii_hexdigit() => {
                    v = v * 16 + (c as char).to_digit(16).unwrap_or(0);
                    self.pos += 1;
                }
                _ => return Err(self.invalid("in \\u hexadecimal character escape")),
            }
        }
        Ok(v)
    }

    fn unicode_escape(&mut self) -> Result<char, String> {
        let hi = self.hex4()?;
        if (0xD800..0xDC00).contains(&hi) && self.s[self.pos..].starts_with(b"\\u") {
            let save = self.pos;
            self.pos += 2;
            let lo = self.hex4()?;
            if (0xDC00..0xE000).contains(&lo) {
                let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                return Ok(char::from_u32(c).unwrap_or('\u{FFFD}'));
            }
            self.pos = save;
        }
        Ok(char::from_u32(hi).unwrap_or('\u{FFFD}'))
    }

    fn array(&mut self) -> Result<Value, String> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::list(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value()?.unwrap_or(Value::Nil));
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::list(items));
                }
                _ => return Err(self.invalid("after array element")),
            }
        }
    }

    fn object(&mut self) -> Result<Value, String> {
        self.pos += 1;
        let mut entries = BTreeMap::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::map(entries));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.invalid("looking for beginning of object key string"));
            }
            let key = self.string()?;
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.invalid("after object key"));
            }
            self.pos += 1;
            self.skip_ws();
            let v = self.value()?.unwrap_or(Value::Nil);
            entries.insert(key, v);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::map(entries));
                }
                _ => return Err(self.invalid("after object key:value pair")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_like_encoding_json() {
        assert_eq!(float(1e21).unwrap(), "1e+21");
        assert_eq!(float(1e-7).unwrap(), "1e-7");
        assert_eq!(float(1000000.0).unwrap(), "1000000");
        assert_eq!(float(0.5).unwrap(), "0.5");
    }

    #[test]
    fn syntax_errors() {
        assert_eq!(unmarshal("{").unwrap_err(), EOF);
        assert_eq!(
            unmarshal("x").unwrap_err(),
            "invalid character 'x' looking for beginning of value"
        );
        assert_eq!(
            unmarshal("[1 2]").unwrap_err(),
            "invalid character '2' after array element"
        );
        assert_eq!(
            unmarshal("tru").unwrap_err(),
            "invalid character ' ' in literal true (expecting 'e')"
        );
        assert_eq!(
            unmarshal("trux").unwrap_err(),
            "invalid character 'x' in literal true (expecting 'e')"
        );
    }
}
