//! Numbers: the cast-based conversions (`int`, `int64`, `float64`, `toDecimal`),
//! int64 arithmetic that wraps as Go's does and fails on division by zero as Go's
//! runtime does, decimal-based float arithmetic, min/max, rounding, and the integer
//! sequences `until`, `untilStep` and `seq`.

use std::sync::Arc;

use gotmpl::{FuncError, GoType, IntKind, List, Value};

use crate::cast::{to_float64, to_int64};
use crate::decimal::Decimal;
use crate::ty::{ANY, FLOAT, INT};
use crate::{arg, int_arg, runtime_error, Registry};

pub(crate) fn register(r: &mut Registry) {
    r.add(&["int64"], vec![ANY], |a| {
        Ok(Value::int64(to_int64(arg(&a, 0))))
    });
    r.add(&["int"], vec![ANY], |a| {
        Ok(Value::int(to_int64(arg(&a, 0))))
    });
    r.add(&["float64"], vec![ANY], |a| {
        Ok(Value::Float(to_float64(arg(&a, 0))))
    });
    r.add(&["toDecimal"], vec![ANY], |a| {
        let text = gotmpl::gofmt::sprint(&a[..a.len().min(1)]);
        Ok(Value::int64(parse_octal(&text).unwrap_or(0)))
    });
    r.add(&["add1"], vec![ANY], |a| {
        Ok(Value::int64(to_int64(arg(&a, 0)).wrapping_add(1)))
    });
    r.variadic(&["add"], vec![], ANY, |a| {
        Ok(Value::int64(
            a.iter().fold(0i64, |acc, v| acc.wrapping_add(to_int64(v))),
        ))
    });
    r.add(&["sub"], vec![ANY, ANY], |a| {
        Ok(Value::int64(
            to_int64(arg(&a, 0)).wrapping_sub(to_int64(arg(&a, 1))),
        ))
    });
    r.add(&["div"], vec![ANY, ANY], |a| {
        let (x, y) = (to_int64(arg(&a, 0)), to_int64(arg(&a, 1)));
        if y == 0 {
            return Err(runtime_error("integer divide by zero"));
        }
        Ok(Value::int64(x.wrapping_div(y)))
    });
    r.add(&["mod"], vec![ANY, ANY], |a| {
        let (x, y) = (to_int64(arg(&a, 0)), to_int64(arg(&a, 1)));
        if y == 0 {
            return Err(runtime_error("integer divide by zero"));
        }
        Ok(Value::int64(x.wrapping_rem(y)))
    });
    r.variadic(&["mul"], vec![ANY], ANY, |a| {
        let first = to_int64(arg(&a, 0));
        Ok(Value::int64(
            a.iter()
                .skip(1)
                .fold(first, |acc, v| acc.wrapping_mul(to_int64(v))),
        ))
    });
    r.add(&["add1f"], vec![ANY], |a| {
        decimal_op(arg(&a, 0), &[Value::int(1)], |x, y| Ok(x.add(y)))
    });
    r.variadic(&["addf"], vec![], ANY, |a| {
        decimal_op(&Value::Float(0.0), &a, |x, y| Ok(x.add(y)))
    });
    r.variadic(&["subf"], vec![ANY], ANY, |a| {
        decimal_op(arg(&a, 0), a.get(1..).unwrap_or(&[]), |x, y| Ok(x.sub(y)))
    });
    r.variadic(&["mulf"], vec![ANY], ANY, |a| {
        decimal_op(arg(&a, 0), a.get(1..).unwrap_or(&[]), |x, y| Ok(x.mul(y)))
    });
    r.variadic(&["divf"], vec![ANY], ANY, |a| {
        decimal_op(arg(&a, 0), a.get(1..).unwrap_or(&[]), |x, y| x.div(y))
    });
    r.variadic(&["biggest", "max"], vec![ANY], ANY, |a| {
        Ok(Value::int64(a.iter().map(to_int64).max().unwrap_or(0)))
    });
    r.variadic(&["min"], vec![ANY], ANY, |a| {
        Ok(Value::int64(a.iter().map(to_int64).min().unwrap_or(0)))
    });
    r.variadic(&["maxf"], vec![ANY], ANY, |a| {
        let first = to_float64(arg(&a, 0));
        Ok(Value::Float(
            a.iter()
                .skip(1)
                .fold(first, |acc, v| go_max(acc, to_float64(v))),
        ))
    });
    r.variadic(&["minf"], vec![ANY], ANY, |a| {
        let first = to_float64(arg(&a, 0));
        Ok(Value::Float(
            a.iter()
                .skip(1)
                .fold(first, |acc, v| go_min(acc, to_float64(v))),
        ))
    });
    r.add(&["floor"], vec![ANY], |a| {
        Ok(Value::Float(to_float64(arg(&a, 0)).floor()))
    });
    r.add(&["ceil"], vec![ANY], |a| {
        Ok(Value::Float(to_float64(arg(&a, 0)).ceil()))
    });
    r.variadic(&["round"], vec![ANY, INT], FLOAT, |a| {
        let round_on = match a.get(2) {
            Some(Value::Float(f)) => *f,
            _ => 0.5,
        };
        Ok(Value::Float(round(
            to_float64(arg(&a, 0)),
            int_arg(&a, 1),
            round_on,
        )))
    });
    r.add(&["until"], vec![INT], |a| {
        let n = int_arg(&a, 0);
        Ok(ints(until_step(0, n, if n < 0 { -1 } else { 1 })))
    });
    r.add(&["untilStep"], vec![INT, INT, INT], |a| {
        Ok(ints(until_step(
            int_arg(&a, 0),
            int_arg(&a, 1),
            int_arg(&a, 2),
        )))
    });
    r.variadic(&["seq"], vec![], INT, |a| {
        let p: Vec<i64> = a
            .iter()
            .map(|v| int_arg(std::slice::from_ref(v), 0))
            .collect();
        Ok(seq(&p).into())
    });
}

