//! The built-in objects templates see besides `.Values`, `.Files` and
//! `.Capabilities`: `.Chart` (a map of the metadata's Go field names in Helm 4, the
//! metadata struct in Helm 3), `.Release` and `.Template`.

use std::collections::BTreeMap;
use std::sync::Arc;

use chart::metadata::{Dependency, Maintainer, Metadata};
use chart::HelmVersion;
use gotmpl::{GoType, Map, MapType, Object, Value};
use goyaml::Data;

/// What `.Release` holds under `helm template`.
#[derive(Clone, Debug)]
pub struct ReleaseInfo {
    pub name: String,
    pub namespace: String,
    pub revision: i64,
    pub is_install: bool,
    pub is_upgrade: bool,
}

impl ReleaseInfo {
    pub fn to_value(&self) -> Value {
        let mut m = BTreeMap::new();
        m.insert("Name".into(), Value::string(self.name.as_str()));
        m.insert("Namespace".into(), Value::string(self.namespace.as_str()));
        m.insert("IsUpgrade".into(), Value::Bool(self.is_upgrade));
        m.insert("IsInstall".into(), Value::Bool(self.is_install));
        m.insert("Revision".into(), Value::int(self.revision));
        m.insert("Service".into(), Value::string("Helm"));
        Value::map(m)
    }
}

/// The named map type of Helm's values (`common.Values`, `chartutil.Values`).
pub fn values_type(helm: HelmVersion) -> MapType {
    MapType::named(match helm {
        HelmVersion::Helm4 => "common.Values",
        HelmVersion::Helm3 => "chartutil.Values",
    })
}

/// `.Template` for the file being rendered.
pub fn template_value(name: &str, base_path: &str, helm: HelmVersion) -> Value {
    let mut m = BTreeMap::new();
    m.insert("Name".to_string(), Value::string(name));
    m.insert("BasePath".to_string(), Value::string(base_path));
    Value::Map(Arc::new(Map::new(values_type(helm), m)))
}

fn strings(items: &[String]) -> Value {
    Value::list(items.iter().map(|s| Value::string(s.as_str())).collect())
}

fn data_list(items: &[Data]) -> Value {
    Value::list(items.iter().map(crate::convert::from_data).collect())
}

fn maintainer_map(m: &Maintainer) -> Value {
    let mut out = BTreeMap::new();
    out.insert("Name".into(), Value::string(m.name.as_str()));
    out.insert("Email".into(), Value::string(m.email.as_str()));
    out.insert("URL".into(), Value::string(m.url.as_str()));
    Value::map(out)
}

fn dependency_map(d: &Dependency) -> Value {
    let mut out = BTreeMap::new();
    out.insert("Name".into(), Value::string(d.name.as_str()));
    out.insert("Version".into(), Value::string(d.version.as_str()));
    out.insert("Repository".into(), Value::string(d.repository.as_str()));
    out.insert("Condition".into(), Value::string(d.condition.as_str()));
    out.insert("Tags".into(), strings(&d.tags));
    out.insert("Enabled".into(), Value::Bool(d.enabled));
    out.insert("ImportValues".into(), data_list(&d.import_values));
    out.insert("Alias".into(), Value::string(d.alias.as_str()));
    Value::map(out)
}

fn annotations(m: &Metadata) -> Value {
    let entries = m
        .annotations
        .iter()
        .map(|(k, v)| (k.clone(), Value::string(v.as_str())))
        .collect();
    Value::Map(Arc::new(Map::new(
        MapType {
            name: None,
            elem: GoType::String,
        },
        entries,
    )))
}

/// The metadata's fields by Go field name, in declaration order.
fn metadata_fields(m: &Metadata) -> Vec<(String, Value)> {
    let opt_list = Value::list;
    vec![
        ("Name".into(), Value::string(m.name.as_str())),
        ("Home".into(), Value::string(m.home.as_str())),
        ("Sources".into(), strings(&m.sources)),
        ("Version".into(), Value::string(m.version.as_str())),
        ("Description".into(), Value::string(m.description.as_str())),
        ("Keywords".into(), strings(&m.keywords)),
        (
            "Maintainers".into(),
            opt_list(
                m.maintainers
                    .iter()
                    .map(|x| x.as_ref().map(maintainer_map).unwrap_or(Value::Nil))
                    .collect(),
            ),
        ),
        ("Icon".into(), Value::string(m.icon.as_str())),
        ("APIVersion".into(), Value::string(m.api_version.as_str())),
        ("Condition".into(), Value::string(m.condition.as_str())),
        ("Tags".into(), Value::string(m.tags.as_str())),
        ("AppVersion".into(), Value::string(m.app_version.as_str())),
        ("Deprecated".into(), Value::Bool(m.deprecated)),
        ("Annotations".into(), annotations(m)),
        ("KubeVersion".into(), Value::string(m.kube_version.as_str())),
        (
            "Dependencies".into(),
            opt_list(
                m.dependencies
                    .iter()
                    .map(|x| x.as_ref().map(dependency_map).unwrap_or(Value::Nil))
                    .collect(),
            ),
        ),
        ("Type".into(), Value::string(m.chart_type.as_str())),
    ]
}

/// `.Chart` for a chart of the tree.
pub fn chart_value(m: &Metadata, is_root: bool, helm: HelmVersion) -> Value {
    match helm {
        HelmVersion::Helm4 => {
            let mut fields: BTreeMap<String, Value> = metadata_fields(m).into_iter().collect();
            fields.insert("IsRoot".into(), Value::Bool(is_root));
            Value::map(fields)
        }
        HelmVersion::Helm3 => Value::Object(Arc::new(ChartStruct {
            fields: metadata_fields(m),
            is_root,
        })),
    }
}

/// Helm 3's `.Chart`: `struct { chart.Metadata; IsRoot bool }`.
#[derive(Debug)]
struct ChartStruct {
    fields: Vec<(String, Value)>,
    is_root: bool,
}

#[derive(Debug)]
struct MetadataStruct(Vec<(String, Value)>);

impl Object for MetadataStruct {
    fn type_name(&self) -> String {
        "chart.Metadata".into()
    }

    fn field(&self, name: &str) -> Option<Value> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }

    fn is_pointer(&self) -> bool {
        false
    }

    fn fields(&self) -> Vec<(String, Value)> {
        self.0.clone()
    }
}

impl Object for ChartStruct {
    fn type_name(&self) -> String {
        "struct { chart.Metadata; IsRoot bool }".into()
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "IsRoot" => Some(Value::Bool(self.is_root)),
            "Metadata" => Some(Value::Object(Arc::new(MetadataStruct(self.fields.clone())))),
            _ => self
                .fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone()),
        }
    }

    fn is_pointer(&self) -> bool {
        false
    }

    fn fields(&self) -> Vec<(String, Value)> {
        vec![
            (
                "Metadata".into(),
                Value::Object(Arc::new(MetadataStruct(self.fields.clone()))),
            ),
            ("IsRoot".into(), Value::Bool(self.is_root)),
        ]
    }
}
