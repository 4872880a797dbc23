//! Go's `time` package as far as Sprig and charts reach it: the `time.Time` host
//! object (its `String` form and methods), locations (UTC, Local, the system tz
//! database, fixed zones), layout formatting and parsing with Go's error texts,
//! `time.Duration` printing and `time.ParseDuration`.

use std::fmt;
use std::sync::Arc;

use gotmpl::{FuncError, GoType, Object, Signature, Value};
use jiff::tz::TimeZone;

use crate::ty::{INT, STRING};

/// Go's `time.RFC3339Nano` layout (what `MarshalJSON` writes).
pub const RFC3339_NANO: &str = "2006-01-02T15:04:05.999999999Z07:00";

const SECONDS_PER_DAY: i64 = 86_400;

/// A time zone as Go's `*time.Location` sees it.
#[derive(Clone, Debug)]
pub enum Zone {
    Utc,
    /// `time.Local`, from `TZ` or `/etc/localtime`.
    Local(TimeZone),
    /// A zone loaded from the tz database by name.
    Named(TimeZone),
    /// `time.FixedZone(name, offset)`.
    Fixed(String, i32),
}

impl Zone {
    /// `time.Local`.
    pub fn local() -> Zone {
        Zone::Local(TimeZone::try_system().unwrap_or(TimeZone::UTC))
    }

    /// `time.LoadLocation`.
    pub fn load(name: &str) -> Option<Zone> {
        match name {
            "" | "UTC" => Some(Zone::Utc),
            "Local" => Some(Zone::local()),
            _ => TimeZone::get(name).ok().map(Zone::Named),
        }
    }

    /// The offset east of UTC and the abbreviation in force at `secs`.
    pub fn lookup(&self, secs: i64) -> (i32, String) {
        let tz = match self {
            Zone::Utc => return (0, "UTC".into()),
            Zone::Fixed(name, off) => return (*off, name.clone()),
            Zone::Local(tz) | Zone::Named(tz) => tz,
        };
        let ts = jiff::Timestamp::from_second(secs.clamp(-377_705_116_800, 253_402_207_200))
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        let info = tz.to_offset_info(ts);
        (info.offset().seconds(), info.abbreviation().to_string())
    }
}

/// A `time.Time`: an instant (seconds and nanoseconds since the Unix epoch) and the
/// location it is shown in.
#[derive(Clone, Debug)]
pub struct Time {
    pub secs: i64,
    pub nanos: u32,
    pub zone: Zone,
}

