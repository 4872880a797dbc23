//! Helm's uses, one function each: the template functions `toYaml`,
//! `toYamlPretty`, `toJson`, `fromYaml`, `fromYamlArray`, `fromJson`,
//! `fromJsonArray`, `toToml`, and reading values files (helm 3's `ReadValues`, helm 4's
//! multi-document `LoadValues`).

use std::collections::BTreeMap;

use crate::data::Data;
use crate::encode;
use crate::error::{JsonError, SigsError, ValuesError, YamlError};
use crate::json::{self, Target};
use crate::sigs;
use crate::split;
use crate::toml::{self, TomlVersion};

/// `toYaml`/`mustToYaml`: sigs.k8s.io/yaml `Marshal` with the final newline
/// trimmed. `toYaml` prints `""` on error; `mustToYaml` panics with it.
pub fn to_yaml(d: &Data) -> Result<String, SigsError> {
    let text = sigs::marshal(d)?;
    Ok(text.strip_suffix('\n').unwrap_or(&text).to_string())
}

/// `toYamlPretty`: go-yaml v3 `Encoder` with indent 2, final newline trimmed.
pub fn to_yaml_pretty(d: &Data) -> Result<String, YamlError> {
    let text = encode::encode_data_v3(d, 2)?;
    Ok(text.strip_suffix('\n').unwrap_or(&text).to_string())
}

/// `toJson`/`mustToJson`: encoding/json `Marshal`.
pub fn to_json(d: &Data) -> Result<String, JsonError> {
    json::marshal(d)
}

/// `toToml`: the TOML document, or the encoder's error text in its place.
pub fn to_toml(d: &Data, version: TomlVersion) -> String {
    toml::encode(d, version).unwrap_or_else(|e| e.to_string())
}

/// `fromYaml`: the map, or `{"Error": message}` when the text is not a YAML map.
pub fn from_yaml(s: &str) -> BTreeMap<String, Data> {
    match sigs::unmarshal(s.as_bytes(), Target::Map, false) {
        Ok(Data::Map(m)) => m,
        Ok(_) => BTreeMap::new(),
        Err(e) => error_map(e.to_string()),
    }
}

/// `fromYamlArray`: the list, or `[message]` on error.
pub fn from_yaml_array(s: &str) -> Vec<Data> {
    match sigs::unmarshal(s.as_bytes(), Target::Array, false) {
        Ok(Data::List(l)) => l,
        Ok(_) => Vec::new(),
        Err(e) => vec![Data::String(e.to_string())],
    }
}

/// `fromJson`: the map (`Null` for a JSON `null`, which leaves Go's map nil),
/// with `"Error"` set to the message when decoding failed.
pub fn from_json(s: &str) -> Data {
    match json::unmarshal_partial(s, Target::Map) {
        (d, None) => d,
        (Data::Map(mut m), Some(e)) => {
            m.insert("Error".to_string(), Data::String(e.to_string()));
            Data::Map(m)
        }
        (_, Some(e)) => Data::Map(error_map(e.to_string())),
    }
}

/// `fromJsonArray`: the list (`Null` for a JSON `null`), or `[message]` on error.
pub fn from_json_array(s: &str) -> Data {
    match json::unmarshal_partial(s, Target::Array) {
        (d, None) => d,
        (_, Some(e)) => Data::List(vec![Data::String(e.to_string())]),
    }
}

fn error_map(msg: String) -> BTreeMap<String, Data> {
    let mut m = BTreeMap::new();
    m.insert("Error".to_string(), Data::String(msg));
    m
}

/// helm 3 `chartutil.ReadValues`: the first document of a values file.
pub fn read_values(input: &[u8]) -> Result<BTreeMap<String, Data>, SigsError> {
    match sigs::unmarshal(input, Target::Map, false)? {
        Data::Map(m) => Ok(m),
        _ => Ok(BTreeMap::new()),
    }
}

/// helm 4 `loader.LoadValues`: every `---`-separated document, merged.
pub fn load_values(input: &str) -> Result<BTreeMap<String, Data>, ValuesError> {
    let mut values = BTreeMap::new();
    for doc in split::yaml_reader_documents(input)? {
        let current = match sigs::unmarshal(doc.as_bytes(), Target::Map, false)
            .map_err(ValuesError::Document)?
        {
            Data::Map(m) => m,
            _ => BTreeMap::new(),
        };
        merge_into(&mut values, current);
    }
    Ok(values)
}

/// Helm's `MergeMaps(values, current)` in place: `current` wins, nested maps
/// are merged recursively, and nothing is copied.
fn merge_into(values: &mut BTreeMap<String, Data>, current: BTreeMap<String, Data>) {
    for (key, value) in current {
        match (value, values.get_mut(&key)) {
            (Data::Map(inner), Some(Data::Map(existing))) => merge_into(existing, inner),
            (value, _) => {
                values.insert(key, value);
            }
        }
    }
}
