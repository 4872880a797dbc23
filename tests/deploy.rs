//! A seed-shaped deployment repository (`testdata/deploy/project`: five releases
//! of three charts, environment values, `.gotmpl` values, an age-encrypted
//! secrets file, `needs`) rendered end to end over a chart repository this test
//! serves on 127.0.0.1. The expected output is what `helmfile -e production
//! template` (0.166, with its helm 3.15) printed for the same project
//! (`testdata/deploy/production.expected.yaml`); when helmfile is installed the
//! test also runs it live. Then the bundle round trip and the bad inputs.

mod support;

#[path = "support/repository.rs"]
mod repository;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use repository::{ChartRepository, Published};
use support::package::package_chart;
use support::{berth_binary, helmfile_template, testdata};

/// Every chart version the test repository serves. `~1.2` must pick 1.2.3 (not
/// the release candidate), `>=0.1 <1` 0.3.0, and no version the latest, 1.0.0.
fn published() -> Vec<Published> {
    let charts = testdata().join("deploy/charts");
    let mut out = Vec::new();
    for (name, versions) in [
        ("web", &["1.1.0", "1.2.3", "1.3.0-rc.1"][..]),
        ("worker", &["0.2.0", "0.3.0", "1.0.0"][..]),
        ("config", &["2.0.1"][..]),
    ] {
        for version in versions {
            out.push(Published {
                name: name.to_string(),
                version: version.to_string(),
                archive: package_chart(&charts.join(name), name, version),
            });
        }
    }
    out
}

fn project() -> PathBuf {
    testdata().join("deploy/project")
}

fn age_key() -> PathBuf {
    testdata().join("sops/key.txt")
}