/// The civil fields of a time in its zone.
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    weekday: u32,
    yday: u32,
    offset: i32,
    abbrev: String,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in(month: u32, year: i64) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Time {
    /// `time.Unix(secs, 0)` in Local.
    pub fn unix(secs: i64) -> Time {
        Time {
            secs,
            nanos: 0,
            zone: Zone::local(),
        }
    }

    /// `time.Now()`.
    pub fn now() -> Time {
        let d = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Time {
            secs: d.as_secs() as i64,
            nanos: d.subsec_nanos(),
            zone: Zone::local(),
        }
    }

    /// Go's zero `time.Time`: January 1, year 1, UTC.
    pub fn zero() -> Time {
        Time {
            secs: days_from_civil(1, 1, 1) * SECONDS_PER_DAY,
            nanos: 0,
            zone: Zone::Utc,
        }
    }

    /// `time.Date` with Go's offset resolution for the location.
    fn date(civil: (i64, u32, u32, u32, u32, u32), nanos: u32, zone: Zone) -> Time {
        let (y, mo, d, h, mi, s) = civil;
        let local = days_from_civil(y, mo, d) * SECONDS_PER_DAY
            + i64::from(h) * 3600
            + i64::from(mi) * 60
            + i64::from(s);
        let (off, _) = zone.lookup(local);
        let mut secs = local - i64::from(off);
        if off != 0 {
            let (off2, _) = zone.lookup(secs);
            if off2 != off {
                secs = local - i64::from(off2);
            }
        }
        Time { secs, nanos, zone }
    }

    pub fn in_zone(&self, zone: Zone) -> Time {
        Time {
            zone,
            ..self.clone()
        }
    }

    /// Nanoseconds since the epoch, wrapping like Go's `UnixNano` outside its range.
    pub fn unix_nano(&self) -> i64 {
        self.secs
            .wrapping_mul(1_000_000_000)
            .wrapping_add(i64::from(self.nanos))
    }

    /// `t.Add(d)` for a duration in nanoseconds.
    pub fn add(&self, d: i64) -> Time {
        let total = i128::from(self.nanos) + i128::from(d % 1_000_000_000);
        let secs = self
            .secs
            .saturating_add(d / 1_000_000_000)
            .saturating_add(total.div_euclid(1_000_000_000) as i64);
        Time {
            secs,
            nanos: total.rem_euclid(1_000_000_000) as u32,
            zone: self.zone.clone(),
        }
    }

    /// `t.Sub(u)` in nanoseconds, saturating as Go's does.
    pub fn sub(&self, other: &Time) -> i64 {
        let d = (i128::from(self.secs) - i128::from(other.secs)) * 1_000_000_000
            + i128::from(self.nanos)
            - i128::from(other.nanos);
        d.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
    }

    fn civil(&self) -> Civil {
        let (offset, abbrev) = self.zone.lookup(self.secs);
        let local = self.secs.saturating_add(i64::from(offset));
        let days = local.div_euclid(SECONDS_PER_DAY);
        let sod = local.rem_euclid(SECONDS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        Civil {
            year,
            month,
            day,
            hour: (sod / 3600) as u32,
            minute: (sod / 60 % 60) as u32,
            second: (sod % 60) as u32,
            weekday: (days + 4).rem_euclid(7) as u32,
            yday: (days - days_from_civil(year, 1, 1) + 1) as u32,
            offset,
            abbrev,
        }
    }

    /// `t.Format(layout)`.
    pub fn format(&self, layout: &str) -> String {
        let c = self.civil();
        let mut out = String::with_capacity(layout.len() + 10);
        let mut rest = layout;
        loop {
            let (prefix, std, suffix) = next_chunk(rest);
            out.push_str(prefix);
            let Some(std) = std else { break };
            rest = suffix;
            self.format_chunk(&mut out, &c, std);
        }
        out
    }

    fn format_chunk(&self, out: &mut String, c: &Civil, std: Std) {
        let pad = |out: &mut String, v: i64, width: usize| {
            if v < 0 {
                out.push('-');
                out.push_str(&format!("{:0width$}", -v));
            } else {
                out.push_str(&format!("{v:0width$}"));
            }
        };
        match std {
            Std::Year => pad(out, c.year.rem_euclid(100), 2),
            Std::LongYear => pad(out, c.year, 4),
            Std::Month => out.push_str(&MONTHS[c.month as usize - 1][..3]),
            Std::LongMonth => out.push_str(MONTHS[c.month as usize - 1]),
            Std::NumMonth => pad(out, i64::from(c.month), 0),
            Std::ZeroMonth => pad(out, i64::from(c.month), 2),
            Std::WeekDay => out.push_str(&DAYS[c.weekday as usize][..3]),
            Std::LongWeekDay => out.push_str(DAYS[c.weekday as usize]),
            Std::Day => pad(out, i64::from(c.day), 0),
            Std::UnderDay => {
                if c.day < 10 {
                    out.push(' ');
                }
                pad(out, i64::from(c.day), 0);
            }
            Std::ZeroDay => pad(out, i64::from(c.day), 2),
            Std::UnderYearDay => out.push_str(&format!("{:>3}", c.yday)),
            Std::ZeroYearDay => pad(out, i64::from(c.yday), 3),
            Std::Hour => pad(out, i64::from(c.hour), 2),
            Std::Hour12 | Std::ZeroHour12 => {
                let h = if c.hour.is_multiple_of(12) {
                    12
                } else {
                    c.hour % 12
                };
                pad(
                    out,
                    i64::from(h),
                    if std == Std::ZeroHour12 { 2 } else { 0 },
                );
            }
            Std::Minute => pad(out, i64::from(c.minute), 0),
            Std::ZeroMinute => pad(out, i64::from(c.minute), 2),
            Std::Second => pad(out, i64::from(c.second), 0),
            Std::ZeroSecond => pad(out, i64::from(c.second), 2),
            Std::PM => out.push_str(if c.hour >= 12 { "PM" } else { "AM" }),
            Std::Pm => out.push_str(if c.hour >= 12 { "pm" } else { "am" }),
            Std::Tz => {
                if c.abbrev.is_empty() {
                    let zone = c.offset / 60;
                    out.push(if zone < 0 { '-' } else { '+' });
                    out.push_str(&format!("{:02}{:02}", zone.abs() / 60, zone.abs() % 60));
                } else {
                    out.push_str(&c.abbrev);
                }
            }
            Std::Offset {
                iso,
                colon,
                seconds,
                short,
            } => {
                if iso && c.offset == 0 {
                    out.push('Z');
                    return;
                }
                let abs = c.offset.abs();
                out.push(if c.offset < 0 { '-' } else { '+' });
                out.push_str(&format!("{:02}", abs / 3600));
                if colon {
                    out.push(':');
                }
                if !short {
                    out.push_str(&format!("{:02}", abs / 60 % 60));
                }
                if seconds {
                    if colon {
                        out.push(':');
                    }
                    out.push_str(&format!("{:02}", abs % 60));
                }
            }
            Std::Frac { digits, trim, sep } => {
                if trim && (digits == 0 || self.nanos == 0) {
                    return;
                }
                let mut s = format!("{sep}{:09}", self.nanos);
                s.truncate(1 + digits.min(9));
                if trim {
                    while s.ends_with('0') {
                        s.pop();
                    }
                    if s.len() == 1 {
                        s.pop();
                    }
                }
                out.push_str(&s);
            }
        }
    }

    fn method_value(&self, name: &str, args: &[Value]) -> Result<Value, FuncError> {
        let c = || self.civil();
        Ok(match name {
            "Unix" => Value::int64(self.secs),
            "UnixNano" => Value::int64(self.unix_nano()),
            "UnixMilli" => Value::int64(
                self.secs
                    .wrapping_mul(1000)
                    .wrapping_add(i64::from(self.nanos / 1_000_000)),
            ),
            "UnixMicro" => Value::int64(
                self.secs
                    .wrapping_mul(1_000_000)
                    .wrapping_add(i64::from(self.nanos / 1000)),
            ),
            "Format" => Value::from(self.format(crate::str_arg(args, 0))),
            "String" => Value::from(self.to_string()),
            "UTC" => Value::Object(Arc::new(self.in_zone(Zone::Utc))),
            "Local" => Value::Object(Arc::new(self.in_zone(Zone::local()))),
            "Year" => Value::int(c().year),
            "Month" => Value::Object(Arc::new(Named::Month(c().month))),
            "Weekday" => Value::Object(Arc::new(Named::Weekday(c().weekday))),
            "Day" => Value::int(i64::from(c().day)),
            "Hour" => Value::int(i64::from(c().hour)),
            "Minute" => Value::int(i64::from(c().minute)),
            "Second" => Value::int(i64::from(c().second)),
            "Nanosecond" => Value::int(i64::from(self.nanos)),
            "YearDay" => Value::int(i64::from(c().yday)),
            "IsZero" => Value::Bool(self.secs == Time::zero().secs && self.nanos == 0),
            "AddDate" => {
                let c = c();
                let (y, m, d) = (
                    crate::int_arg(args, 0),
                    crate::int_arg(args, 1),
                    crate::int_arg(args, 2),
                );
                let clamp = |v: i64| v.clamp(-(1 << 40), 1 << 40);
                let (y, m, d) = (clamp(y), clamp(m), clamp(d));
                let total_months = (clamp(c.year) + y) * 12 + i64::from(c.month) - 1 + m;
                let (year, month) = (
                    total_months.div_euclid(12),
                    total_months.rem_euclid(12) as u32 + 1,
                );
                let base = Time::date(
                    (year, month, 1, c.hour, c.minute, c.second),
                    self.nanos,
                    self.zone.clone(),
                );
                let shifted = base.add_days(i64::from(c.day) - 1 + d);
                Value::Object(Arc::new(shifted))
            }
            "Before" | "After" | "Equal" => {
                let other = args.first().and_then(as_time).unwrap_or_else(Time::zero);
                let ord = (self.secs, self.nanos).cmp(&(other.secs, other.nanos));
                Value::Bool(match name {
                    "Before" => ord.is_lt(),
                    "After" => ord.is_gt(),
                    _ => ord.is_eq(),
                })
            }
            _ => return Err(FuncError::new(format!("no method {name}"))),
        })
    }

    /// The same wall clock `days` later, re-resolved in the zone (Go's `Date`
    /// normalisation).
    fn add_days(&self, days: i64) -> Time {
        let c = self.civil();
        let (y, m, d) = civil_from_days(days_from_civil(c.year, c.month, c.day) + days);
        Time::date(
            (y, m, d, c.hour, c.minute, c.second),
            self.nanos,
            self.zone.clone(),
        )
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format("2006-01-02 15:04:05.999999999 -0700 MST"))
    }
}

