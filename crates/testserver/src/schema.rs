//! The structured-merge-diff type model: which fields are structs, maps, atomic
//! values, and which lists merge by key. Built-in types come from the generated
//! `data/schema.json`; CRDs add theirs from `openAPIV3Schema` at run time.

use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// How the children of a map or list relate to each other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relationship {
    /// The whole value is one field: replaced, owned and compared as a unit.
    Atomic,
    /// Children are separate fields (maps), or list items keyed by `keys` or by value.
    Granular,
}

/// A reference to a type: by name in the schema, or spelled out in place.
#[derive(Clone, Debug)]
pub enum TypeRef {
    Named(String),
    Inline(Arc<Atom>),
}

/// One type: a scalar, a list, a map, or (for untyped values) all three.
#[derive(Clone, Debug, Default)]
pub struct Atom {
    pub scalar: bool,
    pub list: Option<ListType>,
    pub map: Option<MapType>,
    /// Marks `IntOrString`-like scalars for the OpenAPI documents.
    pub scalar_kind: Option<String>,
}

#[derive(Clone, Debug)]
pub struct ListType {
    pub element: TypeRef,
    pub relationship: Relationship,
    /// Key fields of an associative list of maps; empty for a set of scalars.
    pub keys: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct MapType {
    pub fields: Vec<Field>,
    pub element: Option<TypeRef>,
    pub relationship: Relationship,
}

#[derive(Clone, Debug)]
pub struct Field {
    pub name: String,
    pub ty: TypeRef,
    pub default: Option<Value>,
}

impl MapType {
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// Name of the untyped type whose maps are granular and lists atomic.
pub const DEDUCED: &str = "__untyped_deduced_";
/// The type name of object metadata.
pub const OBJECT_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

/// A set of named types.
#[derive(Debug, Default)]
pub struct Schema {
    types: HashMap<String, Arc<Atom>>,
    /// Type names by the address of their stored type, built on first use.
    names: OnceLock<HashMap<usize, String>>,
}

impl Schema {
    /// The schema of every built-in type, parsed once.
    pub fn builtin() -> &'static Schema {
        static SCHEMA: OnceLock<Schema> = OnceLock::new();
        SCHEMA.get_or_init(|| {
            let text = include_str!("../data/schema.json");
            let parsed: serde_json::Map<String, Value> =
                serde_json::from_str(text).unwrap_or_default();
            let types = parsed
                .iter()
                .map(|(name, v)| (name.clone(), Arc::new(parse_atom(v))))
                .collect();
            Schema { types, names: OnceLock::new() }
        })
    }

    pub fn get(&self, name: &str) -> Option<&Arc<Atom>> {
        self.types.get(name)
    }

    /// The name under which this very type is stored.
    pub fn name_of(&self, atom: &Atom) -> Option<&str> {
        self.names
            .get_or_init(|| self.types.iter().map(|(n, a)| (Arc::as_ptr(a) as usize, n.clone())).collect())
            .get(&(atom as *const Atom as usize))
            .map(String::as_str)
    }

    /// The untyped type: granular maps, atomic lists.
    pub fn deduced(&self) -> &Atom {
        self.types.get(DEDUCED).map(|a| a.as_ref()).unwrap_or_else(|| deduced_fallback())
    }

    /// Resolves a reference, falling back to the deduced untyped type.
    pub fn resolve<'a>(&'a self, r: &'a TypeRef) -> &'a Atom {
        match r {
            TypeRef::Inline(a) => a,
            TypeRef::Named(n) => self
                .types
                .get(n.as_str())
                .or_else(|| self.types.get(DEDUCED))
                .map(|a| a.as_ref())
                .unwrap_or_else(|| deduced_fallback()),
        }
    }
}

fn deduced_fallback() -> &'static Atom {
    static ATOM: OnceLock<Atom> = OnceLock::new();
    ATOM.get_or_init(|| Atom {
        scalar: true,
        list: Some(ListType {
            element: TypeRef::Named("__untyped_atomic_".into()),
            relationship: Relationship::Atomic,
            keys: Vec::new(),
        }),
        map: Some(MapType {
            fields: Vec::new(),
            element: Some(TypeRef::Named(DEDUCED.into())),
            relationship: Relationship::Granular,
        }),
        scalar_kind: Some("untyped".into()),
    })
}

fn relationship(v: Option<&Value>) -> Relationship {
    match v.and_then(Value::as_str) {
        Some("atomic") => Relationship::Atomic,
        _ => Relationship::Granular,
    }
}

fn parse_ref(v: &Value) -> TypeRef {
    match v.get("namedType").and_then(Value::as_str) {
        Some(n) => TypeRef::Named(n.to_string()),
        None => TypeRef::Inline(Arc::new(parse_atom(v))),
    }
}

