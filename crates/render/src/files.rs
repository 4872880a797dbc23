//! `.Files`: the chart's non-template files, with Helm's methods Get, GetBytes,
//! Glob, Lines, AsConfig and AsSecrets.

use std::collections::BTreeMap;
use std::sync::Arc;

use chart::ChartFile;
use gotmpl::{FuncError, GoType, List, Map, MapType, Object, Signature, UintKind, Value};
use goyaml::Data;

use crate::glob::Glob;

/// A chart's files by path (Helm's `engine.files`). Files not read when the chart
/// loaded are read when a template first asks for them.
#[derive(Debug, Clone, Default)]
pub struct Files {
    files: Arc<BTreeMap<String, ChartFile>>,
}

impl Files {
    pub fn new(files: &[ChartFile]) -> Files {
        Files {
            files: Arc::new(files.iter().map(|f| (f.name.clone(), f.clone())).collect()),
        }
    }

    /// The template value: a map of paths to bytes (so that `range` walks it) whose
    /// methods are Helm's. The map's entries, every file's bytes, are only read
    /// when a template reads the map itself rather than calling its methods; a
    /// file that cannot be read then is empty.
    pub fn to_value(&self) -> Value {
        let ty = MapType {
            name: Some("engine.files".into()),
            elem: GoType::slice_of(GoType::Uint(UintKind::Uint8)),
        };
        let files = self.files.clone();
        Value::Map(Arc::new(Map::deferred_with_methods(
            ty,
            Arc::new(self.clone()),
            move || {
                files
                    .iter()
                    .map(|(name, file)| {
                        let data = file.data().unwrap_or_else(|_| Arc::from(&b""[..]));
                        (name.clone(), Value::Bytes(data))
                    })
                    .collect()
            },
        )))
    }

    /// The bytes of the file `name`, `None` when the chart has no such file.
    fn get(&self, name: &str) -> Result<Option<Arc<[u8]>>, FuncError> {
        self.files
            .get(name)
            .map(|file| file.data().map_err(|e| FuncError::new(e.to_string())))
            .transpose()
    }

    /// The map `AsConfig`/`AsSecrets` marshal: base names to contents.
    fn by_base_name(&self, encode: impl Fn(&[u8]) -> String) -> Result<String, FuncError> {
        let mut map: BTreeMap<String, Data> = BTreeMap::new();
        for (name, file) in self.files.iter() {
            let data = file.data().map_err(|e| FuncError::new(e.to_string()))?;
            map.insert(
                name.rsplit('/').next().unwrap_or(name).to_string(),
                Data::String(encode(&data)),
            );
        }
        Ok(match goyaml::helm::to_yaml(&Data::Map(map)) {
            Ok(text) => text.strip_suffix('\n').unwrap_or(&text).to_string(),
            Err(_) => String::new(),
        })
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
            "Get" => Value::from(self.get(arg)?.map(|b| text(&b)).unwrap_or_default()),
            "GetBytes" => Value::Bytes(self.get(arg)?.unwrap_or_else(|| Arc::from(&b""[..]))),
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
                let lines: Vec<Value> = match self.get(arg)? {
                    None => Vec::new(),
                    Some(bytes) => {
                        let s = text(&bytes);
                        let s = s.strip_suffix('\n').unwrap_or(&s);
                        s.split('\n').map(Value::from).collect()
                    }
                };
                Value::List(Arc::new(List::new(GoType::String, lines)))
            }
            "AsConfig" => Value::from(self.by_base_name(text)?),
            "AsSecrets" => Value::from(self.by_base_name(crate::convert::base64_std)?),
            _ => return Err(FuncError::new(format!("no method {name}"))),
        })
    }

    fn is_pointer(&self) -> bool {
        false
    }
}
