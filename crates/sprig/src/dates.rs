//! Date functions: `now`, `date`, `dateInZone`, `htmlDate`, `htmlDateInZone`,
//! `dateModify`, `toDate`, `unixEpoch`, `ago`, `duration` and `durationRound`
//! (with their snake-case and `must` forms), built on [`crate::gotime`]. Only
//! `int`, `int32` and `int64` count as Unix seconds; any other non-time value means
//! "now", as in Sprig.

use std::sync::Arc;

use gotmpl::{FuncError, IntKind, Value};

use crate::gotime::{as_time, format_duration, parse, parse_duration, Time, Zone};
use crate::ty::{named, ANY, STRING};
use crate::{arg, str_arg, Registry};

fn time_value(t: Time) -> Value {
    Value::Object(Arc::new(t))
}

/// The time a date argument stands for.
fn to_time(v: &Value, int32_too: bool) -> Time {
    match v {
        Value::Int(s, IntKind::Int | IntKind::Int64) => Time::unix(*s),
        Value::Int(s, IntKind::Int32) if int32_too => Time::unix(*s),
        v => as_time(v).unwrap_or_else(Time::now),
    }
}

fn date_in_zone(layout: &str, date: &Value, zone: &str) -> String {
    let zone = Zone::load(zone).unwrap_or(Zone::Utc);
    to_time(date, true).in_zone(zone).format(layout)
}

pub(crate) fn register(r: &mut Registry) {
    let time = || named("time.Time");
    r.add(&["now"], vec![], |_| Ok(time_value(Time::now())));
    r.add(&["date"], vec![STRING, ANY], |a| {
        Ok(date_in_zone(str_arg(&a, 0), arg(&a, 1), "Local").into())
    });
    r.add(&["htmlDate"], vec![ANY], |a| {
        Ok(date_in_zone("2006-01-02", arg(&a, 0), "Local").into())
    });
    r.add(&["htmlDateInZone"], vec![ANY, STRING], |a| {
        Ok(date_in_zone("2006-01-02", arg(&a, 0), str_arg(&a, 1)).into())
    });
    r.add(
        &["dateInZone", "date_in_zone"],
        vec![STRING, ANY, STRING],
        |a| Ok(date_in_zone(str_arg(&a, 0), arg(&a, 1), str_arg(&a, 2)).into()),
    );
    r.add(&["dateModify", "date_modify"], vec![STRING, time()], |a| {
        let t = as_time(arg(&a, 1)).unwrap_or_else(Time::zero);
        Ok(time_value(match parse_duration(str_arg(&a, 0)) {
            Ok(d) => t.add(d),
            Err(_) => t,
        }))
    });
    r.add(
        &["mustDateModify", "must_date_modify"],
        vec![STRING, time()],
        |a| {
            let t = as_time(arg(&a, 1)).unwrap_or_else(Time::zero);
            let d = parse_duration(str_arg(&a, 0)).map_err(FuncError::new)?;
            Ok(time_value(t.add(d)))
        },
    );
    r.add(&["toDate"], vec![STRING, STRING], |a| {
        let t =
            parse(str_arg(&a, 0), str_arg(&a, 1), Zone::local()).unwrap_or_else(|_| Time::zero());
        Ok(time_value(t))
    });
    r.add(&["mustToDate"], vec![STRING, STRING], |a| {
        let t = parse(str_arg(&a, 0), str_arg(&a, 1), Zone::local()).map_err(FuncError::new)?;
        Ok(time_value(t))
    });
    r.add(&["unixEpoch"], vec![time()], |a| {
        Ok(as_time(arg(&a, 0))
            .unwrap_or_else(Time::zero)
            .secs
            .to_string()
            .into())
    });
    r.add(&["ago"], vec![ANY], |a| {
        let since = Time::now().sub(&to_time(arg(&a, 0), false));
        Ok(format_duration(round_to_second(since)).into())
    });
    r.add(&["duration"], vec![ANY], |a| {
        let secs = match arg(&a, 0) {
            Value::String(s) => parse_decimal(s).unwrap_or(0),
            Value::Int(n, IntKind::Int64) => *n,
            _ => 0,
        };
        Ok(format_duration(secs.wrapping_mul(1_000_000_000)).into())
    });
    r.add(&["durationRound"], vec![ANY], |a| {
        let d = match arg(&a, 0) {
            Value::String(s) => parse_duration(s).unwrap_or(0),
            Value::Int(n, IntKind::Int64) => *n,
            v => match as_time(v) {
                Some(t) => Time::now().sub(&t),
                None => 0,
            },
        };
        Ok(duration_round(d).into())
    });
}

/// `strconv.ParseInt(s, 10, 64)`.
fn parse_decimal(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `Duration.Round(time.Second)`: half away from zero, saturating.
fn round_to_second(d: i64) -> i64 {
    const M: i64 = 1_000_000_000;
    let r = (d % M).abs();
    let less_than_half = (r as u64) * 2 < M as u64;
    if d < 0 {
        if less_than_half {
            return d + r;
        }
        d.checked_sub(M - r).unwrap_or(i64::MIN)
    } else {
        if less_than_half {
            return d - r;
        }
        d.checked_add(M - r).unwrap_or(i64::MAX)
    }
}

/// Sprig's `durationRound`: the largest whole unit (years of 365 days, months of
/// 30) that the magnitude strictly exceeds.
fn duration_round(d: i64) -> String {
    let u = d.unsigned_abs();
    const SECOND: u64 = 1_000_000_000;
    const MINUTE: u64 = 60 * SECOND;
    const HOUR: u64 = 60 * MINUTE;
    const DAY: u64 = 24 * HOUR;
    let units = [
        (365 * DAY, "y"),
        (30 * DAY, "mo"),
        (DAY, "d"),
        (HOUR, "h"),
        (MINUTE, "m"),
        (SECOND, "s"),
    ];
    for (size, name) in units {
        if u > size {
            return format!("{}{name}", u / size);
        }
    }
    "0s".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding() {
        assert_eq!(duration_round(3_600_000_000_001), "1h");
        assert_eq!(duration_round(-90_000_000_000), "1m");
        assert_eq!(duration_round(1_000_000_000), "0s");
        assert_eq!(round_to_second(1_500_000_000), 2_000_000_000);
        assert_eq!(round_to_second(-1_499_999_999), -1_000_000_000);
    }
}
