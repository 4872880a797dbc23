//! Owns `.sops.yaml` creation rules: finding the file (upward from the working
//! directory as sops does, then upward from the target file), picking the first
//! rule whose `path_regex` matches the file's path relative to the config, and
//! turning it into recipients, key groups and an encryption rule.

use std::path::{Path, PathBuf};

use regex::Regex;

use crate::encrypt::Recipients;
use crate::error::{Error, Result};
use crate::metadata::Rule;
use crate::stores::yaml_read;
use crate::tree::{Entry, Value};

/// The name of the configuration file.
pub const CONFIG_NAME: &str = ".sops.yaml";

fn find_upward(start: &Path) -> Option<PathBuf> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        let candidate = d.join(CONFIG_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        dir = d.parent();
    }
    None
}

/// Finds `.sops.yaml` for a file: from the working directory up, then from the
/// file's directory up.
pub fn find_config(file: &Path) -> Option<PathBuf> {
    let abs = std::path::absolute(file).ok()?;
    std::env::current_dir()
        .ok()
        .and_then(|cwd| find_upward(&cwd))
        .or_else(|| abs.parent().and_then(find_upward))
}

fn field<'a>(m: &'a [Entry], name: &str) -> Option<&'a Value> {
    m.iter()
        .find(|e| e.key.as_str() == Some(name))
        .map(|e| &e.value)
}

fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::Str(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => crate::stores::scalar_text(other),
    }
}

/// A key field given as a comma-separated string or a list of strings.
fn key_list(v: Option<&Value>) -> Result<Vec<String>> {
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Str(s)) => Ok(s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()),
        Some(Value::Seq(items)) => items
            .iter()
            .filter(|i| !matches!(i, Value::Comment(_)))
            .map(|i| match i {
                Value::Str(s) => Ok(s.trim().to_string()),
                _ => Err(Error::Config("key lists must hold strings".into())),
            })
            .collect(),
        Some(_) => Err(Error::Config(
            "keys must be a string or a list of strings".into(),
        )),
    }
}

/// The recipients and rule of the first creation rule matching `file`.
pub fn creation_rule(config: &Path, file: &Path) -> Result<Recipients> {
    let text_in = std::fs::read_to_string(config)
        .map_err(|e| Error::Config(format!("cannot read {}: {e}", config.display())))?;
    let docs = yaml_read::read(&text_in)
        .map_err(|e| Error::Config(format!("{}: {e}", config.display())))?;
    let root = docs.into_iter().next().unwrap_or_default();
    let Some(Value::Seq(rules)) = field(&root, "creation_rules") else {
        return Err(Error::Config(format!(
            "{}: no creation_rules",
            config.display()
        )));
    };
    let config_dir = std::path::absolute(config.parent().unwrap_or(Path::new(".")))
        .map_err(|e| Error::Config(e.to_string()))?;
    let abs = std::path::absolute(file).map_err(|e| Error::Config(e.to_string()))?;
    let rel = abs
        .strip_prefix(&config_dir)
        .unwrap_or(&abs)
        .to_string_lossy()
        .into_owned();
    for rule in rules {
        let Value::Map(m) = rule else { continue };
        let re = text(field(m, "path_regex"));
        if !re.is_empty() {
            let compiled = Regex::new(&re)
                .map_err(|e| Error::Config(format!("can not compile regexp: {e}")))?;
            if !compiled.is_match(&rel) {
                continue;
            }
        }
        return recipients_from(m);
    }
    Err(Error::Config(
        "error loading config: no matching creation rules found".into(),
    ))
}

fn recipients_from(m: &[Entry]) -> Result<Recipients> {
    let mut r = Recipients::default();
    match field(m, "key_groups") {
        Some(Value::Seq(groups)) if !groups.is_empty() => {
            for g in groups {
                let Value::Map(g) = g else { continue };
                r.groups.push(key_list(field(g, "age"))?);
                r.pgp.push(key_list(field(g, "pgp"))?);
            }
        }
        _ => {
            r.groups.push(key_list(field(m, "age"))?);
            r.pgp.push(key_list(field(m, "pgp"))?);
        }
    }
    for unsupported in ["kms", "gcp_kms", "azure_keyvault", "hc_vault_transit_uri"] {
        if !key_list(field(m, unsupported))
            .unwrap_or_default()
            .is_empty()
        {
            return Err(Error::Config(format!(
                "creation rule uses `{unsupported}`: cloud key services are not supported by berth"
            )));
        }
    }
    r.shamir_threshold = match field(m, "shamir_threshold") {
        Some(Value::Int(i)) if *i >= 0 => *i as usize,
        None | Some(Value::Null) => 0,
        _ => {
            return Err(Error::Config(
                "shamir_threshold must be a non-negative integer".into(),
            ))
        }
    };
    r.mac_only_encrypted = matches!(field(m, "mac_only_encrypted"), Some(Value::Bool(true)));
    let mut rules = Vec::new();
    for name in [
        "unencrypted_suffix",
        "encrypted_suffix",
        "unencrypted_regex",
        "encrypted_regex",
        "unencrypted_comment_regex",
        "encrypted_comment_regex",
    ] {
        let v = text(field(m, name));
        if !v.is_empty() {
            rules.extend(Rule::from_field(name, v));
        }
    }
    if rules.len() > 1 {
        return Err(Error::Config("Cannot use more than one of encrypted_suffix, unencrypted_suffix, encrypted_regex, unencrypted_regex, encrypted_comment_regex, or unencrypted_comment_regex in the same file".into()));
    }
    r.rule = rules.pop().unwrap_or_default();
    Ok(r)
}
