//! Reading and writing `testdata/gotmpl/expected.json`: a pretty-printed JSON
//! object with sorted keys, mapping a case name to `{"output": ...}`,
//! `{"error": ...}` or `{"parse_error": ...}`, plus the `_oracle` key naming the
//! helm (and Go) that produced it. The text is a pure function of its content,
//! so regenerating gives the same bytes.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::cases::Expectation;

/// Key of the metadata entry naming the oracle.
pub const ORACLE_KEY: &str = "_oracle";

/// Renders the file text (with a final newline).
pub fn render(oracle: &str, expectations: &BTreeMap<String, Expectation>) -> String {
    // Insert in sorted order so the result is sorted whether or not serde_json
    // preserves insertion order. "_" sorts before the lowercase case names.
    let mut entries: BTreeMap<&str, Value> = BTreeMap::new();
    entries.insert(ORACLE_KEY, Value::String(oracle.to_string()));
    for (name, expectation) in expectations {
        let (kind, text) = match expectation {
            Expectation::Output(t) => ("output", t),
            Expectation::Error(t) => ("error", t),
            Expectation::ParseError(t) => ("parse_error", t),
        };
        let mut one = Map::new();
        one.insert(kind.to_string(), Value::String(text.clone()));
        entries.insert(name, Value::Object(one));
    }
    let mut object = Map::new();
    for (k, v) in entries {
        object.insert(k.to_string(), v);
    }
    let mut text = serde_json::to_string_pretty(&Value::Object(object)).expect("JSON value");
    text.push('\n');
    text
}
