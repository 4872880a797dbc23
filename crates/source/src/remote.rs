//! Resolving a remote chart to a verified archive, from the offline bundle,
//! the cache, an index.yaml repository (with Helm's URL resolution and
//! credential rules) or an OCI registry; and pushing charts to registries.

use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::cache::{Lookup, Resolved};
use crate::chartfile::archive_meta;
use crate::credentials::{self, Credentials};
use crate::digest::{hex_of, sha256_hex};
use crate::error::SourceError;
use crate::http::{Auth, Request, TlsSettings};
use crate::index::{available, Index};
use crate::oci::{api_host, is_loopback, is_valid_tag, tag_of, OciRef, Registry};
use crate::options::Repository;
use crate::reference::{oci_base, repository_for_oci, Remote};
use crate::sources::{Mode, PushedChart, Resolution, Sources};
use crate::version::{select, sort_newest_first};

fn basic(repo: Option<&Repository>) -> Auth {
    match repo {
        Some(Repository {
            username: Some(username),
            password,
            ..
        }) => Auth::Basic {
            username: username.clone(),
            password: password.clone().unwrap_or_default(),
        },
        _ => Auth::None,
    }
}

fn host_of(url: &str) -> Option<(String, Option<u16>)> {
    let u = url::Url::parse(url).ok()?;
    Some((u.host_str()?.to_string(), u.port_or_known_default()))
}

impl Sources {
    /// The archive a remote chart at `version` resolves to, from wherever this mode allows.
    pub(crate) fn resolve_remote(
        &self,
        remote: &Remote,
        version: Option<&str>,
    ) -> Result<Resolution, SourceError> {
        let version = match (remote, version) {
            (Remote::Oci { reference, .. }, v) => match (&reference.tag, v) {
                (Some(tag), Some(v)) if tag != v => {
                    return Err(SourceError::BadReference {
                        chart: format!("{}:{tag}", reference.location()),
                        reason: format!(
                            "the reference names version {tag} but version {v} was asked for"
                        ),
                    })
                }
                (Some(tag), _) => Some(tag.as_str()),
                (None, v) => v,
            },
            (_, v) => v,
        };
        let key = remote.key(version);
        if let Mode::Bundle(bundle) = &self.mode {
            return bundle.lookup(&key, &remote.describe(version));
        }
        let cache = self.cache()?;
        if let Some(hit) = self.cached_resolution(&key, version)? {
            return Ok(hit);
        }
        if let Mode::OfflineCache = self.mode {
            return self.resolve_offline(remote, version, &key);
        }
        let (bytes, name, resolved_version) = match remote {
            Remote::Http { url, chart, repo } => {
                self.download_from_repository(url, chart, repo.as_ref(), version)?
            }
            Remote::Oci { reference, repo } => {
                self.pull_from_registry(reference, repo.as_ref(), version)?
            }
        };
        let (path, digest) = match bytes {
            Download::Fetched(bytes) => cache.store_archive(&bytes)?,
            Download::Cached(path, digest) => (path, digest),
        };
        let resolved = Resolved {
            name,
            version: resolved_version,
            digest,
        };
        cache.store_resolved(&key, &resolved)?;
        cache.store_resolved(&remote.key(Some(&resolved.version)), &resolved)?;
        Ok(Resolution {
            key,
            name: resolved.name,
            version: resolved.version,
            digest: resolved.digest,
            path,
        })
    }

    /// A request for an exact version already resolved and cached: no network needed.
    fn cached_resolution(
        &self,
        key: &str,
        version: Option<&str>,
    ) -> Result<Option<Resolution>, SourceError> {
        let cache = self.cache()?;
        let Some(record) = cache.resolved(key) else {
            return Ok(None);
        };
        let exact = version == Some(record.version.as_str());
        if !exact && matches!(self.mode, Mode::Online) {
            return Ok(None);
        }
        Ok(match cache.archive(&record.digest)? {
            Lookup::Hit(path) => Some(Resolution {
                key: key.to_string(),
                name: record.name,
                version: record.version,
                digest: record.digest,
                path,
            }),
            Lookup::Corrupt(path) if matches!(self.mode, Mode::OfflineCache) => {
                return Err(SourceError::DigestMismatch {
                    what: format!(
                        "cached archive {} (removed; --offline forbids fetching it again)",
                        path.display()
                    ),
                    expected: record.digest,
                    actual: "different bytes".to_string(),
                })
            }
            Lookup::Corrupt(_) | Lookup::Missing => None,
        })
    }

