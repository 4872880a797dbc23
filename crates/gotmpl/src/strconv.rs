//! Go's `strconv` as the parser needs it: `%#U` of a rune, unquoting string
//! and character literals, and parsing number literals with base prefixes and
//! underscores.

use std::borrow::Cow;

/// Go's `%#U` of a rune: `U+0041 'A'`, or just `U+0007` when not printable.
pub fn sharp_u(c: char) -> String {
    if crate::gofmt::is_print(c as u32) {
        format!("U+{:04X} '{}'", c as u32, c)
    } else {
        format!("U+{:04X}", c as u32)
    }
}

/// `%#U` of a rune that may be the lexer's EOF (-1).
pub fn sharp_u_opt(c: Option<char>) -> String {
    match c {
        Some(c) => sharp_u(c),
        None => "U+FFFFFFFFFFFFFFFF".to_string(),
    }
}

/// The error every failed unquote reports, as Go's `strconv.ErrSyntax` prints.
pub const INVALID_SYNTAX: &str = "invalid syntax";

/// Decodes the first character or escape of `s` inside a literal quoted by `quote`,
/// like Go's `strconv.UnquoteChar`. Returns the decoded bytes (a `\x` or octal escape
/// is one raw byte, anything else a UTF-8 rune) and the rest of `s`.
pub fn unquote_char(s: &str, quote: char) -> Result<(Decoded, &str), &'static str> {
    let mut chars = s.chars();
    let c = chars.next().ok_or(INVALID_SYNTAX)?;
    if c == quote && (quote == '\'' || quote == '"') {
        return Err(INVALID_SYNTAX);
    }
    if c != '\\' {
        return Ok((Decoded::Rune(c), chars.as_str()));
    }
    let e = chars.next().ok_or(INVALID_SYNTAX)?;
    let rest = chars.as_str();
    let simple = match e {
        'a' => Some('\x07'),
        'b' => Some('\x08'),
        'f' => Some('\x0c'),
        'n' => Some('\n'),
        'r' => Some('\r'),
        't' => Some('\t'),
        'v' => Some('\x0b'),
        '\\' => Some('\\'),
        '\'' | '"' => {
            if e != quote {
                return Err(INVALID_SYNTAX);
            }
            Some(e)
        }
        _ => None,
    };
    if let Some(c) = simple {
        return Ok((Decoded::Rune(c), rest));
    }
    match e {
        'x' | 'u' | 'U' => {
            let n = match e {
                'x' => 2,
                'u' => 4,
                _ => 8,
            };
            if rest.len() < n || !rest.is_char_boundary(n) {
                return Err(INVALID_SYNTAX);
            }
            let v = u32::from_str_radix(&rest[..n], 16).map_err(|_| INVALID_SYNTAX)?;
            if !rest[..n].bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(INVALID_SYNTAX);
            }
            if e == 'x' {
                return Ok((Decoded::Byte(v as u8), &rest[n..]));
            }
            let c = char::from_u32(v).ok_or(INVALID_SYNTAX)?;
            Ok((Decoded::Rune(c), &rest[n..]))
        }
        '0'..='7' => {
            if rest.len() < 2 || !rest.is_char_boundary(2) {
                return Err(INVALID_SYNTAX);
            }
            let digits = format!("{e}{}", &rest[..2]);
            if !digits.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
                return Err(INVALID_SYNTAX);
            }
            let v = u32::from_str_radix(&digits, 8).map_err(|_| INVALID_SYNTAX)?;
            if v > 255 {
                return Err(INVALID_SYNTAX);
            }
            Ok((Decoded::Byte(v as u8), &rest[2..]))
        }
        _ => Err(INVALID_SYNTAX),
    }
}

/// One decoded element of a quoted literal.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Decoded {
    Rune(char),
    Byte(u8),
}

impl Decoded {
    pub fn value(self) -> u32 {
        match self {
            Decoded::Rune(c) => c as u32,
            Decoded::Byte(b) => b as u32,
        }
    }
}

