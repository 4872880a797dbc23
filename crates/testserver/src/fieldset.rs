//! Field paths and field sets as structured-merge-diff has them: what a manager
//! owns, their `fieldsV1` encoding, and the paths an object sets under its schema.

use crate::schema::{Atom, ListType, Relationship, Schema};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// One step of a path.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PathElement {
    Field(String),
    /// An associative list item, by its key fields as compact JSON (sorted keys).
    Key(String),
    /// A set item, by its value as JSON.
    Value(String),
    Index(usize),
}

pub type Path = Vec<PathElement>;

/// A set of owned paths.
pub type FieldSet = BTreeSet<Path>;

/// How a set path stands: a leaf value compared whole, a container that only
/// exists (list items, undeclared map keys), or a path only a plain write
/// takes (an empty value, or a map of undeclared keys added as a whole).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Node {
    Leaf,
    Container,
    UpdateOnly,
}

/// Paths an object sets, each marked leaf or container.
pub type Walked = BTreeMap<Path, Node>;

/// The paths `value` sets under type `ty` (structured-merge-diff's ToFieldSet).
pub fn walk(schema: &Schema, value: &Value, ty: &Atom, path: &mut Path, out: &mut Walked) {
    match value {
        Value::Object(m) if ty.map.is_some() => {
            let Some(mt) = ty.map.as_ref() else { return };
            if mt.relationship == Relationship::Atomic {
                out.insert(path.clone(), Node::Leaf);
                return;
            }
            for (k, child) in m {
                let (child_ty, declared) = match mt.field(k) {
                    Some(f) => (schema.resolve(&f.ty), true),
                    None => match &mt.element {
                        Some(e) => (schema.resolve(e), false),
                        None => (schema.deduced(), false),
                    },
                };
                path.push(PathElement::Field(k.clone()));
                walk(schema, child, child_ty, path, out);
                if !declared {
                    out.entry(path.clone()).or_insert(Node::Container);
                } else if is_empty(child) || (child.is_object() && is_open_map(child_ty)) {
                    out.entry(path.clone()).or_insert(Node::UpdateOnly);
                }
                path.pop();
            }
        }
        Value::Array(items) if ty.list.is_some() => {
            let Some(lt) = ty.list.as_ref() else { return };
            if lt.relationship == Relationship::Atomic {
                out.insert(path.clone(), Node::Leaf);
                return;
            }
            let elem = schema.resolve(&lt.element);
            for (i, item) in items.iter().enumerate() {
                path.push(element_of(schema, lt, item, i));
                walk(schema, item, elem, path, out);
                out.entry(path.clone()).or_insert(Node::Container);
                path.pop();
            }
        }
        _ => {
            out.insert(path.clone(), Node::Leaf);
        }
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// A granular map whose keys are not declared fields (labels, data, untyped objects).
fn is_open_map(ty: &Atom) -> bool {
    ty.map
        .as_ref()
        .is_some_and(|m| m.relationship == Relationship::Granular && m.fields.is_empty() && m.element.is_some())
}

/// The path element naming `item` inside a granular list.
pub fn element_of(schema: &Schema, lt: &ListType, item: &Value, index: usize) -> PathElement {
    match item {
        Value::Object(m) if !lt.keys.is_empty() => {
            let elem = schema.resolve(&lt.element);
            let mut key = Map::new();
            for k in &lt.keys {
                let v = m.get(k).cloned().or_else(|| {
                    elem.map.as_ref().and_then(|mt| mt.field(k)).and_then(|f| f.default.clone())
                });
                if let Some(v) = v {
                    key.insert(k.clone(), v);
                }
            }
            PathElement::Key(Value::Object(key).to_string())
        }
        Value::Object(_) | Value::Array(_) => PathElement::Index(index),
        scalar => PathElement::Value(scalar.to_string()),
    }
}

/// The value at `path`, if the object has it.
pub fn get_at<'a>(schema: &Schema, root: &'a Value, ty: &Atom, path: &[PathElement]) -> Option<&'a Value> {
    let mut cur = root;
    let mut cur_ty = ty;
    for pe in path {
        match pe {
            PathElement::Field(name) => {
                let m = cur.as_object()?;
                cur = m.get(name)?;
                cur_ty = child_type(schema, cur_ty, name);
            }
            _ => {
                let items = cur.as_array()?;
                let lt = cur_ty.list.as_ref()?;
                let (i, _) = items
                    .iter()
                    .enumerate()
                    .find(|(i, item)| &element_of(schema, lt, item, *i) == pe)?;
                cur = &items[i];
                cur_ty = schema.resolve(&lt.element);
            }
        }
    }
    Some(cur)
}

