//! Owns the error type of the crate: every way reading, decrypting or encrypting a
//! SOPS file can fail, as typed values the command line renders for humans.

use thiserror::Error;

/// Everything that can go wrong with a SOPS file.
#[derive(Debug, Error)]
pub enum Error {
    /// The input is not valid in its format (YAML, JSON, dotenv, INI).
    #[error("{format}: {message}")]
    Syntax {
        format: &'static str,
        message: String,
    },
    /// The file has no `sops` metadata: it was never encrypted.
    #[error("sops metadata not found")]
    MetadataNotFound,
    /// The metadata block is present but unusable.
    #[error("invalid sops metadata: {0}")]
    Metadata(String),
    /// An `ENC[...]` value is malformed or of an unknown type.
    #[error("{0}")]
    Value(String),
    /// A value failed AES-GCM authentication: wrong data key, or value/key path altered.
    #[error("MAC check failed: the value at {path} does not authenticate (the value or its key was altered)")]
    Authentication { path: String },
    /// The MAC stored in the file does not match the content.
    #[error("MAC mismatch: the file's message authentication code does not match its content (file has {stored}, computed {computed}); a value, key or the MAC was altered")]
    MacMismatch { stored: String, computed: String },
    /// The stored MAC could not be decrypted.
    #[error("cannot decrypt the MAC: {0}")]
    MacUnreadable(String),
    /// No key source opened the data key.
    #[error("{0}")]
    NoKey(crate::keysource::DataKeyFailure),
    /// The tree holds something sops cannot represent.
    #[error("{0}")]
    Tree(String),
    /// Encryption was asked for but could not be carried out.
    #[error("{0}")]
    Encrypt(String),
    /// `.sops.yaml` is missing, unreadable or has no matching rule.
    #[error("{0}")]
    Config(String),
    /// The plaintext cannot be written in the requested output format.
    #[error("{0}")]
    Emit(String),
}

impl Error {
    pub(crate) fn syntax(format: &'static str, message: impl Into<String>) -> Self {
        Error::Syntax {
            format,
            message: message.into(),
        }
    }
}

/// Shorthand for results of this crate.
pub type Result<T> = std::result::Result<T, Error>;
