//! Owns the `sops` metadata block: reading it from the generic tree every format
//! produces (unknown keys and empty lists tolerated), validating it, the
//! encryption rule it names, and writing it back in sops' field order, nested
//! (YAML, JSON) or flattened (dotenv, INI).

use std::collections::BTreeMap;

use regex::Regex;

use crate::error::{Error, Result};
use crate::gofmt::Timestamp;
use crate::tree::{Entry, Value};

/// The suffix sops uses when a file names no rule.
pub const DEFAULT_UNENCRYPTED_SUFFIX: &str = "_unencrypted";

/// Which values are encrypted: at most one rule per file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rule {
    UnencryptedSuffix(String),
    EncryptedSuffix(String),
    UnencryptedRegex(String),
    EncryptedRegex(String),
    UnencryptedCommentRegex(String),
    EncryptedCommentRegex(String),
}

impl Default for Rule {
    fn default() -> Self {
        Rule::UnencryptedSuffix(DEFAULT_UNENCRYPTED_SUFFIX.into())
    }
}

const RULE_FIELDS: [&str; 6] = [
    "unencrypted_suffix",
    "encrypted_suffix",
    "unencrypted_regex",
    "encrypted_regex",
    "unencrypted_comment_regex",
    "encrypted_comment_regex",
];

impl Rule {
    /// Builds a rule from its metadata field name.
    pub fn from_field(field: &str, value: String) -> Option<Rule> {
        Some(match field {
            "unencrypted_suffix" => Rule::UnencryptedSuffix(value),
            "encrypted_suffix" => Rule::EncryptedSuffix(value),
            "unencrypted_regex" => Rule::UnencryptedRegex(value),
            "encrypted_regex" => Rule::EncryptedRegex(value),
            "unencrypted_comment_regex" => Rule::UnencryptedCommentRegex(value),
            "encrypted_comment_regex" => Rule::EncryptedCommentRegex(value),
            _ => return None,
        })
    }

    fn field(&self) -> (&'static str, &str) {
        match self {
            Rule::UnencryptedSuffix(v) => (RULE_FIELDS[0], v),
            Rule::EncryptedSuffix(v) => (RULE_FIELDS[1], v),
            Rule::UnencryptedRegex(v) => (RULE_FIELDS[2], v),
            Rule::EncryptedRegex(v) => (RULE_FIELDS[3], v),
            Rule::UnencryptedCommentRegex(v) => (RULE_FIELDS[4], v),
            Rule::EncryptedCommentRegex(v) => (RULE_FIELDS[5], v),
        }
    }

    /// Compiles the rule once for a whole tree walk.
    pub fn compile(&self) -> Matcher {
        let re = |p: &str| Regex::new(p).ok();
        match self {
            Rule::UnencryptedSuffix(s) => Matcher::Suffix(s.clone(), false),
            Rule::EncryptedSuffix(s) => Matcher::Suffix(s.clone(), true),
            Rule::UnencryptedRegex(p) => Matcher::Key(re(p), false),
            Rule::EncryptedRegex(p) => Matcher::Key(re(p), true),
            Rule::UnencryptedCommentRegex(p) => Matcher::Comment(re(p), false),
            Rule::EncryptedCommentRegex(p) => Matcher::Comment(re(p), true),
        }
    }
}

/// A compiled [`Rule`]. A pattern Go's regexp would reject matches nothing.
pub enum Matcher {
    Suffix(String, bool),
    Key(Option<Regex>, bool),
    Comment(Option<Regex>, bool),
}

impl Matcher {
    /// sops' `shouldBeEncrypted`: `path` is the key path, `comments` the stack of
    /// comments seen before the value at each level, `is_comment` whether the
    /// value is itself a comment.
    pub fn encrypts(&self, path: &[String], comments: &[Vec<String>], is_comment: bool) -> bool {
        match self {
            Matcher::Suffix(s, enc) => {
                let hit = !s.is_empty() && path.iter().any(|p| p.ends_with(s.as_str()));
                if *enc {
                    hit || s.is_empty()
                } else {
                    !hit
                }
            }
            Matcher::Key(re, enc) => {
                let hit = re
                    .as_ref()
                    .is_some_and(|re| path.iter().any(|p| re.is_match(p)));
                if *enc {
                    hit
                } else {
                    !hit
                }
            }
            Matcher::Comment(re, false) => {
                let hit = re
                    .as_ref()
                    .is_some_and(|re| comments.iter().flatten().any(|c| re.is_match(c)));
                !hit
            }
            Matcher::Comment(re, true) => {
                let Some(re) = re else { return false };
                let last = comments.len().saturating_sub(1);
                comments.iter().enumerate().any(|(i, cs)| {
                    cs.iter().enumerate().any(|(j, c)| {
                        let own_line = is_comment && i == last && j + 1 == cs.len();
                        !own_line && re.is_match(c)
                    })
                })
            }
        }
    }
}