impl Object for Time {
    fn type_name(&self) -> String {
        "time.Time".into()
    }

    fn field(&self, _name: &str) -> Option<Value> {
        None
    }

    fn method(&self, name: &str) -> Option<Signature> {
        let t = GoType::Named("time.Time".into());
        Some(match name {
            "Unix" | "UnixNano" | "UnixMilli" | "UnixMicro" | "String" | "UTC" | "Local"
            | "Year" | "Month" | "Weekday" | "Day" | "Hour" | "Minute" | "Second"
            | "Nanosecond" | "YearDay" | "IsZero" => Signature::new(vec![]),
            "Format" => Signature::new(vec![STRING]),
            "AddDate" => Signature::new(vec![INT, INT, INT]),
            "Before" | "After" | "Equal" => Signature::new(vec![t]),
            _ => return None,
        })
    }

    fn call_method(&self, name: &str, args: Vec<Value>) -> Result<Value, FuncError> {
        self.method_value(name, &args)
    }

    fn is_pointer(&self) -> bool {
        false
    }

    /// Go's unexported fields, standing for the instant and the location; only
    /// `as_time` and `deepEqual` look at them (a time prints through `String`).
    fn fields(&self) -> Vec<(String, Value)> {
        let loc = match &self.zone {
            Zone::Utc => "UTC".to_string(),
            Zone::Local(_) => "Local".to_string(),
            Zone::Named(tz) => format!("tz:{}", tz.iana_name().unwrap_or("UTC")),
            Zone::Fixed(name, off) => format!("fixed:{off}:{name}"),
        };
        vec![
            ("wall".into(), Value::int64(self.secs)),
            ("ext".into(), Value::int64(i64::from(self.nanos))),
            ("loc".into(), Value::from(loc)),
        ]
    }

