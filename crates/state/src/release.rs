//! Releases as helmfile prepares them: release templates inherited
//! (`inherit`), template expressions in release fields rendered until stable,
//! state-level overrides and `needs` normalised, then `-l` selectors and
//! `condition` applied.

use std::collections::BTreeMap;
use std::sync::Arc;

use gotmpl::Value;
use goyaml::Value as Yaml;

use crate::env::{map_value, Env, Pairs};
use crate::schema::{Fv, Rec, RELEASE_SPEC};
use crate::tmpl::{Context, Struct};
use crate::typed::{merge_inherit, sorted_yaml};

/// `releaseTemplateData` for a release of `state`.
pub(crate) fn release_data(env: &Env, state: &Rec, release: &Rec, values: &Pairs) -> Value {
    let labels: BTreeMap<String, Value> = release
        .str_map("labels")
        .into_iter()
        .map(|(k, v)| (k, Value::from(v)))
        .collect();
    let labels = Value::Map(Arc::new(gotmpl::Map::new(
        gotmpl::MapType {
            name: None,
            elem: gotmpl::GoType::String,
        },
        labels,
    )));
    let rel = Value::Object(Arc::new(Struct {
        type_name: "state.releaseTemplateDataRelease",
        fields: vec![
            ("Name".into(), Value::from(release.str("name"))),
            ("Namespace".into(), Value::from(release.str("namespace"))),
            ("Labels".into(), labels),
            ("Chart".into(), Value::from(release.str("chart"))),
            (
                "KubeContext".into(),
                Value::from(release.str("kubeContext")),
            ),
        ],
    }));
    let values = map_value(values);
    Value::Object(Arc::new(Struct {
        type_name: "state.releaseTemplateData",
        fields: vec![
            ("Environment".into(), env.template_object()),
            ("Release".into(), rel),
            ("Values".into(), values.clone()),
            ("StateValues".into(), values),
            ("KubeContext".into(), Value::from(state.str("kubeContext"))),
            ("Namespace".into(), Value::from(state.str("namespace"))),
            ("Chart".into(), Value::from(state.str("chart"))),
        ],
    }))
}

/// `releaseWithInheritedTemplate`.
pub(crate) fn inherit(
    r: &Rec,
    templates: &BTreeMap<String, Rec>,
    path: &[String],
) -> Result<Rec, String> {
    let mut merged = Rec::default();
    for inh in r.objs("inherit") {
        let name = inh.str("template").to_string();
        if name.is_empty() {
            return Ok(r.clone());
        }
        let mut chain = path.to_vec();
        chain.push(name.clone());
        if path.contains(&name) {
            return Err(format!("cyclic inheritance detected: {}", chain.join("->")));
        }
        let Some(template) = templates.get(&name) else {
            return Err(format!(
                "release {:?} tried to inherit inexistent release template {:?}",
                r.str("name"),
                name
            ));
        };
        let mut src = inherit(template, templates, &chain)
            .map_err(|e| format!("unable to load release template {name:?}: {e}"))?;
        for k in inh.strs("except") {
            match k.as_str() {
                "labels" => {
                    src.set("labels", Fv::StrMap(BTreeMap::new()));
                }
                "values" | "valuesTemplate" | "setTemplate" | "set" | "secrets" => {
                    src.vals.remove(k.as_str());
                }
                other => {
                    return Err(format!(
                        "{other:?} is not allowed under `inherit`. Allowed values are \"set\", \"setTemplate\", \"values\", \"valuesTemplate\", \"secrets\", and \"labels\""
                    ))
                }
            }
        }
        merge_inherit(&mut merged, &src, &RELEASE_SPEC);
    }
    merge_inherit(&mut merged, r, &RELEASE_SPEC);
    merged.vals.remove("inherit");
    Ok(merged)
}

