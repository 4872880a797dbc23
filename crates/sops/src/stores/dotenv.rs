//! Owns dotenv files: `KEY=value` lines (`\n` escapes for newlines), `#`
//! comments, and sops' flattened `sops_*` metadata lines.

use crate::error::{Error, Result};
use crate::stores::scalar_text;
use crate::tree::{Entry, Value};

/// Reads a dotenv file as sops does (empty lines dropped).
pub fn read(text: &[u8]) -> Result<Vec<Entry>> {
    let mut out = Vec::new();
    for line in text.split(|b| *b == b'\n') {
        if line.is_empty() {
            continue;
        }
        let line = String::from_utf8_lossy(line);
        if let Some(c) = line.strip_prefix('#') {
            out.push(Entry::comment(c));
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            return Err(Error::syntax(
                "dotenv",
                format!("invalid dotenv input line: {line}"),
            ));
        };
        out.push(Entry::new(
            Value::Str(k.to_string()),
            Value::Str(v.replace("\\n", "\n")),
        ));
    }
    Ok(out)
}

/// Writes a branch as dotenv lines.
pub fn write(entries: &[Entry]) -> Result<Vec<u8>> {
    let mut out = String::new();
    for e in entries {
        match (&e.key, &e.value) {
            (Value::Comment(c), _) => {
                out.push('#');
                out.push_str(c);
            }
            (_, Value::Map(_) | Value::Seq(_)) => {
                return Err(Error::Emit(format!(
                    "cannot use complex value in dotenv file; offending key {}",
                    scalar_text(&e.key)
                )))
            }
            (k, v) => {
                out.push_str(&scalar_text(k));
                out.push('=');
                out.push_str(&scalar_text(v).replace('\n', "\\n"));
            }
        }
        out.push('\n');
    }
    Ok(out.into_bytes())
}
