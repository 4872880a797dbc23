//! `SourceError`: every way fetching a chart can fail, each message naming the
//! chart, the repository URL or the file concerned.

use std::path::Path;

/// A failure to resolve or fetch a chart.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SourceError {
    #[error("repository {url} is unreachable: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("{url}: the server answered HTTP {status}")]
    Http { url: String, status: u16 },
    #[error("{url}: access denied (HTTP {status}); check the username and password configured for {repo}")]
    Unauthorized {
        url: String,
        repo: String,
        status: u16,
    },
    #[error("chart \"{chart}\" not found in repository {repo}")]
    ChartNotFound { chart: String, repo: String },
    #[error("no version of chart \"{chart}\" in {repo} matches \"{constraint}\" (available: {available})")]
    NoMatchingVersion {
        chart: String,
        repo: String,
        constraint: String,
        available: String,
    },
    #[error("digest mismatch for {what}: expected {expected}, got {actual}")]
    DigestMismatch {
        what: String,
        expected: String,
        actual: String,
    },
    #[error("{file}: {message}")]
    InvalidFile { file: String, message: String },
    #[error("{path}: {reason}")]
    Io { path: String, reason: String },
    #[error("chart \"{chart}\" names repository \"{name}\", which is not declared")]
    UnknownRepository { chart: String, name: String },
    #[error("invalid chart reference \"{chart}\": {reason}")]
    BadReference { chart: String, reason: String },
    #[error("{what} is not in the offline bundle at {dir}; run `berth vendor` to add it")]
    NotInBundle { what: String, dir: String },
    #[error("{what} is not in the cache at {dir}, and --offline forbids the network; run once without --offline to fill the cache (or use `berth vendor`)")]
    NotInCache { what: String, dir: String },
    #[error("{chart}: the lock file ({lock}) is out of sync with the dependencies file ({deps}); update the dependencies")]
    LockOutOfSync {
        chart: String,
        lock: String,
        deps: String,
    },
    #[error("{chart}: dependency \"{dependency}\": {reason}")]
    Dependency {
        chart: String,
        dependency: String,
        reason: String,
    },
    #[error("TLS settings for {url}: {reason}")]
    Tls { url: String, reason: String },
    #[error("registry {url}: {message}")]
    Registry { url: String, message: String },
    #[error("no cache directory: set XDG_CACHE_HOME or HOME, or give a cache directory")]
    NoCacheDir,
}

impl SourceError {
    pub(crate) fn io(path: &Path, err: &std::io::Error) -> SourceError {
        SourceError::Io {
            path: path.display().to_string(),
            reason: err.to_string(),
        }
    }

    pub(crate) fn invalid(
        file: impl std::fmt::Display,
        message: impl std::fmt::Display,
    ) -> SourceError {
        SourceError::InvalidFile {
            file: file.to_string(),
            message: message.to_string(),
        }
    }
}
