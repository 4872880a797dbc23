//! The resource endpoints: get, list, create, update, patch (apply, strategic,
//! merge, JSON), delete and deletecollection, with the apiserver's system fields,
//! optimistic concurrency, dry runs, finalizers and garbage collection.

use crate::apply::{self, ApplyRequest};
use crate::clock;
use crate::defaults;
use crate::managed;
use crate::patch;
use crate::request::{FieldValidation, Reply, RequestInfo};
use crate::validation::take_unknown;
use crate::resources::{self, Resource};
use crate::schema::Schema;
use crate::selectors::Selector;
use crate::status::ApiError;
use crate::store::{Event, ObjectKey, Objects};
use crate::table;
use base64::Engine;
use serde_json::{json, Map, Value};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use tokio::sync::broadcast;

/// The one simulated Node.
pub const NODE_NAME: &str = "berth-testserver-node";

/// Namespaces every cluster starts with.
pub const INITIAL_NAMESPACES: [&str; 4] = ["default", "kube-system", "kube-public", "kube-node-lease"];

/// Tunables of the simulated cluster.
#[derive(Clone, Debug)]
pub struct Settings {
    /// How long workloads take to become ready.
    pub ready_delay: Duration,
    /// How often watches that allow bookmarks get one.
    pub bookmark_interval: Duration,
    /// How many events watches can resume from.
    pub event_history: usize,
    /// The CA every namespace's `kube-root-ca.crt` holds.
    pub ca_pem: String,
}

/// The API server's state.
pub struct Api {
    pub objects: Mutex<Objects>,
    pub events: broadcast::Sender<Arc<Event>>,
    pub resources: RwLock<Vec<Resource>>,
    pub settings: Settings,
    next_ip: Mutex<u32>,
}

/// Where a request points.
#[derive(Clone, Debug)]
pub struct Target {
    pub resource: Resource,
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub subresource: Option<String>,
}

fn meta_str<'a>(obj: &'a Value, field: &str) -> &'a str {
    obj.get("metadata").and_then(|m| m.get(field)).and_then(Value::as_str).unwrap_or_default()
}

/// The object's metadata map, made an object (and the object a map) if it was not.
pub fn meta_mut(obj: &mut Value) -> &mut Map<String, Value> {
    if !obj.is_object() {
        *obj = Value::Object(Map::new());
    }
    let Value::Object(root) = obj else { unreachable!("just made an object") };
    let meta = root.entry("metadata").or_insert_with(|| Value::Object(Map::new()));
    if !meta.is_object() {
        *meta = Value::Object(Map::new());
    }
    let Value::Object(m) = meta else { unreachable!("just made an object") };
    m
}

pub fn random_suffix(len: usize) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let bytes = uuid::Uuid::new_v4().into_bytes();
    bytes.iter().take(len).map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect()
}

/// A short hash of a value in the pod-template-hash alphabet.
pub fn short_hash(v: &Value) -> String {
    let text = v.to_string();
    let mut h: u64 = 0xcbf29ce484222325;
    for b in text.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    (0..10)
        .map(|i| ALPHABET[((h >> (i * 6)) % ALPHABET.len() as u64) as usize] as char)
        .collect()
}

