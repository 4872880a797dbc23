//! Dependencies of local charts: fetched from the declared test repository
//! and from file:// directories, and the lock file's digest checked as Helm
//! checks it (locked/Chart.lock was written by helm itself).

mod common;

use std::path::{Path, PathBuf};

use common::{alpha_repository, fixtures, package, Server};
use source::{FetchedChart, Repository, SourceError, SourceOptions, Sources};

fn repository() -> (Server, Vec<(String, Vec<u8>)>) {
    alpha_repository(&["1.2.0", "1.2.7", "1.3.0"], true)
}

fn sources(cache: &Path, url: &str) -> Sources {
    Sources::new(SourceOptions {
        cache_dir: Some(cache.to_path_buf()),
        repositories: vec![Repository {
            name: "testrepo".into(),
            url: url.into(),
            ..Default::default()
        }],
        ..Default::default()
    })
    .unwrap()
}

fn directory(fetched: FetchedChart) -> (PathBuf, Vec<PathBuf>) {
    match fetched {
        FetchedChart::Directory { path, dependencies } => (path, dependencies),
        other => panic!("expected a directory, got {other:?}"),
    }
}

fn canonical(p: &Path) -> PathBuf {
    p.canonicalize().unwrap()
}

#[test]
fn fetches_repository_and_file_dependencies_without_touching_the_chart() {
    let (server, archives) = repository();
    let cache = tempfile::tempdir().unwrap();
    let sources = sources(cache.path(), &server.url());
    let (path, deps) = directory(sources.fetch("./parent", None, &fixtures()).unwrap());
    assert_eq!(canonical(&path), canonical(&fixtures().join("parent")));
    assert_eq!(deps.len(), 2, "{deps:?}");
    assert!(deps[0].starts_with(cache.path()), "{deps:?}");
    assert_eq!(
        std::fs::read(&deps[0]).unwrap(),
        archives[1].1,
        "~1.2 is 1.2.7"
    );
    assert_eq!(canonical(&deps[1]), canonical(&fixtures().join("child")));
    assert!(
        !fixtures().join("parent/charts").exists(),
        "the chart directory stays untouched"
    );
}

