//! Chart values as Helm combines them: the data model of templates (Go maps with
//! reference semantics, so Helm's in-place updates behave as in Go), deep copies,
//! table and path lookups, and the coalescing of user values with each chart's and
//! subchart's defaults, globals included, null deleting a default.

use std::collections::BTreeMap;

use gotmpl::{IntKind, List, Map, MapType, Value};
use goyaml::Data;

use crate::chart::Chart;

/// The key under which values are shared with every subchart.
pub const GLOBAL_KEY: &str = "global";

/// A values tree from the YAML/JSON data model: file numbers stay float64 and the
/// integers of `--set` are int64.
pub fn from_data(d: &Data) -> Value {
    into_value(d.clone())
}

/// [`from_data`] taking the data, whose keys and strings move into the values.
pub fn into_value(d: Data) -> Value {
    match d {
        Data::Null => Value::Nil,
        Data::Bool(b) => Value::Bool(b),
        Data::Int(i) => Value::Int(i, IntKind::Int64),
        Data::Float(f) => Value::Float(f),
        Data::String(s) => Value::string(s),
        Data::List(items) => Value::list(items.into_iter().map(into_value).collect()),
        Data::Map(m) => Value::map(
            m.into_iter()
                .map(|(k, v)| (k, into_value(v)))
                .collect::<BTreeMap<_, _>>(),
        ),
    }
}

/// A new, empty `map[string]interface {}`.
pub fn new_table() -> Value {
    Value::map(BTreeMap::new())
}

/// A copy sharing nothing with the original (Go's `copystructure.Copy`).
pub fn deep_copy(v: &Value) -> Value {
    match v {
        Value::Map(m) => {
            let copied = m
                .read()
                .iter()
                .map(|(k, v)| (k.clone(), deep_copy(v)))
                .collect();
            Value::Map(Map::new(m.ty.clone(), copied).into())
        }
        Value::List(l) => {
            Value::List(List::new(l.elem.clone(), l.items.iter().map(deep_copy).collect()).into())
        }
        other => other.clone(),
    }
}

/// Whether a value is a values table (`map[string]interface {}`).
pub fn is_table(v: &Value) -> bool {
    matches!(v, Value::Map(m) if m.ty.elem == gotmpl::GoType::Interface)
}

fn as_table(v: &Value) -> Option<&std::sync::Arc<Map>> {
    match v {
        Value::Map(m) if is_table(v) => Some(m),
        _ => None,
    }
}

/// Helm's `Values.Table`: the table at a dotted path, if every step is a table.
pub fn table(values: &Value, path: &str) -> Option<Value> {
    let mut current = values.clone();
    for part in path.split('.') {
        let next = as_table(&current)?.get(part)?;
        if !is_table(&next) {
            return None;
        }
        current = next;
    }
    Some(current)
}

/// Helm's `Values.PathValue`: the value at a dotted path, which must not be a
/// table. `None` when the path is missing or ends at a table.
pub fn path_value(values: &Value, path: &str) -> Option<Value> {
    let (parent, last) = match path.rsplit_once('.') {
        Some((parent, last)) => (table(values, parent)?, last),
        None => (values.clone(), path),
    };
    as_table(&parent)?.get(last).filter(|v| !is_table(v))
}

fn concat_prefix(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}.{b}")
    }
}

/// A warning Helm prints (to the log) while coalescing; berth collects them.
pub type Warnings = Vec<String>;

/// Helm's `CoalesceValues` (or `MergeValues` when `merge`): the chart's defaults
/// under a copy of `vals`, recursively for subcharts, with globals passed down.
pub fn coalesce_values(
    chart: &Chart,
    vals: &Value,
    merge: bool,
    warnings: &mut Warnings,
) -> Result<Value, String> {
    let dest = match vals {
        Value::Nil => new_table(),
        v => deep_copy(v),
    };
    coalesce(chart, &dest, "", merge, warnings)?;
    Ok(dest)
}

fn coalesce(
    chart: &Chart,
    dest: &Value,
    prefix: &str,
    merge: bool,
    warnings: &mut Warnings,
) -> Result<(), String> {
    coalesce_chart_values(chart, dest, prefix, merge, warnings);
    coalesce_deps(chart, dest, prefix, merge, warnings)
}

fn coalesce_deps(
    chart: &Chart,
    dest: &Value,
    prefix: &str,
    merge: bool,
    warnings: &mut Warnings,
) -> Result<(), String> {
    let Some(dest_map) = as_table(dest) else {
        return Ok(());
    };
    for sub in &chart.dependencies {
        let name = sub.name();
        match dest_map.get(name) {
            None => dest_map.insert(name, new_table()),
            Some(v) if !is_table(&v) => {
                let shown = gotmpl::gofmt::sprintf("%t", std::slice::from_ref(&v));
                return Err(format!("type mismatch on {name}: {shown}"));
            }
            Some(_) => {}
        }
        if let Some(dv) = dest_map.get(name) {
            let sub_prefix = concat_prefix(prefix, chart.name());
            coalesce_globals(&dv, dest, &sub_prefix, warnings);
            coalesce(sub, &dv, &sub_prefix, merge, warnings)?;
        }
    }
    Ok(())
}

