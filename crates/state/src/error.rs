//! The errors of loading a deployment repository, each naming the file (and
//! the line:col Go's template or YAML message carries) as helmfile does.

use std::path::PathBuf;

/// Why a helmfile state could not be loaded or resolved.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// No state file at the default places (or the one named is missing).
    #[error("{0}")]
    NoStateFile(String),
    /// A file could not be read.
    #[error("{}: {message}", path.display())]
    Io { path: PathBuf, message: String },
    /// `-e NAME` names an environment no state file defines (helmfile then
    /// only says that no release matched).
    #[error("environment \"{env}\" is not defined in {file} (helmfile: no releases found that matches specified selector({selectors}) and environment({env}), in any helmfile)")]
    UnknownEnvironment {
        file: String,
        env: String,
        selectors: String,
    },
    /// A part of a state file failed to render as a template (Go's message,
    /// `template: stringTemplate:LINE:COL: ...`).
    #[error("in {file}: error during {part} parsing: {message}")]
    Template {
        file: String,
        part: String,
        message: String,
    },
    /// The rendered state is not valid YAML or does not fit helmfile's schema.
    #[error("in {file}: failed to read {name}: {message}")]
    Yaml {
        file: String,
        name: String,
        message: String,
    },
    /// An environment values file, release values file or secrets file is
    /// missing, unreadable, or failed to render.
    #[error("in {file}: {message}")]
    Values { file: String, message: String },
    /// A secrets file is not SOPS-encrypted or cannot be decrypted.
    #[error("in {file}: failed to decrypt secrets file \"{secrets}\": {message}")]
    Secrets {
        file: String,
        secrets: String,
        message: String,
    },
    /// A release field failed to render as a template.
    #[error("in {file}: failed executing release templates in \"{name}\": {message}")]
    ReleaseTemplate {
        file: String,
        name: String,
        message: String,
    },
    /// A malformed `-l` selector.
    #[error("malformed label: {0}. Expected label in form k=v or k!=v")]
    Selector(String),
    /// Nothing matched the selectors in any state file. `helmfile build`
    /// still prints every state before failing: `build_output` is that text.
    #[error("no releases found that matches specified selector({selectors}) and environment({env}), in any helmfile")]
    NoMatchingReleases {
        selectors: String,
        env: String,
        build_output: String,
    },
    /// A release's chart names a repository the state does not declare.
    #[error("in {file}: release \"{release}\": chart \"{chart}\" refers to repository \"{repo}\", which is not declared under `repositories:` (declared: {declared})")]
    UndeclaredRepository {
        file: String,
        release: String,
        chart: String,
        repo: String,
        declared: String,
    },
    /// Anything else helmfile rejects, with its message.
    #[error("in {file}: {message}")]
    Invalid { file: String, message: String },
}
