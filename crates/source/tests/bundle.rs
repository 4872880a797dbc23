//! Offline bundles: `vendor` writes every chart the requests need, and a
//! bundle-mode `Sources` serves identical bytes with no server running, and
//! names what the bundle lacks.

mod common;

use std::path::Path;

use common::{alpha_repository, fixtures};
use source::{
    ChartRequest, FetchedChart, Repository, SourceError, SourceOptions, Sources, BUNDLE_MANIFEST,
};

fn options(cache: &Path, url: &str) -> SourceOptions {
    SourceOptions {
        cache_dir: Some(cache.to_path_buf()),
        repositories: vec![Repository {
            name: "testrepo".into(),
            url: url.into(),
            ..Default::default()
        }],
        ..Default::default()
    }
}

fn request(chart: &str, version: Option<&str>) -> ChartRequest {
    ChartRequest {
        chart: chart.into(),
        version: version.map(String::from),
        base_dir: fixtures(),
    }
}

fn archive_bytes(fetched: &FetchedChart) -> Vec<u8> {
    match fetched {
        FetchedChart::Archive { path, .. } => std::fs::read(path).unwrap(),
        other => panic!("expected an archive, got {other:?}"),
    }
}

#[test]
fn vendored_bundle_serves_the_same_bytes_offline() {
    let (server, _) = alpha_repository(&["1.2.3", "2.0.0"], false);
    let url = server.url();
    let cache = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let requests = [
        request("testrepo/alpha", Some("~1.2")),
        request("testrepo/alpha", None),
        request("parent", None),
    ];
    let online = Sources::new(options(cache.path(), &url)).unwrap();
    let expected: Vec<FetchedChart> = requests
        .iter()
        .map(|r| {
            online
                .fetch(&r.chart, r.version.as_deref(), &r.base_dir)
                .unwrap()
        })
        .collect();
    let manifest = online.vendor(&requests, out.path()).unwrap();
    drop(server);

    let listed: Vec<(&str, &str)> = manifest
        .charts
        .iter()
        .map(|e| (e.request.as_str(), e.version.as_str()))
        .collect();
    let key = |v: &str| format!("{url} alpha {v}");
    assert_eq!(
        listed,
        [(key("").as_str(), "2.0.0"), (key("~1.2").as_str(), "1.2.3")]
    );
    assert!(out.path().join(BUNDLE_MANIFEST).is_file());
    for entry in &manifest.charts {
        let bytes = std::fs::read(out.path().join(&entry.file)).unwrap();
        assert_eq!(common::sha256_hex(&bytes), entry.sha256);
    }

    let empty_cache = tempfile::tempdir().unwrap();
    let mut o = options(empty_cache.path(), &url);
    o.offline = true;
    o.bundle = Some(out.path().to_path_buf());
    let offline = Sources::new(o).unwrap();
    let results = offline.fetch_all(&requests);
    assert_eq!(
        archive_bytes(results[0].as_ref().unwrap()),
        archive_bytes(&expected[0])
    );
    assert_eq!(
        archive_bytes(results[1].as_ref().unwrap()),
        archive_bytes(&expected[1])
    );
    match (results[2].as_ref().unwrap(), &expected[2]) {
        (
            FetchedChart::Directory {
                dependencies: got, ..
            },
            FetchedChart::Directory {
                dependencies: want, ..
            },
        ) => {
            assert!(got[0].starts_with(out.path()));
            assert_eq!(
                std::fs::read(&got[0]).unwrap(),
                std::fs::read(&want[0]).unwrap()
            );
            assert_eq!(got[1], want[1]);
        }
        other => panic!("{other:?}"),
    }
    assert!(
        std::fs::read_dir(empty_cache.path())
            .unwrap()
            .next()
            .is_none(),
        "bundle mode leaves the cache alone"
    );

    let err = offline
        .fetch("testrepo/alpha", Some("1.0.0"), &fixtures())
        .unwrap_err();
    assert!(matches!(err, SourceError::NotInBundle { .. }));
    assert_eq!(
        err.to_string(),
        format!(
            "chart \"alpha\" version \"1.0.0\" from {url} is not in the offline bundle at {}; run `berth vendor` to add it",
            out.path().display()
        )
    );

    let first = out.path().join(&manifest.charts[0].file);
    std::fs::write(&first, b"tampered").unwrap();
    let err = offline
        .fetch("testrepo/alpha", None, &fixtures())
        .unwrap_err();
    assert!(matches!(err, SourceError::DigestMismatch { .. }), "{err}");
}

#[test]
fn missing_bundle_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut o = options(dir.path(), "http://127.0.0.1:9");
    o.bundle = Some(dir.path().join("nope"));
    let err = Sources::new(o).err().unwrap();
    assert!(
        err.to_string().contains(
            &dir.path()
                .join("nope")
                .join(BUNDLE_MANIFEST)
                .display()
                .to_string()
        ),
        "{err}"
    );
}
