//! Go's `strconv.FormatFloat(f, fmt, -1, bits)` (shortest representation)
//! for the formats `'g'`, `'e'` and `'f'`, and encoding/json's float format.

/// Shortest decimal digits and decimal-point position of `f` (finite,
/// non-negative): `f = 0.d1d2d3... × 10^dp`.
fn shortest_digits(f: f64, bits: u32) -> (Vec<u8>, i32) {
    let text = if bits == 32 {
        format!("{:e}", f as f32)
    } else {
        format!("{f:e}")
    };
    let (mantissa, exp) = text.split_once('e').unwrap_or((text.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    if digits.iter().all(|&d| d == b'0') {
        return (vec![b'0'], 1);
    }
    let mut digits = digits;
    while digits.len() > 1 && digits.last() == Some(&b'0') {
        digits.pop();
    }
    (digits, exp + 1)
}

/// `strconv.FormatFloat(f, fmt, -1, bits)` for `fmt` in `g`, `e`, `f`.
pub fn format_float(f: f64, fmt: u8, bits: u32) -> String {
    if f.is_nan() {
        return "NaN".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".to_string()
        } else {
            "-Inf".to_string()
        };
    }
    let neg = f.is_sign_negative();
    let (digits, dp) = if f == 0.0 {
        (vec![b'0'], 1)
    } else {
        shortest_digits(f.abs(), bits)
    };
    let zero = f == 0.0;
    let body = match fmt {
        b'e' => fmt_e(&digits, dp, zero),
        b'f' => fmt_f(&digits, dp),
        _ => {
            let exp = dp - 1;
            // Shortest %g switches to %e outside [1e-4, 1e6): Go's eprec is 6.
            if !(-4..6).contains(&exp) {
                fmt_e(&digits, dp, zero)
            } else {
                fmt_f(&digits, dp)
            }
        }
    };
    if neg {
        format!("-{body}")
    } else {
        body
    }
}

fn fmt_e(digits: &[u8], dp: i32, zero: bool) -> String {
    let mut s = String::new();
    s.push(digits[0] as char);
    if digits.len() > 1 {
        s.push('.');
        for &d in &digits[1..] {
            s.push(d as char);
        }
    }
    let exp = if zero { 0 } else { dp - 1 };
    s.push('e');
    s.push(if exp < 0 { '-' } else { '+' });
    let e = exp.unsigned_abs();
    if e < 10 {
        s.push('0');
    }
    s.push_str(&e.to_string());
    s
}

fn fmt_f(digits: &[u8], dp: i32) -> String {
    let mut s = String::new();
    if dp > 0 {
        for i in 0..dp as usize {
            s.push(*digits.get(i).unwrap_or(&b'0') as char);
        }
    } else {
        s.push('0');
    }
    let frac = digits.len() as i32 - dp;
    if frac > 0 {
        s.push('.');
        for i in 0..frac {
            let idx = dp + i;
            let d = if idx < 0 {
                b'0'
            } else {
                *digits.get(idx as usize).unwrap_or(&b'0')
            };
            s.push(d as char);
        }
    }
    s
}

/// encoding/json's float64 text: `'f'` unless the magnitude is below 1e-6 or
/// at least 1e21, then `'e'` with a one-digit negative exponent cleaned up.
pub fn json_float(f: f64) -> String {
    let abs = f.abs();
    let fmt = if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        b'e'
    } else {
        b'f'
    };
    let mut s = format_float(f, fmt, 64);
    if fmt == b'e' {
        let b = s.as_bytes();
        let n = b.len();
        if n >= 4 && b[n - 4] == b'e' && b[n - 3] == b'-' && b[n - 2] == b'0' {
            let last = b[n - 1] as char;
            s.truncate(n - 2);
            s.push(last);
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g_format() {
        assert_eq!(format_float(1e6, b'g', 64), "1e+06");
        assert_eq!(format_float(1234567.0, b'g', 64), "1.234567e+06");
        assert_eq!(format_float(0.00001, b'g', 64), "1e-05");
        assert_eq!(format_float(0.0001, b'g', 64), "0.0001");
        assert_eq!(format_float(100000.0, b'g', 64), "100000");
        assert_eq!(format_float(1.5, b'g', 64), "1.5");
        assert_eq!(format_float(-0.0, b'g', 64), "-0");
        assert_eq!(format_float(0.1, b'g', 32), "0.1");
        assert_eq!(format_float(1.23456789012, b'g', 32), "1.2345679");
    }

    #[test]
    fn json_format() {
        assert_eq!(json_float(1e21), "1e+21");
        assert_eq!(json_float(1e20), "100000000000000000000");
        assert_eq!(json_float(0.000001), "0.000001");
        assert_eq!(json_float(1e-7), "1e-7");
        assert_eq!(json_float(1.5e-10), "1.5e-10");
        assert_eq!(json_float(1000000.0), "1000000");
    }
}
