//! Small state projects under `testdata/state/misc`, each exercising one
//! area (release template inheritance, `helmfile.d/`, template functions),
//! compared with what helmfile 0.166 printed and with helmfile itself.

mod common;

use common::*;

const VARS: &[(&str, &str)] = &[("BERTH_TEST_HOME", "/home/x"), ("BERTH_TEST_NS", "prod")];

fn check(name: &str) {
    check_with(name, &[]);
}

fn check_with(name: &str, selectors: &[&str]) {
    let dir = abs(&testdata(&format!("misc/{name}")));
    let mut opts = options(&dir, "default", VARS);
    opts.selectors = selectors.iter().map(|s| s.to_string()).collect();
    let st = state::load(&opts).unwrap_or_else(|e| panic!("{name}: {e}"));
    let build = normalise(&st.build_output(), &dir);
    assert_eq!(build, expected(&format!("misc/{name}.build.txt")), "{name}");
    assert_eq!(
        st.list_output(),
        expected(&format!("misc/{name}.list.txt")),
        "{name}"
    );
    let mut args: Vec<&str> = Vec::new();
    for s in selectors {
        args.extend(["-l", s]);
    }
    let build_args: Vec<&str> = args.iter().copied().chain(["build"]).collect();
    let list_args: Vec<&str> = args.iter().copied().chain(["list"]).collect();
    if let Some((ok, out, err)) = helmfile(&dir, &build_args, VARS) {
        assert!(ok, "{err}");
        assert_eq!(build, normalise(&out, &dir), "{name} (live)");
    }
    if let Some((ok, out, err)) = helmfile(&dir, &list_args, VARS) {
        assert!(ok, "{err}");
        assert_eq!(st.list_output(), out, "{name} (live)");
    }
}

#[test]
fn release_templates_and_inherit() {
    check("inherit");
}

#[test]
fn helmfile_d_files_in_order() {
    check("helmfiled");
}

#[test]
fn template_functions() {
    check("funcs");
}

#[test]
fn sub_helmfile_selectors_own_or_inherited() {
    check_with("subselect", &["tier=x"]);
}

#[test]
fn values_merge_and_yaml_formatting() {
    check("values");
}
