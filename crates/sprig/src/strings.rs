//! String functions: Go's `strings` package as Sprig exposes it (with Sprig's
//! swapped argument orders), Masterminds/goutils' abbreviation, wrapping, initials
//! and case helpers (byte-oriented where goutils is), huandu/xstrings' case
//! conversions, quoting, splitting and joining, and Go's Unicode case rules.

use std::collections::BTreeMap;
use std::sync::Arc;

use gotmpl::{gofmt, FuncError, GoType, Map, MapType, Value};

use crate::cast::{slice_items, strval};
use crate::ty::{ANY, INT, STRING};
use crate::{arg, int_arg, runtime_error, str_arg, string_list, Registry};

pub(crate) fn register(r: &mut Registry) {
    r.add(&["hello"], vec![], |_| Ok("Hello!".into()));
    r.add(&["trim"], vec![STRING], |a| {
        Ok(str_arg(&a, 0).trim().into())
    });
    r.add(&["upper"], vec![STRING], |a| {
        Ok(go_upper(str_arg(&a, 0)).into())
    });
    r.add(&["lower"], vec![STRING], |a| {
        Ok(go_lower(str_arg(&a, 0)).into())
    });
    r.add(&["title"], vec![STRING], |a| {
        Ok(title(str_arg(&a, 0)).into())
    });
    r.add(&["untitle"], vec![STRING], |a| {
        Ok(untitle(str_arg(&a, 0)).into())
    });
    r.add(&["substr"], vec![INT, INT, STRING], |a| {
        substr(int_arg(&a, 0), int_arg(&a, 1), str_arg(&a, 2)).map(Value::from)
    });
    r.add(&["repeat"], vec![INT, STRING], |a| {
        repeat(str_arg(&a, 1), int_arg(&a, 0)).map(Value::from)
    });
    r.add(&["trimall", "trimAll"], vec![STRING, STRING], |a| {
        let cut = str_arg(&a, 0);
        Ok(str_arg(&a, 1).trim_matches(|c| cut.contains(c)).into())
    });
    r.add(&["trimSuffix"], vec![STRING, STRING], |a| {
        let s = str_arg(&a, 1);
        Ok(s.strip_suffix(str_arg(&a, 0)).unwrap_or(s).into())
    });
    r.add(&["trimPrefix"], vec![STRING, STRING], |a| {
        let s = str_arg(&a, 1);
        Ok(s.strip_prefix(str_arg(&a, 0)).unwrap_or(s).into())
    });
    r.add(&["nospace"], vec![STRING], |a| {
        Ok(delete_white_space(str_arg(&a, 0)).into())
    });
    r.add(&["initials"], vec![STRING], |a| {
        Ok(initials(str_arg(&a, 0)).into())
    });
    r.add(&["swapcase"], vec![STRING], |a| {
        Ok(swap_case(str_arg(&a, 0)).into())
    });
    r.add(&["snakecase"], vec![STRING], |a| {
        Ok(lower_case_words(str_arg(&a, 0), '_').into())
    });
    r.add(&["kebabcase"], vec![STRING], |a| {
        Ok(lower_case_words(str_arg(&a, 0), '-').into())
    });
    r.add(&["camelcase"], vec![STRING], |a| {
        Ok(camel_case(str_arg(&a, 0)).into())
    });
    r.add(&["wrap"], vec![INT, STRING], |a| {
        Ok(wrap_custom(str_arg(&a, 1), int_arg(&a, 0), "", false).into())
    });
    r.add(&["wrapWith"], vec![INT, STRING, STRING], |a| {
        Ok(wrap_custom(str_arg(&a, 2), int_arg(&a, 0), str_arg(&a, 1), true).into())
    });
    r.add(&["contains"], vec![STRING, STRING], |a| {
        Ok(str_arg(&a, 1).contains(str_arg(&a, 0)).into())
    });
    r.add(&["hasPrefix"], vec![STRING, STRING], |a| {
        Ok(str_arg(&a, 1).starts_with(str_arg(&a, 0)).into())
    });
    r.add(&["hasSuffix"], vec![STRING, STRING], |a| {
        Ok(str_arg(&a, 1).ends_with(str_arg(&a, 0)).into())
    });
    r.variadic(&["quote"], vec![], ANY, |a| {
        let parts: Vec<String> = a
            .iter()
            .filter(|v| !v.is_nil())
            .map(|v| gofmt::quote(&strval(v)))
            .collect();
        Ok(parts.join(" ").into())
    });
    r.variadic(&["squote"], vec![], ANY, |a| {
        let parts: Vec<String> = a
            .iter()
            .filter(|v| !v.is_nil())
            .map(|v| gofmt::sprintf("'%v'", std::slice::from_ref(v)))
            .collect();
        Ok(parts.join(" ").into())
    });
    r.variadic(&["cat"], vec![], ANY, |a| {
        let parts: Vec<String> = a
            .iter()
            .filter(|v| !v.is_nil())
            .map(|v| gofmt::sprint(std::slice::from_ref(v)))
            .collect();
        Ok(parts.join(" ").into())
    });
    r.add(&["indent"], vec![INT, STRING], |a| {
        indent(int_arg(&a, 0), str_arg(&a, 1)).map(Value::from)
    });
    r.add(&["nindent"], vec![INT, STRING], |a| {
        indent(int_arg(&a, 0), str_arg(&a, 1)).map(|s| Value::from(format!("\n{s}")))
    });
    r.add(&["replace"], vec![STRING, STRING, STRING], |a| {
        Ok(str_arg(&a, 2)
            .replace(str_arg(&a, 0), str_arg(&a, 1))
            .into())
    });
    r.add(&["plural"], vec![STRING, STRING, INT], |a| {
        Ok(if int_arg(&a, 2) == 1 {
            str_arg(&a, 0)
        } else {
            str_arg(&a, 1)
        }
        .into())
    });
    r.add(&["toString"], vec![ANY], |a| Ok(strval(arg(&a, 0)).into()));
    r.add(&["atoi"], vec![STRING], |a| {
        Ok(Value::int(atoi(str_arg(&a, 0))))
    });
    r.add(&["abbrev"], vec![INT, STRING], |a| {
        let (width, s) = (int_arg(&a, 0), str_arg(&a, 1));
        if width < 4 {
            return Ok(s.into());
        }
        Ok(abbreviate(s.as_bytes(), 0, width)
            .map(lossy)
            .unwrap_or_default()
            .into())
    });
    r.add(&["abbrevboth"], vec![INT, INT, STRING], |a| {
        let (left, right, s) = (int_arg(&a, 0), int_arg(&a, 1), str_arg(&a, 2));
        if right < 4 || left > 0 && right < 7 {
            return Ok(s.into());
        }
        Ok(abbreviate(s.as_bytes(), left, right)
            .map(lossy)
            .unwrap_or_default()
            .into())
    });
    r.add(&["trunc"], vec![INT, STRING], |a| {
        let (c, s) = (int_arg(&a, 0), str_arg(&a, 1).as_bytes());
        let len = s.len() as i64;
        let out = if c < 0 && len.saturating_add(c) > 0 {
            &s[(len + c) as usize..]
        } else if c >= 0 && len > c {
            &s[..c as usize]
        } else {
            s
        };
        Ok(lossy(out.to_vec()).into())
    });
    r.add(&["split"], vec![STRING, STRING], |a| {
        Ok(numbered_parts(go_split(str_arg(&a, 1), str_arg(&a, 0), -1)))
    });
    r.add(&["splitn"], vec![STRING, INT, STRING], |a| {
        Ok(numbered_parts(go_split(
            str_arg(&a, 2),
            str_arg(&a, 0),
            int_arg(&a, 1),
        )))
    });
    r.add(&["splitList"], vec![STRING, STRING], |a| {
        Ok(string_list(go_split(str_arg(&a, 1), str_arg(&a, 0), -1)))
    });
    r.add(&["toStrings"], vec![ANY], |a| {
        Ok(string_list(strslice(arg(&a, 0))))
    });
    r.add(&["join"], vec![STRING, ANY], |a| {
        Ok(strslice(arg(&a, 1)).join(str_arg(&a, 0)).into())
    });
    r.add(&["sortAlpha"], vec![ANY], |a| {
        let v = arg(&a, 0);
        if slice_items(v).is_none() {
            return Ok(string_list(vec![strval(v)]));
        }
        let mut items = strslice(v);
        items.sort();
        Ok(string_list(items))
    });
}