    /// Offline with only the cache: a cached index answers ranges of index.yaml repositories.
    fn resolve_offline(
        &self,
        remote: &Remote,
        version: Option<&str>,
        key: &str,
    ) -> Result<Resolution, SourceError> {
        let cache = self.cache()?;
        let not_cached = || SourceError::NotInCache {
            what: remote.describe(version),
            dir: cache.root().display().to_string(),
        };
        let Remote::Http { url, chart, .. } = remote else {
            return Err(not_cached());
        };
        let Some((bytes, file)) = cache.index(url) else {
            return Err(not_cached());
        };
        let index = Index::parse(&bytes, &file.display().to_string())?;
        let entry = index.get(chart, version, url)?;
        let exact_key = remote.key(Some(&entry.version));
        match self.cached_resolution(&exact_key, Some(&entry.version))? {
            Some(mut r) => {
                r.key = key.to_string();
                Ok(r)
            }
            None => Err(not_cached()),
        }
    }

    /// Downloads a chart repository's index afresh into the cache (what
    /// `helm repo update` does for helmfile's `repos`), returning how many
    /// chart versions it lists. OCI registries have no index: they answer 0
    /// without a request.
    pub fn update_index(&self, repo: &Repository) -> Result<usize, SourceError> {
        if repo.oci || repo.url.starts_with("oci://") {
            return Ok(0);
        }
        let url = repo.url.trim_end_matches('/');
        let index = self.index(url, Some(repo))?;
        Ok(index.version_count())
    }

    /// The parsed index of a repository, fetched once per `Sources`.
    fn index(&self, url: &str, repo: Option<&Repository>) -> Result<Arc<Index>, SourceError> {
        let slot = self
            .indexes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(url.to_string())
            .or_insert_with(|| Arc::new(Mutex::new(None)))
            .clone();
        let mut slot = slot.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(index) = slot.as_ref() {
            return Ok(index.clone());
        }
        let index_url = format!("{url}/index.yaml");
        let request = Request::get(&index_url).auth(basic(repo));
        let reply = self.transport.send(&TlsSettings::of(repo), &request, url)?;
        match reply.status {
            200..=299 => {}
            401 | 403 => {
                return Err(SourceError::Unauthorized {
                    url: index_url,
                    repo: url.to_string(),
                    status: reply.status,
                })
            }
            status => {
                return Err(SourceError::Http {
                    url: index_url,
                    status,
                })
            }
        }
        let index = Arc::new(Index::parse(&reply.body, &index_url)?);
        self.cache()?.store_index(url, &reply.body)?;
        *slot = Some(index.clone());
        Ok(index)
    }

    fn download_from_repository(
        &self,
        url: &str,
        chart: &str,
        repo: Option<&Repository>,
        version: Option<&str>,
    ) -> Result<(Download, String, String), SourceError> {
        let index = self.index(url, repo)?;
        let entry = index.get(chart, version, url)?;
        let found = (entry.name.clone(), entry.version.clone());
        if let Some(d) = &entry.digest {
            if let Lookup::Hit(path) = self.cache()?.archive(&hex_of(d))? {
                return Ok((Download::Cached(path, hex_of(d)), found.0, found.1));
            }
        }
        let first = entry.urls.first().ok_or_else(|| {
            SourceError::invalid(
                format!("{url}/index.yaml"),
                format!(
                    "chart \"{chart}\" version {} has no download URL",
                    entry.version
                ),
            )
        })?;
        let base = url::Url::parse(&format!("{url}/"))
            .map_err(|e| SourceError::invalid(url, format!("not a URL: {e}")))?;
        let chart_url = base
            .join(first)
            .map_err(|e| {
                SourceError::invalid(
                    format!("{url}/index.yaml"),
                    format!("bad chart URL {first}: {e}"),
                )
            })?
            .to_string();
        let same_host = host_of(&chart_url) == host_of(url);
        let pass = repo.is_some_and(|r| r.pass_credentials);
        let auth = if same_host || pass {
            basic(repo)
        } else {
            Auth::None
        };
        let reply = self.transport.send(
            &TlsSettings::of(repo),
            &Request::get(&chart_url).auth(auth),
            url,
        )?;
        match reply.status {
            200..=299 => {}
            401 | 403 => {
                return Err(SourceError::Unauthorized {
                    url: chart_url,
                    repo: url.to_string(),
                    status: reply.status,
                })
            }
            status => {
                return Err(SourceError::Http {
                    url: chart_url,
                    status,
                })
            }
        }
        if let Some(expected) = &entry.digest {
            let actual = sha256_hex(&reply.body);
            if hex_of(expected) != actual {
                return Err(SourceError::DigestMismatch {
                    what: format!("{chart_url} (chart \"{chart}\" {} in {url})", entry.version),
                    expected: expected.clone(),
                    actual,
                });
            }
        }
        Ok((Download::Fetched(reply.body), found.0, found.1))
    }

