//! Dictionaries: `dict`, `get`, `set`, `unset`, `hasKey`, `pluck`, `keys`, `pick`,
//! `omit`, `values`, `dig`, and the dario.cat/mergo (v1.0.1) semantics behind
//! `merge`, `mergeOverwrite` and their `must` forms. Maps are shared: `set`,
//! `unset` and the merges change the map they are given, as in Go.

use std::collections::BTreeMap;
use std::sync::Arc;

use gotmpl::{FuncError, Map, MapType, Value};

use crate::cast::{empty, strval};
use crate::ty::{dict, ANY, STRING};
use crate::{any_list, arg, str_arg, string_list, Registry};

/// Go refuses to assign into a nil map.
fn nil_map_write() -> FuncError {
    FuncError::new("assignment to entry in nil map")
}

/// A fresh, empty `map[string]interface {}` (what a nil map prints like).
fn empty_map() -> Value {
    Value::map(BTreeMap::new())
}

fn as_map(v: &Value) -> Option<&Arc<Map>> {
    match v {
        Value::Map(m) => Some(m),
        _ => None,
    }
}

pub(crate) fn register(r: &mut Registry) {
    r.variadic(&["dict"], vec![], ANY, |a| {
        let mut entries = BTreeMap::new();
        for pair in a.chunks(2) {
            let value = pair.get(1).cloned().unwrap_or_else(|| Value::from(""));
            entries.insert(strval(&pair[0]), value);
        }
        Ok(Value::map(entries))
    });
    r.add(&["get"], vec![dict(), STRING], |a| {
        let found = as_map(arg(&a, 0)).and_then(|m| m.get(str_arg(&a, 1)));
        Ok(found.unwrap_or_else(|| Value::from("")))
    });
    r.add(&["set"], vec![dict(), STRING, ANY], |a| {
        let m = as_map(arg(&a, 0)).ok_or_else(nil_map_write)?;
        m.insert(str_arg(&a, 1), arg(&a, 2).clone());
        Ok(arg(&a, 0).clone())
    });
    r.add(&["unset"], vec![dict(), STRING], |a| {
        match as_map(arg(&a, 0)) {
            Some(m) => {
                m.remove(str_arg(&a, 1));
                Ok(arg(&a, 0).clone())
            }
            None => Ok(empty_map()),
        }
    });
    r.add(&["hasKey"], vec![dict(), STRING], |a| {
        Ok(as_map(arg(&a, 0))
            .is_some_and(|m| m.get(str_arg(&a, 1)).is_some())
            .into())
    });
    r.variadic(&["pluck"], vec![STRING], dict(), |a| {
        let key = str_arg(&a, 0);
        let found = a
            .iter()
            .skip(1)
            .filter_map(|d| as_map(d).and_then(|m| m.get(key)));
        Ok(any_list(found.collect()))
    });
    r.variadic(&["keys"], vec![], dict(), |a| {
        Ok(string_list(
            a.iter().filter_map(as_map).flat_map(|m| m.keys()).collect(),
        ))
    });
    r.variadic(&["pick"], vec![dict()], STRING, |a| {
        let mut out = BTreeMap::new();
        if let Some(m) = as_map(arg(&a, 0)) {
            for k in a.iter().skip(1).filter_map(Value::as_str) {
                if let Some(v) = m.get(k) {
                    out.insert(k.to_string(), v);
                }
            }
        }
        Ok(Value::map(out))
    });
    r.variadic(&["omit"], vec![dict()], STRING, |a| {
        let omit: Vec<&str> = a.iter().skip(1).filter_map(Value::as_str).collect();
        let entries = as_map(arg(&a, 0)).map(|m| m.entries()).unwrap_or_default();
        Ok(Value::map(
            entries
                .into_iter()
                .filter(|(k, _)| !omit.contains(&k.as_str()))
                .collect(),
        ))
    });
    r.add(&["values"], vec![dict()], |a| {
        let entries = as_map(arg(&a, 0)).map(|m| m.entries()).unwrap_or_default();
        Ok(any_list(entries.into_iter().map(|(_, v)| v).collect()))
    });
    r.variadic(&["merge", "mustMerge"], vec![dict()], dict(), |a| {
        merge(&a, false)
    });
    r.variadic(
        &["mergeOverwrite", "mustMergeOverwrite"],
        vec![dict()],
        dict(),
        |a| merge(&a, true),
    );
    r.variadic(&["dig"], vec![], ANY, |a| dig(&a));
}

