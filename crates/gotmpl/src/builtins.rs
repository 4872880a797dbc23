//! Go's builtin template functions: and, or, not, len, index, slice, call, the
//! comparisons, and the printing and escaping functions, with Go's error texts.

use std::cmp::Ordering;

use crate::exec::{zero_value, Eval};
use crate::func::Signature;
use crate::gofmt;
use crate::types::{GoType, UintKind};
use crate::value::{List, Value};

/// A builtin function of `text/template`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    And,
    Call,
    Html,
    Index,
    Slice,
    Js,
    Len,
    Not,
    Or,
    Print,
    Printf,
    Println,
    Urlquery,
    Eq,
    Ge,
    Gt,
    Le,
    Lt,
    Ne,
}

/// Whether `name` is a builtin function.
pub fn is_builtin(name: &str) -> bool {
    Builtin::from_name(name).is_some()
}

impl Builtin {
    pub fn from_name(name: &str) -> Option<Builtin> {
        Some(match name {
            "and" => Builtin::And,
            "call" => Builtin::Call,
            "html" => Builtin::Html,
            "index" => Builtin::Index,
            "slice" => Builtin::Slice,
            "js" => Builtin::Js,
            "len" => Builtin::Len,
            "not" => Builtin::Not,
            "or" => Builtin::Or,
            "print" => Builtin::Print,
            "printf" => Builtin::Printf,
            "println" => Builtin::Println,
            "urlquery" => Builtin::Urlquery,
            "eq" => Builtin::Eq,
            "ge" => Builtin::Ge,
            "gt" => Builtin::Gt,
            "le" => Builtin::Le,
            "lt" => Builtin::Lt,
            "ne" => Builtin::Ne,
            _ => return None,
        })
    }

    /// The number of fixed parameters and whether a variadic one follows.
    pub fn arity(self) -> (usize, bool) {
        match self {
            Builtin::And
            | Builtin::Or
            | Builtin::Index
            | Builtin::Slice
            | Builtin::Call
            | Builtin::Eq => (1, true),
            Builtin::Not | Builtin::Len => (1, false),
            Builtin::Print | Builtin::Println | Builtin::Html | Builtin::Js | Builtin::Urlquery => {
                (0, true)
            }
            Builtin::Printf => (1, true),
            Builtin::Ne | Builtin::Lt | Builtin::Le | Builtin::Gt | Builtin::Ge => (2, false),
        }
    }

    /// The Go signature of the builtins whose parameters are ordinary Go types.
    pub fn signature(self) -> Signature {
        match self {
            Builtin::Printf => Signature::variadic(vec![GoType::String], GoType::Interface),
            _ => Signature::variadic(vec![], GoType::Interface),
        }
    }
}

/// Go's `isTrue` of the dereferenced value: nil and empty values are false.
pub(crate) fn truth(value: &Eval) -> bool {
    value.concrete().is_some_and(Value::truth)
}

/// print, printf, println and the escapers, whose arguments are `interface {}`.
pub(crate) fn call_printing(builtin: Builtin, mut argv: Vec<Value>) -> Result<Value, String> {
    let text = match builtin {
        Builtin::Print => gofmt::sprint(&argv),
        Builtin::Println => gofmt::sprintln(&argv),
        Builtin::Printf => {
            let format = argv.remove(0);
            gofmt::sprintf(format.as_str().unwrap_or_default(), &argv)
        }
        Builtin::Html => gofmt::html_escape(&gofmt::eval_args(&argv)),
        Builtin::Js => gofmt::js_escape(&gofmt::eval_args(&argv)),
        Builtin::Urlquery => gofmt::url_query_escape(&gofmt::eval_args(&argv)),
        _ => String::new(),
    };
    Ok(Value::String(text.into()))
}

/// The `call` builtin: template values are never functions, so it always fails as
/// Go does for a non-function.
pub(crate) fn call(callee: &str, argv: &[Eval]) -> Result<Eval, String> {
    match argv.first().and_then(Eval::concrete) {
        None => Err("call of nil".into()),
        Some(v) => Err(format!("non-function {callee} of type {}", v.go_type())),
    }
}

/// The builtins taking `reflect.Value` parameters.
pub(crate) fn call_reflect(builtin: Builtin, argv: Vec<Eval>) -> Result<Eval, String> {
    let bool_result = |r: Result<bool, String>| r.map(|b| Eval::Val(Value::Bool(b)));
    match builtin {
        Builtin::Not => Ok(Eval::Val(Value::Bool(!truth(&argv[0])))),
        Builtin::Len => length(&argv[0]).map(|n| Eval::Val(Value::int(n as i64))),
        Builtin::Index => index(&argv[0], &argv[1..]),
        Builtin::Slice => slice(&argv[0], &argv[1..]),
        Builtin::Eq => bool_result(eq(&argv[0], &argv[1..])),
        Builtin::Ne => bool_result(eq(&argv[0], &argv[1..2]).map(|b| !b)),
        Builtin::Lt => bool_result(lt(&argv[0], &argv[1])),
        Builtin::Le => bool_result(le(&argv[0], &argv[1])),
        Builtin::Gt => bool_result(le(&argv[0], &argv[1]).map(|b| !b)),
        Builtin::Ge => bool_result(lt(&argv[0], &argv[1]).map(|b| !b)),
        _ => Err(format!("{builtin:?} is not a reflect builtin")),
    }
}

