//! Writes: create, update, the patch types, server-side apply, the scale
//! subresource; field validation, system fields, ClusterIPs and NodePorts,
//! optimistic concurrency and dry runs.

use crate::apply::{self, ApplyRequest};
use crate::clock;
use crate::defaults;
use crate::managed;
use crate::patch;
use crate::request::FieldValidation;
use crate::schema::Schema;
use crate::validation::take_unknown;
use crate::api::{has_generation, random_suffix};
use crate::read::scale_of;
use crate::api::{meta_mut, meta_str, Api, Target};
use crate::request::{Reply, RequestInfo};
use crate::resources::Resource;
use crate::status::ApiError;
use crate::store::{ObjectKey, Objects};
use serde_json::{json, Value};
use std::sync::Arc;

impl Api {
    pub(crate) fn check_namespace(objects: &Objects, t: &Target) -> Result<(), ApiError> {
        if !t.resource.namespaced {
            return Ok(());
        }
        let ns = t.namespace.clone().unwrap_or_default();
        let key = ObjectKey { storage_key: "/namespaces".into(), namespace: String::new(), name: ns.clone() };
        match objects.get(&key) {
            None => Err(ApiError::new(404, "NotFound", format!("namespaces {ns:?} not found"))
                .with_ns_details(&ns)),
            Some(n) if n.pointer("/metadata/deletionTimestamp").is_some() => Err(ApiError::new(
                403,
                "Forbidden",
                format!("unable to create new content in namespace {ns} because it is being terminated"),
            )),
            Some(_) => Ok(()),
        }
    }

    /// Prepares a new object: identity, system fields, defaults, status reset.
    pub(crate) fn prepare_create(&self, t: &Target, obj: &mut Value, now: &str) -> Result<String, ApiError> {
        let res = &t.resource;
        if !obj.is_object() {
            return Err(ApiError::bad_request("the body of the request must be an object"));
        }
        obj["apiVersion"] = json!(res.api_version());
        obj["kind"] = json!(res.kind);
        let meta = meta_mut(obj);
        let mut name = meta.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
        if name.is_empty() {
            if let Some(prefix) = meta.get("generateName").and_then(Value::as_str).filter(|p| !p.is_empty()) {
                name = format!("{prefix}{}", random_suffix(5));
                meta.insert("name".into(), json!(name));
            }
        }
        if name.is_empty() {
            return Err(ApiError::invalid(res, "", "metadata.name: Required value: name or generateName is required"));
        }
        if res.namespaced {
            let ns = t.namespace.clone().unwrap_or_default();
            match meta.get("namespace").and_then(Value::as_str) {
                Some(body_ns) if !body_ns.is_empty() && body_ns != ns => {
                    return Err(ApiError::bad_request(
                        "the namespace of the provided object does not match the namespace sent on the request",
                    ))
                }
                _ => {
                    meta.insert("namespace".into(), json!(ns));
                }
            }
        } else {
            meta.remove("namespace");
        }
        meta.insert("uid".into(), json!(uuid::Uuid::new_v4().to_string()));
        meta.insert("creationTimestamp".into(), json!(now));
        if has_generation(res) {
            meta.insert("generation".into(), json!(1));
        } else {
            meta.remove("generation");
        }
        meta.remove("resourceVersion");
        meta.remove("deletionTimestamp");
        meta.remove("selfLink");
        if res.status && !res.is_crd() && res.kind != "Namespace" {
            if let Some(m) = obj.as_object_mut() {
                m.remove("status");
            }
        }
        if res.kind == "Namespace" {
            let labels = meta_mut(obj).entry("labels").or_insert_with(|| json!({}));
            if let Some(l) = labels.as_object_mut() {
                l.insert("kubernetes.io/metadata.name".into(), json!(name));
            }
        }
        let errs = crate::names::validate(&res.group, &res.kind, obj);
        if !errs.is_empty() {
            return Err(ApiError::invalid_fields(res, &name, &errs));
        }
        defaults::apply(&res.group, &res.kind, obj);
        self.allocate(res, obj, None);
        if res.is_crd() {
            defaults::crd_status(obj, now);
        }
        Ok(name)
    }