/// `ReleaseSpec.ExecuteTemplateExpressions` on a copy of `r`.
fn execute_expressions(r: &Rec, ctx: &Context, data: &Value) -> Result<Rec, String> {
    let name = r.str("name").to_string();
    let mut out = clone_release(r);
    let render = |field: &str, text: &str| -> Result<String, String> {
        ctx.render(text, data).map_err(|e| {
            format!("failed executing template expressions in release \"{name}\".{field} = \"{text}\": {}", e.message)
        })
    };
    for key in ["name", "chart", "namespace", "version"] {
        let text = out.str(key).to_string();
        out.set(key, Fv::Str(render(key, &text)?));
    }
    for key in ["waitTemplate", "installedTemplate", "verifyTemplate"] {
        if let Some(Fv::Str(text)) = out.vals.get(key).cloned() {
            out.set(key, Fv::Str(render("version", &text)?));
        }
    }
    if let Some(Fv::StrMap(labels)) = out.vals.get("labels").cloned() {
        let mut rendered = BTreeMap::new();
        for (k, v) in labels {
            let s = render(&format!("labels[{k}]"), &v)?;
            rendered.insert(k, s);
        }
        out.set("labels", Fv::StrMap(rendered));
    }
    let values_template = out.anys("valuesTemplate");
    if !values_template.is_empty() {
        let mut rendered = Vec::new();
        for (i, t) in values_template.iter().enumerate() {
            if let Yaml::Map(_) = t {
                let serialized = goyaml::encode::marshal_value(&sorted_yaml(t), goyaml::Flavor::V2)
                    .map_err(|e| e.to_string())?;
                let s = render(&format!("values[{i}]"), &serialized)?;
                let parsed = crate::loader::parse_values_map(&s)
                    .map_err(|e| format!("failed executing template expressions in release \"{name}\".values[{i}]: {e}"))?;
                rendered.push(Yaml::Map(parsed));
            } else {
                rendered.push(t.clone());
            }
        }
        out.set("valuesTemplate", Fv::Anys(rendered.clone()));
        rendered.extend(out.anys("values"));
        out.set("values", Fv::Anys(rendered));
    }
    for key in ["values", "secrets"] {
        if let Some(Fv::Anys(items)) = out.vals.get(key).cloned() {
            let mut rendered = Vec::new();
            for (i, item) in items.iter().enumerate() {
                rendered.push(match item {
                    Yaml::String(s) => Yaml::String(render(&format!("{key}[{i}]"), s)?),
                    m @ Yaml::Map(_) if key == "values" => crate::convert::string_keys(m).map_err(|e| {
                        format!("failed executing template expressions in release \"{name}\".values[{i}] = \"{m:?}\": {e}")
                    })?,
                    other => other.clone(),
                });
            }
            out.set(key, Fv::Anys(rendered));
        }
    }
    let set_template = out.objs("setTemplate");
    if !set_template.is_empty() {
        let mut rendered = Vec::new();
        for (i, sv) in set_template.iter().enumerate() {
            let mut sv = sv.clone();
            for key in ["name", "value", "file"] {
                let text = sv.str(key).to_string();
                let s = render(&format!("set[{i}].{key}"), &text)?;
                sv.set(key, Fv::Str(s));
            }
            let mut vals = Vec::new();
            for (j, v) in sv.strs("values").iter().enumerate() {
                vals.push(render(&format!("set[{i}].values[{j}]"), v)?);
            }
            if !vals.is_empty() {
                sv.set("values", Fv::Strs(vals));
            }
            rendered.push(sv);
        }
        out.set("setTemplate", Fv::Objs(rendered.clone()));
        rendered.extend(out.objs("set"));
        out.set("set", Fv::Objs(rendered));
    }
    if let Some(Fv::Strs(needs)) = out.vals.get("needs").cloned() {
        let mut rendered = Vec::new();
        for (i, n) in needs.iter().enumerate() {
            rendered.push(render(&format!("needs[{i}]"), n)?);
        }
        out.set("needs", Fv::Strs(rendered));
    }
    Ok(out)
}

/// `ReleaseSpec.Clone`: a YAML round trip, which drops empty values.
fn clone_release(r: &Rec) -> Rec {
    let encoded = crate::typed::encode(r, &RELEASE_SPEC);
    crate::typed::decode(&encoded, &RELEASE_SPEC, false, None).unwrap_or_else(|_| r.clone())
}

/// `HelmState.ExecuteTemplates` for every release of a state.
pub(crate) fn execute_templates(
    file: &str,
    spec: &mut Rec,
    env: &Env,
    values: &Pairs,
    ctx: &Context,
) -> Result<(), String> {
    let templates = spec.obj_map("templates");
    let helm_defaults = spec.obj("helmDefaults");
    let common_labels = spec.str_map("commonLabels");
    let api_versions = spec.strs("apiVersions");
    let kube_version = spec.str("kubeVersion").to_string();
    let mut out = Vec::new();
    for rt in spec.objs("releases") {
        let mut release = inherit(&rt, &templates, &[]).map_err(|e| {
            if e.starts_with("cyclic") {
                format!(
                    "unable to load release {:?} with template: {e}",
                    rt.str("name")
                )
            } else {
                e
            }
        })?;
        if release.str("kubeContext").is_empty() && !helm_defaults.str("kubeContext").is_empty() {
            release.set(
                "kubeContext",
                Fv::Str(helm_defaults.str("kubeContext").to_string()),
            );
        }
        let mut labels = release.str_map("labels");
        labels.extend(common_labels.clone());
        release.set("labels", Fv::StrMap(labels));
        if release.strs("apiVersions").is_empty() && !api_versions.is_empty() {
            release.set("apiVersions", Fv::Strs(api_versions.clone()));
        }
        if release.str("kubeVersion").is_empty() && !kube_version.is_empty() {
            release.set("kubeVersion", Fv::Str(kube_version.clone()));
        }
        let mut prev = release.clone();
        let mut done = None;
        for _ in 0..6 {
            let data = release_data(env, spec, &prev, values);
            let r = execute_expressions(&release, ctx, &data).map_err(|e| {
                format!(
                    "failed executing templates in release \"{file}\".\"{}\": {e}",
                    release.str("name")
                )
            })?;
            if r == prev {
                done = Some(update_bool_templates(r).map_err(|e| {
                    format!(
                        "failed executing templates in release \"{file}\".\"{}\": {e}",
                        release.str("name")
                    )
                })?);
                break;
            }
            prev = r;
        }
        let Some(r) = done else {
            return Err(format!(
                "failed executing templates in release \"{file}\".\"{}\": recursive references can't be resolved",
                release.str("name")
            ));
        };
        if r.str("chart").is_empty() {
            return Err(format!(
                "encountered empty chart while reading release {:?}",
                r.str("name")
            ));
        }
        out.push(r);
    }
    spec.set("releases", Fv::Objs(out));
    Ok(())
}