impl Api {
    pub fn new(settings: Settings) -> Arc<Api> {
        let (events, _) = broadcast::channel(65_536);
        let api = Arc::new(Api {
            objects: Mutex::new(Objects::new(settings.event_history)),
            events,
            resources: RwLock::new(resources::builtin()),
            settings,
            next_ip: Mutex::new(10),
        });
        let now = clock::now();
        if let Ok(mut objects) = api.objects.lock() {
            for ns in INITIAL_NAMESPACES {
                let obj = json!({
                    "apiVersion": "v1", "kind": "Namespace",
                    "metadata": {"name": ns, "uid": uuid::Uuid::new_v4().to_string(), "creationTimestamp": now,
                                 "labels": {"kubernetes.io/metadata.name": ns}},
                    "spec": {"finalizers": ["kubernetes"]},
                    "status": {"phase": "Active"},
                });
                let key = ObjectKey { storage_key: "/namespaces".into(), namespace: String::new(), name: ns.into() };
                objects.put(&api.events, key, obj);
            }
            let node = json!({
                "apiVersion": "v1", "kind": "Node",
                "metadata": {"name": NODE_NAME, "uid": uuid::Uuid::new_v4().to_string(), "creationTimestamp": now,
                             "labels": {"kubernetes.io/hostname": NODE_NAME, "kubernetes.io/os": "linux",
                                        "kubernetes.io/arch": "amd64", "node-role.kubernetes.io/control-plane": ""}},
                "spec": {"podCIDR": "10.244.0.0/24", "podCIDRs": ["10.244.0.0/24"]},
                "status": {
                    "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady",
                                    "message": "kubelet is posting ready status", "lastHeartbeatTime": now, "lastTransitionTime": now}],
                    "addresses": [{"type": "InternalIP", "address": "10.0.0.1"}, {"type": "Hostname", "address": NODE_NAME}],
                    "capacity": {"cpu": "2", "memory": "8Gi", "pods": "110"},
                    "allocatable": {"cpu": "2", "memory": "8Gi", "pods": "110"},
                    "nodeInfo": {"kubeletVersion": "v1.34.0", "containerRuntimeVersion": "containerd://2.1.0",
                                 "operatingSystem": "linux", "architecture": "amd64", "osImage": "berth-testserver",
                                 "kernelVersion": "", "kubeProxyVersion": "", "machineID": "", "systemUUID": "", "bootID": ""},
                },
            });
            objects.put(&api.events, ObjectKey { storage_key: "/nodes".into(), namespace: String::new(), name: NODE_NAME.into() }, node);
            let kubernetes = json!({
                "apiVersion": "v1", "kind": "Service",
                "metadata": {"name": "kubernetes", "namespace": "default", "uid": uuid::Uuid::new_v4().to_string(),
                             "creationTimestamp": now, "labels": {"component": "apiserver", "provider": "kubernetes"}},
                "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.1", "clusterIPs": ["10.96.0.1"], "ipFamilies": ["IPv4"],
                         "ipFamilyPolicy": "SingleStack", "internalTrafficPolicy": "Cluster", "sessionAffinity": "None",
                         "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}]},
                "status": {"loadBalancer": {}},
            });
            objects.put(&api.events, ObjectKey { storage_key: "/services".into(), namespace: "default".into(), name: "kubernetes".into() }, kubernetes);
            for ns in INITIAL_NAMESPACES {
                api.seed_namespace(&mut objects, ns);
            }
        }
        api
    }

    /// What every namespace holds from its first moment: the `default`
    /// ServiceAccount and the `kube-root-ca.crt` ConfigMap.
    fn seed_namespace(&self, objects: &mut Objects, ns: &str) {
        let now = clock::now();
        let sa_key = ObjectKey { storage_key: "/serviceaccounts".into(), namespace: ns.into(), name: "default".into() };
        if objects.get(&sa_key).is_none() {
            let sa = json!({"apiVersion": "v1", "kind": "ServiceAccount",
                            "metadata": {"name": "default", "namespace": ns, "uid": uuid::Uuid::new_v4().to_string(), "creationTimestamp": now}});
            objects.put(&self.events, sa_key, sa);
        }
        let cm_key = ObjectKey { storage_key: "/configmaps".into(), namespace: ns.into(), name: "kube-root-ca.crt".into() };
        if objects.get(&cm_key).is_none() {
            let cm = json!({"apiVersion": "v1", "kind": "ConfigMap",
                            "metadata": {"name": "kube-root-ca.crt", "namespace": ns, "uid": uuid::Uuid::new_v4().to_string(), "creationTimestamp": now,
                                         "annotations": {"kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."}},
                            "data": {"ca.crt": self.settings.ca_pem}});
            objects.put(&self.events, cm_key, cm);
        }
    }

    pub fn resources(&self) -> Vec<Resource> {
        self.resources.read().map(|r| r.clone()).unwrap_or_default()
    }

    /// The resource served at group/version/plural.
    pub fn find(&self, group: &str, version: &str, plural: &str) -> Option<Resource> {
        self.resources
            .read()
            .ok()?
            .iter()
            .find(|r| r.group == group && r.version == version && r.plural == plural)
            .cloned()
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Objects>, ApiError> {
        self.objects
            .lock()
            .map_err(|_| ApiError::new(500, "InternalError", "store lock poisoned"))
    }

    fn key(res: &Resource, ns: &str, name: &str) -> ObjectKey {
        ObjectKey {
            storage_key: res.storage_key(),
            namespace: if res.namespaced { ns.to_string() } else { String::new() },
            name: name.to_string(),
        }
    }

    /// The object as served at this resource's version.
    pub fn present(res: &Resource, obj: &Value) -> Value {
        let mut out = obj.clone();
        if let Some(m) = out.as_object_mut() {
            m.insert("apiVersion".into(), json!(res.api_version()));
            m.insert("kind".into(), json!(res.kind));
        }
        out
    }

    pub async fn handle(self: &Arc<Self>, req: &RequestInfo, target: Target) -> Result<Reply, ApiError> {
        let method = req.method.as_str();
        if target.resource.verbs == ["create"] {
            return match (method, target.name.is_some()) {
                ("POST", false) => self.review(req, &target),
                _ => Err(ApiError::method_not_allowed()),
            };
        }
        let sub = target.subresource.clone();
        match (method, target.name.is_some(), sub.as_deref()) {
            ("GET", false, _) if req.is_watch() => crate::watch::start(self.clone(), req, &target),
            ("GET", false, _) => self.list(req, &target),
            ("GET", true, None) | ("GET", true, Some("status")) => self.get(req, &target),
            ("GET", true, Some("scale")) => self.get_scale(&target),
            ("GET", true, Some("log")) if target.resource.kind == "Pod" => self.pod_log(&target),
            ("POST", false, None) => self.create(req, &target),
            ("PUT", true, None) | ("PUT", true, Some("status")) => self.update(req, &target),
            ("PATCH", true, None) | ("PATCH", true, Some("status")) => self.patch(req, &target),
            ("PUT", true, Some("scale")) | ("PATCH", true, Some("scale")) => self.update_scale(req, &target),
            ("DELETE", true, None) => self.delete(req, &target),
            ("DELETE", false, None) => self.delete_collection(req, &target),
            _ => Err(ApiError::method_not_allowed()),
        }
    }

    /// Access reviews: the token's user may do everything.
    fn review(&self, req: &RequestInfo, t: &Target) -> Result<Reply, ApiError> {
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

    fn get(&self, req: &RequestInfo, t: &Target) -> Result<Reply, ApiError> {
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

    fn list(&self, req: &RequestInfo, t: &Target) -> Result<Reply, ApiError> {
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

    fn check_namespace(objects: &Objects, t: &Target) -> Result<(), ApiError> {
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
    fn prepare_create(&self, t: &Target, obj: &mut Value, now: &str) -> Result<String, ApiError> {
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
        defaults::apply(&res.group, &res.kind, obj);
        self.allocate(res, obj, None);
        if res.is_crd() {
            defaults::crd_status(obj, now);
        }
        Ok(name)
    }

    /// ClusterIPs for Services, kept across updates.
    fn allocate(&self, res: &Resource, obj: &mut Value, old: Option<&Value>) {
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
    fn validate(req: &RequestInfo, res: &Resource, obj: &mut Value, apply_target: Option<&Target>) -> Result<Vec<String>, ApiError> {
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

    fn create(self: &Arc<Self>, req: &RequestInfo, t: &Target) -> Result<Reply, ApiError> {
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
    fn commit(
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
        defaults::apply(&res.group, &res.kind, &mut new);
        self.allocate(res, &mut new, Some(old));
        let now = clock::now();
        if res.is_crd() {
            defaults::crd_status(&mut new, &now);
        }
        if let Some(manager) = manager {
            let schema = Schema::builtin();
            managed::record_update(schema, res.root_atom(schema), Some(old), &mut new, manager, &res.api_version(), sub, res.status, &now);
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

    fn update(self: &Arc<Self>, req: &RequestInfo, t: &Target) -> Result<Reply, ApiError> {
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

    fn patch(self: &Arc<Self>, req: &RequestInfo, t: &Target) -> Result<Reply, ApiError> {
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
                if t.resource.root_atom(schema).map.is_some() && !matches!(t.resource.root, crate::schema::TypeRef::Named(_)) {
                    return Err(ApiError::new(
                        415,
                        "UnsupportedMediaType",
                        "strategic merge patch is not supported for custom resources",
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

    fn server_side_apply(self: &Arc<Self>, req: &RequestInfo, t: &Target) -> Result<Reply, ApiError> {
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

    /// Simulated containers print nothing.
    fn pod_log(&self, t: &Target) -> Result<Reply, ApiError> {
        let name = t.name.clone().unwrap_or_default();
        let objects = self.lock()?;
        objects
            .get(&Self::key(&t.resource, t.namespace.as_deref().unwrap_or_default(), &name))
            .ok_or_else(|| ApiError::not_found(&t.resource, &name))?;
        Ok(Reply::Text(String::new()))
    }

    fn get_scale(&self, t: &Target) -> Result<Reply, ApiError> {
        let name = t.name.clone().unwrap_or_default();
        let objects = self.lock()?;
        let obj = objects
            .get(&Self::key(&t.resource, t.namespace.as_deref().unwrap_or_default(), &name))
            .ok_or_else(|| ApiError::not_found(&t.resource, &name))?;
        Ok(Reply::json(200, scale_of(obj)))
    }

    fn update_scale(self: &Arc<Self>, req: &RequestInfo, t: &Target) -> Result<Reply, ApiError> {
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

    fn delete(self: &Arc<Self>, req: &RequestInfo, t: &Target) -> Result<Reply, ApiError> {
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
    fn delete_locked(&self, objects: &mut Objects, res: &Resource, key: &ObjectKey, policy: &str) -> Option<Value> {
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
        if policy != "Orphan" {
            self.collect_dependents(objects, &uid);
        }
        removed
    }

    fn collect_dependents(&self, objects: &mut Objects, uid: &str) {
        let resources = self.resources();
        for dep in objects.dependents_of(uid) {
            if let Some(r) = resources.iter().find(|r| r.storage_key() == dep.storage_key) {
                self.delete_locked(objects, r, &dep, "Background");
            }
        }
    }

    fn delete_collection(self: &Arc<Self>, req: &RequestInfo, t: &Target) -> Result<Reply, ApiError> {
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

    /// Re-derives served resources from the stored CRDs.
    pub fn refresh_crds(&self) {
        let crds: Vec<Value> = match self.objects.lock() {
            Ok(o) => o
                .list("apiextensions.k8s.io/customresourcedefinitions", None)
                .into_iter()
                .cloned()
                .collect(),
            Err(_) => return,
        };
        let mut all = resources::builtin();
        for crd in &crds {
            if crd.pointer("/metadata/deletionTimestamp").is_none() {
                all.extend(resources::from_crd(crd));
            }
        }
        if let Ok(mut r) = self.resources.write() {
            *r = all;
        }
    }

    fn after_write(self: &Arc<Self>, res: &Resource, key: &ObjectKey) {
        if res.is_crd() {
            self.refresh_crds();
        }
        if res.group.is_empty() && res.kind == "Namespace" {
            if let Ok(mut objects) = self.objects.lock() {
                if objects.get(key).is_some_and(|n| n.pointer("/metadata/deletionTimestamp").is_none()) {
                    self.seed_namespace(&mut objects, &key.name);
                }
            }
        }
        crate::controllers::schedule(self, res, key);
    }

    /// Writes a controller's status for an object (no-op if it changed meanwhile).
    pub fn write_status(&self, res: &Resource, key: &ObjectKey, generation: i64, status: Value, manager: &str) {
        let Ok(mut objects) = self.objects.lock() else { return };
        let Some(old) = objects.get(key).cloned() else { return };
        if old.pointer("/metadata/generation").and_then(Value::as_i64).unwrap_or(1) != generation {
            return;
        }
        let mut new = old.clone();
        new["status"] = status;
        if new == old {
            return;
        }
        let schema = Schema::builtin();
        managed::record_update(schema, res.root_atom(schema), Some(&old), &mut new, manager, &res.api_version(), "status", res.status, &clock::now());
        objects.put(&self.events, key.clone(), new);
    }

    /// Creates or replaces an object on behalf of a controller (a no-op if
    /// only its resourceVersion and timestamps would differ).
    pub fn controller_put(&self, key: &ObjectKey, mut obj: Value) {
        let Ok(mut objects) = self.objects.lock() else { return };
        if let Some(old) = objects.get(key) {
            if let Some(rv) = old.pointer("/metadata/resourceVersion").cloned() {
                meta_mut(&mut obj).insert("resourceVersion".into(), rv);
            }
            if strip_times(old) == strip_times(&obj) {
                return;
            }
            if let Some(mf) = old.pointer("/metadata/managedFields").cloned() {
                meta_mut(&mut obj).insert("managedFields".into(), mf);
            }
        }
        objects.put(&self.events, key.clone(), obj);
    }

    /// Deletes an object on behalf of a controller.
    pub fn controller_remove(&self, key: &ObjectKey) {
        if let Ok(mut objects) = self.objects.lock() {
            objects.remove(&self.events, key);
        }
    }
}

impl ApiError {
    fn with_ns_details(mut self, ns: &str) -> ApiError {
        self.details = Some(json!({"name": ns, "kind": "namespaces"}));
        self
    }
}

/// An object without the timestamps a controller rewrites each time.
fn strip_times(obj: &Value) -> Value {
    match obj {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| !matches!(k.as_str(), "startTime" | "startedAt" | "finishedAt" | "lastTransitionTime" | "lastUpdateTime" | "containerID"))
                .map(|(k, v)| (k.clone(), strip_times(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(strip_times).collect()),
        other => other.clone(),
    }
}

/// Whether objects of this resource carry `metadata.generation`.
fn has_generation(res: &Resource) -> bool {
    match res.group.as_str() {
        "" => matches!(res.kind.as_str(), "Pod" | "ReplicationController"),
        "apps" | "batch" | "autoscaling" | "policy" | "networking.k8s.io" | "apiextensions.k8s.io"
        | "admissionregistration.k8s.io" | "apiregistration.k8s.io" => res.kind != "ControllerRevision",
        "rbac.authorization.k8s.io" | "storage.k8s.io" | "coordination.k8s.io" | "discovery.k8s.io"
        | "events.k8s.io" | "scheduling.k8s.io" | "node.k8s.io" | "certificates.k8s.io" => false,
        _ => true,
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

fn scale_of(obj: &Value) -> Value {
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
