//! Go-typed template values: what a `reflect.Value` can hold inside a Helm render.
//!
//! Maps have Go's reference semantics (a `set` through one handle is seen by every
//! other), lists are immutable once built, and every value knows its Go type so that
//! `%T`, comparisons and function argument checks behave as Go's do.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, OnceLock, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::object::Object;
use crate::types::{GoType, IntKind, UintKind};

/// A template value with its Go dynamic type.
#[derive(Clone)]
pub enum Value {
    /// An untyped nil (a nil `interface{}`): prints `<nil>`, is "missing" for `missingkey`.
    Nil,
    Bool(bool),
    /// A signed integer of the given Go kind (`int`, `int64`, `int32`...).
    Int(i64, IntKind),
    /// An unsigned integer of the given Go kind (`uint`, `uint8`...).
    Uint(u64, UintKind),
    Float(f64),
    String(Arc<str>),
    /// A `[]byte`.
    Bytes(Arc<[u8]>),
    List(Arc<List>),
    Map(Arc<Map>),
    /// A host object (struct or pointer to struct) with fields and methods.
    Object(Arc<dyn Object>),
}

impl Value {
    /// A Go `int`.
    pub fn int(v: i64) -> Value {
        Value::Int(v, IntKind::Int)
    }

    /// A Go `int64`.
    pub fn int64(v: i64) -> Value {
        Value::Int(v, IntKind::Int64)
    }

    pub fn string(s: impl Into<Arc<str>>) -> Value {
        Value::String(s.into())
    }

    /// A `[]interface {}` holding the given values.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Arc::new(List::new(GoType::Interface, items)))
    }

    /// A `map[string]interface {}` holding the given entries.
    pub fn map(entries: BTreeMap<String, Value>) -> Value {
        Value::Map(Arc::new(Map::new(MapType::interface(), entries)))
    }

    /// The Go dynamic type of this value, as `%T` prints it.
    pub fn go_type(&self) -> GoType {
        match self {
            Value::Nil => GoType::Nil,
            Value::Bool(_) => GoType::Bool,
            Value::Int(_, k) => GoType::Int(*k),
            Value::Uint(_, k) => GoType::Uint(*k),
            Value::Float(_) => GoType::Float64,
            Value::String(_) => GoType::String,
            Value::Bytes(_) => GoType::Slice(Arc::new(GoType::Uint(UintKind::Uint8))),
            Value::List(l) => match &l.named {
                Some(named) => GoType::Named(named.type_name().into()),
                None => GoType::Slice(Arc::new(l.elem.clone())),
            },
            Value::Map(m) => m.ty.go_type(),
            Value::Object(o) => GoType::Named(o.type_name().into()),
        }
    }

    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// Go's notion of truth used by `if`, `with`, `and`, `or` and `not`: false for
    /// nil, false, zero numbers, and empty strings, slices and maps.
    pub fn truth(&self) -> bool {
        match self {
            Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i, _) => *i != 0,
            Value::Uint(u, _) => *u != 0,
            Value::Float(f) => *f != 0.0,
            Value::String(s) => !s.is_empty(),
            Value::Bytes(b) => !b.is_empty(),
            Value::List(l) => !l.items.is_empty(),
            Value::Map(m) => !m.is_empty(),
            Value::Object(o) => o.truth(),
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.into())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s.into())
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Value::Float(f)
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Nil => write!(f, "nil"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i, k) => write!(f, "{k:?}({i})"),
            Value::Uint(u, k) => write!(f, "{k:?}({u})"),
            Value::Float(x) => write!(f, "float64({x})"),
            Value::String(s) => write!(f, "{s:?}"),
            Value::Bytes(b) => write!(f, "bytes({b:?})"),
            Value::List(l) => f.debug_list().entries(l.items.iter()).finish(),
            Value::Map(m) => f.debug_map().entries(m.read().iter()).finish(),
            Value::Object(o) => write!(f, "<{}>", o.type_name()),
        }
    }
}

/// An immutable Go slice: its element type and its items.
#[derive(Clone, Debug)]
pub struct List {
    pub elem: GoType,
    pub items: Vec<Value>,
    /// For a named slice type (such as Helm's `common.VersionSet`): the object
    /// that names the type and answers its methods.
    pub named: Option<Arc<dyn Object>>,
}

impl List {
    pub fn new(elem: GoType, items: Vec<Value>) -> List {
        List {
            elem,
            items,
            named: None,
        }
    }

    /// A slice of a named type whose name and methods come from `named`.
    pub fn named(elem: GoType, items: Vec<Value>, named: Arc<dyn Object>) -> List {
        List {
            elem,
            items,
            named: Some(named),
        }
    }
}

/// The static type of a map: `map[string]ELEM`, possibly a named type such as
/// `chartutil.Values`.
#[derive(Clone, Debug, PartialEq)]
pub struct MapType {
    pub name: Option<Arc<str>>,
    pub elem: GoType,
}

