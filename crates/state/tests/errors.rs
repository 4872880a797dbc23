//! Errors, each compared with helmfile 0.166's own message where helmfile
//! reports one, naming the file and line (or line:col) where there is one.

mod common;

use common::*;

fn load_error(name: &str, vars: &[(&str, &str)]) -> (std::path::PathBuf, String) {
    let dir = abs(&testdata(&format!("errors/{name}")));
    let err = match state::load(&options(&dir, "default", vars)) {
        Ok(_) => panic!("{name}: loaded without error"),
        Err(e) => e.to_string(),
    };
    (dir, err)
}

/// helmfile prints the same message on stderr.
fn same_as_helmfile(dir: &std::path::Path, msg: &str) {
    if let Some((ok, _, stderr)) = helmfile(dir, &["build"], &[]) {
        assert!(!ok);
        assert!(
            stderr.contains(msg),
            "helmfile said: {stderr}\nberth said: {msg}"
        );
    }
}

#[test]
fn yaml_syntax_error_names_the_line() {
    let (dir, msg) = load_error("yaml-error", &[]);
    assert_eq!(
        msg,
        "in ./helmfile.yaml: failed to read helmfile.yaml: reading document at index 1: yaml: line 3: did not find expected '-' indicator"
    );
    same_as_helmfile(&dir, &msg);
}

#[test]
fn unknown_field_names_the_line() {
    let (dir, msg) = load_error("unknown-field", &[]);
    assert_eq!(
        msg,
        "in ./helmfile.yaml: failed to read helmfile.yaml: reading document at index 1: yaml: unmarshal errors:\n  line 4: field nmespace not found in type state.ReleaseSpec"
    );
    same_as_helmfile(&dir, &msg);
}

#[test]
fn template_parse_error_names_the_line() {
    let (dir, msg) = load_error("template-parse", &[]);
    assert_eq!(
        msg,
        "in ./helmfile.yaml.gotmpl: error during helmfile.yaml.gotmpl.part.0 parsing: template: stringTemplate:4: unexpected \"}\" in operand"
    );
    same_as_helmfile(&dir, &msg);
}

#[test]
fn missing_environment_values_file() {
    let (dir, msg) = load_error("missing-env-values", &[]);
    assert_eq!(
        msg,
        "in ./helmfile.yaml: failed to read helmfile.yaml: environment values file matching \"env/missing.yaml\" does not exist in \".\""
    );
    same_as_helmfile(&dir, &msg);
}

#[test]
fn exec_needs_explicit_permission() {
    let (_, msg) = load_error("exec", &[]);
    assert!(
        msg.starts_with("in ./helmfile.yaml.gotmpl: error during helmfile.yaml.gotmpl.part.0 parsing: template: stringTemplate:2:13: executing \"stringTemplate\" at <exec \"echo\" (list \"-n\" \"from-exec\")>: error calling exec: exec of \"echo\" is disabled"),
        "{msg}"
    );
    let dir = abs(&testdata("errors/exec"));
    let mut opts = options(&dir, "default", &[]);
    opts.allow_exec = true;
    let st = state::load(&opts).expect("exec allowed");
    assert_eq!(
        st.releases().next().map(|(_, r)| r.name.as_str()),
        Some("from-exec")
    );
}

#[test]
fn missing_release_values_file() {
    let dir = abs(&testdata("errors/missing-release-values"));
    let st =
        state::load(&options(&dir, "default", &[])).expect("build and list do not read values");
    let (file, web) = st.releases().next().expect("web");
    let msg = file
        .release_values(web)
        .expect_err("values/web.yaml is missing")
        .to_string();
    assert_eq!(
        msg,
        "in ./helmfile.yaml: values file matching \"values/web.yaml\" does not exist in \".\""
    );
}

#[test]
fn environment_secrets_decrypt_in_memory() {
    let dir = abs(&testdata("env-secrets"));
    let key = abs(&testdata("project/age-key.txt")).display().to_string();
    let st =
        state::load(&options(&dir, "default", &[("SOPS_AGE_KEY_FILE", &key)])).expect("decrypts");
    let db = st.releases().next().expect("db").1;
    assert_eq!(
        db.labels.get("passwordLength").map(String::as_str),
        Some("12")
    );
    assert_eq!(db.labels.get("user").map(String::as_str), Some("app"));
    let err = match state::load(&options(&dir, "default", &[])) {
        Ok(_) => panic!("no key, no secrets"),
        Err(e) => e.to_string(),
    };
    assert!(err.starts_with("in ./helmfile.yaml: failed to decrypt secrets file \"secrets.yaml\": no key could open the data key"), "{err}");
}

#[test]
fn release_template_error_names_the_release_and_field() {
    let (dir, msg) = load_error("release-template", &[]);
    assert_eq!(
        msg,
        "in ./helmfile.yaml: failed executing release templates in \"helmfile.yaml\": failed executing templates in release \"helmfile.yaml\".\"web\": failed executing template expressions in release \"web\".namespace = \"{{ .Values.missing.key }}\": template: stringTemplate:1:10: executing \"stringTemplate\" at <.Values.missing.key>: map has no entry for key \"missing\""
    );
    same_as_helmfile(&dir, &msg);
}

#[test]
fn duplicate_releases() {
    let (dir, msg) = load_error("duplicate", &[]);
    assert_eq!(
        msg,
        "in ./helmfile.yaml: duplicate release \"web\" found in namespace \"shop\": there were 2 releases named \"web\" matching specified selector"
    );
    same_as_helmfile(&dir, &msg);
}

#[test]
fn sub_helmfile_cycles_are_refused() {
    let (_, msg) = load_error("cycle", &[]);
    assert_eq!(
        msg,
        "in ./helmfile.yaml: in .helmfiles[0]: in sub/helmfile.yaml: in .helmfiles[0]: in ../helmfile.yaml: sub-helmfiles form a cycle back to this file"
    );
}

#[test]
fn environment_values_template_error() {
    let (dir, msg) = load_error("env-values-render", &[]);
    assert_eq!(
        msg,
        "in ./helmfile.yaml: failed to read helmfile.yaml: failed to load environment values file \"env/values.yaml.gotmpl\": failed to render [env/values.yaml.gotmpl], because of template: stringTemplate:1:6: executing \"stringTemplate\" at <readFile \"nope.txt\">: error calling readFile: open env/nope.txt: no such file or directory"
    );
    same_as_helmfile(&dir, &msg);
}

#[test]
fn release_values_template_error() {
    let dir = abs(&testdata("errors/release-values-render"));
    let st = state::load(&options(&dir, "default", &[])).expect("loads");
    let (file, x) = st.releases().next().expect("x");
    let msg = file
        .release_values(x)
        .expect_err("template fails")
        .to_string();
    assert_eq!(
        msg,
        "in ./helmfile.yaml: failed to render values files \"rel.yaml.gotmpl\": failed to render [rel.yaml.gotmpl], because of template: stringTemplate:1:13: executing \"stringTemplate\" at <.Values.nope.x>: map has no entry for key \"nope\""
    );
    if let Some((ok, _, stderr)) = helmfile(&dir, &["template"], &[]) {
        assert!(!ok);
        assert!(stderr.contains(&msg), "{stderr}");
    }
}

#[test]
fn non_string_map_keys_are_refused_as_helmfile_does() {
    let (dir, msg) = load_error("nonstring-key", &[]);
    assert_eq!(
        msg,
        "in ./helmfile.yaml: failed to read helmfile.yaml: unexpected type of key in map: expected string, got bool: value=true, map=map[true:1]"
    );
    same_as_helmfile(&dir, &msg);
}
