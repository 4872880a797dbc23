//! The few chart files sources need, read as Helm reads them (sigs.k8s.io/yaml
//! into Helm's structs): Chart.yaml's name, version and dependencies,
//! requirements.yaml for apiVersion v1 charts, Chart.lock / requirements.lock,
//! and Chart.yaml inside a packaged `.tgz`.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use goyaml::json::Target;
use goyaml::Data;

use crate::error::SourceError;

/// A dependency as Helm's `chart.Dependency` holds it.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Dependency {
    pub name: String,
    pub version: String,
    pub repository: String,
    pub condition: String,
    pub tags: Vec<String>,
    pub enabled: bool,
    pub import_values: Vec<Data>,
    pub alias: String,
}

/// The parts of Chart.yaml sources use.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct ChartMeta {
    pub api_version: String,
    pub name: String,
    pub version: String,
    pub dependencies: Vec<Dependency>,
}

/// A lock file and where it came from.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Lock {
    pub file: PathBuf,
    pub digest: String,
    pub dependencies: Vec<Dependency>,
}

fn parse_map(bytes: &[u8], file: &Path) -> Result<BTreeMap<String, Data>, SourceError> {
    match goyaml::sigs::unmarshal(bytes, Target::Map, false) {
        Ok(Data::Map(m)) => Ok(m),
        Ok(_) => Ok(BTreeMap::new()),
        Err(e) => Err(SourceError::invalid(file.display(), e)),
    }
}

/// A scalar as a Go `string` struct field receives it from sigs.k8s.io/yaml.
fn text(d: Option<&Data>) -> String {
    match d {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(f)) => goyaml::floatfmt::format_float(*f, b'g', 32),
        Some(Data::Int(i)) => i.to_string(),
        Some(Data::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

fn dependencies(d: Option<&Data>, file: &Path) -> Result<Vec<Dependency>, SourceError> {
    let list = match d {
        None | Some(Data::Null) => return Ok(Vec::new()),
        Some(Data::List(l)) => l,
        Some(other) => {
            return Err(SourceError::invalid(
                file.display(),
                format!("dependencies: expected a list, found {}", other.json_kind()),
            ))
        }
    };
    list.iter()
        .map(|item| {
            let m = item.as_map().ok_or_else(|| {
                SourceError::invalid(file.display(), "dependencies: each entry must be a mapping")
            })?;
            Ok(Dependency {
                name: text(m.get("name")),
                version: text(m.get("version")),
                repository: text(m.get("repository")),
                condition: text(m.get("condition")),
                tags: match m.get("tags") {
                    Some(Data::List(l)) => l.iter().map(|t| text(Some(t))).collect(),
                    _ => Vec::new(),
                },
                enabled: matches!(m.get("enabled"), Some(Data::Bool(true))),
                import_values: match m.get("import-values") {
                    Some(Data::List(l)) => l.clone(),
                    _ => Vec::new(),
                },
                alias: text(m.get("alias")),
            })
        })
        .collect()
}

fn read_file(path: &Path) -> Result<Vec<u8>, SourceError> {
    std::fs::read(path).map_err(|e| SourceError::io(path, &e))
}

fn read_optional(path: &Path) -> Result<Option<Vec<u8>>, SourceError> {
    match std::fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(SourceError::io(path, &e)),
    }
}

/// Chart.yaml bytes to metadata (dependencies only from Chart.yaml itself).
pub(crate) fn parse_chart_yaml(bytes: &[u8], file: &Path) -> Result<ChartMeta, SourceError> {
    let m = parse_map(bytes, file)?;
    Ok(ChartMeta {
        api_version: text(m.get("apiVersion")),
        name: text(m.get("name")),
        version: text(m.get("version")),
        dependencies: dependencies(m.get("dependencies"), file)?,
    })
}

/// A chart directory's metadata and lock, as Helm's loader assembles them:
/// v1 charts take their dependencies from requirements.yaml and their lock
/// from requirements.lock.
pub(crate) fn load_dir(dir: &Path) -> Result<(ChartMeta, Option<Lock>), SourceError> {
    let chart_yaml = dir.join("Chart.yaml");
    let mut meta = parse_chart_yaml(&read_file(&chart_yaml)?, &chart_yaml)?;
    let v1 = meta.api_version == "v1" || meta.api_version.is_empty();
    let lock_name = if v1 {
        let requirements = dir.join("requirements.yaml");
        if let Some(bytes) = read_optional(&requirements)? {
            let m = parse_map(&bytes, &requirements)?;
            meta.dependencies = dependencies(m.get("dependencies"), &requirements)?;
        }
        "requirements.lock"
    } else {
        "Chart.lock"
    };
    let lock_path = dir.join(lock_name);
    let lock = match read_optional(&lock_path)? {
        Some(bytes) => {
            let m = parse_map(&bytes, &lock_path)?;
            Some(Lock {
                digest: text(m.get("digest")),
                dependencies: dependencies(m.get("dependencies"), &lock_path)?,
                file: lock_path,
            })
        }
        None => None,
    };
    Ok((meta, lock))
}

/// The bytes of Chart.yaml in a packaged chart (the `<dir>/Chart.yaml`
/// entry at the top of the archive) and the name to give it in messages.
fn archive_chart_yaml(bytes: &[u8], file: &str) -> Result<(Vec<u8>, String), SourceError> {
    let bad =
        |e: std::io::Error| SourceError::invalid(file, format!("not a gzipped tar archive: {e}"));
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes));
    for entry in archive.entries().map_err(bad)? {
        let mut entry = entry.map_err(bad)?;
        let path = entry
            .path()
            .map_err(bad)?
            .to_string_lossy()
            .replace('\\', "/");
        let mut parts = path.trim_start_matches("./").split('/');
        if let (Some(_), Some("Chart.yaml"), None) = (parts.next(), parts.next(), parts.next()) {
            let mut data = Vec::new();
            entry.read_to_end(&mut data).map_err(bad)?;
            return Ok((data, format!("{file}:{path}")));
        }
    }
    Err(SourceError::invalid(file, "no Chart.yaml in the archive"))
}

/// Chart.yaml metadata of a packaged chart.
pub(crate) fn archive_meta(bytes: &[u8], file: &str) -> Result<ChartMeta, SourceError> {
    let (data, name) = archive_chart_yaml(bytes, file)?;
    parse_chart_yaml(&data, Path::new(&name))
}

/// Chart.yaml of a packaged chart as JSON: the config blob of a Helm OCI artifact.
pub(crate) fn archive_chart_json(bytes: &[u8], file: &str) -> Result<Vec<u8>, SourceError> {
    let (data, name) = archive_chart_yaml(bytes, file)?;
    let map = parse_map(&data, Path::new(&name))?;
    goyaml::json::marshal(&Data::Map(map))
        .map(String::into_bytes)
        .map_err(|e| SourceError::invalid(name, e))
}
