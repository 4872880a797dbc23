//! The raw formatter under the printer, as Go's `fmt/format.go` defines it: the
//! flags, width and precision of one verb, padding, and the formatting of booleans,
//! integers (with `%c`, `%q`, `%U`), strings and byte slices (plain, hex, quoted) and
//! floats.

use super::float::format_float;
use super::quote::{
    can_backquote, quote_bytes, quote_rune, rune_count, truncate_runes, valid_rune, RUNE_ERROR,
};
use super::unicode_print::is_print;

pub(super) const LOWER_DIGITS: &[u8; 17] = b"0123456789abcdefx";
pub(super) const UPPER_DIGITS: &[u8; 17] = b"0123456789ABCDEFX";

/// The flags of one verb. `%+v` and `%#v` move `plus`/`sharp` into `plus_v`/`sharp_v`
/// because they mean something different there.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Flags {
    pub wid_present: bool,
    pub prec_present: bool,
    pub minus: bool,
    pub plus: bool,
    pub sharp: bool,
    pub space: bool,
    pub zero: bool,
    pub plus_v: bool,
    pub sharp_v: bool,
}

/// The printer's state: its output buffer and the current verb's flags. The raw
/// formatting methods live here; the value-walking ones in `printer.rs`.
#[derive(Default)]
pub(super) struct Printer {
    pub buf: Vec<u8>,
    pub f: Flags,
    pub wid: i64,
    pub prec: i64,
    /// Set while printing a bad-verb report, so that String methods are not used.
    pub erroring: bool,
    /// Whether the format used explicit argument indexes.
    pub reordered: bool,
    /// Whether the latest explicit argument index was valid.
    pub good_arg_num: bool,
    /// Where an integer's digits are built, kept between integers: printing a
    /// large byte slice prints one integer a byte.
    digits: Vec<u8>,
}

impl Printer {
    pub fn clear_flags(&mut self) {
        self.f = Flags::default();
        self.wid = 0;
        self.prec = 0;
    }

    pub fn write_str(&mut self, s: &str) {
        self.buf.extend_from_slice(s.as_bytes());
    }

    pub fn write_byte(&mut self, b: u8) {
        self.buf.push(b);
    }

    pub fn write_char(&mut self, c: char) {
        let mut tmp = [0u8; 4];
        self.buf
            .extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
    }

    /// `n` bytes of padding: zeros when the zero flag is set and padding goes to the
    /// left, spaces otherwise.
    pub fn write_padding(&mut self, n: i64) {
        if n <= 0 {
            return;
        }
        let byte = if self.f.zero && !self.f.minus {
            b'0'
        } else {
            b' '
        };
        self.buf.extend(std::iter::repeat_n(byte, n as usize));
    }

    /// Writes `b` padded to the width, counted in runes, on the left or (with `-`)
    /// on the right.
    pub fn pad(&mut self, b: &[u8]) {
        if !self.f.wid_present || self.wid == 0 {
            self.buf.extend_from_slice(b);
            return;
        }
        let width = self.wid - rune_count(b) as i64;
        if !self.f.minus {
            self.write_padding(width);
            self.buf.extend_from_slice(b);
        } else {
            self.buf.extend_from_slice(b);
            self.write_padding(width);
        }
    }

    pub fn pad_str(&mut self, s: &str) {
        self.pad(s.as_bytes());
    }

    pub fn fmt_boolean(&mut self, v: bool) {
        self.pad_str(if v { "true" } else { "false" });
    }

    /// `%U`: `U+0078`, with `#` also `U+0078 'x'` when the character is printable.
    pub fn fmt_unicode(&mut self, u: u64) {
        let mut prec: i64 = 4;
        if self.f.prec_present && self.prec > 4 {
            prec = self.prec;
        }
        let mut hex = Vec::new();
        let mut v = u;
        loop {
            hex.push(UPPER_DIGITS[(v & 0xF) as usize]);
            v >>= 4;
            if v == 0 {
                break;
            }
        }
        while (hex.len() as i64) < prec {
            hex.push(b'0');
        }
        let mut out = Vec::with_capacity(hex.len() + 10);
        out.extend_from_slice(b"U+");
        out.extend(hex.iter().rev());
        if self.f.sharp && u <= 0x10FFFF && is_print(u as u32) {
            if let Some(c) = valid_rune(u) {
                out.extend_from_slice(b" '");
                let mut tmp = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
                out.push(b'\'');
            }
        }
        let old_zero = self.f.zero;
        self.f.zero = false;
        self.pad(&out);
        self.f.zero = old_zero;
    }

