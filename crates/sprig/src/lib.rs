//! The Sprig v3.3.0 template function library as Helm registers it (every text
//! function except `env` and `expandenv`), with Go's semantics, quirks and error
//! texts. Each function is declared with the Go signature Sprig gives it, so the
//! template executor checks and converts arguments exactly as Go's reflection does.
//!
//! [`functions`] returns the whole map, ready for `Templates::add_functions`.

mod cast;
mod certs;
mod crypto;
mod dates;
mod decimal;
mod defaults;
mod dicts;
mod encoding;
mod gotime;
mod json;
mod lists;
mod montgomery;
mod numeric;
mod paths;
mod random;
mod reflect;
mod regex;
mod rsakey;
mod semver;
mod strings;
mod url;

use std::sync::Arc;

use gotmpl::{FuncError, Function, GoType, IntKind, Signature, UintKind, Value};

pub use gotime::{as_time, Time, Zone};
pub use semver::is_compatible_range;

/// Every Sprig function Helm registers, by name.
pub fn functions() -> Vec<(String, Function)> {
    let mut r = Registry::default();
    strings::register(&mut r);
    encoding::register(&mut r);
    numeric::register(&mut r);
    defaults::register(&mut r);
    json::register(&mut r);
    reflect::register(&mut r);
    lists::register(&mut r);
    dicts::register(&mut r);
    paths::register(&mut r);
    regex::register(&mut r);
    semver::register(&mut r);
    url::register(&mut r);
    dates::register(&mut r);
    crypto::register(&mut r);
    random::register(&mut r);
    certs::register(&mut r);
    r.funcs
}

/// Collects functions while the modules register them.
#[derive(Default)]
pub(crate) struct Registry {
    funcs: Vec<(String, Function)>,
}

type Body = dyn Fn(Vec<Value>) -> Result<Value, FuncError> + Send + Sync;

impl Registry {
    /// Registers a function with fixed parameters.
    pub(crate) fn add<F>(&mut self, names: &[&str], params: Vec<GoType>, body: F)
    where
        F: Fn(Vec<Value>) -> Result<Value, FuncError> + Send + Sync + 'static,
    {
        self.insert(names, Signature::new(params), Arc::new(body));
    }

    /// Registers a function whose last parameter is `...rest`.
    pub(crate) fn variadic<F>(&mut self, names: &[&str], params: Vec<GoType>, rest: GoType, body: F)
    where
        F: Fn(Vec<Value>) -> Result<Value, FuncError> + Send + Sync + 'static,
    {
        self.insert(names, Signature::variadic(params, rest), Arc::new(body));
    }

    fn insert(&mut self, names: &[&str], signature: Signature, body: Arc<Body>) {
        for name in names {
            let body = body.clone();
            let f = Function::new(signature.clone(), move |_, args| body(args));
            self.funcs.push((name.to_string(), f));
        }
    }
}

/// Go type shorthands for signatures.
pub(crate) mod ty {
    use super::*;

    pub const ANY: GoType = GoType::Interface;
    pub const STRING: GoType = GoType::String;
    pub const BOOL: GoType = GoType::Bool;
    pub const FLOAT: GoType = GoType::Float64;
    pub const INT: GoType = GoType::Int(IntKind::Int);
    pub const UINT32: GoType = GoType::Uint(UintKind::Uint32);

    pub fn dict() -> GoType {
        GoType::map_of(GoType::Interface)
    }

    pub fn list() -> GoType {
        GoType::slice_of(GoType::Interface)
    }

    pub fn named(name: &str) -> GoType {
        GoType::Named(name.into())
    }
}

/// The argument at `i`, or nil when the executor passed fewer (never happens for a
/// well-declared signature, but keeps every body panic-free).
pub(crate) fn arg(args: &[Value], i: usize) -> &Value {
    args.get(i).unwrap_or(&Value::Nil)
}

/// A `string` argument.
pub(crate) fn str_arg(args: &[Value], i: usize) -> &str {
    match args.get(i) {
        Some(Value::String(s)) => s,
        _ => "",
    }
}

/// An `int` argument.
pub(crate) fn int_arg(args: &[Value], i: usize) -> i64 {
    match args.get(i) {
        Some(Value::Int(v, _)) => *v,
        Some(Value::Uint(v, _)) => *v as i64,
        _ => 0,
    }
}

/// A `[]string` result.
pub(crate) fn string_list(items: Vec<String>) -> Value {
    Value::List(Arc::new(gotmpl::List::new(
        GoType::String,
        items.into_iter().map(Value::from).collect(),
    )))
}

/// A `[]interface {}` result.
pub(crate) fn any_list(items: Vec<Value>) -> Value {
    Value::list(items)
}

/// The error a recovered Go runtime panic turns into.
pub(crate) fn runtime_error(msg: &str) -> FuncError {
    FuncError::new(format!("runtime error: {msg}"))
}

/// Go's panic for a nil `reflect.Type` method call (`reflect.TypeOf(nil).Kind()`).
pub(crate) fn nil_deref() -> FuncError {
    runtime_error("invalid memory address or nil pointer dereference")
}
