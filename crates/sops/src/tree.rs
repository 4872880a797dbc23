//! Owns the in-memory tree every format is read into and written from: ordered
//! mappings, sequences, typed scalars and comments, as sops' own `TreeBranch`.

use zeroize::Zeroize;

use crate::gofmt::Timestamp;

/// A value of a SOPS tree, typed as Go's YAML/JSON decoders type them.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    /// Text that is not valid UTF-8 (a decrypted `str` or `bytes` value).
    Bytes(Vec<u8>),
    Time(Timestamp),
    /// A comment line, without its leading `#`.
    Comment(String),
    Map(Vec<Entry>),
    Seq(Vec<Value>),
}

/// One item of a mapping: a key and its value, or a comment (key `Comment`, value `Null`).
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: Value,
    pub value: Value,
}

impl Entry {
    pub fn new(key: Value, value: Value) -> Self {
        Entry { key, value }
    }

    pub fn comment(text: impl Into<String>) -> Self {
        Entry {
            key: Value::Comment(text.into()),
            value: Value::Null,
        }
    }
}

/// One document of a file: its top-level mapping.
pub type Branch = Vec<Entry>;

impl Value {
    /// Text from raw bytes: a string when valid UTF-8, bytes otherwise.
    pub fn text(bytes: Vec<u8>) -> Value {
        match String::from_utf8(bytes) {
            Ok(s) => Value::Str(s),
            Err(e) => Value::Bytes(e.into_bytes()),
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Overwrites every string and byte buffer in the tree before it is dropped.
    pub fn wipe(&mut self) {
        match self {
            Value::Str(s) | Value::Comment(s) => s.zeroize(),
            Value::Bytes(b) => b.zeroize(),
            Value::Map(entries) => wipe_branch(entries),
            Value::Seq(items) => items.iter_mut().for_each(Value::wipe),
            Value::Int(i) => *i = 0,
            Value::Float(f) => *f = 0.0,
            Value::Bool(b) => *b = false,
            Value::Null | Value::Time(_) => {}
        }
    }
}

/// Overwrites every value of a branch (see [`Value::wipe`]).
pub fn wipe_branch(entries: &mut [Entry]) {
    for e in entries {
        e.key.wipe();
        e.value.wipe();
    }
}

/// Plaintext documents that are wiped from memory when dropped.
#[derive(Debug, Default)]
pub struct Branches(pub Vec<Branch>);

impl Drop for Branches {
    fn drop(&mut self) {
        for b in &mut self.0 {
            wipe_branch(b);
        }
    }
}
