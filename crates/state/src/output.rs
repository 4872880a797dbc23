//! `helmfile build` (each state as go-yaml v2 marshals `HelmState`) and
//! `helmfile list` (a uitable of the selected releases).

use goyaml::Value as Yaml;

use crate::schema::RELEASE_SET_SPEC;
use crate::typed::{encode, sorted_yaml};
use crate::{State, StateFile};

/// One state file's `build` document.
pub(crate) fn build(file: &StateFile) -> String {
    let mut pairs = vec![(
        Yaml::String("filepath".into()),
        Yaml::String(file.file_name.clone()),
    )];
    if let Yaml::Map(fields) = encode(&file.spec, &RELEASE_SET_SPEC) {
        pairs.extend(fields);
    }
    pairs.push((
        Yaml::String("renderedvalues".into()),
        sorted_yaml(&Yaml::Map(file.rendered_values.clone())),
    ));
    let body = goyaml::encode::marshal_value_in_order(&Yaml::Map(pairs), goyaml::Flavor::V2)
        .unwrap_or_default();
    format!("---\n#  Source: {}\n\n{body}", file.path.display())
}

/// The `list` table.
pub(crate) fn list(state: &State) -> String {
    let mut rows: Vec<Vec<String>> = vec![[
        "NAME",
        "NAMESPACE",
        "ENABLED",
        "INSTALLED",
        "LABELS",
        "CHART",
        "VERSION",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()];
    for (file, r) in state.releases() {
        let mut labels = r.labels.clone();
        labels.extend(file.spec.str_map("commonLabels"));
        let labels: Vec<String> = labels.iter().map(|(k, v)| format!("{k}:{v}")).collect();
        rows.push(vec![
            r.name.clone(),
            r.namespace.clone(),
            r.enabled.to_string(),
            r.installed.to_string(),
            labels.join(","),
            r.chart.clone(),
            r.version.clone(),
        ]);
    }
    let columns = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .map(|row| row[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell}{}", " ".repeat(w - cell.chars().count())))
            .collect();
        out.push_str(&cells.join("\t"));
    }
    out.push('\n');
    out
}