/// An age recipient and the data key (or its Shamir share) encrypted to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgeKey {
    pub recipient: String,
    pub enc: String,
}

/// A PGP key fingerprint and the data key encrypted to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PgpKey {
    pub fingerprint: String,
    pub created_at: String,
    pub enc: String,
}

/// A cloud key berth cannot use (AWS KMS, GCP KMS, Azure Key Vault, Vault transit),
/// kept verbatim so re-encryption preserves it.
#[derive(Clone, Debug, PartialEq)]
pub struct ForeignKey {
    pub kind: &'static str,
    pub fields: Vec<Entry>,
}

impl ForeignKey {
    /// The identifying field (ARN, resource id, URL...), for error listings.
    pub fn name(&self) -> String {
        let id = match self.kind {
            "kms" => "arn",
            "gcp_kms" => "resource_id",
            "azure_kv" => "vault_url",
            _ => "vault_address",
        };
        self.fields
            .iter()
            .find(|e| e.key.as_str() == Some(id))
            .and_then(|e| e.value.as_str())
            .unwrap_or("?")
            .to_string()
    }
}

/// The keys of one key group; each one opens the same data key or share.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KeyGroup {
    pub age: Vec<AgeKey>,
    pub pgp: Vec<PgpKey>,
    pub foreign: Vec<ForeignKey>,
}

impl KeyGroup {
    fn is_empty(&self) -> bool {
        self.age.is_empty() && self.pgp.is_empty() && self.foreign.is_empty()
    }
}

const FOREIGN: [&str; 4] = ["kms", "gcp_kms", "azure_kv", "hc_vault"];

/// The `sops` block of a file.
#[derive(Clone, Debug, PartialEq)]
pub struct Metadata {
    pub key_groups: Vec<KeyGroup>,
    pub shamir_threshold: usize,
    pub last_modified: Timestamp,
    pub mac: String,
    pub rule: Rule,
    pub mac_only_encrypted: bool,
    pub version: String,
}

fn field<'a>(map: &'a [Entry], name: &str) -> Option<&'a Value> {
    map.iter()
        .find(|e| e.key.as_str() == Some(name))
        .map(|e| &e.value)
}

fn string_field(map: &[Entry], name: &str) -> Result<String> {
    match field(map, name) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::Str(s)) => Ok(s.clone()),
        Some(_) => Err(Error::Metadata(format!("`{name}` must be a string"))),
    }
}

fn list_field<'a>(map: &'a [Entry], name: &str) -> Result<Vec<&'a [Entry]>> {
    match field(map, name) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Seq(items)) => items
            .iter()
            .filter(|v| !matches!(v, Value::Comment(_)))
            .map(|v| match v {
                Value::Map(m) => Ok(m.as_slice()),
                _ => Err(Error::Metadata(format!(
                    "`{name}` entries must be mappings"
                ))),
            })
            .collect(),
        Some(_) => Err(Error::Metadata(format!("`{name}` must be a list"))),
    }
}

fn group_from(map: &[Entry]) -> Result<KeyGroup> {
    let mut group = KeyGroup::default();
    for kind in FOREIGN {
        for k in list_field(map, kind)? {
            group.foreign.push(ForeignKey {
                kind,
                fields: k
                    .iter()
                    .filter(|e| !matches!(e.key, Value::Comment(_)))
                    .cloned()
                    .collect(),
            });
        }
    }
    for k in list_field(map, "pgp")? {
        group.pgp.push(PgpKey {
            fingerprint: string_field(k, "fp")?,
            created_at: string_field(k, "created_at")?,
            enc: string_field(k, "enc")?,
        });
    }
    for k in list_field(map, "age")? {
        group.age.push(AgeKey {
            recipient: string_field(k, "recipient")?,
            enc: string_field(k, "enc")?,
        });
    }
    Ok(group)
}

