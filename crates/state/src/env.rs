//! helmfile's `environment.Environment`: the selected environment's name,
//! kube context, values and defaults, merged as mergo does, and exposed to
//! templates as `.Environment`, `.Values` and `.StateValues`.

use std::sync::Arc;

use gotmpl::Value;
use goyaml::Value as Yaml;

use crate::convert::{cast_keys, merge_values, to_template};
use crate::tmpl::Struct;

/// A YAML map's pairs (Go `map[string]any`).
pub(crate) type Pairs = Vec<(Yaml, Yaml)>;

#[derive(Clone, Debug, Default)]
pub(crate) struct Env {
    pub name: String,
    pub kube_context: String,
    pub values: Pairs,
    pub defaults: Pairs,
}

impl Env {
    pub fn new(name: &str) -> Env {
        Env {
            name: name.to_string(),
            ..Env::default()
        }
    }

    /// `Environment.Merge(other)`: a copy with `other` merged over it.
    pub fn merge(&self, other: Option<&Env>) -> Env {
        let mut out = self.clone();
        if let Some(o) = other {
            if !o.name.is_empty() {
                out.name = o.name.clone();
            }
            if !o.kube_context.is_empty() {
                out.kube_context = o.kube_context.clone();
            }
            merge_values(&mut out.values, &o.values);
            merge_values(&mut out.defaults, &o.defaults);
        }
        out
    }

    /// `GetMergedValues`: defaults, then values over them, keys as strings.
    pub fn merged_values(&self) -> Pairs {
        let mut vals = Pairs::new();
        merge_values(&mut vals, &self.defaults);
        merge_values(&mut vals, &self.values);
        match cast_keys(&Yaml::Map(vals)) {
            Yaml::Map(p) => p,
            _ => Pairs::new(),
        }
    }

    /// `.Environment` as templates see it.
    pub fn template_object(&self) -> Value {
        Value::Object(Arc::new(Struct {
            type_name: "environment.Environment",
            fields: vec![
                ("Name".into(), Value::from(self.name.as_str())),
                (
                    "KubeContext".into(),
                    Value::from(self.kube_context.as_str()),
                ),
                ("Values".into(), map_value(&self.values)),
                ("Defaults".into(), map_value(&self.defaults)),
            ],
        }))
    }
}

/// A Go `map[string]any` as a template value.
pub(crate) fn map_value(pairs: &Pairs) -> Value {
    to_template(&cast_keys(&Yaml::Map(pairs.clone())))
}

/// `EnvironmentTemplateData`: what state files and environment values files
/// are rendered with.
pub(crate) fn environment_data(env: &Env, namespace: &str, values: &Pairs) -> Value {
    let values = map_value(values);
    Value::Object(Arc::new(Struct {
        type_name: "*state.EnvironmentTemplateData",
        fields: vec![
            ("Environment".into(), env.template_object()),
            ("Namespace".into(), Value::from(namespace)),
            ("Values".into(), values.clone()),
            ("StateValues".into(), values),
        ],
    }))
}
