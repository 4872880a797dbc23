//! Defaults the apiserver fills in on write, as far as clients read them back
//! (replicas, strategies, Service ports and ClusterIPs, Secret type, Namespace phase),
//! and the status a CRD gets when its names are accepted.

use serde_json::{json, Value};

fn set_if_absent(obj: &mut Value, pointer: &str, value: Value) {
    if obj.pointer(pointer).is_some() {
        return;
    }
    let mut cur = obj;
    let parts: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    let Some((last, parents)) = parts.split_last() else { return };
    for p in parents {
        if !cur.is_object() {
            return;
        }
        let next = cur
            .as_object_mut()
            .map(|m| m.entry(p.to_string()).or_insert_with(|| json!({})));
        let Some(next) = next else { return };
        cur = next;
    }
    if let Some(m) = cur.as_object_mut() {
        m.insert(last.to_string(), value);
    }
}

/// Drops `null` fields: decoding into Go types leaves them unset, so they are
/// defaulted or omitted like absent ones (`replicas: null` becomes 1).
fn strip_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, child| !child.is_null());
            m.values_mut().for_each(strip_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

/// Fills defaults for `kind` (in group `group`).
pub fn apply(group: &str, kind: &str, obj: &mut Value) {
    strip_nulls(obj);
    match (group, kind) {
        ("apps", "Deployment") => {
            set_if_absent(obj, "/spec/replicas", json!(1));
            set_if_absent(obj, "/spec/revisionHistoryLimit", json!(10));
            set_if_absent(obj, "/spec/progressDeadlineSeconds", json!(600));
            if obj.pointer("/spec/strategy/type").is_none() {
                set_if_absent(obj, "/spec/strategy/type", json!("RollingUpdate"));
            }
            if obj.pointer("/spec/strategy/type").and_then(Value::as_str) == Some("RollingUpdate") {
                set_if_absent(obj, "/spec/strategy/rollingUpdate/maxUnavailable", json!("25%"));
                set_if_absent(obj, "/spec/strategy/rollingUpdate/maxSurge", json!("25%"));
            }
        }
        ("apps", "ReplicaSet") | ("", "ReplicationController") => {
            set_if_absent(obj, "/spec/replicas", json!(1));
        }
        ("apps", "StatefulSet") => {
            set_if_absent(obj, "/spec/replicas", json!(1));
            set_if_absent(obj, "/spec/revisionHistoryLimit", json!(10));
            set_if_absent(obj, "/spec/podManagementPolicy", json!("OrderedReady"));
            set_if_absent(obj, "/spec/updateStrategy/type", json!("RollingUpdate"));
            if obj.pointer("/spec/updateStrategy/type").and_then(Value::as_str) == Some("RollingUpdate") {
                set_if_absent(obj, "/spec/updateStrategy/rollingUpdate/partition", json!(0));
            }
        }
        ("apps", "DaemonSet") => {
            set_if_absent(obj, "/spec/revisionHistoryLimit", json!(10));
            set_if_absent(obj, "/spec/updateStrategy/type", json!("RollingUpdate"));
            if obj.pointer("/spec/updateStrategy/type").and_then(Value::as_str) == Some("RollingUpdate") {
                set_if_absent(obj, "/spec/updateStrategy/rollingUpdate/maxUnavailable", json!(1));
                set_if_absent(obj, "/spec/updateStrategy/rollingUpdate/maxSurge", json!(0));
            }
        }
        ("batch", "Job") => {
            set_if_absent(obj, "/spec/parallelism", json!(1));
            set_if_absent(obj, "/spec/completions", json!(1));
            set_if_absent(obj, "/spec/backoffLimit", json!(6));
            set_if_absent(obj, "/spec/completionMode", json!("NonIndexed"));
            set_if_absent(obj, "/spec/suspend", json!(false));
        }
        ("", "Service") => {
            set_if_absent(obj, "/spec/type", json!("ClusterIP"));
            set_if_absent(obj, "/spec/sessionAffinity", json!("None"));
            if obj.pointer("/spec/type").and_then(Value::as_str) != Some("ExternalName") {
                set_if_absent(obj, "/spec/internalTrafficPolicy", json!("Cluster"));
            }
            if let Some(ports) = obj.pointer_mut("/spec/ports").and_then(Value::as_array_mut) {
                for p in ports {
                    set_if_absent(p, "/protocol", json!("TCP"));
                    if let Some(port) = p.get("port").cloned() {
                        set_if_absent(p, "/targetPort", port);
                    }
                }
            }
        }
        ("", "Secret") => set_if_absent(obj, "/type", json!("Opaque")),
        ("", "Namespace") => {
            set_if_absent(obj, "/spec/finalizers", json!(["kubernetes"]));
            set_if_absent(obj, "/status/phase", json!("Active"));
        }
        ("", "PersistentVolumeClaim") => {
            set_if_absent(obj, "/spec/volumeMode", json!("Filesystem"));
            set_if_absent(obj, "/status/phase", json!("Pending"));
        }
        _ => {}
    }
    pod_template_defaults(obj);
}

fn pod_template_defaults(obj: &mut Value) {
    for pointer in ["/spec/template/spec", "/spec/jobTemplate/spec/template/spec", "/spec"] {
        let is_pod_spec = obj.pointer(pointer).is_some_and(|s| s.get("containers").is_some());
        if !is_pod_spec {
            continue;
        }
        if let Some(spec) = obj.pointer_mut(pointer) {
            for list in ["containers", "initContainers"] {
                if let Some(containers) = spec.get_mut(list).and_then(Value::as_array_mut) {
                    for c in containers {
                        if let Some(ports) = c.get_mut("ports").and_then(Value::as_array_mut) {
                            for p in ports {
                                set_if_absent(p, "/protocol", json!("TCP"));
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The status an Established CRD carries.
pub fn crd_status(crd: &mut Value, now: &str) {
    let names = crd.pointer("/spec/names").cloned().unwrap_or(json!({}));
    let stored: Vec<Value> = crd
        .pointer("/spec/versions")
        .and_then(Value::as_array)
        .map(|vs| {
            vs.iter()
                .filter(|v| v.get("storage").and_then(Value::as_bool) == Some(true))
                .filter_map(|v| v.get("name").cloned())
                .collect()
        })
        .unwrap_or_default();
    let mut accepted = names.clone();
    if accepted.get("singular").is_none() {
        if let Some(kind) = names.get("kind").and_then(Value::as_str) {
            accepted["singular"] = json!(kind.to_lowercase());
        }
    }
    if accepted.get("listKind").is_none() {
        if let Some(kind) = names.get("kind").and_then(Value::as_str) {
            accepted["listKind"] = json!(format!("{kind}List"));
        }
    }
    crd["status"] = json!({
        "acceptedNames": accepted,
        "conditions": [
            {"type": "NamesAccepted", "status": "True", "lastTransitionTime": now, "reason": "NoConflicts", "message": "no conflicts found"},
            {"type": "Established", "status": "True", "lastTransitionTime": now, "reason": "InitialNamesAccepted", "message": "the initial names have been accepted"}
        ],
        "storedVersions": stored,
    });
}
