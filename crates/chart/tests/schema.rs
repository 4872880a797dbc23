//! `values.schema.json` validation against what the real helm 4 and helm 3 print
//! for the cases in `testdata/schema/cases.json` (regenerate with
//! `cargo xtask schema-goldens`).

use std::path::{Path, PathBuf};

use chart::schema::validate_against_schema;
use chart::{Chart, HelmVersion};
use goyaml::Data;

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/schema")
}

/// What berth says for a case, in the golden's form: `ok` or helm's error text.
fn berth(chart: &str, values: &str, helm: HelmVersion) -> String {
    let dir = testdata().join("charts").join(chart);
    let mut chart = Chart::load(&dir, helm).expect("fixture chart loads");
    let user = match helm {
        HelmVersion::Helm4 => goyaml::helm::load_values(values).expect("values parse"),
        HelmVersion::Helm3 => goyaml::helm::read_values(values.as_bytes()).expect("values parse"),
    };
    let user = chart::values::from_data(&Data::Map(user));
    let mut warnings = Vec::new();
    let coalesced = chart::dependencies::process_dependencies(&mut chart, &user, &mut warnings)
        .and_then(|()| chart::values::coalesce_values(&chart, &user, false, &mut warnings));
    let values = match coalesced {
        Ok(values) => values,
        Err(e) => return format!("{e}\n"),
    };
    match validate_against_schema(&chart, &values, helm) {
        Ok(()) => "ok".to_string(),
        Err(e) => format!("{e}\n"),
    }
}

#[test]
fn schema_cases_match_helm() {
    let text = std::fs::read_to_string(testdata().join("cases.json")).expect("cases.json");
    let cases: serde_json::Value = serde_json::from_str(&text).expect("cases.json is JSON");
    let cases = cases.as_array().expect("a list of cases");
    let mut failures = Vec::new();
    let mut checked = 0;
    for (n, case) in cases.iter().enumerate() {
        let chart = case["chart"].as_str().expect("chart");
        let values = case["values"].as_str().expect("values");
        for (key, helm) in [("helm4", HelmVersion::Helm4), ("helm3", HelmVersion::Helm3)] {
            let Some(want) = case[key].as_str() else {
                continue;
            };
            if key == "helm4" && case["unstable"].as_bool() == Some(true) {
                continue;
            }
            checked += 1;
            let got = berth(chart, values, helm);
            if got != want {
                failures.push(format!(
                    "case {n} ({chart}, {key}, {values:?}):\nwant {want:?}\ngot  {got:?}"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Schemas that loop through `$ref`, nest deeply or are broken end with an error
/// instead of running away or panicking.
#[test]
fn hostile_schemas_end() {
    use chart::schema::validate_single;
    let values = chart::values::from_data(
        &goyaml::json::unmarshal(
            r#"{"a": {"a": {"a": {"a": 1}}}, "b": [1, 2]}"#,
            goyaml::json::Target::Any,
        )
        .expect("JSON"),
    );
    let schemas = [
        r##"{"$ref": "#"}"##,
        r##"{"$defs": {"x": {"$ref": "#/$defs/y"}, "y": {"$ref": "#/$defs/x"}}, "$ref": "#/$defs/x"}"##,
        r##"{"$schema": "http://json-schema.org/draft-07/schema#", "definitions": {"x": {"$ref": "#/definitions/x"}}, "$ref": "#/definitions/x"}"##,
        r##"{"properties": {"a": {"$ref": "#"}}, "additionalProperties": {"$ref": "#"}, "type": "string"}"##,
        r##"{"allOf": [{"$ref": "#"}], "anyOf": [{"$ref": "#/allOf/0"}]}"##,
        r##"{"$ref": "https://example.com/schema.json"}"##,
        r##"{"$ref": "#/definitions/missing"}"##,
        r##"{"pattern": "(", "type": "object"}"##,
        r##"{"patternProperties": {"[": {}}}"##,
        r##"{"not": {"not": {"not": {}}}, "if": false, "then": false, "else": {"minProperties": 9}}"##,
        r##"{"multipleOf": 0, "minimum": "x", "items": [true, false], "enum": [], "type": 5}"##,
        r##"[1, 2"##,
        r##"true"##,
        r##"false"##,
    ];
    for schema in schemas {
        for helm in [HelmVersion::Helm4, HelmVersion::Helm3] {
            let _ = validate_single(schema.as_bytes(), &values, helm);
        }
    }
    let deep = format!(
        "{}{}",
        "{\"not\":".repeat(2000),
        "{}".to_string() + &"}".repeat(2000)
    );
    let _ = validate_single(deep.as_bytes(), &values, HelmVersion::Helm4);
}
