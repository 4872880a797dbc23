//! Charts Helm refuses before rendering (an incompatible `kubeVersion`, a library
//! chart, dependencies missing from `charts/`, a subchart's values that are not a
//! table): berth must refuse them with the
//! message helm 4 printed (`testdata/render/checks/*.helm4.err`) and no output.

use std::path::Path;
use std::process::Command;

fn check(name: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/render/checks");
    let out = Command::new(env!("CARGO_BIN_EXE_berth"))
        .args(["template", "rel"])
        .arg(dir.join(name))
        .args(["--kube-version", "v1.33.0"])
        .output()
        .expect("berth runs");
    assert_eq!(out.status.code(), Some(1), "{name}");
    assert!(out.stdout.is_empty(), "{name}: printed output");
    let recorded = std::fs::read_to_string(dir.join(format!("{name}.helm4.err"))).unwrap();
    // helm's structured log lines (`level=...`) are not part of its error report.
    let expected: String = recorded
        .lines()
        .filter(|l| !l.starts_with("level="))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(String::from_utf8_lossy(&out.stderr), expected, "{name}");
}

#[test]
fn incompatible_kube_version_is_refused() {
    check("kube-version");
}

#[test]
fn library_charts_are_not_installable() {
    check("library");
}

#[test]
fn a_subchart_value_that_is_not_a_table_is_refused() {
    check("type-mismatch");
}

#[test]
fn missing_dependencies_are_named() {
    check("missing-dependency");
}

/// A template that includes itself stops at Helm's depth, with each level of the
/// error chain helm printed.
#[test]
fn endless_include_stops_at_helms_depth() {
    check("include-loop");
}

#[test]
fn deprecated_charts_warn_as_each_helm_does() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/render/checks");
    for (helm, flag) in [("helm4", None), ("helm3", Some("--helm3"))] {
        let out = Command::new(env!("CARGO_BIN_EXE_berth"))
            .args(["template", "rel"])
            .arg(dir.join("deprecated"))
            .args(["--kube-version", "v1.33.0"])
            .args(flag)
            .output()
            .expect("berth runs");
        assert!(out.status.success(), "{helm}");
        let expected_out =
            std::fs::read_to_string(dir.join(format!("deprecated.{helm}.out"))).unwrap();
        let expected_err =
            std::fs::read_to_string(dir.join(format!("deprecated.{helm}.err"))).unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), expected_out, "{helm}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), expected_err, "{helm}");
    }
}

/// `berth template x testdata/render/CHART FLAGS...`.
fn template(chart: &str, flags: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_berth"))
        .args(["template", "x"])
        .arg(render_dir().join(chart))
        .args(flags)
        .output()
        .expect("berth runs")
}

fn render_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/render")
}

/// Renders `chart` with `flags` and compares stdout with what helm printed
/// (`testdata/render/EXPECTED`).
fn renders_as_helm(chart: &str, flags: &[&str], expected: &str) {
    let out = template(chart, flags);
    assert!(
        out.status.success(),
        "{chart} {flags:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected = std::fs::read_to_string(render_dir().join(expected)).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        expected,
        "{chart} {flags:?}"
    );
}

/// Templates that write to data other templates see (`set` on `.Values`, on a
/// nested values map and on `.`): berth renders files in parallel, but such
/// writes must reach the files Helm runs after the writer, exactly as helm 4
/// printed (`testdata/render/shared-writes.helm4.yaml`).
#[test]
fn writes_to_shared_values_reach_later_templates_as_in_helm() {
    renders_as_helm("shared-writes", &[], "shared-writes.helm4.yaml");
}

/// `.Files` of a chart directory and its subchart, read on demand by berth: each
/// method, `range`, `index` and `len` over the map, a byte-order mark, and
/// `--include-crds`, as helm 4 printed them (`testdata/render/files*.helm4.yaml`).
#[test]
fn files_read_on_demand_render_as_in_helm() {
    renders_as_helm("files", &[], "files.helm4.yaml");
    renders_as_helm(
        "files",
        &["--include-crds"],
        "files.include-crds.helm4.yaml",
    );
}

/// `tpl` over values with and without actions: text without any renders as
/// itself (berth skips parsing it), and `<no value>` leaves every result, as
/// helm 4 printed (`testdata/render/tpl.helm4.yaml`).
#[test]
fn tpl_renders_text_with_and_without_actions_as_helm_does() {
    renders_as_helm("tpl", &[], "tpl.helm4.yaml");
}

/// Templates are parsed while subcharts are enabled and values coalesced: a parse
/// error in a disabled subchart must not matter, a subchart under an alias is
/// rendered under its alias, and the same error counts once the subchart is
/// enabled, as helm 4 printed (`testdata/render/parse-ahead*`).
#[test]
fn parsing_ahead_follows_conditions_and_aliases_as_helm_does() {
    renders_as_helm("parse-ahead", &[], "parse-ahead.helm4.yaml");
    let out = template("parse-ahead", &["--set", "broken.enabled=true"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let expected =
        std::fs::read_to_string(render_dir().join("parse-ahead.enabled.helm4.err")).unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stderr), expected);
}
