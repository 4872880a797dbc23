//! Simulated controllers: workloads gain the status their controllers would
//! write after a delay (or fail, on `testserver.berth.dev/fail: "true"`),
//! Deployments get their ReplicaSet, PVCs bind, LoadBalancers get an address,
//! Pods run.

use crate::api::{meta_mut, random_suffix, short_hash, Api};
use crate::clock;
use crate::resources::Resource;
use crate::store::ObjectKey;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

/// Set to "true" to make a workload fail instead of becoming ready.
pub const FAIL_ANNOTATION: &str = "testserver.berth.dev/fail";
/// A per-object readiness delay such as "2s" or "500ms".
pub const DELAY_ANNOTATION: &str = "testserver.berth.dev/ready-after";

const MANAGER: &str = "kube-controller-manager";

fn parse_delay(text: &str) -> Option<Duration> {
    if let Some(ms) = text.strip_suffix("ms") {
        return ms.trim().parse().ok().map(Duration::from_millis);
    }
    if let Some(s) = text.strip_suffix('s') {
        return s.trim().parse::<f64>().ok().map(Duration::from_secs_f64);
    }
    None
}

fn simulated(res: &Resource) -> bool {
    matches!(
        (res.group.as_str(), res.kind.as_str()),
        ("apps", "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet")
            | ("batch", "Job")
            | ("", "PersistentVolumeClaim" | "Service" | "Pod")
    )
}

/// Queues the controller's reaction to a write.
pub fn schedule(api: &Arc<Api>, res: &Resource, key: &ObjectKey) {
    if !simulated(res) {
        return;
    }
    let Some(obj) = api.objects.lock().ok().and_then(|o| o.get(key).cloned()) else { return };
    if obj.pointer("/metadata/ownerReferences/0/kind").and_then(Value::as_str) == Some("Deployment")
        && res.kind == "ReplicaSet"
    {
        return;
    }
    let delay = obj
        .pointer("/metadata/annotations")
        .and_then(|a| a.get(DELAY_ANNOTATION))
        .and_then(Value::as_str)
        .and_then(parse_delay)
        .unwrap_or(api.settings.ready_delay);
    let generation = obj.pointer("/metadata/generation").and_then(Value::as_i64).unwrap_or(1);
    reconcile(api, res, key, generation, Stage::Started);
    let api = api.clone();
    let res = res.clone();
    let key = key.clone();
    tokio::spawn(async move {
        tokio::time::sleep(delay).await;
        reconcile(&api, &res, &key, generation, Stage::Settled);
    });
}

/// Where a simulated rollout stands: just started (ReplicaSets and Pods
/// created, nothing ready), or settled after the delay (ready, or failed).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    Started,
    Settled,
}

/// Records a core/v1 Event about `obj`, as the controller or kubelet would.
fn record_event(api: &Arc<Api>, obj: &Value, kind: &str, reason: &str, message: &str, component: &str) {
    let text = |p: &str| obj.pointer(p).and_then(Value::as_str).unwrap_or_default().to_string();
    let namespace = text("/metadata/namespace");
    let name = format!("{}.{}", text("/metadata/name"), &short_hash(&json!([reason, message, text("/metadata/uid")]))[..10]);
    let now = clock::now();
    let event = json!({
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": name, "namespace": namespace, "uid": uuid::Uuid::new_v4().to_string(), "creationTimestamp": now},
        "involvedObject": {"apiVersion": text("/apiVersion"), "kind": text("/kind"), "name": text("/metadata/name"),
                           "namespace": namespace, "uid": text("/metadata/uid")},
        "reason": reason, "message": message, "type": kind, "count": 1,
        "firstTimestamp": now, "lastTimestamp": now,
        "source": {"component": component}, "reportingComponent": component, "reportingInstance": "",
    });
    let key = ObjectKey { storage_key: "/events".into(), namespace, name };
    if api.objects.lock().is_ok_and(|o| o.get(&key).is_none()) {
        api.controller_put(&key, event);
    }
}

fn condition(kind: &str, status: &str, reason: &str, message: &str, now: &str) -> Value {
    json!({"type": kind, "status": status, "lastUpdateTime": now, "lastTransitionTime": now,
           "reason": reason, "message": message})
}

