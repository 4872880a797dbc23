//! What the caller configures: declared repositories (helmfile's
//! `repositories:`) and where charts may come from (network, cache, bundle).

use std::path::PathBuf;

/// A declared chart repository or OCI registry. Its `Debug` hides the password.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Repository {
    /// The name charts are referenced by (`name/chart`, `@name` in Chart.yaml).
    pub name: String,
    /// `https://host/path` for a chart repository; `host/path` or
    /// `oci://host/path` for an OCI registry.
    pub url: String,
    /// An OCI registry rather than an index.yaml repository.
    pub oci: bool,
    pub username: Option<String>,
    pub password: Option<String>,
    /// PEM file of extra certificate authorities to trust.
    pub ca_file: Option<PathBuf>,
    /// PEM client certificate, with `key_file`.
    pub cert_file: Option<PathBuf>,
    pub key_file: Option<PathBuf>,
    pub insecure_skip_tls_verify: bool,
    /// Send the credentials to chart URLs on other hosts too.
    pub pass_credentials: bool,
    /// Talk plain HTTP to this OCI registry (loopback registries always are).
    pub plain_http: bool,
}

impl std::fmt::Debug for Repository {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repository")
            .field("name", &self.name)
            .field("url", &self.url)
            .field("oci", &self.oci)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<hidden>"))
            .field("ca_file", &self.ca_file)
            .field("cert_file", &self.cert_file)
            .field("key_file", &self.key_file)
            .field("insecure_skip_tls_verify", &self.insecure_skip_tls_verify)
            .field("pass_credentials", &self.pass_credentials)
            .field("plain_http", &self.plain_http)
            .finish()
    }
}

/// Where charts come from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceOptions {
    /// The cache root; `$XDG_CACHE_HOME/berth` or `~/.cache/berth` when `None`.
    pub cache_dir: Option<PathBuf>,
    /// Never touch the network: serve from the bundle if one is given, else from the cache.
    pub offline: bool,
    /// An offline bundle written by `vendor`: when given, every remote chart
    /// comes from it and the network is never used.
    pub bundle: Option<PathBuf>,
    pub repositories: Vec<Repository>,
    /// Retries after a connection error or a 5xx answer (exponential backoff
    /// from `retry_delay_ms`). `None`: 3 retries from 200 ms.
    pub retries: Option<u32>,
    pub retry_delay_ms: Option<u64>,
}

/// One chart to fetch, as a deployment repository names it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ChartRequest {
    /// `repo/name`, `oci://host/path/name`, a chart directory or a `.tgz`.
    pub chart: String,
    /// An exact version or a semver constraint; `None` for the latest release.
    pub version: Option<String>,
    /// The directory local paths are relative to.
    pub base_dir: PathBuf,
}
