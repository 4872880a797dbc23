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
}
