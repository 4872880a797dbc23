//! Server-side apply: merging an applied configuration into the live object by
//! its schema, conflicts between field managers, `force`, and pruning fields a
//! manager stopped applying.

use crate::fieldset::{element_of, path_string, remove_at, FieldSet, Path, PathElement};
use crate::managed::{applied_set, changed_paths, owned_part, read, walked, write, Entry, Operation};
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
    let applied_set: FieldSet = applied_set(&applied_walk);

    let mut merged = merge(schema, live, &applied_owned, ty);
    let merged_owned = owned_part(&merged, req.subresource, req.has_status);
    let changed: FieldSet = changed_paths(schema, ty, &live_owned, &merged_owned, &applied_walk)
        .into_iter()
        .filter(|p| applied_set.contains(p))
        .collect();

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
    // structured-merge-diff removes the whole previous set, then adds back
    // whatever someone still owns: a dropped path with owned fields beneath it stays.
    for p in dropped {
        let still_owned_beneath = others.iter().chain(applied_set.iter()).any(|o| o.len() > p.len() && o.starts_with(p));
        if !still_owned_beneath {
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
            Value::Array(merge_list(schema, lt, elem, l, a))
        }
        _ => applied.clone(),
    }
}

/// Merges a granular list as structured-merge-diff orders it: live-only items
/// keep their place, shared items follow the applied order, applied-only items
/// go where the applied list puts them.
fn merge_list(schema: &Schema, lt: &crate::schema::ListType, elem: &Atom, live: &[Value], applied: &[Value]) -> Vec<Value> {
    fn index<'v>(schema: &Schema, lt: &crate::schema::ListType, items: &'v [Value]) -> (Vec<PathElement>, Vec<&'v Value>) {
        let mut keys: Vec<PathElement> = Vec::new();
        let mut values: Vec<&Value> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let k = element_of(schema, lt, item, i);
            if !keys.contains(&k) {
                keys.push(k);
                values.push(item);
            }
        }
        (keys, values)
    }
    let (lkeys, lvals) = index(schema, lt, live);
    let (rkeys, rvals) = index(schema, lt, applied);
    let lget = |k: &PathElement| lkeys.iter().position(|x| x == k).map(|i| lvals[i]);
    let rget = |k: &PathElement| rkeys.iter().position(|x| x == k).map(|i| rvals[i]);
    let mut shared: std::collections::VecDeque<&PathElement> = rkeys.iter().filter(|k| lget(k).is_some()).collect();
    let mut next_shared = shared.pop_front();
    let merged_item = |k: &PathElement| match (lget(k), rget(k)) {
        (Some(l), Some(r)) => merge(schema, l, r, elem),
        (Some(l), None) => l.clone(),
        (None, Some(r)) => r.clone(),
        (None, None) => Value::Null,
    };
    let mut out = Vec::new();
    let (mut li, mut ri) = (0, 0);
    while li < lkeys.len() || ri < rkeys.len() {
        if li < lkeys.len() && ri < rkeys.len() {
            let pe = &lkeys[li];
            if *pe == rkeys[ri] {
                out.push(merged_item(pe));
                li += 1;
                ri += 1;
                next_shared = shared.pop_front();
                continue;
            }
            if rget(pe).is_some() && next_shared.is_some_and(|n| n != pe) {
                li += 1;
                continue;
            }
        }
        if li < lkeys.len() && rget(&lkeys[li]).is_none() {
            out.push(merged_item(&lkeys[li]));
            li += 1;
            continue;
        }
        if ri < rkeys.len() {
            let pe = &rkeys[ri];
            out.push(merged_item(pe));
            ri += 1;
            if next_shared == Some(pe) {
                next_shared = shared.pop_front();
            }
        } else {
            li += 1;
        }
    }
    out
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


#[cfg(test)]
mod tests {
    use super::*;
    use crate::managed::record_update;
    use serde_json::json;

