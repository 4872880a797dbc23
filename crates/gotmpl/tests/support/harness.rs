//! The conformance harness shared by the template corpora: runs a case as helm
//! does (its template inside `define "case"` in `c/templates/_case.tpl`, values
//! from JSON as float64 under a `common.Values` map, `missingkey=zero`, parse errors
//! in helm's shortened form) and compares with the recorded expectation.

use std::collections::BTreeMap;
use std::path::Path;

use gotmpl::{MapType, MissingKey, Templates, Value};

use super::cases::{load_cases, load_expectations, Case, Expectation};

/// The file the case's `define` lives in, as helm names it.
const CASE_FILE: &str = "c/templates/_case.tpl";

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

fn run(case: &Case, setup: &dyn Fn(&mut Templates)) -> Expectation {
    let mut templates = Templates::new("gotpl");
    templates.set_missing_key(MissingKey::Zero);
    setup(&mut templates);
    let text = format!("{{{{define \"case\"}}}}{}{{{{end}}}}", case.template);
    if let Err(e) = templates.parse(CASE_FILE, &text) {
        return Expectation::ParseError(helm_parse_error(&e.message));
    }
    match templates.execute("case", &root_for(case)) {
        Ok(out) => Expectation::Output(out),
        Err(e) => Expectation::Error(e.message),
    }
}

/// Runs every case of the corpus in `dir` with `setup` applied to each template set,
/// and panics listing every case whose result differs from the recorded one.
pub fn check_corpus(dir: &Path, label: &str, min_cases: usize, setup: &dyn Fn(&mut Templates)) {
    let cases = load_cases(&dir.join("cases"));
    let expectations = load_expectations(&dir.join("expected.json"));
    assert!(
        cases.len() >= min_cases,
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
        let got = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(case, setup)))
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
        "{label} conformance: {passed} passed, {} failed",
        failures.len()
    );
    if !failures.is_empty() {
        panic!(
            "{} of {} cases differ from the oracle:\n{}",
            failures.len(),
            cases.len(),
            failures.join("\n")
        );
    }
}
