//! Encoders: Go values to emitter events, as go-yaml's `encoder` does it —
//! v2 for `yaml.Marshal` of what go-yaml decoded (toYaml's second half), v3
//! for helm's `toYamlPretty` of template data. Map keys are sorted with
//! go-yaml's `keyList` order (numbers inside strings compared numerically).

use std::cmp::Ordering;

use crate::data::Data;
use crate::emitter::{self, Ev, Flavor, Style};
use crate::error::YamlError;
use crate::floatfmt::format_float;
use crate::resolve::{self, Version, STR_TAG};
use crate::value::Value;

/// go-yaml's `keyList.Less` on two strings (`v3` adds its digit rule).
fn string_less(a: &str, b: &str, flavor: Flavor) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    let mut digits = false;
    let n = ar.len().min(br.len());
    for i in 0..n {
        if ar[i] == br[i] {
            digits = ar[i].is_ascii_digit();
            continue;
        }
        let al = ar[i].is_alphabetic();
        let bl = br[i].is_alphabetic();
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            if flavor == Flavor::V3 && digits {
                return al;
            }
            return bl;
        }
        let mut an: i64 = 0;
        let mut bn: i64 = 0;
        if ar[i] == '0' || br[i] == '0' {
            let mut j = i;
            while j > 0 && ar[j - 1].is_ascii_digit() {
                if ar[j - 1] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
                j -= 1;
            }
        }
        let mut ai = i;
        while ai < ar.len() && ar[ai].is_ascii_digit() {
            an = an
                .wrapping_mul(10)
                .wrapping_add(i64::from(ar[ai] as u8 - b'0'));
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && br[bi].is_ascii_digit() {
            bn = bn
                .wrapping_mul(10)
                .wrapping_add(i64::from(br[bi] as u8 - b'0'));
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

/// reflect.Kind numbers, which order keys of different types.
fn kind_rank(v: &Value) -> u32 {
    match v {
        Value::Bool(_) => 1,
        Value::Int(_) => 2,
        Value::Uint(_) => 11,
        Value::Float(_) => 14,
        Value::Null => 20,
        Value::Map(_) => 21,
        Value::Seq(_) => 23,
        Value::String(_) => 24,
    }
}

fn key_float(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::Uint(u) => Some(*u as f64),
        Value::Float(f) => Some(*f),
        Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        _ => None,
    }
}

fn value_less(a: &Value, b: &Value, flavor: Flavor) -> bool {
    if let (Some(af), Some(bf)) = (key_float(a), key_float(b)) {
        if af != bf {
            return af < bf;
        }
        let (ak, bk) = (kind_rank(a), kind_rank(b));
        if ak != bk {
            return ak < bk;
        }
        return match (a, b) {
            (Value::Int(x), Value::Int(y)) => x < y,
            (Value::Uint(x), Value::Uint(y)) => x < y,
            (Value::Float(x), Value::Float(y)) => x < y,
            (Value::Bool(x), Value::Bool(y)) => !x & y,
            _ => false,
        };
    }
    match (a, b) {
        (Value::String(x), Value::String(y)) => string_less(x, y, flavor),
        _ => kind_rank(a) < kind_rank(b),
    }
}

fn ordering(less_ab: bool, less_ba: bool) -> Ordering {
    if less_ab {
        Ordering::Less
    } else if less_ba {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

/// Sorts string keys in go-yaml's order.
pub fn sort_keys(keys: &mut [&str], flavor: Flavor) {
    keys.sort_by(|a, b| ordering(string_less(a, b, flavor), string_less(b, a, flavor)));
}

struct Encoder {
    events: Vec<Ev>,
    flavor: Flavor,
    sort_maps: bool,
}

impl Encoder {
    fn scalar(&mut self, value: String, style: Style) {
        self.events.push(Ev::Scalar { value, style });
    }

    fn string(&mut self, s: &str) {
        let version = if self.flavor == Flavor::V3 {
            Version::V3
        } else {
            Version::V2
        };
        let rtag = resolve::resolve("", s, version)
            .map(|(t, _)| t)
            .unwrap_or_default();
        let mut can_use_plain = rtag == STR_TAG && !resolve::is_base60_float(s);
        if self.flavor == Flavor::V3 && resolve::is_old_bool(s) {
            can_use_plain = false;
        }
        let style = if s.contains('\n') {
            Style::Literal
        } else if can_use_plain {
            Style::Plain
        } else {
            Style::DoubleQuoted
        };
        self.scalar(s.to_string(), style);
    }

    fn float(&mut self, f: f64) {
        let s = match format_float(f, b'g', 64).as_str() {
            "+Inf" => ".inf".to_string(),
            "-Inf" => "-.inf".to_string(),
            "NaN" => ".nan".to_string(),
            s => s.to_string(),
        };
        self.scalar(s, Style::Plain);
    }

    fn value(&mut self, v: &Value) {
        match v {
            Value::Null => self.scalar("null".into(), Style::Plain),
            Value::Bool(b) => self.scalar(b.to_string(), Style::Plain),
            Value::Int(i) => self.scalar(i.to_string(), Style::Plain),
            Value::Uint(u) => self.scalar(u.to_string(), Style::Plain),
            Value::Float(f) => self.float(*f),
            Value::String(s) => self.string(s),
            Value::Seq(items) => {
                self.events.push(Ev::SequenceStart { flow: false });
                for item in items {
                    self.value(item);
                }
                self.events.push(Ev::SequenceEnd);
            }
            Value::Map(pairs) => {
                let flavor = self.flavor;
                let mut sorted: Vec<&(Value, Value)> = pairs.iter().collect();
                let sort_maps = self.sort_maps;
                sorted.sort_by(|a, b| {
                    if !sort_maps {
                        return Ordering::Equal;
                    }
                    ordering(
                        value_less(&a.0, &b.0, flavor),
                        value_less(&b.0, &a.0, flavor),
                    )
                });
                self.events.push(Ev::MappingStart { flow: false });
                for (k, val) in sorted {
                    self.value(k);
                    self.value(val);
                }
                self.events.push(Ev::MappingEnd);
            }
        }
    }

    fn data(&mut self, d: &Data) {
        match d {
            Data::Null => self.scalar("null".into(), Style::Plain),
            Data::Bool(b) => self.scalar(b.to_string(), Style::Plain),
            Data::Int(i) => self.scalar(i.to_string(), Style::Plain),
            Data::Float(f) => self.float(*f),
            Data::String(s) => self.string(s),
            Data::List(items) => {
                self.events.push(Ev::SequenceStart { flow: false });
                for item in items {
                    self.data(item);
                }
                self.events.push(Ev::SequenceEnd);
            }
            Data::Map(map) => {
                let mut keys: Vec<&str> = map.keys().map(String::as_str).collect();
                sort_keys(&mut keys, self.flavor);
                self.events.push(Ev::MappingStart { flow: false });
                for k in keys {
                    self.string(k);
                    if let Some(v) = map.get(k) {
                        self.data(v);
                    }
                }
                self.events.push(Ev::MappingEnd);
            }
        }
    }

    fn finish(mut self, indent: usize, stream_end: bool) -> Result<String, YamlError> {
        self.events.push(Ev::DocumentEnd);
        if stream_end {
            self.events.push(Ev::StreamEnd);
        }
        emitter::emit(&self.events, self.flavor, indent).map_err(YamlError::Emit)
    }
}

fn start(flavor: Flavor) -> Encoder {
    Encoder {
        events: vec![Ev::StreamStart, Ev::DocumentStart],
        flavor,
        sort_maps: true,
    }
}

/// go-yaml `Marshal` of a decoded value (v2: `yaml.Marshal`).
pub fn marshal_value(v: &Value, flavor: Flavor) -> Result<String, YamlError> {
    let mut e = start(flavor);
    e.value(v);
    e.finish(2, true)
}

/// go-yaml `Marshal` of a Go struct tree: mappings keep the order of their
/// pairs, as struct fields do (callers sort the pairs of real Go maps).
pub fn marshal_value_in_order(v: &Value, flavor: Flavor) -> Result<String, YamlError> {
    let mut e = start(flavor);
    e.sort_maps = false;
    e.value(v);
    e.finish(2, true)
}

/// go-yaml v3 `Encoder` with `SetIndent(indent)` encoding one document of
/// template data (helm's `toYamlPretty` uses indent 2).
pub fn encode_data_v3(d: &Data, indent: usize) -> Result<String, YamlError> {
    let mut e = start(Flavor::V3);
    e.data(d);
    e.finish(indent, false)
}

/// go-yaml v2 `Marshal` of template data as a Go value (no JSON round trip).
pub fn marshal_data_v2(d: &Data) -> Result<String, YamlError> {
    let mut e = start(Flavor::V2);
    e.data(d);
    e.finish(2, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order() {
        let mut keys = vec!["é", "a10", "a9", "a", "Z", "B", "10", "9", "_x"];
        sort_keys(&mut keys, Flavor::V2);
        assert_eq!(keys, vec!["_x", "9", "10", "B", "Z", "a", "a9", "a10", "é"]);
    }
}
