//! Go's `strconv.FormatFloat` for float64: the `'b'`, `'e'`, `'E'`, `'f'`, `'g'`,
//! `'G'`, `'x'` and `'X'` formats, with precision -1 meaning the fewest digits that
//! still parse back to the same value.
//!
//! Decimal digits come from Rust's float formatting, which yields the shortest
//! round-trip digits (`{:e}`) or correctly rounded digits with ties to even
//! (`{:.*e}`, `{:.*}`), exactly what Go's Ryū and multiprecision paths produce; the
//! digits are then laid out the way Go lays them out.

/// A decimal digit string with the position of its decimal point: the value is
/// `0.d1d2d3... × 10^dp`. Trailing zeros are trimmed; zero has no digits.
#[derive(Debug, Clone, PartialEq)]
struct Digits {
    d: Vec<u8>,
    dp: i32,
}

impl Digits {
    fn nd(&self) -> i32 {
        self.d.len() as i32
    }

    /// Reads Rust's scientific notation (`1.2345e-7`, `5e0`) of a non-negative value.
    fn from_scientific(s: &str) -> Digits {
        let (mantissa, exp) = s.split_once('e').unwrap_or((s, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let mut d: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
        while d.last() == Some(&b'0') {
            d.pop();
        }
        if d.is_empty() {
            return Digits { d, dp: 0 };
        }
        Digits { d, dp: exp + 1 }
    }

    /// The shortest digits that identify `v` (which is finite and not negative).
    /// When two digit strings of that length identify `v` equally well, Go takes
    /// the correctly rounded one (ties to even), which Rust's `{:e}` need not.
    fn shortest(v: f64) -> Digits {
        let digits = Digits::from_scientific(&format!("{v:e}"));
        if digits.d.len() > 1 {
            let rounded = format!("{:.*e}", digits.d.len() - 1, v);
            if rounded.parse::<f64>() == Ok(v) {
                return Digits::from_scientific(&rounded);
            }
        }
        digits
    }

    /// `v` rounded to `n` significant digits, ties to even (`n >= 1`).
    fn significant(v: f64, n: usize) -> Digits {
        Digits::from_scientific(&format!("{:.*e}", n - 1, v))
    }
}

/// Go's `strconv.FormatFloat(v, fmt, prec, 64)`.
pub fn format_float(v: f64, fmt: u8, prec: i32) -> String {
    if v.is_nan() {
        return "NaN".to_string();
    }
    if v.is_infinite() {
        return if v < 0.0 { "-Inf" } else { "+Inf" }.to_string();
    }
    let neg = v.is_sign_negative();
    match fmt {
        b'b' => return format_binary(v),
        b'x' | b'X' => return format_hex(v, fmt, prec),
        b'e' | b'E' | b'f' | b'g' | b'G' => {}
        _ => return format!("%{}", fmt as char),
    }
    let abs = v.abs();
    let mut prec = prec;
    let shortest = prec < 0;
    let digits = if shortest {
        let digs = Digits::shortest(abs);
        prec = match fmt {
            b'e' | b'E' => (digs.nd() - 1).max(0),
            b'f' => (digs.nd() - digs.dp).max(0),
            _ => digs.nd(),
        };
        digs
    } else if fmt == b'f' {
        // Fixed notation is rounded at a decimal place, not a digit count.
        return fixed_notation(neg, abs, prec as usize);
    } else {
        let count = match fmt {
            b'e' | b'E' => prec + 1,
            _ => {
                if prec == 0 {
                    prec = 1;
                }
                prec
            }
        };
        Digits::significant(abs, count as usize)
    };
    let mut out = String::new();
    match fmt {
        b'e' | b'E' => lay_out_e(&mut out, neg, &digits, prec, fmt),
        b'f' => lay_out_f(&mut out, neg, &digits, prec),
        _ => {
            let mut eprec = prec;
            if eprec > digits.nd() && digits.nd() >= digits.dp {
                eprec = digits.nd();
            }
            // The shortest form switches to an exponent as %e would at precision 6.
            if shortest {
                eprec = 6;
            }
            let exp = digits.dp - 1;
            let e_fmt = if fmt == b'g' { b'e' } else { b'E' };
            if exp < -4 || exp >= eprec {
                if prec > digits.nd() {
                    prec = digits.nd();
                }
                lay_out_e(&mut out, neg, &digits, prec - 1, e_fmt);
            } else {
                if prec > digits.dp {
                    prec = digits.nd();
                }
                lay_out_f(&mut out, neg, &digits, (prec - digits.dp).max(0));
            }
        }
    }
    out
}

fn fixed_notation(neg: bool, abs: f64, prec: usize) -> String {
    let body = format!("{abs:.prec$}");
    if neg {
        format!("-{body}")
    } else {
        body
    }
}

/// `-d.dddde±dd`: one digit before the point, `prec` after, an exponent of at least
/// two digits.
fn lay_out_e(out: &mut String, neg: bool, digits: &Digits, prec: i32, fmt: u8) {
    if neg {
        out.push('-');
    }
    out.push(digits.d.first().map_or('0', |&c| c as char));
    if prec > 0 {
        out.push('.');
        let avail = digits.d.len().min(prec as usize + 1);
        for &c in digits.d.iter().take(avail).skip(1) {
            out.push(c as char);
        }
        for _ in avail.max(1)..=prec as usize {
            out.push('0');
        }
    }
    out.push(fmt as char);
    let mut exp = if digits.d.is_empty() {
        0
    } else {
        digits.dp - 1
    };
    if exp < 0 {
        out.push('-');
        exp = -exp;
    } else {
        out.push('+');
    }
    if exp < 10 {
        out.push('0');
    }
    out.push_str(&exp.to_string());
}

/// `-ddd.ddd` with exactly `prec` digits after the point.
fn lay_out_f(out: &mut String, neg: bool, digits: &Digits, prec: i32) {
    if neg {
        out.push('-');
    }
    let nd = digits.nd();
    if digits.dp > 0 {
        for i in 0..digits.dp {
            out.push(if i < nd {
                digits.d[i as usize] as char
            } else {
                '0'
            });
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 0..prec {
            let j = digits.dp + i;
            out.push(if 0 <= j && j < nd {
                digits.d[j as usize] as char
            } else {
                '0'
            });
        }
    }
}

/// The mantissa (with its implicit bit) and the unbiased binary exponent of a finite
/// float64, so that `|v| = mant × 2^(exp-52)`.
fn decompose(v: f64) -> (u64, i32) {
    let bits = v.to_bits();
    let mut exp = ((bits >> 52) & 0x7FF) as i32;
    let mut mant = bits & ((1u64 << 52) - 1);
    if exp == 0 {
        exp += 1;
    } else {
        mant |= 1u64 << 52;
    }
    (mant, exp - 1023)
}

/// `'b'`: `-ddddp±ddd`, a decimal mantissa and a binary exponent.
fn format_binary(v: f64) -> String {
    let (mant, exp) = decompose(v);
    let exp = exp - 52;
    let sign = if v.is_sign_negative() { "-" } else { "" };
    let exp_sign = if exp >= 0 { "+" } else { "" };
    format!("{sign}{mant}p{exp_sign}{exp}")
}

/// `'x'`/`'X'`: `-0x1.hhhhp±dd`, a hexadecimal mantissa and a binary exponent,
/// rounded (ties to even) when a precision below 15 is given.
fn format_hex(v: f64, fmt: u8, prec: i32) -> String {
    let (mut mant, mut exp) = decompose(v);
    if mant == 0 {
        exp = 0;
    }
    // Put the leading 1 (if any) at bit 60.
    mant <<= 60 - 52;
    while mant != 0 && mant & (1u64 << 60) == 0 {
        mant <<= 1;
        exp -= 1;
    }
    if (0..15).contains(&prec) {
        let shift = (prec * 4) as u32;
        let extra = (mant << shift) & ((1u64 << 60) - 1);
        mant >>= 60 - shift;
        if extra | (mant & 1) > 1u64 << 59 {
            mant += 1;
        }
        mant <<= 60 - shift;
        if mant & (1u64 << 61) != 0 {
            mant >>= 1;
            exp += 1;
        }
    }
    let hex: &[u8; 16] = if fmt == b'X' {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    let mut out = String::new();
    if v.is_sign_negative() {
        out.push('-');
    }
    out.push('0');
    out.push(fmt as char);
    out.push(if (mant >> 60) & 1 == 1 { '1' } else { '0' });
    mant <<= 4;
    if prec < 0 && mant != 0 {
        out.push('.');
        while mant != 0 {
            out.push(hex[((mant >> 60) & 15) as usize] as char);
            mant <<= 4;
        }
    } else if prec > 0 {
        out.push('.');
        for _ in 0..prec {
            out.push(hex[((mant >> 60) & 15) as usize] as char);
            mant <<= 4;
        }
    }
    out.push(if fmt == b'X' { 'P' } else { 'p' });
    if exp < 0 {
        out.push('-');
        exp = -exp;
    } else {
        out.push('+');
    }
    if exp < 10 {
        out.push('0');
    }
    out.push_str(&exp.to_string());
    out
}
