//! The conversions Sprig leans on: `github.com/spf13/cast` (v1.7.0) as `int`,
//! `int64` and `float64` use it, Sprig's `strval`, its `empty` test, Go's
//! float-to-integer conversion and `reflect.Kind` names.

use gotmpl::strconv::{parse_float, parse_int};
use gotmpl::{gofmt, Value};

/// Go's `int64(f)` on amd64: truncation, with NaN and out-of-range values giving
/// the "integer indefinite" value `math.MinInt64`.
pub fn f64_to_i64(f: f64) -> i64 {
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if f.is_nan() || !(-LIMIT..LIMIT).contains(&f) {
        i64::MIN
    } else {
        f as i64
    }
}

/// `cast.ToInt64` (and `cast.ToInt`, the same on 64-bit): integers convert
/// (wrapping), floats truncate, strings parse with base prefixes after a trailing
/// `.0…` is dropped, booleans are 0 or 1, and anything else is 0.
pub fn to_int64(v: &Value) -> i64 {
    match v {
        Value::Int(i, _) => *i,
        Value::Uint(u, _) => *u as i64,
        Value::Float(f) => f64_to_i64(*f),
        Value::String(s) => parse_int(trim_zero_decimal(s)).unwrap_or(0),
        Value::Bool(b) => i64::from(*b),
        _ => 0,
    }
}

/// cast's `trimZeroDecimal`: `"3.00"` becomes `"3"`, anything else is unchanged.
fn trim_zero_decimal(s: &str) -> &str {
    let bytes = s.as_bytes();
    let mut found_zero = false;
    for i in (1..=bytes.len()).rev() {
        match bytes[i - 1] {
            b'.' if found_zero => return &s[..i - 1],
            b'.' => {}
            b'0' => found_zero = true,
            _ => return s,
        }
    }
    s
}

/// `cast.ToFloat64`.
pub fn to_float64(v: &Value) -> f64 {
    match v {
        Value::Int(i, _) => *i as f64,
        Value::Uint(u, _) => *u as f64,
        Value::Float(f) => *f,
        Value::String(s) => go_parse_float(s).unwrap_or(0.0),
        Value::Bool(b) => f64::from(u8::from(*b)),
        _ => 0.0,
    }
}

/// Go's `strconv.ParseFloat(s, 64)`, failing where Go reports an error (including
/// out-of-range values).
pub fn go_parse_float(s: &str) -> Option<f64> {
    let (sign, body) = match s.as_bytes().first() {
        Some(b'+') => (1.0, &s[1..]),
        Some(b'-') => (-1.0, &s[1..]),
        _ => (1.0, s),
    };
    let lower = body.to_ascii_lowercase();
    match lower.as_str() {
        "inf" | "infinity" => return Some(sign * f64::INFINITY),
        "nan" => return Some(f64::NAN),
        _ => {}
    }
    if !lower.starts_with("0x") && (lower.contains("inf") || lower.contains("nan")) {
        return None;
    }
    parse_float(s)
}

/// Sprig's `strval`: strings as they are, byte slices as text, values with a
/// `String` or `Error` method through it, and everything else with `%v`.
pub fn strval(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        Value::Object(o) => match o.stringer() {
            Some(s) => s,
            None => gofmt::sprint(std::slice::from_ref(v)),
        },
        _ => gofmt::sprint(std::slice::from_ref(v)),
    }
}

/// Sprig's `empty`: nil, zero numbers, false, and empty strings, slices and maps.
/// Structs are never empty; a nil pointer is.
pub fn empty(v: &Value) -> bool {
    match v {
        Value::Nil => true,
        Value::Bool(b) => !b,
        Value::Int(i, _) => *i == 0,
        Value::Uint(u, _) => *u == 0,
        Value::Float(f) => *f == 0.0,
        Value::String(s) => s.is_empty(),
        Value::Bytes(b) => b.is_empty(),
        Value::List(l) => l.items.is_empty(),
        Value::Map(m) => m.is_empty(),
        Value::Object(o) => o.is_pointer() && !o.truth(),
    }
}

/// `reflect.ValueOf(v).Kind().String()`.
pub fn kind_name(v: &Value) -> String {
    match v {
        Value::Nil => "invalid".into(),
        Value::Bool(_) => "bool".into(),
        Value::Int(_, k) => k.name().into(),
        Value::Uint(_, k) => k.name().into(),
        Value::Float(_) => "float64".into(),
        Value::String(_) => "string".into(),
        Value::Bytes(_) | Value::List(_) => "slice".into(),
        Value::Map(_) => "map".into(),
        Value::Object(o) => if o.is_pointer() { "ptr" } else { "struct" }.into(),
    }
}

/// The items of a slice value (`[]byte` yields `uint8`s), or `None` for other kinds.
pub fn slice_items(v: &Value) -> Option<Vec<Value>> {
    match v {
        Value::List(l) => Some(l.items.clone()),
        Value::Bytes(b) => Some(
            b.iter()
                .map(|&x| Value::Uint(u64::from(x), gotmpl::UintKind::Uint8))
                .collect(),
        ),
        _ => None,
    }
}

/// Go's `reflect.DeepEqual` on template values.
pub fn deep_equal(a: &Value, b: &Value) -> bool {
    equal_at(a, b, 0)
}

/// Nesting beyond this is taken to be a cycle, which Go's `DeepEqual` accepts.
const MAX_DEPTH: usize = 10_000;

fn equal_at(a: &Value, b: &Value, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return true;
    }
    let eq = |p: &Value, q: &Value| equal_at(p, q, depth + 1);
    match (a, b) {
        (Value::Nil, Value::Nil) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x, k), Value::Int(y, l)) => k == l && x == y,
        (Value::Uint(x, k), Value::Uint(y, l)) => k == l && x == y,
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Bytes(x), Value::Bytes(y)) => x == y,
        (Value::List(x), Value::List(y)) => {
            x.elem == y.elem
                && x.items.len() == y.items.len()
                && x.items.iter().zip(&y.items).all(|(p, q)| eq(p, q))
        }
        (Value::Map(x), Value::Map(y)) => {
            if x.ty != y.ty {
                return false;
            }
            if std::sync::Arc::ptr_eq(x, y) {
                return true;
            }
            let (ex, ey) = (x.entries(), y.entries());
            ex.len() == ey.len()
                && ex
                    .iter()
                    .zip(&ey)
                    .all(|((k1, v1), (k2, v2))| k1 == k2 && eq(v1, v2))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.type_name() == y.type_name()
                && x.stringer() == y.stringer()
                && x.fields().len() == y.fields().len()
                && x.fields()
                    .iter()
                    .zip(y.fields().iter())
                    .all(|((_, p), (_, q))| eq(p, q))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int_conversions_follow_cast() {
        assert_eq!(to_int64(&Value::from("3.0")), 3);
        assert_eq!(to_int64(&Value::from("3.9")), 0);
        assert_eq!(to_int64(&Value::from("0x1F")), 31);
        assert_eq!(to_int64(&Value::from("010")), 8);
        assert_eq!(to_int64(&Value::Float(-2.7)), -2);
        assert_eq!(to_int64(&Value::Float(f64::NAN)), i64::MIN);
        assert_eq!(to_int64(&Value::Nil), 0);
    }

    #[test]
    fn float_parsing_follows_strconv() {
        assert_eq!(go_parse_float("1e3"), Some(1000.0));
        assert_eq!(go_parse_float("-Inf"), Some(f64::NEG_INFINITY));
        assert_eq!(go_parse_float("1_0"), Some(10.0));
        assert_eq!(go_parse_float("1e400"), None);
    }
}
