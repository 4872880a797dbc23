//! Unit tests of the shared case-file parser (`crates/gotmpl/tests/support/cases.rs`),
//! kept here because that file must not contain tests of its own.

use crate::cases::{parse_case_file, try_load_expectations, Expectation};

#[test]
fn parses_sections_and_defaults() {
    let text = "# comment\n\n=== a\n--- values\n{\"x\": 1}\n--- template\nline1\nline2\n=== b\n--- template\nx\n\n";
    let cases = parse_case_file("f.txt", text).unwrap();
    assert_eq!(cases.len(), 2);
    assert_eq!(cases[0].name, "a");
    assert_eq!(cases[0].file, "f.txt");
    assert_eq!(cases[0].values_json, "{\"x\": 1}");
    assert_eq!(cases[0].template, "line1\nline2");
    assert_eq!(cases[1].values_json, "{}");
    // The empty line before EOF makes the template end in a newline.
    assert_eq!(cases[1].template, "x\n");
}

#[test]
fn empty_template_and_marker_like_lines() {
    let text = "=== e\n--- template\n=== f\n--- template\n---\n===\n";
    let cases = parse_case_file("f.txt", text).unwrap();
    assert_eq!(cases[0].template, "");
    assert_eq!(cases[1].template, "---\n===");
}

#[test]
fn rejects_malformed_files() {
    let bad = [
        ("--- template\nx\n", "before the first"),
        ("=== Bad_Name\n--- template\nx\n", "invalid case name"),
        ("=== a\n--- values\n{}\n", "no `--- template`"),
        ("=== a\n--- template\nx\n--- template\ny\n", "second"),
        ("=== a\n--- other\nx\n", "unknown section"),
        ("=== a\nstray\n--- template\nx\n", "between"),
        ("=== a\n--- values\n[1]\n--- template\nx\n", "JSON object"),
        (
            "=== a\n--- values\n{oops}\n--- template\nx\n",
            "not valid JSON",
        ),
        ("=== a\r\n--- template\r\nx\r\n", "carriage return"),
    ];
    for (text, needle) in bad {
        let err = parse_case_file("f.txt", text).unwrap_err();
        assert!(err.contains(needle), "{text:?}: {err}");
    }
}

#[test]
fn loads_expectations() {
    let dir = std::env::temp_dir().join(format!("xtask-exp-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("expected.json");
    std::fs::write(
        &path,
        r#"{"_oracle": "x", "a": {"output": "o"}, "b": {"error": "e"}, "c": {"parse_error": "p"}}"#,
    )
    .unwrap();
    let map = try_load_expectations(&path).unwrap();
    assert_eq!(map.len(), 3);
    assert_eq!(map["a"], Expectation::Output("o".into()));
    assert_eq!(map["b"], Expectation::Error("e".into()));
    assert_eq!(map["c"], Expectation::ParseError("p".into()));
    std::fs::write(&path, r#"{"a": {"output": "o", "error": "e"}}"#).unwrap();
    assert!(try_load_expectations(&path).is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}
