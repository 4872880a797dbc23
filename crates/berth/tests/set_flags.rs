//! `berth template` with `--set`, `--set-string`, `--set-json`, `--set-file` and
//! `--set-literal` on the fixture chart `testdata/strvals/chart`, compared with
//! what helm 4 and helm 3 printed for the same arguments (`chart.args`, run in
//! `testdata/strvals`; regenerate with `cargo xtask strvals-goldens`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/strvals")
}

fn berth(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_berth"))
        .arg("template")
        .args(args)
        .current_dir(testdata())
        .output()
        .expect("berth runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn chart_args() -> Vec<String> {
    std::fs::read_to_string(testdata().join("chart.args"))
        .expect("chart.args")
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

fn golden(name: &str) -> String {
    std::fs::read_to_string(testdata().join(name)).expect("golden")
}

#[test]
fn set_flags_render_as_helm4() {
    let args = chart_args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = berth(&args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), golden("chart.helm4.yaml"));
}

#[test]
fn set_flags_render_as_helm3() {
    let mut args = chart_args();
    args.push("--helm3".to_string());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = berth(&args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), golden("chart.helm3.yaml"));
}

/// The texts are helm's (cases `no-value` and `file-missing` of `cases.json`).
#[test]
fn set_flag_errors_are_helms() {
    for (flag, line, want) in [
        (
            "--set",
            "a",
            "Error: failed parsing --set data: key \"a\" has no value\n",
        ),
        (
            "--set-file",
            "a=missing.txt",
            "Error: failed parsing --set-file data: open missing.txt: no such file or directory\n",
        ),
    ] {
        let out = berth(&["rel", "chart", flag, line]);
        assert!(!out.status.success());
        assert!(out.stdout.is_empty());
        assert_eq!(text(&out.stderr), want);
    }
}