impl Metadata {
    /// Reads metadata from the `sops` mapping (scalars as text, as Go reads them
    /// into string fields).
    pub fn from_tree(value: &Value) -> Result<Metadata> {
        let Value::Map(map) = value else {
            return Err(Error::Metadata("the `sops` key must hold a mapping".into()));
        };
        let lm = string_field(map, "lastmodified")?;
        let last_modified = Timestamp::parse_rfc3339(&lm).ok_or_else(|| {
            Error::Metadata(format!("lastmodified {lm:?} is not an RFC 3339 time"))
        })?;
        let top = group_from(map)?;
        let key_groups = if !top.is_empty() {
            vec![top]
        } else {
            let groups = list_field(map, "key_groups")?
                .into_iter()
                .map(group_from)
                .collect::<Result<Vec<_>>>()?;
            if groups.is_empty() {
                return Err(Error::Metadata("No keys found in file".into()));
            }
            groups
        };
        let mut rules = Vec::new();
        for name in RULE_FIELDS {
            let v = string_field(map, name)?;
            if !v.is_empty() {
                rules.extend(Rule::from_field(name, v));
            }
        }
        if rules.len() > 1 {
            return Err(Error::Metadata("Cannot use more than one of encrypted_suffix, unencrypted_suffix, encrypted_regex, unencrypted_regex, encrypted_comment_regex, or unencrypted_comment_regex in the same file".into()));
        }
        let mac_only_encrypted = match field(map, "mac_only_encrypted") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(Value::Str(s)) => s == "true",
            Some(_) => {
                return Err(Error::Metadata(
                    "`mac_only_encrypted` must be a boolean".into(),
                ))
            }
        };
        let shamir_threshold = match field(map, "shamir_threshold") {
            None | Some(Value::Null) => 0,
            Some(Value::Int(i)) if *i >= 0 => *i as usize,
            Some(Value::Float(f)) if *f >= 0.0 && f.fract() == 0.0 && *f < 256.0 => *f as usize,
            Some(Value::Str(s)) => s
                .parse::<usize>()
                .ok()
                .or_else(|| {
                    s.parse::<f64>()
                        .ok()
                        .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f < 256.0)
                        .map(|f| f as usize)
                })
                .ok_or_else(|| {
                    Error::Metadata(format!("shamir_threshold is not an integer: {s}"))
                })?,
            Some(_) => return Err(Error::Metadata("shamir_threshold is not an integer".into())),
        };
        Ok(Metadata {
            key_groups,
            shamir_threshold,
            last_modified,
            mac: string_field(map, "mac")?,
            rule: rules.pop().unwrap_or_default(),
            mac_only_encrypted,
            version: string_field(map, "version")?,
        })
    }

    /// Reads flattened metadata (dotenv `sops_*` lines, the INI `[sops]` section).
    pub fn from_flat(items: &[(String, String)]) -> Result<Metadata> {
        Metadata::from_tree(&unflatten(items)?)
    }

    /// The metadata as a tree, in sops' field order (YAML and JSON files).
    pub fn to_tree(&self) -> Value {
        let s = |v: &str| Value::Str(v.to_string());
        let mut out = Vec::new();
        if self.shamir_threshold != 0 {
            out.push(Entry::new(
                s("shamir_threshold"),
                Value::Int(self.shamir_threshold as i64),
            ));
        }
        let mut tail = Vec::new();
        if self.key_groups.len() == 1 {
            let g = &self.key_groups[0];
            for kind in FOREIGN {
                push_list(&mut out, kind, foreign_list(g, kind), true);
            }
            push_list(&mut out, "age", age_list(g), true);
            push_list(&mut tail, "pgp", pgp_list(g), true);
        } else {
            let groups = self
                .key_groups
                .iter()
                .map(|g| {
                    let mut m = Vec::new();
                    push_list(&mut m, "pgp", pgp_list(g), true);
                    for kind in FOREIGN {
                        push_list(&mut m, kind, foreign_list(g, kind), kind != "hc_vault");
                    }
                    push_list(&mut m, "age", age_list(g), false);
                    Value::Map(m)
                })
                .collect();
            out.push(Entry::new(s("key_groups"), Value::Seq(groups)));
        }
        out.push(Entry::new(
            s("lastmodified"),
            Value::Str(self.last_modified.rfc3339()),
        ));
        out.push(Entry::new(s("mac"), s(&self.mac)));
        out.extend(tail);
        let (name, value) = self.rule.field();
        out.push(Entry::new(s(name), s(value)));
        if self.mac_only_encrypted {
            out.push(Entry::new(s("mac_only_encrypted"), Value::Bool(true)));
        }
        out.push(Entry::new(s("version"), s(&self.version)));
        Value::Map(out)
    }

    /// The metadata flattened to `key__list_0__map_field` keys, sorted, with
    /// newlines written as `\n` (dotenv and INI files).
    pub fn to_flat(&self) -> Vec<(String, String)> {
        let mut flat = BTreeMap::new();
        flatten_into(&mut flat, String::new(), &self.to_tree());
        flat.into_iter()
            .map(|(k, v)| (k, v.replace('\n', "\\n")))
            .collect()
    }
}

