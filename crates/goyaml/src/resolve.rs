//! Implicit scalar resolution as go-yaml's resolve.go does it: YAML 1.1
//! booleans (v2 only), nulls, ints (decimal, `0x`, `0o`, leading-zero octal,
//! `0b`, underscores), floats, `.inf`/`.nan`, timestamps and merge keys; plus
//! the helpers the encoders use to decide quoting.

use crate::value::Value;

pub const STR_TAG: &str = "tag:yaml.org,2002:str";
pub const BOOL_TAG: &str = "tag:yaml.org,2002:bool";
pub const INT_TAG: &str = "tag:yaml.org,2002:int";
pub const FLOAT_TAG: &str = "tag:yaml.org,2002:float";
pub const NULL_TAG: &str = "tag:yaml.org,2002:null";
pub const TIMESTAMP_TAG: &str = "tag:yaml.org,2002:timestamp";
pub const BINARY_TAG: &str = "tag:yaml.org,2002:binary";
pub const MERGE_TAG: &str = "tag:yaml.org,2002:merge";
pub const SEQ_TAG: &str = "tag:yaml.org,2002:seq";
pub const MAP_TAG: &str = "tag:yaml.org,2002:map";

const LONG_TAG_PREFIX: &str = "tag:yaml.org,2002:";

/// Which go-yaml major version's rules apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    V2,
    V3,
}

/// `!!x` for a long `tag:yaml.org,2002:x` tag.
pub fn short_tag(tag: &str) -> String {
    match tag.strip_prefix(LONG_TAG_PREFIX) {
        Some(rest) => format!("!!{rest}"),
        None => tag.to_string(),
    }
}

/// The long form of a `!!x` tag.
pub fn long_tag(tag: &str) -> String {
    match tag.strip_prefix("!!") {
        Some(rest) => format!("{LONG_TAG_PREFIX}{rest}"),
        None => tag.to_string(),
    }
}

fn resolvable(tag: &str) -> bool {
    matches!(
        tag,
        "" | STR_TAG | BOOL_TAG | INT_TAG | FLOAT_TAG | NULL_TAG | TIMESTAMP_TAG
    )
}

fn hint(c: u8) -> u8 {
    match c {
        b'+' | b'-' => b'S',
        b'0'..=b'9' => b'D',
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => b'M',
        b'.' => b'.',
        _ => 0,
    }
}

fn resolve_map(s: &str, version: Version) -> Option<(&'static str, Value)> {
    let v2_bool = match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => Some(true),
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => Some(false),
        _ => None,
    };
    if version == Version::V2 {
        if let Some(b) = v2_bool {
            return Some((BOOL_TAG, Value::Bool(b)));
        }
    }
    match s {
        "true" | "True" | "TRUE" => Some((BOOL_TAG, Value::Bool(true))),
        "false" | "False" | "FALSE" => Some((BOOL_TAG, Value::Bool(false))),
        "" | "~" | "null" | "Null" | "NULL" => Some((NULL_TAG, Value::Null)),
        ".nan" | ".NaN" | ".NAN" => Some((FLOAT_TAG, Value::Float(f64::NAN))),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            Some((FLOAT_TAG, Value::Float(f64::INFINITY)))
        }
        "-.inf" | "-.Inf" | "-.INF" => Some((FLOAT_TAG, Value::Float(f64::NEG_INFINITY))),
        "<<" => Some((MERGE_TAG, Value::String("<<".to_string()))),
        _ => None,
    }
}

/// Resolution outcome: the resolved tag and value, or go-yaml's failure text
/// (`cannot decode !!str `x` as a !!int`).
pub type Resolved = Result<(String, Value), String>;

/// go-yaml's `resolve(tag, in)`. A timestamp resolves to its text with the
/// timestamp tag.
pub fn resolve(tag: &str, input: &str, version: Version) -> Resolved {
    let (rtag, out) = resolve_outcome(tag, input, version)?;
    let value = match out {
        Outcome::Text => Value::String(input.to_string()),
        Outcome::Value(v) => v,
    };
    Ok((rtag.to_string(), value))
}

