//! Owns Go's text forms of numbers and times that sops writes and hashes:
//! `strconv.FormatFloat` ('f', 'g', 'G'), encoding/json floats, and RFC 3339 times.

use std::fmt::Write;

/// `strconv.FormatFloat(f, 'f', -1, 64)`.
pub fn float_f(f: f64) -> String {
    if let Some(s) = special(f) {
        return s.to_string();
    }
    format!("{f}")
}

fn special(f: f64) -> Option<&'static str> {
    if f.is_nan() {
        Some("NaN")
    } else if f == f64::INFINITY {
        Some("+Inf")
    } else if f == f64::NEG_INFINITY {
        Some("-Inf")
    } else {
        None
    }
}

/// Shortest decimal digits and the decimal exponent of `f` (finite, non-zero):
/// `f = 0.d1d2d3... * 10^dp`.
fn digits(f: f64) -> (bool, String, i32) {
    let s = format!("{:e}", f.abs());
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mant.chars().filter(char::is_ascii_digit).collect();
    (f.is_sign_negative(), digits, exp + 1)
}

/// `strconv.FormatFloat(f, 'g' or 'G', -1, 64)`.
pub fn float_g(f: f64, upper: bool) -> String {
    if let Some(s) = special(f) {
        return s.to_string();
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    let (neg, digs, dp) = digits(f);
    let exp = dp - 1;
    if !(-4..6).contains(&exp) {
        return format_e(neg, &digs, exp, upper);
    }
    float_f(f)
}

fn format_e(neg: bool, digs: &str, exp: i32, upper: bool) -> String {
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    out.push_str(&digs[..1]);
    if digs.len() > 1 {
        out.push('.');
        out.push_str(&digs[1..]);
    }
    out.push(if upper { 'E' } else { 'e' });
    out.push(if exp < 0 { '-' } else { '+' });
    let _ = write!(out, "{:02}", exp.abs());
    out
}

/// A float as Go's encoding/json writes it; `None` for NaN and infinities.
pub fn float_json(f: f64) -> Option<String> {
    if !f.is_finite() {
        return None;
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let (neg, digs, dp) = digits(f);
        let mut s = format_e(neg, &digs, dp - 1, false);
        let n = s.len();
        if n >= 4 && &s[n - 4..n - 1] == "e-0" {
            s.remove(n - 2);
        }
        return Some(s);
    }
    Some(float_f(f))
}

/// A point in time as Go's `time.Time` keeps it after parsing RFC 3339 text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timestamp {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub nanos: u32,
    /// Offset from UTC in seconds (0 is written `Z`).
    pub offset: i32,
}

impl Timestamp {
    /// `time.Time.Format(time.RFC3339Nano)` (also `MarshalText`).
    pub fn rfc3339_nano(&self) -> String {
        let mut s = self.date_time();
        if self.nanos != 0 {
            let frac = format!("{:09}", self.nanos);
            s.push('.');
            s.push_str(frac.trim_end_matches('0'));
        }
        s.push_str(&self.zone());
        s
    }

    /// `time.Time.Format(time.RFC3339)`: fractional seconds dropped.
    pub fn rfc3339(&self) -> String {
        format!("{}{}", self.date_time(), self.zone())
    }

    fn date_time(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }

    fn zone(&self) -> String {
        if self.offset == 0 {
            return "Z".into();
        }
        let sign = if self.offset < 0 { '-' } else { '+' };
        let abs = self.offset.unsigned_abs();
        format!("{sign}{:02}:{:02}", abs / 3600, abs / 60 % 60)
    }

    /// Parses RFC 3339 text as Go's `time.Parse(time.RFC3339, s)` and `UnmarshalText` do.
    pub fn parse_rfc3339(s: &str) -> Option<Timestamp> {
        let b = s.as_bytes();
        if b.len() < 20
            || b[4] != b'-'
            || b[7] != b'-'
            || b[10] != b'T'
            || b[13] != b':'
            || b[16] != b':'
        {
            return None;
        }
        let mut t = Timestamp {
            year: num(&b[0..4])? as i32,
            month: num(&b[5..7])?,
            day: num(&b[8..10])?,
            hour: num(&b[11..13])?,
            minute: num(&b[14..16])?,
            second: num(&b[17..19])?,
            nanos: 0,
            offset: 0,
        };
        let rest = t.fraction(&b[19..])?;
        t.offset = zone(rest)?;
        t.valid().then_some(t)
    }

