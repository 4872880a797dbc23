//! `Sources`: the configured ways to reach charts (network, cache, offline
//! bundle) and the public operations on them: fetch one chart, fetch many in
//! parallel, vendor a bundle, push to a registry.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::bundle::Bundle;
use crate::cache::Cache;
use crate::chartfile::archive_meta;
use crate::dependencies::resolve_dependencies;
use crate::digest::sha256_hex;
use crate::error::SourceError;
use crate::http::Transport;
use crate::index::Index;
use crate::oci::TokenCache;
use crate::options::{ChartRequest, SourceOptions};
use crate::reference::{classify, Target};

/// A fetched chart, ready to load.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchedChart {
    /// A packaged chart: in the cache, in the offline bundle, or the user's own `.tgz`.
    Archive {
        path: PathBuf,
        name: String,
        version: String,
        /// Hex SHA-256 of the archive.
        digest: String,
    },
    /// A chart directory and what `helm dependency build` would have put in
    /// its `charts/`: archives of remote dependencies (in the cache or
    /// bundle) and directories of `file://` dependencies, in Chart.yaml
    /// order. The chart's own directory is never written to.
    Directory {
        path: PathBuf,
        dependencies: Vec<PathBuf>,
    },
}

/// A chart pushed to a registry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushedChart {
    /// `oci://host/path/name:tag`
    pub reference: String,
    pub name: String,
    pub version: String,
    /// The manifest digest, `sha256:<hex>`.
    pub digest: String,
}

/// One remote chart a request resolved to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Resolution {
    pub key: String,
    pub name: String,
    pub version: String,
    pub digest: String,
    pub path: PathBuf,
}

pub(crate) enum Mode {
    Online,
    OfflineCache,
    Bundle(Bundle),
}

/// A repository's parsed index, filled by the first request that needs it.
pub(crate) type IndexSlot = Arc<Mutex<Option<Arc<Index>>>>;

/// Everything needed to fetch charts.
pub struct Sources {
    pub(crate) options: SourceOptions,
    pub(crate) mode: Mode,
    cache: Option<Cache>,
    pub(crate) transport: Transport,
    pub(crate) indexes: Mutex<HashMap<String, IndexSlot>>,
    pub(crate) tokens: TokenCache,
}

fn default_cache_dir() -> Option<PathBuf> {
    let env = |v: &str| {
        std::env::var_os(v)
            .filter(|s| !s.is_empty())
            .map(PathBuf::from)
    };
    env("XDG_CACHE_HOME")
        .or_else(|| env("HOME").map(|h| h.join(".cache")))
        .map(|d| d.join("berth"))
}

impl Sources {
    pub fn new(options: SourceOptions) -> Result<Sources, SourceError> {
        let mode = match &options.bundle {
            Some(dir) => Mode::Bundle(Bundle::open(dir)?),
            None if options.offline => Mode::OfflineCache,
            None => Mode::Online,
        };
        let cache = match (&mode, &options.cache_dir) {
            (Mode::Bundle(_), _) => None,
            (_, Some(dir)) => Some(Cache::new(dir.clone())),
            (_, None) => Some(Cache::new(
                default_cache_dir().ok_or(SourceError::NoCacheDir)?,
            )),
        };
        let transport = Transport::new(
            options.retries.unwrap_or(3),
            Duration::from_millis(options.retry_delay_ms.unwrap_or(200)),
        );
        Ok(Sources {
            options,
            mode,
            cache,
            transport,
            indexes: Mutex::new(HashMap::new()),
            tokens: TokenCache::default(),
        })
    }

    pub(crate) fn cache(&self) -> Result<&Cache, SourceError> {
        self.cache.as_ref().ok_or(SourceError::NoCacheDir)
    }

    /// Fetches one chart: `repo/name`, `oci://host/path/name`, a chart
    /// directory or a `.tgz`, with local paths relative to `base_dir`.
    /// `version` is an exact version or a semver constraint; `None` takes
    /// the latest release.
    pub fn fetch(
        &self,
        chart: &str,
        version: Option<&str>,
        base_dir: &Path,
    ) -> Result<FetchedChart, SourceError> {
        self.fetch_recorded(chart, version, base_dir, &mut Vec::new())
    }

    pub(crate) fn fetch_recorded(
        &self,
        chart: &str,
        version: Option<&str>,
        base_dir: &Path,
        record: &mut Vec<Resolution>,
    ) -> Result<FetchedChart, SourceError> {
        let version = version.filter(|v| !v.is_empty());
        match classify(chart, base_dir, &self.options.repositories)? {
            Target::Remote(remote) => {
                let r = self.resolve_remote(remote.as_ref(), version)?;
                record.push(r.clone());
                Ok(FetchedChart::Archive {
                    path: r.path,
                    name: r.name,
                    version: r.version,
                    digest: r.digest,
                })
            }
            Target::Local(path) => {
                let meta = std::fs::metadata(&path).map_err(|e| SourceError::io(&path, &e))?;
                if meta.is_dir() {
                    let dependencies = resolve_dependencies(self, &path, record)?;
                    Ok(FetchedChart::Directory { path, dependencies })
                } else {
                    let bytes = std::fs::read(&path).map_err(|e| SourceError::io(&path, &e))?;
                    let chart_meta = archive_meta(&bytes, &path.display().to_string())?;
                    Ok(FetchedChart::Archive {
                        digest: sha256_hex(&bytes),
                        path,
                        name: chart_meta.name,
                        version: chart_meta.version,
                    })
                }
            }
        }
    }

    /// Fetches every request, identical requests once, up to four at a
    /// time; results are in request order.
    pub fn fetch_all(&self, requests: &[ChartRequest]) -> Vec<Result<FetchedChart, SourceError>> {
        let mut unique: Vec<&ChartRequest> = Vec::new();
        let slots: Vec<usize> = requests
            .iter()
            .map(|r| match unique.iter().position(|u| *u == r) {
                Some(i) => i,
                None => {
                    unique.push(r);
                    unique.len() - 1
                }
            })
            .collect();
        let next = std::sync::atomic::AtomicUsize::new(0);
        let mut done: Vec<(usize, Result<FetchedChart, SourceError>)> =
            std::thread::scope(|scope| {
                let workers: Vec<_> = (0..unique.len().min(4))
                    .map(|_| {
                        scope.spawn(|| {
                            let mut mine = Vec::new();
                            loop {
                                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                                let Some(r) = unique.get(i) else { break mine };
                                mine.push((
                                    i,
                                    self.fetch(&r.chart, r.version.as_deref(), &r.base_dir),
                                ));
                            }
                        })
                    })
                    .collect();
                workers
                    .into_iter()
                    .flat_map(|w| {
                        w.join()
                            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                    })
                    .collect()
            });
        done.sort_by_key(|(i, _)| *i);
        let results: Vec<Result<FetchedChart, SourceError>> =
            done.into_iter().map(|(_, r)| r).collect();
        slots.into_iter().map(|i| results[i].clone()).collect()
    }
}
