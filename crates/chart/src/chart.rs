//! A loaded chart: metadata, templates, values, schema, other files and the
//! subcharts found under `charts/`, assembled from a chart's files as Helm's
//! `LoadFiles` does.

use std::collections::BTreeMap;
use std::path::Path;

use gotmpl::Value;
use rayon::prelude::*;

use crate::archive::load_archive_files;
use crate::directory::load_dir_files;
use crate::error::LoadError;
use crate::file::ChartFile;
use crate::metadata::{Lock, Metadata, API_VERSION_V1};
use crate::values;

/// Which Helm's behaviour to follow where Helm 3 and Helm 4 differ.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HelmVersion {
    Helm3,
    #[default]
    Helm4,
}

/// A chart and its subcharts.
#[derive(Clone, Debug)]
pub struct Chart {
    pub metadata: Metadata,
    pub lock: Option<Lock>,
    /// Files under `templates/`.
    pub templates: Vec<ChartFile>,
    /// The chart's `values.yaml`, a `map[string]interface {}`.
    pub values: Value,
    /// The chart's `values.schema.json`.
    pub schema: Option<Vec<u8>>,
    /// Every other file, as `.Files` sees them.
    pub files: Vec<ChartFile>,
    /// Subcharts from `charts/`, in name order.
    pub dependencies: Vec<Chart>,
}

impl Chart {
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    /// Loads a chart from a directory or a `.tgz` archive.
    pub fn load(path: &Path, helm: HelmVersion) -> Result<Chart, LoadError> {
        Chart::from_files(Chart::read_files(path)?, helm)
    }

    /// The files of a chart directory or a `.tgz` archive, for [`Chart::from_files`].
    pub fn read_files(path: &Path) -> Result<Vec<ChartFile>, LoadError> {
        let io = |source| LoadError::Io {
            path: path.to_path_buf(),
            source,
        };
        let meta = std::fs::metadata(path).map_err(io)?;
        if meta.is_dir() {
            load_dir_files(path)
        } else {
            let file = std::fs::File::open(path).map_err(io)?;
            load_archive_files(std::io::BufReader::new(file))
        }
    }

    /// Assembles a chart from its files.
    pub fn from_files(files: Vec<ChartFile>, helm: HelmVersion) -> Result<Chart, LoadError> {
        let mut chart = Chart {
            metadata: Default::default(),
            lock: None,
            templates: Vec::new(),
            values: values::new_table(),
            schema: None,
            files: Vec::new(),
            dependencies: Vec::new(),
        };
        let mut has_metadata = false;
        for f in files.iter().filter(|f| f.name == "Chart.yaml") {
            chart
                .metadata
                .merge(&f.data()?)
                .map_err(|e| LoadError::Metadata("Chart.yaml", e.to_string()))?;
            if chart.metadata.api_version.is_empty() {
                chart.metadata.api_version = API_VERSION_V1.to_string();
            }
            has_metadata = true;
        }
        let mut subcharts: BTreeMap<String, Vec<ChartFile>> = BTreeMap::new();
        let mut values_file = None;
        for f in files {
            match f.name.as_str() {
                "Chart.yaml" => {}
                "Chart.lock" => {
                    chart.lock = Some(
                        Lock::parse(&f.data()?)
                            .map_err(|e| LoadError::Metadata("Chart.lock", e.to_string()))?,
                    );
                }
                "values.yaml" => values_file = Some(f),
                "values.schema.json" => chart.schema = Some(f.data()?.to_vec()),
                "requirements.yaml" => {
                    has_metadata = true;
                    chart
                        .metadata
                        .merge(&f.data()?)
                        .map_err(|e| LoadError::Metadata("requirements.yaml", e.to_string()))?;
                    if chart.metadata.api_version == API_VERSION_V1 {
                        chart.files.push(f);
                    }
                }
                "requirements.lock" => {
                    has_metadata = true;
                    chart.lock =
                        Some(Lock::parse(&f.data()?).map_err(|e| {
                            LoadError::Metadata("requirements.lock", e.to_string())
                        })?);
                    if chart.metadata.api_version == API_VERSION_V1 {
                        chart.files.push(f);
                    }
                }
                name if name.starts_with("templates/") => chart.templates.push(f),
                name if name.starts_with("charts/") => {
                    if name.ends_with(".prov") {
                        chart.files.push(f);
                        continue;
                    }
                    let inner = &name["charts/".len()..];
                    let subchart = inner.split('/').next().unwrap_or_default().to_string();
                    let inner = inner.to_string();
                    subcharts
                        .entry(subchart)
                        .or_default()
                        .push(f.renamed(inner));
                }
                _ => chart.files.push(f),
            }
        }
        let parent = chart.name().to_string();
        let subcharts: Vec<(String, Vec<ChartFile>)> = subcharts
            .into_iter()
            .filter(|(name, _)| !name.starts_with(['_', '.']))
            .collect();
        // The values and the subcharts load in parallel; failures are reported in
        // Helm's order: the values file, the metadata, then the first subchart in
        // name order.
        let (values, loaded) = rayon::join(
            || values_file.map(|f| load_values(&f, helm)),
            || -> Vec<Option<Result<Chart, LoadError>>> {
                subcharts
                    .into_par_iter()
                    .map(|(name, files)| load_subchart(&parent, name, files, helm))
                    .collect()
            },
        );
        if let Some(values) = values {
            chart.values = values?;
        }
        if !has_metadata {
            return Err(LoadError::MissingChartYaml);
        }
        chart.metadata.validate().map_err(LoadError::Validation)?;
        for sub in loaded.into_iter().flatten() {
            chart.dependencies.push(sub?);
        }
        Ok(chart)
    }
}

/// One subchart from the files under `charts/<name>` (a directory) or the archive
/// `charts/<name>.tgz`; `None` for an empty entry.
fn load_subchart(
    parent: &str,
    name: String,
    files: Vec<ChartFile>,
    helm: HelmVersion,
) -> Option<Result<Chart, LoadError>> {
    let loaded = if name.ends_with(".tgz") {
        let file = files.into_iter().next()?;
        if file.name != name {
            return Some(Err(LoadError::SubchartTar {
                parent: parent.to_string(),
                expected: name,
                got: file.name,
            }));
        }
        file.data()
            .and_then(|data| load_archive_files(&data[..]))
            .and_then(|files| Chart::from_files(files, helm))
    } else {
        let inner: Vec<ChartFile> = files
            .into_iter()
            .filter_map(|f| {
                let rest = f.name.split_once('/')?.1.to_string();
                Some(f.renamed(rest))
            })
            .collect();
        Chart::from_files(inner, helm)
    };
    Some(loaded.map_err(|source| LoadError::Subchart {
        name,
        parent: parent.to_string(),
        source: Box::new(source),
    }))
}

/// A chart's `values.yaml`: Helm 4 merges every document, Helm 3 reads the first.
fn load_values(file: &ChartFile, helm: HelmVersion) -> Result<Value, LoadError> {
    let error = |message: String| LoadError::Metadata("values.yaml", message);
    let map = match helm {
        // Text read as UTF-8 is taken as it is; other bytes are decoded lossily.
        HelmVersion::Helm4 => {
            goyaml::helm::load_values(&file.text()?).map_err(|e| error(e.to_string()))?
        }
        HelmVersion::Helm3 => {
            goyaml::helm::read_values(&file.data()?).map_err(|e| error(e.to_string()))?
        }
    };
    Ok(values::into_value(goyaml::Data::Map(map)))
}
