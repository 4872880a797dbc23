//! Offline bundles: `vendor` copies every remote chart a set of requests
//! needs (dependencies included) into a directory with a `bundle.json`
//! manifest mapping each request to its archive and SHA-256; a bundle-mode
//! `Sources` then serves remote charts only from it, never the network.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::cache::write_atomically;
use crate::digest::sha256_hex;
use crate::error::SourceError;
use crate::options::ChartRequest;
use crate::sources::{Resolution, Sources};

/// The manifest's file name inside a bundle directory.
pub const BUNDLE_MANIFEST: &str = "bundle.json";
const BUNDLE_API_VERSION: &str = "berth/bundle/v1";

/// One remote request and the archive that answers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleEntry {
    /// The request: source (repository URL or `oci://` location), chart and
    /// version or constraint as asked.
    pub request: String,
    pub name: String,
    pub version: String,
    /// The archive, relative to the bundle directory.
    pub file: String,
    /// Hex SHA-256 of the archive.
    pub sha256: String,
}

/// A bundle's contents, sorted by request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BundleManifest {
    pub charts: Vec<BundleEntry>,
}

impl BundleManifest {
    fn to_json(&self) -> String {
        let charts: Vec<serde_json::Value> = self
            .charts
            .iter()
            .map(|e| {
                serde_json::json!({
                    "request": e.request,
                    "name": e.name,
                    "version": e.version,
                    "file": e.file,
                    "sha256": e.sha256,
                })
            })
            .collect();
        let doc = serde_json::json!({"apiVersion": BUNDLE_API_VERSION, "charts": charts});
        let mut text = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| doc.to_string());
        text.push('\n');
        text
    }

    fn parse(bytes: &[u8], file: &Path) -> Result<BundleManifest, SourceError> {
        let invalid = |m: String| SourceError::invalid(file.display(), m);
        let doc: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| invalid(e.to_string()))?;
        if doc.get("apiVersion").and_then(|v| v.as_str()) != Some(BUNDLE_API_VERSION) {
            return Err(invalid(format!(
                "not a berth bundle manifest (apiVersion {BUNDLE_API_VERSION})"
            )));
        }
        let field = |entry: &serde_json::Value, name: &str, i: usize| {
            entry
                .get(name)
                .and_then(|v| v.as_str())
                .map(String::from)
                .ok_or_else(|| invalid(format!("charts[{i}]: missing \"{name}\"")))
        };
        let charts = doc
            .get("charts")
            .and_then(|c| c.as_array())
            .ok_or_else(|| invalid("missing \"charts\"".to_string()))?
            .iter()
            .enumerate()
            .map(|(i, e)| {
                Ok(BundleEntry {
                    request: field(e, "request", i)?,
                    name: field(e, "name", i)?,
                    version: field(e, "version", i)?,
                    file: field(e, "file", i)?,
                    sha256: field(e, "sha256", i)?,
                })
            })
            .collect::<Result<_, SourceError>>()?;
        Ok(BundleManifest { charts })
    }
}

/// An opened bundle.
pub(crate) struct Bundle {
    dir: PathBuf,
    entries: BTreeMap<String, BundleEntry>,
}

impl Bundle {
    pub(crate) fn open(dir: &Path) -> Result<Bundle, SourceError> {
        let file = dir.join(BUNDLE_MANIFEST);
        let bytes = std::fs::read(&file).map_err(|e| SourceError::io(&file, &e))?;
        let manifest = BundleManifest::parse(&bytes, &file)?;
        Ok(Bundle {
            dir: dir.to_path_buf(),
            entries: manifest
                .charts
                .into_iter()
                .map(|e| (e.request.clone(), e))
                .collect(),
        })
    }

    /// The bundled archive for a request, verified.
    pub(crate) fn lookup(&self, key: &str, what: &str) -> Result<Resolution, SourceError> {
        let entry = self
            .entries
            .get(key)
            .ok_or_else(|| SourceError::NotInBundle {
                what: what.to_string(),
                dir: self.dir.display().to_string(),
            })?;
        if entry.file.split(['/', '\\']).any(|part| part == "..")
            || Path::new(&entry.file).is_absolute()
        {
            return Err(SourceError::invalid(
                self.dir.join(BUNDLE_MANIFEST).display(),
                format!("archive path {} leaves the bundle", entry.file),
            ));
        }
        let path = self.dir.join(&entry.file);
        let bytes = std::fs::read(&path).map_err(|e| SourceError::io(&path, &e))?;
        let actual = sha256_hex(&bytes);
        if actual != entry.sha256 {
            return Err(SourceError::DigestMismatch {
                what: format!("bundled archive {}", path.display()),
                expected: entry.sha256.clone(),
                actual,
            });
        }
        Ok(Resolution {
            key: key.to_string(),
            name: entry.name.clone(),
            version: entry.version.clone(),
            digest: actual,
            path,
        })
    }
}

impl Sources {
    /// Writes an offline bundle to `out`: every remote chart the requests
    /// need (dependencies of local charts included) under `out/charts/`,
    /// and `out/bundle.json`. Fails on the first request that cannot be fetched.
    pub fn vendor(
        &self,
        requests: &[ChartRequest],
        out: &Path,
    ) -> Result<BundleManifest, SourceError> {
        let mut resolutions = Vec::new();
        for r in requests {
            self.fetch_recorded(
                &r.chart,
                r.version.as_deref(),
                &r.base_dir,
                &mut resolutions,
            )?;
        }
        let mut by_key: BTreeMap<String, Resolution> = BTreeMap::new();
        for r in resolutions {
            by_key.entry(r.key.clone()).or_insert(r);
        }
        let mut files: BTreeMap<String, String> = BTreeMap::new();
        let mut charts = Vec::new();
        for (key, r) in by_key {
            let mut name = format!("charts/{}-{}.tgz", r.name, r.version);
            if files.get(&name).is_some_and(|d| *d != r.digest) {
                name = format!(
                    "charts/{}-{}-{}.tgz",
                    r.name,
                    r.version,
                    &r.digest[..12.min(r.digest.len())]
                );
            }
            if !files.contains_key(&name) {
                let bytes = std::fs::read(&r.path).map_err(|e| SourceError::io(&r.path, &e))?;
                write_atomically(&out.join(&name), &bytes)?;
                files.insert(name.clone(), r.digest.clone());
            }
            charts.push(BundleEntry {
                request: key,
                name: r.name,
                version: r.version,
                file: name,
                sha256: r.digest,
            });
        }
        let manifest = BundleManifest { charts };
        write_atomically(&out.join(BUNDLE_MANIFEST), manifest.to_json().as_bytes())?;
        Ok(manifest)
    }
}