/// Bytes that may have been cut inside a UTF-8 sequence, as text (Go keeps the raw
/// bytes; a Rust string cannot).
fn lossy(b: Vec<u8>) -> String {
    String::from_utf8(b).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Sprig's `strslice`: the elements of a slice as strings (nils dropped), a nil as
/// no strings, and any other value as one string.
pub(crate) fn strslice(v: &Value) -> Vec<String> {
    match slice_items(v) {
        Some(items) => items.iter().filter(|x| !x.is_nil()).map(strval).collect(),
        None if v.is_nil() => Vec::new(),
        None => vec![strval(v)],
    }
}

/// Go's `strings.SplitN` (`n < 0` for `strings.Split`).
pub(crate) fn go_split(s: &str, sep: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    let limit = if n < 0 { usize::MAX } else { n as usize };
    let mut out = Vec::new();
    if sep.is_empty() {
        let mut rest = s;
        while !rest.is_empty() {
            if out.len() + 1 == limit {
                out.push(rest.to_string());
                return out;
            }
            let len = rest.chars().next().map_or(1, char::len_utf8);
            out.push(rest[..len].to_string());
            rest = &rest[len..];
        }
        return out;
    }
    let mut rest = s;
    while out.len() + 1 < limit {
        match rest.find(sep) {
            Some(i) => {
                out.push(rest[..i].to_string());
                rest = &rest[i + sep.len()..];
            }
            None => break,
        }
    }
    out.push(rest.to_string());
    out
}

/// The `map[string]string` of `split`: `_0`, `_1`, ... to the parts.
fn numbered_parts(parts: Vec<String>) -> Value {
    let entries: BTreeMap<String, Value> = parts
        .into_iter()
        .enumerate()
        .map(|(i, p)| (format!("_{i}"), Value::from(p)))
        .collect();
    let ty = MapType {
        name: None,
        elem: GoType::String,
    };
    Value::Map(Arc::new(Map::new(ty, entries)))
}

fn slice_error(msg: String) -> FuncError {
    runtime_error(&format!("slice bounds out of range {msg}"))
}

/// Sprig's `substring`, with Go's panics for bad bounds.
fn substr(start: i64, end: i64, s: &str) -> Result<String, FuncError> {
    let b = s.as_bytes();
    let len = b.len() as i64;
    let out = if start < 0 {
        if end < 0 {
            return Err(slice_error(format!("[:{end}]")));
        }
        if end > len {
            return Err(slice_error(format!("[:{end}] with length {len}")));
        }
        &b[..end as usize]
    } else if end < 0 || end > len {
        if start > len {
            return Err(slice_error(format!("[{start}:{len}]")));
        }
        &b[start as usize..]
    } else {
        if start > end {
            return Err(slice_error(format!("[{start}:{end}]")));
        }
        &b[start as usize..end as usize]
    };
    Ok(lossy(out.to_vec()))
}

fn repeat(s: &str, count: i64) -> Result<String, FuncError> {
    if count < 0 {
        return Err(FuncError::new("strings: negative Repeat count"));
    }
    match (s.len() as u64).checked_mul(count as u64) {
        Some(n) if n <= isize::MAX as u64 => Ok(s.repeat(count as usize)),
        _ => Err(FuncError::new("strings: Repeat output length overflow")),
    }
}

fn indent(spaces: i64, v: &str) -> Result<String, FuncError> {
    let pad = repeat(" ", spaces)?;
    Ok(format!("{pad}{}", v.replace('\n', &format!("\n{pad}"))))
}

/// `strconv.Atoi` with the error dropped: 0 for bad syntax, the clamped value when
/// out of range.
fn atoi(s: &str) -> i64 {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return 0;
    }
    let mut v: i128 = 0;
    for b in digits.bytes() {
        v = (v * 10 + i128::from(b - b'0')).min(i128::from(u64::MAX) + 1);
    }
    if neg {
        (-v).max(i128::from(i64::MIN)) as i64
    } else {
        v.min(i128::from(i64::MAX)) as i64
    }
}

