//! `meta.k8s.io/v1` Table responses, as kubectl asks for when printing.

use crate::clock;
use crate::resources::Resource;
use serde_json::{json, Value};

fn column(name: &str, kind: &str, format: &str, description: &str) -> Value {
    json!({"name": name, "type": kind, "format": format, "description": description, "priority": 0})
}

fn age(obj: &Value) -> String {
    obj.pointer("/metadata/creationTimestamp")
        .and_then(Value::as_str)
        .and_then(clock::parse_rfc3339)
        .map(|t| clock::human_age(clock::unix_now() - t))
        .unwrap_or_else(|| "<unknown>".into())
}

fn int(obj: &Value, pointer: &str) -> i64 {
    obj.pointer(pointer).and_then(Value::as_i64).unwrap_or(0)
}

fn text(obj: &Value, pointer: &str) -> String {
    match obj.pointer(pointer) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => "<none>".into(),
        Some(v) => v.to_string(),
    }
}

/// Computes the cells of one row.
type Cells = Box<dyn Fn(&Value) -> Vec<Value>>;

/// Columns and cells for one resource.
fn columns(res: &Resource) -> (Vec<Value>, Cells) {
    let name = column("Name", "string", "name", "Name must be unique within a namespace.");
    let age_col = column("Age", "string", "", "CreationTimestamp is a timestamp representing the server time when this object was created.");
    let name_of = |o: &Value| json!(o.pointer("/metadata/name").and_then(Value::as_str).unwrap_or_default());
    match (res.group.as_str(), res.kind.as_str()) {
        ("apps", "Deployment") => (
            vec![name, column("Ready", "string", "", "Number of the pod with ready state"),
                 column("Up-to-date", "string", "", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
                 column("Available", "string", "", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."), age_col],
            Box::new(move |o| vec![name_of(o), json!(format!("{}/{}", int(o, "/status/readyReplicas"), int(o, "/spec/replicas"))),
                json!(int(o, "/status/updatedReplicas")), json!(int(o, "/status/availableReplicas")), json!(age(o))]),
        ),
        ("", "Pod") => (
            vec![name, column("Ready", "string", "", "The aggregate readiness state of this pod for accepting traffic."),
                 column("Status", "string", "", "The aggregate status of the containers in this pod."),
                 column("Restarts", "string", "", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."), age_col],
            Box::new(move |o| {
                let statuses = o.pointer("/status/containerStatuses").and_then(Value::as_array).cloned().unwrap_or_default();
                let total = o.pointer("/spec/containers").and_then(Value::as_array).map(|c| c.len()).unwrap_or(0);
                let ready = statuses.iter().filter(|c| c.get("ready") == Some(&Value::Bool(true))).count();
                let restarts: i64 = statuses.iter().map(|c| int(c, "/restartCount")).sum();
                let waiting = statuses.iter().find_map(|c| c.pointer("/state/waiting/reason").and_then(Value::as_str).map(str::to_string));
                let terminated = statuses.iter().find_map(|c| c.pointer("/state/terminated/reason").and_then(Value::as_str).map(str::to_string));
                let status = waiting.or(terminated).unwrap_or_else(|| text(o, "/status/phase"));
                vec![name_of(o), json!(format!("{ready}/{total}")), json!(status), json!(restarts.to_string()), json!(age(o))]
            }),
        ),
        ("apps", "ReplicaSet") => (
            vec![name, column("Desired", "integer", "", "Number of desired pods."), column("Current", "integer", "", "Number of actual replicas."),
                 column("Ready", "integer", "", "The number of ready replicas."), age_col],
            Box::new(move |o| vec![name_of(o), json!(int(o, "/spec/replicas")), json!(int(o, "/status/replicas")),
                json!(int(o, "/status/readyReplicas")), json!(age(o))]),
        ),
        ("apps", "StatefulSet") => (
            vec![name, column("Ready", "string", "", "Number of the pod with ready state"), age_col],
            Box::new(move |o| vec![name_of(o), json!(format!("{}/{}", int(o, "/status/readyReplicas"), int(o, "/spec/replicas"))), json!(age(o))]),
        ),
        ("apps", "DaemonSet") => (
            vec![name, column("Desired", "integer", "", "The total number of nodes that should be running the daemon pod."),
                 column("Current", "integer", "", "The number of nodes running at least one daemon pod."),
                 column("Ready", "integer", "", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready."),
                 column("Up-to-date", "integer", "", "The total number of nodes that are running updated daemon pod."),
                 column("Available", "integer", "", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available."), age_col],
            Box::new(move |o| vec![name_of(o), json!(int(o, "/status/desiredNumberScheduled")), json!(int(o, "/status/currentNumberScheduled")),
                json!(int(o, "/status/numberReady")), json!(int(o, "/status/updatedNumberScheduled")), json!(int(o, "/status/numberAvailable")), json!(age(o))]),
        ),
        ("batch", "Job") => (
            vec![name, column("Status", "string", "", "Status of the job."), column("Completions", "string", "", "The completion status of the job."), age_col],
            Box::new(move |o| {
                let conditions = o.pointer("/status/conditions").and_then(Value::as_array).cloned().unwrap_or_default();
                let has = |t: &str| conditions.iter().any(|c| c.get("type").and_then(Value::as_str) == Some(t) && c.get("status").and_then(Value::as_str) == Some("True"));
                let status = if has("Complete") { "Complete" } else if has("Failed") { "Failed" } else { "Running" };
                vec![name_of(o), json!(status), json!(format!("{}/{}", int(o, "/status/succeeded"), o.pointer("/spec/completions").and_then(Value::as_i64).unwrap_or(1))), json!(age(o))]
            }),
        ),
        ("", "Secret") => (
            vec![name, column("Type", "string", "", "The type of secret"), column("Data", "string", "", "The number of entries in the secret"), age_col],
            Box::new(move |o| vec![name_of(o), json!(text(o, "/type")),
                json!(o.get("data").and_then(Value::as_object).map(|d| d.len()).unwrap_or(0)), json!(age(o))]),
        ),
        ("", "Node") => (
            vec![name, column("Status", "string", "", "The status of the node"), column("Roles", "string", "", "The roles of the node"),
                 age_col, column("Version", "string", "", "Kubelet Version reported by the node.")],
            Box::new(move |o| {
                let ready = o.pointer("/status/conditions").and_then(Value::as_array).is_some_and(|cs| {
                    cs.iter().any(|c| c.get("type").and_then(Value::as_str) == Some("Ready") && c.get("status").and_then(Value::as_str) == Some("True"))
                });
                let roles: Vec<&str> = o.pointer("/metadata/labels").and_then(Value::as_object).map(|l| {
                    l.keys().filter_map(|k| k.strip_prefix("node-role.kubernetes.io/")).collect()
                }).unwrap_or_default();
                vec![name_of(o), json!(if ready { "Ready" } else { "NotReady" }),
                     json!(if roles.is_empty() { "<none>".to_string() } else { roles.join(",") }), json!(age(o)),
                     json!(text(o, "/status/nodeInfo/kubeletVersion"))]
            }),
        ),
        ("", "Event") => (
            vec![column("Last Seen", "string", "", "Time when last event occurred"), column("Type", "string", "", "Type of this event."),
                 column("Reason", "string", "", "Reason why this event was generated."), column("Object", "string", "", "The object this Event is about."),
                 column("Message", "string", "", "A human-readable description of the status of this operation.")],
            Box::new(move |o| {
                let last = o.pointer("/lastTimestamp").and_then(Value::as_str).and_then(clock::parse_rfc3339)
                    .map(|t| clock::human_age(clock::unix_now() - t)).unwrap_or_else(|| "<unknown>".into());
                let object = format!("{}/{}", text(o, "/involvedObject/kind").to_lowercase(), text(o, "/involvedObject/name"));
                vec![json!(last), json!(text(o, "/type")), json!(text(o, "/reason")), json!(object), json!(text(o, "/message"))]
            }),
        ),
        ("", "Namespace") => (
            vec![name, column("Status", "string", "", "The status of the namespace"), age_col],
            Box::new(move |o| vec![name_of(o), json!(text(o, "/status/phase")), json!(age(o))]),
        ),
        ("", "Service") => (
            vec![name, column("Type", "string", "", "The type of the service"), column("Cluster-IP", "string", "", "The IP of the service"),
                 column("External-IP", "string", "", "The external IP"), column("Port(s)", "string", "", "The ports"), age_col],
            Box::new(move |o| {
                let ports = o.pointer("/spec/ports").and_then(Value::as_array).map(|ps| ps.iter().map(|p| match p.get("nodePort") {
                    Some(n) => format!("{}:{}/{}", int(p, "/port"), n, text(p, "/protocol")),
                    None => format!("{}/{}", int(p, "/port"), text(p, "/protocol")),
                }).collect::<Vec<_>>().join(",")).unwrap_or_else(|| "<none>".into());
                let external = o.pointer("/status/loadBalancer/ingress/0/ip").and_then(Value::as_str).unwrap_or("<none>").to_string();
                vec![name_of(o), json!(text(o, "/spec/type")), json!(text(o, "/spec/clusterIP")), json!(external), json!(ports), json!(age(o))]
            }),
        ),
        _ if !res.printer_columns.is_empty() => {
            let cols = res.printer_columns.clone();
            let mut defs = vec![name];
            for c in &cols {
                defs.push(column(
                    c.get("name").and_then(Value::as_str).unwrap_or_default(),
                    c.get("type").and_then(Value::as_str).unwrap_or("string"),
                    c.get("format").and_then(Value::as_str).unwrap_or_default(),
                    c.get("description").and_then(Value::as_str).unwrap_or_default(),
                ));
            }
            (defs, Box::new(move |o| {
                let mut cells = vec![name_of(o)];
                for c in &cols {
                    let path = c.get("jsonPath").and_then(Value::as_str).unwrap_or_default();
                    let pointer = path.replace('.', "/");
                    if pointer == "/metadata/creationTimestamp" {
                        cells.push(json!(age(o)));
                    } else {
                        cells.push(o.pointer(&pointer).cloned().unwrap_or(Value::Null));
                    }
                }
                cells
            }))
        }
        _ => (vec![name, age_col], Box::new(move |o| vec![name_of(o), json!(age(o))])),
    }
}

/// A Table of `items`; rows carry the object or its metadata as asked.
pub fn table(res: &Resource, items: &[Value], rv: &str, include_object: &str) -> Value {
    let (defs, cells) = columns(res);
    let rows: Vec<Value> = items
        .iter()
        .map(|o| {
            let object = match include_object {
                "None" => Value::Null,
                "Object" => o.clone(),
                _ => json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                            "metadata": o.get("metadata").cloned().unwrap_or(json!({}))}),
            };
            json!({"cells": cells(o), "object": object})
        })
        .collect();
    json!({
        "kind": "Table", "apiVersion": "meta.k8s.io/v1",
        "metadata": {"resourceVersion": rv},
        "columnDefinitions": defs,
        "rows": rows,
    })
}