impl MapType {
    /// `map[string]interface {}`.
    pub fn interface() -> MapType {
        MapType {
            name: None,
            elem: GoType::Interface,
        }
    }

    /// A named type whose underlying type is `map[string]interface {}`.
    pub fn named(name: &str) -> MapType {
        MapType {
            name: Some(name.into()),
            elem: GoType::Interface,
        }
    }

    pub fn go_type(&self) -> GoType {
        match &self.name {
            Some(n) => GoType::Named(n.clone()),
            None => GoType::Map(Arc::new(GoType::String), Arc::new(self.elem.clone())),
        }
    }
}

/// A Go map with string keys. Shared and mutable like a Go map: cloning the `Arc`
/// yields another handle to the same entries. Iteration is in sorted key order, as
/// Go's template `range` and `fmt` print maps.
#[derive(Debug)]
pub struct Map {
    pub ty: MapType,
    entries: RwLock<BTreeMap<String, Value>>,
    /// For a map whose entries are costly and seldom read (Helm's `.Files`): what
    /// makes them, called on the first read or write.
    deferred: Option<Deferred>,
    /// For a named map type with methods (such as Helm's `.Files`): the object
    /// that answers its methods.
    pub methods: Option<Arc<dyn Object>>,
    /// When the map was made, for [`crate::hold::WriteHold`]: writes to maps
    /// made before a hold began are dropped under it.
    born: u64,
}

/// The maker of a deferred map's entries, and whether it has run.
struct Deferred {
    make: Box<EntriesMaker>,
    made: OnceLock<()>,
}

type EntriesMaker = dyn Fn() -> BTreeMap<String, Value> + Send + Sync;

impl fmt::Debug for Deferred {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = if self.made.get().is_some() {
            "made"
        } else {
            "pending"
        };
        write!(f, "Deferred({state})")
    }
}

impl Map {
    pub fn new(ty: MapType, entries: BTreeMap<String, Value>) -> Map {
        Map {
            ty,
            entries: RwLock::new(entries),
            deferred: None,
            methods: None,
            born: crate::hold::generation_now(),
        }
    }

    /// A map of a named type with methods whose entries `make` produces when they
    /// are first read or written; calling its methods does not make them.
    pub fn deferred_with_methods(
        ty: MapType,
        methods: Arc<dyn Object>,
        make: impl Fn() -> BTreeMap<String, Value> + Send + Sync + 'static,
    ) -> Map {
        Map {
            ty,
            entries: RwLock::new(BTreeMap::new()),
            deferred: Some(Deferred {
                make: Box::new(make),
                made: OnceLock::new(),
            }),
            methods: Some(methods),
            born: crate::hold::generation_now(),
        }
    }

    fn make_deferred_entries(&self) {
        if let Some(deferred) = &self.deferred {
            deferred.made.get_or_init(|| {
                let entries = (deferred.make)();
                *self.entries.write().unwrap_or_else(|e| e.into_inner()) = entries;
            });
        }
    }

    /// Whether a write must be dropped, a hold being in force over this map.
    fn writes_held(&self) -> bool {
        crate::hold::blocks_write(self.born)
    }

    /// A map of a named type whose methods `methods` answers.
    pub fn with_methods(
        ty: MapType,
        entries: BTreeMap<String, Value>,
        methods: Arc<dyn Object>,
    ) -> Map {
        Map {
            ty,
            entries: RwLock::new(entries),
            deferred: None,
            methods: Some(methods),
            born: crate::hold::generation_now(),
        }
    }

    /// Reads the entries. Never hold the guard while running template code.
    pub fn read(&self) -> RwLockReadGuard<'_, BTreeMap<String, Value>> {
        self.make_deferred_entries();
        self.entries.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, BTreeMap<String, Value>> {
        self.make_deferred_entries();
        self.entries.write().unwrap_or_else(|e| e.into_inner())
    }

    pub fn get(&self, key: &str) -> Option<Value> {
        self.read().get(key).cloned()
    }

    /// Sets `key`; dropped while writes are held.
    pub fn insert(&self, key: impl Into<String>, value: Value) {
        if !self.writes_held() {
            self.write().insert(key.into(), value);
        }
    }

    /// Deletes `key`, returning its value; dropped while writes are held (the
    /// value is returned and stays).
    pub fn remove(&self, key: &str) -> Option<Value> {
        if self.writes_held() {
            return self.get(key);
        }
        self.write().remove(key)
    }

    pub fn len(&self) -> usize {
        self.read().len()
    }

    pub fn is_empty(&self) -> bool {
        self.read().is_empty()
    }

    pub fn keys(&self) -> Vec<String> {
        self.read().keys().cloned().collect()
    }

    /// A snapshot of the entries, in sorted key order.
    pub fn entries(&self) -> Vec<(String, Value)> {
        self.read()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}