    /// ClusterIPs for Services, kept across updates.
    pub(crate) fn allocate(&self, res: &Resource, obj: &mut Value, old: Option<&Value>) {
        if !(res.group.is_empty() && res.kind == "Service") {
            return;
        }
        if obj.pointer("/spec/type").and_then(Value::as_str) == Some("ExternalName")
            || !obj.get("spec").is_some_and(Value::is_object)
        {
            return;
        }
        if let Some(old_ip) = old.and_then(|o| o.pointer("/spec/clusterIP")).cloned() {
            if obj.pointer("/spec/clusterIP").is_none() {
                obj["spec"]["clusterIP"] = old_ip.clone();
                obj["spec"]["clusterIPs"] = json!([old_ip]);
            }
        }
        if obj.pointer("/spec/clusterIP").is_none() {
            let n = match self.next_ip.lock() {
                Ok(mut g) => {
                    *g += 1;
                    *g
                }
                Err(_) => 11,
            };
            let ip = format!("10.96.{}.{}", (n >> 8) & 0xff, n & 0xff);
            obj["spec"]["clusterIP"] = json!(ip);
            obj["spec"]["clusterIPs"] = json!([ip]);
        }
        if obj.pointer("/spec/clusterIPs").is_none() {
            if let Some(ip) = obj.pointer("/spec/clusterIP").cloned() {
                obj["spec"]["clusterIPs"] = json!([ip]);
            }
        }
        if obj.pointer("/spec/ipFamilies").is_none() && obj.pointer("/spec/clusterIP").and_then(Value::as_str) != Some("None") {
            obj["spec"]["ipFamilies"] = json!(["IPv4"]);
            obj["spec"]["ipFamilyPolicy"] = json!("SingleStack");
        }
        let node_ports = matches!(obj.pointer("/spec/type").and_then(Value::as_str), Some("NodePort" | "LoadBalancer"));
        let old_ports: Vec<Value> = old
            .and_then(|o| o.pointer("/spec/ports"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if let Some(ports) = obj.pointer_mut("/spec/ports").and_then(Value::as_array_mut) {
            for p in ports.iter_mut().filter(|p| p.is_object()) {
                if !node_ports {
                    if let Some(m) = p.as_object_mut() {
                        m.remove("nodePort");
                    }
                    continue;
                }
                if p.get("nodePort").is_some() {
                    continue;
                }
                let kept = old_ports
                    .iter()
                    .find(|o| o.get("port") == p.get("port") && o.get("protocol") == p.get("protocol"))
                    .and_then(|o| o.get("nodePort").cloned());
                let port = kept.unwrap_or_else(|| {
                    let n = self.next_ip.lock().map(|mut g| {
                        *g += 1;
                        *g
                    });
                    json!(30000 + n.unwrap_or(0) % 2768)
                });
                p["nodePort"] = port;
            }
        }
        if obj.pointer("/status").is_none() {
            obj["status"] = json!({"loadBalancer": {}});
        }
    }

    /// Type checks and field validation of a decoded object: wrong types fail;
    /// undeclared fields fail an apply (its typed conversion refuses them), and
    /// for other writes fail under Strict, warn under Warn, and are dropped.
    pub(crate) fn validate(req: &RequestInfo, res: &Resource, obj: &mut Value, apply_target: Option<&Target>) -> Result<Vec<String>, ApiError> {
        let schema = Schema::builtin();
        let ty = res.root_atom(schema);
        let gvk = format!("{}/{}, Kind={}", res.group, res.version, res.kind);
        let typed_patch = |t: &Target, detail: String| {
            format!(
                "failed to create typed patch object ({}/{}; {gvk}): {detail}",
                t.namespace.clone().unwrap_or_default(),
                t.name.clone().unwrap_or_default()
            )
        };
        let decoding = |detail: String| format!("{} in version {:?} cannot be handled as a {}: {detail}", res.kind, res.version, res.kind);
        let type_errors = crate::validation::type_errors(schema, ty, obj);
        if !type_errors.is_empty() {
            return Err(match apply_target {
                Some(t) => {
                    let messages: Vec<String> = type_errors.iter().map(|e| e.smd_message.clone()).collect();
                    ApiError::new(500, "InternalError", typed_patch(t, crate::validation::joined(&messages)))
                }
                None => ApiError::bad_request(decoding(type_errors[0].json_message.clone())),
            });
        }
        let unknown = take_unknown(schema, ty, obj);
        if unknown.is_empty() {
            return Ok(Vec::new());
        }
        if let Some(t) = apply_target {
            let messages: Vec<String> = unknown.iter().map(|u| format!("{}: field not declared in schema", u.smd_path)).collect();
            return Err(ApiError::new(500, "InternalError", typed_patch(t, crate::validation::joined(&messages))));
        }
        match req.field_validation() {
            FieldValidation::Strict => {
                let fields: Vec<String> = unknown.iter().map(|u| format!("unknown field {:?}", u.json_path)).collect();
                Err(ApiError::bad_request(decoding(format!("strict decoding error: {}", fields.join(", ")))))
            }
            FieldValidation::Warn => Ok(unknown.iter().map(|u| format!("unknown field {:?}", u.json_path)).collect()),
            FieldValidation::Ignore => Ok(Vec::new()),
        }
    }

    pub(crate) fn create(self: &Arc<Self>, req: &RequestInfo, t: &Target) -> Result<Reply, ApiError> {
        let mut obj = req.body_value()?;
        let warnings = Self::validate(req, &t.resource, &mut obj, None)?;
        let now = clock::now();
        let name = self.prepare_create(t, &mut obj, &now)?;
        let schema = Schema::builtin();
        let ty = t.resource.root_atom(schema);
        let manager = req.field_manager();
        managed::record_update(schema, ty, None, &mut obj, &manager, &t.resource.api_version(), "", t.resource.status, &now);
        let mut objects = self.lock()?;
        Self::check_namespace(&objects, t)?;
        let key = Self::key(&t.resource, t.namespace.as_deref().unwrap_or_default(), &name);
        if objects.get(&key).is_some() {
            return Err(ApiError::already_exists(&t.resource, &name));
        }
        if req.dry_run() {
            return Ok(Reply::json(201, obj).with_warnings(warnings));
        }
        let stored = objects.put(&self.events, key.clone(), obj);
        drop(objects);
        self.after_write(&t.resource, &key);
        Ok(Reply::json(201, stored).with_warnings(warnings))
    }

    /// Writes `new` over `old` (both full objects): preconditions, preserved
    /// system fields, generation, ownership for non-apply writes.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn commit(
        self: &Arc<Self>,
        objects: &mut Objects,
        t: &Target,
        key: &ObjectKey,
        old: &Value,
        mut new: Value,
        manager: Option<&str>,
        dry_run: bool,
    ) -> Result<(u16, Value), ApiError> {
        let res = &t.resource;
        let name = key.name.clone();
        let sub = t.subresource.as_deref().unwrap_or_default();
        let body_rv = meta_str(&new, "resourceVersion").to_string();
        if !body_rv.is_empty() && body_rv != meta_str(old, "resourceVersion") {
            return Err(ApiError::conflict(res, &name));
        }
        let body_name = meta_str(&new, "name").to_string();
        if !body_name.is_empty() && body_name != name {
            return Err(ApiError::bad_request(format!(
                "the name of the object ({body_name}) does not match the name on the URL ({name})"
            )));
        }
        if !new.is_object() {
            return Err(ApiError::bad_request("the body of the request must be an object"));
        }
        if sub == "status" {
            let status = new.get("status").cloned();
            let mut merged = old.clone();
            match status {
                Some(s) => merged["status"] = s,
                None => {
                    if let Some(m) = merged.as_object_mut() {
                        m.remove("status");
                    }
                }
            }
            if let Some(mf) = new.pointer("/metadata/managedFields").cloned() {
                meta_mut(&mut merged).insert("managedFields".into(), mf);
            }
            new = merged;
        } else if res.status {
            match old.get("status") {
                Some(s) if !res.is_crd() => new["status"] = s.clone(),
                _ => {
                    if let Some(m) = new.as_object_mut() {
                        if !res.is_crd() {
                            m.remove("status");
                        }
                    }
                }
            }
        }
        new["apiVersion"] = json!(res.api_version());
        new["kind"] = json!(res.kind);
        {
            let old_meta = old.get("metadata").cloned().unwrap_or(json!({}));
            let meta = meta_mut(&mut new);
            for k in ["uid", "creationTimestamp", "generation", "deletionTimestamp", "deletionGracePeriodSeconds", "namespace", "name"] {
                match old_meta.get(k) {
                    Some(v) => {
                        meta.insert(k.into(), v.clone());
                    }
                    None => {
                        meta.remove(k);
                    }
                }
            }
            meta.insert("resourceVersion".into(), json!(meta_str(old, "resourceVersion")));
        }
        let errs = crate::names::validate(&res.group, &res.kind, &new);
        if !errs.is_empty() {
            return Err(ApiError::invalid_fields(res, &name, &errs));
        }
        defaults::apply(&res.group, &res.kind, &mut new);
        self.allocate(res, &mut new, Some(old));
        let now = clock::now();
        if res.is_crd() {
            defaults::crd_status(&mut new, &now);
        }
        if let Some(manager) = manager {
            let schema = Schema::builtin();
            match requested_managed_fields(old, &new) {
                RequestedManagedFields::Strip => {
                    meta_mut(&mut new).remove("managedFields");
                }
                RequestedManagedFields::Replace => {
                    let mut base = old.clone();
                    if let Some(mf) = new.pointer("/metadata/managedFields").cloned() {
                        meta_mut(&mut base).insert("managedFields".into(), mf);
                    }
                    managed::record_update(schema, res.root_atom(schema), Some(&base), &mut new, manager, &res.api_version(), sub, res.status, &now);
                }
                RequestedManagedFields::Keep => {
                    managed::record_update(schema, res.root_atom(schema), Some(old), &mut new, manager, &res.api_version(), sub, res.status, &now);
                }
            }
        }
        let spec_of = |o: &Value| {
            let mut o = o.clone();
            if let Some(m) = o.as_object_mut() {
                m.remove("metadata");
                m.remove("status");
            }
            o
        };
        if has_generation(res) && spec_of(old) != spec_of(&new) {
            let g = old.pointer("/metadata/generation").and_then(Value::as_i64).unwrap_or(1);
            meta_mut(&mut new).insert("generation".into(), json!(g + 1));
        }
        let finalizing = new.pointer("/metadata/deletionTimestamp").is_some()
            && new.pointer("/metadata/finalizers").and_then(Value::as_array).is_none_or(|f| f.is_empty());
        if new == *old {
            return Ok((200, new));
        }
        if dry_run {
            return Ok((200, new));
        }
        if finalizing {
            let gone = objects.remove(&self.events, key).unwrap_or(new);
            return Ok((200, gone));
        }
        let stored = objects.put(&self.events, key.clone(), new);
        Ok((200, stored))
    }

    pub(crate) fn update(self: &Arc<Self>, req: &RequestInfo, t: &Target) -> Result<Reply, ApiError> {
        let mut new = req.body_value()?;
        let warnings = Self::validate(req, &t.resource, &mut new, None)?;
        let name = t.name.clone().unwrap_or_default();
        let key = Self::key(&t.resource, t.namespace.as_deref().unwrap_or_default(), &name);
        let manager = req.field_manager();
        let mut objects = self.lock()?;
        let old = objects
            .get(&key)
            .cloned()
            .ok_or_else(|| ApiError::not_found(&t.resource, &name))?;
        let (code, obj) = self.commit(&mut objects, t, &key, &old, new, Some(&manager), req.dry_run())?;
        drop(objects);
        self.after_write(&t.resource, &key);
        Ok(Reply::json(code, obj).with_warnings(warnings))
    }

    pub(crate) fn patch(self: &Arc<Self>, req: &RequestInfo, t: &Target) -> Result<Reply, ApiError> {
        let ct = req.content_type.split(';').next().unwrap_or_default().trim().to_string();
        if ct == "application/apply-patch+yaml" || ct == "application/apply-patch+cbor" {
            return self.server_side_apply(req, t);
        }
        let body = req.body_value()?;
        let name = t.name.clone().unwrap_or_default();
        let key = Self::key(&t.resource, t.namespace.as_deref().unwrap_or_default(), &name);
        let manager = req.field_manager();
        let schema = Schema::builtin();
        let ty = t.resource.root_atom(schema);
        let mut objects = self.lock()?;
        let old = objects
            .get(&key)
            .cloned()
            .ok_or_else(|| ApiError::not_found(&t.resource, &name))?;
        let patched = match ct.as_str() {
            "application/json-patch+json" => patch::json_patch(&old, &body),
            "application/merge-patch+json" => Ok(patch::json_merge(&old, &body)),
            "application/strategic-merge-patch+json" => {
                if t.resource.custom {
                    return Err(ApiError::new(
                        415,
                        "UnsupportedMediaType",
                        "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
                    ));
                }
                patch::strategic_merge(schema, &old, &body, ty)
            }
            other => return Err(ApiError::unsupported_media(other)),
        }
        .map_err(|e| ApiError::new(422, "Invalid", e.to_string()))?;
        let mut patched = patched;
        let warnings = Self::validate(req, &t.resource, &mut patched, None)?;
        let (code, obj) = self.commit(&mut objects, t, &key, &old, patched, Some(&manager), req.dry_run())?;
        drop(objects);
        self.after_write(&t.resource, &key);
        Ok(Reply::json(code, obj).with_warnings(warnings))
    }

    pub(crate) fn server_side_apply(self: &Arc<Self>, req: &RequestInfo, t: &Target) -> Result<Reply, ApiError> {
        let mut applied = req.body_value()?;
        if applied.pointer("/metadata/managedFields").is_some_and(|m| !m.is_null()) {
            return Err(ApiError::bad_request("metadata.managedFields must be nil"));
        }
        let warnings = Self::validate(req, &t.resource, &mut applied, Some(t))?;
        let Some(manager) = req.query("fieldManager").filter(|m| !m.is_empty()) else {
            return Err(ApiError::bad_request("PATCH /apply requires fieldManager to be set"));
        };
        let manager = manager.to_string();
        let force = req.query("force").is_some_and(|f| f == "true" || f == "1");
        let name = t.name.clone().unwrap_or_default();
        let key = Self::key(&t.resource, t.namespace.as_deref().unwrap_or_default(), &name);
        let res = &t.resource;
        let schema = Schema::builtin();
        let ty = res.root_atom(schema);
        let sub = t.subresource.clone().unwrap_or_default();
        let now = clock::now();
        let applied_kind = applied.get("kind").and_then(Value::as_str).unwrap_or_default();
        if !applied_kind.is_empty() && applied_kind != res.kind {
            return Err(ApiError::bad_request(format!(
                "the kind of the object ({applied_kind}) does not match the kind of the resource ({})",
                res.kind
            )));
        }
        let mut objects = self.lock()?;
        let live = objects.get(&key).cloned();
        let body_rv = meta_str(&applied, "resourceVersion").to_string();
        if let Some(live) = &live {
            if !body_rv.is_empty() && body_rv != meta_str(live, "resourceVersion") {
                return Err(ApiError::conflict(res, &name));
            }
        }
        let apply_req = ApplyRequest {
            manager: &manager,
            api_version: &res.api_version(),
            subresource: &sub,
            has_status: res.status,
            force,
            now: &now,
        };
        match live {
            Some(live) => {
                let merged = apply::apply(schema, ty, &live, &applied, &apply_req).map_err(|c| conflict_error(res, &name, &c))?;
                let (code, obj) = self.commit(&mut objects, t, &key, &live, merged, None, req.dry_run())?;
                drop(objects);
                self.after_write(res, &key);
                Ok(Reply::json(code, obj).with_warnings(warnings))
            }
            None => {
                if !sub.is_empty() {
                    return Err(ApiError::not_found(res, &name));
                }
                if !body_rv.is_empty() {
                    return Err(ApiError::not_found(res, &name));
                }
                Self::check_namespace(&objects, t)?;
                let mut base = apply::empty_like(&applied);
                meta_mut(&mut base).insert("name".into(), json!(name));
                let mut obj = apply::apply(schema, ty, &base, &applied, &apply_req).map_err(|c| conflict_error(res, &name, &c))?;
                meta_mut(&mut obj).insert("name".into(), json!(name));
                if let Some(ns) = applied.pointer("/metadata/namespace") {
                    meta_mut(&mut obj).insert("namespace".into(), ns.clone());
                }
                let managed_fields = obj.pointer("/metadata/managedFields").cloned();
                self.prepare_create(t, &mut obj, &now)?;
                if let Some(mf) = managed_fields {
                    meta_mut(&mut obj).insert("managedFields".into(), mf);
                }
                if req.dry_run() {
                    return Ok(Reply::json(201, obj).with_warnings(warnings));
                }
                let stored = objects.put(&self.events, key.clone(), obj);
                drop(objects);
                self.after_write(res, &key);
                Ok(Reply::json(201, stored).with_warnings(warnings))
            }
        }
    }

    pub(crate) fn update_scale(self: &Arc<Self>, req: &RequestInfo, t: &Target) -> Result<Reply, ApiError> {
        if !t.resource.scale {
            return Err(ApiError::not_found_path());
        }
        let body = req.body_value()?;
        let name = t.name.clone().unwrap_or_default();
        let key = Self::key(&t.resource, t.namespace.as_deref().unwrap_or_default(), &name);
        let mut objects = self.lock()?;
        let old = objects
            .get(&key)
            .cloned()
            .ok_or_else(|| ApiError::not_found(&t.resource, &name))?;
        let current = scale_of(&old);
        let wanted = match req.method.as_str() {
            "PUT" => body,
            _ => patch::json_merge(&current, &body),
        };
        let replicas = wanted.pointer("/spec/replicas").cloned().unwrap_or(json!(0));
        let mut new = old.clone();
        if !new.get("spec").is_some_and(Value::is_object) {
            new["spec"] = json!({});
        }
        new["spec"]["replicas"] = replicas;
        meta_mut(&mut new).remove("resourceVersion");
        let main = Target { subresource: None, ..t.clone() };
        let manager = req.field_manager();
        let (_, obj) = self.commit(&mut objects, &main, &key, &old, new, Some(&manager), req.dry_run())?;
        drop(objects);
        self.after_write(&t.resource, &key);
        Ok(Reply::json(200, scale_of(&obj)))
    }
}

impl ApiError {
    fn with_ns_details(mut self, ns: &str) -> ApiError {
        self.details = Some(json!({"name": ns, "kind": "namespaces"}));
        self
    }
}

/// What a plain write asks of managedFields: absent or `[]` keeps the stored
/// entries, `[{}]` strips them all, other entries replace them (the way
/// clients migrate client-side apply ownership to server-side apply).
enum RequestedManagedFields {
    Keep,
    Strip,
    Replace,
}

fn requested_managed_fields(old: &Value, new: &Value) -> RequestedManagedFields {
    match new.pointer("/metadata/managedFields").and_then(Value::as_array) {
        None => RequestedManagedFields::Keep,
        Some(entries) if entries.is_empty() => RequestedManagedFields::Keep,
        Some(entries) if entries.len() == 1 && entries[0].as_object().is_some_and(|e| e.is_empty()) => {
            RequestedManagedFields::Strip
        }
        Some(entries) if old.pointer("/metadata/managedFields").and_then(Value::as_array) == Some(entries) => {
            RequestedManagedFields::Keep
        }
        Some(_) => RequestedManagedFields::Replace,
    }
}

fn conflict_error(res: &Resource, name: &str, conflicts: &[apply::Conflict]) -> ApiError {
    let causes: Vec<Value> = conflicts
        .iter()
        .map(|c| {
            json!({"type": "FieldManagerConflict", "message": format!("conflict with {}", c.manager),
                   "field": crate::fieldset::path_string(&c.path)})
        })
        .collect();
    let mut err = ApiError::new(409, "Conflict", apply::conflict_message(conflicts));
    let mut details = json!({"name": name, "kind": res.plural, "causes": causes});
    if !res.group.is_empty() {
        details["group"] = json!(res.group);
    }
    err.details = Some(details);
    err
}