    /// Parses the timestamp forms go-yaml v3 resolves an unquoted scalar to.
    pub fn parse_yaml(s: &str) -> Option<Timestamp> {
        let b = s.as_bytes();
        let (year, rest) = fields(b, 4, 4)?;
        let rest = rest.strip_prefix(b"-")?;
        let (month, rest) = fields(rest, 1, 2)?;
        let rest = rest.strip_prefix(b"-")?;
        let (day, rest) = fields(rest, 1, 2)?;
        let mut t = Timestamp {
            year: year as i32,
            month,
            day,
            hour: 0,
            minute: 0,
            second: 0,
            nanos: 0,
            offset: 0,
        };
        if rest.is_empty() {
            return t.valid().then_some(t);
        }
        let (sep, rest) = rest.split_first()?;
        let zoned = match sep {
            b'T' | b't' => true,
            b' ' => false,
            _ => return None,
        };
        let (hour, rest) = fields(rest, 1, 2)?;
        let rest = rest.strip_prefix(b":")?;
        let (minute, rest) = fields(rest, 1, 2)?;
        let rest = rest.strip_prefix(b":")?;
        let (second, rest) = fields(rest, 1, 2)?;
        t.hour = hour;
        t.minute = minute;
        t.second = second;
        let rest = t.fraction(rest)?;
        if zoned {
            t.offset = zone(rest)?;
        } else if !rest.is_empty() {
            return None;
        }
        t.valid().then_some(t)
    }

    fn fraction<'a>(&mut self, b: &'a [u8]) -> Option<&'a [u8]> {
        let Some(rest) = b.strip_prefix(b".") else {
            return Some(b);
        };
        let n = rest.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        let mut nanos = 0u32;
        for (i, c) in rest[..n].iter().enumerate() {
            if i < 9 {
                nanos = nanos * 10 + u32::from(c - b'0');
            }
        }
        for _ in n..9 {
            nanos *= 10;
        }
        self.nanos = nanos;
        Some(&rest[n..])
    }

    fn valid(&self) -> bool {
        let leap = (self.year % 4 == 0 && self.year % 100 != 0) || self.year % 400 == 0;
        let days = match self.month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return false,
        };
        (1..=days).contains(&self.day) && self.hour < 24 && self.minute < 60 && self.second < 60
    }
}

fn num(b: &[u8]) -> Option<u32> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(b).ok()?.parse().ok()
}

fn fields(b: &[u8], min: usize, max: usize) -> Option<(u32, &[u8])> {
    let n = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if n < min || n > max {
        return None;
    }
    Some((num(&b[..n])?, &b[n..]))
}

fn zone(b: &[u8]) -> Option<i32> {
    match b {
        b"Z" | b"z" => Some(0),
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let h = num(&[*h1, *h2])? as i32;
            let m = num(&[*m1, *m2])? as i32;
            if h > 23 || m > 59 {
                return None;
            }
            let off = h * 3600 + m * 60;
            Some(if *sign == b'-' { -off } else { off })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_as_go_writes_them() {
        assert_eq!(float_f(1e10), "10000000000");
        assert_eq!(float_f(0.75), "0.75");
        assert_eq!(float_g(1e10, false), "1e+10");
        assert_eq!(float_g(123456789.0, false), "1.23456789e+08");
        assert_eq!(float_g(100000.0, false), "100000");
        assert_eq!(float_g(0.0001, false), "0.0001");
        assert_eq!(float_g(0.00001, false), "1e-05");
        assert_eq!(float_json(5432.0).unwrap(), "5432");
        assert_eq!(float_json(1e21).unwrap(), "1e+21");
        assert_eq!(float_json(1e-7).unwrap(), "1e-7");
    }

    #[test]
    fn times_round_trip() {
        let t = Timestamp::parse_rfc3339("2024-01-02T03:04:05.120+01:00").unwrap();
        assert_eq!(t.rfc3339_nano(), "2024-01-02T03:04:05.12+01:00");
        assert_eq!(t.rfc3339(), "2024-01-02T03:04:05+01:00");
        assert_eq!(
            Timestamp::parse_yaml("2024-1-2").unwrap().rfc3339_nano(),
            "2024-01-02T00:00:00Z"
        );
        assert!(Timestamp::parse_rfc3339("2024-02-30T00:00:00Z").is_none());
    }
}
