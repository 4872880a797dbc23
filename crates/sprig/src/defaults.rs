//! Defaults and flow control: `default`, `empty`, `coalesce`, `all`, `any`,
//! `ternary` and Sprig's `fail` (Helm replaces `fail` with its own wrapper).

use gotmpl::{FuncError, Value};

use crate::cast::empty;
use crate::ty::{ANY, BOOL, STRING};
use crate::{arg, str_arg, Registry};

pub(crate) fn register(r: &mut Registry) {
    r.variadic(&["default"], vec![ANY], ANY, |a| match a.get(1) {
        Some(given) if !empty(given) => Ok(given.clone()),
        _ => Ok(arg(&a, 0).clone()),
    });
    r.add(&["empty"], vec![ANY], |a| Ok(empty(arg(&a, 0)).into()));
    r.variadic(&["coalesce"], vec![], ANY, |a| {
        Ok(a.iter().find(|v| !empty(v)).cloned().unwrap_or(Value::Nil))
    });
    r.variadic(&["all"], vec![], ANY, |a| {
        Ok(a.iter().all(|v| !empty(v)).into())
    });
    r.variadic(&["any"], vec![], ANY, |a| {
        Ok(a.iter().any(|v| !empty(v)).into())
    });
    r.add(&["ternary"], vec![ANY, ANY, BOOL], |a| {
        let pick = matches!(a.get(2), Some(Value::Bool(true)));
        Ok(arg(&a, if pick { 0 } else { 1 }).clone())
    });
    r.add(&["fail"], vec![STRING], |a| {
        Err(FuncError::new(str_arg(&a, 0)))
    });
}
