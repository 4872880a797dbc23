//! Deletes: preconditions, finalizers, propagation and garbage collection of
//! dependents, namespaces taking their contents, CRDs taking their objects.

use crate::clock;
use crate::api::{meta_mut, meta_str, Api, Target};
use crate::request::{Reply, RequestInfo};
use crate::resources::Resource;
use crate::status::ApiError;
use crate::store::{ObjectKey, Objects};
use serde_json::{json, Value};
use std::sync::Arc;

impl Api {
    pub(crate) fn delete(self: &Arc<Self>, req: &RequestInfo, t: &Target) -> Result<Reply, ApiError> {
        let opts = req.delete_options();
        let name = t.name.clone().unwrap_or_default();
        let key = Self::key(&t.resource, t.namespace.as_deref().unwrap_or_default(), &name);
        let mut objects = self.lock()?;
        let old = objects
            .get(&key)
            .cloned()
            .ok_or_else(|| ApiError::not_found(&t.resource, &name))?;
        if let Some(uid) = opts.pointer("/preconditions/uid").and_then(Value::as_str) {
            if uid != meta_str(&old, "uid") {
                return Err(ApiError::new(409, "Conflict", format!(
                    "Precondition failed: UID in precondition: {uid}, UID in object meta: {}", meta_str(&old, "uid"))));
            }
        }
        if let Some(rv) = opts.pointer("/preconditions/resourceVersion").and_then(Value::as_str) {
            if rv != meta_str(&old, "resourceVersion") {
                return Err(ApiError::new(409, "Conflict", format!(
                    "Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {}", meta_str(&old, "resourceVersion"))));
            }
        }
        let policy = opts
            .get("propagationPolicy")
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| req.query("propagationPolicy").map(str::to_string))
            .unwrap_or_else(|| "Background".to_string());
        let dry = req.dry_run() || opts.get("dryRun").and_then(Value::as_array).is_some_and(|a| !a.is_empty());
        if dry {
            return Ok(Reply::json(200, old));
        }
        let out = self.delete_locked(&mut objects, &t.resource, &key, &policy);
        drop(objects);
        self.refresh_crds();
        Ok(Reply::json(200, out.unwrap_or(old)))
    }

    /// Deletes one object: finalizers hold it (with a deletionTimestamp),
    /// namespaces take their contents along, dependents are collected.
    pub(crate) fn delete_locked(&self, objects: &mut Objects, res: &Resource, key: &ObjectKey, policy: &str) -> Option<Value> {
        let mut old = objects.get(key)?.clone();
        let now = clock::now();
        let has_finalizers = old
            .pointer("/metadata/finalizers")
            .and_then(Value::as_array)
            .is_some_and(|f| !f.is_empty());
        if res.kind == "Namespace" && res.group.is_empty() {
            for k in objects.keys_in_namespace(&key.name) {
                objects.remove(&self.events, &k);
            }
            meta_mut(&mut old).insert("deletionTimestamp".into(), json!(now));
            old["status"] = json!({"phase": "Terminating"});
            objects.put(&self.events, key.clone(), old);
            return objects.remove(&self.events, key);
        }
        if res.is_crd() {
            let group = old.pointer("/spec/group").and_then(Value::as_str).unwrap_or_default();
            let plural = old.pointer("/spec/names/plural").and_then(Value::as_str).unwrap_or_default();
            let storage = format!("{group}/{plural}");
            let keys: Vec<ObjectKey> = objects
                .list(&storage, None)
                .iter()
                .map(|o| ObjectKey {
                    storage_key: storage.clone(),
                    namespace: meta_str(o, "namespace").to_string(),
                    name: meta_str(o, "name").to_string(),
                })
                .collect();
            for k in keys {
                objects.remove(&self.events, &k);
            }
        }
        if has_finalizers || policy == "Foreground" {
            if old.pointer("/metadata/deletionTimestamp").is_none() {
                let meta = meta_mut(&mut old);
                meta.insert("deletionTimestamp".into(), json!(now));
                meta.insert("deletionGracePeriodSeconds".into(), json!(0));
                if policy == "Foreground" && !has_finalizers {
                    meta.insert("finalizers".into(), json!(["foregroundDeletion"]));
                }
                let stored = objects.put(&self.events, key.clone(), old);
                if policy == "Foreground" && !has_finalizers {
                    self.collect_dependents(objects, meta_str(&stored, "uid"));
                    return objects.remove(&self.events, key);
                }
                return Some(stored);
            }
            return Some(old);
        }
        let uid = meta_str(&old, "uid").to_string();
        let removed = objects.remove(&self.events, key);
        if policy == "Orphan" {
            self.orphan_dependents(objects, &uid);
        } else {
            self.collect_dependents(objects, &uid);
        }
        removed
    }

    /// Orphaned dependents lose their ownerReferences to the deleted owner.
    pub(crate) fn orphan_dependents(&self, objects: &mut Objects, uid: &str) {
        for dep in objects.dependents_of(uid) {
            let Some(mut obj) = objects.get(&dep).cloned() else { continue };
            if let Some(refs) = obj.pointer_mut("/metadata/ownerReferences").and_then(Value::as_array_mut) {
                refs.retain(|r| r.get("uid").and_then(Value::as_str) != Some(uid));
                if refs.is_empty() {
                    meta_mut(&mut obj).remove("ownerReferences");
                }
            }
            objects.put(&self.events, dep, obj);
        }
    }

    pub(crate) fn collect_dependents(&self, objects: &mut Objects, uid: &str) {
        let resources = self.resources();
        for dep in objects.dependents_of(uid) {
            if let Some(r) = resources.iter().find(|r| r.storage_key() == dep.storage_key) {
                self.delete_locked(objects, r, &dep, "Background");
            }
        }
    }

    pub(crate) fn delete_collection(self: &Arc<Self>, req: &RequestInfo, t: &Target) -> Result<Reply, ApiError> {
        let mut objects = self.lock()?;
        let items = Self::matching(&objects, req, t)?;
        let mut deleted = Vec::new();
        for item in &items {
            let key = Self::key(&t.resource, meta_str(item, "namespace"), meta_str(item, "name"));
            if req.dry_run() {
                deleted.push(item.clone());
            } else if let Some(o) = self.delete_locked(&mut objects, &t.resource, &key, "Background") {
                deleted.push(o);
            }
        }
        let rv = objects.current_rv().to_string();
        drop(objects);
        self.refresh_crds();
        Ok(Reply::json(
            200,
            json!({"kind": format!("{}List", t.resource.kind), "apiVersion": t.resource.api_version(),
                   "metadata": {"resourceVersion": rv}, "items": deleted}),
        ))
    }
}
