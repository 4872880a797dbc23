//! `Chart.yaml`, `requirements.yaml` and `Chart.lock`: decoded into Helm's
//! metadata, dependency and lock structures and validated as Helm validates them.

use goyaml::{Data, Value};

use crate::jsondecode::{json_kind, Fields, TypeError};
use crate::version;

/// The chart API version of charts with `requirements.yaml`.
pub const API_VERSION_V1: &str = "v1";
/// The chart API version of charts that list dependencies in `Chart.yaml`.
pub const API_VERSION_V2: &str = "v2";

/// A chart maintainer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Maintainer {
    pub name: String,
    pub email: String,
    pub url: String,
}

/// One entry of `dependencies:`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dependency {
    pub name: String,
    pub version: String,
    pub repository: String,
    pub condition: String,
    pub tags: Vec<String>,
    pub enabled: bool,
    pub import_values: Vec<Data>,
    pub alias: String,
}

/// The content of `Chart.yaml`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Metadata {
    pub name: String,
    pub home: String,
    pub sources: Vec<String>,
    pub version: String,
    pub description: String,
    pub keywords: Vec<String>,
    /// `None` entries are null list items, which validation rejects.
    pub maintainers: Vec<Option<Maintainer>>,
    pub icon: String,
    pub api_version: String,
    pub condition: String,
    pub tags: String,
    pub app_version: String,
    pub deprecated: bool,
    pub annotations: std::collections::BTreeMap<String, String>,
    pub kube_version: String,
    /// `None` entries are null list items, which validation rejects.
    pub dependencies: Vec<Option<Dependency>>,
    pub chart_type: String,
}

/// The content of `Chart.lock` (or `requirements.lock`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lock {
    pub generated: String,
    pub digest: String,
    pub dependencies: Vec<Option<Dependency>>,
}

