//! Go's `strconv` quoting (`Quote`, `QuoteToASCII`, `QuoteRune`, `QuoteRuneToASCII`,
//! `CanBackquote`) and the bits of `unicode/utf8` the printer needs, over bytes that
//! may not be valid UTF-8 (a `[]byte` printed with `%s` or `%q`).

use super::unicode_print::is_print;

const LOWER_HEX: &[u8; 16] = b"0123456789abcdef";

/// The highest valid code point.
pub(super) const MAX_RUNE: u64 = 0x10FFFF;
/// U+FFFD, what Go substitutes for invalid code points.
pub(super) const RUNE_ERROR: char = '\u{FFFD}';

/// One step of decoding `bytes` the way Go's `utf8.DecodeRune` does: a valid
/// character, or a single byte that does not start a valid sequence.
pub(super) enum Piece<'a> {
    Text(&'a str),
    Invalid(u8),
}

/// Splits `bytes` into runs of valid UTF-8 and single invalid bytes, in order.
pub(super) fn pieces(bytes: &[u8]) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    for chunk in bytes.utf8_chunks() {
        if !chunk.valid().is_empty() {
            out.push(Piece::Text(chunk.valid()));
        }
        for &b in chunk.invalid() {
            out.push(Piece::Invalid(b));
        }
    }
    out
}

/// Go's `utf8.RuneCount`: each invalid byte counts as one rune.
pub(super) fn rune_count(bytes: &[u8]) -> usize {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.chars().count(),
        Err(_) => pieces(bytes)
            .iter()
            .map(|p| match p {
                Piece::Text(s) => s.chars().count(),
                Piece::Invalid(_) => 1,
            })
            .sum(),
    }
}

/// The first `n` runes of `bytes` (invalid bytes count as one rune each).
pub(super) fn truncate_runes(bytes: &[u8], n: usize) -> &[u8] {
    let mut left = n;
    let mut end = 0;
    for piece in pieces(bytes) {
        match piece {
            Piece::Text(s) => {
                for c in s.chars() {
                    if left == 0 {
                        return &bytes[..end];
                    }
                    left -= 1;
                    end += c.len_utf8();
                }
            }
            Piece::Invalid(_) => {
                if left == 0 {
                    return &bytes[..end];
                }
                left -= 1;
                end += 1;
            }
        }
    }
    bytes
}

/// Go's `strconv.Quote` (or `QuoteToASCII` when `ascii_only`) of possibly invalid
/// UTF-8: a double-quoted Go string literal.
pub fn quote_bytes(bytes: &[u8], ascii_only: bool) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    for piece in pieces(bytes) {
        match piece {
            Piece::Text(s) => {
                for c in s.chars() {
                    escape_rune(&mut out, c, '"', ascii_only);
                }
            }
            Piece::Invalid(b) => {
                out.push_str("\\x");
                out.push(LOWER_HEX[(b >> 4) as usize] as char);
                out.push(LOWER_HEX[(b & 0xF) as usize] as char);
            }
        }
    }
    out.push('"');
    out
}

/// Go's `strconv.Quote`.
pub fn quote(s: &str) -> String {
    quote_bytes(s.as_bytes(), false)
}

/// Go's `strconv.QuoteToASCII`.
pub fn quote_to_ascii(s: &str) -> String {
    quote_bytes(s.as_bytes(), true)
}

/// Go's `strconv.QuoteRune` (or `QuoteRuneToASCII`): a single-quoted character
/// literal. Values that are not valid code points print as U+FFFD.
pub fn quote_rune(r: u64, ascii_only: bool) -> String {
    let c = valid_rune(r).unwrap_or(RUNE_ERROR);
    let mut out = String::with_capacity(8);
    out.push('\'');
    escape_rune(&mut out, c, '\'', ascii_only);
    out.push('\'');
    out
}

/// The character for `r` if it is a valid Unicode scalar value.
pub(super) fn valid_rune(r: u64) -> Option<char> {
    if r > MAX_RUNE {
        return None;
    }
    char::from_u32(r as u32)
}

fn escape_rune(out: &mut String, c: char, quote: char, ascii_only: bool) {
    if c == quote || c == '\\' {
        out.push('\\');
        out.push(c);
        return;
    }
    let r = c as u32;
    if ascii_only {
        if r < 0x80 && is_print(r) {
            out.push(c);
            return;
        }
    } else if is_print(r) {
        out.push(c);
        return;
    }
    match c {
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        _ if r < 0x20 || r == 0x7F => {
            out.push_str("\\x");
            push_hex(out, r, 2);
        }
        _ if r < 0x10000 => {
            out.push_str("\\u");
            push_hex(out, r, 4);
        }
        _ => {
            out.push_str("\\U");
            push_hex(out, r, 8);
        }
    }
}

fn push_hex(out: &mut String, v: u32, digits: u32) {
    for i in (0..digits).rev() {
        out.push(LOWER_HEX[((v >> (4 * i)) & 0xF) as usize] as char);
    }
}

/// Go's `strconv.CanBackquote`: whether the text can be written as a raw string
/// literal on one line (no control characters other than tab, no backquote, no
/// byte-order mark, valid UTF-8).
pub fn can_backquote(bytes: &[u8]) -> bool {
    for piece in pieces(bytes) {
        match piece {
            Piece::Invalid(_) => return false,
            Piece::Text(s) => {
                for c in s.chars() {
                    if c == '\u{FEFF}' {
                        return false;
                    }
                    if c.len_utf8() == 1 && ((c < ' ' && c != '\t') || c == '`' || c == '\u{7F}') {
                        return false;
                    }
                }
            }
        }
    }
    true
}
