//! Functions callable from templates: their Go signatures, which the executor checks
//! and converts arguments against exactly as Go's reflection-based calls do, and
//! their errors.

use std::sync::Arc;

use crate::error::ExecError;
use crate::exec::CallContext;
use crate::types::GoType;
use crate::value::Value;

/// The parameter list of a function or method. Results are always a value and
/// possibly an error, which is what Go's template engine accepts.
#[derive(Clone, Debug, PartialEq)]
pub struct Signature {
    pub params: Vec<GoType>,
    /// The element type of a final `...T` parameter.
    pub variadic: Option<GoType>,
}

impl Signature {
    pub fn new(params: Vec<GoType>) -> Signature {
        Signature {
            params,
            variadic: None,
        }
    }

    pub fn variadic(params: Vec<GoType>, rest: GoType) -> Signature {
        Signature {
            params,
            variadic: Some(rest),
        }
    }
}

/// An error returned by a function: the executor reports it as
/// `error calling NAME: MESSAGE`.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct FuncError {
    pub message: String,
    /// The template error this error is, when the function executed a template
    /// (Helm's `include`), so that callers can walk the chain as Go's `errors.Unwrap`.
    pub template_error: Option<Box<ExecError>>,
}

impl FuncError {
    pub fn new(message: impl Into<String>) -> FuncError {
        FuncError {
            message: message.into(),
            template_error: None,
        }
    }

    /// The error of a nested template execution, passed through unchanged.
    pub fn from_template(error: ExecError) -> FuncError {
        FuncError {
            message: error.message.clone(),
            template_error: Some(Box::new(error)),
        }
    }
}

/// The body of a template function.
pub type FuncBody =
    dyn Fn(&mut CallContext<'_>, Vec<Value>) -> Result<Value, FuncError> + Send + Sync;

/// A named template function: its signature and body.
#[derive(Clone)]
pub struct Function {
    pub signature: Signature,
    pub body: Arc<FuncBody>,
}

impl Function {
    pub fn new<F>(signature: Signature, body: F) -> Function
    where
        F: Fn(&mut CallContext<'_>, Vec<Value>) -> Result<Value, FuncError> + Send + Sync + 'static,
    {
        Function {
            signature,
            body: Arc::new(body),
        }
    }
}

impl std::fmt::Debug for Function {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Function({:?})", self.signature)
    }
}
