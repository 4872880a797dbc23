//! `metadata.managedFields`: the entries of each field manager, how a plain write
//! (create, update, non-apply patch) moves ownership, and how entries are stored.

use crate::fieldset::{self, get_at, walk, FieldSet, Node, Path, Walked};
use crate::schema::{Atom, Schema};
use serde_json::{json, Map, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Operation {
    Apply,
    Update,
}

/// One manager's ownership.
#[derive(Clone, Debug)]
pub struct Entry {
    pub manager: String,
    pub operation: Operation,
    pub api_version: String,
    pub time: String,
    pub subresource: String,
    pub set: FieldSet,
}

impl Entry {
    pub fn same_identity(&self, manager: &str, operation: Operation, subresource: &str) -> bool {
        self.manager == manager && self.operation == operation && self.subresource == subresource
    }

    /// The manager as the apiserver names it in conflict messages.
    pub fn printed(&self) -> String {
        let mut out = format!("{:?}", self.manager);
        if !self.subresource.is_empty() {
            out.push_str(&format!(" with subresource {:?}", self.subresource));
        }
        if self.operation == Operation::Update {
            out.push_str(&format!(" using {}", self.api_version));
        }
        out
    }
}

/// The entries stored in an object.
pub fn read(obj: &Value) -> Vec<Entry> {
    let Some(list) = obj.pointer("/metadata/managedFields").and_then(Value::as_array) else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|e| {
            Some(Entry {
                manager: e.get("manager").and_then(Value::as_str).unwrap_or_default().to_string(),
                operation: match e.get("operation")?.as_str()? {
                    "Apply" => Operation::Apply,
                    _ => Operation::Update,
                },
                api_version: e.get("apiVersion").and_then(Value::as_str).unwrap_or_default().to_string(),
                time: e.get("time").and_then(Value::as_str).unwrap_or_default().to_string(),
                subresource: e.get("subresource").and_then(Value::as_str).unwrap_or_default().to_string(),
                set: e.get("fieldsV1").map(fieldset::from_fields_v1).unwrap_or_default(),
            })
        })
        .collect()
}

/// Stores entries in an object, dropping empty ones, in the apiserver's order.
pub fn write(obj: &mut Value, entries: &[Entry]) {
    let mut kept: Vec<&Entry> = entries.iter().filter(|e| !e.set.is_empty()).collect();
    kept.sort_by(|a, b| {
        a.operation
            .cmp(&b.operation)
            .then(a.time.cmp(&b.time))
            .then(a.manager.cmp(&b.manager))
            .then(a.api_version.cmp(&b.api_version))
            .then(a.subresource.cmp(&b.subresource))
    });
    let encoded: Vec<Value> = kept
        .iter()
        .map(|e| {
            let mut m = Map::new();
            m.insert("manager".into(), json!(e.manager));
            m.insert(
                "operation".into(),
                json!(match e.operation {
                    Operation::Apply => "Apply",
                    Operation::Update => "Update",
                }),
            );
            m.insert("apiVersion".into(), json!(e.api_version));
            m.insert("time".into(), json!(e.time));
            m.insert("fieldsType".into(), json!("FieldsV1"));
            m.insert("fieldsV1".into(), fieldset::to_fields_v1(&e.set));
            if !e.subresource.is_empty() {
                m.insert("subresource".into(), json!(e.subresource));
            }
            Value::Object(m)
        })
        .collect();
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        if encoded.is_empty() {
            meta.remove("managedFields");
        } else {
            meta.insert("managedFields".into(), Value::Array(encoded));
        }
    }
}

/// The part of an object whose fields are owned: no identity or system metadata,
/// and only `status` for the status subresource (no `status` otherwise).
pub fn owned_part(obj: &Value, subresource: &str, has_status: bool) -> Value {
    let mut out = obj.clone();
    let Some(m) = out.as_object_mut() else { return out };
    if subresource == "status" {
        m.retain(|k, _| k == "status");
        return out;
    }
    m.remove("apiVersion");
    m.remove("kind");
    if has_status {
        m.remove("status");
    }
    if let Some(meta) = m.get_mut("metadata").and_then(Value::as_object_mut) {
        for k in [
            "name",
            "namespace",
            "uid",
            "resourceVersion",
            "generation",
            "creationTimestamp",
            "managedFields",
            "selfLink",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
        ] {
            meta.remove(k);
        }
        if meta.is_empty() {
            m.remove("metadata");
        }
    }
    out
}

/// The paths an object sets.
pub fn walked(schema: &Schema, ty: &Atom, owned: &Value) -> Walked {
    let mut out = Walked::new();
    walk(schema, owned, ty, &mut Path::new(), &mut out);
    out
}

/// Paths of `new` that `old` lacks or holds with another value.
pub fn changed_paths(schema: &Schema, ty: &Atom, old: &Value, new: &Value, new_walk: &Walked) -> FieldSet {
    new_walk
        .iter()
        .filter(|(p, node)| {
            let Some(ov) = get_at(schema, old, ty, p) else { return true };
            let nv = get_at(schema, new, ty, p);
            match node {
                Node::Container => false,
                Node::Leaf => Some(ov) != nv,
                Node::UpdateOnly => nv.is_none_or(is_empty_value) && Some(ov) != nv,
            }
        })
        .map(|(p, _)| p.clone())
        .collect()
}

fn is_empty_value(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// The paths an applied configuration sets (structured-merge-diff's ToFieldSet).
pub fn applied_set(walk: &Walked) -> FieldSet {
    walk.iter().filter(|(_, n)| **n != Node::UpdateOnly).map(|(p, _)| p.clone()).collect()
}

/// Ownership after a plain write from `manager`: it takes the fields it changed
/// (from everyone), and removed fields leave every set.
#[allow(clippy::too_many_arguments)]
pub fn record_update(
    schema: &Schema,
    ty: &Atom,
    old: Option<&Value>,
    new: &mut Value,
    manager: &str,
    api_version: &str,
    subresource: &str,
    has_status: bool,
    now: &str,
) {
    let mut entries = old.map(read).unwrap_or_default();
    let empty = Value::Object(Map::new());
    let old_owned = old.map(|o| owned_part(o, subresource, has_status)).unwrap_or_else(|| empty.clone());
    let new_owned = owned_part(new, subresource, has_status);
    let new_walk = walked(schema, ty, &new_owned);
    let old_walk = walked(schema, ty, &old_owned);
    let changed = changed_paths(schema, ty, &old_owned, &new_owned, &new_walk);
    let removed: FieldSet = old_walk.keys().filter(|p| !new_walk.contains_key(*p)).cloned().collect();
    let changed: FieldSet = changed.into_iter().collect();
    for e in entries.iter_mut() {
        if !e.same_identity(manager, Operation::Update, subresource) {
            e.set.retain(|p| !changed.contains(p) && !removed.contains(p));
        }
    }
    match entries
        .iter_mut()
        .find(|e| e.same_identity(manager, Operation::Update, subresource))
    {
        Some(e) => {
            let before = e.set.clone();
            e.set.extend(changed.iter().cloned());
            e.set.retain(|p| !removed.contains(p));
            if e.set != before {
                e.time = now.to_string();
                e.api_version = api_version.to_string();
            }
        }
        None => entries.push(Entry {
            manager: manager.to_string(),
            operation: Operation::Update,
            api_version: api_version.to_string(),
            time: now.to_string(),
            subresource: subresource.to_string(),
            set: changed,
        }),
    }
    write(new, &entries);
}