    fn stringer(&self) -> Option<String> {
        Some(self.to_string())
    }
}

/// `time.Month` and `time.Weekday`: integers that print as names.
#[derive(Debug)]
enum Named {
    Month(u32),
    Weekday(u32),
}

impl Object for Named {
    fn type_name(&self) -> String {
        match self {
            Named::Month(_) => "time.Month".into(),
            Named::Weekday(_) => "time.Weekday".into(),
        }
    }

    fn field(&self, _name: &str) -> Option<Value> {
        None
    }

    fn is_pointer(&self) -> bool {
        false
    }

    fn stringer(&self) -> Option<String> {
        Some(match self {
            Named::Month(m) => MONTHS[(*m as usize).clamp(1, 12) - 1].to_string(),
            Named::Weekday(d) => DAYS[(*d as usize).min(6)].to_string(),
        })
    }
}

/// The time held by a template value, if it is a `time.Time` made by this crate.
pub fn as_time(v: &Value) -> Option<Time> {
    let Value::Object(o) = v else { return None };
    if o.type_name() != "time.Time" {
        return None;
    }
    let fields = o.fields();
    let get = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let (Some(Value::Int(secs, _)), Some(Value::Int(nanos, _)), Some(Value::String(loc))) =
        (get("wall"), get("ext"), get("loc"))
    else {
        return None;
    };
    let zone = match &*loc {
        "UTC" => Zone::Utc,
        "Local" => Zone::local(),
        other => match other.split_once(':') {
            Some(("tz", name)) => Zone::load(name).unwrap_or(Zone::Utc),
            Some(("fixed", rest)) => {
                let (off, name) = rest.split_once(':').unwrap_or((rest, ""));
                Zone::Fixed(name.to_string(), off.parse().unwrap_or(0))
            }
            _ => Zone::Utc,
        },
    };
    Some(Time {
        secs,
        nanos: nanos as u32,
        zone,
    })
}

/// A parsed layout element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Std {
    LongMonth,
    Month,
    NumMonth,
    ZeroMonth,
    LongWeekDay,
    WeekDay,
    Day,
    UnderDay,
    ZeroDay,
    UnderYearDay,
    ZeroYearDay,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    LongYear,
    Year,
    PM,
    Pm,
    Tz,
    Offset {
        iso: bool,
        colon: bool,
        seconds: bool,
        short: bool,
    },
    Frac {
        digits: usize,
        trim: bool,
        sep: char,
    },
}

fn starts_lower(s: &str) -> bool {
    s.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
}

/// Go's `nextStdChunk`: the literal text before the first layout element, the
/// element, and the rest.
fn next_chunk(layout: &str) -> (&str, Option<Std>, &str) {
    let b = layout.as_bytes();
    let at = |i: usize, s: &str| layout.get(i..).is_some_and(|r| r.starts_with(s));
    for i in 0..b.len() {
        let found = match b[i] {
            b'J' if at(i, "January") => Some((Std::LongMonth, 7)),
            b'J' if at(i, "Jan") && !starts_lower(&layout[i + 3..]) => Some((Std::Month, 3)),
            b'M' if at(i, "Monday") => Some((Std::LongWeekDay, 6)),
            b'M' if at(i, "Mon") && !starts_lower(&layout[i + 3..]) => Some((Std::WeekDay, 3)),
            b'M' if at(i, "MST") => Some((Std::Tz, 3)),
            b'0' if b.get(i + 1).is_some_and(|c| (b'1'..=b'6').contains(c)) => Some((
                [
                    Std::ZeroMonth,
                    Std::ZeroDay,
                    Std::ZeroHour12,
                    Std::ZeroMinute,
                    Std::ZeroSecond,
                    Std::Year,
                ][(b[i + 1] - b'1') as usize],
                2,
            )),
            b'0' if at(i, "002") => Some((Std::ZeroYearDay, 3)),
            b'1' if at(i, "15") => Some((Std::Hour, 2)),
            b'1' => Some((Std::NumMonth, 1)),
            b'2' if at(i, "2006") => Some((Std::LongYear, 4)),
            b'2' => Some((Std::Day, 1)),
            b'_' if at(i, "_2006") => {
                return (&layout[..i + 1], Some(Std::LongYear), &layout[i + 5..])
            }
            b'_' if at(i, "_2") => Some((Std::UnderDay, 2)),
            b'_' if at(i, "__2") => Some((Std::UnderYearDay, 3)),
            b'3' => Some((Std::Hour12, 1)),
            b'4' => Some((Std::Minute, 1)),
            b'5' => Some((Std::Second, 1)),
            b'P' if at(i, "PM") => Some((Std::PM, 2)),
            b'p' if at(i, "pm") => Some((Std::Pm, 2)),
            b'-' | b'Z' => {
                let iso = b[i] == b'Z';
                let forms = [
                    ("070000", false, true, false, 7),
                    ("07:00:00", true, true, false, 9),
                    ("0700", false, false, false, 5),
                    ("07:00", true, false, false, 6),
                    ("07", false, false, true, 3),
                ];
                forms
                    .iter()
                    .find(|f| at(i + 1, f.0))
                    .map(|&(_, colon, seconds, short, len)| {
                        (
                            Std::Offset {
                                iso,
                                colon,
                                seconds,
                                short,
                            },
                            len,
                        )
                    })
            }
            c @ (b'.' | b',') if matches!(b.get(i + 1), Some(b'0' | b'9')) => {
                let ch = b[i + 1];
                let mut j = i + 1;
                while j < b.len() && b[j] == ch {
                    j += 1;
                }
                if b.get(j).is_some_and(u8::is_ascii_digit) {
                    None
                } else {
                    let std = Std::Frac {
                        digits: j - i - 1,
                        trim: ch == b'9',
                        sep: c as char,
                    };
                    Some((std, j - i))
                }
            }
            _ => None,
        };
        if let Some((std, len)) = found {
            return (&layout[..i], Some(std), &layout[i + len..]);
        }
    }
    (layout, None, "")
}

