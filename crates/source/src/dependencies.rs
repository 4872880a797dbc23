//! The dependencies of a local chart, fetched as `helm dependency build`
//! would fetch them but into the cache instead of the chart's `charts/`:
//! the lock file's exact versions when its digest matches Chart.yaml
//! (Helm's `HashReq`, and Helm 2's hash for v1 charts), else Chart.yaml's
//! constraints; repositories given as URLs, `oci://`, `file://` paths, or
//! `@name` / `alias:name` of a declared repository.

use std::path::{Path, PathBuf};

use goyaml::json::write_string;

use crate::chartfile::{load_dir, parse_chart_yaml, ChartMeta, Dependency, Lock};
use crate::digest::sha256_hex;
use crate::error::SourceError;
use crate::oci::OciRef;
use crate::reference::{
    in_repository, normalize_url, repository_for_oci, repository_for_url, Remote,
};
use crate::sources::{Resolution, Sources};

/// encoding/json of Helm's `chart.Dependency` (field order and omitempty as its tags say).
fn write_dependency(out: &mut String, d: &Dependency) -> Result<(), goyaml::JsonError> {
    out.push_str("{\"name\":");
    write_string(out, &d.name);
    if !d.version.is_empty() {
        out.push_str(",\"version\":");
        write_string(out, &d.version);
    }
    out.push_str(",\"repository\":");
    write_string(out, &d.repository);
    if !d.condition.is_empty() {
        out.push_str(",\"condition\":");
        write_string(out, &d.condition);
    }
    if !d.tags.is_empty() {
        out.push_str(",\"tags\":[");
        for (i, t) in d.tags.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_string(out, t);
        }
        out.push(']');
    }
    if d.enabled {
        out.push_str(",\"enabled\":true");
    }
    if !d.import_values.is_empty() {
        out.push_str(",\"import-values\":");
        out.push_str(&goyaml::json::marshal(&goyaml::Data::List(
            d.import_values.clone(),
        ))?);
    }
    if !d.alias.is_empty() {
        out.push_str(",\"alias\":");
        write_string(out, &d.alias);
    }
    out.push('}');
    Ok(())
}

fn write_list(out: &mut String, list: &[Dependency]) -> Result<(), goyaml::JsonError> {
    if list.is_empty() {
        out.push_str("null");
        return Ok(());
    }
    out.push('[');
    for (i, d) in list.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_dependency(out, d)?;
    }
    out.push(']');
    Ok(())
}

/// Helm's `resolver.HashReq`: the digest a lock file records for its requirements.
pub(crate) fn hash_req(
    req: &[Dependency],
    lock: &[Dependency],
) -> Result<String, goyaml::JsonError> {
    let mut out = String::from("[");
    write_list(&mut out, req)?;
    out.push(',');
    write_list(&mut out, lock)?;
    out.push(']');
    Ok(format!("sha256:{}", sha256_hex(out.as_bytes())))
}

/// Helm's `resolver.HashV2Req`: the digest Helm 2 wrote into requirements.lock.
pub(crate) fn hash_v2_req(req: &[Dependency]) -> Result<String, goyaml::JsonError> {
    let mut out = String::from("{\"dependencies\":");
    write_list(&mut out, req)?;
    out.push('}');
    Ok(format!("sha256:{}", sha256_hex(out.as_bytes())))
}

fn check_lock(dir: &Path, meta: &ChartMeta, lock: &Lock) -> Result<(), SourceError> {
    let v1 = meta.api_version == "v1" || meta.api_version.is_empty();
    let hash_error = |e: goyaml::JsonError| SourceError::invalid(lock.file.display(), e);
    if hash_req(&meta.dependencies, &lock.dependencies).map_err(hash_error)? == lock.digest {
        return Ok(());
    }
    if v1 && hash_v2_req(&meta.dependencies).map_err(hash_error)? == lock.digest {
        return Ok(());
    }
    Err(SourceError::LockOutOfSync {
        chart: dir.display().to_string(),
        lock: if v1 {
            "requirements.lock"
        } else {
            "Chart.lock"
        }
        .to_string(),
        deps: if v1 {
            "requirements.yaml"
        } else {
            "Chart.yaml"
        }
        .to_string(),
    })
}