/// Why a metadata file could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("{0}")]
    Yaml(#[from] goyaml::SigsError),
    #[error("error unmarshaling JSON: while decoding JSON: {0}")]
    Type(#[from] TypeError),
    #[error("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {found} into Go value of type {go_type}")]
    NotAnObject {
        found: &'static str,
        go_type: &'static str,
    },
}

/// The first YAML document as sigs.k8s.io/yaml prepares it for a struct: map keys
/// turned into strings.
fn document(bytes: &[u8], go_type: &'static str) -> Result<Value, DecodeError> {
    let to_json = |e| goyaml::SigsError::YamlToJson(e);
    let value = goyaml::decode::unmarshal(bytes, false)
        .map_err(|e| to_json(goyaml::ConvertError::Yaml(e)))?;
    let value = goyaml::sigs::convert(&value).map_err(to_json)?;
    match value {
        Value::Map(_) | Value::Null => Ok(value),
        other => Err(DecodeError::NotAnObject {
            found: json_kind(&other),
            go_type,
        }),
    }
}

fn decode_dependency(data: &Value, structure: &str, prefix: &str) -> Result<Dependency, TypeError> {
    let f = Fields::new(data, structure, prefix);
    Ok(Dependency {
        name: f.string("name")?,
        version: f.string("version")?,
        repository: f.string("repository")?,
        condition: f.string("condition")?,
        tags: f.strings("tags")?,
        enabled: f.boolean("enabled")?,
        import_values: f.any_list("import-values")?,
        alias: f.string("alias")?,
    })
}

fn decode_dependencies(f: &Fields) -> Result<Vec<Option<Dependency>>, TypeError> {
    let prefix = f.nested_prefix("dependencies");
    f.objects("dependencies", "[]*v2.Dependency")?
        .into_iter()
        .map(|d| {
            d.map(|d| decode_dependency(d, "Dependency", &prefix))
                .transpose()
        })
        .collect()
}

impl Metadata {
    /// Decodes `Chart.yaml`.
    pub fn parse(bytes: &[u8]) -> Result<Metadata, DecodeError> {
        let mut metadata = Metadata::default();
        metadata.merge(bytes)?;
        Ok(metadata)
    }

    /// Decodes a document into this metadata as Go's `Unmarshal` into an existing
    /// struct does: fields present in the document replace the current ones (how
    /// `requirements.yaml` adds its dependencies to a v1 chart).
    pub fn merge(&mut self, bytes: &[u8]) -> Result<(), DecodeError> {
        let data = document(bytes, "loader.chartBase")?;
        let f = Fields::new(&data, "Metadata", "");
        macro_rules! field {
            ($name:literal, $slot:expr, $decode:expr) => {
                if f.has($name) {
                    $slot = $decode?;
                }
            };
        }
        field!("name", self.name, f.string("name"));
        field!("home", self.home, f.string("home"));
        field!("sources", self.sources, f.strings("sources"));
        field!("version", self.version, f.string("version"));
        field!("description", self.description, f.string("description"));
        field!("keywords", self.keywords, f.strings("keywords"));
        if f.has("maintainers") {
            let prefix = f.nested_prefix("maintainers");
            self.maintainers = f
                .objects("maintainers", "[]*v2.Maintainer")?
                .into_iter()
                .map(|m| {
                    m.map(|m| {
                        let mf = Fields::new(m, "Maintainer", &prefix);
                        Ok::<_, TypeError>(Maintainer {
                            name: mf.string("name")?,
                            email: mf.string("email")?,
                            url: mf.string("url")?,
                        })
                    })
                    .transpose()
                })
                .collect::<Result<_, _>>()?;
        }
        field!("icon", self.icon, f.string("icon"));
        field!("apiVersion", self.api_version, f.string("apiVersion"));
        field!("condition", self.condition, f.string("condition"));
        field!("tags", self.tags, f.string("tags"));
        field!("appVersion", self.app_version, f.string("appVersion"));
        field!("deprecated", self.deprecated, f.boolean("deprecated"));
        field!("annotations", self.annotations, f.string_map("annotations"));
        field!("kubeVersion", self.kube_version, f.string("kubeVersion"));
        field!("dependencies", self.dependencies, decode_dependencies(&f));
        field!("type", self.chart_type, f.string("type"));
        Ok(())
    }

    /// Helm's `Metadata.Validate`: sanitizes free text and checks the required
    /// fields, the version, the type and the dependency names. The error is the
    /// text after Helm's `validation: ` prefix.
    pub fn validate(&mut self) -> Result<(), String> {
        for text in [
            &mut self.name,
            &mut self.description,
            &mut self.home,
            &mut self.icon,
            &mut self.condition,
            &mut self.tags,
            &mut self.app_version,
            &mut self.kube_version,
        ] {
            *text = sanitize(text);
        }
        for text in self.sources.iter_mut().chain(self.keywords.iter_mut()) {
            *text = sanitize(text);
        }
        if self.api_version.is_empty() {
            return Err("chart.metadata.apiVersion is required".into());
        }
        if self.name.is_empty() {
            return Err("chart.metadata.name is required".into());
        }
        if self.name == "." || self.name == ".." {
            return Err(format!(
                "chart.metadata.name {:?} is not allowed",
                self.name
            ));
        }
        if self.name.contains('/') {
            return Err(format!("chart.metadata.name {:?} is invalid", self.name));
        }
        if self.version.is_empty() {
            return Err("chart.metadata.version is required".into());
        }
        if !version::is_valid(&self.version) {
            return Err(format!(
                "chart.metadata.version {:?} is invalid",
                self.version
            ));
        }
        if !matches!(self.chart_type.as_str(), "" | "application" | "library") {
            return Err("chart.metadata.type must be application or library".into());
        }
        for maintainer in &mut self.maintainers {
            let Some(m) = maintainer else {
                return Err("maintainers must not contain empty or null nodes".into());
            };
            m.name = sanitize(&m.name);
            m.email = sanitize(&m.email);
            m.url = sanitize(&m.url);
        }
        let mut seen = std::collections::BTreeSet::new();
        for dependency in &mut self.dependencies {
            let Some(d) = dependency else {
                return Err("dependencies must not contain empty or null nodes".into());
            };
            d.name = sanitize(&d.name);
            d.version = sanitize(&d.version);
            d.repository = sanitize(&d.repository);
            d.condition = sanitize(&d.condition);
            for tag in &mut d.tags {
                *tag = sanitize(tag);
            }
            if !d.alias.is_empty()
                && !d
                    .alias
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                return Err(format!(
                    "dependency {:?} has disallowed characters in the alias",
                    d.name
                ));
            }
            let key = if d.alias.is_empty() {
                d.name.clone()
            } else {
                d.alias.clone()
            };
            if !seen.insert(key.clone()) {
                return Err(format!(
                    "more than one dependency with name or alias {key:?}"
                ));
            }
        }
        Ok(())
    }

    /// Whether this is a library chart (`type: library`, any case).
    pub fn is_library(&self) -> bool {
        self.chart_type.eq_ignore_ascii_case("library")
    }
}

impl Lock {
    /// Decodes `Chart.lock` or `requirements.lock`.
    pub fn parse(bytes: &[u8]) -> Result<Lock, DecodeError> {
        let data = document(bytes, "v2.Lock")?;
        let f = Fields::new(&data, "Lock", "");
        Ok(Lock {
            generated: f.string("generated")?,
            digest: f.string("digest")?,
            dependencies: decode_dependencies(&f)?,
        })
    }
}

/// Helm's `sanitizeString`: white space becomes a plain space and characters that
/// cannot be printed are dropped.
fn sanitize(text: &str) -> String {
    text.chars()
        .filter_map(|c| {
            if c.is_whitespace() {
                Some(' ')
            } else if c.is_control()
                || matches!(c as u32, 0x200B..=0x200F | 0x2060..=0x2064 | 0xFEFF)
            {
                None
            } else {
                Some(c)
            }
        })
        .collect()
}
