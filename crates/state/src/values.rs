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
    /// Missing files skipped because of `missingFileHandler: Warn`.
    pub warnings: Vec<String>,
}

fn escape(s: &str) -> String {
    s.replace('{', "\\{")
        .replace('}', "\\}")
        .replace(',', "\\,")
}

pub(crate) fn release_values(
    file: &StateFile,
    release: &Release,
) -> Result<ReleaseValues, StateError> {
    let r = &release.spec;
    let dir = file.dir().to_path_buf();
    let mut loader = Loader {
        env_name: file.env.name.clone(),
        env_lookup: file.env_lookup.clone(),
        allow_exec: file.allow_exec,
        warnings: Vec::new(),
        used_files: Vec::new(),
        shown: file.shown.clone(),
        namespace: String::new(),
    };
    let handler = match r.vals.get("missingFileHandler") {
        Some(Fv::Str(s)) => Some(s.clone()),
        _ => None,
    };
    let prefix = r.str("valuesPathPrefix").to_string();
    let data = release_data(&file.env, &file.spec, r, &file.rendered_values);
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
                    let content = loader.render_to_bytes(&path, &dir, &data).map_err(|e| {
                        values_error(file, format!("failed to render values files \"{s}\": {e}"))
                    })?;
                    out.layers.push(ValueLayer {
                        origin: path.to_string_lossy().into_owned(),
                        content,
                        secret: false,
                    });
                }
            }
            other => {
                let content = goyaml::encode::marshal_value(
                    &sorted_yaml(&crate::convert::cast_keys(other)),
                    goyaml::Flavor::V2,
                )
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
                format!(
                    "release \"{}\": inline secrets must be SOPS-encrypted files; give a file path",
                    release.name
                ),
            ));
        };
        let name = format!("{prefix}{s}");
        let paths = loader.resolve_file(&dir, handler.as_deref(), "secrets", &name)?;
        if paths.len() > 1 {
            return Err(values_error(file, "glob patterns in release secret file is not supported yet. please submit a feature request if necessary".into()));
        }
        for path in paths {
            let content =
                decrypt_file(&path, &file.env_lookup).map_err(|message| StateError::Secrets {
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
    out.warnings = loader.warnings;
    Ok(out)
}

fn values_error(file: &StateFile, message: String) -> StateError {
    StateError::Values {
        file: file.shown.clone(),
        message,
    }
}

/// `--state-values-set a.b=c,d[1]=e` as helmfile's `maputil.Set` builds
/// it; `typed` turns `true`, `false`, `null` and integers into YAML values
/// (`--state-values-set`), otherwise all are strings
/// (`--state-values-set-string`).
pub(crate) fn parse_state_values_set(sets: &[String], typed: bool) -> Yaml {
    let mut root: Vec<(Yaml, Yaml)> = Vec::new();
    for set in sets {
        for op in set.split(',') {
            let (key, value) = op.split_once('=').unwrap_or((op, ""));
            let keys = parse_key(key);
            if keys.is_empty() {
                continue;
            }
            let value = if typed {
                typed_value(value)
            } else {
                Yaml::String(value.to_string())
            };
            insert_path(&mut root, &keys, value);
        }
    }
    Yaml::Map(root)
}

/// `maputil.ParseKey`: dots split, `\.` escapes one.
fn parse_key(key: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut part = String::new();
    let mut escaped = false;
    for c in key.chars() {
        if !escaped && c == '\\' {
            escaped = true;
            continue;
        }
        if c == '.' && !escaped {
            parts.push(std::mem::take(&mut part));
        } else {
            part.push(c);
        }
        escaped = false;
    }
    if !part.is_empty() {
        parts.push(part);
    }
    parts
}

/// `maputil.typedVal` with casting on.
fn typed_value(v: &str) -> Yaml {
    if v.eq_ignore_ascii_case("true") {
        return Yaml::Bool(true);
    }
    if v.eq_ignore_ascii_case("false") {
        return Yaml::Bool(false);
    }
    if v.eq_ignore_ascii_case("null") {
        return Yaml::Null;
    }
    if v == "0" {
        return Yaml::Int(0);
    }
    if !v.starts_with('0') {
        if let Ok(i) = v.parse::<i64>() {
            return Yaml::Int(i);
        }
    }
    Yaml::String(v.to_string())
}

/// The largest list index `--state-values-set` may name (bounds memory).
const MAX_SET_INDEX: usize = 65_536;

/// A key element `name[index]`, as `getCursor` reads it.
fn cursor(key: &str) -> (String, Option<usize>) {
    let spaced = key.replace(['[', ']'], " ");
    let mut words = spaced.split_whitespace();
    if let (Some(name), Some(index)) = (words.next(), words.next()) {
        if let Ok(i) = index.parse::<usize>() {
            if i <= MAX_SET_INDEX {
                return (name.to_string(), Some(i));
            }
        }
    }
    (spaced, None)
}

fn insert_path(map: &mut Vec<(Yaml, Yaml)>, keys: &[String], value: Yaml) {
    let Some((first, rest)) = keys.split_first() else {
        return;
    };
    let (name, index) = cursor(first);
    let key = Yaml::String(name);
    let slot = match map.iter().position(|(k, _)| k.go_eq(&key)) {
        Some(i) => i,
        None => {
            let empty = if index.is_some() {
                Yaml::Seq(Vec::new())
            } else {
                Yaml::Map(Vec::new())
            };
            map.push((key, empty));
            map.len() - 1
        }
    };
    let target = &mut map[slot].1;
    let target = match index {
        Some(i) => {
            if !matches!(target, Yaml::Seq(_)) {
                *target = Yaml::Seq(Vec::new());
            }
            let Yaml::Seq(items) = target else {
                return;
            };
            if items.len() <= i {
                items.resize(i + 1, Yaml::Null);
            }
            &mut items[i]
        }
        None => target,
    };
    if rest.is_empty() {
        *target = value;
        return;
    }
    if !matches!(target, Yaml::Map(_)) {
        *target = Yaml::Map(Vec::new());
    }
    if let Yaml::Map(inner) = target {
        insert_path(inner, rest, value);
    }
}
