//! Watches: replay from a resourceVersion (410 Gone when too old), the initial
//! state for `sendInitialEvents=true` ending with the `k8s.io/initial-events-end`
//! bookmark, periodic bookmarks, and `timeoutSeconds`.

use crate::api::{Api, Target};
use crate::request::{Reply, RequestInfo};
use crate::selectors::Selector;
use crate::status::ApiError;
use crate::store::EventType;
use crate::table;
use bytes::Bytes;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};

struct Filter {
    storage_key: String,
    namespace: Option<String>,
    labels: Selector,
    fields: Selector,
}

fn object_id(obj: &Value) -> String {
    let meta = |k: &str| obj.pointer(&format!("/metadata/{k}")).and_then(Value::as_str).unwrap_or_default().to_string();
    format!("{}/{}", meta("namespace"), meta("name"))
}

impl Filter {
    /// The event a watcher sees, given which objects it saw match before:
    /// objects entering the selectors are ADDED, leaving ones DELETED.
    fn translate(&self, visible: &mut HashSet<String>, storage_key: &str, namespace: &str, kind: EventType, obj: &Value) -> Option<&'static str> {
        if storage_key != self.storage_key || self.namespace.as_deref().is_some_and(|ns| ns != namespace) {
            return None;
        }
        let id = object_id(obj);
        let now = self.labels.matches_labels(obj) && self.fields.matches_fields(obj);
        let was = visible.contains(&id);
        match (kind, was, now) {
            (EventType::Deleted, true, _) | (EventType::Deleted, false, true) => {
                visible.remove(&id);
                Some("DELETED")
            }
            (EventType::Deleted, false, false) => None,
            (_, true, true) => Some("MODIFIED"),
            (_, false, true) => {
                visible.insert(id);
                Some("ADDED")
            }
            (_, true, false) => {
                visible.remove(&id);
                Some("DELETED")
            }
            (_, false, false) => None,
        }
    }

    fn matches(&self, storage_key: &str, namespace: &str, obj: &Value) -> bool {
        storage_key == self.storage_key
            && self.namespace.as_deref().is_none_or(|ns| ns == namespace)
            && self.labels.matches_labels(obj)
            && self.fields.matches_fields(obj)
    }
}

fn line(kind: &str, obj: Value) -> Bytes {
    let mut text = json!({"type": kind, "object": obj}).to_string();
    text.push('\n');
    Bytes::from(text)
}

/// Starts a watch; the reply streams one JSON event per line.
pub fn start(api: Arc<Api>, req: &RequestInfo, t: &Target) -> Result<Reply, ApiError> {
    let res = t.resource.clone();
    let filter = Filter {
        storage_key: res.storage_key(),
        namespace: t.namespace.clone().filter(|_| res.namespaced),
        labels: Selector::parse(req.query("labelSelector").unwrap_or_default()).map_err(ApiError::bad_request)?,
        fields: Selector::parse(req.query("fieldSelector").unwrap_or_default()).map_err(ApiError::bad_request)?,
    };
    let send_initial = req.query("sendInitialEvents") == Some("true");
    let bookmarks = req.query("allowWatchBookmarks") == Some("true") || send_initial;
    let as_table = req.wants_table();
    let timeout = req
        .query("timeoutSeconds")
        .and_then(|t| t.parse::<u64>().ok())
        .map(Duration::from_secs)
        .unwrap_or(Duration::from_secs(1800));
    let rv_param = req.query("resourceVersion").unwrap_or_default().to_string();
    let present = move |obj: &Value| -> Value {
        let o = Api::present(&res, obj);
        if as_table {
            let rv = o.pointer("/metadata/resourceVersion").and_then(Value::as_str).unwrap_or_default().to_string();
            table::table(&res, &[o], &rv, "Object")
        } else {
            o
        }
    };

    let mut initial: Vec<Bytes> = Vec::new();
    let mut visible: HashSet<String> = HashSet::new();
    let (rx, mut last_rv) = {
        let objects = api
            .objects
            .lock()
            .map_err(|_| ApiError::new(500, "InternalError", "store lock poisoned"))?;
        let rx = api.events.subscribe();
        let current = objects.current_rv();
        let matching = Api::matching(&objects, req, t)?;
        if send_initial || rv_param.is_empty() || rv_param == "0" {
            for o in matching {
                visible.insert(object_id(&o));
                initial.push(line("ADDED", present(&o)));
            }
            if send_initial {
                let bookmark = json!({
                    "kind": t.resource.kind, "apiVersion": t.resource.api_version(),
                    "metadata": {"resourceVersion": current.to_string(),
                                 "annotations": {"k8s.io/initial-events-end": "true"}},
                });
                initial.push(line("BOOKMARK", bookmark));
            }
            (rx, current)
        } else {
            let from: u64 = rv_param
                .parse()
                .map_err(|_| ApiError::bad_request(format!("invalid resource version {rv_param:?}")))?;
            if from < objects.oldest_resumable() {
                let status = ApiError::gone(format!("too old resource version: {from} ({current})")).to_status();
                initial.push(line("ERROR", status));
                let (tx, out) = mpsc::channel(initial.len() + 1);
                for l in initial {
                    let _ = tx.try_send(l);
                }
                return Ok(Reply::Stream(out));
            }
            let replay = objects.events_since(from);
            let replayed: HashSet<String> = replay.iter().map(|e| object_id(&e.object)).collect();
            for o in &matching {
                let id = object_id(o);
                if !replayed.contains(&id) {
                    visible.insert(id);
                }
            }
            for e in replay {
                let existed_before = e.kind != EventType::Added;
                let id = object_id(&e.object);
                if existed_before && !visible.contains(&id) && filter.matches(&e.storage_key, &e.namespace, &e.object) {
                    visible.insert(id);
                }
                if let Some(kind) = filter.translate(&mut visible, &e.storage_key, &e.namespace, e.kind, &e.object) {
                    initial.push(line(kind, present(&e.object)));
                }
            }
            (rx, current.max(from))
        }
    };

    let (tx, out) = mpsc::channel(256);
    let interval = api.settings.bookmark_interval;
    let kind = t.resource.kind.clone();
    let api_version = t.resource.api_version();
    tokio::spawn(async move {
        for l in initial {
            if tx.send(l).await.is_err() {
                return;
            }
        }
        let mut rx = rx;
        let deadline = tokio::time::sleep(timeout);
        tokio::pin!(deadline);
        let mut ticker = tokio::time::interval(interval);
        ticker.tick().await;
        loop {
            tokio::select! {
                _ = &mut deadline => return,
                _ = ticker.tick(), if bookmarks => {
                    let b = json!({"kind": kind, "apiVersion": api_version,
                                   "metadata": {"resourceVersion": last_rv.to_string()}});
                    if tx.send(line("BOOKMARK", b)).await.is_err() { return; }
                }
                ev = rx.recv() => match ev {
                    Ok(e) => {
                        if e.rv <= last_rv { continue; }
                        last_rv = e.rv;
                        if let Some(kind) = filter.translate(&mut visible, &e.storage_key, &e.namespace, e.kind, &e.object) {
                            if tx.send(line(kind, present(&e.object))).await.is_err() { return; }
                        }
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        let status = ApiError::gone("too old resource version").to_status();
                        let _ = tx.send(line("ERROR", status)).await;
                        return;
                    }
                    Err(broadcast::error::RecvError::Closed) => return,
                },
                _ = tx.closed() => return,
            }
        }
    });
    Ok(Reply::Stream(out))
}