    fn registry(&self, registry: &str, repo: Option<&Repository>) -> Registry<'_> {
        let plain = repo.is_some_and(|r| r.plain_http) || is_loopback(registry);
        let declared = repo.and_then(|r| {
            r.username.as_ref().map(|u| Credentials {
                username: u.clone(),
                password: r.password.clone().unwrap_or_default(),
            })
        });
        Registry {
            transport: &self.transport,
            tls: TlsSettings::of(repo),
            base: format!(
                "{}://{}",
                if plain { "http" } else { "https" },
                api_host(registry)
            ),
            registry: registry.to_string(),
            credentials: declared.or_else(|| credentials::for_registry(registry)),
            tokens: &self.tokens,
        }
    }

    fn pull_from_registry(
        &self,
        reference: &OciRef,
        repo: Option<&Repository>,
        version: Option<&str>,
    ) -> Result<(Download, String, String), SourceError> {
        let registry = self.registry(&reference.registry, repo);
        let direct = match version {
            Some(v) if is_valid_tag(&tag_of(v)) => {
                registry.manifest(reference, v)?.map(|m| (v.to_string(), m))
            }
            _ => None,
        };
        let (tag, manifest) = match direct {
            Some(found) => found,
            None => {
                let mut tags = registry.tags(reference)?;
                sort_newest_first(&mut tags, |t| t);
                let tag = select(&tags, version, |t| t).cloned().ok_or_else(|| {
                    SourceError::NoMatchingVersion {
                        chart: reference.chart_name().to_string(),
                        repo: reference.location(),
                        constraint: version.unwrap_or("* (latest release)").to_string(),
                        available: available(tags.iter().map(String::as_str)),
                    }
                })?;
                let manifest = registry.manifest(reference, &tag)?.ok_or_else(|| {
                    SourceError::ChartNotFound {
                        chart: format!("{}:{}", reference.chart_name(), tag_of(&tag)),
                        repo: reference.location(),
                    }
                })?;
                (tag, manifest)
            }
        };
        let name = reference.chart_name().to_string();
        if let Lookup::Hit(path) = self.cache()?.archive(&manifest.layer_digest)? {
            return Ok((Download::Cached(path, manifest.layer_digest), name, tag));
        }
        let bytes = registry.blob(reference, &manifest.layer_digest)?;
        Ok((Download::Fetched(bytes), name, tag))
    }

    /// Pushes a packaged chart to `destination` (`oci://host/path`) as
    /// `destination/<name>:<version>`, as `helm push` does.
    pub fn push(&self, archive: &Path, destination: &str) -> Result<PushedChart, SourceError> {
        if !matches!(self.mode, Mode::Online) {
            return Err(SourceError::BadReference {
                chart: destination.to_string(),
                reason: "cannot push while offline".to_string(),
            });
        }
        let bytes = std::fs::read(archive).map_err(|e| SourceError::io(archive, &e))?;
        let file = archive.display().to_string();
        let meta = archive_meta(&bytes, &file)?;
        if meta.name.is_empty() || meta.version.is_empty() {
            return Err(SourceError::invalid(
                &file,
                "Chart.yaml needs a name and a version",
            ));
        }
        let reference = OciRef::parse(&format!("{}/{}", oci_base(destination), meta.name))?;
        let repo = repository_for_oci(&self.options.repositories, &reference);
        let registry = self.registry(&reference.registry, repo);
        let config = crate::chartfile::archive_chart_json(&bytes, &file)?;
        let annotations = serde_json::json!({
            "org.opencontainers.image.title": meta.name,
            "org.opencontainers.image.version": meta.version,
        });
        let digest = registry.push(
            &reference.repository,
            &meta.version,
            &config,
            &bytes,
            annotations,
        )?;
        Ok(PushedChart {
            reference: format!("{}:{}", reference.location(), tag_of(&meta.version)),
            name: meta.name,
            version: meta.version,
            digest,
        })
    }
}

/// Archive bytes just downloaded, or an archive the cache already held.
enum Download {
    Fetched(Vec<u8>),
    Cached(std::path::PathBuf, String),
}