fn update_bool_templates(mut r: Rec) -> Result<Rec, String> {
    for (tmpl, target) in [
        ("installedTemplate", "installed"),
        ("waitTemplate", "wait"),
        ("verifyTemplate", "verify"),
    ] {
        if let Some(Fv::Str(text)) = r.vals.remove(tmpl) {
            match goyaml::decode::unmarshal(text.as_bytes(), false) {
                Ok(Yaml::Bool(b)) => r.set(target, Fv::Bool(b)),
                Ok(Yaml::Null) => r.set(target, Fv::Bool(false)),
                _ => return Err(format!("{tmpl}: failed deserialising string {text}")),
            }
        }
    }
    Ok(r)
}

/// `ApplyOverrides`: `needs` written as `[kubecontext/][namespace/]name`.
pub(crate) fn apply_overrides(
    r: &mut Rec,
    state: &Rec,
    installed: &BTreeMap<String, bool>,
    warnings: &mut Vec<String>,
) {
    for key in ["kubeContext", "namespace"] {
        let value = state.str(key);
        if !value.is_empty() {
            r.set(key, Fv::Str(value.to_string()));
        }
    }
    let needs = r.strs("needs");
    if needs.is_empty() {
        return;
    }
    let mut out = Vec::new();
    for n in needs {
        let components: Vec<&str> = n.split('/').collect();
        let name = components.last().copied().unwrap_or("");
        if !installed.get(name).copied().unwrap_or(false) {
            warnings.push(format!(
                "WARNING: release {rel} needs {name}, but {name} is not installed due to installed: false. Either mark {name} as installed or remove {name} from {rel}'s needs",
                rel = r.str("name")
            ));
        }
        let ns = if components.len() > 1 {
            components[components.len() - 2].to_string()
        } else {
            r.str("namespace").to_string()
        };
        let kube = if components.len() > 2 {
            components[..components.len() - 2].join("/")
        } else {
            r.str("kubeContext").to_string()
        };
        let mut parts = Vec::new();
        if !kube.is_empty() {
            parts.push(kube.clone());
        }
        if !kube.is_empty() || !ns.is_empty() {
            parts.push(ns);
        }
        parts.push(name.to_string());
        out.push(parts.join("/"));
    }
    r.set("needs", Fv::Strs(out));
}

/// One `-l` selector: `k=v` and `k!=v` terms, all of which must hold.
#[derive(Clone, Debug)]
pub(crate) struct LabelFilter {
    positive: Vec<(String, String)>,
    negative: Vec<(String, String)>,
}

fn label_token_ok(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./+-".contains(c))
}

impl LabelFilter {
    /// `ParseLabels`.
    pub fn parse(selector: &str) -> Result<LabelFilter, String> {
        let mut f = LabelFilter {
            positive: Vec::new(),
            negative: Vec::new(),
        };
        for label in selector.split(',') {
            if let Some((k, v)) = label
                .split_once("!=")
                .filter(|(k, v)| label_token_ok(k) && label_token_ok(v))
            {
                f.negative.push((k.to_string(), v.to_string()));
            } else if let Some((k, v)) = label
                .split_once('=')
                .filter(|(k, v)| label_token_ok(k) && label_token_ok(v))
            {
                f.positive.push((k.to_string(), v.to_string()));
            } else {
                return Err(label.to_string());
            }
        }
        Ok(f)
    }

    fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.positive.iter().all(|(k, v)| labels.get(k) == Some(v))
            && self.negative.iter().all(|(k, v)| labels.get(k) != Some(v))
    }
}