/// goutils' `AbbreviateFull`, on bytes; `None` stands for its errors.
fn abbreviate(s: &[u8], offset: i64, max_width: i64) -> Option<Vec<u8>> {
    if s.is_empty() {
        return Some(Vec::new());
    }
    if max_width < 4 {
        return None;
    }
    let len = s.len() as i64;
    if len <= max_width {
        return Some(s.to_vec());
    }
    let mut offset = offset.min(len);
    if len.saturating_sub(offset) < max_width - 3 {
        offset = len - (max_width - 3);
    }
    if offset <= 4 {
        let mut out = s[..(max_width - 3) as usize].to_vec();
        out.extend_from_slice(b"...");
        return Some(out);
    }
    if max_width < 7 {
        return None;
    }
    let mut out = b"...".to_vec();
    if offset.saturating_add(max_width - 3) < len {
        out.extend(abbreviate(&s[offset as usize..], 0, max_width - 3)?);
    } else {
        out.extend_from_slice(&s[(len - (max_width - 3)) as usize..]);
    }
    Some(out)
}

/// Go's `unicode.IsSpace` for a byte read as a Latin-1 rune.
fn latin1_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' | 0x85 | 0xa0)
}

/// goutils' `DeleteWhiteSpace`, which walks bytes and rebuilds the string from them
/// as Latin-1 runes when it removes anything.
fn delete_white_space(s: &str) -> String {
    if !s.bytes().any(latin1_space) {
        return s.to_string();
    }
    s.bytes()
        .filter(|&b| !latin1_space(b))
        .map(char::from)
        .collect()
}

