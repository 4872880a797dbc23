//! Owns the stores: reading a file of each format into branches plus its
//! metadata, and writing branches back, plain or with metadata, as sops does.

pub mod dotenv;
pub mod ini;
pub mod json;
pub mod yaml_read;
pub mod yaml_write;

use crate::error::{Error, Result};
use crate::format::Format;
use crate::gofmt::float_g;
use crate::metadata::Metadata;
use crate::tree::{Branch, Entry, Value};

const SOPS_KEY: &str = "sops";

/// sops' `ValToString`: a scalar as dotenv and INI files write it.
pub fn scalar_text(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => {
            let s = float_g(*f, true);
            if s.contains(['.', 'E']) || !f.is_finite() {
                s
            } else {
                format!("{f:.1}")
            }
        }
        Value::Str(s) | Value::Comment(s) => s.clone(),
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        Value::Time(t) => t.rfc3339(),
        Value::Map(_) | Value::Seq(_) => String::new(),
    }
}

fn text<'a>(bytes: &'a [u8], format: &'static str) -> Result<&'a str> {
    std::str::from_utf8(bytes).map_err(|_| Error::syntax(format, "input is not valid UTF-8"))
}

fn strip_sops(branch: &mut Branch) {
    branch.retain(|e| e.key.as_str() != Some(SOPS_KEY));
}

/// Reads an encrypted file: its documents (without the metadata) and metadata.
pub fn load_encrypted(format: Format, bytes: &[u8]) -> Result<(Vec<Branch>, Metadata)> {
    match format {
        Format::Yaml => {
            let t = text(bytes, "yaml")?;
            let meta = yaml_read::read_metadata(t)?.ok_or(Error::MetadataNotFound)?;
            let metadata = Metadata::from_tree(&meta)?;
            let mut branches = yaml_read::read(t)?;
            branches.iter_mut().for_each(strip_sops);
            Ok((branches, metadata))
        }
        Format::Json | Format::Binary => {
            let mut branch = json::read(bytes)?;
            let meta = branch
                .iter()
                .find(|e| e.key.as_str() == Some(SOPS_KEY))
                .map(|e| e.value.clone())
                .ok_or(Error::MetadataNotFound)?;
            if let Value::Map(m) = &meta {
                if m.iter().any(|e| {
                    e.key.as_str() == Some("version") && matches!(e.value, Value::Float(_))
                }) {
                    return Err(Error::Metadata("SOPS versions higher than 2.0.10 can not automatically decrypt JSON files created with SOPS 1.x".into()));
                }
            }
            let metadata = Metadata::from_tree(&meta)?;
            strip_sops(&mut branch);
            Ok((vec![branch], metadata))
        }
        Format::Dotenv => {
            let entries = dotenv::read(bytes)?;
            let mut flat = Vec::new();
            let mut branch = Vec::new();
            for e in entries {
                match e.key.as_str().and_then(|k| k.strip_prefix("sops_")) {
                    Some(k) => {
                        flat.push((k.to_string(), e.value.as_str().unwrap_or("").to_string()))
                    }
                    None => branch.push(e),
                }
            }
            if flat.is_empty() {
                return Err(Error::MetadataNotFound);
            }
            let flat: Vec<_> = flat
                .into_iter()
                .map(|(k, v)| (k, v.replace('\n', "\\n")))
                .collect();
            Ok((vec![branch], Metadata::from_flat(&flat)?))
        }
        Format::Ini => {
            let flat = ini::sops_section(bytes)?.ok_or(Error::MetadataNotFound)?;
            let mut branch = ini::read(bytes)?;
            strip_sops(&mut branch);
            Ok((vec![branch], Metadata::from_flat(&flat)?))
        }
    }
}

/// Reads a plaintext file to be encrypted.
pub fn load_plain(format: Format, bytes: &[u8]) -> Result<Vec<Branch>> {
    match format {
        Format::Yaml => yaml_read::read(text(bytes, "yaml")?),
        Format::Json => Ok(vec![json::read(bytes)?]),
        Format::Dotenv => Ok(vec![dotenv::read(bytes)?]),
        Format::Ini => Ok(vec![ini::read(bytes)?]),
        Format::Binary => Ok(vec![vec![Entry::new(
            Value::Str("data".into()),
            Value::text(bytes.to_vec()),
        )]]),
    }
}

/// Writes decrypted documents as `sops decrypt` prints them.
pub fn emit_plain(format: Format, branches: &[Branch]) -> Result<Vec<u8>> {
    let first = || branches.first().map(Vec::as_slice).unwrap_or(&[]);
    match format {
        Format::Yaml => yaml_write::write(branches),
        Format::Json => json::write(first()),
        Format::Dotenv => dotenv::write(first()),
        Format::Ini => ini::write(first()),
        Format::Binary => {
            if branches.len() != 1 {
                return Err(Error::Emit(
                    "error emitting binary store: there must be exactly one tree branch".into(),
                ));
            }
            match first().iter().find(|e| e.key.as_str() == Some("data")).map(|e| &e.value) {
                Some(Value::Str(s)) => Ok(s.as_bytes().to_vec()),
                Some(Value::Bytes(b)) => Ok(b.clone()),
                Some(_) => Err(Error::Emit("error emitting binary store: 'data' key in tree does not have a string value".into())),
                None => Err(Error::Emit("error emitting binary store: no binary data found in tree\n\nThis is likely not an encrypted binary file. If not, use --output-type to select the correct output type.".into())),
            }
        }
    }
}

/// Writes encrypted documents with their metadata, as sops writes files.
pub fn emit_encrypted(format: Format, branches: &[Branch], metadata: &Metadata) -> Result<Vec<u8>> {
    match format {
        Format::Yaml => {
            let with: Vec<Branch> = branches
                .iter()
                .map(|b| {
                    let mut b = b.clone();
                    b.push(Entry::new(Value::Str(SOPS_KEY.into()), metadata.to_tree()));
                    b
                })
                .collect();
            yaml_write::write(&with)
        }
        Format::Json | Format::Binary => {
            let mut b = branches.first().cloned().unwrap_or_default();
            b.push(Entry::new(Value::Str(SOPS_KEY.into()), metadata.to_tree()));
            json::write(&b)
        }
        Format::Dotenv => {
            let mut b = branches.first().cloned().unwrap_or_default();
            for (k, v) in metadata.to_flat() {
                b.push(Entry::new(Value::Str(format!("sops_{k}")), Value::Str(v)));
            }
            dotenv::write(&b)
        }
        Format::Ini => {
            let mut b = branches.first().cloned().unwrap_or_default();
            let section = metadata
                .to_flat()
                .into_iter()
                .map(|(k, v)| Entry::new(Value::Str(k), Value::Str(v)))
                .collect();
            b.push(Entry::new(Value::Str(SOPS_KEY.into()), Value::Map(section)));
            ini::write(&b)
        }
    }
}