fn length(item: &Eval) -> Result<usize, String> {
    match item {
        Eval::Missing => Err("reflect: call of reflect.Value.Type on zero Value".into()),
        Eval::Val(Value::Nil) | Eval::Boxed(Value::Nil) => Err("len of nil pointer".into()),
        Eval::Val(v) | Eval::Boxed(v) => match v {
            Value::String(s) => Ok(s.len()),
            Value::Bytes(b) => Ok(b.len()),
            Value::List(l) => Ok(l.items.len()),
            Value::Map(m) => Ok(m.len()),
            other => Err(format!("len of type {}", other.go_type())),
        },
    }
}

/// Go's `indexArg`: an integer index no larger than `cap`.
fn index_arg(index: &Eval, cap: usize) -> Result<usize, String> {
    let x: i128 = match index.concrete() {
        Some(Value::Int(i, _)) => *i as i128,
        Some(Value::Uint(u, _)) => *u as i64 as i128,
        None => return Err("cannot index slice/array with nil".into()),
        Some(other) => {
            return Err(format!(
                "cannot index slice/array with type {}",
                other.go_type()
            ))
        }
    };
    if x < 0 || x > cap as i128 {
        return Err(format!("index out of range: {x}"));
    }
    Ok(x as usize)
}

fn index(item: &Eval, indexes: &[Eval]) -> Result<Eval, String> {
    if item.concrete().is_none() {
        return Err("index of untyped nil".into());
    }
    let mut item = item.clone();
    for index in indexes {
        let current = match item.concrete() {
            None => return Err("index of nil pointer".into()),
            Some(v) => v.clone(),
        };
        item = match &current {
            Value::List(list) => {
                let x = index_arg(index, list.items.len())?;
                match list.items.get(x) {
                    Some(v) => Eval::element(&list.elem, v.clone()),
                    None => return Err("reflect: slice index out of range".into()),
                }
            }
            Value::Bytes(bytes) => {
                let x = index_arg(index, bytes.len())?;
                match bytes.get(x) {
                    Some(b) => Eval::Val(Value::Uint(*b as u64, UintKind::Uint8)),
                    None => return Err("reflect: slice index out of range".into()),
                }
            }
            Value::String(s) => {
                let x = index_arg(index, s.len())?;
                match s.as_bytes().get(x) {
                    Some(b) => Eval::Val(Value::Uint(*b as u64, UintKind::Uint8)),
                    None => return Err("reflect: string index out of range".into()),
                }
            }
            Value::Map(map) => {
                let key = match index.concrete() {
                    None => return Err("value is nil; should be of type string".into()),
                    Some(Value::String(k)) => k.clone(),
                    Some(other) => {
                        return Err(format!(
                            "value has type {}; should be string",
                            other.go_type()
                        ))
                    }
                };
                match map.get(&key) {
                    Some(v) => Eval::element(&map.ty.elem, v),
                    None => Eval::element(&map.ty.elem, zero_value(&map.ty.elem)),
                }
            }
            other => return Err(format!("can't index item of type {}", other.go_type())),
        };
    }
    Ok(item)
}

fn slice(item: &Eval, indexes: &[Eval]) -> Result<Eval, String> {
    let Some(value) = item.concrete() else {
        return Err("slice of untyped nil".into());
    };
    if indexes.len() > 3 {
        return Err(format!("too many slice indexes: {}", indexes.len()));
    }
    let len = match value {
        Value::String(s) => {
            if indexes.len() == 3 {
                return Err("cannot 3-index slice a string".into());
            }
            s.len()
        }
        Value::List(l) => l.items.len(),
        Value::Bytes(b) => b.len(),
        other => return Err(format!("can't slice item of type {}", other.go_type())),
    };
    let mut idx = [0, len, len];
    for (i, index) in indexes.iter().enumerate() {
        idx[i] = index_arg(index, len)?;
    }
    if idx[0] > idx[1] {
        return Err(format!("invalid slice index: {} > {}", idx[0], idx[1]));
    }
    if indexes.len() == 3 && idx[1] > idx[2] {
        return Err(format!("invalid slice index: {} > {}", idx[1], idx[2]));
    }
    let (from, to) = (idx[0], idx[1]);
    Ok(Eval::Val(match value {
        Value::String(s) => Value::String(String::from_utf8_lossy(&s.as_bytes()[from..to]).into()),
        Value::List(l) => Value::List(List::new(l.elem.clone(), l.items[from..to].to_vec()).into()),
        Value::Bytes(b) => Value::Bytes(b[from..to].into()),
        _ => Value::Nil,
    }))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Invalid,
    Bool,
    Int,
    Float,
    String,
    Uint,
}