/// The `time` package's own quoting for error messages.
fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        if !c.is_ascii() || c < ' ' {
            for b in c.to_string().bytes() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        } else {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out.push('"');
    out
}

/// The unit-less parse failure of a layout element.
struct Bad;

/// Go's `getnum`: one or two digits (exactly two when `fixed`).
fn getnum(s: &str, fixed: bool) -> Result<(u32, &str), Bad> {
    let b = s.as_bytes();
    if !b.first().is_some_and(u8::is_ascii_digit) {
        return Err(Bad);
    }
    if !b.get(1).is_some_and(u8::is_ascii_digit) {
        if fixed {
            return Err(Bad);
        }
        return Ok((u32::from(b[0] - b'0'), &s[1..]));
    }
    Ok((
        u32::from(b[0] - b'0') * 10 + u32::from(b[1] - b'0'),
        &s[2..],
    ))
}

/// Go's `skip`: matches literal layout text, where a space matches any run of spaces.
fn skip<'v>(mut value: &'v str, mut prefix: &str) -> Result<&'v str, &'v str> {
    while let Some(&p) = prefix.as_bytes().first() {
        if p == b' ' {
            if value.as_bytes().first().is_some_and(|&c| c != b' ') {
                return Err(value);
            }
            prefix = prefix.trim_start_matches(' ');
            value = value.trim_start_matches(' ');
            continue;
        }
        if value.as_bytes().first() != Some(&p) {
            return Err(value);
        }
        prefix = &prefix[1..];
        value = &value[1..];
    }
    Ok(value)
}

fn lookup_name<'v>(names: &[&str], value: &'v str, len: Option<usize>) -> Option<(usize, &'v str)> {
    for (i, name) in names.iter().enumerate() {
        let name = len.map_or(*name, |n| &name[..n]);
        if value.len() >= name.len()
            && value.is_char_boundary(name.len())
            && value[..name.len()].eq_ignore_ascii_case(name)
        {
            return Some((i, &value[name.len()..]));
        }
    }
    None
}

/// Go's `parseTimeZone` for zone abbreviations.
fn zone_name_len(value: &str) -> Option<usize> {
    let b = value.as_bytes();
    if b.len() < 3 {
        return None;
    }
    if value.starts_with("ChST") || value.starts_with("MeST") {
        return Some(4);
    }
    let upper = b
        .iter()
        .take(6)
        .take_while(|c| c.is_ascii_uppercase())
        .count();
    match upper {
        3 => Some(3),
        4 if b[3] == b'T' || value.starts_with("WITA") => Some(4),
        5 if b[4] == b'T' => Some(5),
        _ => None,
    }
}

