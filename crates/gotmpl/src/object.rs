//! Host objects: Go structs (or pointers to them) exposed to templates with exported
//! fields and methods, such as Helm's `.Capabilities`, `.Files` or a time value.

use std::fmt::Debug;

use crate::func::{FuncError, Signature};
use crate::value::Value;

/// A struct-like value provided by the host. Field and method names are Go's
/// exported names; lookups of anything else fail as Go's do.
pub trait Object: Send + Sync + Debug {
    /// The Go type name, as `%T` prints it (for example `*chart.Metadata`).
    fn type_name(&self) -> String;

    /// The value of an exported field, if the object has one by that name.
    fn field(&self, name: &str) -> Option<Value>;

    /// The signature of a method, if the object has one by that name.
    fn method(&self, _name: &str) -> Option<Signature> {
        None
    }

    /// Calls a method found by [`Object::method`], with arguments already checked
    /// and converted to its signature.
    fn call_method(&self, name: &str, _args: Vec<Value>) -> Result<Value, FuncError> {
        Err(FuncError::new(format!("no method {name}")))
    }

    /// Whether this is a pointer to a struct (printed `&{...}` at top level by `%v`).
    fn is_pointer(&self) -> bool {
        true
    }

    /// A nil pointer is false in `if`; a struct is always true.
    fn truth(&self) -> bool {
        true
    }

    /// The fields in declaration order, for `%v`/`%+v` printing of the struct.
    fn fields(&self) -> Vec<(String, Value)> {
        Vec::new()
    }

    /// The result of the type's `String()` (or `Error()`) method, if it has one:
    /// `fmt` prints that instead of the fields.
    fn stringer(&self) -> Option<String> {
        None
    }
}