fn basic_kind(v: Option<&Value>) -> Kind {
    match v {
        Some(Value::Bool(_)) => Kind::Bool,
        Some(Value::Int(..)) => Kind::Int,
        Some(Value::Uint(..)) => Kind::Uint,
        Some(Value::Float(_)) => Kind::Float,
        Some(Value::String(_)) => Kind::String,
        _ => Kind::Invalid,
    }
}

const INVALID_TYPE: &str = "invalid type for comparison";

fn type_name(v: Option<&Value>) -> String {
    v.map(|v| v.go_type().to_string())
        .unwrap_or_else(|| "<nil>".into())
}

/// Go's reflect kind, as far as `eq` distinguishes them for non-basic values.
fn reflect_kind(v: &Value) -> u8 {
    match v {
        Value::List(_) | Value::Bytes(_) => 1,
        Value::Map(_) => 2,
        Value::Object(o) => {
            if o.is_pointer() {
                3
            } else {
                4
            }
        }
        _ => 0,
    }
}

fn eq(arg1: &Eval, rest: &[Eval]) -> Result<bool, String> {
    let v1 = arg1.concrete();
    if rest.is_empty() {
        return Err("missing argument for comparison".into());
    }
    let k1 = basic_kind(v1);
    for arg in rest {
        let v2 = arg.concrete();
        let k2 = basic_kind(v2);
        let truth = if k1 != k2 {
            match (v1, v2) {
                (Some(Value::Int(a, _)), Some(Value::Uint(b, _))) => *a >= 0 && *a as u64 == *b,
                (Some(Value::Uint(a, _)), Some(Value::Int(b, _))) => *b >= 0 && *a == *b as u64,
                (Some(a), Some(b)) => {
                    return Err(format!(
                        "incompatible types for comparison: {} and {}",
                        a.go_type(),
                        b.go_type()
                    ));
                }
                _ => false,
            }
        } else {
            match (v1, v2) {
                (Some(Value::Bool(a)), Some(Value::Bool(b))) => a == b,
                (Some(Value::Float(a)), Some(Value::Float(b))) => a == b,
                (Some(Value::Int(a, _)), Some(Value::Int(b, _))) => a == b,
                (Some(Value::Uint(a, _)), Some(Value::Uint(b, _))) => a == b,
                (Some(Value::String(a)), Some(Value::String(b))) => a == b,
                (None, None) => true,
                (None, Some(_)) | (Some(_), None) => false,
                (Some(a), Some(b)) => {
                    if reflect_kind(a) != reflect_kind(b) {
                        return Err(format!(
                            "non-comparable types {}: {}, {}: {}",
                            gofmt::sprintf("%s", std::slice::from_ref(a)),
                            a.go_type(),
                            b.go_type(),
                            gofmt::sprint(std::slice::from_ref(b))
                        ));
                    }
                    match (a, b) {
                        (Value::Object(x), Value::Object(y)) => {
                            std::ptr::addr_eq(std::sync::Arc::as_ptr(x), std::sync::Arc::as_ptr(y))
                        }
                        _ => {
                            return Err(format!(
                                "non-comparable type {}: {}",
                                gofmt::sprintf("%s", std::slice::from_ref(b)),
                                b.go_type()
                            ));
                        }
                    }
                }
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

fn lt(arg1: &Eval, arg2: &Eval) -> Result<bool, String> {
    let v1 = arg1.concrete();
    let k1 = basic_kind(v1);
    if k1 == Kind::Invalid {
        return Err(INVALID_TYPE.into());
    }
    let v2 = arg2.concrete();
    let k2 = basic_kind(v2);
    if k2 == Kind::Invalid {
        return Err(INVALID_TYPE.into());
    }
    if k1 != k2 {
        return match (v1, v2) {
            (Some(Value::Int(a, _)), Some(Value::Uint(b, _))) => Ok(*a < 0 || (*a as u64) < *b),
            (Some(Value::Uint(a, _)), Some(Value::Int(b, _))) => Ok(*b >= 0 && *a < *b as u64),
            _ => Err(format!(
                "incompatible types for comparison: {} and {}",
                type_name(v1),
                type_name(v2)
            )),
        };
    }
    match (v1, v2) {
        (Some(Value::Float(a)), Some(Value::Float(b))) => {
            Ok(a.partial_cmp(b) == Some(Ordering::Less))
        }
        (Some(Value::Int(a, _)), Some(Value::Int(b, _))) => Ok(a < b),
        (Some(Value::Uint(a, _)), Some(Value::Uint(b, _))) => Ok(a < b),
        (Some(Value::String(a)), Some(Value::String(b))) => Ok(a < b),
        _ => Err(INVALID_TYPE.into()),
    }
}

fn le(arg1: &Eval, arg2: &Eval) -> Result<bool, String> {
    if lt(arg1, arg2)? {
        return Ok(true);
    }
    eq(arg1, std::slice::from_ref(arg2))
}
