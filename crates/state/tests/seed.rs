//! The shared seed project, unchanged: build and list as helmfile 0.166
//! prints them, and its three mistakes reported clearly.

mod common;

use common::*;

fn check_build_and_list(env: &str) {
    let Some(dir) = seed_dir() else { return };
    let st = state::load(&options(&dir, env, &[])).expect("seed loads");
    let build = normalise(&st.build_output(), &dir);
    assert_eq!(build, expected(&format!("seed/{env}.build.yaml")));
    assert_eq!(st.list_output(), expected(&format!("seed/{env}.list.txt")));
    if let Some((ok, out, _)) = helmfile(&dir, &["-e", env, "build"], &[]) {
        assert!(ok);
        assert_eq!(build, normalise(&out, &dir));
    }
    if let Some((ok, out, _)) = helmfile(&dir, &["-e", env, "list"], &[]) {
        assert!(ok);
        assert_eq!(st.list_output(), out);
    }
}

#[test]
fn seed_development_matches_helmfile() {
    check_build_and_list("development");
}

#[test]
fn seed_production_matches_helmfile() {
    check_build_and_list("production");
}

#[test]
fn seed_warns_about_environments_next_to_releases() {
    let Some(dir) = seed_dir() else { return };
    let st = state::load(&options(&dir, "development", &[])).expect("seed loads");
    assert_eq!(
        st.warnings,
        vec!["WARNING: environments and releases cannot be defined within the same YAML part. Use --- to extract the environments into a dedicated part"]
    );
}

#[test]
fn seed_staging_fails_where_helmfile_fails() {
    let Some(dir) = seed_dir() else { return };
    let err = state::load(&options(&dir, "staging", &[])).expect_err("staging is not defined");
    let msg = err.to_string();
    assert!(msg.starts_with("in ./helmfile.yaml.gotmpl: error during helmfile.yaml.gotmpl.part.0 parsing: template: stringTemplate:17:29: "), "{msg}");
    assert!(msg.ends_with("error calling readFile: open environments/staging/cluster.yaml: no such file or directory"), "{msg}");
    if let Some((ok, _, stderr)) = helmfile(&dir, &["-e", "staging", "build"], &[]) {
        assert!(!ok);
        assert!(stderr.contains(&msg), "{stderr}");
    }
}

#[test]
fn seed_first_mistake_undeclared_repository() {
    let Some(dir) = seed_dir() else { return };
    let st = state::load(&options(&dir, "development", &[])).expect("seed loads");
    let msg = st
        .check_repositories()
        .expect_err("stable is undeclared")
        .to_string();
    assert_eq!(
        msg,
        "in ./helmfile.yaml.gotmpl: release \"nginx\": chart \"stable/nginx-ingress\" refers to repository \"stable\", which is not declared under `repositories:` (declared: examples)"
    );
}

#[test]
fn seed_second_mistake_plaintext_secrets() {
    let Some(dir) = seed_dir() else { return };
    let st = state::load(&options(&dir, "development", &[])).expect("seed loads");
    let (file, nginx) = st
        .releases()
        .find(|(_, r)| r.name == "nginx")
        .expect("nginx");
    let msg = file
        .release_values(nginx)
        .expect_err("plaintext secrets")
        .to_string();
    assert!(
        msg.contains("environments/development/secrets/nginx.yaml"),
        "{msg}"
    );
    assert!(msg.contains("not encrypted with sops"), "{msg}");
}

#[test]
fn seed_third_mistake_unused_values_file() {
    let Some(dir) = seed_dir() else { return };
    let st = state::load(&options(&dir, "production", &[])).expect("seed loads");
    assert_eq!(
        st.lint(),
        vec!["environments/production/values/nginx.yaml.gotmpl is never used by any release"]
    );
    let (file, nginx) = st
        .releases()
        .find(|(_, r)| r.name == "nginx")
        .expect("nginx");
    let values = file.release_values(nginx).expect("no values at all");
    assert!(values.layers.is_empty());
}

#[test]
fn undefined_environment_is_reported() {
    let dir = abs(&testdata("errors/undefined-env"));
    let err = state::load(&options(&dir, "staging", &[])).expect_err("fails");
    assert_eq!(
        err.to_string(),
        "environment \"staging\" is not defined in ./helmfile.yaml (helmfile: no releases found that matches specified selector() and environment(staging), in any helmfile)"
    );
    if let Some((ok, _, stderr)) = helmfile(&dir, &["-e", "staging", "build"], &[]) {
        assert!(!ok);
        assert!(stderr.contains("no releases found that matches specified selector() and environment(staging), in any helmfile"));
    }
}
