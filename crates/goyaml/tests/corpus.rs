//! Parse acceptance over the shared corpus: every `values.yaml` and
//! `ci/*.yaml` under `../shared/corpus/charts` must load, and `toYaml` of what
//! `fromYaml` reads must hash to what helm 4 printed
//! (`testdata/goyaml/corpus.json`). Skipped, with a notice, when the corpus
//! is absent.

mod support;

use std::fs;
use std::path::{Path, PathBuf};

use goyaml::helm;
use goyaml::json::{self, Target};
use goyaml::Data;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn corpus_values_match_helm() {
    let charts = root().join("../shared/corpus/charts");
    if !charts.is_dir() {
        println!("corpus not found at {}: skipping", charts.display());
        return;
    }
    let text = fs::read_to_string(root().join("testdata/goyaml/corpus.json"))
        .expect("corpus.json is readable");
    let Ok(Data::Map(doc)) = json::unmarshal(&text, Target::Map) else {
        panic!("corpus.json is not a JSON object");
    };
    let Some(Data::Map(files)) = doc.get("files") else {
        panic!("corpus.json has no files");
    };
    let mut failures = Vec::new();
    let mut checked = 0;
    for (rel, want) in files {
        let path = charts.join(rel);
        let Ok(input) = fs::read_to_string(&path) else {
            failures.push(format!("{rel}: missing from the corpus"));
            continue;
        };
        checked += 1;
        if let Err(e) = helm::load_values(&input) {
            failures.push(format!("{rel}: does not load: {e}"));
        }
        let m = helm::from_yaml(&input);
        let ours = helm::to_yaml(&Data::Map(m.clone())).unwrap_or_default();
        match (want.get("sha256"), want.get("error")) {
            (Some(Data::String(sha)), _) => {
                let got = support::sha256::hex(ours.as_bytes());
                if &got != sha {
                    failures.push(format!(
                        "{rel}: toYaml differs from helm's (len {} vs {:?})",
                        ours.len(),
                        want.get("len")
                    ));
                }
            }
            (_, Some(Data::String(e))) => failures.push(format!(
                "{rel}: helm failed ({e}) but the golden expects output"
            )),
            _ => failures.push(format!("{rel}: malformed golden")),
        }
        if m.contains_key("Error") {
            failures.push(format!("{rel}: fromYaml failed: {:?}", m.get("Error")));
        }
    }
    println!(
        "goyaml corpus: {checked} values files checked, {} failures",
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