/// A resolved value, where `Text` is the input text itself as a string (so a
/// caller that owns the text need not copy it).
pub(crate) enum Outcome {
    Text,
    Value(Value),
}

/// [`resolve`] without copying: the tag borrowed, the value as an [`Outcome`].
pub(crate) fn resolve_outcome<'t>(
    tag: &'t str,
    input: &str,
    version: Version,
) -> Result<(&'t str, Outcome), String> {
    if !resolvable(tag) {
        return Ok((tag, Outcome::Text));
    }
    let (rtag, out) = resolve_implicit(tag, input, version);
    match tag {
        "" | STR_TAG | BINARY_TAG => Ok((rtag, out)),
        t if t == rtag => Ok((rtag, out)),
        FLOAT_TAG if rtag == INT_TAG => match out {
            Outcome::Value(Value::Int(i)) => {
                Ok((FLOAT_TAG, Outcome::Value(Value::Float(i as f64))))
            }
            _ => Err(fail_text(rtag, input, tag)),
        },
        _ => Err(fail_text(rtag, input, tag)),
    }
}

fn fail_text(rtag: &str, input: &str, tag: &str) -> String {
    format!(
        "cannot decode {} `{}` as a {}",
        short_tag(rtag),
        input,
        short_tag(tag)
    )
}

fn int_value(i: i64) -> Value {
    Value::Int(i)
}

