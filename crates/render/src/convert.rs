//! Conversions between template values and the YAML/JSON data model: what Go's
//! `json.Marshal` makes of a template value (for toYaml, toJson, toToml) and what
//! `fromYaml`/`fromJson` results become as template values.

use std::collections::BTreeMap;

use gotmpl::Value;
use goyaml::Data;

/// The layout `time.Time` marshals itself to JSON with.
const RFC3339_NANO: &str = "2006-01-02T15:04:05.999999999Z07:00";

/// A template value as `json.Marshal` sees it: integers stay integers, byte slices
/// become base64 strings, host objects become their exported fields.
pub fn to_data(v: &Value) -> Data {
    match v {
        Value::Nil => Data::Null,
        Value::Bool(b) => Data::Bool(*b),
        Value::Int(i, _) => Data::Int(*i),
        Value::Uint(u, _) => match i64::try_from(*u) {
            Ok(i) => Data::Int(i),
            Err(_) => Data::Float(*u as f64),
        },
        Value::Float(f) => Data::Float(*f),
        Value::String(s) => Data::String(s.to_string()),
        Value::Bytes(b) => Data::String(base64_std(b)),
        Value::List(l) => Data::List(l.items.iter().map(to_data).collect()),
        Value::Map(m) => Data::Map(
            m.entries()
                .iter()
                .map(|(k, v)| (k.clone(), to_data(v)))
                .collect(),
        ),
        Value::Object(o) => match sprig::as_time(v) {
            Some(time) => Data::String(time.format(RFC3339_NANO)),
            None => object_data(o.as_ref()),
        },
    }
}

/// A host object as `json.Marshal` sees it: a `Stringer` with no fields is its
/// string, anything else its exported fields.
fn object_data(o: &dyn gotmpl::Object) -> Data {
    match o.stringer() {
        Some(s) if o.fields().is_empty() => Data::String(s),
        _ => Data::Map(
            o.fields()
                .iter()
                .map(|(k, v)| (k.clone(), to_data(v)))
                .collect::<BTreeMap<_, _>>(),
        ),
    }
}

/// A decoded document as a template value (`map[string]interface {}` and friends).
pub fn from_data(d: &Data) -> Value {
    chart::values::from_data(d)
}

pub(crate) fn base64_std(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
