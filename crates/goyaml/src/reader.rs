//! Input decoding as libyaml's reader (go-yaml's readerc.go) does it: BOM
//! detection (UTF-8, UTF-16LE/BE), UTF-8 validation and the check that every
//! character is allowed in YAML.
//!
//! The whole input is checked (and UTF-16 transcoded) up front into UTF-8
//! text; the first problem is remembered and the text cut where it occurs, so
//! the scanner raises it only when it reaches that far, as libyaml's
//! incremental reader would.

use std::borrow::Cow;

/// Decoded input: the text before the first problem (borrowed from the bytes
/// unless it was UTF-16), and the problem.
pub(crate) struct Input<'a> {
    pub text: Cow<'a, str>,
    pub error: Option<&'static str>,
}

/// Decodes `bytes` as libyaml does.
pub(crate) fn decode(bytes: &[u8]) -> Input<'_> {
    if bytes.len() >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE {
        return decode_utf16(&bytes[2..], true);
    }
    if bytes.len() >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF {
        return decode_utf16(&bytes[2..], false);
    }
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    decode_utf8(body)
}

fn allowed(c: u32) -> bool {
    c == 0x09
        || c == 0x0A
        || c == 0x0D
        || (0x20..=0x7E).contains(&c)
        || c == 0x85
        || (0xA0..=0xD7FF).contains(&c)
        || (0xE000..=0xFFFD).contains(&c)
        || (0x10000..=0x10FFFF).contains(&c)
}

fn push(chars: &mut String, value: u32) -> Result<(), &'static str> {
    if !allowed(value) {
        return Err("control characters are not allowed");
    }
    match char::from_u32(value) {
        Some(c) => {
            chars.push(c);
            Ok(())
        }
        None => Err("invalid Unicode character"),
    }
}

/// The UTF-8 text as it is when it is valid and every character is allowed
/// (the usual case, checked without decoding), else the allowed prefix and the
/// first problem.
fn decode_utf8(bytes: &[u8]) -> Input<'_> {
    let valid = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default(),
    };
    match first_disallowed(valid) {
        Some(at) => Input {
            text: Cow::Borrowed(&valid[..at]),
            error: Some("control characters are not allowed"),
        },
        None if valid.len() == bytes.len() => Input {
            text: Cow::Borrowed(valid),
            error: None,
        },
        None => Input {
            text: Cow::Borrowed(valid),
            error: Some(utf8_problem(&bytes[valid.len()..])),
        },
    }
}

/// The byte offset of the first character YAML does not allow.
fn first_disallowed(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let plain = |octet: u8| matches!(octet, 0x20..=0x7E | b'\t' | b'\n' | b'\r');
    let mut i = 0;
    while i < bytes.len() {
        // Whole chunks of printable ASCII are passed over with a test the
        // compiler can do many bytes at a time; others are read a character
        // at a time.
        let chunk_end = (i + 32).min(bytes.len());
        if bytes[i..chunk_end]
            .iter()
            .fold(true, |all, &b| all & plain(b))
        {
            i = chunk_end;
            continue;
        }
        while i < chunk_end {
            if plain(bytes[i]) {
                i += 1;
                continue;
            }
            let c = text[i..].chars().next()?;
            if !allowed(u32::from(c)) {
                return Some(i);
            }
            i += c.len_utf8();
        }
    }
    None
}

/// libyaml's name for the invalid UTF-8 sequence that starts `bytes` (one
/// that `std::str::from_utf8` rejected: UTF-8 validity is the same test).
fn utf8_problem(bytes: &[u8]) -> &'static str {
    let Some(&octet) = bytes.first() else {
        return "incomplete UTF-8 octet sequence";
    };
    let (width, initial) = match octet {
        b if b & 0x80 == 0 => (1, u32::from(b & 0x7F)),
        b if b & 0xE0 == 0xC0 => (2, u32::from(b & 0x1F)),
        b if b & 0xF0 == 0xE0 => (3, u32::from(b & 0x0F)),
        b if b & 0xF8 == 0xF0 => (4, u32::from(b & 0x07)),
        _ => return "invalid leading UTF-8 octet",
    };
    if width > bytes.len() {
        return "incomplete UTF-8 octet sequence";
    }
    let mut value = initial;
    for &b in &bytes[1..width] {
        if b & 0xC0 != 0x80 {
            return "invalid trailing UTF-8 octet";
        }
        value = (value << 6) + u32::from(b & 0x3F);
    }
    let shortest = match width {
        1 => true,
        2 => value >= 0x80,
        3 => value >= 0x800,
        _ => value >= 0x10000,
    };
    if !shortest {
        return "invalid length of a UTF-8 sequence";
    }
    "invalid Unicode character"
}

fn decode_utf16(bytes: &[u8], little: bool) -> Input<'static> {
    let mut chars = String::with_capacity(bytes.len() / 2);
    let unit = |i: usize| -> u32 {
        if little {
            u32::from(bytes[i]) | (u32::from(bytes[i + 1]) << 8)
        } else {
            (u32::from(bytes[i]) << 8) | u32::from(bytes[i + 1])
        }
    };
    let mut i = 0;
    while i < bytes.len() {
        if bytes.len() - i < 2 {
            return Input {
                text: chars.into(),
                error: Some("incomplete UTF-16 character"),
            };
        }
        let mut value = unit(i);
        if value & 0xFC00 == 0xDC00 {
            return Input {
                text: chars.into(),
                error: Some("unexpected low surrogate area"),
            };
        }
        let mut width = 2;
        if value & 0xFC00 == 0xD800 {
            if bytes.len() - i < 4 {
                return Input {
                    text: chars.into(),
                    error: Some("incomplete UTF-16 surrogate pair"),
                };
            }
            let low = unit(i + 2);
            if low & 0xFC00 != 0xDC00 {
                return Input {
                    text: chars.into(),
                    error: Some("expected low surrogate area"),
                };
            }
            value = 0x10000 + ((value & 0x3FF) << 10) + (low & 0x3FF);
            width = 4;
        }
        if let Err(e) = push(&mut chars, value) {
            return Input {
                text: chars.into(),
                error: Some(e),
            };
        }
        i += width;
    }
    Input {
        text: chars.into(),
        error: None,
    }
}
