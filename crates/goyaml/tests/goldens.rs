//! Golden tests: every case of `testdata/goyaml/cases` against what the real
//! helm 4 (and helm 3 for values files) printed, recorded in
//! `testdata/goyaml/expected.json` by `cargo xtask goyaml-goldens`.

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use goyaml::helm;
use goyaml::json::{self, Target};
use goyaml::toml::TomlVersion;
use goyaml::Data;

use support::cases::{load_cases, Case};

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/goyaml")
}

fn load_expected() -> BTreeMap<String, Data> {
    let text =
        fs::read_to_string(testdata().join("expected.json")).expect("expected.json is readable");
    match json::unmarshal(&text, Target::Map).expect("expected.json is JSON") {
        Data::Map(mut m) => match m.remove("cases") {
            Some(Data::Map(cases)) => cases,
            _ => panic!("expected.json has no cases"),
        },
        _ => unreachable!(),
    }
}

fn to_json(d: &Data) -> String {
    helm::to_json(d).unwrap_or_default()
}

fn to_yaml(d: &Data) -> String {
    helm::to_yaml(d).unwrap_or_default()
}

fn to_yaml_pretty(d: &Data) -> String {
    helm::to_yaml_pretty(d).unwrap_or_default()
}

fn has_null(d: &Data) -> bool {
    match d {
        Data::Null => true,
        Data::List(l) => l.iter().any(has_null),
        Data::Map(m) => m.values().any(has_null),
        _ => false,
    }
}

/// What this crate computes for the keys helm printed.
fn ours(case: &Case) -> BTreeMap<&'static str, BTreeMap<&'static str, String>> {
    let mut out = BTreeMap::new();
    let mut from = BTreeMap::new();
    if case.json {
        let m = helm::from_json(&case.input);
        from.insert("fj", to_json(&m));
        from.insert("ty", to_yaml(&m));
        from.insert("fja", to_json(&helm::from_json_array(&case.input)));
    } else {
        let m = Data::Map(helm::from_yaml(&case.input));
        from.insert("fy", to_json(&m));
        from.insert("ty", to_yaml(&m));
        from.insert("tp", to_yaml_pretty(&m));
        let a = Data::List(helm::from_yaml_array(&case.input));
        from.insert("fa", to_json(&a));
        from.insert("ta", to_yaml(&a));
        from.insert("tap", to_yaml_pretty(&a));
        from.insert("tt", helm::to_toml(&m, TomlVersion::V1_6));
        from.insert("tta", helm::to_toml(&a, TomlVersion::V1_6));
        let mut v4 = BTreeMap::new();
        match helm::load_values(&case.input) {
            Ok(m) => {
                let d = Data::Map(m);
                if !has_null(&d) {
                    v4.insert("j", to_json(&d));
                    v4.insert("y", to_yaml(&d));
                }
            }
            Err(e) => {
                v4.insert("error", format!("cannot load values.yaml: {e}"));
            }
        }
        out.insert("values4", v4);
        let mut v3 = BTreeMap::new();
        match helm::read_values(case.input.as_bytes()) {
            Ok(m) => {
                let d = Data::Map(m);
                if !has_null(&d) {
                    v3.insert("j", to_json(&d));
                    v3.insert("y", to_yaml(&d));
                }
            }
            Err(e) => {
                v3.insert("error", format!("cannot load values.yaml: {e}"));
            }
        }
        out.insert("values3", v3);
    }
    out.insert("from", from);
    out
}

#[test]
fn goldens_match_helm() {
    let cases = load_cases(&testdata().join("cases")).expect("cases load");
    let expected = load_expected();
    let mut checked = 0usize;
    let mut failures: Vec<String> = Vec::new();
    let mut failed_cases = std::collections::BTreeSet::new();
    for case in &cases {
        let Some(Data::Map(exp)) = expected.get(&case.name) else {
            failures.push(format!(
                "{}: no expectation (run `cargo xtask goyaml-goldens`)",
                case.name
            ));
            continue;
        };
        for (group, values) in ours(case) {
            let Some(Data::Map(exp_group)) = exp.get(group) else {
                continue;
            };
            // A values chart that loaded: compare only what we computed
            // (helm drops null values when coalescing).
            let helm_failed = exp_group.contains_key("error");
            let we_failed = values.contains_key("error");
            if group != "from" && helm_failed != we_failed {
                failed_cases.insert(case.name.clone());
                failures.push(format!(
                    "{} {group}: helm {} but we {}\n  helm: {:?}\n  ours: {:?}",
                    case.name,
                    if helm_failed { "failed" } else { "succeeded" },
                    if we_failed { "failed" } else { "succeeded" },
                    exp_group,
                    values
                ));
                continue;
            }
            for (key, got) in values {
                let Some(Data::String(want)) = exp_group.get(key) else {
                    continue;
                };
                checked += 1;
                if *want != got {
                    failed_cases.insert(case.name.clone());
                    failures.push(format!(
                        "{} {group}.{key}:\n  helm: {want:?}\n  ours: {got:?}",
                        case.name
                    ));
                }
            }
        }
    }
    println!(
        "goyaml goldens: {} cases, {checked} outputs checked, {} mismatches in {} cases",
        cases.len(),
        failures.len(),
        failed_cases.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
