//! `Data`: JSON-like values as Helm templates see them (what encoding/json
//! produces into `interface{}`, plus the Go `int`s templates and `--set`
//! create). Maps are Go maps keyed by string; iteration is in byte order,
//! which is the order encoding/json writes them.

use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq)]
pub enum Data {
    Null,
    Bool(bool),
    /// A Go `int`/`int64`: marshals without a fraction or exponent.
    Int(i64),
    /// A Go `float64` (every number read from YAML or JSON).
    Float(f64),
    String(String),
    List(Vec<Data>),
    Map(BTreeMap<String, Data>),
}

impl Data {
    pub fn as_map(&self) -> Option<&BTreeMap<String, Data>> {
        match self {
            Data::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Data::String(s) => Some(s),
            _ => None,
        }
    }

    /// `m[key]` for a map.
    pub fn get(&self, key: &str) -> Option<&Data> {
        self.as_map()?.get(key)
    }

    /// The JSON type word encoding/json uses in `UnmarshalTypeError`.
    pub fn json_kind(&self) -> &'static str {
        match self {
            Data::Null => "null",
            Data::Bool(_) => "bool",
            Data::Int(_) | Data::Float(_) => "number",
            Data::String(_) => "string",
            Data::List(_) => "array",
            Data::Map(_) => "object",
        }
    }
}

impl From<&str> for Data {
    fn from(s: &str) -> Data {
        Data::String(s.to_string())
    }
}

impl From<String> for Data {
    fn from(s: String) -> Data {
        Data::String(s)
    }
}

impl From<f64> for Data {
    fn from(f: f64) -> Data {
        Data::Float(f)
    }
}

impl From<i64> for Data {
    fn from(i: i64) -> Data {
        Data::Int(i)
    }
}

impl From<bool> for Data {
    fn from(b: bool) -> Data {
        Data::Bool(b)
    }
}

/// Helm's `MergeMaps(a, b)`: `b` wins; nested maps are merged recursively.
pub fn merge_maps(
    a: &BTreeMap<String, Data>,
    b: &BTreeMap<String, Data>,
) -> BTreeMap<String, Data> {
    let mut out = a.clone();
    for (k, v) in b {
        if let (Data::Map(bv), Some(Data::Map(av))) = (v, out.get(k)) {
            let merged = merge_maps(av, bv);
            out.insert(k.clone(), Data::Map(merged));
            continue;
        }
        out.insert(k.clone(), v.clone());
    }
    out
}
