//! Helm's `--set` family of flags against what helm 4 and helm 3 themselves make
//! of each line (`testdata/strvals/cases.json`, written by
//! `cargo xtask strvals-goldens`): the values as JSON, every value's Go type,
//! or helm's error text.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chart::strvals::{apply_set_flags, read_value_file, SetFlags};
use chart::HelmVersion;
use gotmpl::gofmt::quote;
use gotmpl::{Map, Value};
use serde_json::Value as Json;

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/strvals")
}

/// The probe chart's `PATH GO-TYPE` lines for one value and what it holds.
fn type_lines(path: &str, v: &Value, out: &mut String) {
    out.push_str(&format!("{path} {}\n", v.go_type()));
    match v {
        Value::Map(m) => {
            for (k, x) in m.entries() {
                type_lines(&format!("{path}[{}]", quote(&k)), &x, out);
            }
        }
        Value::List(l) => {
            for (i, x) in l.items.iter().enumerate() {
                type_lines(&format!("{path}[{i}]"), x, out);
            }
        }
        _ => {}
    }
}

fn to_json(v: &Value) -> Json {
    match v {
        Value::Nil => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i, _) => Json::from(*i),
        Value::Float(f) => Json::from(*f),
        Value::String(s) => Json::from(s.to_string()),
        Value::List(l) => Json::Array(l.items.iter().map(to_json).collect()),
        Value::Map(m) => Json::Object(
            m.entries()
                .iter()
                .map(|(k, x)| (k.clone(), to_json(x)))
                .collect(),
        ),
        other => panic!("unexpected value {other:?}"),
    }
}

/// JSON equality where numbers compare by value (Go prints float64 `1` as `1`).
fn json_eq(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => x.as_f64() == y.as_f64(),
        },
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

fn base_values(case: &Json, helm: HelmVersion) -> Arc<Map> {
    let Some(yaml) = case["values_yaml"].as_str() else {
        return Arc::new(Map::new(gotmpl::MapType::interface(), BTreeMap::new()));
    };
    let parsed = match helm {
        HelmVersion::Helm4 => goyaml::helm::load_values(yaml).expect("values parse"),
        HelmVersion::Helm3 => goyaml::helm::read_values(yaml.as_bytes()).expect("values parse"),
    };
    match chart::values::from_data(&goyaml::Data::Map(parsed)) {
        Value::Map(m) => m,
        other => panic!("values are not a table: {other:?}"),
    }
}

fn flags(case: &Json) -> SetFlags {
    let mut flags = SetFlags::default();
    for pair in case["flags"].as_array().expect("flags") {
        let line = pair[1].as_str().expect("line").to_string();
        match pair[0].as_str().expect("flag") {
            "--set" => flags.values.push(line),
            "--set-string" => flags.strings.push(line),
            "--set-json" => flags.json.push(line),
            "--set-file" => flags.files.push(line),
            "--set-literal" => flags.literals.push(line),
            other => panic!("unknown flag {other}"),
        }
    }
    flags
}

/// What berth makes of one case, in the shape of the expectation.
fn run_case(case: &Json, helm: HelmVersion, files_dir: &Path) -> Json {
    let base = base_values(case, helm);
    let mut read = |path: &str| read_value_file(files_dir, path);
    match apply_set_flags(&base, &flags(case), helm, &mut read) {
        Err(e) => serde_json::json!({ "error": e.to_string() }),
        Ok(values) => {
            let mut types = String::new();
            for (k, v) in values.entries() {
                type_lines(&format!("[{}]", quote(&k)), &v, &mut types);
            }
            serde_json::json!({ "json": to_json(&Value::Map(values)), "types": types })
        }
    }
}

fn matches(expected: &Json, got: &Json) -> bool {
    if let Some(e) = expected.get("error") {
        return got.get("error") == Some(e);
    }
    let Some(text) = expected["json"].as_str() else {
        return false;
    };
    let Ok(want) = serde_json::from_str::<Json>(text) else {
        return false;
    };
    got.get("types") == expected.get("types") && got.get("json").is_some_and(|g| json_eq(g, &want))
}

#[test]
fn cases_match_helm() {
    let text = std::fs::read_to_string(testdata().join("cases.json")).expect("cases.json");
    let cases: Vec<Json> = serde_json::from_str(&text).expect("cases.json is JSON");
    assert!(cases.len() >= 60, "only {} cases", cases.len());
    let scratch = std::env::temp_dir().join(format!("berth-strvals-test-{}", std::process::id()));
    let mut failures = Vec::new();
    for (n, case) in cases.iter().enumerate() {
        let dir = scratch.join(n.to_string());
        std::fs::create_dir_all(&dir).expect("scratch dir");
        for (file, content) in case["files"].as_object().into_iter().flatten() {
            std::fs::write(dir.join(file), content.as_str().unwrap_or_default())
                .expect("write file");
        }
        for (label, helm) in [("helm4", HelmVersion::Helm4), ("helm3", HelmVersion::Helm3)] {
            let got = run_case(case, helm, &dir);
            if !matches(&case[label], &got) {
                failures.push(format!(
                    "{} ({label}):\n  want {}\n  got  {}",
                    case["name"], case[label], got
                ));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn remote_set_file_urls_are_refused() {
    let err = read_value_file(Path::new(""), "https://example.com/x").expect_err("no downloads");
    assert!(err.contains("https"), "{err}");
}

#[test]
fn url_checks_follow_go() {
    let dir = Path::new("");
    // Each expectation is helm 4's own text for `--set-file a=PATH`.
    let cases = [
        (
            "1a:b/c",
            "parse \"1a:b/c\": first path segment in URL cannot contain colon",
        ),
        ("a:b/c", "open a:b/c: no such file or directory"),
        (
            "//host/x%zz",
            "parse \"//host/x%zz\": invalid URL escape \"%zz\"",
        ),
        ("x#%zz", "parse \"x#%zz\": invalid URL escape \"%zz\""),
        ("/tmp", "read /tmp: is a directory"),
    ];
    for (path, want) in cases {
        assert_eq!(read_value_file(dir, path).expect_err(path), want);
    }
    assert_eq!(
        read_value_file(dir, ":x").expect_err("scheme"),
        "parse \":x\": missing protocol scheme"
    );
    assert_eq!(
        read_value_file(dir, "x\u{1}").expect_err("control"),
        "parse \"x\\x01\": net/url: invalid control character in URL"
    );
}

#[test]
fn deep_nesting_is_refused_not_a_crash() {
    let dest = Map::new(gotmpl::MapType::interface(), BTreeMap::new());
    for line in [
        format!("a{}=1", "[0]".repeat(40_000)),
        format!("a{}=1", "[0].b".repeat(20_000)),
    ] {
        let err = chart::strvals::parse_into(&line, &dest, HelmVersion::Helm4).expect_err("deep");
        assert_eq!(err, chart::strvals::ParseError::TooDeepForBerth);
    }
    let line = format!("a{}=1", "[0]".repeat(198));
    chart::strvals::parse_into(&line, &dest, HelmVersion::Helm4).expect("deep but allowed");
}