fn parse_atom(v: &Value) -> Atom {
    let scalar_kind = v.get("scalar").and_then(Value::as_str).map(str::to_string);
    let list = v.get("list").map(|l| ListType {
        element: l
            .get("elementType")
            .map(parse_ref)
            .unwrap_or_else(|| TypeRef::Named(DEDUCED.into())),
        relationship: match l.get("elementRelationship").and_then(Value::as_str) {
            Some("associative") => Relationship::Granular,
            _ => Relationship::Atomic,
        },
        keys: l
            .get("keys")
            .and_then(Value::as_array)
            .map(|k| k.iter().filter_map(|s| s.as_str().map(str::to_string)).collect())
            .unwrap_or_default(),
    });
    let map = v.get("map").map(|m| MapType {
        fields: m
            .get("fields")
            .and_then(Value::as_array)
            .map(|fs| {
                fs.iter()
                    .filter_map(|f| {
                        Some(Field {
                            name: f.get("name")?.as_str()?.to_string(),
                            ty: f.get("type").map(parse_ref)?,
                            default: f.get("default").cloned(),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default(),
        element: m.get("elementType").map(parse_ref),
        relationship: relationship(m.get("elementRelationship")),
    });
    Atom {
        scalar: scalar_kind.is_some(),
        list,
        map,
        scalar_kind,
    }
}

/// Converts a CRD's `openAPIV3Schema` into the type model.
pub fn from_openapi(schema: &Value) -> Atom {
    if schema.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true))
        && schema.get("properties").is_none()
    {
        return deduced_fallback().clone();
    }
    if schema.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true)) {
        return Atom {
            scalar: true,
            scalar_kind: Some("untyped".into()),
            ..Atom::default()
        };
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("object") => {
            let fields: Vec<Field> = schema
                .get("properties")
                .and_then(Value::as_object)
                .map(|props| {
                    props
                        .iter()
                        .map(|(name, s)| Field {
                            name: name.clone(),
                            ty: TypeRef::Inline(Arc::new(from_openapi(s))),
                            default: s.get("default").cloned(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let preserve = schema.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true));
            let element = match schema.get("additionalProperties") {
                Some(Value::Object(s)) => Some(TypeRef::Inline(Arc::new(from_openapi(&Value::Object(s.clone()))))),
                Some(Value::Bool(true)) => Some(TypeRef::Named(DEDUCED.into())),
                _ if fields.is_empty() || preserve => Some(TypeRef::Named(DEDUCED.into())),
                _ => None,
            };
            let atomic = schema.get("x-kubernetes-map-type").and_then(Value::as_str) == Some("atomic");
            Atom {
                map: Some(MapType {
                    fields,
                    element,
                    relationship: if atomic { Relationship::Atomic } else { Relationship::Granular },
                }),
                ..Atom::default()
            }
        }
        Some("array") => {
            let element = schema
                .get("items")
                .map(|s| TypeRef::Inline(Arc::new(from_openapi(s))))
                .unwrap_or_else(|| TypeRef::Named(DEDUCED.into()));
            let list_type = schema.get("x-kubernetes-list-type").and_then(Value::as_str);
            let keys = schema
                .get("x-kubernetes-list-map-keys")
                .and_then(Value::as_array)
                .map(|k| k.iter().filter_map(|s| s.as_str().map(str::to_string)).collect())
                .unwrap_or_default();
            Atom {
                list: Some(ListType {
                    element,
                    relationship: match list_type {
                        Some("map") | Some("set") => Relationship::Granular,
                        _ => Relationship::Atomic,
                    },
                    keys,
                }),
                ..Atom::default()
            }
        }
        Some(t) => Atom {
            scalar: true,
            scalar_kind: Some(match t {
                "integer" | "number" => "numeric".to_string(),
                other => other.to_string(),
            }),
            ..Atom::default()
        },
        None => deduced_fallback().clone(),
    }
}

/// The root type of a CRD version: its schema with `metadata` typed as ObjectMeta.
pub fn crd_root(open_api_v3: Option<&Value>) -> Atom {
    let mut atom = match open_api_v3 {
        Some(s) => from_openapi(s),
        None => deduced_fallback().clone(),
    };
    if let Some(map) = atom.map.as_mut() {
        map.fields.retain(|f| f.name != "metadata");
        map.fields.push(Field {
            name: "metadata".into(),
            ty: TypeRef::Named(OBJECT_META.into()),
            default: None,
        });
        for name in ["apiVersion", "kind"] {
            if map.field(name).is_none() {
                map.fields.push(Field {
                    name: name.into(),
                    ty: TypeRef::Inline(Arc::new(Atom {
                        scalar: true,
                        scalar_kind: Some("string".into()),
                        ..Atom::default()
                    })),
                    default: None,
                });
            }
        }
        if map.element.is_none() && map.fields.len() <= 3 {
            map.element = Some(TypeRef::Named(DEDUCED.into()));
        }
    }
    atom
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn crd_schemas_keep_unknown_fields_only_where_they_say_so() {
        let atom = from_openapi(&json!({"type": "object", "properties": {
            "strict": {"type": "object", "properties": {"a": {"type": "string"}}},
            "open": {"type": "object", "x-kubernetes-preserve-unknown-fields": true, "properties": {"a": {"type": "string"}}},
            "ports": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
                      "items": {"type": "object", "properties": {"name": {"type": "string"}}}},
        }}));
        let schema = Schema::builtin();
        let map = atom.map.as_ref().expect("object");
        let field = |n: &str| schema.resolve(&map.field(n).expect("declared").ty);
        assert!(field("strict").map.as_ref().is_some_and(|m| m.element.is_none()));
        assert!(field("open").map.as_ref().is_some_and(|m| m.element.is_some()));
        let ports = field("ports").list.as_ref().expect("list");
        assert_eq!(ports.relationship, Relationship::Granular);
        assert_eq!(ports.keys, ["name"]);
    }
}
