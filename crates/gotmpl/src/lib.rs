//! A faithful implementation of Go's `text/template`: Go-typed values, the lexer and
//! parser, the executor with Go's builtins and error texts, and Go's `fmt` printing.

mod ast;
mod builtins;
pub mod error;
pub mod exec;
pub mod func;
pub mod gofmt;
pub mod hold;
mod lexer;
pub mod object;
mod parser;
pub mod strconv;
pub mod template;
pub mod types;
pub mod value;

pub use error::{ErrorSource, ExecError, ParseError, TemplateError};
pub use exec::CallContext;
pub use func::{FuncError, Function, Signature};
pub use hold::WriteHold;
pub use object::Object;
pub use template::{MissingKey, ParsedFile, Templates};
pub use types::{GoType, IntKind, UintKind};
pub use value::{List, Map, MapType, Value};
