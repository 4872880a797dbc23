//! The values a release hands to Helm, in the order helmfile passes them to
//! `helm template`: values entries (files, `.gotmpl` files rendered with the
//! release's data, inline maps), then decrypted secrets, then `set` entries.
//! Everything stays in memory.

use goyaml::Value as Yaml;

use crate::error::StateError;
use crate::loader::Loader;
use crate::release::release_data;
use crate::schema::Fv;
use crate::secrets::decrypt_file;
use crate::typed::sorted_yaml;
use crate::{Release, StateFile};

/// One `--values` layer.
#[derive(Clone, Debug, PartialEq)]
pub struct ValueLayer {
    /// The file it came from, or `inline`.
    pub origin: String,
    /// YAML text (decrypted for secrets: mask it in any output).
    pub content: String,
    pub secret: bool,
}

/// Everything a release passes to Helm besides the chart.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReleaseValues {
    pub layers: Vec<ValueLayer>,
    /// `--set key=value` entries, escaped as helmfile escapes them.
    pub set: Vec<String>,
    /// `--set-file key=path` entries.
    pub set_file: Vec<String>,
}

fn escape(s: &str) -> String {
    s.replace('{', "\\{").replace('}', "\\}").replace(',', "\\,")
}

pub(crate) fn release_values(file: &StateFile, release: &Release) -> Result<ReleaseValues, StateError> {
    let r = &release.spec;
    let dir = file.dir().to_path_buf();
    let mut loader = Loader {
        env_name: file.env.name.clone(),
        env_lookup: file.env_lookup.clone(),
        allow_exec: file.allow_exec,
        warnings: Vec::new(),
        used_files: Vec::new(),
        shown: file.shown.clone(),
    };
    let handler = match r.vals.get("missingFileHandler") {
        Some(Fv::Str(s)) => Some(s.clone()),
        _ => None,
    };
    let prefix = r.str("valuesPathPrefix").to_string();
    let data = release_data(&file.env, r, &file.rendered_values);
    let mut out = ReleaseValues::default();
    for entry in r.anys("values") {
        match &entry {
            Yaml::String(s) => {
                let name = format!("{prefix}{s}");
                let paths = loader.resolve_file(&dir, handler.as_deref(), "values", &name)?;
                if paths.len() > 1 {
                    return Err(values_error(file, "glob patterns in release values and secrets is not supported yet. please submit a feature request if necessary".into()));
                }
                for path in paths {
                    let content = loader
                        .render_to_bytes(&path, &data)
                        .map_err(|e| values_error(file, format!("failed to render values files \"{s}\": {e}")))?;
                    out.layers.push(ValueLayer {
                        origin: path.to_string_lossy().into_owned(),
                        content,
                        secret: false,
                    });
                }
            }
            other => {
                let content = goyaml::encode::marshal_value(&sorted_yaml(&crate::convert::cast_keys(other)), goyaml::Flavor::V2)
                    .map_err(|e| values_error(file, e.to_string()))?;
                out.layers.push(ValueLayer {
                    origin: "inline".into(),
                    content,
                    secret: false,
                });
            }
        }
    }
    for entry in r.anys("secrets") {
        let Yaml::String(s) = &entry else {
            return Err(values_error(
                file,
                format!("release \"{}\": inline secrets must be SOPS-encrypted files; give a file path", release.name),
            ));
        };
        let name = format!("{prefix}{s}");
        let paths = loader.resolve_file(&dir, handler.as_deref(), "secrets", &name)?;
        if paths.len() > 1 {
            return Err(values_error(file, "glob patterns in release secret file is not supported yet. please submit a feature request if necessary".into()));
        }
        for path in paths {
            let content = decrypt_file(&path, &file.env_lookup).map_err(|message| StateError::Secrets {
                file: file.shown.clone(),
                secrets: s.clone(),
                message,
            })?;
            out.layers.push(ValueLayer {
                origin: path.to_string_lossy().into_owned(),
                content,
                secret: true,
            });
        }
    }
    for set in r.objs("set") {
        let name = escape(set.str("name"));
        if !set.str("value").is_empty() {
            out.set.push(format!("{name}={}", escape(set.str("value"))));
        } else if !set.str("file").is_empty() {
            let path = dir.join(set.str("file"));
            out.set_file.push(format!("{name}={}", path.display()));
        } else if !set.strs("values").is_empty() {
            let items: Vec<String> = set.strs("values").iter().map(|v| escape(v)).collect();
            out.set.push(format!("{name}={{{}}}", items.join(",")));
        }
    }
    Ok(out)
}

fn values_error(file: &StateFile, message: String) -> StateError {
    StateError::Values {
        file: file.shown.clone(),
        message,
    }
}

/// `--state-values-set a.b=c,d=e` as a nested map of strings.
pub(crate) fn parse_state_values_set(sets: &[String]) -> Yaml {
    let mut root: Vec<(Yaml, Yaml)> = Vec::new();
    for set in sets {
        for kv in set.split(',') {
            let Some((key, value)) = kv.split_once('=') else {
                continue;
            };
            let keys: Vec<&str> = key.split('.').collect();
            insert_path(&mut root, &keys, Yaml::String(value.to_string()));
        }
    }
    Yaml::Map(root)
}

fn insert_path(map: &mut Vec<(Yaml, Yaml)>, keys: &[&str], value: Yaml) {
    let Some((first, rest)) = keys.split_first() else {
        return;
    };
    let key = Yaml::String(first.to_string());
    if rest.is_empty() {
        Yaml::map_insert(map, key, value);
        return;
    }
    let pos = map.iter().position(|(k, v)| k.go_eq(&key) && matches!(v, Yaml::Map(_)));
    let idx = match pos {
        Some(i) => i,
        None => {
            map.retain(|(k, _)| !k.go_eq(&key));
            map.push((key, Yaml::Map(Vec::new())));
            map.len() - 1
        }
    };
    if let Yaml::Map(inner) = &mut map[idx].1 {
        insert_path(inner, rest, value);
    }
}