/// `ConditionEnabled`.
pub(crate) fn condition_enabled(r: &Rec, values: &Pairs) -> Result<bool, String> {
    let condition = r.str("condition");
    if condition.is_empty() {
        return Ok(true);
    }
    let keys: Vec<&str> = condition.split('.').collect();
    if keys.last() != Some(&"enabled") {
        return Err("Condition value must be in the form 'foo.enabled' where 'foo' can be modified as necessary".into());
    }
    let mut current: Pairs = values.clone();
    let mut path = String::new();
    for key in &keys[..keys.len() - 1] {
        path = format!("{path}.{key}");
        let Some((_, v)) = current
            .iter()
            .find(|(k, _)| matches!(k, Yaml::String(s) if s == key))
        else {
            return Err(format!("environment values field '{path}' not found"));
        };
        let Yaml::Map(m) = v else {
            return Err(format!("environment values field '{path}' is not a map"));
        };
        current = m.clone();
    }
    Ok(current
        .iter()
        .find(|(k, _)| matches!(k, Yaml::String(s) if s == "enabled"))
        .is_some_and(|(_, v)| matches!(v, Yaml::Bool(true))))
}

/// `markExcludedReleases` + `FilterReleases`; `include_needs` keeps the
/// releases selected ones need, transitively.
pub(crate) fn select(
    releases: &[Rec],
    filters: &[LabelFilter],
    common_labels: &BTreeMap<String, String>,
    values: &Pairs,
    include_needs: bool,
) -> Result<Vec<Rec>, String> {
    let mut marked = Vec::new();
    for r in releases {
        let mut r = r.clone();
        if !filters.is_empty() {
            let mut labels = r.str_map("labels");
            labels.insert("name".into(), r.str("name").to_string());
            labels.insert("namespace".into(), r.str("namespace").to_string());
            let chart = r.str("chart").rsplit('/').next().unwrap_or("").to_string();
            labels.insert("chart".into(), chart);
            labels.extend(common_labels.clone());
            r.set("labels", Fv::StrMap(labels));
        }
        let labels = r.str_map("labels");
        let filter_match = filters.iter().any(|f| f.matches(&labels));
        let enabled = condition_enabled(&r, values).map_err(|e| {
            format!(
                "failed to parse condition in release {}: {e}",
                r.str("name")
            )
        })?;
        let filtered = (!filters.is_empty() && !filter_match) || !enabled;
        marked.push((r, filtered));
    }
    let mut needed: Vec<String> = Vec::new();
    for (r, filtered) in &marked {
        if include_needs && !filtered {
            collect_needs(r, releases, &mut needed);
        }
    }
    for (r, filtered) in marked.iter_mut() {
        if needed.contains(&release_id(r)) {
            *filtered = false;
        }
    }
    Ok(marked
        .into_iter()
        .filter(|(_, f)| !f)
        .map(|(r, _)| r)
        .collect())
}

fn collect_needs(r: &Rec, all: &[Rec], out: &mut Vec<String>) {
    for id in r.strs("needs") {
        if out.contains(&id) {
            continue;
        }
        out.push(id.clone());
        let name = id.rsplit('/').next().unwrap_or("");
        for other in all.iter().filter(|o| o.str("name") == name) {
            collect_needs(other, all, out);
        }
    }
}

/// `ReleaseToID`: `[kubecontext/][namespace/]name`.
pub(crate) fn release_id(r: &Rec) -> String {
    let kube = r.str("kubeContext");
    let ns = r.str("namespace");
    let mut id = String::new();
    if !kube.is_empty() {
        id.push_str(kube);
        id.push('/');
    }
    if !ns.is_empty() {
        id.push_str(ns);
        id.push('/');
    }
    if !kube.is_empty() && ns.is_empty() {
        id.push('/');
    }
    id.push_str(r.str("name"));
    id
}

/// helmfile's `isLocalChart`.
pub(crate) fn is_local_chart(chart: &str) -> bool {
    if chart.starts_with("./") || chart.starts_with("../") {
        return true;
    }
    if chart.contains("://") {
        return false;
    }
    let parts = chart.split('/').count();
    chart.is_empty() || chart.starts_with('/') || !chart.contains('/') || (parts != 2 && parts != 3)
}

/// What `PrepareCharts` records for a local chart directory: its path
/// joined to the state's directory, when that differs from `chart`.
pub(crate) fn set_chart_path(r: &mut Rec, dir: &std::path::Path) {
    let chart = r.str("chart").to_string();
    if r.opt_bool("installed") == Some(false) || !is_local_chart(&chart) || chart.starts_with('/') {
        return;
    }
    let normalized = crate::tmpl::go_clean(&chart);
    if normalized != chart && dir.join(&chart).is_dir() {
        r.set("chartPath", Fv::Str(normalized));
    }
}
