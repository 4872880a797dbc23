//! The errors of parsing and executing templates, carrying Go's message texts
//! (`template: NAME:LINE:COL: executing "NAME" at <NODE>: MESSAGE`).

/// A template failed to parse.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    pub message: String,
}

impl ParseError {
    pub fn new(message: impl Into<String>) -> ParseError {
        ParseError {
            message: message.into(),
        }
    }
}

/// A template failed while executing.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct ExecError {
    /// The name of the template that was executing.
    pub name: String,
    pub message: String,
    /// What the error wraps, as Go's `%w` in `error calling NAME: %w` does.
    pub cause: ErrorSource,
}

/// The error an execution error wraps.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum ErrorSource {
    /// Nothing: the executor itself found the problem.
    #[default]
    None,
    /// A function failed with this plain message.
    Function(String),
    /// A function failed because a template it executed failed.
    Template(Box<ExecError>),
}

/// A template failed to parse or to execute.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum TemplateError {
    #[error("{0}")]
    Parse(#[from] ParseError),
    #[error("{0}")]
    Exec(#[from] ExecError),
}
