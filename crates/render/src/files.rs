//! `.Files`: the chart's non-template files, with Helm's methods Get, GetBytes,
//! Glob, Lines, AsConfig and AsSecrets.

use std::collections::BTreeMap;
use std::sync::Arc;

use chart::ChartFile;
use gotmpl::{FuncError, GoType, List, Map, MapType, Object, Signature, UintKind, Value};
use goyaml::Data;

use crate::glob::Glob;

/// A chart's files by path (Helm's `engine.files`).
#[derive(Debug, Clone, Default)]
pub struct Files {
    files: Arc<BTreeMap<String, Arc<[u8]>>>,
}

impl Files {
    pub fn new(files: &[ChartFile]) -> Files {
        Files {
            files: Arc::new(
                files
                    .iter()
                    .map(|f| (f.name.clone(), f.data.clone()))
                    .collect(),
            ),
        }
    }

    /// The template value: a map of paths to bytes (so that `range` walks it) whose
    /// methods are Helm's.
    pub fn to_value(&self) -> Value {
        let entries = self
            .files
            .iter()
            .map(|(k, v)| (k.clone(), Value::Bytes(v.clone())))
            .collect();
        let ty = MapType {
            name: Some("engine.files".into()),
            elem: GoType::slice_of(GoType::Uint(UintKind::Uint8)),
        };
        Value::Map(Arc::new(Map::with_methods(
            ty,
            entries,
            Arc::new(self.clone()),
        )))
    }

    fn get(&self, name: &str) -> Option<&Arc<[u8]>> {
        self.files.get(name)
    }

    /// The map `AsConfig`/`AsSecrets` marshal: base names to contents.
    fn by_base_name(&self, encode: impl Fn(&[u8]) -> String) -> String {
        let map: BTreeMap<String, Data> = self
            .files
            .iter()
            .map(|(k, v)| {
                (
                    k.rsplit('/').next().unwrap_or(k).to_string(),
                    Data::String(encode(v)),
                )
            })
            .collect();
        match goyaml::helm::to_yaml(&Data::Map(map)) {
            Ok(text) => text.strip_suffix('\n').unwrap_or(&text).to_string(),
            Err(_) => String::new(),
        }
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

impl Object for Files {
    fn type_name(&self) -> String {
        "engine.files".into()
    }

    fn field(&self, _name: &str) -> Option<Value> {
        None
    }

    fn method(&self, name: &str) -> Option<Signature> {
        match name {
            "Get" | "GetBytes" | "Glob" | "Lines" => Some(Signature::new(vec![GoType::String])),
            "AsConfig" | "AsSecrets" => Some(Signature::new(vec![])),
            _ => None,
        }
    }

    fn call_method(&self, name: &str, args: Vec<Value>) -> Result<Value, FuncError> {
        let arg = args.first().and_then(Value::as_str).unwrap_or_default();
        Ok(match name {
            "Get" => Value::from(self.get(arg).map(|b| text(b)).unwrap_or_default()),
            "GetBytes" => Value::Bytes(
                self.get(arg)
                    .cloned()
                    .unwrap_or_else(|| Arc::from(&b""[..])),
            ),
            "Glob" => {
                let glob = Glob::compile(arg).map_err(FuncError::new)?;
                let matched = self
                    .files
                    .iter()
                    .filter(|(k, _)| glob.matches(k))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                Files {
                    files: Arc::new(matched),
                }
                .to_value()
            }
            "Lines" => {
                let lines: Vec<Value> = match self.get(arg) {
                    None => Vec::new(),
                    Some(bytes) => {
                        let s = text(bytes);
                        let s = s.strip_suffix('\n').unwrap_or(&s);
                        s.split('\n').map(Value::from).collect()
                    }
                };
                Value::List(Arc::new(List::new(GoType::String, lines)))
            }
            "AsConfig" => Value::from(self.by_base_name(text)),
            "AsSecrets" => Value::from(self.by_base_name(crate::convert::base64_std)),
            _ => return Err(FuncError::new(format!("no method {name}"))),
        })
    }

    fn is_pointer(&self) -> bool {
        false
    }
}
