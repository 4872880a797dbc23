//! Object storage: every object by resource, namespace and name, the global
//! resourceVersion counter, and the event log that watches replay and follow.

use serde_json::Value;
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use tokio::sync::broadcast;


#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventType {
    Added,
    Modified,
    Deleted,
}

/// One change, as watches see it.
#[derive(Debug)]
pub struct Event {
    pub rv: u64,
    pub storage_key: String,
    pub namespace: String,
    pub kind: EventType,
    pub object: Value,
}

/// Identity of a stored object.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ObjectKey {
    pub storage_key: String,
    pub namespace: String,
    pub name: String,
}

/// Everything stored, guarded by one lock.
#[derive(Debug)]
pub struct Objects {
    objects: BTreeMap<ObjectKey, Value>,
    rv: u64,
    events: VecDeque<Arc<Event>>,
    /// Events kept for watches that resume from an older resourceVersion.
    history: usize,
}

impl Objects {
    pub fn new(history: usize) -> Objects {
        Objects { objects: BTreeMap::new(), rv: 0, events: VecDeque::new(), history: history.max(1) }
    }

    pub fn current_rv(&self) -> u64 {
        self.rv
    }

    /// The oldest resourceVersion a watch can still resume from.
    pub fn oldest_resumable(&self) -> u64 {
        match self.events.front() {
            Some(e) if self.events.len() >= self.history => e.rv,
            _ => 0,
        }
    }

    pub fn get(&self, key: &ObjectKey) -> Option<&Value> {
        self.objects.get(key)
    }

    /// Objects of one resource (in one namespace, or all), in key order.
    pub fn list(&self, storage_key: &str, namespace: Option<&str>) -> Vec<&Value> {
        self.objects
            .iter()
            .filter(|(k, _)| k.storage_key == storage_key && namespace.is_none_or(|ns| k.namespace == ns))
            .map(|(_, v)| v)
            .collect()
    }

    /// Keys of every object in a namespace.
    pub fn keys_in_namespace(&self, namespace: &str) -> Vec<ObjectKey> {
        self.objects.keys().filter(|k| k.namespace == namespace).cloned().collect()
    }

    /// Every object whose ownerReferences name `uid`.
    pub fn dependents_of(&self, uid: &str) -> Vec<ObjectKey> {
        self.objects
            .iter()
            .filter(|(_, v)| {
                v.pointer("/metadata/ownerReferences")
                    .and_then(Value::as_array)
                    .is_some_and(|refs| refs.iter().any(|r| r.get("uid").and_then(Value::as_str) == Some(uid)))
            })
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// Events after `rv` still in the log.
    pub fn events_since(&self, rv: u64) -> Vec<Arc<Event>> {
        self.events.iter().filter(|e| e.rv > rv).cloned().collect()
    }

    fn record(&mut self, tx: &broadcast::Sender<Arc<Event>>, key: &ObjectKey, kind: EventType, object: Value) {
        let event = Arc::new(Event {
            rv: self.rv,
            storage_key: key.storage_key.clone(),
            namespace: key.namespace.clone(),
            kind,
            object,
        });
        if self.events.len() >= self.history {
            self.events.pop_front();
        }
        self.events.push_back(event.clone());
        let _ = tx.send(event);
    }

    /// Stores an object under a new resourceVersion and returns it as stored.
    pub fn put(&mut self, tx: &broadcast::Sender<Arc<Event>>, key: ObjectKey, mut object: Value) -> Value {
        self.rv += 1;
        if let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.insert("resourceVersion".into(), Value::String(self.rv.to_string()));
        }
        let kind = if self.objects.contains_key(&key) { EventType::Modified } else { EventType::Added };
        self.objects.insert(key.clone(), object.clone());
        self.record(tx, &key, kind, object.clone());
        object
    }

    /// Removes an object, returning it with the deletion's resourceVersion.
    pub fn remove(&mut self, tx: &broadcast::Sender<Arc<Event>>, key: &ObjectKey) -> Option<Value> {
        let mut object = self.objects.remove(key)?;
        self.rv += 1;
        if let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.insert("resourceVersion".into(), Value::String(self.rv.to_string()));
        }
        self.record(tx, key, EventType::Deleted, object.clone());
        Some(object)
    }
}