    /// Integers in base 2, 8, 10 or 16; `verb` is the Go verb (`%O` adds `0o`).
    /// `u` holds the bits of the value; `signed` says how to read them.
    pub fn fmt_integer(&mut self, u: u64, base: u64, signed: bool, verb: char, digits: &[u8; 17]) {
        let negative = signed && (u as i64) < 0;
        let mut u = if negative {
            (u as i64).unsigned_abs()
        } else {
            u
        };

        // Zero digits asked for by precision, or by the zero flag and a width.
        let mut prec: i64 = 0;
        if self.f.prec_present {
            prec = self.prec;
            if prec == 0 && u == 0 {
                // Nothing is printed but the padding.
                let old_zero = self.f.zero;
                self.f.zero = false;
                let wid = self.wid;
                self.write_padding(wid);
                self.f.zero = old_zero;
                return;
            }
        } else if self.f.zero && !self.f.minus && self.f.wid_present {
            prec = self.wid;
            if negative || self.f.plus || self.f.space {
                prec -= 1; // room for the sign
            }
        }

        // Digits, least significant first.
        let mut rev = std::mem::take(&mut self.digits);
        rev.clear();
        loop {
            rev.push(digits[(u % base) as usize]);
            u /= base;
            if u == 0 {
                break;
            }
        }
        while (rev.len() as i64) < prec {
            rev.push(b'0');
        }
        if self.f.sharp {
            match base {
                2 => rev.extend_from_slice(b"b0"),
                8 if rev.last() != Some(&b'0') => rev.push(b'0'),
                16 => {
                    rev.push(digits[16]);
                    rev.push(b'0');
                }
                _ => {}
            }
        }
        if verb == 'O' {
            rev.extend_from_slice(b"o0");
        }
        if negative {
            rev.push(b'-');
        } else if self.f.plus {
            rev.push(b'+');
        } else if self.f.space {
            rev.push(b' ');
        }
        rev.reverse();

        // Zero padding was handled above as precision; pad with spaces from here.
        let old_zero = self.f.zero;
        self.f.zero = false;
        self.pad(&rev);
        self.f.zero = old_zero;
        self.digits = rev;
    }

    /// Strings are cut to the precision, counted in runes.
    pub fn fmt_s(&mut self, s: &[u8]) {
        let s = if self.f.prec_present {
            truncate_runes(s, self.prec.max(0) as usize)
        } else {
            s
        };
        self.pad(s);
    }

    /// `%x`/`%X` of a string or byte slice: two hex digits a byte, `#` adds `0x`,
    /// a space separates bytes (and with `#` prefixes each).
    pub fn fmt_sbx(&mut self, b: &[u8], digits: &[u8; 17]) {
        let mut length = b.len() as i64;
        if self.f.prec_present && self.prec < length {
            length = self.prec;
        }
        let mut width = 2 * length;
        if width > 0 {
            if self.f.space {
                if self.f.sharp {
                    width *= 2;
                }
                width += length - 1;
            } else if self.f.sharp {
                width += 2;
            }
        } else {
            if self.f.wid_present {
                let wid = self.wid;
                self.write_padding(wid);
            }
            return;
        }
        if self.f.wid_present && self.wid > width && !self.f.minus {
            let n = self.wid - width;
            self.write_padding(n);
        }
        if self.f.sharp {
            self.buf.push(b'0');
            self.buf.push(digits[16]);
        }
        for (i, &c) in b.iter().take(length as usize).enumerate() {
            if self.f.space && i > 0 {
                self.buf.push(b' ');
                if self.f.sharp {
                    self.buf.push(b'0');
                    self.buf.push(digits[16]);
                }
            }
            self.buf.push(digits[(c >> 4) as usize]);
            self.buf.push(digits[(c & 0xF) as usize]);
        }
        if self.f.wid_present && self.wid > width && self.f.minus {
            let n = self.wid - width;
            self.write_padding(n);
        }
    }

