//! Typed decoding of YAML into Rust structs as Helm decodes `Chart.yaml` and
//! `Chart.lock` through sigs.k8s.io/yaml and encoding/json: field names matched
//! exactly or case-insensitively, `null` leaving the zero value, numbers and
//! booleans turned into their YAML text where the field is a string, unknown fields
//! ignored, and type mismatches reported with Go's message.

use std::collections::BTreeMap;

use goyaml::sigs::string_target_text;
use goyaml::{Data, Value};

/// A value of the wrong JSON type for its Go field, as encoding/json reports it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("json: cannot unmarshal {json} into Go struct field {structure}.{field} of type {go_type}")]
pub struct TypeError {
    pub json: &'static str,
    pub structure: String,
    pub field: String,
    pub go_type: String,
}

/// Decodes the fields of one JSON object into a Go struct.
pub struct Fields<'a> {
    map: Option<&'a [(Value, Value)]>,
    structure: &'a str,
    prefix: String,
}

impl<'a> Fields<'a> {
    /// The fields of `data`, a JSON object, for the Go struct named `structure`;
    /// `prefix` is the dotted path of this object inside the outermost struct.
    pub fn new(data: &'a Value, structure: &'a str, prefix: &str) -> Fields<'a> {
        let map = match data {
            Value::Map(pairs) => Some(pairs.as_slice()),
            _ => None,
        };
        Fields {
            map,
            structure,
            prefix: prefix.to_string(),
        }
    }

    fn lookup(&self, name: &str) -> Option<&'a Value> {
        let map = self.map?;
        let key = |k: &Value| match k {
            Value::String(s) => Some(s.clone()),
            _ => None,
        };
        map.iter()
            .filter_map(|(k, v)| {
                key(k)
                    .filter(|k| k.eq_ignore_ascii_case(name))
                    .map(|k| (k, v))
            })
            .max_by(|a, b| a.0.cmp(&b.0))
            .map(|(_, v)| v)
    }

    /// Whether the object has a field of this name.
    pub fn has(&self, name: &str) -> bool {
        self.lookup(name).is_some()
    }

    fn path(&self, name: &str) -> String {
        if self.prefix.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", self.prefix)
        }
    }

    fn type_error(&self, name: &str, found: &Value, go_type: &str) -> TypeError {
        TypeError {
            json: json_kind(found),
            structure: self.structure.to_string(),
            field: self.path(name),
            go_type: go_type.to_string(),
        }
    }

    pub fn string(&self, name: &str) -> Result<String, TypeError> {
        match self.lookup(name) {
            None | Some(Value::Null) => Ok(String::new()),
            Some(v) => scalar_string(v).ok_or_else(|| self.type_error(name, v, "string")),
        }
    }

    pub fn boolean(&self, name: &str) -> Result<bool, TypeError> {
        match self.lookup(name) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(other) => Err(self.type_error(name, other, "bool")),
        }
    }

    pub fn strings(&self, name: &str) -> Result<Vec<String>, TypeError> {
        match self.lookup(name) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Seq(items)) => items
                .iter()
                .map(|item| match item {
                    Value::Null => Ok(String::new()),
                    v => scalar_string(v).ok_or_else(|| self.type_error(name, v, "string")),
                })
                .collect(),
            Some(other) => Err(self.type_error(name, other, "[]string")),
        }
    }

    pub fn string_map(&self, name: &str) -> Result<BTreeMap<String, String>, TypeError> {
        match self.lookup(name) {
            None | Some(Value::Null) => Ok(BTreeMap::new()),
            Some(Value::Map(entries)) => entries
                .iter()
                .map(|(k, v)| {
                    let key = scalar_string(k).unwrap_or_default();
                    match v {
                        Value::Null => Ok((key, String::new())),
                        v => scalar_string(v)
                            .map(|s| (key, s))
                            .ok_or_else(|| self.type_error(name, v, "string")),
                    }
                })
                .collect(),
            Some(other) => Err(self.type_error(name, other, "map[string]string")),
        }
    }

    /// A list kept as generic data (`[]interface{}`).
    pub fn any_list(&self, name: &str) -> Result<Vec<Data>, TypeError> {
        match self.lookup(name) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Seq(items)) => Ok(items.iter().map(to_data).collect()),
            Some(other) => Err(self.type_error(name, other, "[]interface {}")),
        }
    }

    /// A list of objects (`[]*T`): `None` entries stand for JSON nulls.
    pub fn objects(&self, name: &str, go_type: &str) -> Result<Vec<Option<&'a Value>>, TypeError> {
        match self.lookup(name) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Seq(items)) => items
                .iter()
                .map(|item| match item {
                    Value::Null => Ok(None),
                    Value::Map(_) => Ok(Some(item)),
                    other => Err(self.type_error(name, other, go_type.trim_start_matches("[]*"))),
                })
                .collect(),
            Some(other) => Err(self.type_error(name, other, go_type)),
        }
    }

    /// The dotted path of a nested field, for decoding nested structs.
    pub fn nested_prefix(&self, name: &str) -> String {
        self.path(name)
    }
}

/// A string field's value: strings as they are, numbers and booleans as their text.
fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        other => string_target_text(other),
    }
}

/// A value decoded into `interface{}` through JSON: numbers become float64.
pub fn to_data(v: &Value) -> Data {
    match v {
        Value::Null => Data::Null,
        Value::Bool(b) => Data::Bool(*b),
        Value::Int(i) => Data::Float(*i as f64),
        Value::Uint(u) => Data::Float(*u as f64),
        Value::Float(f) => Data::Float(*f),
        Value::String(s) => Data::String(s.clone()),
        Value::Seq(items) => Data::List(items.iter().map(to_data).collect()),
        Value::Map(pairs) => Data::Map(
            pairs
                .iter()
                .map(|(k, v)| (scalar_string(k).unwrap_or_default(), to_data(v)))
                .collect(),
        ),
    }
}

/// The JSON type word encoding/json uses for a value.
pub fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Int(_) | Value::Uint(_) | Value::Float(_) => "number",
        Value::String(_) => "string",
        Value::Seq(_) => "array",
        Value::Map(_) => "object",
    }
}
