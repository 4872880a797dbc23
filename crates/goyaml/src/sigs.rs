//! sigs.k8s.io/yaml: `Unmarshal` (go-yaml v2 → `convertToJSONableObject` →
//! encoding/json), `YAMLToJSON`, `Marshal` (encoding/json → `JSONToYAML`),
//! and the coercion it applies when a struct field is a string.

use crate::data::Data;
use crate::decode;
use crate::emitter::Flavor;
use crate::encode;
use crate::error::{ConvertError, JsonError, SigsError, YamlError};
use crate::floatfmt::format_float;
use crate::json::{self, Target};
use crate::value::Value;

/// `convertToJSONableObject` without a target: map keys become strings.
pub fn convert(v: &Value) -> Result<Value, ConvertError> {
    match v {
        Value::Map(pairs) => {
            let mut out: Vec<(Value, Value)> = Vec::with_capacity(pairs.len());
            for (k, val) in pairs {
                let key = json_key(k, val)?;
                let converted = convert(val)?;
                Value::map_insert(&mut out, Value::String(key), converted);
            }
            Ok(Value::Map(out))
        }
        Value::Seq(items) => Ok(Value::Seq(
            items.iter().map(convert).collect::<Result<_, _>>()?,
        )),
        other => Ok(other.clone()),
    }
}

/// Whether [`convert`] would succeed: the same walk and the same first error,
/// without building the converted copy.
pub fn check_convertible(v: &Value) -> Result<(), ConvertError> {
    match v {
        Value::Map(pairs) => pairs.iter().try_for_each(|(k, val)| {
            if !matches!(
                k,
                Value::String(_) | Value::Int(_) | Value::Float(_) | Value::Bool(_)
            ) {
                return Err(key_error(k, val));
            }
            check_convertible(val)
        }),
        Value::Seq(items) => items.iter().try_for_each(check_convertible),
        _ => Ok(()),
    }
}

/// The string a map key becomes, or the error `convertToJSONableObject` gives.
fn json_key(k: &Value, val: &Value) -> Result<String, ConvertError> {
    key_string(k).ok_or_else(|| key_error(k, val))
}

/// [`json_key`] for a key that is no longer needed: a string key is moved.
fn owned_json_key(k: Value, val: &Value) -> Result<String, ConvertError> {
    match k {
        Value::String(s) => Ok(s),
        other => json_key(&other, val),
    }
}

/// The error `convertToJSONableObject` gives for a key that cannot become a
/// string.
fn key_error(k: &Value, val: &Value) -> ConvertError {
    let key_fmt = match k {
        Value::Null => "<nil>".to_string(),
        other => other.go_sharp_v(),
    };
    let type_fmt = match k {
        Value::Null => "%!s(<nil>)",
        other => other.go_type_name(),
    };
    let val_fmt = match val {
        Value::Null => "<nil>".to_string(),
        other => other.go_sharp_v(),
    };
    ConvertError::Key(format!(
        "unsupported map key of type: {type_fmt}, key: {key_fmt}, value: {val_fmt}"
    ))
}

