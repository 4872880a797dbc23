//! Values crossing between YAML (go-yaml v2's `interface{}` values) and the
//! template engine, with helmfile's `CastKeysToStrings` on every map.

use std::collections::BTreeMap;

use gotmpl::Value as Tv;
use goyaml::Value as Yaml;

use crate::typed::scalar_text;

/// A decoded YAML value as a template value (`map[string]interface {}`...).
pub(crate) fn to_template(v: &Yaml) -> Tv {
    match v {
        Yaml::Null => Tv::Nil,
        Yaml::Bool(b) => Tv::Bool(*b),
        Yaml::Int(i) => Tv::int(*i),
        Yaml::Uint(u) => Tv::Uint(*u, gotmpl::UintKind::Uint64),
        Yaml::Float(f) => Tv::Float(*f),
        Yaml::String(s) => Tv::string(s.as_str()),
        Yaml::Seq(items) => Tv::list(items.iter().map(to_template).collect()),
        Yaml::Map(pairs) => Tv::map(
            pairs
                .iter()
                .map(|(k, v)| (key_string(k), to_template(v)))
                .collect::<BTreeMap<_, _>>(),
        ),
    }
}

/// `fmt.Sprintf("%v", k)` of a map key, as `CastKeysToStrings` does.
pub(crate) fn key_string(k: &Yaml) -> String {
    match k {
        Yaml::Null => "<nil>".to_string(),
        other => scalar_text(other).unwrap_or_default(),
    }
}

/// A map's keys made strings recursively (`maputil.CastKeysToStrings`).
pub(crate) fn cast_keys(v: &Yaml) -> Yaml {
    match v {
        Yaml::Map(pairs) => {
            let mut out: Vec<(Yaml, Yaml)> = Vec::new();
            for (k, val) in pairs {
                Yaml::map_insert(&mut out, Yaml::String(key_string(k)), cast_keys(val));
            }
            Yaml::Map(out)
        }
        Yaml::Seq(items) => Yaml::Seq(items.iter().map(cast_keys).collect()),
        other => other.clone(),
    }
}

/// `maputil.CastKeysToStrings`: nested maps must have string keys (a plain
/// `true`, `1` or `y` key is an error, as in helmfile).
pub(crate) fn string_keys(v: &Yaml) -> Result<Yaml, String> {
    match v {
        Yaml::Map(pairs) => {
            let mut out: Vec<(Yaml, Yaml)> = Vec::new();
            for (k, val) in pairs {
                if !matches!(k, Yaml::String(_)) {
                    return Err(format!(
                        "unexpected type of key in map: expected string, got {}: value={}, map={}",
                        go_type(k),
                        go_v(k),
                        go_v(v)
                    ));
                }
                Yaml::map_insert(&mut out, k.clone(), string_keys(val)?);
            }
            Ok(Yaml::Map(out))
        }
        Yaml::Seq(items) => Ok(Yaml::Seq(
            items.iter().map(string_keys).collect::<Result<_, _>>()?,
        )),
        other => Ok(other.clone()),
    }
}

fn go_type(v: &Yaml) -> &'static str {
    match v {
        Yaml::Null => "<nil>",
        Yaml::Bool(_) => "bool",
        Yaml::Int(_) => "int",
        Yaml::Uint(_) => "uint64",
        Yaml::Float(_) => "float64",
        Yaml::String(_) => "string",
        Yaml::Seq(_) => "[]interface {}",
        Yaml::Map(_) => "map[interface {}]interface {}",
    }
}

/// Go's `%v` of a decoded value.
fn go_v(v: &Yaml) -> String {
    match v {
        Yaml::Null => "<nil>".into(),
        Yaml::Seq(items) => format!("[{}]", items.iter().map(go_v).collect::<Vec<_>>().join(" ")),
        Yaml::Map(pairs) => format!(
            "map[{}]",
            pairs
                .iter()
                .map(|(k, v)| format!("{}:{}", go_v(k), go_v(v)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        other => key_string(other),
    }
}

/// A template value as the Go value go-yaml would marshal.
pub(crate) fn from_template(v: &Tv) -> Yaml {
    match v {
        Tv::Nil => Yaml::Null,
        Tv::Bool(b) => Yaml::Bool(*b),
        Tv::Int(i, _) => Yaml::Int(*i),
        Tv::Uint(u, _) => Yaml::Uint(*u),
        Tv::Float(f) => Yaml::Float(*f),
        Tv::String(s) => Yaml::String(s.to_string()),
        Tv::Bytes(b) => Yaml::String(String::from_utf8_lossy(b).into_owned()),
        Tv::List(l) => Yaml::Seq(l.items.iter().map(from_template).collect()),
        Tv::Map(m) => Yaml::Map(
            m.entries()
                .iter()
                .map(|(k, v)| (Yaml::String(k.clone()), from_template(v)))
                .collect(),
        ),
        Tv::Object(o) => Yaml::Map(
            o.fields()
                .iter()
                .map(|(k, v)| (Yaml::String(k.to_lowercase()), from_template(v)))
                .collect(),
        ),
    }
}

/// Deep merge of Go maps as mergo's `WithOverride` does for values: nested
/// maps merge, anything else from `src` replaces.
pub(crate) fn merge_values(dst: &mut Vec<(Yaml, Yaml)>, src: &[(Yaml, Yaml)]) {
    for (k, v) in src {
        let slot = dst.iter_mut().find(|(dk, _)| dk.go_eq(k));
        match (slot, v) {
            (Some((_, Yaml::Map(d))), Yaml::Map(s)) => merge_values(d, s),
            (Some(slot), v) => slot.1 = v.clone(),
            (None, v) => dst.push((k.clone(), v.clone())),
        }
    }
}