/// Runs berth in the project with the repository URL and key in its environment.
fn berth(dir: &Path, repository: &str, cache: &Path, args: &[&str]) -> Output {
    Command::new(berth_binary())
        .current_dir(dir)
        .env("BERTH_TEST_REPOSITORY", repository)
        .env("SOPS_AGE_KEY_FILE", age_key())
        .env_remove("SOPS_AGE_KEY")
        .arg("--cache-dir")
        .arg(cache)
        .args(args)
        .output()
        .expect("berth runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn expected_production() -> String {
    std::fs::read_to_string(testdata().join("deploy/production.expected.yaml"))
        .expect("expected output")
}

#[test]
fn production_renders_as_helmfile_template_does() {
    let repository = ChartRepository::serve(&published());
    let cache = tempfile::tempdir().unwrap();
    let out = berth(
        &project(),
        &repository.url,
        cache.path(),
        &["-e", "production", "template"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let rendered = stdout(&out);
    assert_eq!(rendered, expected_production());
    assert!(
        !stderr(&out).contains("s3cr3t"),
        "a secret leaked to stderr"
    );

    // A selector renders only the matching release (frontend, printed first
    // above) and does not call the other releases' files unused.
    let selected = berth(
        &project(),
        &repository.url,
        cache.path(),
        &["-e", "production", "-l", "tier=web", "template"],
    );
    assert!(selected.status.success(), "{}", stderr(&selected));
    assert!(stdout(&selected).contains("name: frontend-web"));
    assert!(rendered.starts_with(&stdout(&selected)));
    assert!(
        !stderr(&selected).contains("never used"),
        "{}",
        stderr(&selected)
    );

    // Helm 3 renders these charts identically; helmfile's helm is a 3.x.
    let helm3 = berth(
        &project(),
        &repository.url,
        cache.path(),
        &["-e", "production", "template", "--helm3"],
    );
    assert_eq!(stdout(&helm3), rendered, "{}", stderr(&helm3));

    let key = age_key();
    let environment = [
        ("BERTH_TEST_REPOSITORY", repository.url.as_str()),
        ("SOPS_AGE_KEY_FILE", key.to_str().unwrap()),
    ];
    match helmfile_template(&project(), "production", &environment) {
        Some(live) => assert_eq!(rendered, live, "helmfile prints something else now"),
        None => eprintln!(
            "notice: helmfile, helm3-for-helmfile or sops absent; compared with the committed helmfile output only"
        ),
    }
}

#[test]
fn a_vendored_bundle_renders_the_same_without_the_repository() {
    let repository = ChartRepository::serve(&published());
    let url = repository.url.clone();
    let cache = tempfile::tempdir().unwrap();
    let bundle = tempfile::tempdir().unwrap();
    let bundle_dir = bundle.path().join("vendor");
    let out = berth(
        &project(),
        &url,
        cache.path(),
        &[
            "-e",
            "production",
            "vendor",
            "--out",
            bundle_dir.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(bundle_dir.join("bundle.json").is_file());
    repository.stop();

    let empty_cache = tempfile::tempdir().unwrap();
    let offline = berth(
        &project(),
        &url,
        empty_cache.path(),
        &[
            "-e",
            "production",
            "template",
            "--offline",
            "--bundle",
            bundle_dir.to_str().unwrap(),
        ],
    );
    assert!(offline.status.success(), "{}", stderr(&offline));
    assert_eq!(stdout(&offline), expected_production());

    // A release the bundle was not made for fails clearly, without the network.
    let staging_bundle = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(staging_bundle.path().join("charts")).unwrap();
    std::fs::write(
        staging_bundle.path().join("bundle.json"),
        "{\"apiVersion\":\"berth/bundle/v1\",\"charts\":[]}",
    )
    .unwrap();
    let missing = berth(
        &project(),
        &url,
        empty_cache.path(),
        &[
            "-e",
            "production",
            "template",
            "--offline",
            "--bundle",
            staging_bundle.path().to_str().unwrap(),
        ],
    );
    assert!(!missing.status.success());
    assert!(stdout(&missing).is_empty());
    assert!(
        stderr(&missing).contains("not in the offline bundle"),
        "{}",
        stderr(&missing)
    );
}

/// Asserts a failed run: non-zero exit, nothing on stdout, and `needle` in stderr.
fn assert_fails_with(out: &Output, needle: &str) {
    assert!(!out.status.success(), "expected a failure");
    assert!(stdout(out).is_empty(), "printed output: {}", stdout(out));
    assert!(
        stderr(out).contains(needle),
        "stderr lacks {needle:?}: {}",
        stderr(out)
    );
}

#[test]
fn bad_inputs_fail_clearly() {
    let repository = ChartRepository::serve(&published());
    let cache = tempfile::tempdir().unwrap();

    // An environment the repository does not have.
    let out = berth(
        &project(),
        &repository.url,
        cache.path(),
        &["-e", "nowhere", "template"],
    );
    assert_fails_with(&out, "environment \"nowhere\" is not defined");

    // A repository nobody answers at.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{closed}");
    let out = berth(
        &project(),
        &url,
        cache.path(),
        &["-e", "production", "template"],
    );
    assert_fails_with(&out, &url);

    // An archive that is not the one the index vouches for.
    let tampered = tempfile::tempdir().unwrap();
    repository.replace("/config-2.0.1.tgz", b"not the chart".to_vec());
    let out = berth(
        &project(),
        &repository.url,
        tampered.path(),
        &["-e", "production", "template"],
    );
    assert_fails_with(&out, "digest");
    repository.publish(&published());

    // The wrong age key for the secrets file.
    let out = Command::new(berth_binary())
        .current_dir(project())
        .env("BERTH_TEST_REPOSITORY", &repository.url)
        .env(
            "SOPS_AGE_KEY",
            "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ0TZ5T",
        )
        .env_remove("SOPS_AGE_KEY_FILE")
        .env("HOME", cache.path())
        .arg("--cache-dir")
        .arg(cache.path())
        .args(["-e", "production", "template"])
        .output()
        .unwrap();
    assert_fails_with(&out, "environments/production/secrets/settings.yaml");

    // A state file with a template error: file, line and column.
    let broken = tempfile::tempdir().unwrap();
    std::fs::write(
        broken.path().join("helmfile.yaml.gotmpl"),
        "releases:\n  - name: web\n    chart: {{ .Values.nothing.here }}\n",
    )
    .unwrap();
    let out = berth(broken.path(), &repository.url, cache.path(), &["template"]);
    assert_fails_with(&out, "helmfile.yaml.gotmpl");
    assert!(stderr(&out).contains(":3:"), "{}", stderr(&out));

    // A chart prefix naming no declared repository.
    let undeclared = tempfile::tempdir().unwrap();
    std::fs::write(
        undeclared.path().join("helmfile.yaml"),
        "repositories:\n  - name: shop\n    url: http://127.0.0.1:1\nreleases:\n  - name: web\n    chart: stable/web\n",
    )
    .unwrap();
    let out = berth(
        undeclared.path(),
        &repository.url,
        cache.path(),
        &["template"],
    );
    assert_fails_with(&out, "\"stable\"");
}

/// The shared seed, physically resolved, or `None` (with a notice) when absent.
fn seed_dir() -> Option<PathBuf> {
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/seed");
    if !seed.is_dir() {
        eprintln!("notice: ../shared/seed is absent; skipping a seed test");
        return None;
    }
    Some(seed.canonicalize().expect("seed path"))
}

/// Runs berth in the seed with a private HOME and cache.
fn berth_on_seed(seed: &Path, args: &[&str]) -> Output {
    let cache = tempfile::tempdir().unwrap();
    Command::new(berth_binary())
        .current_dir(seed)
        .env("HOME", cache.path())
        .arg("--cache-dir")
        .arg(cache.path())
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_seed_template_names_its_mistakes() {
    let Some(seed) = seed_dir() else { return };
    let out = berth_on_seed(&seed, &["-e", "development", "template"]);
    assert_fails_with(&out, "\"stable\"");
    assert!(
        stderr(&out).contains("environments/development/values/nginx.yaml.gotmpl"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_seed_mistakes_are_reported_by_lint() {
    let Some(seed) = seed_dir() else { return };
    let out = berth_on_seed(&seed, &["-e", "development", "lint"]);
    let err = stderr(&out);
    assert!(!out.status.success());
    assert!(err.contains("\"stable\""), "{err}");
    assert!(
        err.contains("environments/development/values/nginx.yaml.gotmpl"),
        "{err}"
    );
    assert!(
        err.contains("environments/development/secrets/nginx.yaml")
            && err.contains("not encrypted"),
        "{err}"
    );
}

/// `berth -e ENV build` on the seed as it stands prints what `helmfile build`
/// printed for it (`testdata/state/seed/*.build.yaml`, made by helmfile 0.166
/// with only the absolute directory and `helmBinary` normalised), and its
/// warning about environments and releases sharing a YAML part.
#[test]
fn the_seed_builds_as_helmfile_builds_it() {
    let Some(seed) = seed_dir() else { return };
    for environment in ["development", "production"] {
        let out = berth_on_seed(&seed, &["-e", environment, "build"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let expected = std::fs::read_to_string(
            testdata().join(format!("state/seed/{environment}.build.yaml")),
        )
        .unwrap()
        .replace("<DIR>", &seed.display().to_string());
        assert_eq!(stdout(&out), expected, "{environment}");
        assert!(
            stderr(&out)
                .contains("environments and releases cannot be defined within the same YAML part"),
            "{}",
            stderr(&out)
        );
    }
}
