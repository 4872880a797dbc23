//! OpenAPI v3 (the root index and one document per group-version, with the
//! schemas of its kinds (list types, map keys, patch merge keys) and PATCH
//! operations that declare `fieldValidation`, so kubectl validates on the server)
//! and an empty OpenAPI v2 document.

use crate::request::Reply;
use crate::resources::Resource;
use crate::schema::{Atom, Relationship, Schema, TypeRef};
use serde_json::{json, Map, Value};
use std::collections::{BTreeSet, VecDeque};

/// `/openapi/v2`: an empty document. Clients that find no schema for a kind skip
/// client-side validation (the v3 documents carry the schemas), so a manifest
/// of a kind no CRD defines fails as on a real cluster: no resource mapping.
pub fn v2(accept: &str) -> Reply {
    if accept.contains("protobuf") {
        return Reply::Bytes { content_type: "application/com.github.proto-openapi.spec.v2.v1.0+protobuf".into(), body: Vec::new() };
    }
    Reply::json(200, json!({"swagger": "2.0", "info": {"title": "Kubernetes", "version": "v1.34.0"}, "paths": {}, "definitions": {}}))
}

fn gv_path(r: &Resource) -> String {
    if r.group.is_empty() {
        format!("api/{}", r.version)
    } else {
        format!("apis/{}/{}", r.group, r.version)
    }
}

/// `/openapi/v3`.
pub fn root(resources: &[Resource]) -> Value {
    let mut paths = Map::new();
    for r in resources {
        let p = gv_path(r);
        let hash = crate::api::short_hash(&json!([p, r.plural, r.openapi_schema]));
        paths
            .entry(p.clone())
            .or_insert_with(|| json!({"serverRelativeURL": format!("/openapi/v3/{p}?hash={hash}")}));
    }
    json!({"paths": paths})
}

fn reference(name: &str) -> Value {
    json!({"allOf": [{"$ref": format!("#/components/schemas/{name}")}]})
}

fn special_scalar(name: &str) -> Option<Value> {
    Some(match name {
        "io.k8s.apimachinery.pkg.util.intstr.IntOrString" => json!({"type": "string", "format": "int-or-string", "x-kubernetes-int-or-string": true}),
        "io.k8s.apimachinery.pkg.api.resource.Quantity" => json!({"type": "string", "format": "quantity", "x-kubernetes-int-or-string": true}),
        "io.k8s.apimachinery.pkg.apis.meta.v1.Time" | "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime" => json!({"type": "string", "format": "date-time"}),
        "io.k8s.apimachinery.pkg.runtime.RawExtension" | "__untyped_deduced_" | "__untyped_atomic_" => {
            json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true})
        }
        _ => return None,
    })
}

struct Builder<'a> {
    schema: &'a Schema,
    components: Map<String, Value>,
    queue: VecDeque<String>,
    seen: BTreeSet<String>,
}

impl Builder<'_> {
    fn type_ref(&mut self, r: &TypeRef) -> Value {
        match r {
            TypeRef::Named(n) => {
                if let Some(s) = special_scalar(n) {
                    return s;
                }
                if self.seen.insert(n.clone()) {
                    self.queue.push_back(n.clone());
                }
                reference(n)
            }
            TypeRef::Inline(a) => self.atom(a),
        }
    }

    fn atom(&mut self, atom: &Atom) -> Value {
        if let Some(mt) = &atom.map {
            if atom.scalar && atom.list.is_some() {
                return json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true});
            }
            let mut out = json!({"type": "object"});
            if !mt.fields.is_empty() {
                let mut props = Map::new();
                for f in &mt.fields {
                    let mut s = self.type_ref(&f.ty);
                    if let Some(d) = &f.default {
                        s["default"] = d.clone();
                    }
                    props.insert(f.name.clone(), s);
                }
                out["properties"] = Value::Object(props);
            }
            if let Some(e) = &mt.element {
                out["additionalProperties"] = self.type_ref(e);
            }
            if mt.relationship == Relationship::Atomic {
                out["x-kubernetes-map-type"] = json!("atomic");
            }
            return out;
        }
        if let Some(lt) = &atom.list {
            let mut out = json!({"type": "array", "items": self.type_ref(&lt.element)});
            match (lt.relationship, lt.keys.is_empty()) {
                (Relationship::Atomic, _) => out["x-kubernetes-list-type"] = json!("atomic"),
                (Relationship::Granular, false) => {
                    out["x-kubernetes-list-type"] = json!("map");
                    out["x-kubernetes-list-map-keys"] = json!(lt.keys);
                    out["x-kubernetes-patch-merge-key"] = json!(lt.keys[0]);
                    out["x-kubernetes-patch-strategy"] = json!("merge");
                }
                (Relationship::Granular, true) => out["x-kubernetes-list-type"] = json!("set"),
            }
            return out;
        }
        match atom.scalar_kind.as_deref() {
            Some("string") => json!({"type": "string"}),
            Some("boolean") => json!({"type": "boolean"}),
            Some("numeric") => json!({"type": "integer"}),
            _ => json!({"x-kubernetes-preserve-unknown-fields": true}),
        }
    }

    fn drain(&mut self) {
        while let Some(name) = self.queue.pop_front() {
            let atom = self.schema.get(&name).cloned();
            let s = match atom {
                Some(a) => self.atom(&a),
                None => json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true}),
            };
            self.components.insert(name, s);
        }
    }
}

