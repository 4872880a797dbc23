//! What a chart string names: a local directory or archive, a chart in a
//! declared repository (`repo/name`), or an OCI reference (`oci://...`); and
//! the canonical key of a remote request that the cache and bundles use.

use std::path::{Path, PathBuf};

use crate::error::SourceError;
use crate::oci::OciRef;
use crate::options::Repository;

/// A chart somewhere on the network.
#[derive(Clone, Debug)]
pub(crate) enum Remote {
    /// A chart in an index.yaml repository.
    Http {
        url: String,
        chart: String,
        repo: Option<Repository>,
    },
    Oci {
        reference: OciRef,
        repo: Option<Repository>,
    },
}

/// A resolved chart string.
#[derive(Clone, Debug)]
pub(crate) enum Target {
    Local(PathBuf),
    Remote(Box<Remote>),
}

/// A repository URL without its trailing slashes.
pub(crate) fn normalize_url(url: &str) -> String {
    url.trim_end_matches('/').to_string()
}

/// An OCI registry URL as `host/path`, whichever form it was given in.
pub(crate) fn oci_base(url: &str) -> &str {
    url.strip_prefix("oci://")
        .unwrap_or(url)
        .trim_end_matches('/')
}

impl Remote {
    /// The cache and bundle key of this chart at `version`.
    pub(crate) fn key(&self, version: Option<&str>) -> String {
        let version = version.unwrap_or("");
        match self {
            Remote::Http { url, chart, .. } => format!("{url} {chart} {version}"),
            Remote::Oci { reference, .. } => format!("{} {version}", reference.location()),
        }
    }

    /// "chart \"web\" version \"~1.2\" from https://..." for messages.
    pub(crate) fn describe(&self, version: Option<&str>) -> String {
        let (chart, from) = match self {
            Remote::Http { url, chart, .. } => (chart.as_str(), url.clone()),
            Remote::Oci { reference, .. } => (reference.chart_name(), reference.location()),
        };
        match version {
            Some(v) => format!("chart \"{chart}\" version \"{v}\" from {from}"),
            None => format!("chart \"{chart}\" (latest) from {from}"),
        }
    }
}

/// The declared repository an HTTP repository URL belongs to (for its credentials and TLS).
pub(crate) fn repository_for_url<'a>(repos: &'a [Repository], url: &str) -> Option<&'a Repository> {
    repos
        .iter()
        .find(|r| !r.oci && normalize_url(&r.url) == url)
}

/// The declared OCI repository whose URL is a prefix of `registry/repository`.
pub(crate) fn repository_for_oci<'a>(
    repos: &'a [Repository],
    reference: &OciRef,
) -> Option<&'a Repository> {
    let full = format!("{}/{}", reference.registry, reference.repository);
    repos
        .iter()
        .filter(|r| r.oci && !oci_base(&r.url).is_empty())
        .filter(|r| full == oci_base(&r.url) || full.starts_with(&format!("{}/", oci_base(&r.url))))
        .max_by_key(|r| oci_base(&r.url).len())
}

/// A chart in the declared repository `repo` named `chart`.
pub(crate) fn in_repository(repo: &Repository, chart: &str) -> Result<Remote, SourceError> {
    if repo.oci {
        let reference = OciRef::parse(&format!("{}/{chart}", oci_base(&repo.url)))?;
        Ok(Remote::Oci {
            reference,
            repo: Some(repo.clone()),
        })
    } else {
        Ok(Remote::Http {
            url: normalize_url(&repo.url),
            chart: chart.to_string(),
            repo: Some(repo.clone()),
        })
    }
}

fn looks_local(chart: &str) -> bool {
    chart.starts_with('/')
        || chart.starts_with("./")
        || chart.starts_with("../")
        || chart == "."
        || chart == ".."
        || chart.ends_with(".tgz")
        || chart.ends_with(".tar.gz")
}

/// Classifies a chart string as helmfile does: `oci://` references, then
/// paths (explicitly relative or absolute, archives, or existing entries
/// under `base_dir`), then `repo/name`.
pub(crate) fn classify(
    chart: &str,
    base_dir: &Path,
    repos: &[Repository],
) -> Result<Target, SourceError> {
    if chart.starts_with("oci://") {
        let reference = OciRef::parse(chart)?;
        let repo = repository_for_oci(repos, &reference).cloned();
        return Ok(Target::Remote(Box::new(Remote::Oci { reference, repo })));
    }
    if looks_local(chart) || base_dir.join(chart).exists() {
        return Ok(Target::Local(base_dir.join(chart)));
    }
    match chart.split_once('/') {
        Some((name, rest)) if !name.is_empty() && !rest.is_empty() && !rest.contains('/') => {
            let repo = repos.iter().find(|r| r.name == name).ok_or_else(|| {
                SourceError::UnknownRepository {
                    chart: chart.to_string(),
                    name: name.to_string(),
                }
            })?;
            Ok(Target::Remote(Box::new(in_repository(repo, rest)?)))
        }
        _ => Err(SourceError::BadReference {
            chart: chart.to_string(),
            reason: format!(
                "neither repo/name, oci://..., nor a chart directory or archive under {}",
                base_dir.display()
            ),
        }),
    }
}