#[test]
fn accepts_helms_lock_and_rejects_a_stale_one() {
    let cache = tempfile::tempdir().unwrap();
    let sources = sources(cache.path(), "http://127.0.0.1:9/unused");
    let (_, deps) = directory(sources.fetch("locked", None, &fixtures()).unwrap());
    assert_eq!(deps.len(), 1);
    assert_eq!(canonical(&deps[0]), canonical(&fixtures().join("child")));

    let work = tempfile::tempdir().unwrap();
    for chart in ["locked", "child"] {
        let dir = work.path().join(chart);
        std::fs::create_dir_all(dir.join("templates")).unwrap();
        for file in ["Chart.yaml", "Chart.lock"] {
            if let Ok(bytes) = std::fs::read(fixtures().join(chart).join(file)) {
                std::fs::write(dir.join(file), bytes).unwrap();
            }
        }
    }
    let chart_yaml = work.path().join("locked/Chart.yaml");
    let text = std::fs::read_to_string(&chart_yaml)
        .unwrap()
        .replace(">=0.3.0 <1", ">=0.3.0 <2");
    std::fs::write(&chart_yaml, text).unwrap();
    let err = sources.fetch("locked", None, work.path()).unwrap_err();
    assert!(matches!(err, SourceError::LockOutOfSync { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        format!(
            "{}: the lock file (Chart.lock) is out of sync with the dependencies file (Chart.yaml); update the dependencies",
            work.path().join("locked").display()
        )
    );
}

#[test]
fn apiversion_v1_charts_use_requirements_files() {
    let cache = tempfile::tempdir().unwrap();
    let sources = sources(cache.path(), "http://127.0.0.1:9/unused");
    let (_, deps) = directory(sources.fetch("legacy", None, &fixtures()).unwrap());
    assert_eq!(deps.len(), 1);
    assert_eq!(canonical(&deps[0]), canonical(&fixtures().join("child")));

    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("legacy");
    std::fs::create_dir_all(&dir).unwrap();
    for file in ["Chart.yaml", "requirements.yaml", "requirements.lock"] {
        std::fs::copy(fixtures().join("legacy").join(file), dir.join(file)).unwrap();
    }
    let requirements = dir.join("requirements.yaml");
    let text = std::fs::read_to_string(&requirements)
        .unwrap()
        .replace("alias: kid", "alias: other");
    std::fs::write(&requirements, text).unwrap();
    let err = sources.fetch("legacy", None, work.path()).unwrap_err();
    assert!(
        err.to_string().ends_with("the lock file (requirements.lock) is out of sync with the dependencies file (requirements.yaml); update the dependencies"),
        "{err}"
    );
}

#[test]
fn locked_versions_win_over_constraints() {
    let (server, archives) = repository();
    let cache = tempfile::tempdir().unwrap();
    let sources = sources(cache.path(), &server.url());
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("app");
    std::fs::create_dir_all(&dir).unwrap();
    let repo_url = server.url();
    std::fs::write(
        dir.join("Chart.yaml"),
        format!("apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n- name: alpha\n  version: ~1.2\n  repository: {repo_url}\n"),
    )
    .unwrap();
    // HashReq of the two lists above, as helm computes it (encoding/json of chart.Dependency).
    let req = format!(r#"[{{"name":"alpha","version":"~1.2","repository":"{repo_url}"}}]"#);
    let lock = format!(r#"[{{"name":"alpha","version":"1.2.0","repository":"{repo_url}"}}]"#);
    let digest = common::sha256_hex(format!("[{req},{lock}]").as_bytes());
    std::fs::write(
        dir.join("Chart.lock"),
        format!("dependencies:\n- name: alpha\n  repository: {repo_url}\n  version: 1.2.0\ndigest: sha256:{digest}\n"),
    )
    .unwrap();
    let (_, deps) = directory(sources.fetch("app", None, work.path()).unwrap());
    assert_eq!(
        std::fs::read(&deps[0]).unwrap(),
        archives[0].1,
        "the lock pins 1.2.0"
    );
}

#[test]
fn unknown_alias_and_bad_file_dependency_are_named() {
    let cache = tempfile::tempdir().unwrap();
    let sources = sources(cache.path(), "http://127.0.0.1:9/unused");
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("app");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("Chart.yaml"),
        "apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n- name: alpha\n  version: 1.0.0\n  repository: \"@nowhere\"\n",
    )
    .unwrap();
    let err = sources.fetch("app", None, work.path()).unwrap_err();
    assert!(
        err.to_string().contains("dependency \"alpha\"") && err.to_string().contains("\"nowhere\""),
        "{err}"
    );

    std::fs::write(
        dir.join("Chart.yaml"),
        "apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n- name: child\n  version: \"^1\"\n  repository: file://../../child\n",
    )
    .unwrap();
    let moved = work.path().join("app");
    let err = sources
        .fetch(&moved.display().to_string(), None, Path::new("/"))
        .unwrap_err();
    assert!(err.to_string().contains("dependency \"child\""), "{err}");
}

/// A dependency already under `charts/` (a directory or an archive) is what
/// `helm template` renders, even when the lock names another version, so it is
/// used without asking its repository, which here nobody answers at.
#[test]
fn vendored_dependencies_are_not_fetched() {
    let chart = tempfile::tempdir().unwrap();
    let dir = chart.path();
    std::fs::write(
        dir.join("Chart.yaml"),
        "apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n  - name: alpha\n    version: 1.2.x\n    repository: https://127.0.0.1:1/charts\n  - name: beta\n    version: 2.0.0\n    repository: oci://127.0.0.1:1/charts\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("charts/alpha")).unwrap();
    std::fs::write(
        dir.join("charts/alpha/Chart.yaml"),
        "apiVersion: v2\nname: alpha\nversion: 1.9.0\n",
    )
    .unwrap();
    std::fs::write(dir.join("charts/beta-2.0.0.tgz"), package("alpha", "2.0.0")).unwrap();
    let cache = tempfile::tempdir().unwrap();
    let fetched = sources(cache.path(), "https://127.0.0.1:1/charts")
        .fetch(dir.to_str().unwrap(), None, Path::new("/"))
        .unwrap();
    match fetched {
        FetchedChart::Directory { dependencies, .. } => assert!(dependencies.is_empty()),
        other => panic!("expected a directory, got {other:?}"),
    }
}
