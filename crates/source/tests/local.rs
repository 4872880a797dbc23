//! Local charts: directories and archives resolve to their own paths.

mod common;

use std::path::Path;

use common::{fixtures, package};
use source::{FetchedChart, SourceError, SourceOptions, Sources};

fn sources(cache: &Path) -> Sources {
    Sources::new(SourceOptions {
        cache_dir: Some(cache.to_path_buf()),
        offline: true,
        ..Default::default()
    })
    .unwrap()
}

#[test]
fn archives_and_directories_resolve_in_place() {
    let cache = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let bytes = package("alpha", "0.9.1");
    std::fs::write(work.path().join("alpha-0.9.1.tgz"), &bytes).unwrap();
    let sources = sources(cache.path());
    let fetched = sources
        .fetch("alpha-0.9.1.tgz", Some("ignored"), work.path())
        .unwrap();
    assert_eq!(
        fetched,
        FetchedChart::Archive {
            path: work.path().join("alpha-0.9.1.tgz"),
            name: "alpha".into(),
            version: "0.9.1".into(),
            digest: common::sha256_hex(&bytes),
        }
    );
    let fetched = sources.fetch("./child", None, &fixtures()).unwrap();
    assert_eq!(
        fetched,
        FetchedChart::Directory {
            path: fixtures().join("./child"),
            dependencies: Vec::new()
        }
    );
}

#[test]
fn bad_local_charts_are_named() {
    let cache = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let sources = sources(cache.path());
    let missing = work.path().join("./nothing-here");
    let err = sources
        .fetch("./nothing-here", None, work.path())
        .unwrap_err();
    assert!(matches!(err, SourceError::Io { .. }), "{err}");
    assert!(
        err.to_string().starts_with(&missing.display().to_string()),
        "{err}"
    );

    std::fs::write(work.path().join("broken.tgz"), b"not gzip").unwrap();
    let err = sources.fetch("broken.tgz", None, work.path()).unwrap_err();
    assert!(
        err.to_string().starts_with(&format!(
            "{}: not a gzipped tar archive",
            work.path().join("broken.tgz").display()
        )),
        "{err}"
    );

    std::fs::create_dir_all(work.path().join("nochart")).unwrap();
    let err = sources.fetch("./nochart", None, work.path()).unwrap_err();
    assert!(err.to_string().contains("nochart/Chart.yaml"), "{err}");

    std::fs::create_dir_all(work.path().join("badyaml")).unwrap();
    std::fs::write(
        work.path().join("badyaml/Chart.yaml"),
        "name: x\ndependencies: [\n",
    )
    .unwrap();
    let err = sources.fetch("./badyaml", None, work.path()).unwrap_err();
    assert!(
        err.to_string().contains("badyaml/Chart.yaml: ") && err.to_string().contains("line"),
        "{err}"
    );

    let err = sources.fetch("just-a-name", None, work.path()).unwrap_err();
    assert!(matches!(err, SourceError::BadReference { .. }), "{err}");
}

#[test]
fn debug_output_hides_passwords() {
    let repo = source::Repository {
        name: "r".into(),
        username: Some("user".into()),
        password: Some("hunter2".into()),
        ..Default::default()
    };
    let text = format!("{repo:?}");
    assert!(text.contains("user") && !text.contains("hunter2"), "{text}");
}