/// Go's `time.ParseInLocation`, with its error texts.
pub fn parse(layout: &str, value: &str, default: Zone) -> Result<Time, String> {
    let err = |elem: &str, val: &str| {
        format!(
            "parsing time {} as {}: cannot parse {} as {}",
            quote(value),
            quote(layout),
            quote(val),
            quote(elem)
        )
    };
    let range_err = |what: &str| format!("parsing time {}: {what} out of range", quote(value));
    let (mut year, mut month, mut day) = (0i64, None::<u32>, None::<u32>);
    let (mut hour, mut minute, mut second, mut nanos) = (0u32, 0u32, 0u32, 0u32);
    let (mut pm, mut am) = (false, false);
    let mut utc = false;
    let mut zone_offset: Option<i32> = None;
    let mut zone_name = String::new();
    let mut rest_layout = layout;
    let mut v = value;
    loop {
        let (prefix, std, suffix) = next_chunk(rest_layout);
        let std_str = &rest_layout[prefix.len()..rest_layout.len() - suffix.len()];
        v = skip(v, prefix).map_err(|at| err(prefix, at))?;
        let Some(std) = std else {
            if !v.is_empty() {
                return Err(format!(
                    "parsing time {}: extra text: {}",
                    quote(value),
                    quote(v)
                ));
            }
            break;
        };
        rest_layout = suffix;
        let hold = v;
        let bad = || err(std_str, hold);
        match std {
            Std::LongYear => {
                if v.len() < 4 || !v.as_bytes()[0].is_ascii_digit() || !v.is_char_boundary(4) {
                    return Err(bad());
                }
                year = v[..4].parse().map_err(|_| bad())?;
                v = &v[4..];
            }
            Std::Year => {
                if v.len() < 2 || !v.is_char_boundary(2) {
                    return Err(bad());
                }
                let y: i64 = v[..2].parse().map_err(|_| bad())?;
                year = if y >= 69 { y + 1900 } else { y + 2000 };
                v = &v[2..];
            }
            Std::Month | Std::LongMonth => {
                let (i, r) =
                    lookup_name(&MONTHS, v, (std == Std::Month).then_some(3)).ok_or_else(bad)?;
                month = Some(i as u32 + 1);
                v = r;
            }
            Std::NumMonth | Std::ZeroMonth => {
                let (m, r) = getnum(v, std == Std::ZeroMonth).map_err(|_| bad())?;
                v = r;
                if m == 0 || m > 12 {
                    return Err(range_err("month"));
                }
                month = Some(m);
            }
            Std::WeekDay | Std::LongWeekDay => {
                let (_, r) =
                    lookup_name(&DAYS, v, (std == Std::WeekDay).then_some(3)).ok_or_else(bad)?;
                v = r;
            }
            Std::Day | Std::UnderDay | Std::ZeroDay => {
                if std == Std::UnderDay && v.starts_with(' ') {
                    v = &v[1..];
                }
                let (d, r) = getnum(v, std == Std::ZeroDay).map_err(|_| bad())?;
                day = Some(d);
                v = r;
            }
            Std::UnderYearDay | Std::ZeroYearDay => return Err(bad()),
            Std::Hour => {
                let (h, r) = getnum(v, false).map_err(|_| bad())?;
                v = r;
                if h >= 24 {
                    return Err(range_err("hour"));
                }
                hour = h;
            }
            Std::Hour12 | Std::ZeroHour12 => {
                let (h, r) = getnum(v, std == Std::ZeroHour12).map_err(|_| bad())?;
                v = r;
                if h > 12 {
                    return Err(range_err("hour"));
                }
                hour = h;
            }
            Std::Minute | Std::ZeroMinute => {
                let (m, r) = getnum(v, std == Std::ZeroMinute).map_err(|_| bad())?;
                v = r;
                if m >= 60 {
                    return Err(range_err("minute"));
                }
                minute = m;
            }
            Std::Second | Std::ZeroSecond => {
                let (s, r) = getnum(v, std == Std::ZeroSecond).map_err(|_| bad())?;
                v = r;
                if s >= 60 {
                    return Err(range_err("second"));
                }
                second = s;
                let b = v.as_bytes();
                if b.len() >= 2 && matches!(b[0], b'.' | b',') && b[1].is_ascii_digit() {
                    let (_, next, _) = next_chunk(rest_layout);
                    if !matches!(next, Some(Std::Frac { .. })) {
                        let n = 1 + b[1..].iter().take_while(|c| c.is_ascii_digit()).count();
                        nanos = parse_nanos(&v[..n]);
                        v = &v[n..];
                    }
                }
            }
            Std::PM | Std::Pm => {
                if v.len() < 2 || !v.is_char_boundary(2) {
                    return Err(bad());
                }
                let (p, a) = if std == Std::PM {
                    ("PM", "AM")
                } else {
                    ("pm", "am")
                };
                match &v[..2] {
                    x if x == p => pm = true,
                    x if x == a => am = true,
                    _ => return Err(bad()),
                }
                v = &v[2..];
            }
            Std::Offset {
                iso,
                colon,
                seconds,
                short,
            } => {
                if iso && v.starts_with('Z') {
                    v = &v[1..];
                    utc = true;
                    continue;
                }
                let b = v.as_bytes();
                let (need, parts): (usize, [(usize, usize); 3]) = match (colon, seconds, short) {
                    (true, false, _) => (6, [(1, 3), (4, 6), (0, 0)]),
                    (_, _, true) => (3, [(1, 3), (0, 0), (0, 0)]),
                    (true, true, _) => (9, [(1, 3), (4, 6), (7, 9)]),
                    (false, true, _) => (7, [(1, 3), (3, 5), (5, 7)]),
                    (false, false, false) => (5, [(1, 3), (3, 5), (0, 0)]),
                };
                if b.len() < need || !v.is_char_boundary(need) {
                    return Err(bad());
                }
                if colon && (b[3] != b':' || seconds && b[6] != b':') {
                    return Err(bad());
                }
                let mut nums = [0u32; 3];
                for (k, &(from, to)) in parts.iter().enumerate() {
                    if to > from {
                        nums[k] = getnum(&v[from..to], true).map_err(|_| bad())?.0;
                    }
                }
                if nums[2] > 60 {
                    return Err(range_err("time zone offset second"));
                }
                if nums[1] > 60 {
                    return Err(range_err("time zone offset minute"));
                }
                if nums[0] > 24 {
                    return Err(range_err("time zone offset hour"));
                }
                let off = ((nums[0] * 60 + nums[1]) * 60 + nums[2]) as i32;
                zone_offset = Some(match b[0] {
                    b'+' => off,
                    b'-' => -off,
                    _ => return Err(bad()),
                });
                v = &v[need..];
            }
            Std::Tz => {
                if v.starts_with("UTC") {
                    utc = true;
                    v = &v[3..];
                    continue;
                }
                let n = zone_name_len(v).ok_or_else(bad)?;
                zone_name = v[..n].to_string();
                v = &v[n..];
            }
            Std::Frac { digits, trim, .. } => {
                let b = v.as_bytes();
                if !trim {
                    let n = 1 + digits;
                    if b.len() < n
                        || !matches!(b[0], b'.' | b',')
                        || !b[1..n].iter().all(u8::is_ascii_digit)
                    {
                        return Err(bad());
                    }
                    nanos = parse_nanos(&v[..n]);
                    v = &v[n..];
                } else if b.len() >= 2 && matches!(b[0], b'.' | b',') && b[1].is_ascii_digit() {
                    let n = 1 + b[1..].iter().take_while(|c| c.is_ascii_digit()).count();
                    nanos = parse_nanos(&v[..n]);
                    v = &v[n..];
                }
            }
        }
    }
    if pm && hour < 12 {
        hour += 12;
    } else if am && hour == 12 {
        hour = 0;
    }
    let month = month.unwrap_or(1);
    let day = day.unwrap_or(1);
    if day < 1 || day > days_in(month, year) {
        return Err(range_err("day"));
    }
    let civil = (year, month, day, hour, minute, second);
    if utc {
        return Ok(Time::date(civil, nanos, Zone::Utc));
    }
    if let Some(off) = zone_offset {
        let t = Time::date(civil, nanos, Zone::Utc).add(-i64::from(off) * 1_000_000_000);
        let (loff, lname) = default.lookup(t.secs);
        if loff == off && (zone_name.is_empty() || lname == zone_name) {
            return Ok(t.in_zone(default));
        }
        return Ok(t.in_zone(Zone::Fixed(zone_name, off)));
    }
    if !zone_name.is_empty() {
        let t = Time::date(civil, nanos, Zone::Utc);
        let local = default.clone();
        let (loff, lname) = local.lookup(t.secs);
        if lname == zone_name {
            return Ok(t.add(-i64::from(loff) * 1_000_000_000).in_zone(local));
        }
        return Ok(t.in_zone(Zone::Fixed(zone_name, 0)));
    }
    Ok(Time::date(civil, nanos, default))
}