fn push_list(out: &mut Vec<Entry>, name: &str, items: Vec<Value>, omit_empty: bool) {
    if items.is_empty() && omit_empty {
        return;
    }
    out.push(Entry::new(Value::Str(name.into()), Value::Seq(items)));
}

fn age_list(g: &KeyGroup) -> Vec<Value> {
    g.age
        .iter()
        .map(|k| {
            Value::Map(vec![
                Entry::new(
                    Value::Str("recipient".into()),
                    Value::Str(k.recipient.clone()),
                ),
                Entry::new(Value::Str("enc".into()), Value::Str(k.enc.clone())),
            ])
        })
        .collect()
}

fn pgp_list(g: &KeyGroup) -> Vec<Value> {
    g.pgp
        .iter()
        .map(|k| {
            Value::Map(vec![
                Entry::new(
                    Value::Str("created_at".into()),
                    Value::Str(k.created_at.clone()),
                ),
                Entry::new(Value::Str("enc".into()), Value::Str(k.enc.clone())),
                Entry::new(Value::Str("fp".into()), Value::Str(k.fingerprint.clone())),
            ])
        })
        .collect()
}

fn foreign_list(g: &KeyGroup, kind: &str) -> Vec<Value> {
    g.foreign
        .iter()
        .filter(|k| k.kind == kind)
        .map(|k| Value::Map(k.fields.clone()))
        .collect()
}

fn flatten_into(flat: &mut BTreeMap<String, String>, prefix: String, v: &Value) {
    match v {
        Value::Map(entries) => {
            for e in entries {
                if let Some(k) = e.key.as_str() {
                    let key = if prefix.is_empty() {
                        k.to_string()
                    } else {
                        format!("{prefix}__map_{k}")
                    };
                    flatten_into(flat, key, &e.value);
                }
            }
        }
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten_into(flat, format!("{prefix}__list_{i}"), item);
            }
        }
        Value::Str(s) => {
            flat.insert(prefix, s.clone());
        }
        Value::Int(i) => {
            flat.insert(prefix, i.to_string());
        }
        Value::Bool(b) => {
            flat.insert(prefix, b.to_string());
        }
        _ => {}
    }
}

/// One step of a flattened key: a mapping key or a list position.
enum Step {
    Key(String),
    Index(usize),
}

fn tokenize(path: &str) -> Result<Vec<Step>> {
    let mut steps = Vec::new();
    let mut rest = path;
    let mut is_index = false;
    loop {
        let next_map = rest.find("__map_");
        let next_list = rest.find("__list_");
        let (end, skip, index_next) = match (next_map, next_list) {
            (Some(m), Some(l)) if l < m => (l, 7, true),
            (Some(m), _) => (m, 6, false),
            (None, Some(l)) => (l, 7, true),
            (None, None) => (rest.len(), 0, false),
        };
        let token = &rest[..end];
        steps.push(if is_index {
            Step::Index(
                token.parse().ok().filter(|i| *i < 4096).ok_or_else(|| {
                    Error::Metadata(format!("bad list index in metadata key {path}"))
                })?,
            )
        } else {
            Step::Key(token.to_string())
        });
        if skip == 0 {
            return Ok(steps);
        }
        rest = &rest[end + skip..];
        is_index = index_next;
    }
}

fn unflatten(items: &[(String, String)]) -> Result<Value> {
    let mut root = Value::Map(Vec::new());
    for (key, value) in items {
        let steps = tokenize(key)?;
        let mut node = &mut root;
        for (i, step) in steps.iter().enumerate() {
            let last = i + 1 == steps.len();
            let fresh = || match steps.get(i + 1) {
                Some(Step::Index(_)) => Value::Seq(Vec::new()),
                _ => Value::Map(Vec::new()),
            };
            node = match (step, node) {
                (Step::Key(k), Value::Map(entries)) => {
                    let pos = match entries.iter().position(|e| e.key.as_str() == Some(k)) {
                        Some(p) => p,
                        None => {
                            entries.push(Entry::new(Value::Str(k.clone()), fresh()));
                            entries.len() - 1
                        }
                    };
                    &mut entries[pos].value
                }
                (Step::Index(n), Value::Seq(list)) => {
                    while list.len() <= *n {
                        list.push(Value::Null);
                    }
                    if matches!(list[*n], Value::Null) && !last {
                        list[*n] = fresh();
                    }
                    &mut list[*n]
                }
                _ => {
                    return Err(Error::Metadata(format!(
                        "inconsistent flattened metadata key {key}"
                    )))
                }
            };
            if last {
                *node = Value::Str(value.replace("\\n", "\n"));
            }
        }
    }
    Ok(root)
}