fn crd_schema_name(r: &Resource) -> String {
    let reversed: Vec<&str> = r.group.split('.').rev().collect();
    format!("{}.{}.{}", reversed.join("."), r.version, r.kind)
}

fn operation(r: &Resource, action: &str, params: &[&str]) -> Value {
    let parameters: Vec<Value> = params
        .iter()
        .map(|p| json!({"name": p, "in": "query", "schema": {"type": "string", "uniqueItems": true}}))
        .collect();
    json!({
        "operationId": format!("{action}{}", r.kind),
        "parameters": parameters,
        "responses": {"200": {"description": "OK"}},
        "x-kubernetes-action": action,
        "x-kubernetes-group-version-kind": {"group": r.group, "version": r.version, "kind": r.kind},
    })
}

/// `/openapi/v3/<gv>`, or None for an unknown group-version.
pub fn document(resources: &[Resource], gv: &str) -> Option<Value> {
    let gv_resources: Vec<&Resource> = resources.iter().filter(|r| gv_path(r) == gv).collect();
    if gv_resources.is_empty() {
        return None;
    }
    let schema = Schema::builtin();
    let mut b = Builder { schema, components: Map::new(), queue: VecDeque::new(), seen: BTreeSet::new() };
    let mut paths = Map::new();
    for r in &gv_resources {
        let name = match (&r.root, &r.openapi_schema) {
            (_, Some(s)) => {
                let n = crd_schema_name(r);
                let mut s = s.clone();
                if let Some(props) = s.get_mut("properties").and_then(Value::as_object_mut) {
                    props.insert("metadata".into(), reference(crate::schema::OBJECT_META));
                }
                b.seen.insert(crate::schema::OBJECT_META.to_string());
                b.queue.push_back(crate::schema::OBJECT_META.to_string());
                b.components.insert(n.clone(), s);
                n
            }
            (TypeRef::Named(n), None) => {
                if b.seen.insert(n.clone()) {
                    b.queue.push_back(n.clone());
                }
                n.clone()
            }
            (TypeRef::Inline(a), None) => {
                let n = crd_schema_name(r);
                let s = b.atom(a);
                b.components.insert(n.clone(), s);
                n
            }
        };
        b.drain();
        if let Some(s) = b.components.get_mut(&name) {
            s["x-kubernetes-group-version-kind"] = json!([{"group": r.group, "version": r.version, "kind": r.kind}]);
        }
        let prefix = if r.group.is_empty() { format!("/api/{}", r.version) } else { format!("/apis/{}/{}", r.group, r.version) };
        let collection = if r.namespaced {
            format!("{prefix}/namespaces/{{namespace}}/{}", r.plural)
        } else {
            format!("{prefix}/{}", r.plural)
        };
        let writes = ["dryRun", "fieldManager", "fieldValidation", "pretty"];
        paths.insert(
            collection.clone(),
            json!({"get": operation(r, "list", &["labelSelector", "fieldSelector", "limit", "continue", "watch"]),
                   "post": operation(r, "post", &writes)}),
        );
        paths.insert(
            format!("{collection}/{{name}}"),
            json!({"get": operation(r, "get", &["pretty"]),
                   "put": operation(r, "put", &writes),
                   "patch": operation(r, "patch", &["dryRun", "fieldManager", "fieldValidation", "force", "pretty"]),
                   "delete": operation(r, "delete", &["dryRun", "gracePeriodSeconds", "propagationPolicy"])}),
        );
    }
    b.drain();
    Some(json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": "v1.34.0"},
        "paths": paths,
        "components": {"schemas": b.components},
    }))
}