/// The nanoseconds of a `.ddd` fraction (at most nine digits count).
fn parse_nanos(frac: &str) -> u32 {
    let digits: String = frac.chars().skip(1).take(9).collect();
    let scale = 9 - digits.len() as u32;
    digits.parse::<u32>().unwrap_or(0) * 10u32.pow(scale)
}

/// Go's `time.Duration.String`.
pub fn format_duration(d: i64) -> String {
    let neg = d < 0;
    let u = d.unsigned_abs();
    if u < 1_000_000_000 {
        let (unit, div) = match u {
            0 => return "0s".into(),
            1..=999 => ("ns", 1),
            1000..=999_999 => ("µs", 1000),
            _ => ("ms", 1_000_000),
        };
        let s = frac_text(u, div);
        return format!("{}{s}{unit}", if neg { "-" } else { "" });
    }
    let secs_part = frac_text(u % 60_000_000_000, 1_000_000_000);
    let total_minutes = u / 60_000_000_000;
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if total_minutes >= 60 {
        out.push_str(&format!("{}h{}m", total_minutes / 60, total_minutes % 60));
    } else if total_minutes > 0 {
        out.push_str(&format!("{total_minutes}m"));
    }
    out.push_str(&secs_part);
    out.push('s');
    out
}

/// `v / div` with the fraction written without trailing zeros.
fn frac_text(v: u64, div: u64) -> String {
    let whole = v / div;
    let frac = v % div;
    if frac == 0 {
        return whole.to_string();
    }
    let width = div.ilog10() as usize;
    let f = format!("{frac:0width$}");
    format!("{whole}.{}", f.trim_end_matches('0'))
}