    /// `%q` of a string: Go-quoted (ASCII only with `+`), or backquoted with `#`
    /// when possible.
    pub fn fmt_q(&mut self, s: &[u8]) {
        let s = if self.f.prec_present {
            truncate_runes(s, self.prec.max(0) as usize)
        } else {
            s
        };
        if self.f.sharp && can_backquote(s) {
            let mut out = Vec::with_capacity(s.len() + 2);
            out.push(b'`');
            out.extend_from_slice(s);
            out.push(b'`');
            self.pad(&out);
            return;
        }
        let quoted = quote_bytes(s, self.f.plus);
        self.pad_str(&quoted);
    }

    /// `%c`: the character, U+FFFD when the value is not a valid code point.
    pub fn fmt_c(&mut self, c: u64) {
        let ch = valid_rune(c).unwrap_or(RUNE_ERROR);
        let mut tmp = [0u8; 4];
        let s = ch.encode_utf8(&mut tmp);
        self.pad_str(s);
    }

    /// `%q` of an integer: a quoted character literal.
    pub fn fmt_qc(&mut self, c: u64) {
        let quoted = quote_rune(c, self.f.plus);
        self.pad_str(&quoted);
    }

    /// Floats through `strconv.FormatFloat` with Go's sign, `#` and padding rules.
    /// An explicit precision replaces `prec`.
    pub fn fmt_float(&mut self, v: f64, verb: u8, prec: i64) {
        let prec = if self.f.prec_present { self.prec } else { prec };
        let formatted = format_float(v, verb, prec.clamp(-1, i32::MAX as i64) as i32);
        // num always starts with a sign.
        let mut num: Vec<u8> = Vec::with_capacity(formatted.len() + 8);
        if formatted.starts_with('-') || formatted.starts_with('+') {
            num.extend_from_slice(formatted.as_bytes());
        } else {
            num.push(b'+');
            num.extend_from_slice(formatted.as_bytes());
        }
        if self.f.space && num[0] == b'+' && !self.f.plus {
            num[0] = b' ';
        }
        // Infinities and NaN are not zero padded.
        if num[1] == b'I' || num[1] == b'N' {
            let old_zero = self.f.zero;
            self.f.zero = false;
            if num[1] == b'N' && !self.f.space && !self.f.plus {
                num.remove(0);
            }
            self.pad(&num);
            self.f.zero = old_zero;
            return;
        }
        // `#` forces a decimal point and, for %g and %x, keeps trailing zeros.
        if self.f.sharp && verb != b'b' {
            let mut digits: i64 = 0;
            if matches!(verb, b'v' | b'g' | b'G' | b'x') {
                digits = if prec == -1 { 6 } else { prec };
            }
            let mut tail: Vec<u8> = Vec::new();
            let mut has_point = false;
            let mut saw_nonzero = false;
            let mut i = 1;
            while i < num.len() {
                let c = num[i];
                match c {
                    b'.' => has_point = true,
                    b'p' | b'P' => {
                        tail.extend_from_slice(&num[i..]);
                        num.truncate(i);
                        break;
                    }
                    b'e' | b'E' if verb != b'x' && verb != b'X' => {
                        tail.extend_from_slice(&num[i..]);
                        num.truncate(i);
                        break;
                    }
                    _ => {
                        if c != b'0' {
                            saw_nonzero = true;
                        }
                        if saw_nonzero {
                            digits -= 1;
                        }
                    }
                }
                i += 1;
            }
            if !has_point {
                if num.len() == 2 && num[1] == b'0' {
                    digits -= 1;
                }
                num.push(b'.');
            }
            while digits > 0 {
                num.push(b'0');
                digits -= 1;
            }
            num.extend_from_slice(&tail);
        }
        if self.f.plus || num[0] != b'+' {
            // With zero padding the sign goes before the zeros.
            if self.f.zero && !self.f.minus && self.f.wid_present && self.wid > num.len() as i64 {
                self.buf.push(num[0]);
                let n = self.wid - num.len() as i64;
                self.write_padding(n);
                self.buf.extend_from_slice(&num[1..]);
                return;
            }
            self.pad(&num);
            return;
        }
        self.pad(&num[1..]);
    }
}
