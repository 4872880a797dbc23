//! Helm's `ProcessDependencies`: which subcharts a release renders (aliases,
//! `condition`, `tags`, version ranges), and the values they export to their parent
//! (`import-values`), applied to the loaded chart tree before rendering.

use std::collections::{BTreeMap, BTreeSet};

use gotmpl::Value;
use goyaml::Data;

use crate::chart::Chart;
use crate::metadata::Dependency;
use crate::values::{
    coalesce_values, deep_copy, is_table, merge_tables_into, new_table, path_value, table, Warnings,
};

/// Enables and disables subcharts for the given user values, then imports values.
pub fn process_dependencies(
    chart: &mut Chart,
    values: &Value,
    warnings: &mut Warnings,
) -> Result<(), String> {
    process_enabled(chart, values, "", warnings)?;
    process_import_values(chart, warnings)
}

fn matches(req: &Dependency, chart: &Chart) -> bool {
    chart.name() == req.name && sprig::is_compatible_range(&req.version, &chart.metadata.version)
}

/// Helm's `getAliasDependency`: a copy of the subchart a requirement names, renamed
/// to its alias.
fn alias_dependency(charts: &[Chart], req: &Dependency) -> Option<Chart> {
    let found = charts.iter().find(|c| matches(req, c))?;
    let mut out = found.clone();
    if !req.alias.is_empty() {
        out.metadata.name = req.alias.clone();
    }
    Some(out)
}

fn process_enabled(
    chart: &mut Chart,
    values: &Value,
    path: &str,
    warnings: &mut Warnings,
) -> Result<(), String> {
    if chart.metadata.dependencies.is_empty() {
        return Ok(());
    }
    let requirements: Vec<Dependency> = chart
        .metadata
        .dependencies
        .iter()
        .flatten()
        .cloned()
        .collect();
    let mut kept: Vec<Chart> = chart
        .dependencies
        .iter()
        .filter(|existing| !requirements.iter().any(|req| matches(req, existing)))
        .cloned()
        .collect();
    for req in chart.metadata.dependencies.iter_mut().flatten() {
        if let Some(copy) = alias_dependency(&chart.dependencies, req) {
            kept.push(copy);
        }
        if !req.alias.is_empty() {
            req.name = req.alias.clone();
        }
    }
    chart.dependencies = kept;
    for req in chart.metadata.dependencies.iter_mut().flatten() {
        req.enabled = true;
    }
    let cvals = coalesce_values(chart, values, false, warnings)?;
    apply_tags(chart, &cvals);
    apply_conditions(chart, &cvals, path);
    let disabled: BTreeSet<String> = chart
        .metadata
        .dependencies
        .iter()
        .flatten()
        .filter(|r| !r.enabled)
        .map(|r| r.name.clone())
        .collect();
    chart.dependencies.retain(|d| !disabled.contains(d.name()));
    chart
        .metadata
        .dependencies
        .retain(|r| r.as_ref().is_none_or(|r| !disabled.contains(&r.name)));
    for sub in &mut chart.dependencies {
        let sub_path = format!("{path}{}.", sub.name());
        process_enabled(sub, &cvals, &sub_path, warnings)?;
    }
    Ok(())
}

fn apply_tags(chart: &mut Chart, cvals: &Value) {
    let Some(Value::Map(tags)) = table(cvals, "tags") else {
        return;
    };
    for req in chart.metadata.dependencies.iter_mut().flatten() {
        let (mut has_true, mut has_false) = (false, false);
        for tag in &req.tags {
            if let Some(Value::Bool(b)) = tags.get(tag) {
                if b {
                    has_true = true;
                } else {
                    has_false = true;
                }
            }
        }
        req.enabled = has_true || !has_false;
    }
}

fn apply_conditions(chart: &mut Chart, cvals: &Value, path: &str) {
    for req in chart.metadata.dependencies.iter_mut().flatten() {
        for condition in req.condition.trim().split(',') {
            if condition.is_empty() {
                continue;
            }
            if let Some(Value::Bool(b)) = path_value(cvals, &format!("{path}{condition}")) {
                req.enabled = b;
                break;
            }
        }
    }
}

fn process_import_values(chart: &mut Chart, warnings: &mut Warnings) -> Result<(), String> {
    for sub in &mut chart.dependencies {
        process_import_values(sub, warnings)?;
    }
    if chart.metadata.dependencies.is_empty() {
        return Ok(());
    }
    let cvals = coalesce_values(chart, &Value::Nil, true, warnings)?;
    let imported = new_table();
    for req in chart.metadata.dependencies.iter_mut().flatten() {
        let mut rewritten = Vec::new();
        for import in &req.import_values {
            let (child, parent) = match import {
                Data::Map(m) => (format_go(m.get("child")), format_go(m.get("parent"))),
                Data::String(s) => (format!("exports.{s}"), ".".to_string()),
                _ => continue,
            };
            rewritten.push(Data::Map(BTreeMap::from([
                ("child".to_string(), Data::String(child.clone())),
                ("parent".to_string(), Data::String(parent.clone())),
            ])));
            let Some(values) = table(&cvals, &format!("{}.{child}", req.name)) else {
                warnings.push(format!(
                    "ImportValues missing table from chart {}: {child}",
                    req.name
                ));
                continue;
            };
            merge_tables_into(&imported, &path_to_map(&parent, values), warnings);
        }
        req.import_values = rewritten;
    }
    // The copy keeps imported tables from sharing maps with the chart's values;
    // with nothing imported, `cvals` is already a copy of its own.
    if matches!(&imported, Value::Map(m) if m.is_empty()) {
        chart.values = cvals;
        return Ok(());
    }
    let merged = deep_copy(&cvals);
    merge_tables_into(&merged, &imported, warnings);
    chart.values = merged;
    Ok(())
}

/// Go's `%v` of an optional decoded value.
fn format_go(value: Option<&Data>) -> String {
    match value {
        None => "<nil>".to_string(),
        Some(d) => gotmpl::gofmt::format_value(&crate::values::from_data(d)),
    }
}

/// Helm's `pathToMap`: `data` nested under the dotted `path` (`.` is the root).
fn path_to_map(path: &str, data: Value) -> Value {
    if path == "." {
        return data;
    }
    let mut current = data;
    for key in path.split('.').rev() {
        let wrapper = new_table();
        if let Value::Map(m) = &wrapper {
            m.insert(key, current);
        }
        current = wrapper;
    }
    debug_assert!(is_table(&current));
    current
}
