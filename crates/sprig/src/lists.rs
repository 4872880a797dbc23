//! List functions: `list`, `append`/`push`, `prepend`, `first`, `rest`, `last`,
//! `initial`, `reverse`, `compact`, `uniq`, `without`, `has`, `slice`, `concat` and
//! `chunk`, with their `must` forms. Sprig's plain forms panic with the error the
//! `must` forms return, so both report the same text. A nil list is Go's nil
//! `reflect.Type` dereference.

use std::sync::Arc;

use gotmpl::{FuncError, GoType, List, Value};

use crate::cast::{deep_equal, empty, kind_name, slice_items, to_int64};
use crate::ty::{ANY, INT};
use crate::{any_list, arg, int_arg, nil_deref, runtime_error, Registry};

/// The items of `v`, or the error `what` names for a value of another kind.
fn items(v: &Value, what: &str) -> Result<Vec<Value>, FuncError> {
    if v.is_nil() {
        return Err(nil_deref());
    }
    slice_items(v).ok_or_else(|| FuncError::new(what.replace("%s", &kind_name(v))))
}

pub(crate) fn register(r: &mut Registry) {
    r.variadic(&["list", "tuple"], vec![], ANY, |a| Ok(any_list(a)));
    r.add(
        &["append", "push", "mustAppend", "mustPush"],
        vec![ANY, ANY],
        |a| {
            let mut l = items(arg(&a, 0), "Cannot push on type %s")?;
            l.push(arg(&a, 1).clone());
            Ok(any_list(l))
        },
    );
    r.add(&["prepend", "mustPrepend"], vec![ANY, ANY], |a| {
        let mut l = items(arg(&a, 0), "Cannot prepend on type %s")?;
        l.insert(0, arg(&a, 1).clone());
        Ok(any_list(l))
    });
    r.add(&["first", "mustFirst"], vec![ANY], |a| {
        let l = items(arg(&a, 0), "Cannot find first on type %s")?;
        Ok(l.first().cloned().unwrap_or(Value::Nil))
    });
    r.add(&["last", "mustLast"], vec![ANY], |a| {
        let l = items(arg(&a, 0), "Cannot find last on type %s")?;
        Ok(l.last().cloned().unwrap_or(Value::Nil))
    });
    r.add(&["rest", "mustRest"], vec![ANY], |a| {
        let l = items(arg(&a, 0), "Cannot find rest on type %s")?;
        Ok(any_list(l.get(1..).unwrap_or(&[]).to_vec()))
    });
    r.add(&["initial", "mustInitial"], vec![ANY], |a| {
        let l = items(arg(&a, 0), "Cannot find initial on type %s")?;
        Ok(any_list(l[..l.len().saturating_sub(1)].to_vec()))
    });
    r.add(&["reverse", "mustReverse"], vec![ANY], |a| {
        let mut l = items(arg(&a, 0), "Cannot find reverse on type %s")?;
        l.reverse();
        Ok(any_list(l))
    });
    r.add(&["compact", "mustCompact"], vec![ANY], |a| {
        let l = items(arg(&a, 0), "Cannot compact on type %s")?;
        Ok(any_list(l.into_iter().filter(|v| !empty(v)).collect()))
    });
    r.add(&["uniq", "mustUniq"], vec![ANY], |a| {
        let l = items(arg(&a, 0), "Cannot find uniq on type %s")?;
        let mut out: Vec<Value> = Vec::new();
        for v in l {
            if !out.iter().any(|x| deep_equal(&v, x)) {
                out.push(v);
            }
        }
        Ok(any_list(out))
    });
    r.variadic(&["without", "mustWithout"], vec![ANY], ANY, |a| {
        let l = items(arg(&a, 0), "Cannot find without on type %s")?;
        let omit = a.get(1..).unwrap_or(&[]);
        Ok(any_list(
            l.into_iter()
                .filter(|v| !omit.iter().any(|o| deep_equal(v, o)))
                .collect(),
        ))
    });
    r.add(&["has", "mustHas"], vec![ANY, ANY], |a| {
        let haystack = arg(&a, 1);
        if haystack.is_nil() {
            return Ok(false.into());
        }
        let l = items(haystack, "Cannot find has on type %s")?;
        Ok(l.iter().any(|v| deep_equal(arg(&a, 0), v)).into())
    });
    r.variadic(&["slice", "mustSlice"], vec![ANY], ANY, |a| slice(&a));
    r.variadic(&["concat"], vec![], ANY, |a| {
        let mut out = Vec::new();
        for l in &a {
            if l.is_nil() {
                return Err(nil_deref());
            }
            match slice_items(l) {
                Some(items) => out.extend(items),
                None => {
                    return Err(FuncError::new(format!(
                        "Cannot concat type {} as list",
                        kind_name(l)
                    )))
                }
            }
        }
        Ok(any_list(out))
    });
    r.add(&["chunk", "mustChunk"], vec![INT, ANY], |a| {
        let l = items(arg(&a, 1), "Cannot chunk type %s")?;
        chunk(int_arg(&a, 0), &l)
    });
}

/// Sprig's `slice`: `list[start:end]` keeping the slice's type.
fn slice(a: &[Value]) -> Result<Value, FuncError> {
    let list = arg(a, 0);
    let l = items(list, "list should be type of slice or array but %s")?;
    if l.is_empty() {
        return Ok(Value::Nil);
    }
    let start = a.get(1).map_or(0, to_int64);
    let end = a.get(2).map_or(l.len() as i64, to_int64);
    if start < 0 || end < start || end > l.len() as i64 {
        return Err(FuncError::new(
            "reflect.Value.Slice: slice index out of bounds",
        ));
    }
    let (start, end) = (start as usize, end as usize);
    Ok(match list {
        Value::Bytes(b) => Value::Bytes(b[start..end].into()),
        Value::List(orig) => Value::List(Arc::new(List::new(
            orig.elem.clone(),
            l[start..end].to_vec(),
        ))),
        _ => any_list(l[start..end].to_vec()),
    })
}

/// Sprig's `chunk`, including the float arithmetic that sizes the chunks (and
/// Go's panic when that gives a negative length).
fn chunk(size: i64, l: &[Value]) -> Result<Value, FuncError> {
    let len = l.len() as i64;
    let count = crate::cast::f64_to_i64(((len - 1) as f64 / size as f64).floor() + 1.0);
    let bad_len = || runtime_error("makeslice: len out of range");
    if count < 0 {
        return Err(bad_len());
    }
    let mut chunks = Vec::new();
    for i in 0..count {
        let mut clen = size;
        if i == count - 1 {
            clen = ((len as f64) % (size as f64)).floor() as i64;
            if clen == 0 {
                clen = size;
            }
        }
        if clen < 0 {
            return Err(bad_len());
        }
        let mut c = Vec::new();
        for j in 0..clen {
            let ix = i.wrapping_mul(size).wrapping_add(j);
            match usize::try_from(ix).ok().and_then(|ix| l.get(ix)) {
                Some(v) => c.push(v.clone()),
                None => {
                    return Err(runtime_error(&format!(
                        "index out of range [{ix}] with length {len}"
                    )))
                }
            }
        }
        chunks.push(any_list(c));
    }
    Ok(Value::List(Arc::new(List::new(
        GoType::slice_of(GoType::Interface),
        chunks,
    ))))
}
