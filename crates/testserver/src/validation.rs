//! Field validation (`fieldValidation=Strict|Warn|Ignore`): fields the schema
//! does not declare, reported with the apiserver's paths and messages.

use crate::fieldset::{element_of, path_string, PathElement};
use crate::schema::{Atom, Schema};
use serde_json::Value;

/// One undeclared field: as strict JSON decoding names it (`spec.foo`,
/// `spec.containers[0].bar`) and as structured-merge-diff does.
pub struct Unknown {
    pub json_path: String,
    pub smd_path: String,
}

/// Undeclared fields of `value`, removed from it.
pub fn take_unknown(schema: &Schema, ty: &Atom, value: &mut Value) -> Vec<Unknown> {
    let mut out = Vec::new();
    visit(schema, ty, value, "", &mut Vec::new(), &mut out);
    out
}

fn visit(schema: &Schema, ty: &Atom, value: &mut Value, json_path: &str, smd: &mut Vec<PathElement>, out: &mut Vec<Unknown>) {
    match value {
        Value::Object(m) => {
            let Some(mt) = ty.map.as_ref() else { return };
            let mut unknown = Vec::new();
            for (k, child) in m.iter_mut() {
                let child_path = if json_path.is_empty() { k.clone() } else { format!("{json_path}.{k}") };
                let child_ty = match (mt.field(k), &mt.element) {
                    (Some(f), _) => schema.resolve(&f.ty),
                    (None, Some(e)) => schema.resolve(e),
                    (None, None) => {
                        smd.push(PathElement::Field(k.clone()));
                        out.push(Unknown { json_path: child_path, smd_path: path_string(smd) });
                        smd.pop();
                        unknown.push(k.clone());
                        continue;
                    }
                };
                smd.push(PathElement::Field(k.clone()));
                visit(schema, child_ty, child, &child_path, smd, out);
                smd.pop();
            }
            for k in unknown {
                m.remove(&k);
            }
        }
        Value::Array(items) => {
            let Some(lt) = ty.list.as_ref() else { return };
            let elem = schema.resolve(&lt.element);
            for (i, item) in items.iter_mut().enumerate() {
                smd.push(element_of(schema, lt, item, i));
                visit(schema, elem, item, &format!("{json_path}[{i}]"), smd, out);
                smd.pop();
            }
        }
        _ => {}
    }
}

/// A value whose JSON type the schema does not allow.
pub struct TypeError {
    /// As structured-merge-diff reports it (`.spec.replicas: expected numeric (int or float), got string`).
    pub smd_message: String,
    /// As encoding/json reports it (`json: cannot unmarshal string into Go struct field ...`).
    pub json_message: String,
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
        Value::Object(_) => "object",
        Value::Array(_) => "array",
        Value::Null => "null",
    }
}

/// Go's `%T` of a decoded JSON value.
fn go_dynamic_type(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "string",
        Value::Number(n) if n.is_i64() || n.is_u64() => "int64",
        Value::Number(_) => "float64",
        Value::Bool(_) => "bool",
        Value::Object(_) => "map[string]interface {}",
        Value::Array(_) => "[]interface {}",
        Value::Null => "<nil>",
    }
}

/// Go's `%v` of a decoded JSON scalar.
fn go_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Object(_) => "map[...]".to_string(),
        Value::Array(_) => "[...]".to_string(),
        other => other.to_string(),
    }
}

/// Values of the wrong JSON type for their schema, in document order.
pub fn type_errors(schema: &Schema, ty: &Atom, value: &Value) -> Vec<TypeError> {
    let mut out = Vec::new();
    check(schema, ty, None, false, "", value, &mut Vec::new(), &mut out);
    out
}

#[allow(clippy::too_many_arguments)]
fn check(
    schema: &Schema,
    ty: &Atom,
    parent: Option<(&str, &str)>,
    element: bool,
    go_path: &str,
    value: &Value,
    smd: &mut Vec<PathElement>,
    out: &mut Vec<TypeError>,
) {
    if value.is_null() || (ty.scalar && (ty.map.is_some() || ty.list.is_some())) {
        return;
    }
    let expected = match (&ty.map, &ty.list, ty.scalar_kind.as_deref()) {
        (Some(_), _, _) if !value.is_object() => Some("map"),
        (None, Some(_), _) if !value.is_array() => Some("list"),
        (None, None, Some("numeric")) if !value.is_number() => Some("numeric (int or float)"),
        (None, None, Some("string")) if !value.is_string() => Some("string"),
        (None, None, Some("boolean")) if !value.is_boolean() => Some("boolean"),
        (None, None, Some("untyped")) if value.is_object() || value.is_array() => Some("any scalar"),
        _ => None,
    };
    if let Some(expected) = expected {
        let got = match expected {
            "numeric (int or float)" => go_dynamic_type(value).to_string(),
            "string" => format!("&value.valueUnstructured{{Value:{}}}", go_value(value)),
            _ => format!("&{{{}}}", go_value(value)),
        };
        let smd_message = format!("{}: expected {expected}, got {got}", path_string(smd));
        let json_message = match parent {
            Some((parent_type, field)) => {
                let struct_name = parent_type.rsplit('.').next().unwrap_or(parent_type);
                let mut go_type = crate::protobuf::go_field_type(parent_type, field).unwrap_or_else(|| "interface {}".into());
                if element {
                    go_type = match go_type.strip_prefix("[]") {
                        Some(inner) => inner.to_string(),
                        None => go_type.split_once(']').map(|(_, v)| v.to_string()).unwrap_or(go_type),
                    };
                }
                format!(
                    "json: cannot unmarshal {} into Go struct field {struct_name}.{go_path} of type {go_type}",
                    json_kind(value)
                )
            }
            None => format!("json: cannot unmarshal {} into Go value", json_kind(value)),
        };
        out.push(TypeError { smd_message, json_message });
        return;
    }
    match value {
        Value::Object(m) => {
            let Some(mt) = ty.map.as_ref() else { return };
            for (k, child) in m {
                let (child_ref, declared) = match (mt.field(k), &mt.element) {
                    (Some(f), _) => (&f.ty, true),
                    (None, Some(e)) => (e, false),
                    (None, None) => continue,
                };
                let child_ty = schema.resolve(child_ref);
                let parent_name = match (declared, ty_name(ty, schema)) {
                    (true, Some(n)) => Some((n, k.as_str())),
                    _ => parent,
                };
                let child_go_path = if !declared {
                    go_path.to_string()
                } else if go_path.is_empty() {
                    k.clone()
                } else {
                    format!("{go_path}.{k}")
                };
                smd.push(PathElement::Field(k.clone()));
                check(schema, child_ty, parent_name, !declared, &child_go_path, child, smd, out);
                smd.pop();
            }
        }
        Value::Array(items) => {
            let Some(lt) = ty.list.as_ref() else { return };
            let elem = schema.resolve(&lt.element);
            for (i, item) in items.iter().enumerate() {
                smd.push(element_of(schema, lt, item, i));
                check(schema, elem, parent, true, go_path, item, smd, out);
                smd.pop();
            }
        }
        _ => {}
    }
}

/// The schema name of a named type, found by identity.
fn ty_name<'a>(ty: &Atom, schema: &'a Schema) -> Option<&'a str> {
    schema.name_of(ty)
}

/// Several structured-merge-diff errors read as one, as its ValidationErrors print.
pub fn joined(messages: &[String]) -> String {
    match messages {
        [one] => one.clone(),
        many => {
            let mut lines = vec!["errors:".to_string()];
            lines.extend(many.iter().map(|m| format!("  {m}")));
            lines.join("\n")
        }
    }
}