    fn deployment_type() -> &'static Atom {
        let schema = Schema::builtin();
        schema.get("io.k8s.api.apps.v1.Deployment").expect("Deployment in the schema")
    }

    fn request<'a>(manager: &'a str, force: bool) -> ApplyRequest<'a> {
        ApplyRequest { manager, api_version: "apps/v1", subresource: "", has_status: true, force, now: "2026-01-01T00:00:00Z" }
    }

    fn containers(names: &[&str]) -> Value {
        let cs: Vec<Value> = names.iter().map(|n| json!({"name": n, "image": format!("{n}:1")})).collect();
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
               "spec": {"template": {"spec": {"containers": cs}}}})
    }

    #[test]
    fn associative_lists_merge_in_structured_merge_diff_order() {
        let schema = Schema::builtin();
        let live = containers(&["a", "b", "c"]);
        let applied = containers(&["c", "x", "a"]);
        let merged = merge(schema, &live, &applied, deployment_type());
        let names: Vec<&str> = merged["spec"]["template"]["spec"]["containers"]
            .as_array()
            .expect("list")
            .iter()
            .filter_map(|c| c["name"].as_str())
            .collect();
        assert_eq!(names, ["b", "c", "x", "a"]);
    }

    #[test]
    fn apply_owns_leaves_and_list_items_without_struct_markers() {
        let schema = Schema::builtin();
        let applied = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d", "labels": {"app": "d"}},
            "spec": {"replicas": 1, "template": {"spec": {"containers": [{"name": "a", "image": "a:1", "ports": [{"containerPort": 80}]}]}}}});
        let obj = apply(schema, deployment_type(), &empty_like(&applied), &applied, &request("m", false)).expect("no conflict");
        let fields = &obj["metadata"]["managedFields"][0]["fieldsV1"];
        assert_eq!(
            fields,
            &json!({"f:metadata": {"f:labels": {"f:app": {}}},
                    "f:spec": {"f:replicas": {}, "f:template": {"f:spec": {"f:containers": {"k:{\"name\":\"a\"}": {
                        ".": {}, "f:image": {}, "f:name": {},
                        "f:ports": {"k:{\"containerPort\":80,\"protocol\":\"TCP\"}": {".": {}, "f:containerPort": {}}}}}}}}})
        );
    }

    #[test]
    fn plain_writes_own_added_maps_with_a_dot() {
        let schema = Schema::builtin();
        let cm = schema.get("io.k8s.api.core.v1.ConfigMap").expect("ConfigMap");
        let mut obj = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "labels": {"x": "1"}}, "data": {"a": "1"}});
        record_update(schema, cm, None, &mut obj, "kubectl-create", "v1", "", false, "2026-01-01T00:00:00Z");
        assert_eq!(
            obj["metadata"]["managedFields"][0]["fieldsV1"],
            json!({"f:data": {".": {}, "f:a": {}}, "f:metadata": {"f:labels": {".": {}, "f:x": {}}}})
        );
    }

    #[test]
    fn a_dropped_map_marker_keeps_the_fields_still_applied() {
        let schema = Schema::builtin();
        let cm = schema.get("io.k8s.api.core.v1.ConfigMap").expect("ConfigMap");
        let live = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "managedFields": [
            {"manager": "m", "operation": "Apply", "apiVersion": "v1", "time": "2026-01-01T00:00:00Z", "fieldsType": "FieldsV1",
             "fieldsV1": {"f:data": {".": {}, "f:a": {}, "f:b": {}}}}]}, "data": {"a": "1", "b": "2"}});
        let applied = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1"}});
        let req = ApplyRequest { manager: "m", api_version: "v1", subresource: "", has_status: false, force: false, now: "2026-01-01T00:00:01Z" };
        let out = apply(schema, cm, &live, &applied, &req).expect("no conflict");
        assert_eq!(out["data"], json!({"a": "1"}));
    }

    #[test]
    fn conflicts_name_the_other_manager_and_force_takes_over() {
        let schema = Schema::builtin();
        let ty = deployment_type();
        let first = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "spec": {"replicas": 1}});
        let live = apply(schema, ty, &empty_like(&first), &first, &request("one", false)).expect("created");
        let second = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "spec": {"replicas": 2}});
        let conflicts = apply(schema, ty, &live, &second, &request("two", false)).expect_err("conflict");
        assert_eq!(conflict_message(&conflicts), "Apply failed with 1 conflict: conflict with \"one\": .spec.replicas");
        let forced = apply(schema, ty, &live, &second, &request("two", true)).expect("forced");
        assert_eq!(forced["spec"]["replicas"], 2);
        let managers: Vec<&str> = forced["metadata"]["managedFields"]
            .as_array()
            .expect("entries")
            .iter()
            .filter_map(|e| e["manager"].as_str())
            .collect();
        assert_eq!(managers, ["two"], "the forced-out manager owned nothing else");
    }

    #[test]
    fn fields_a_manager_stops_applying_are_removed_unless_shared() {
        let schema = Schema::builtin();
        let ty = deployment_type();
        let both = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d", "labels": {"a": "1", "b": "2"}}});
        let live = apply(schema, ty, &empty_like(&both), &both, &request("one", false)).expect("created");
        let shared_b = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d", "labels": {"b": "2"}}});
        let live = apply(schema, ty, &live, &shared_b, &request("two", false)).expect("co-owned");
        let none = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}});
        let after = apply(schema, ty, &live, &none, &request("one", false)).expect("applied");
        assert_eq!(after["metadata"]["labels"], json!({"b": "2"}));
    }
}
