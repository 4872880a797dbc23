//! Reads: get, list (selectors, pagination, tables), Pod logs, the scale
//! subresource, and access reviews.

use crate::selectors::Selector;
use base64::Engine;
use crate::table;
use crate::api::{meta_str, Api, Target};
use crate::request::{Reply, RequestInfo};
use crate::status::ApiError;
use crate::store::Objects;
use serde_json::{json, Value};

impl Api {
    /// Access reviews: the token's user may do everything.
    pub(crate) fn review(&self, req: &RequestInfo, t: &Target) -> Result<Reply, ApiError> {
        let mut obj = req.body_value()?;
        if !obj.is_object() {
            return Err(ApiError::bad_request("the body of the request must be an object"));
        }
        obj["apiVersion"] = json!(t.resource.api_version());
        obj["kind"] = json!(t.resource.kind);
        obj["status"] = match t.resource.kind.as_str() {
            "SelfSubjectReview" => json!({"userInfo": {"username": "berth-testserver-admin", "groups": ["system:masters", "system:authenticated"]}}),
            "SelfSubjectRulesReview" => json!({"resourceRules": [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}],
                                               "nonResourceRules": [{"verbs": ["*"], "nonResourceURLs": ["*"]}], "incomplete": false}),
            _ => json!({"allowed": true, "reason": "berth-testserver allows every request"}),
        };
        Ok(Reply::json(201, obj))
    }

    pub(crate) fn get(&self, req: &RequestInfo, t: &Target) -> Result<Reply, ApiError> {
        let name = t.name.clone().unwrap_or_default();
        let objects = self.lock()?;
        let obj = objects
            .get(&Self::key(&t.resource, t.namespace.as_deref().unwrap_or_default(), &name))
            .ok_or_else(|| ApiError::not_found(&t.resource, &name))?;
        let obj = Self::present(&t.resource, obj);
        if req.wants_table() {
            let rv = meta_str(&obj, "resourceVersion").to_string();
            return Ok(Reply::json(200, table::table(&t.resource, &[obj], &rv, req.include_object())));
        }
        Ok(Reply::json(200, obj))
    }

    /// Objects of the target resource matching the request's selectors.
    pub fn matching(objects: &Objects, req: &RequestInfo, t: &Target) -> Result<Vec<Value>, ApiError> {
        let labels = Selector::parse(req.query("labelSelector").unwrap_or_default()).map_err(ApiError::bad_request)?;
        let fields = Selector::parse(req.query("fieldSelector").unwrap_or_default()).map_err(ApiError::bad_request)?;
        Ok(objects
            .list(&t.resource.storage_key(), t.namespace.as_deref().filter(|_| t.resource.namespaced))
            .into_iter()
            .filter(|o| labels.matches_labels(o) && fields.matches_fields(o))
            .map(|o| Self::present(&t.resource, o))
            .collect())
    }

    pub(crate) fn list(&self, req: &RequestInfo, t: &Target) -> Result<Reply, ApiError> {
        let objects = self.lock()?;
        let rv = objects.current_rv().to_string();
        let mut items = Self::matching(&objects, req, t)?;
        drop(objects);
        let id = |o: &Value| (meta_str(o, "namespace").to_string(), meta_str(o, "name").to_string());
        if let Some(token) = req.query("continue").filter(|c| !c.is_empty()) {
            let after = base64::engine::general_purpose::STANDARD
                .decode(token)
                .ok()
                .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
                .and_then(|v| Some((v.get("ns")?.as_str()?.to_string(), v.get("name")?.as_str()?.to_string())))
                .ok_or_else(|| ApiError::bad_request("continue key is not valid"))?;
            items.retain(|o| id(o) > after);
        }
        let limit: usize = req.query("limit").and_then(|l| l.parse().ok()).unwrap_or(0);
        let mut list_meta = json!({"resourceVersion": rv});
        if limit > 0 && items.len() > limit {
            let remaining = items.len() - limit;
            items.truncate(limit);
            let (ns, name) = items.last().map(id).unwrap_or_default();
            let token = base64::engine::general_purpose::STANDARD.encode(json!({"rv": rv, "ns": ns, "name": name}).to_string());
            list_meta["continue"] = json!(token);
            list_meta["remainingItemCount"] = json!(remaining);
        }
        if req.wants_table() {
            let mut tbl = table::table(&t.resource, &items, &rv, req.include_object());
            tbl["metadata"] = list_meta;
            return Ok(Reply::json(200, tbl));
        }
        if !t.resource.custom {
            for item in items.iter_mut() {
                if let Some(m) = item.as_object_mut() {
                    m.remove("apiVersion");
                    m.remove("kind");
                }
            }
        }
        Ok(Reply::json(
            200,
            json!({
                "kind": format!("{}List", t.resource.kind),
                "apiVersion": t.resource.api_version(),
                "metadata": list_meta,
                "items": items,
            }),
        ))
    }

    /// Simulated containers print nothing.
    pub(crate) fn pod_log(&self, t: &Target) -> Result<Reply, ApiError> {
        let name = t.name.clone().unwrap_or_default();
        let objects = self.lock()?;
        objects
            .get(&Self::key(&t.resource, t.namespace.as_deref().unwrap_or_default(), &name))
            .ok_or_else(|| ApiError::not_found(&t.resource, &name))?;
        Ok(Reply::Text(String::new()))
    }

    pub(crate) fn get_scale(&self, t: &Target) -> Result<Reply, ApiError> {
        let name = t.name.clone().unwrap_or_default();
        let objects = self.lock()?;
        let obj = objects
            .get(&Self::key(&t.resource, t.namespace.as_deref().unwrap_or_default(), &name))
            .ok_or_else(|| ApiError::not_found(&t.resource, &name))?;
        Ok(Reply::json(200, scale_of(obj)))
    }
}

pub(crate) fn scale_of(obj: &Value) -> Value {
    let selector = obj
        .pointer("/spec/selector")
        .map(|s| {
            s.get("matchLabels")
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .unwrap_or_default()
        })
        .unwrap_or_default();
    json!({
        "kind": "Scale", "apiVersion": "autoscaling/v1",
        "metadata": {"name": meta_str(obj, "name"), "namespace": meta_str(obj, "namespace"),
                     "uid": meta_str(obj, "uid"), "resourceVersion": meta_str(obj, "resourceVersion"),
                     "creationTimestamp": meta_str(obj, "creationTimestamp")},
        "spec": {"replicas": obj.pointer("/spec/replicas").cloned().unwrap_or(json!(0))},
        "status": {"replicas": obj.pointer("/status/replicas").cloned().unwrap_or(json!(0)), "selector": selector},
    })
}
