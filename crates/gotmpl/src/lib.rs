//! A faithful implementation of Go's `text/template`: Go-typed values, the lexer and
//! parser, the executor with Go's builtins and error texts, and Go's `fmt` printing.

pub mod exec;
pub mod func;
pub mod object;
pub mod types;
pub mod value;

pub use func::{FuncError, Function, Signature};
pub use object::Object;
pub use types::{GoType, IntKind, UintKind};
pub use value::{List, Map, MapType, Value};
