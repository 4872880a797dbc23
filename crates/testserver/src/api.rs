//! The API's state (objects, served resources, settings) and the dispatch of a
//! resource request to its verb; the verbs live in `read`, `write` and `delete`,
//! controllers reach the store through the helpers here.

use crate::clock;
use crate::managed;
use crate::request::{Reply, RequestInfo};
use crate::resources::{self, Resource};
use crate::schema::Schema;
use crate::status::ApiError;
use crate::store::{Event, ObjectKey, Objects};
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
    pub(crate) next_ip: Mutex<u32>,
}

/// Where a request points.
#[derive(Clone, Debug)]
pub struct Target {
    pub resource: Resource,
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub subresource: Option<String>,
}

pub fn meta_str<'a>(obj: &'a Value, field: &str) -> &'a str {
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
            api.seed_cluster(&mut objects);
            for ns in INITIAL_NAMESPACES {
                api.seed_namespace(&mut objects, ns);
            }
        }
        api
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

    pub(crate) fn lock(&self) -> Result<std::sync::MutexGuard<'_, Objects>, ApiError> {
        self.objects
            .lock()
            .map_err(|_| ApiError::new(500, "InternalError", "store lock poisoned"))
    }

    pub(crate) fn key(res: &Resource, ns: &str, name: &str) -> ObjectKey {
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

    pub(crate) fn after_write(self: &Arc<Self>, res: &Resource, key: &ObjectKey) {
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
        if old.get("status").map(strip_times) == Some(strip_times(&status)) {
            return;
        }
        let mut new = old.clone();
        new["status"] = status;
        let schema = Schema::builtin();
        managed::record_update(schema, res.root_atom(schema), Some(&old), &mut new, manager, &res.api_version(), "status", res.status, &clock::now());
        objects.put(&self.events, key.clone(), new);
    }

    /// Sets an annotation on behalf of a controller, as an Update of its own.
    pub fn controller_annotate(&self, res: &Resource, key: &ObjectKey, name: &str, value: &str, manager: &str) {
        let Ok(mut objects) = self.objects.lock() else { return };
        let Some(old) = objects.get(key).cloned() else { return };
        if old.pointer("/metadata/annotations").and_then(|a| a.get(name)).and_then(Value::as_str) == Some(value) {
            return;
        }
        let mut new = old.clone();
        let annotations = meta_mut(&mut new).entry("annotations").or_insert_with(|| json!({}));
        if !annotations.is_object() {
            return;
        }
        annotations[name] = json!(value);
        let schema = Schema::builtin();
        managed::record_update(schema, res.root_atom(schema), Some(&old), &mut new, manager, &res.api_version(), "", res.status, &clock::now());
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
pub fn has_generation(res: &Resource) -> bool {
    match res.group.as_str() {
        "" => matches!(res.kind.as_str(), "Pod" | "ReplicationController"),
        "apps" | "batch" | "autoscaling" | "policy" | "networking.k8s.io" | "apiextensions.k8s.io"
        | "admissionregistration.k8s.io" | "apiregistration.k8s.io" => res.kind != "ControllerRevision",
        "rbac.authorization.k8s.io" | "storage.k8s.io" | "coordination.k8s.io" | "discovery.k8s.io"
        | "events.k8s.io" | "scheduling.k8s.io" | "node.k8s.io" | "certificates.k8s.io" | "authentication.k8s.io"
        | "authorization.k8s.io" => false,
        _ => true,
    }
}
