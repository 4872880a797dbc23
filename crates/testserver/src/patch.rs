//! The three non-apply patch types: JSON merge patch (RFC 7386), JSON patch
//! (RFC 6902) and strategic merge patch with merge keys from the schema.

use crate::schema::{Atom, Relationship, Schema};
use serde_json::{Map, Value};

#[derive(Debug, thiserror::Error)]
pub enum PatchError {
    #[error("{0}")]
    Invalid(String),
}

/// RFC 7386.
pub fn json_merge(target: &Value, patch: &Value) -> Value {
    match patch {
        Value::Object(p) => {
            let mut out = match target {
                Value::Object(t) => t.clone(),
                _ => Map::new(),
            };
            for (k, v) in p {
                if v.is_null() {
                    out.remove(k);
                } else {
                    let merged = json_merge(out.get(k).unwrap_or(&Value::Null), v);
                    out.insert(k.clone(), merged);
                }
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

fn pointer_parts(path: &str) -> Result<Vec<String>, PatchError> {
    if path.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = path.strip_prefix('/') else {
        return Err(PatchError::Invalid(format!("invalid JSON pointer {path:?}")));
    };
    Ok(rest.split('/').map(unescape).collect())
}

fn parent_mut<'a>(doc: &'a mut Value, parts: &[String]) -> Result<&'a mut Value, PatchError> {
    let mut cur = doc;
    for part in parts {
        cur = match cur {
            Value::Object(m) => m
                .get_mut(part)
                .ok_or_else(|| PatchError::Invalid(format!("doc is missing path: /{}", parts.join("/"))))?,
            Value::Array(a) => {
                let i: usize = part
                    .parse()
                    .map_err(|_| PatchError::Invalid(format!("invalid array index {part:?}")))?;
                a.get_mut(i)
                    .ok_or_else(|| PatchError::Invalid(format!("array index {i} out of bounds")))?
            }
            _ => return Err(PatchError::Invalid(format!("doc is missing path: /{}", parts.join("/")))),
        };
    }
    Ok(cur)
}

fn add(doc: &mut Value, path: &str, value: Value) -> Result<(), PatchError> {
    let parts = pointer_parts(path)?;
    let Some((last, parents)) = parts.split_last() else {
        *doc = value;
        return Ok(());
    };
    match parent_mut(doc, parents)? {
        Value::Object(m) => {
            m.insert(last.clone(), value);
            Ok(())
        }
        Value::Array(a) => {
            if last == "-" {
                a.push(value);
                return Ok(());
            }
            let i: usize = last
                .parse()
                .map_err(|_| PatchError::Invalid(format!("invalid array index {last:?}")))?;
            if i > a.len() {
                return Err(PatchError::Invalid(format!("array index {i} out of bounds")));
            }
            a.insert(i, value);
            Ok(())
        }
        _ => Err(PatchError::Invalid(format!("cannot add at {path}"))),
    }
}

fn remove(doc: &mut Value, path: &str) -> Result<Value, PatchError> {
    let parts = pointer_parts(path)?;
    let Some((last, parents)) = parts.split_last() else {
        return Err(PatchError::Invalid("cannot remove the whole document".into()));
    };
    match parent_mut(doc, parents)? {
        Value::Object(m) => m
            .remove(last)
            .ok_or_else(|| PatchError::Invalid(format!("unable to remove nonexistent key: {last}: missing value"))),
        Value::Array(a) => {
            let i: usize = last
                .parse()
                .map_err(|_| PatchError::Invalid(format!("invalid array index {last:?}")))?;
            if i >= a.len() {
                return Err(PatchError::Invalid(format!("array index {i} out of bounds")));
            }
            Ok(a.remove(i))
        }
        _ => Err(PatchError::Invalid(format!("cannot remove {path}"))),
    }
}

/// RFC 6902.
pub fn json_patch(target: &Value, ops: &Value) -> Result<Value, PatchError> {
    let Some(ops) = ops.as_array() else {
        return Err(PatchError::Invalid("json patch must be an array of operations".into()));
    };
    let mut doc = target.clone();
    for op in ops {
        let kind = op.get("op").and_then(Value::as_str).unwrap_or_default();
        let path = op.get("path").and_then(Value::as_str).unwrap_or_default();
        let value = || op.get("value").cloned().ok_or_else(|| PatchError::Invalid(format!("missing value for {kind}")));
        match kind {
            "add" => add(&mut doc, path, value()?)?,
            "remove" => {
                remove(&mut doc, path)?;
            }
            "replace" => {
                remove(&mut doc, path)?;
                add(&mut doc, path, value()?)?;
            }
            "move" | "copy" => {
                let from = op.get("from").and_then(Value::as_str).unwrap_or_default();
                let v = if kind == "move" {
                    remove(&mut doc, from)?
                } else {
                    doc.pointer(from)
                        .cloned()
                        .ok_or_else(|| PatchError::Invalid(format!("doc is missing from path: {from}")))?
                };
                add(&mut doc, path, v)?;
            }
            "test" => {
                if doc.pointer(path) != Some(&value()?) {
                    return Err(PatchError::Invalid(format!("testing value {path} failed")));
                }
            }
            other => return Err(PatchError::Invalid(format!("Unexpected kind: {other}"))),
        }
    }
    Ok(doc)
}

/// Strategic merge patch: maps merge, `null` deletes, lists with a merge key
/// merge by it, `$patch`, `$retainKeys`, `$setElementOrder` and
/// `$deleteFromPrimitiveList` directives are honoured.
pub fn strategic_merge(schema: &Schema, target: &Value, patch: &Value, ty: &Atom) -> Result<Value, PatchError> {
    match (target, patch) {
        (_, Value::Object(p)) => {
            if p.get("$patch").and_then(Value::as_str) == Some("replace") {
                let mut out = p.clone();
                out.remove("$patch");
                return Ok(Value::Object(out));
            }
            if p.get("$patch").and_then(Value::as_str) == Some("delete") {
                return Ok(Value::Null);
            }
            let mut out = match target {
                Value::Object(t) => t.clone(),
                _ => Map::new(),
            };
            for (k, v) in p {
                if let Some(field) = k.strip_prefix("$deleteFromPrimitiveList/") {
                    if let (Some(Value::Array(items)), Some(remove)) = (out.get_mut(field), v.as_array()) {
                        items.retain(|i| !remove.contains(i));
                    }
                    continue;
                }
                if k.starts_with('$') {
                    continue;
                }
                if v.is_null() {
                    out.remove(k);
                    continue;
                }
                let child_ty = crate::fieldset::child_type(schema, ty, k);
                let merged = match (out.get(k), v) {
                    (Some(cur), _) => strategic_merge(schema, cur, v, child_ty)?,
                    (None, Value::Object(_)) | (None, Value::Array(_)) => {
                        strategic_merge(schema, &Value::Null, v, child_ty)?
                    }
                    (None, _) => v.clone(),
                };
                out.insert(k.clone(), merged);
            }
            if let Some(Value::Array(keep)) = p.get("$retainKeys") {
                out.retain(|k, _| keep.iter().any(|r| r.as_str() == Some(k)));
            }
            for (k, order) in p {
                if let (Some(field), Some(order)) = (k.strip_prefix("$setElementOrder/"), order.as_array()) {
                    if let Some(Value::Array(items)) = out.get_mut(field) {
                        reorder(items, order, ty, schema, field);
                    }
                }
            }
            Ok(Value::Object(out))
        }
        (Value::Array(t), Value::Array(p)) => {
            let Some(lt) = ty.list.as_ref() else { return Ok(patch.clone()) };
            if lt.relationship == Relationship::Atomic {
                let mut items = p.clone();
                items.iter_mut().for_each(strip_directives);
                return Ok(Value::Array(items));
            }
            let elem = schema.resolve(&lt.element);
            match lt.keys.first() {
                Some(key) => {
                    let mut out = t.clone();
                    for item in p {
                        let directive = item.get("$patch").and_then(Value::as_str);
                        let kv = item.get(key);
                        let pos = out.iter().position(|o| o.get(key) == kv && kv.is_some());
                        match (directive, pos) {
                            (Some("delete"), Some(i)) => {
                                out.remove(i);
                            }
                            (Some("delete"), None) => {}
                            (_, Some(i)) => out[i] = strategic_merge(schema, &out[i], item, elem)?,
                            (_, None) => out.push(strategic_merge(schema, &Value::Null, item, elem)?),
                        }
                    }
                    Ok(Value::Array(out))
                }
                None => {
                    let mut out = t.clone();
                    for item in p {
                        if !out.contains(item) {
                            out.push(item.clone());
                        }
                    }
                    Ok(Value::Array(out))
                }
            }
        }
        (_, Value::Array(p)) => {
            let mut items = p.clone();
            items.retain(|i| i.get("$patch").and_then(Value::as_str) != Some("delete"));
            items.iter_mut().for_each(strip_directives);
            Ok(Value::Array(items))
        }
        _ => Ok(patch.clone()),
    }
}

fn reorder(items: &mut [Value], order: &[Value], ty: &Atom, schema: &Schema, field: &str) {
    let child = crate::fieldset::child_type(schema, ty, field);
    let key = child.list.as_ref().and_then(|l| l.keys.first().cloned());
    let ident = |v: &Value| -> Value {
        match &key {
            Some(k) => v.get(k).cloned().unwrap_or(Value::Null),
            None => v.clone(),
        }
    };
    let rank = |v: &Value| -> usize {
        let id = ident(v);
        order
            .iter()
            .position(|o| ident(o) == id || *o == id)
            .unwrap_or(usize::MAX)
    };
    items.sort_by_key(|v| rank(v));
}

fn strip_directives(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|k, _| !k.starts_with('$'));
            m.values_mut().for_each(strip_directives);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_directives),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod_spec() -> &'static Atom {
        Schema::builtin().get("io.k8s.api.core.v1.PodSpec").expect("PodSpec in the schema")
    }

    #[test]
    fn strategic_merge_honours_directives() {
        let schema = Schema::builtin();
        let live = json!({"containers": [{"name": "a", "image": "a:1"}, {"name": "b", "image": "b:1"}],
                          "nodeSelector": {"x": "1", "y": "2"}, "tolerations": [{"key": "k"}]});
        let patch = json!({
            "containers": [{"name": "a", "$patch": "delete"}, {"name": "c", "image": "c:1"}],
            "$setElementOrder/containers": [{"name": "c"}, {"name": "b"}],
            "nodeSelector": {"x": null},
            "tolerations": [{"key": "other"}],
        });
        let out = strategic_merge(schema, &live, &patch, pod_spec()).expect("patch applies");
        assert_eq!(out["containers"], json!([{"name": "c", "image": "c:1"}, {"name": "b", "image": "b:1"}]));
        assert_eq!(out["nodeSelector"], json!({"y": "2"}));
        assert_eq!(out["tolerations"], json!([{"key": "other"}]), "lists without a merge key are replaced");
    }

    #[test]
    fn strategic_merge_replaces_maps_on_request_and_deletes_from_primitive_lists() {
        let schema = Schema::builtin();
        let meta = schema.get("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta").expect("ObjectMeta");
        let live = json!({"labels": {"a": "1", "b": "2"}, "finalizers": ["x", "y"]});
        let patch = json!({"labels": {"$patch": "replace", "c": "3"}, "$deleteFromPrimitiveList/finalizers": ["x"]});
        let out = strategic_merge(schema, &live, &patch, meta).expect("patch applies");
        assert_eq!(out, json!({"labels": {"c": "3"}, "finalizers": ["y"]}));
    }

    #[test]
    fn json_patch_and_merge_patch_follow_their_rfcs() {
        let doc = json!({"a": {"b": 1, "c": [1, 2]}});
        let ops = json!([
            {"op": "add", "path": "/a/c/1", "value": 9},
            {"op": "remove", "path": "/a/b"},
            {"op": "copy", "from": "/a/c", "path": "/d"},
            {"op": "test", "path": "/d/0", "value": 1},
        ]);
        assert_eq!(json_patch(&doc, &ops).expect("applies"), json!({"a": {"c": [1, 9, 2]}, "d": [1, 9, 2]}));
        assert!(json_patch(&doc, &json!([{"op": "test", "path": "/a/b", "value": 2}])).is_err());
        assert_eq!(json_merge(&doc, &json!({"a": {"b": null, "e": 1}})), json!({"a": {"c": [1, 2], "e": 1}}));
    }
}