/// Sprig's `merge`/`mergeOverwrite`: each source merged into the destination in
/// turn. A nil destination becomes a new map when a source is not nil.
fn merge(a: &[Value], overwrite: bool) -> Result<Value, FuncError> {
    let mut dst = arg(a, 0).clone();
    for src in a.iter().skip(1) {
        let Some(src) = as_map(src) else { continue };
        if dst.is_nil() {
            dst = empty_map();
        }
        if let Some(d) = as_map(&dst) {
            merge_into(d, src, overwrite, 0)?;
        }
    }
    Ok(if dst.is_nil() { empty_map() } else { dst })
}

/// Nested maps deeper than this are taken to be a cycle (Go would overflow its stack).
const MAX_DEPTH: usize = 10_000;

/// mergo's `deepMerge` for two `map[string]interface{}` values.
fn merge_into(dst: &Map, src: &Map, overwrite: bool, depth: usize) -> Result<(), FuncError> {
    if depth > MAX_DEPTH {
        return Err(FuncError::new(
            "runtime: goroutine stack exceeds 1000000000-byte limit",
        ));
    }
    for (key, s) in src.entries() {
        let d = dst.get(&key);
        if s.is_nil() {
            if overwrite {
                dst.insert(key, Value::Nil);
            }
            continue;
        }
        let d_full = d.as_ref().is_some_and(|d| !empty(d));
        match (&s, &d) {
            (Value::Map(sm), Some(Value::Map(dm))) => {
                if !Arc::ptr_eq(sm, dm) {
                    merge_into(dm, sm, overwrite, depth + 1)?;
                }
                if d_full {
                    continue;
                }
            }
            (Value::List(_) | Value::Bytes(_), _) if d_full && !overwrite => continue,
            _ => {}
        }
        if overwrite || !d_full {
            dst.insert(key, s);
        }
    }
    Ok(())
}

/// The panic of a failed Go type assertion to `want`.
fn conversion_error(v: &Value, want: &str) -> FuncError {
    let got = match v {
        Value::Nil => "nil".to_string(),
        v => v.go_type().to_string(),
    };
    FuncError::new(format!(
        "interface conversion: interface {{}} is {got}, not {want}"
    ))
}

const PLAIN_MAP: &str = "map[string]interface {}";

/// A value whose dynamic type is exactly `map[string]interface {}`.
fn plain_map(v: &Value) -> Result<&Arc<Map>, FuncError> {
    match v {
        Value::Map(m) if m.ty == MapType::interface() => Ok(m),
        _ => Err(conversion_error(v, PLAIN_MAP)),
    }
}

/// Sprig's `dig KEY... DEFAULT DICT`.
fn dig(a: &[Value]) -> Result<Value, FuncError> {
    if a.len() < 3 {
        return Err(FuncError::new("dig needs at least three arguments"));
    }
    let mut m = plain_map(&a[a.len() - 1])?.clone();
    let default = &a[a.len() - 2];
    let keys = &a[..a.len() - 2];
    let mut names = Vec::with_capacity(keys.len());
    for k in keys {
        match k {
            Value::String(s) => names.push(s.clone()),
            other => return Err(conversion_error(other, "string")),
        }
    }
    for (i, k) in names.iter().enumerate() {
        let Some(step) = m.get(k) else {
            return Ok(default.clone());
        };
        if i + 1 == names.len() {
            return Ok(step);
        }
        m = plain_map(&step)?.clone();
    }
    Ok(default.clone())
}
