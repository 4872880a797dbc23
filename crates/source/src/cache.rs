//! The content-addressed cache under `$XDG_CACHE_HOME/berth`: chart archives
//! stored by SHA-256 and verified on every read, index.yaml files per
//! repository URL, and resolution records (which archive a request resolved
//! to) so exact versions and `--offline` need no network. Every write goes
//! to a temporary file in the same directory, then is renamed into place.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::digest::sha256_hex;
use crate::error::SourceError;

/// What a request resolved to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Resolved {
    pub name: String,
    pub version: String,
    /// Hex SHA-256 of the archive.
    pub digest: String,
}

/// An archive lookup.
pub(crate) enum Lookup {
    Hit(PathBuf),
    Missing,
    /// The file was there but its bytes no longer match its name; it has been removed.
    Corrupt(PathBuf),
}

pub(crate) struct Cache {
    root: PathBuf,
}

impl Cache {
    pub(crate) fn new(root: PathBuf) -> Cache {
        Cache { root }
    }

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    fn archive_path(&self, hex: &str) -> PathBuf {
        self.root.join("archives").join(format!("{hex}.tgz"))
    }

    /// The archive with this digest, verified.
    pub(crate) fn archive(&self, hex: &str) -> Result<Lookup, SourceError> {
        let path = self.archive_path(hex);
        match std::fs::read(&path) {
            Ok(bytes) if sha256_hex(&bytes) == hex => Ok(Lookup::Hit(path)),
            Ok(_) => {
                std::fs::remove_file(&path).map_err(|e| SourceError::io(&path, &e))?;
                Ok(Lookup::Corrupt(path))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Lookup::Missing),
            Err(e) => Err(SourceError::io(&path, &e)),
        }
    }

    /// Stores archive bytes whose digest the caller has checked; returns the path and hex digest.
    pub(crate) fn store_archive(&self, bytes: &[u8]) -> Result<(PathBuf, String), SourceError> {
        let hex = sha256_hex(bytes);
        let path = self.archive_path(&hex);
        write_atomically(&path, bytes)?;
        Ok((path, hex))
    }

    fn keyed(&self, dir: &str, key: &str, ext: &str) -> PathBuf {
        self.root
            .join(dir)
            .join(format!("{}.{ext}", sha256_hex(key.as_bytes())))
    }

    pub(crate) fn store_index(&self, url: &str, bytes: &[u8]) -> Result<(), SourceError> {
        write_atomically(&self.keyed("indexes", url, "yaml"), bytes)
    }

    /// The cached index.yaml of a repository and the file it is in.
    pub(crate) fn index(&self, url: &str) -> Option<(Vec<u8>, PathBuf)> {
        let path = self.keyed("indexes", url, "yaml");
        std::fs::read(&path).ok().map(|b| (b, path))
    }

    pub(crate) fn store_resolved(&self, key: &str, r: &Resolved) -> Result<(), SourceError> {
        let json = serde_json::json!({
            "request": key,
            "name": r.name,
            "version": r.version,
            "sha256": r.digest,
        });
        write_atomically(
            &self.keyed("resolved", key, "json"),
            json.to_string().as_bytes(),
        )
    }

    pub(crate) fn resolved(&self, key: &str) -> Option<Resolved> {
        let bytes = std::fs::read(self.keyed("resolved", key, "json")).ok()?;
        let v: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
        if v.get("request")?.as_str()? != key {
            return None;
        }
        Some(Resolved {
            name: v.get("name")?.as_str()?.to_string(),
            version: v.get("version")?.as_str()?.to_string(),
            digest: v.get("sha256")?.as_str()?.to_string(),
        })
    }
}

/// Writes `bytes` to `path` through a temporary file in the same directory
/// and a rename, so readers never see a partial file.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), SourceError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| SourceError::io(dir, &e))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let temp = dir.join(format!(".{name}.{}.{}.tmp", std::process::id(), unique()));
    let result = std::fs::File::create(&temp)
        .and_then(|mut f| f.write_all(bytes).and_then(|_| f.sync_all()))
        .and_then(|_| std::fs::rename(&temp, path));
    result.map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        SourceError::io(path, &e)
    })
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}