/// Go's `strconv.Unquote` for a double-quoted, back-quoted or single-quoted literal.
/// Raw bytes that do not form UTF-8 are replaced, as a Rust string must be valid.
/// A literal with nothing to unescape is returned as a slice of `s`.
pub fn unquote(s: &str) -> Result<Cow<'_, str>, &'static str> {
    if s.len() < 2 {
        return Err(INVALID_SYNTAX);
    }
    let quote = s.as_bytes()[0];
    if quote != s.as_bytes()[s.len() - 1] {
        return Err(INVALID_SYNTAX);
    }
    let body = &s[1..s.len() - 1];
    match quote {
        b'`' => {
            if let Some(at) = memchr::memchr2(b'`', b'\r', body.as_bytes()) {
                if body[at..].contains('`') {
                    return Err(INVALID_SYNTAX);
                }
                return Ok(Cow::Owned(body.replace('\r', "")));
            }
            Ok(Cow::Borrowed(body))
        }
        b'"' | b'\'' => {
            if body.contains('\n') {
                return Err(INVALID_SYNTAX);
            }
            if quote == b'"' && !body.contains(['\\', '"']) {
                return Ok(Cow::Borrowed(body));
            }
            let quote = quote as char;
            let mut bytes = Vec::with_capacity(body.len());
            let mut rest = body;
            let mut count = 0;
            while !rest.is_empty() {
                let (decoded, tail) = unquote_char(rest, quote)?;
                match decoded {
                    Decoded::Rune(c) => {
                        let mut buf = [0u8; 4];
                        bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                    }
                    Decoded::Byte(b) => bytes.push(b),
                }
                rest = tail;
                count += 1;
                if quote == '\'' && count > 1 {
                    return Err(INVALID_SYNTAX);
                }
            }
            if quote == '\'' && count != 1 {
                return Err(INVALID_SYNTAX);
            }
            Ok(Cow::Owned(String::from_utf8(bytes).unwrap_or_else(|e| {
                String::from_utf8_lossy(e.as_bytes()).into_owned()
            })))
        }
        _ => Err(INVALID_SYNTAX),
    }
}

/// Go's `underscoreOK`: underscores may only separate digits (or follow a base prefix).
fn underscore_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let b = if !b.is_empty() && (b[0] == b'-' || b[0] == b'+') {
        &b[1..]
    } else {
        b
    };
    let mut saw = b'^';
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = b[1].eq_ignore_ascii_case(&b'x');
    }
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// Go's `strconv.ParseUint(s, 0, 64)`.
pub fn parse_uint(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    // Plain decimal, the usual literal: no prefix or underscores to deal with.
    if s.bytes().all(|b| b.is_ascii_digit()) && (s.len() == 1 || !s.starts_with('0')) {
        return s.parse().ok();
    }
    let lower = s.to_ascii_lowercase();
    let (base, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    if s.contains('_') && !underscore_ok(s) {
        return None;
    }
    let digits: String = digits.chars().filter(|&c| c != '_').collect();
    if digits.is_empty() {
        return None;
    }
    u64::from_str_radix(&digits, base).ok()
}

/// Go's `strconv.ParseInt(s, 0, 64)`.
pub fn parse_int(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if body.starts_with(['+', '-']) {
        return None;
    }
    let u = parse_uint(body)?;
    if neg {
        if u <= (i64::MAX as u64) + 1 {
            Some((u as i64).wrapping_neg())
        } else {
            None
        }
    } else if u <= i64::MAX as u64 {
        Some(u as i64)
    } else {
        None
    }
}

/// Go's `strconv.ParseFloat(s, 64)` for the literal forms the lexer produces:
/// decimal with optional exponent, and hexadecimal with a `p` exponent.
pub fn parse_float(s: &str) -> Option<f64> {
    if s.contains('_') && !underscore_ok(s) {
        return None;
    }
    let cleaned: String = s.chars().filter(|&c| c != '_').collect();
    let (neg, body) = match cleaned.as_bytes().first() {
        Some(b'-') => (true, &cleaned[1..]),
        Some(b'+') => (false, &cleaned[1..]),
        _ => (false, cleaned.as_str()),
    };
    let value = if body.len() > 2 && body[..2].eq_ignore_ascii_case("0x") {
        parse_hex_float(&body[2..])?
    } else {
        if body.is_empty()
            || !body
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
        {
            return None;
        }
        body.parse::<f64>().ok()?
    };
    if value.is_infinite() {
        return None;
    }
    Some(if neg { -value } else { value })
}

fn parse_hex_float(s: &str) -> Option<f64> {
    let lower = s.to_ascii_lowercase();
    let (mantissa, exp) = lower.split_once('p')?;
    let exp: i32 = exp.parse().ok()?;
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    let mut value = 0f64;
    for c in int_part.chars().chain(frac_part.chars()) {
        value = value * 16.0 + c.to_digit(16)? as f64;
    }
    let shift = exp - 4 * frac_part.len() as i32;
    Some(value * 2f64.powi(shift))
}
