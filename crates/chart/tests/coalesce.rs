//! Values coalescing against helm: the `.Values` each chart of the fixture saw under
//! helm 4 and helm 3 (recorded by `cargo xtask coalesce-goldens`).

use std::path::{Path, PathBuf};

use chart::values::{coalesce_values, from_data, table};
use chart::{Chart, HelmVersion};
use gotmpl::Value;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/chart/coalesce")
}

/// JSON with every number as f64, so that helm's `5` and berth's `5.0` compare equal.
fn normalize(v: &serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Number(n) => serde_json::json!(n.as_f64().unwrap()),
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.iter().map(normalize).collect())
        }
        serde_json::Value::Object(m) => {
            serde_json::Value::Object(m.iter().map(|(k, v)| (k.clone(), normalize(v))).collect())
        }
        other => other.clone(),
    }
}

fn to_json(v: &Value) -> serde_json::Value {
    match v {
        Value::Nil => serde_json::Value::Null,
        Value::Bool(b) => serde_json::json!(b),
        Value::Int(i, _) => serde_json::json!(*i as f64),
        Value::Float(f) => serde_json::json!(f),
        Value::String(s) => serde_json::json!(s.as_ref()),
        Value::List(l) => serde_json::Value::Array(l.items.iter().map(to_json).collect()),
        Value::Map(m) => serde_json::Value::Object(
            m.entries()
                .iter()
                .map(|(k, v)| (k.clone(), to_json(v)))
                .collect(),
        ),
        other => panic!("unexpected value {other:?}"),
    }
}

fn check(helm: HelmVersion, golden: &str) {
    let chart = Chart::load(&fixture().join("parent"), helm).unwrap();
    let text = std::fs::read_to_string(fixture().join("user-values.yaml")).unwrap();
    let user = from_data(&goyaml::Data::Map(
        goyaml::helm::load_values(&text).unwrap(),
    ));
    let mut warnings = Vec::new();
    let values = coalesce_values(&chart, &user, false, &mut warnings).unwrap();
    let child = table(&values, "child").unwrap();
    let grandchild = table(&child, "grandchild").unwrap();
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture().join(golden)).unwrap()).unwrap();
    assert_eq!(
        to_json(&values),
        normalize(&expected["values"]),
        "parent .Values"
    );
    assert_eq!(
        to_json(&child),
        normalize(&expected["childValues"]),
        "child .Values"
    );
    assert_eq!(
        to_json(&grandchild),
        normalize(&expected["grandchildValues"]),
        "grandchild .Values"
    );
}

#[test]
fn coalescing_matches_helm_4() {
    check(HelmVersion::Helm4, "expected-helm4.json");
}

#[test]
fn coalescing_matches_helm_3() {
    check(HelmVersion::Helm3, "expected-helm3.json");
}