fn coalesce_globals(dest: &Value, src: &Value, prefix: &str, warnings: &mut Warnings) {
    let (Some(dest_map), Some(src_map)) = (as_table(dest), as_table(src)) else {
        return;
    };
    let dg = match dest_map.get(GLOBAL_KEY) {
        None => new_table(),
        Some(g) if is_table(&g) => g,
        Some(_) => {
            warnings.push(format!(
                "warning: skipping globals because destination {GLOBAL_KEY} is not a table."
            ));
            return;
        }
    };
    let sg = match src_map.get(GLOBAL_KEY) {
        None => new_table(),
        Some(g) if is_table(&g) => g,
        Some(_) => {
            warnings.push(format!(
                "warning: skipping globals because source {GLOBAL_KEY} is not a table."
            ));
            return;
        }
    };
    let (Some(dg_map), Some(sg_map)) = (as_table(&dg), as_table(&sg)) else {
        return;
    };
    for (key, val) in sg_map.entries() {
        if let Some(val_map) = as_table(&val) {
            let vv = Value::Map(Map::new(MapType::interface(), val_map.read().clone()).into());
            match dg_map.get(&key) {
                None => dg_map.insert(key, vv),
                Some(destv) => {
                    if is_table(&destv) {
                        coalesce_tables(&vv, &destv, &concat_prefix(prefix, &key), true, warnings);
                        dg_map.insert(key, vv);
                    } else {
                        warnings.push(format!(
                            "Conflict: cannot merge map onto non-map for {key:?}. Skipping."
                        ));
                    }
                }
            }
        } else if dg_map.get(&key).is_some_and(|dv| is_table(&dv)) {
            warnings.push(format!("key {key} is table. Skipping"));
        } else {
            dg_map.insert(key, val);
        }
    }
    dest_map.insert(GLOBAL_KEY, dg);
}

fn coalesce_chart_values(
    chart: &Chart,
    v: &Value,
    prefix: &str,
    merge: bool,
    warnings: &mut Warnings,
) {
    let Some(v_map) = as_table(v) else { return };
    let sub_prefix = concat_prefix(prefix, chart.name());
    let defaults = deep_copy(&chart.values);
    let Some(defaults_map) = as_table(&defaults) else {
        return;
    };
    for (key, val) in defaults_map.entries() {
        match v_map.get(&key) {
            Some(Value::Nil) if !merge => {
                v_map.remove(&key);
            }
            Some(value) => {
                if is_table(&value) {
                    if is_table(&val) {
                        let merge = merge || chart.dependencies.iter().any(|d| d.name() == key);
                        coalesce_tables(
                            &value,
                            &val,
                            &concat_prefix(&sub_prefix, &key),
                            merge,
                            warnings,
                        );
                    } else if !val.is_nil() {
                        warnings.push(format!(
                            "warning: skipped value for {sub_prefix}.{key}: Not a table."
                        ));
                    }
                }
            }
            None => v_map.insert(key, val),
        }
    }
}

/// Helm's `CoalesceTables`: `src` fills what `dst` lacks; a null in `dst` deletes.
pub fn coalesce_tables_into(dst: &Value, src: &Value, warnings: &mut Warnings) {
    coalesce_tables(dst, src, "", false, warnings);
}

/// Helm's `MergeTables`: like coalescing, but nulls are kept.
pub fn merge_tables_into(dst: &Value, src: &Value, warnings: &mut Warnings) {
    coalesce_tables(dst, src, "", true, warnings);
}

fn coalesce_tables(dst: &Value, src: &Value, prefix: &str, merge: bool, warnings: &mut Warnings) {
    let (Some(dst_map), Some(src_map)) = (as_table(dst), as_table(src)) else {
        return;
    };
    // Keys null in `dst` become null in `src`; those `src` held a value for are
    // the ones the null deletes.
    let mut src_non_nil = std::collections::BTreeSet::new();
    for (key, val) in dst_map.entries() {
        if val.is_nil() {
            if src_map.get(&key).is_some_and(|v| !v.is_nil()) {
                src_non_nil.insert(key.clone());
            }
            src_map.insert(key, Value::Nil);
        }
    }
    for (key, val) in src_map.entries() {
        let full_key = concat_prefix(prefix, &key);
        let existing = dst_map.get(&key);
        match existing {
            Some(Value::Nil) if !merge && src_non_nil.contains(&key) => {
                dst_map.remove(&key);
            }
            None => dst_map.insert(key, val),
            Some(dv) => {
                if is_table(&val) {
                    if is_table(&dv) {
                        coalesce_tables(&dv, &val, &full_key, merge, warnings);
                    } else {
                        warnings.push(format!(
                            "warning: cannot overwrite table with non table for {full_key} ({})",
                            gotmpl::gofmt::format_value(&val)
                        ));
                    }
                } else if is_table(&dv) && !val.is_nil() {
                    warnings.push(format!(
                        "warning: destination for {full_key} is a table. Ignoring non-table value ({})",
                        gotmpl::gofmt::format_value(&val)
                    ));
                }
            }
        }
    }
}