/// Fetches what `helm dependency build` would put in `dir/charts/`; returns
/// archives (remote dependencies) and directories (`file://` ones) in order.
/// Dependencies without a repository are expected in `charts/` already.
pub(crate) fn resolve_dependencies(
    sources: &Sources,
    dir: &Path,
    record: &mut Vec<Resolution>,
) -> Result<Vec<PathBuf>, SourceError> {
    let (meta, lock) = load_dir(dir)?;
    if meta.dependencies.is_empty() {
        return Ok(Vec::new());
    }
    let wanted = match &lock {
        Some(lock) => {
            check_lock(dir, &meta, lock)?;
            &lock.dependencies
        }
        None => &meta.dependencies,
    };
    let mut paths = Vec::new();
    for dep in wanted {
        let fail = |reason: String| SourceError::Dependency {
            chart: dir.display().to_string(),
            dependency: dep.name.clone(),
            reason,
        };
        let version = Some(dep.version.as_str()).filter(|v| !v.is_empty());
        let repository = dep.repository.trim();
        if repository.is_empty() {
            continue;
        }
        if let Some(rel) = repository.strip_prefix("file://") {
            paths.push(local_dependency(dir, rel, version).map_err(fail)?);
            continue;
        }
        if vendored(dir, &dep.name) {
            continue;
        }
        let remote = remote_for(sources, repository, &dep.name).map_err(|e| fail(e.to_string()))?;
        let resolved = sources.resolve_remote(&remote, version)?;
        paths.push(resolved.path.clone());
        record.push(resolved);
    }
    Ok(paths)
}

/// Whether the chart already carries the dependency under `charts/`, as a
/// directory or a `<name>-<version>.tgz` archive. `helm template` renders what
/// `charts/` holds whatever the lock says, so a vendored dependency is used as
/// it is, with no fetch.
fn vendored(dir: &Path, name: &str) -> bool {
    let Ok(entries) = std::fs::read_dir(dir.join("charts")) else {
        return false;
    };
    entries.flatten().any(|entry| {
        let path = entry.path();
        if path.is_dir() {
            let chart_yaml = path.join("Chart.yaml");
            std::fs::read(&chart_yaml)
                .ok()
                .and_then(|bytes| parse_chart_yaml(&bytes, &chart_yaml).ok())
                .is_some_and(|meta| meta.name == name)
        } else {
            let file_name = entry.file_name().to_string_lossy().into_owned();
            file_name
                .strip_suffix(".tgz")
                .and_then(|stem| stem.strip_prefix(name))
                .is_some_and(|rest| rest.starts_with('-'))
        }
    })
}

/// A `file://` dependency: the directory, if its version satisfies the constraint.
fn local_dependency(dir: &Path, rel: &str, version: Option<&str>) -> Result<PathBuf, String> {
    let path = dir.join(rel);
    let chart_yaml = path.join("Chart.yaml");
    let bytes = std::fs::read(&chart_yaml).map_err(|e| format!("{}: {e}", chart_yaml.display()))?;
    let meta = parse_chart_yaml(&bytes, &chart_yaml).map_err(|e| e.to_string())?;
    if let Some(v) = version {
        if v != meta.version && !sprig::is_compatible_range(v, &meta.version) {
            return Err(format!(
                "{} has version {}, which does not satisfy \"{v}\"",
                path.display(),
                meta.version
            ));
        }
    }
    Ok(path)
}

/// Where a dependency's `repository:` points.
fn remote_for(sources: &Sources, repository: &str, name: &str) -> Result<Remote, SourceError> {
    let repos = &sources.options.repositories;
    let alias = repository
        .strip_prefix('@')
        .or_else(|| repository.strip_prefix("alias:"));
    if let Some(alias) = alias {
        let repo = repos.iter().find(|r| r.name == alias).ok_or_else(|| {
            SourceError::UnknownRepository {
                chart: name.to_string(),
                name: alias.to_string(),
            }
        })?;
        return in_repository(repo, name);
    }
    if repository.starts_with("oci://") {
        let reference = OciRef::parse(&format!("{}/{name}", repository.trim_end_matches('/')))?;
        let repo = repository_for_oci(repos, &reference).cloned();
        return Ok(Remote::Oci { reference, repo });
    }
    if repository.starts_with("http://") || repository.starts_with("https://") {
        let url = normalize_url(repository);
        let repo = repository_for_url(repos, &url).cloned();
        return Ok(Remote::Http {
            url,
            chart: name.to_string(),
            repo,
        });
    }
    Err(SourceError::BadReference {
        chart: name.to_string(),
        reason: format!("repository \"{repository}\" is neither a URL, oci://, file:// nor @name"),
    })
}
