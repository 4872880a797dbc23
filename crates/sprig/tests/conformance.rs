//! Runs the Sprig conformance corpus (`testdata/sprig`): every case's template is
//! executed with Sprig's functions registered, as helm executes it, and its output
//! or error must equal what the real helm produced.

#[path = "../../gotmpl/tests/support/mod.rs"]
mod support;

use std::collections::BTreeMap;
use std::path::PathBuf;

use gotmpl::{MapType, MissingKey, Templates, Value};
use support::cases::{load_cases, load_expectations, Case, Expectation};

/// The file the case's `define` lives in, as helm names it.
const CASE_FILE: &str = "c/templates/_case.tpl";

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/sprig")
}

/// JSON values as Helm loads a values file: numbers are float64.
fn from_json(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            // YAML reads an integer literal as an integer, so `-0` loses its sign.
            let integral = !n.to_string().contains(['.', 'e', 'E']);
            Value::Float(if integral { f + 0.0 } else { f })
        }
        serde_json::Value::String(s) => Value::string(s.as_str()),
        serde_json::Value::Array(items) => Value::list(items.iter().map(from_json).collect()),
        serde_json::Value::Object(map) => Value::map(
            map.iter()
                .map(|(k, v)| (k.clone(), from_json(v)))
                .collect::<BTreeMap<_, _>>(),
        ),
    }
}

fn root_for(case: &Case) -> Value {
    let json: serde_json::Value = serde_json::from_str(&case.values_json)
        .unwrap_or_else(|e| panic!("{}: case {}: bad values JSON: {e}", case.file, case.name));
    let values = match from_json(&json) {
        Value::Map(m) => {
            Value::Map(gotmpl::Map::new(MapType::named("common.Values"), m.read().clone()).into())
        }
        other => other,
    };
    let mut root = BTreeMap::new();
    root.insert("Values".to_string(), values);
    Value::map(root)
}

/// Helm's rewriting of a parse error: `parse error at (LOCATION): LAST-PART`.
fn helm_parse_error(message: &str) -> String {
    let tokens: Vec<&str> = message.split(": ").collect();
    if tokens.len() == 1 {
        return format!("parse error in ({CASE_FILE}): {message}");
    }
    format!(
        "parse error at ({}): {}",
        tokens[1],
        tokens[tokens.len() - 1]
    )
}

fn run(case: &Case) -> Expectation {
    let mut templates = Templates::new("gotpl");
    templates.add_functions(sprig::functions());
    templates.set_missing_key(MissingKey::Zero);
    let text = format!("{{{{define \"case\"}}}}{}{{{{end}}}}", case.template);
    if let Err(e) = templates.parse(CASE_FILE, &text) {
        return Expectation::ParseError(helm_parse_error(&e.message));
    }
    match templates.execute("case", &root_for(case)) {
        Ok(out) => Expectation::Output(out),
        Err(e) => Expectation::Error(e.message),
    }
}

#[test]
fn sprig_conformance_corpus() {
    let dir = corpus_dir();
    let cases = load_cases(&dir.join("cases"));
    let expectations = load_expectations(&dir.join("expected.json"));
    assert!(
        cases.len() >= 400,
        "the corpus has only {} cases",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let Some(expected) = expectations.get(&case.name) else {
            failures.push(format!(
                "{} ({}): no expectation recorded; run `cargo xtask gotmpl-expectations`",
                case.name, case.file
            ));
            continue;
        };
        let got = std::panic::catch_unwind(|| run(case))
            .unwrap_or_else(|_| Expectation::Error("PANIC".to_string()));
        if &got != expected {
            failures.push(format!(
                "{} ({}):\n  template: {:?}\n  expected: {:?}\n  got:      {:?}",
                case.name, case.file, case.template, expected, got
            ));
        }
    }
    let passed = cases.len() - failures.len();
    println!(
        "sprig conformance: {passed} passed, {} failed",
        failures.len()
    );
    if !failures.is_empty() {
        panic!(
            "{} of {} cases differ from helm:\n{}",
            failures.len(),
            cases.len(),
            failures.join("\n")
        );
    }
}