/// goutils' `Initials`: the first byte (as a Latin-1 rune) of each run of
/// non-space bytes.
fn initials(s: &str) -> String {
    let mut out = String::new();
    let mut gap = true;
    for b in s.bytes() {
        if latin1_space(b) {
            gap = true;
        } else if gap {
            out.push(char::from(b));
            gap = false;
        }
    }
    out
}

/// goutils' `Uncapitalize` with whitespace delimiters.
fn untitle(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut next = true;
    for c in s.chars() {
        if c.is_whitespace() {
            next = true;
            out.push(c);
        } else if next {
            out.push(to_lower(c));
            next = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// goutils' `SwapCase`.
fn swap_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut whitespace = true;
    for c in s.chars() {
        if c.is_uppercase() || is_title(c) {
            out.push(to_lower(c));
            whitespace = false;
        } else if c.is_lowercase() {
            out.push(if whitespace { to_title(c) } else { to_upper(c) });
            whitespace = false;
        } else {
            whitespace = c.is_whitespace();
            out.push(c);
        }
    }
    out
}

/// Go's `strings.Title`: the first letter of each word in title case.
fn title(s: &str) -> String {
    let mut prev = ' ';
    s.chars()
        .map(|c| {
            let out = if is_separator(prev) { to_title(c) } else { c };
            prev = c;
            out
        })
        .collect()
}

/// `strings.Title`'s word separators.
fn is_separator(c: char) -> bool {
    if c.is_ascii() {
        return !(c.is_ascii_alphanumeric() || c == '_');
    }
    if c.is_alphabetic() || c.is_numeric() {
        return false;
    }
    c.is_whitespace()
}

/// Go's `strings.ToUpper`: simple (one-to-one) case mapping.
pub(crate) fn go_upper(s: &str) -> String {
    s.chars().map(to_upper).collect()
}

/// Go's `strings.ToLower`.
pub(crate) fn go_lower(s: &str) -> String {
    s.chars().map(to_lower).collect()
}

/// Go's `unicode.ToUpper`: the simple mapping, so characters whose full mapping
/// has several characters (ß) stay as they are.
fn to_upper(c: char) -> char {
    let mut m = c.to_uppercase();
    match (m.next(), m.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

fn to_lower(c: char) -> char {
    if c == '\u{130}' {
        return 'i';
    }
    let mut m = c.to_lowercase();
    match (m.next(), m.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Go's `unicode.ToTitle`: upper case except for the Latin digraphs.
fn to_title(c: char) -> char {
    match c {
        '\u{1C4}'..='\u{1C6}' => '\u{1C5}',
        '\u{1C7}'..='\u{1C9}' => '\u{1C8}',
        '\u{1CA}'..='\u{1CC}' => '\u{1CB}',
        '\u{1F1}'..='\u{1F3}' => '\u{1F2}',
        _ => to_upper(c),
    }
}

fn is_title(c: char) -> bool {
    matches!(c, '\u{1C5}' | '\u{1C8}' | '\u{1CB}' | '\u{1F2}')
        || matches!(c as u32, 0x1F88..=0x1F8F | 0x1F98..=0x1F9F | 0x1FA8..=0x1FAF | 0x1FBC | 0x1FCC | 0x1FFC)
}

/// goutils' `WrapCustom`, on bytes.
fn wrap_custom(s: &str, width: i64, newline: &str, wrap_long: bool) -> String {
    if s.is_empty() {
        return String::new();
    }
    let newline = if newline.is_empty() { "\n" } else { newline }.as_bytes();
    let width = width.max(1) as usize;
    let b = s.as_bytes();
    let len = b.len();
    let mut offset = 0;
    let mut out: Vec<u8> = Vec::with_capacity(len);
    while len - offset > width {
        if b[offset] == b' ' {
            offset += 1;
            continue;
        }
        let end = width + offset + 1;
        let space = b[offset..end].iter().rposition(|&c| c == b' ');
        if let Some(i) = space {
            out.extend_from_slice(&b[offset..offset + i]);
            out.extend_from_slice(newline);
            offset += i + 1;
        } else if wrap_long {
            out.extend_from_slice(&b[offset..offset + width]);
            out.extend_from_slice(newline);
            offset += width;
        } else {
            let end = width + offset;
            match b[end..].iter().position(|&c| c == b' ') {
                None => {
                    out.extend_from_slice(&b[offset..]);
                    offset = len;
                }
                Some(i) => {
                    out.extend_from_slice(&b[offset..end + i]);
                    out.extend_from_slice(newline);
                    offset = end + i + 1;
                }
            }
        }
    }
    out.extend_from_slice(&b[offset..]);
    lossy(out)
}

/// xstrings' connectors: `-`, `_` and white space.
fn is_connector(c: char) -> bool {
    c == '-' || c == '_' || c.is_whitespace()
}

/// Go's `unicode.IsPunct` (category P).
fn is_punct(c: char) -> bool {
    if c.is_ascii() {
        return matches!(
            c,
            '!' | '"'
                | '#'
                | '%'
                | '&'
                | '\''
                | '('
                | ')'
                | '*'
                | ','
                | '-'
                | '.'
                | '/'
                | ':'
                | ';'
                | '?'
                | '@'
                | '['
                | '\\'
                | ']'
                | '_'
                | '{'
                | '}'
        );
    }
    matches!(c as u32,
        0xA1 | 0xA7 | 0xAB | 0xB6 | 0xB7 | 0xBB | 0xBF
        | 0x2010..=0x2027 | 0x2030..=0x2043 | 0x2045..=0x2051 | 0x2053..=0x205E
        | 0x3001..=0x3003 | 0x3008..=0x3011 | 0x3014..=0x301F
        | 0xFF01..=0xFF03 | 0xFF05..=0xFF0A | 0xFF0C..=0xFF0F | 0xFF1A | 0xFF1B | 0xFF1F | 0xFF20)
}

/// xstrings' `isAlphabet`: a letter that is not a CJK ideograph.
fn is_alphabet(c: char) -> bool {
    if !c.is_alphabetic() {
        return false;
    }
    !matches!(c as u32, 0x4E00..=0x9FCC | 0x3400..=0x4D85 | 0x20000..=0x2B81D)
}

/// `utf8.DecodeRuneInString` treats U+FFFD as an invalid rune.
const INVALID: char = '\u{FFFD}';

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Word {
    Invalid,
    Number,
    Upper,
    Alphabet,
    Connector,
    Punct,
    Other,
}

/// xstrings' `nextValidRune`: the next rune that is not invalid and the bytes it
/// spans (with the invalid ones before it), or `prev` when only invalid ones remain.
fn next_valid(s: &str, prev: char) -> (char, usize) {
    let mut size = 0;
    for c in s.chars() {
        size += c.len_utf8();
        if c != INVALID {
            return (c, size);
        }
    }
    (prev, size)
}

/// xstrings' `nextWord`: the type of the next word, the word and the rest.
fn next_word(s: &str) -> (Word, &str, &str) {
    if s.is_empty() {
        return (Word::Invalid, "", "");
    }
    let (mut r, size) = next_valid(s, INVALID);
    let mut offset = size;
    let mut rest = s;
    if r == INVALID {
        return (Word::Invalid, &s[..offset], &s[offset..]);
    }
    let mut size = size;
    let wt;
    let run = |rest: &mut &str, offset: &mut usize, r: &mut char, keep: &dyn Fn(char) -> bool| {
        while !rest.is_empty() {
            let (c, sz) = next_valid(rest, *r);
            *r = c;
            if !keep(c) {
                break;
            }
            *offset += sz;
            *rest = &rest[sz..];
        }
    };
    if is_connector(r) {
        wt = Word::Connector;
        rest = &rest[size..];
        run(&mut rest, &mut offset, &mut r, &is_connector);
    } else if is_punct(r) {
        wt = Word::Punct;
        rest = &rest[size..];
        run(&mut rest, &mut offset, &mut r, &is_punct);
    } else if r.is_uppercase() {
        wt = Word::Upper;
        rest = &rest[size..];
        if !rest.is_empty() {
            let (c, sz) = next_valid(rest, r);
            r = c;
            size = sz;
            if r.is_uppercase() {
                let mut prev_size = size;
                offset += size;
                rest = &rest[size..];
                while !rest.is_empty() {
                    let (c, sz) = next_valid(rest, r);
                    r = c;
                    if !r.is_uppercase() {
                        break;
                    }
                    prev_size = sz;
                    offset += sz;
                    rest = &rest[sz..];
                }
                if !rest.is_empty() && is_alphabet(r) {
                    offset -= prev_size;
                    rest = &s[offset..];
                }
            } else if is_alphabet(r) {
                offset += size;
                rest = &rest[size..];
                run(&mut rest, &mut offset, &mut r, &|c| {
                    is_alphabet(c) && !c.is_uppercase()
                });
            }
        }
    } else if is_alphabet(r) {
        wt = Word::Alphabet;
        rest = &rest[size..];
        run(&mut rest, &mut offset, &mut r, &|c| {
            is_alphabet(c) && !c.is_uppercase()
        });
    } else if r.is_numeric() {
        wt = Word::Number;
        rest = &rest[size..];
        run(&mut rest, &mut offset, &mut r, &|c: char| c.is_numeric());
    } else {
        wt = Word::Other;
        rest = &rest[size..];
        run(&mut rest, &mut offset, &mut r, &|c| {
            !(is_connector(c) || is_alphabet(c) || c.is_numeric() || is_punct(c))
        });
    }
    (wt, &s[..offset], rest)
}

/// xstrings' `toLower`: upper-case and connector words are lowered (connectors
/// become `connector`), others are written as they are.
fn push_lower(out: &mut String, wt: Word, word: &str, connector: char) {
    if wt != Word::Upper && wt != Word::Connector {
        out.push_str(word);
        return;
    }
    for c in word.chars() {
        if is_connector(c) {
            out.push(connector);
        } else if c.is_uppercase() {
            out.push(to_lower(c));
        } else {
            out.push(c);
        }
    }
}

/// xstrings' `camelCaseToLowerCase`, behind `snakecase` and `kebabcase`.
fn lower_case_words(s: &str, connector: char) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    if s.is_empty() {
        return out;
    }
    let (mut wt, mut word, mut rest) = next_word(s);
    while !rest.is_empty() {
        if wt != Word::Connector {
            push_lower(&mut out, wt, word, connector);
        }
        let prev = wt;
        let last = word;
        (wt, word, rest) = next_word(rest);
        match prev {
            Word::Number => {
                while wt == Word::Alphabet || wt == Word::Number {
                    push_lower(&mut out, wt, word, connector);
                    (wt, word, rest) = next_word(rest);
                }
                if wt != Word::Invalid && wt != Word::Punct && wt != Word::Connector {
                    out.push(connector);
                }
            }
            Word::Connector => push_lower(&mut out, prev, last, connector),
            Word::Punct => {}
            _ => {
                if wt != Word::Number {
                    if wt != Word::Connector && wt != Word::Punct {
                        out.push(connector);
                    }
                    continue;
                }
                if rest.is_empty() {
                    continue;
                }
                let number = word;
                (wt, word, rest) = next_word(rest);
                if wt != Word::Alphabet {
                    push_lower(&mut out, Word::Number, number, connector);
                    if wt != Word::Connector && wt != Word::Punct {
                        out.push(connector);
                    }
                    continue;
                }
                out.push(connector);
                push_lower(&mut out, Word::Number, number, connector);
                while wt == Word::Alphabet || wt == Word::Number {
                    push_lower(&mut out, wt, word, connector);
                    (wt, word, rest) = next_word(rest);
                }
                if wt != Word::Invalid && wt != Word::Connector && wt != Word::Punct {
                    out.push(connector);
                }
            }
        }
    }
    push_lower(&mut out, wt, word, connector);
    out
}

/// xstrings' `ToCamelCase`: connectors removed, the letter after each one upper-cased,
/// the first letter upper-cased, leading connectors kept.
fn camel_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    let mut r0 = None;
    let mut last = None;
    for c in chars.by_ref() {
        if !is_connector(c) {
            r0 = Some(to_upper(c));
            break;
        }
        out.push(c);
        last = Some(c);
    }
    let Some(mut r0) = r0 else {
        // Go writes the last connector once more when there is nothing else.
        out.extend(last);
        return out;
    };
    for c in chars {
        let r1 = r0;
        r0 = c;
        if is_connector(r0) && is_connector(r1) {
            out.push(r1);
            continue;
        }
        if is_connector(r1) {
            r0 = to_upper(r0);
        } else {
            out.push(r1);
        }
    }
    out.push(r0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_and_camel_cases() {
        assert_eq!(lower_case_words("HTTPStatusCode", '_'), "http_status_code");
        assert_eq!(lower_case_words("Bld4Floor", '_'), "bld4_floor");
        assert_eq!(lower_case_words("FirstName", '-'), "first-name");
        assert_eq!(camel_case("foo_bar-baz qux"), "FooBarBazQux");
        assert_eq!(camel_case("__a"), "__A");
    }

    #[test]
    fn split_like_go() {
        assert_eq!(go_split("a,b,c", ",", 2), vec!["a", "b,c"]);
        assert_eq!(go_split("abc", "", -1), vec!["a", "b", "c"]);
        assert_eq!(go_split("", ",", -1), vec![""]);
        assert!(go_split("a", ",", 0).is_empty());
    }
}