/// Go's `time.ParseDuration`, in nanoseconds.
pub fn parse_duration(s: &str) -> Result<i64, String> {
    let orig = s;
    let invalid = || format!("time: invalid duration {}", quote(orig));
    let mut s = s;
    let mut neg = false;
    if let Some(c) = s.chars().next() {
        if c == '-' || c == '+' {
            neg = c == '-';
            s = &s[1..];
        }
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total: u64 = 0;
    while !s.is_empty() {
        let b = s.as_bytes();
        if !(b[0] == b'.' || b[0].is_ascii_digit()) {
            return Err(invalid());
        }
        let int_len = b.iter().take_while(|c| c.is_ascii_digit()).count();
        let pre = int_len > 0;
        let mut v: u64 = 0;
        for &c in &b[..int_len] {
            v = v
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(c - b'0')))
                .filter(|&v| v <= 1 << 63)
                .ok_or_else(invalid)?;
        }
        s = &s[int_len..];
        let (mut f, mut scale, mut post) = (0u64, 1f64, false);
        if s.starts_with('.') {
            s = &s[1..];
            let n = s.bytes().take_while(u8::is_ascii_digit).count();
            post = n > 0;
            let mut overflow = false;
            for c in s[..n].bytes() {
                if overflow {
                    continue;
                }
                match f
                    .checked_mul(10)
                    .and_then(|x| x.checked_add(u64::from(c - b'0')))
                {
                    Some(x) if x <= 1 << 63 => {
                        f = x;
                        scale *= 10.0;
                    }
                    _ => overflow = true,
                }
            }
            s = &s[n..];
        }
        if !pre && !post {
            return Err(invalid());
        }
        let unit_len = s
            .bytes()
            .take_while(|&c| c != b'.' && !c.is_ascii_digit())
            .count();
        if unit_len == 0 {
            return Err(format!("time: missing unit in duration {}", quote(orig)));
        }
        let unit_text = &s[..unit_len];
        let unit: u64 = match unit_text {
            "ns" => 1,
            "us" | "µs" | "μs" => 1000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    quote(unit_text),
                    quote(orig)
                ))
            }
        };
        s = &s[unit_len..];
        let mut part = v
            .checked_mul(unit)
            .filter(|&x| x <= 1 << 63)
            .ok_or_else(invalid)?;
        if f > 0 {
            let extra = (f as f64 * (unit as f64 / scale)) as u64;
            part = part
                .checked_add(extra)
                .filter(|&x| x <= 1 << 63)
                .ok_or_else(invalid)?;
        }
        total = total
            .checked_add(part)
            .filter(|&x| x <= 1 << 63)
            .ok_or_else(invalid)?;
    }
    if neg {
        return Ok((total as i64).wrapping_neg());
    }
    if total > i64::MAX as u64 {
        return Err(invalid());
    }
    Ok(total as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(secs: i64) -> Time {
        Time {
            secs,
            nanos: 0,
            zone: Zone::Utc,
        }
    }

    #[test]
    fn formats_layouts() {
        let t = Time {
            secs: 1_136_239_445,
            nanos: 123_456_000,
            zone: Zone::Fixed("MST".into(), -7 * 3600),
        };
        assert_eq!(
            t.format("2006-01-02T15:04:05Z07:00"),
            "2006-01-02T15:04:05-07:00"
        );
        assert_eq!(
            t.format("Mon Jan _2 3:4:5 PM MST 06 .000 .999"),
            "Mon Jan  2 3:4:5 PM MST 06 .123 .123"
        );
        assert_eq!(utc(0).to_string(), "1970-01-01 00:00:00 +0000 UTC");
        assert_eq!(Time::zero().to_string(), "0001-01-01 00:00:00 +0000 UTC");
    }

    #[test]
    fn parses_layouts() {
        let t = parse("2006-01-02", "2024-02-29", Zone::Utc).unwrap();
        assert_eq!(t.secs, 1_709_164_800);
        assert_eq!(
            parse("2006-01-02", "2023-02-29", Zone::Utc).unwrap_err(),
            "parsing time \"2023-02-29\": day out of range"
        );
        assert_eq!(
            parse("2006-01-02", "x", Zone::Utc).unwrap_err(),
            "parsing time \"x\" as \"2006-01-02\": cannot parse \"x\" as \"2006\""
        );
        let t = parse(RFC3339_NANO, "2020-01-01T10:00:00.5+02:00", Zone::Utc).unwrap();
        assert_eq!(t.to_string(), "2020-01-01 10:00:00.5 +0200 +0200");
    }

    #[test]
    fn durations() {
        assert_eq!(format_duration(3_661_000_000_000), "1h1m1s");
        assert_eq!(format_duration(1_500_000), "1.5ms");
        assert_eq!(format_duration(-90_000_000_000), "-1m30s");
        assert_eq!(parse_duration("1h30m").unwrap(), 5_400_000_000_000);
        assert_eq!(parse_duration("-1.5s").unwrap(), -1_500_000_000);
        assert_eq!(
            parse_duration("1").unwrap_err(),
            "time: missing unit in duration \"1\""
        );
        assert_eq!(
            parse_duration("1x").unwrap_err(),
            "time: unknown unit \"x\" in duration \"1x\""
        );
    }
}