/// A `[]int`.
fn ints(v: Vec<i64>) -> Value {
    Value::List(Arc::new(List::new(
        GoType::Int(IntKind::Int),
        v.into_iter().map(Value::int).collect(),
    )))
}

/// `strconv.ParseInt(s, 8, 64)`.
fn parse_octal(s: &str) -> Option<i64> {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    let mut v: i128 = 0;
    for b in digits.bytes() {
        if !(b'0'..=b'7').contains(&b) {
            return None;
        }
        v = v * 8 + i128::from(b - b'0');
        if v > i128::from(i64::MAX) + 1 {
            return None;
        }
    }
    let v = if neg { -v } else { v };
    i64::try_from(v).ok()
}

/// Runs `op` over the decimal forms of `first` and `rest`, as Sprig's
/// `execDecimalOp` does.
fn decimal_op(
    first: &Value,
    rest: &[Value],
    op: impl Fn(&Decimal, &Decimal) -> Result<Decimal, String>,
) -> Result<Value, FuncError> {
    let mut acc = Decimal::from_f64(to_float64(first)).map_err(FuncError::new)?;
    for v in rest {
        let d = Decimal::from_f64(to_float64(v)).map_err(FuncError::new)?;
        acc = op(&acc, &d).map_err(FuncError::new)?;
    }
    Ok(Value::Float(acc.to_f64()))
}

/// Go's `math.Max`.
fn go_max(x: f64, y: f64) -> f64 {
    if x.is_infinite() && x > 0.0 || y.is_infinite() && y > 0.0 {
        return f64::INFINITY;
    }
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 && y == 0.0 {
        return if x.is_sign_negative() { y } else { x };
    }
    if x > y {
        x
    } else {
        y
    }
}

/// Go's `math.Min`.
fn go_min(x: f64, y: f64) -> f64 {
    if x.is_infinite() && x < 0.0 || y.is_infinite() && y < 0.0 {
        return f64::NEG_INFINITY;
    }
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 && y == 0.0 {
        return if x.is_sign_negative() { x } else { y };
    }
    if x < y {
        x
    } else {
        y
    }
}

/// Sprig's `round`: scale by `10^places`, go up when the fraction reaches
/// `round_on`, scale back.
fn round(val: f64, places: i64, round_on: f64) -> f64 {
    let pow = 10f64.powf(places as f64);
    let digit = pow * val;
    let frac = digit - digit.trunc();
    let rounded = if frac >= round_on {
        digit.ceil()
    } else {
        digit.floor()
    };
    rounded / pow
}

/// Sprig's `untilStep`. Go's loop would wrap past the int range; this one stops.
fn until_step(start: i64, stop: i64, step: i64) -> Vec<i64> {
    let mut v = Vec::new();
    let mut i = start;
    if stop < start {
        if step >= 0 {
            return v;
        }
        while i > stop {
            v.push(i);
            match i.checked_add(step) {
                Some(n) => i = n,
                None => break,
            }
        }
        return v;
    }
    if step <= 0 {
        return v;
    }
    while i < stop {
        v.push(i);
        match i.checked_add(step) {
            Some(n) => i = n,
            None => break,
        }
    }
    v
}

/// Sprig's `seq`, printed as Go prints the `[]int` with the brackets trimmed.
fn seq(p: &[i64]) -> String {
    let (start, end, step) = match *p {
        [end] => (1, end, if end < 1 { -1 } else { 1 }),
        [start, end] => (start, end, if end < start { -1 } else { 1 }),
        [start, step, end] => {
            if end < start && step > 0 {
                return String::new();
            }
            (start, end, step)
        }
        _ => return String::new(),
    };
    let increment = if p.len() == 3 {
        if end < start {
            -1
        } else {
            1
        }
    } else {
        step
    };
    let items = until_step(start, end.wrapping_add(increment), step);
    items
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequences() {
        assert_eq!(seq(&[5]), "1 2 3 4 5");
        assert_eq!(seq(&[-3]), "1 0 -1 -2 -3");
        assert_eq!(seq(&[2, 5]), "2 3 4 5");
        assert_eq!(seq(&[0, 2, 10]), "0 2 4 6 8 10");
        assert_eq!(seq(&[10, -2, 0]), "10 8 6 4 2 0");
        assert_eq!(seq(&[10, 2, 0]), "");
        assert_eq!(until_step(0, 10, 3), vec![0, 3, 6, 9]);
    }

    #[test]
    fn octal_and_rounding() {
        assert_eq!(parse_octal("0777"), Some(511));
        assert_eq!(parse_octal("8"), None);
        assert_eq!(round(1.23456, 2, 0.5), 1.23);
        assert_eq!(round(2.5, 0, 0.5), 3.0);
    }
}
