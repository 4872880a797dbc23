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
