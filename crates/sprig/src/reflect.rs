//! Reflection: `typeOf`, `typeIs`, `typeIsLike`, `kindOf`, `kindIs`, `deepEqual`,
//! and `deepCopy`/`mustDeepCopy` (mitchellh/copystructure: maps and slices copied
//! all the way down).

use std::sync::Arc;

use gotmpl::{FuncError, List, Map, Value};

use crate::cast::{deep_equal, kind_name};
use crate::ty::{ANY, STRING};
use crate::{arg, str_arg, Registry};

pub(crate) fn register(r: &mut Registry) {
    r.add(&["typeOf"], vec![ANY], |a| Ok(type_of(arg(&a, 0)).into()));
    r.add(&["typeIs"], vec![STRING, ANY], |a| {
        Ok((str_arg(&a, 0) == type_of(arg(&a, 1))).into())
    });
    r.add(&["typeIsLike"], vec![STRING, ANY], |a| {
        let (target, t) = (str_arg(&a, 0), type_of(arg(&a, 1)));
        Ok((target == t || format!("*{target}") == t).into())
    });
    r.add(&["kindOf"], vec![ANY], |a| Ok(kind_name(arg(&a, 0)).into()));
    r.add(&["kindIs"], vec![STRING, ANY], |a| {
        Ok((str_arg(&a, 0) == kind_name(arg(&a, 1))).into())
    });
    r.add(&["deepEqual"], vec![ANY, ANY], |a| {
        Ok(deep_equal(arg(&a, 0), arg(&a, 1)).into())
    });
    r.add(&["deepCopy", "mustDeepCopy"], vec![ANY], |a| {
        match arg(&a, 0) {
            Value::Nil => Err(FuncError::new(
                "reflect: call of reflect.Value.Type on zero Value",
            )),
            v => Ok(deep_copy(v)),
        }
    });
}

/// `fmt.Sprintf("%T", v)`.
fn type_of(v: &Value) -> String {
    v.go_type().to_string()
}

/// Nesting beyond this is taken to be a cycle, which is shared rather than copied.
const MAX_DEPTH: usize = 10_000;

/// A copy sharing nothing mutable with `v`.
pub(crate) fn deep_copy(v: &Value) -> Value {
    copy_at(v, 0)
}

fn copy_at(v: &Value, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return v.clone();
    }
    match v {
        Value::Map(m) => {
            let entries = m
                .entries()
                .into_iter()
                .map(|(k, v)| (k, copy_at(&v, depth + 1)))
                .collect();
            Value::Map(Arc::new(Map::new(m.ty.clone(), entries)))
        }
        Value::List(l) => Value::List(Arc::new(List::new(
            l.elem.clone(),
            l.items.iter().map(|x| copy_at(x, depth + 1)).collect(),
        ))),
        other => other.clone(),
    }
}