fn resolve_implicit(tag: &str, input: &str, version: Version) -> (&'static str, Outcome) {
    let h = match input.as_bytes().first() {
        None => b'N',
        Some(&c) => hint(c),
    };
    if h != 0 && tag != STR_TAG && tag != BINARY_TAG {
        if let Some((rtag, value)) = resolve_map(input, version) {
            return (rtag, Outcome::Value(value));
        }
        match h {
            b'.' => {
                if let Some(f) = parse_float_dot(input) {
                    return (FLOAT_TAG, Outcome::Value(Value::Float(f)));
                }
            }
            b'D' | b'S' => {
                if (tag.is_empty() || tag == TIMESTAMP_TAG) && is_timestamp(input) {
                    return (TIMESTAMP_TAG, Outcome::Text);
                }
                let plain = if input.contains('_') {
                    std::borrow::Cow::Owned(input.replace('_', ""))
                } else {
                    std::borrow::Cow::Borrowed(input)
                };
                if let Some(i) = parse_int(&plain, 0) {
                    return (INT_TAG, Outcome::Value(int_value(i)));
                }
                if let Some(u) = parse_uint(&plain, 0) {
                    return (INT_TAG, Outcome::Value(Value::Uint(u)));
                }
                if yaml_style_float(&plain) {
                    if let Some(f) = parse_decimal_float(&plain) {
                        return (FLOAT_TAG, Outcome::Value(Value::Float(f)));
                    }
                }
                if let Some(rest) = plain.strip_prefix("0b") {
                    if let Some(i) = parse_int(rest, 2) {
                        return (INT_TAG, Outcome::Value(int_value(i)));
                    }
                    if let Some(u) = parse_uint(rest, 2) {
                        return (INT_TAG, Outcome::Value(Value::Uint(u)));
                    }
                } else if let Some(rest) = plain.strip_prefix("-0b") {
                    if let Some(i) = parse_int(&format!("-{rest}"), 2) {
                        return (INT_TAG, Outcome::Value(int_value(i)));
                    }
                }
                if version == Version::V3 {
                    if let Some(rest) = plain.strip_prefix("0o") {
                        if let Some(i) = parse_int(rest, 8) {
                            return (INT_TAG, Outcome::Value(int_value(i)));
                        }
                        if let Some(u) = parse_uint(rest, 8) {
                            return (INT_TAG, Outcome::Value(Value::Uint(u)));
                        }
                    } else if let Some(rest) = plain.strip_prefix("-0o") {
                        if let Some(i) = parse_int(&format!("-{rest}"), 8) {
                            return (INT_TAG, Outcome::Value(int_value(i)));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    (STR_TAG, Outcome::Text)
}

/// Go's `strconv.ParseUint(s, base, 64)` (no sign, no underscores: they were
/// removed by the caller).
pub fn parse_uint(s: &str, base: u32) -> Option<u64> {
    let (digits, radix) = split_base(s, base)?;
    if digits.is_empty() {
        return None;
    }
    let mut n: u64 = 0;
    for c in digits.chars() {
        let d = c.to_digit(radix)?;
        n = n.checked_mul(u64::from(radix))?.checked_add(u64::from(d))?;
    }
    Some(n)
}

fn split_base(s: &str, base: u32) -> Option<(&str, u32)> {
    if base != 0 {
        return Some((s, base));
    }
    let b = s.as_bytes();
    if b.first() == Some(&b'0') && b.len() > 1 {
        match b[1].to_ascii_lowercase() {
            b'x' => return Some((&s[2..], 16)),
            b'o' => return Some((&s[2..], 8)),
            b'b' => return Some((&s[2..], 2)),
            _ => return Some((&s[1..], 8)),
        }
    }
    Some((s, 10))
}

/// Go's `strconv.ParseInt(s, base, 64)`.
pub fn parse_int(s: &str, base: u32) -> Option<i64> {
    let (neg, rest) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let u = parse_uint(rest, base)?;
    if neg {
        if u <= 1u64 << 63 {
            Some((-(u as i128)) as i64)
        } else {
            None
        }
    } else if u <= i64::MAX as u64 {
        Some(u as i64)
    } else {
        None
    }
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
pub fn yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'-' | b'+')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// `strconv.ParseFloat` on text already known to be a plain decimal float;
/// `None` when out of range (Go's ErrRange).
fn parse_decimal_float(s: &str) -> Option<f64> {
    let f: f64 = s.parse().ok()?;
    if f.is_infinite() {
        None
    } else {
        Some(f)
    }
}

/// `strconv.ParseFloat(in, 64)` for input starting with `.`: `.5`, `.5e3`,
/// digits optionally separated by single underscores.
fn parse_float_dot(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c == b'_' {
            let prev_digit = i > 0 && b[i - 1].is_ascii_digit();
            let next_digit = b.get(i + 1).is_some_and(u8::is_ascii_digit);
            if !prev_digit || !next_digit {
                return None;
            }
        }
    }
    let plain = s.replace('_', "");
    if !yaml_style_float(&plain) {
        return None;
    }
    parse_decimal_float(&plain)
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`
pub fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    match b.first() {
        Some(c) if *c == b'+' || *c == b'-' || c.is_ascii_digit() => {}
        _ => return false,
    }
    if !s.contains(':') {
        return false;
    }
    let mut i = 0;
    if matches!(b[0], b'+' | b'-') {
        i += 1;
    }
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    i += 1;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() && i - start < 2 {
            i += 1;
        }
        let group = &b[start..i];
        let ok = match group.len() {
            1 => true,
            2 => group[0] <= b'5',
            _ => false,
        };
        if !ok {
            return false;
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// v3's `isOldBool`: YAML 1.1 booleans that v3 no longer resolves but still quotes.
pub fn is_old_bool(s: &str) -> bool {
    matches!(
        s,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "on"
            | "On"
            | "ON"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "off"
            | "Off"
            | "OFF"
    )
}

/// go-yaml's `parseTimestamp`: four digits and `-`, then one of the layouts
/// `2006-1-2T15:4:5.999999999Z07:00` (also with `t`),
/// `2006-1-2 15:4:5.999999999` and `2006-1-2` as Go's `time.Parse` reads them.
pub fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let lead = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if lead != 4 || lead == b.len() || b[lead] != b'-' {
        return false;
    }
    let Some((year, month, day, rest)) = parse_date(b) else {
        return false;
    };
    if !valid_day(year, month, day) {
        return false;
    }
    if rest.is_empty() {
        return true;
    }
    let (sep, rest) = (rest[0], &rest[1..]);
    let Some(rest) = parse_clock(rest) else {
        return false;
    };
    match sep {
        b'T' | b't' => parse_zone(rest),
        b' ' => rest.is_empty(),
        _ => false,
    }
}

fn getnum(b: &[u8]) -> Option<(u32, &[u8])> {
    let d0 = *b.first().filter(|c| c.is_ascii_digit())?;
    match b.get(1).filter(|c| c.is_ascii_digit()) {
        Some(&d1) => Some((u32::from(d0 - b'0') * 10 + u32::from(d1 - b'0'), &b[2..])),
        None => Some((u32::from(d0 - b'0'), &b[1..])),
    }
}

fn parse_date(b: &[u8]) -> Option<(u32, u32, u32, &[u8])> {
    let year: u32 = std::str::from_utf8(&b[..4]).ok()?.parse().ok()?;
    let rest = b.get(4..)?.strip_prefix(b"-")?;
    let (month, rest) = getnum(rest)?;
    if !(1..=12).contains(&month) {
        return None;
    }
    let rest = rest.strip_prefix(b"-")?;
    let (day, rest) = getnum(rest)?;
    Some((year, month, day, rest))
}

fn valid_day(year: u32, month: u32, day: u32) -> bool {
    let leap = (year.rem_euclid(4) == 0 && year.rem_euclid(100) != 0) || year.rem_euclid(400) == 0;
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    day >= 1 && day <= days
}

/// `15:4:5.999999999`: returns what follows.
fn parse_clock(b: &[u8]) -> Option<&[u8]> {
    let (hour, rest) = getnum(b)?;
    if hour >= 24 {
        return None;
    }
    let (minute, rest) = getnum(rest.strip_prefix(b":")?)?;
    if minute >= 60 {
        return None;
    }
    let (second, mut rest) = getnum(rest.strip_prefix(b":")?)?;
    if second >= 60 {
        return None;
    }
    if rest.len() >= 2 && (rest[0] == b'.' || rest[0] == b',') && rest[1].is_ascii_digit() {
        let n = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        rest = &rest[1 + n..];
    }
    Some(rest)
}

/// `Z07:00`: `Z` or `±hh:mm`, and nothing after.
fn parse_zone(b: &[u8]) -> bool {
    if b == b"Z" {
        return true;
    }
    if b.len() != 6 || !(b[0] == b'+' || b[0] == b'-') || b[3] != b':' {
        return false;
    }
    let digits = [b[1], b[2], b[4], b[5]];
    if !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let hh = u32::from(b[1] - b'0') * 10 + u32::from(b[2] - b'0');
    let mm = u32::from(b[4] - b'0') * 10 + u32::from(b[5] - b'0');
    hh <= 24 && mm <= 60
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> Value {
        resolve("", s, Version::V2)
            .map(|(_, v)| v)
            .unwrap_or(Value::Null)
    }

    #[test]
    fn numbers() {
        assert_eq!(r("0o17"), Value::Int(15));
        assert_eq!(r("017"), Value::Int(15));
        assert_eq!(r("1_000"), Value::Int(1000));
        assert_eq!(r("0x1F"), Value::Int(31));
        assert_eq!(r("08"), Value::Float(8.0));
        assert_eq!(r("1e3"), Value::Float(1000.0));
        assert_eq!(r("-.5"), Value::Float(-0.5));
        assert_eq!(r("1.2.3"), Value::String("1.2.3".into()));
        assert_eq!(r("18446744073709551615"), Value::Uint(u64::MAX));
        assert_eq!(r("-9223372036854775808"), Value::Int(i64::MIN));
        assert_eq!(r("1e400"), Value::String("1e400".into()));
    }

    #[test]
    fn timestamps() {
        assert!(is_timestamp("2001-12-14"));
        assert!(is_timestamp("2001-12-14t21:59:43.10-05:00"));
        assert!(is_timestamp("2001-12-14 21:59:43.10"));
        assert!(is_timestamp("2001-1-4T1:2:3Z"));
        assert!(!is_timestamp("2001-02-30"));
        assert!(!is_timestamp("2001-12-14 21:59:43.10 -5"));
        assert!(!is_timestamp("190:20:30"));
    }

    #[test]
    fn base60() {
        assert!(is_base60_float("12:30"));
        assert!(is_base60_float("190:20:30"));
        assert!(is_base60_float("1:2:3.5"));
        assert!(!is_base60_float("12:60"));
        assert!(!is_base60_float("a:1"));
    }
}
