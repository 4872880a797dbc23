//! BurntSushi/toml's `Encoder` as Helm's `toToml` uses it on template data:
//! keys sorted, plain keys before tables, `[a.b]` headers indented two
//! spaces per level, arrays of maps as `[[a]]`, maps inside arrays inline.
//! Version 1.6.0 (helm 4) writes floats with `'g'` (`1e+06`); 1.4.0 (helm 3)
//! with `'f'` (`1000000.0`).

use crate::data::Data;
use crate::error::TomlError;
use crate::floatfmt::format_float;

/// Which BurntSushi/toml release to imitate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TomlVersion {
    /// v1.4.0, in helm 3.17.
    V1_4,
    /// v1.6.0, in helm 4.1.
    V1_6,
}

const ERR_NIL_ELEMENT: &str = "toml: cannot encode array with nil element";
const ERR_NO_KEY: &str = "toml: top-level values must be Go maps or structs";

struct Encoder {
    out: String,
    version: TomlVersion,
}

pub(crate) fn replace_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\x08' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\x0C' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\0'..='\x1F' | '\x7F' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

fn is_bare(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|r| r.is_ascii_alphanumeric() || r == '_' || r == '-')
}

fn key_piece(s: &str) -> String {
    if s.is_empty() {
        "\"\"".to_string()
    } else if is_bare(s) {
        s.to_string()
    } else {
        format!("\"{}\"", replace_quoted(s))
    }
}

fn key_string(key: &[&str]) -> String {
    key.iter()
        .map(|k| key_piece(k))
        .collect::<Vec<_>>()
        .join(".")
}

/// Whether a value is written as a table (`tomlHash` or `tomlArrayHash`);
/// fails on a list holding a nil, as `isTableArray` does.
fn is_table(d: &Data) -> Result<bool, TomlError> {
    match d {
        Data::Map(_) => Ok(true),
        Data::List(items) => is_table_array(items),
        _ => Ok(false),
    }
}

fn is_table_array(items: &[Data]) -> Result<bool, TomlError> {
    if items.is_empty() {
        return Ok(false);
    }
    let mut all = true;
    for item in items {
        if matches!(item, Data::Null) {
            return Err(TomlError::Encode(ERR_NIL_ELEMENT.to_string()));
        }
        if !matches!(item, Data::Map(_)) {
            all = false;
        }
        is_table(item)?;
    }
    Ok(all)
}

impl Encoder {
    fn write(&mut self, s: &str) {
        self.out.push_str(s);
    }

    fn newline(&mut self) {
        if !self.out.is_empty() {
            self.out.push('\n');
        }
    }

    fn indent(&self, key: &[&str]) -> String {
        "  ".repeat(key.len().saturating_sub(1))
    }

    fn float(&mut self, f: f64) {
        if f.is_nan() {
            if f.is_sign_negative() {
                self.write("-");
            }
            self.write("nan");
        } else if f.is_infinite() {
            if f.is_sign_negative() {
                self.write("-");
            }
            self.write("inf");
        } else {
            let (fmt, exp_ok) = match self.version {
                TomlVersion::V1_6 => (b'g', true),
                TomlVersion::V1_4 => (b'f', false),
            };
            let s = format_float(f, fmt, 64);
            let has_decimal = s.contains('.') || (exp_ok && s.contains('e'));
            self.write(&s);
            if !has_decimal {
                self.write(".0");
            }
        }
    }

    fn element(&mut self, d: &Data) -> Result<(), TomlError> {
        match d {
            Data::Null => {}
            Data::Bool(b) => self.write(&b.to_string()),
            Data::Int(i) => self.write(&i.to_string()),
            Data::Float(f) => self.float(*f),
            Data::String(s) => {
                let q = replace_quoted(s);
                self.write(&format!("\"{q}\""));
            }
            Data::List(items) => {
                self.write("[");
                for (i, item) in items.iter().enumerate() {
                    self.element(item)?;
                    if i + 1 != items.len() {
                        self.write(", ");
                    }
                }
                self.write("]");
            }
            Data::Map(_) => self.map(&[], d, true)?,
        }
        Ok(())
    }

    fn key_value(&mut self, key: &[&str], d: &Data, inline: bool) -> Result<(), TomlError> {
        let Some(last) = key.last() else {
            return self.element(d);
        };
        let line = format!("{}{} = ", self.indent(key), key_piece(last));
        self.write(&line);
        self.element(d)?;
        if !inline {
            self.newline();
        }
        Ok(())
    }

    fn encode(&mut self, key: &[&str], d: &Data) -> Result<(), TomlError> {
        match d {
            Data::Null => Ok(()),
            Data::List(items) if is_table_array(items)? => {
                if key.is_empty() {
                    return Err(TomlError::Encode(ERR_NO_KEY.to_string()));
                }
                for item in items {
                    self.newline();
                    let header = format!("{}[[{}]]", self.indent(key), key_string(key));
                    self.write(&header);
                    self.newline();
                    self.map(key, item, false)?;
                }
                Ok(())
            }
            Data::Map(_) => {
                if key.len() == 1 {
                    self.newline();
                }
                if !key.is_empty() {
                    let header = format!("{}[{}]", self.indent(key), key_string(key));
                    self.write(&header);
                    self.newline();
                }
                self.map(key, d, false)
            }
            _ => self.key_value(key, d, false),
        }
    }

    fn map(&mut self, key: &[&str], d: &Data, inline: bool) -> Result<(), TomlError> {
        let Data::Map(m) = d else { return Ok(()) };
        let mut direct: Vec<&str> = Vec::new();
        let mut sub: Vec<&str> = Vec::new();
        for (k, v) in m {
            if is_table(v)? {
                sub.push(k);
            } else {
                direct.push(k);
            }
        }
        if inline {
            self.write("{");
        }
        let trail = !sub.is_empty();
        for (group, trailing) in [(direct, trail), (sub, false)] {
            let n = group.len();
            for (i, k) in group.into_iter().enumerate() {
                let Some(v) = m.get(k) else { continue };
                if matches!(v, Data::Null) {
                    continue;
                }
                if inline {
                    self.key_value(&[k], v, true)?;
                    if trailing || i + 1 != n {
                        self.write(", ");
                    }
                } else {
                    let mut child: Vec<&str> = key.to_vec();
                    child.push(k);
                    self.encode(&child, v)?;
                }
            }
        }
        if inline {
            self.write("}");
        }
        Ok(())
    }
}

/// `toml.NewEncoder(w).Encode(d)`: the TOML text, or the encoder's error
/// (helm's `toToml` prints the error text instead of the document).
pub fn encode(d: &Data, version: TomlVersion) -> Result<String, TomlError> {
    let mut e = Encoder {
        out: String::new(),
        version,
    };
    e.encode(&[], d)?;
    Ok(e.out)
}
