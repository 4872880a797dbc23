//! Server-side apply: merging an applied configuration into the live object by
//! its schema, conflicts between field managers, `force`, and pruning fields a
//! manager stopped applying.

use crate::fieldset::{element_of, path_string, remove_at, FieldSet, Path};
use crate::managed::{changed_paths, owned_part, read, walked, write, Entry, Operation};
use crate::schema::{Atom, Relationship, Schema};
use serde_json::{Map, Value};

/// A field another manager owns that the apply would change.
#[derive(Clone, Debug)]
pub struct Conflict {
    pub manager: String,
    pub path: Path,
}

/// What an apply is asked to do.
pub struct ApplyRequest<'a> {
    pub manager: &'a str,
    pub api_version: &'a str,
    pub subresource: &'a str,
    pub has_status: bool,
    pub force: bool,
    pub now: &'a str,
}

/// Merges `applied` into `live` (absent: creation), returning the new object with
/// its managed fields, or the conflicts.
pub fn apply(
    schema: &Schema,
    ty: &Atom,
    live: &Value,
    applied: &Value,
    req: &ApplyRequest<'_>,
) -> Result<Value, Vec<Conflict>> {
    let mut entries = read(live);
    let applied_owned = owned_part(applied, req.subresource, req.has_status);
    let live_owned = owned_part(live, req.subresource, req.has_status);
    let applied_walk = walked(schema, ty, &applied_owned);
    let applied_set: FieldSet = applied_walk.keys().cloned().collect();

    let mut merged = merge(schema, live, &applied_owned, ty);
    let merged_owned = owned_part(&merged, req.subresource, req.has_status);
    let changed = changed_paths(schema, ty, &live_owned, &merged_owned, &applied_walk);

    let mut conflicts = Vec::new();
    for e in &entries {
        if e.same_identity(req.manager, Operation::Apply, req.subresource) {
            continue;
        }
        for p in e.set.intersection(&changed) {
            conflicts.push(Conflict { manager: e.printed(), path: p.clone() });
        }
    }
    if !conflicts.is_empty() {
        if !req.force {
            return Err(conflicts);
        }
        for e in entries.iter_mut() {
            if !e.same_identity(req.manager, Operation::Apply, req.subresource) {
                e.set.retain(|p| !changed.contains(p));
            }
        }
    }

    let previous: FieldSet = entries
        .iter()
        .find(|e| e.same_identity(req.manager, Operation::Apply, req.subresource))
        .map(|e| e.set.clone())
        .unwrap_or_default();
    let others: FieldSet = entries
        .iter()
        .filter(|e| !e.same_identity(req.manager, Operation::Apply, req.subresource))
        .flat_map(|e| e.set.iter().cloned())
        .collect();
    let mut dropped: Vec<&Path> = previous
        .iter()
        .filter(|p| !applied_set.contains(*p) && !others.contains(*p))
        .collect();
    dropped.sort_by_key(|p| std::cmp::Reverse(p.len()));
    for p in dropped {
        if !others.iter().any(|o| o.starts_with(p)) {
            remove_at(schema, &mut merged, ty, p);
        }
    }
    drop_empty_metadata_maps(&mut merged);

    match entries
        .iter_mut()
        .find(|e| e.same_identity(req.manager, Operation::Apply, req.subresource))
    {
        Some(e) => {
            if e.set != applied_set {
                e.time = req.now.to_string();
            }
            e.set = applied_set;
            e.api_version = req.api_version.to_string();
        }
        None => entries.push(Entry {
            manager: req.manager.to_string(),
            operation: Operation::Apply,
            api_version: req.api_version.to_string(),
            time: req.now.to_string(),
            subresource: req.subresource.to_string(),
            set: applied_set,
        }),
    }
    write(&mut merged, &entries);
    Ok(merged)
}

fn drop_empty_metadata_maps(obj: &mut Value) {
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        for k in ["labels", "annotations"] {
            if meta.get(k).and_then(Value::as_object).is_some_and(|m| m.is_empty()) {
                meta.remove(k);
            }
        }
    }
}

/// The message the apiserver gives for apply conflicts.
pub fn conflict_message(conflicts: &[Conflict]) -> String {
    if let [only] = conflicts {
        return format!(
            "Apply failed with 1 conflict: conflict with {}: {}",
            only.manager,
            path_string(&only.path)
        );
    }
    let mut managers: Vec<&str> = conflicts.iter().map(|c| c.manager.as_str()).collect();
    managers.sort();
    managers.dedup();
    let mut lines = Vec::new();
    for m in managers {
        lines.push(format!("conflicts with {m}:"));
        for c in conflicts.iter().filter(|c| c.manager == m) {
            lines.push(format!("- {}", path_string(&c.path)));
        }
    }
    format!("Apply failed with {} conflicts: {}", conflicts.len(), lines.join("\n"))
}

/// Merges `applied` over `live`: granular maps key by key, associative lists item
/// by item (live order, new items appended), everything else replaced.
pub fn merge(schema: &Schema, live: &Value, applied: &Value, ty: &Atom) -> Value {
    match (live, applied) {
        (Value::Object(l), Value::Object(a)) => {
            let Some(mt) = ty.map.as_ref() else { return applied.clone() };
            if mt.relationship == Relationship::Atomic {
                return applied.clone();
            }
            let mut out = l.clone();
            for (k, av) in a {
                if av.is_null() {
                    out.remove(k);
                    continue;
                }
                let child_ty = crate::fieldset::child_type(schema, ty, k);
                let merged = match l.get(k) {
                    Some(lv) => merge(schema, lv, av, child_ty),
                    None => av.clone(),
                };
                out.insert(k.clone(), merged);
            }
            Value::Object(out)
        }
        (Value::Array(l), Value::Array(a)) => {
            let Some(lt) = ty.list.as_ref() else { return applied.clone() };
            if lt.relationship == Relationship::Atomic {
                return applied.clone();
            }
            let elem = schema.resolve(&lt.element);
            let applied_keys: Vec<_> = a.iter().enumerate().map(|(i, v)| element_of(schema, lt, v, i)).collect();
            let mut out = Vec::new();
            let mut used = vec![false; a.len()];
            for (i, lv) in l.iter().enumerate() {
                let key = element_of(schema, lt, lv, i);
                match applied_keys.iter().position(|k| *k == key) {
                    Some(j) => {
                        used[j] = true;
                        out.push(merge(schema, lv, &a[j], elem));
                    }
                    None => out.push(lv.clone()),
                }
            }
            for (j, av) in a.iter().enumerate() {
                if !used[j] {
                    out.push(av.clone());
                }
            }
            Value::Array(out)
        }
        _ => applied.clone(),
    }
}

/// An empty object of the applied kind, for applies that create.
pub fn empty_like(applied: &Value) -> Value {
    let mut m = Map::new();
    for k in ["apiVersion", "kind"] {
        if let Some(v) = applied.get(k) {
            m.insert(k.into(), v.clone());
        }
    }
    m.insert("metadata".into(), Value::Object(Map::new()));
    Value::Object(m)
}