/// Removes the value at `path`; returns whether something was removed.
pub fn remove_at(schema: &Schema, root: &mut Value, ty: &Atom, path: &[PathElement]) -> bool {
    let Some((last, parents)) = path.split_last() else { return false };
    let mut cur = root;
    let mut cur_ty = ty;
    for pe in parents {
        match pe {
            PathElement::Field(name) => {
                let next_ty = child_type(schema, cur_ty, name);
                let Some(next) = cur.as_object_mut().and_then(|m| m.get_mut(name)) else { return false };
                cur = next;
                cur_ty = next_ty;
            }
            _ => {
                let Some(lt) = cur_ty.list.as_ref() else { return false };
                let Some(items) = cur.as_array() else { return false };
                let Some(i) = items.iter().enumerate().position(|(i, item)| &element_of(schema, lt, item, i) == pe) else {
                    return false;
                };
                cur_ty = schema.resolve(&lt.element);
                let Some(next) = cur.as_array_mut().and_then(|a| a.get_mut(i)) else { return false };
                cur = next;
            }
        }
    }
    match last {
        PathElement::Field(name) => cur.as_object_mut().is_some_and(|m| m.remove(name).is_some()),
        pe => {
            let Some(lt) = cur_ty.list.as_ref() else { return false };
            let Some(items) = cur.as_array() else { return false };
            match items.iter().enumerate().position(|(i, item)| &element_of(schema, lt, item, i) == pe) {
                Some(i) => cur.as_array_mut().map(|a| a.remove(i)).is_some(),
                None => false,
            }
        }
    }
}

/// The type of field `name` inside a map type.
pub fn child_type<'a>(schema: &'a Schema, ty: &'a Atom, name: &str) -> &'a Atom {
    match ty.map.as_ref() {
        Some(mt) => match mt.field(name) {
            Some(f) => schema.resolve(&f.ty),
            None => match &mt.element {
                Some(e) => schema.resolve(e),
                None => schema.deduced(),
            },
        },
        None => schema.deduced(),
    }
}

/// Encodes a field set as `fieldsV1`.
pub fn to_fields_v1(set: &FieldSet) -> Value {
    #[derive(Default)]
    struct Tree {
        member: bool,
        children: BTreeMap<String, Tree>,
    }
    fn render(t: &Tree) -> Value {
        let mut m = Map::new();
        if t.member && !t.children.is_empty() {
            m.insert(".".into(), Value::Object(Map::new()));
        }
        for (k, c) in &t.children {
            m.insert(k.clone(), render(c));
        }
        Value::Object(m)
    }
    let mut root = Tree::default();
    for path in set {
        let mut cur = &mut root;
        for pe in path {
            cur = cur.children.entry(element_key(pe)).or_default();
        }
        cur.member = true;
    }
    render(&root)
}

fn element_key(pe: &PathElement) -> String {
    match pe {
        PathElement::Field(f) => format!("f:{f}"),
        PathElement::Key(k) => format!("k:{k}"),
        PathElement::Value(v) => format!("v:{v}"),
        PathElement::Index(i) => format!("i:{i}"),
    }
}

/// Decodes `fieldsV1` into a field set.
pub fn from_fields_v1(v: &Value) -> FieldSet {
    let mut set = FieldSet::new();
    let mut path = Path::new();
    decode_into(v, &mut path, &mut set);
    set
}

fn decode_into(v: &Value, path: &mut Path, set: &mut FieldSet) {
    let Some(m) = v.as_object() else { return };
    if m.is_empty() && !path.is_empty() {
        set.insert(path.clone());
        return;
    }
    for (k, child) in m {
        if k == "." {
            set.insert(path.clone());
            continue;
        }
        let pe = if let Some(f) = k.strip_prefix("f:") {
            PathElement::Field(f.to_string())
        } else if let Some(j) = k.strip_prefix("k:") {
            PathElement::Key(normalize_json(j))
        } else if let Some(j) = k.strip_prefix("v:") {
            PathElement::Value(normalize_json(j))
        } else if let Some(i) = k.strip_prefix("i:") {
            match i.parse() {
                Ok(i) => PathElement::Index(i),
                Err(_) => continue,
            }
        } else {
            continue;
        };
        path.push(pe);
        decode_into(child, path, set);
        path.pop();
    }
}

fn normalize_json(text: &str) -> String {
    serde_json::from_str::<Value>(text)
        .map(|v| v.to_string())
        .unwrap_or_else(|_| text.to_string())
}

/// A path as structured-merge-diff prints it: `.spec.containers[name="app"].image`.
pub fn path_string(path: &[PathElement]) -> String {
    let mut out = String::new();
    for pe in path {
        match pe {
            PathElement::Field(f) => {
                out.push('.');
                out.push_str(f);
            }
            PathElement::Key(k) => {
                let parsed: Map<String, Value> = serde_json::from_str(k).unwrap_or_default();
                let parts: Vec<String> = parsed.iter().map(|(k, v)| format!("{k}={v}")).collect();
                out.push('[');
                out.push_str(&parts.join(","));
                out.push(']');
            }
            PathElement::Value(v) => {
                out.push_str("[=");
                out.push_str(v);
                out.push(']');
            }
            PathElement::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}
