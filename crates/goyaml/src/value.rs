//! `Value`: the Go values go-yaml v2 produces when it decodes into
//! `interface{}` (`nil`, `bool`, `int`, `uint64`, `float64`, `string`,
//! `[]interface{}`, `map[interface{}]interface{}`), with Go's map-key
//! equality and `%#v` formatting for error messages.

use crate::floatfmt::format_float;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    String(String),
    Seq(Vec<Value>),
    /// A Go map: keys are unique under Go's `==` (NaN keys never match).
    Map(Vec<(Value, Value)>),
}

impl Value {
    /// Go's `==` on interface values holding comparable values.
    pub fn go_eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Uint(a), Value::Uint(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            _ => false,
        }
    }

    /// `m[k] = v` on a Go map.
    pub fn map_insert(pairs: &mut Vec<(Value, Value)>, key: Value, value: Value) {
        match pairs.iter_mut().find(|(k, _)| k.go_eq(&key)) {
            Some(slot) => slot.1 = value,
            None => pairs.push((key, value)),
        }
    }

    /// Whether `k` is already a key of the Go map.
    pub fn map_contains(pairs: &[(Value, Value)], key: &Value) -> bool {
        pairs.iter().any(|(k, _)| k.go_eq(key))
    }

    /// Go's `%#v` of the value as `interface{}`.
    pub fn go_sharp_v(&self) -> String {
        match self {
            Value::Null => "interface {}(nil)".to_string(),
            _ => self.sharp_v_inner(),
        }
    }

    fn sharp_v_inner(&self) -> String {
        match self {
            Value::Null => "interface {}(nil)".to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Uint(u) => format!("0x{u:x}"),
            Value::Float(f) => format_float(*f, b'g', 64),
            Value::String(s) => go_quote(s),
            Value::Seq(items) => {
                let inner: Vec<String> = items.iter().map(Value::sharp_v_inner).collect();
                format!("[]interface {{}}{{{}}}", inner.join(", "))
            }
            Value::Map(pairs) => {
                let inner: Vec<String> = pairs
                    .iter()
                    .map(|(k, v)| format!("{}:{}", k.sharp_v_inner(), v.sharp_v_inner()))
                    .collect();
                format!("map[interface {{}}]interface {{}}{{{}}}", inner.join(", "))
            }
        }
    }

    /// Go's type name of the dynamic value (`reflect.TypeOf(v).String()`).
    pub fn go_type_name(&self) -> &'static str {
        match self {
            Value::Null => "<nil>",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Uint(_) => "uint64",
            Value::Float(_) => "float64",
            Value::String(_) => "string",
            Value::Seq(_) => "[]interface {}",
            Value::Map(_) => "map[interface {}]interface {}",
        }
    }
}

/// Go's `strconv.Quote`.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0C' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0B' => out.push_str("\\v"),
            c if go_is_print(c) => out.push(c),
            c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `strconv.IsPrint`: graphic characters and the
/// ASCII space.
fn go_is_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    !matches!(c as u32, 0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB | 0xE000..=0xF8FF | 0xF0000..=0x10FFFF)
}