fn reconcile(api: &Arc<Api>, res: &Resource, key: &ObjectKey, generation: i64, stage: Stage) {
    let Some(obj) = api.objects.lock().ok().and_then(|o| o.get(key).cloned()) else { return };
    if obj.pointer("/metadata/generation").and_then(Value::as_i64).unwrap_or(1) != generation {
        return;
    }
    let started = stage == Stage::Started;
    if started {
        let observed = obj.pointer("/status/observedGeneration").and_then(Value::as_i64) == Some(generation);
        let has_phase = obj.pointer("/status/phase").is_some();
        let skip = match (res.group.as_str(), res.kind.as_str()) {
            ("", "Pod") => has_phase,
            ("", _) => true,
            ("batch", "Job") => obj.pointer("/status/startTime").is_some(),
            _ => observed,
        };
        if skip {
            return;
        }
    }
    let failing = !started
        && obj
            .pointer("/metadata/annotations")
            .and_then(|a| a.get(FAIL_ANNOTATION))
            .and_then(Value::as_str)
            == Some("true");
    let replicas = obj.pointer("/spec/replicas").and_then(Value::as_i64).unwrap_or(1);
    let ready = if failing || started { 0 } else { replicas };
    let now = clock::now();
    let name = key.name.clone();
    let status = match (res.group.as_str(), res.kind.as_str()) {
        ("apps", "Deployment") => {
            let (rs_name, rs) = ensure_replica_set(api, &obj, key, replicas, ready);
            if let Some(revision) = rs.as_ref().and_then(|r| r.pointer("/metadata/annotations/deployment.kubernetes.io~1revision")).and_then(Value::as_str) {
                api.controller_annotate(res, key, "deployment.kubernetes.io/revision", revision, MANAGER);
            }
            if let Some(rs) = rs {
                let labels = rs.pointer("/spec/template/metadata/labels").cloned().unwrap_or(json!({}));
                let pods = PodSet { owner: &rs, owner_kind: "ReplicaSet", owner_api_version: "apps/v1", template: rs.pointer("/spec/template"), labels, count: replicas, failing, finished: false, pending: started };
                pods.ensure(api, &key.namespace, |_| format!("{rs_name}-{}", random_suffix(5)));
            }
            if started {
                json!({"observedGeneration": generation, "replicas": replicas, "updatedReplicas": replicas,
                       "unavailableReplicas": replicas, "conditions": [
                    condition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", &now),
                    condition("Progressing", "True", "ReplicaSetUpdated", &format!("ReplicaSet {rs_name:?} is progressing."), &now)]})
            } else if failing {
                json!({"observedGeneration": generation, "replicas": replicas, "updatedReplicas": replicas,
                       "unavailableReplicas": replicas, "conditions": [
                    condition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", &now),
                    condition("Progressing", "False", "ProgressDeadlineExceeded", &format!("ReplicaSet {rs_name:?} has timed out progressing."), &now)]})
            } else {
                json!({"observedGeneration": generation, "replicas": replicas, "updatedReplicas": replicas,
                       "readyReplicas": replicas, "availableReplicas": replicas, "conditions": [
                    condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", &now),
                    condition("Progressing", "True", "NewReplicaSetAvailable", &format!("ReplicaSet {rs_name:?} has successfully progressed."), &now)]})
            }
        }
        ("apps", "ReplicaSet") => json!({"observedGeneration": generation, "replicas": replicas,
            "fullyLabeledReplicas": replicas, "readyReplicas": ready, "availableReplicas": ready}),
        ("apps", "StatefulSet") => {
            let revision = format!("{name}-{}", &short_hash(obj.pointer("/spec/template").unwrap_or(&Value::Null))[..8]);
            let mut labels = obj.pointer("/spec/template/metadata/labels").filter(|l| l.is_object()).cloned().unwrap_or(json!({}));
            labels["controller-revision-hash"] = json!(revision);
            let pods = PodSet { owner: &obj, owner_kind: "StatefulSet", owner_api_version: "apps/v1", template: obj.pointer("/spec/template"), labels, count: replicas, failing, finished: false, pending: started };
            pods.ensure(api, &key.namespace, |i| format!("{name}-{i}"));
            json!({"observedGeneration": generation, "replicas": replicas, "readyReplicas": ready,
                   "currentReplicas": replicas, "updatedReplicas": replicas, "availableReplicas": ready,
                   "currentRevision": revision, "updateRevision": revision, "collisionCount": 0})
        }
        ("apps", "DaemonSet") => {
            let up = if failing || started { 0 } else { 1 };
            let labels = obj.pointer("/spec/template/metadata/labels").cloned().unwrap_or(json!({}));
            let pods = PodSet { owner: &obj, owner_kind: "DaemonSet", owner_api_version: "apps/v1", template: obj.pointer("/spec/template"), labels, count: 1, failing, finished: false, pending: started };
            pods.ensure(api, &key.namespace, |_| format!("{name}-{}", random_suffix(5)));
            let mut s = json!({"observedGeneration": generation, "currentNumberScheduled": 1, "desiredNumberScheduled": 1,
                   "numberMisscheduled": 0, "numberReady": up, "numberAvailable": up, "updatedNumberScheduled": 1});
            if up == 0 {
                s["numberUnavailable"] = json!(1);
            }
            s
        }
        ("batch", "Job") => {
            let uid = obj.pointer("/metadata/uid").cloned().unwrap_or(json!(""));
            let mut labels = obj.pointer("/spec/template/metadata/labels").cloned().unwrap_or(json!({}));
            if let Some(l) = labels.as_object_mut() {
                for k in ["job-name", "batch.kubernetes.io/job-name"] {
                    l.insert(k.into(), json!(name));
                }
                for k in ["controller-uid", "batch.kubernetes.io/controller-uid"] {
                    l.insert(k.into(), uid.clone());
                }
            }
            let pods = PodSet { owner: &obj, owner_kind: "Job", owner_api_version: "batch/v1", template: obj.pointer("/spec/template"), labels, count: 1, failing, finished: !started, pending: started };
            pods.ensure(api, &key.namespace, |_| format!("{name}-{}", random_suffix(5)));
            if started {
                api.write_status(res, key, generation, json!({"startTime": now, "active": 1, "ready": 0, "terminating": 0, "uncountedTerminatedPods": {}}), MANAGER);
                return;
            }
            if failing {
                record_event(api, &obj, "Warning", "BackoffLimitExceeded", "Job has reached the specified backoff limit", "job-controller");
            } else {
                record_event(api, &obj, "Normal", "Completed", "Job completed", "job-controller");
            }
            if failing {
                json!({"startTime": now, "failed": 1, "active": 0, "ready": 0, "terminating": 0, "conditions": [
                    condition("FailureTarget", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit", &now),
                    condition("Failed", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit", &now)]})
            } else {
                let completions = obj.pointer("/spec/completions").and_then(Value::as_i64).unwrap_or(1);
                json!({"startTime": now, "completionTime": now, "succeeded": completions, "active": 0, "ready": 0, "terminating": 0,
                       "uncountedTerminatedPods": {}, "conditions": [
                    condition("SuccessCriteriaMet", "True", "CompletionsReached", "Reached expected number of succeeded pods", &now),
                    condition("Complete", "True", "CompletionsReached", "Reached expected number of succeeded pods", &now)]})
            }
        }
        ("", "PersistentVolumeClaim") => {
            if failing || started {
                return;
            }
            let storage = obj.pointer("/spec/resources/requests/storage").cloned().unwrap_or(json!("1Gi"));
            json!({"phase": "Bound", "accessModes": obj.pointer("/spec/accessModes").cloned().unwrap_or(json!(["ReadWriteOnce"])),
                   "capacity": {"storage": storage}})
        }
        ("", "Service") => {
            if failing || started || obj.pointer("/spec/type").and_then(Value::as_str) != Some("LoadBalancer") {
                return;
            }
            let octet = 1 + (short_hash(&json!(name)).bytes().next().unwrap_or(0) % 200);
            json!({"loadBalancer": {"ingress": [{"ip": format!("192.0.2.{octet}"), "ipMode": "VIP"}]}})
        }
        ("", "Pod") => {
            let always = obj.pointer("/spec/restartPolicy").and_then(Value::as_str).is_none_or(|p| p == "Always");
            let pods = PodSet { owner: &obj, owner_kind: "Pod", owner_api_version: "v1", template: None, labels: json!({}), count: 0, failing, finished: !always, pending: started };
            pods.status(obj.get("spec").unwrap_or(&Value::Null), &now, 0)
        }
        _ => return,
    };
    api.write_status(res, key, generation, status, MANAGER);
}

/// Creates or updates the Deployment's current ReplicaSet; scales old ones to zero.
fn ensure_replica_set(api: &Arc<Api>, deploy: &Value, key: &ObjectKey, replicas: i64, ready: i64) -> (String, Option<Value>) {
    let Some(rs_res) = api.find("apps", "v1", "replicasets") else { return (String::new(), None) };
    let template = deploy.pointer("/spec/template").cloned().unwrap_or(json!({}));
    let hash = short_hash(&semantic(&template));
    let rs_name = format!("{}-{hash}", key.name);
    let uid = deploy.pointer("/metadata/uid").and_then(Value::as_str).unwrap_or_default().to_string();
    let now = clock::now();
    let mut rs_template = template.clone();
    meta_mut(&mut rs_template)
        .entry("labels")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .map(|l| l.insert("pod-template-hash".into(), json!(hash)));
    let mut selector = deploy.pointer("/spec/selector").cloned().unwrap_or(json!({}));
    if selector.is_object() {
        selector
            .as_object_mut()
            .map(|s| s.entry("matchLabels").or_insert_with(|| json!({})))
            .and_then(Value::as_object_mut)
            .map(|m| m.insert("pod-template-hash".into(), json!(hash)));
    }
    let owner = json!([{"apiVersion": "apps/v1", "kind": "Deployment", "name": key.name, "uid": uid,
                        "controller": true, "blockOwnerDeletion": true}]);
    let existing: Vec<Value> = api
        .objects
        .lock()
        .map(|o| o.list(&rs_res.storage_key(), Some(&key.namespace)).into_iter().cloned().collect())
        .unwrap_or_default();
    for old in existing.iter().filter(|rs| {
        rs.pointer("/metadata/ownerReferences/0/uid").and_then(Value::as_str) == Some(uid.as_str())
            && rs.pointer("/metadata/name").and_then(Value::as_str) != Some(rs_name.as_str())
    }) {
        let mut scaled = old.clone();
        if !scaled.get("spec").is_some_and(Value::is_object) {
            continue;
        }
        scaled["spec"]["replicas"] = json!(0);
        scaled["status"] = json!({"replicas": 0, "observedGeneration": 1});
        let old_key = ObjectKey {
            storage_key: rs_res.storage_key(),
            namespace: key.namespace.clone(),
            name: old.pointer("/metadata/name").and_then(Value::as_str).unwrap_or_default().to_string(),
        };
        let old_uid = old.pointer("/metadata/uid").and_then(Value::as_str).unwrap_or_default().to_string();
        api.controller_put(&old_key, scaled);
        PodSet::remove_owned(api, &key.namespace, &old_uid, 0);
    }
    let previous = existing
        .iter()
        .find(|rs| rs.pointer("/metadata/name").and_then(Value::as_str) == Some(rs_name.as_str()));
    let labels = rs_template.pointer("/metadata/labels").cloned().unwrap_or(json!({}));
    let revision_of = |rs: &Value| -> i64 {
        rs.pointer("/metadata/annotations/deployment.kubernetes.io~1revision")
            .and_then(Value::as_str)
            .and_then(|r| r.parse().ok())
            .unwrap_or(0)
    };
    let newest = existing
        .iter()
        .filter(|rs| rs.pointer("/metadata/ownerReferences/0/uid").and_then(Value::as_str) == Some(uid.as_str()))
        .map(revision_of)
        .max()
        .unwrap_or(0);
    // Rolling back to an older template revives its ReplicaSet as the newest revision.
    let revision = match previous {
        Some(p) if revision_of(p) == newest => newest,
        _ => newest + 1,
    };
    let rs = json!({
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {
            "name": rs_name, "namespace": key.namespace, "labels": labels,
            "uid": previous.and_then(|p| p.pointer("/metadata/uid").cloned()).unwrap_or(json!(uuid::Uuid::new_v4().to_string())),
            "creationTimestamp": previous.and_then(|p| p.pointer("/metadata/creationTimestamp").cloned()).unwrap_or(json!(now)),
            "generation": 1,
            "annotations": {"deployment.kubernetes.io/desired-replicas": replicas.to_string(),
                            "deployment.kubernetes.io/max-replicas": replicas.to_string(),
                            "deployment.kubernetes.io/revision": revision.to_string()},
            "ownerReferences": owner,
        },
        "spec": {"replicas": replicas, "selector": selector, "template": rs_template},
        "status": {"replicas": replicas, "fullyLabeledReplicas": replicas, "readyReplicas": ready,
                   "availableReplicas": ready, "observedGeneration": 1},
    });
    let rs_key = ObjectKey { storage_key: rs_res.storage_key(), namespace: key.namespace.clone(), name: rs_name.clone() };
    let scaled_from = previous.and_then(|p| p.pointer("/spec/replicas")).and_then(Value::as_i64).unwrap_or(0);
    if scaled_from != replicas {
        let direction = if replicas > scaled_from { "up" } else { "down" };
        record_event(
            api,
            deploy,
            "Normal",
            "ScalingReplicaSet",
            &format!("Scaled {direction} replica set {rs_name} from {scaled_from} to {replicas}"),
            "deployment-controller",
        );
    }
    let mut compare = rs.clone();
    if let (Some(p), Some(m)) = (previous, compare.get_mut("metadata").and_then(Value::as_object_mut)) {
        if let Some(rv) = p.pointer("/metadata/resourceVersion") {
            m.insert("resourceVersion".into(), rv.clone());
        }
    }
    api.controller_put(&rs_key, compare);
    let stored = api.objects.lock().ok().and_then(|o| o.get(&rs_key).cloned());
    (rs_name, stored)
}

/// A template as the deployment controller compares them: without nulls and
/// empty values, which defaulting and round trips add or drop.
fn semantic(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| k.as_str() != "pod-template-hash")
                .map(|(k, v)| (k.clone(), semantic(v)))
                .filter(|(_, v)| !(v.is_null() || v.as_object().is_some_and(|o| o.is_empty()) || v.as_array().is_some_and(|a| a.is_empty())))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(semantic).collect()),
        other => other.clone(),
    }
}

/// The Pods a workload controller keeps: `count` of them from `template`,
/// running and ready (or crash-looping when failing), or finished for Jobs.
struct PodSet<'a> {
    owner: &'a Value,
    owner_kind: &'a str,
    owner_api_version: &'a str,
    template: Option<&'a Value>,
    labels: Value,
    count: i64,
    failing: bool,
    finished: bool,
    /// Scheduled, containers still being created.
    pending: bool,
}

fn pods_key(namespace: &str, name: &str) -> ObjectKey {
    ObjectKey { storage_key: "/pods".into(), namespace: namespace.to_string(), name: name.to_string() }
}

impl PodSet<'_> {
    /// Pods owned by `uid`, beyond the first `keep`, are deleted.
    fn remove_owned(api: &Arc<Api>, namespace: &str, uid: &str, keep: usize) {
        let owned: Vec<String> = api
            .objects
            .lock()
            .map(|o| {
                o.list("/pods", Some(namespace))
                    .into_iter()
                    .filter(|p| p.pointer("/metadata/ownerReferences/0/uid").and_then(Value::as_str) == Some(uid))
                    .filter_map(|p| p.pointer("/metadata/name").and_then(Value::as_str).map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        for name in owned.into_iter().skip(keep) {
            api.controller_remove(&pods_key(namespace, &name));
        }
    }

    fn status(&self, spec: &Value, now: &str, index: usize) -> Value {
        let containers = spec.get("containers").and_then(Value::as_array).cloned().unwrap_or_default();
        let (phase, ready) = match (self.pending, self.failing, self.finished) {
            (true, _, _) => ("Pending", false),
            (false, true, true) => ("Failed", false),
            (false, false, true) => ("Succeeded", false),
            (false, true, false) => ("Running", false),
            (false, false, false) => ("Running", true),
        };
        let statuses: Vec<Value> = containers
            .iter()
            .map(|c| {
                let name = c.get("name").cloned().unwrap_or(json!(""));
                let image = c.get("image").cloned().unwrap_or(json!(""));
                let state = match (self.failing, self.finished) {
                    _ if self.pending => json!({"waiting": {"reason": "ContainerCreating"}}),
                    (_, true) => json!({"terminated": {"exitCode": if self.failing { 1 } else { 0 },
                        "reason": if self.failing { "Error" } else { "Completed" }, "startedAt": now, "finishedAt": now}}),
                    (true, false) => json!({"waiting": {"reason": "CrashLoopBackOff",
                        "message": format!("back-off 5m0s restarting failed container={} pod", name.as_str().unwrap_or_default())}}),
                    (false, false) => json!({"running": {"startedAt": now}}),
                };
                let mut status = json!({"name": name, "image": image, "imageID": "", "ready": ready, "started": ready,
                       "restartCount": if self.failing && !self.finished { 3 } else { 0 }, "state": state});
                if !self.pending {
                    status["containerID"] = json!(format!("containerd://{}", short_hash(&json!([now, name, index]))));
                }
                status
            })
            .collect();
        let flag = |b: bool| if b { "True" } else { "False" };
        json!({
            "phase": phase, "hostIP": "10.0.0.1", "hostIPs": [{"ip": "10.0.0.1"}],
            "podIP": format!("10.244.0.{}", 10 + index % 200), "startTime": now, "qosClass": "BestEffort",
            "conditions": [
                {"type": "PodReadyToStartContainers", "status": "True", "lastTransitionTime": now},
                {"type": "Initialized", "status": "True", "lastTransitionTime": now},
                {"type": "Ready", "status": flag(ready), "lastTransitionTime": now},
                {"type": "ContainersReady", "status": flag(ready), "lastTransitionTime": now},
                {"type": "PodScheduled", "status": "True", "lastTransitionTime": now}],
            "containerStatuses": statuses,
        })
    }

    fn ensure(&self, api: &Arc<Api>, namespace: &str, name_for: impl Fn(usize) -> String) {
        let uid = self.owner.pointer("/metadata/uid").and_then(Value::as_str).unwrap_or_default().to_string();
        let owner_name = self.owner.pointer("/metadata/name").cloned().unwrap_or(json!(""));
        let existing: Vec<Value> = api
            .objects
            .lock()
            .map(|o| {
                o.list("/pods", Some(namespace))
                    .into_iter()
                    .filter(|p| p.pointer("/metadata/ownerReferences/0/uid").and_then(Value::as_str) == Some(uid.as_str()))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        let count = self.count.max(0) as usize;
        let now = clock::now();
        let mut spec = self.template.and_then(|t| t.get("spec")).cloned().unwrap_or(json!({}));
        if let Some(m) = spec.as_object_mut() {
            m.insert("nodeName".into(), json!(crate::api::NODE_NAME));
            m.entry("restartPolicy").or_insert(json!("Always"));
            m.entry("schedulerName").or_insert(json!("default-scheduler"));
        }
        for index in 0..count {
            let previous = existing.get(index);
            let name = previous
                .and_then(|p| p.pointer("/metadata/name").and_then(Value::as_str).map(str::to_string))
                .unwrap_or_else(|| name_for(index));
            let mut labels = if self.labels.is_object() { self.labels.clone() } else { json!({}) };
            if self.owner_kind == "StatefulSet" {
                labels["statefulset.kubernetes.io/pod-name"] = json!(name);
                labels["apps.kubernetes.io/pod-index"] = json!(index.to_string());
            }
            let pod = json!({
                "apiVersion": "v1", "kind": "Pod",
                "metadata": {
                    "name": name, "namespace": namespace, "labels": labels,
                    "uid": previous.and_then(|p| p.pointer("/metadata/uid").cloned()).unwrap_or(json!(uuid::Uuid::new_v4().to_string())),
                    "creationTimestamp": previous.and_then(|p| p.pointer("/metadata/creationTimestamp").cloned()).unwrap_or(json!(now)),
                    "generation": 1,
                    "ownerReferences": [{"apiVersion": self.owner_api_version, "kind": self.owner_kind, "name": owner_name,
                                         "uid": uid, "controller": true, "blockOwnerDeletion": true}],
                },
                "spec": spec,
                "status": self.status(&spec, &now, index),
            });
            if self.failing && !self.finished {
                for c in spec.get("containers").and_then(Value::as_array).into_iter().flatten() {
                    let container = c.get("name").and_then(Value::as_str).unwrap_or_default();
                    record_event(api, &pod, "Warning", "BackOff", &format!("Back-off restarting failed container {container} in pod {name}_{namespace}({})", pod.pointer("/metadata/uid").and_then(Value::as_str).unwrap_or_default()), "kubelet");
                }
            }
            api.controller_put(&pods_key(namespace, &name), pod);
        }
        Self::remove_owned(api, namespace, &uid, count);
    }
}
