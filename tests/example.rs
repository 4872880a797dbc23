//! The README's first command, run as a user runs it: berth renders the bundled
//! example chart and must print exactly what helm 4.1.4 printed for it
//! (`testdata/example/expected.yaml`).

mod support;

use std::process::Command;

use support::{berth_binary, helmfile_template, testdata};

#[test]
fn bundled_example_renders_as_helm_does() {
    let example = testdata().join("example");
    let out = Command::new(berth_binary())
        .args(["template", "web"])
        .arg(example.join("web"))
        .arg("-f")
        .arg(example.join("production.yaml"))
        .args(["--namespace", "shop"])
        .output()
        .expect("berth runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected = std::fs::read_to_string(example.join("expected.yaml")).unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
}

/// The README's first command: the bundled example deployment repository
/// (`testdata/example`: seed-shaped, a local chart, environment values, a
/// SOPS-encrypted secrets file) rendered for production. The expected output
/// is what `helmfile -e production template` printed for it; when helmfile is
/// installed the test runs it live too.
#[test]
fn bundled_deployment_repository_renders_as_helmfile_does() {
    let example = testdata().join("example");
    let key = testdata().join("sops/key.txt");
    let cache = tempfile::tempdir().unwrap();
    let out = Command::new(berth_binary())
        .arg("-f")
        .arg(example.join("helmfile.yaml.gotmpl"))
        .args(["-e", "production", "template", "--cache-dir"])
        .arg(cache.path())
        .env("SOPS_AGE_KEY_FILE", &key)
        .env_remove("SOPS_AGE_KEY")
        .output()
        .expect("berth runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rendered = String::from_utf8(out.stdout).unwrap();
    let expected = std::fs::read_to_string(example.join("production.expected.yaml")).unwrap();
    assert_eq!(rendered, expected);
    match helmfile_template(
        &example,
        "production",
        &[("SOPS_AGE_KEY_FILE", key.to_str().unwrap())],
    ) {
        Some(live) => assert_eq!(rendered, live),
        None => eprintln!("notice: helmfile is absent; compared with its committed output only"),
    }
}
