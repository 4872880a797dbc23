//! The berth binary as a user runs it: output on stdout, and failures reported as
//! `Error: ...` on stderr with a non-zero exit and nothing on stdout.

use std::path::PathBuf;
use std::process::{Command, Output};

fn berth(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_berth"))
        .args(args)
        .output()
        .expect("berth runs")
}

fn scratch(name: &str, content: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("berth-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn renders_a_template_with_json_data() {
    let tpl = scratch(
        "ok.tpl",
        r#"{{ range .items }}{{ printf "%v:%T " . . }}{{ end }}"#,
    );
    let data = scratch("ok.json", r#"{"items": [1, "a", true, null]}"#);
    let out = berth(&[
        "gotmpl",
        tpl.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "1:float64 a:string true:bool <nil>:<nil> "
    );
}

#[test]
fn execution_errors_name_file_line_and_column() {
    let tpl = scratch("bad.tpl", "line one\n  {{ .a.b.c }}");
    let data = scratch("bad.json", r#"{"a": {"b": null}}"#);
    let path = tpl.to_str().unwrap();
    let out = berth(&["gotmpl", path, "--data", data.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert_eq!(
        text(&out.stderr),
        format!("Error: template: {path}:2:7: executing \"{path}\" at <.a.b.c>: nil pointer evaluating interface {{}}.c\n")
    );
}

#[test]
fn parse_errors_and_missing_files_fail_cleanly() {
    let tpl = scratch("unclosed.tpl", "a\nb {{ if .x }}\n");
    let path = tpl.to_str().unwrap();
    let out = berth(&["gotmpl", path]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        format!("Error: template: {path}:3: unexpected EOF\n")
    );

    let out = berth(&["gotmpl", "/nonexistent/x.tpl"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).starts_with("Error: cannot read /nonexistent/x.tpl: "),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn missingkey_error_is_available() {
    let tpl = scratch("missing.tpl", "{{ .nope }}");
    let out = berth(&[
        "gotmpl",
        tpl.to_str().unwrap(),
        "--data",
        scratch("m.json", "{}").to_str().unwrap(),
        "--missingkey",
        "error",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).ends_with("map has no entry for key \"nope\"\n"),
        "{}",
        text(&out.stderr)
    );
}