fn key_string(k: &Value) -> Option<String> {
    Some(match k {
        Value::String(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => match format_float(*f, b'g', 32).as_str() {
            "+Inf" => ".inf".to_string(),
            "-Inf" => "-.inf".to_string(),
            "NaN" => ".nan".to_string(),
            s => s.to_string(),
        },
        Value::Bool(b) => b.to_string(),
        _ => return None,
    })
}

/// The text sigs.k8s.io/yaml gives a number or boolean decoded into a Go
/// `string` struct field (`appVersion: 1.10` becomes `"1.1"`); `None` for
/// other values, which keep their type.
pub fn string_target_text(v: &Value) -> Option<String> {
    match v {
        Value::Int(i) => Some(i.to_string()),
        Value::Uint(u) => Some(u.to_string()),
        Value::Float(f) => Some(format_float(*f, b'g', 32)),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `yamlToJSONTarget` without a target: the JSON text of the first document.
pub fn yaml_to_json(input: &[u8]) -> Result<String, ConvertError> {
    let v = decode::unmarshal(input, false).map_err(ConvertError::Yaml)?;
    let converted = convert(&v)?;
    json::marshal_value(&converted).map_err(ConvertError::Json)
}

/// `convertToJSONableObject` followed by the JSON round trip, in one walk: keys
/// become strings (a later duplicate wins, as in the Go map) and every number
/// becomes a float64, as encoding/json decodes the JSON text.
/// `non_finite` is set when a float JSON cannot hold (NaN or an infinity) is
/// met.
fn to_json_data(v: Value, non_finite: &mut bool) -> Result<Data, ConvertError> {
    Ok(match v {
        Value::Null => Data::Null,
        Value::Bool(b) => Data::Bool(b),
        Value::Int(i) => Data::Float(i as f64),
        Value::Uint(u) => Data::Float(u as f64),
        Value::Float(f) => {
            *non_finite |= !f.is_finite();
            Data::Float(f)
        }
        Value::String(s) => Data::String(s),
        Value::Seq(items) => Data::List(
            items
                .into_iter()
                .map(|item| to_json_data(item, non_finite))
                .collect::<Result<_, _>>()?,
        ),
        Value::Map(pairs) => {
            let mut out = std::collections::BTreeMap::new();
            for (k, val) in pairs {
                let key = owned_json_key(k, &val)?;
                out.insert(key, to_json_data(val, non_finite)?);
            }
            Data::Map(out)
        }
    })
}

/// The error `json.Marshal` gives for the data, which it writes with map keys in
/// order: the first float that JSON cannot hold (NaN or an infinity).
fn unsupported_float(data: &Data) -> Option<JsonError> {
    match data {
        Data::Float(f) if !f.is_finite() => {
            Some(JsonError::UnsupportedValue(format_float(*f, b'g', 64)))
        }
        Data::List(items) => items.iter().find_map(unsupported_float),
        Data::Map(entries) => entries.values().find_map(unsupported_float),
        _ => None,
    }
}

/// `sigs.k8s.io/yaml.Unmarshal(input, &target)` (or `UnmarshalStrict` when
/// `strict`), for targets of type `interface{}`, `map[string]interface{}` or
/// `[]interface{}`.
pub fn unmarshal(input: &[u8], target: Target, strict: bool) -> Result<Data, SigsError> {
    let v = decode::unmarshal(input, strict)
        .map_err(|e| SigsError::YamlToJson(ConvertError::Yaml(e)))?;
    let mut non_finite = false;
    let data = to_json_data(v, &mut non_finite).map_err(SigsError::YamlToJson)?;
    // Only when there is such a float is the data walked in json.Marshal's
    // order for the first one.
    if non_finite {
        if let Some(e) = unsupported_float(&data) {
            return Err(SigsError::YamlToJson(ConvertError::Json(e)));
        }
    }
    match (target, data) {
        (Target::Any, d) => Ok(d),
        (Target::Map, Data::Map(m)) => Ok(Data::Map(m)),
        (Target::Map, Data::Null) => Ok(Data::Map(Default::default())),
        (Target::Array, Data::List(l)) => Ok(Data::List(l)),
        (Target::Array, Data::Null) => Ok(Data::List(Vec::new())),
        (t, d) => Err(SigsError::JsonDecode(JsonError::UnmarshalType {
            value: d.json_kind().to_string(),
            go_type: match t {
                Target::Map => "map[string]interface {}",
                Target::Array => "[]interface {}",
                Target::Any => "interface {}",
            }
            .to_string(),
        })),
    }
}

/// `JSONToYAML`: go-yaml v2 reads the JSON (keeping int/uint/float apart)
/// and marshals it.
pub fn json_to_yaml(json_text: &str) -> Result<String, YamlError> {
    let v = decode::unmarshal(json_text.as_bytes(), false)?;
    encode::marshal_value(&v, Flavor::V2)
}

/// `sigs.k8s.io/yaml.Marshal` of template data.
pub fn marshal(data: &Data) -> Result<String, SigsError> {
    let text = json::marshal(data).map_err(SigsError::JsonMarshal)?;
    json_to_yaml(&text).map_err(SigsError::JsonToYaml)
}
