//! OCI registries: charts pushed to a real registry (Debian's docker-registry,
//! skipped with a notice when absent) and pulled back by tag and by range;
//! basic auth on the registry; the bearer-token challenge and layer digest
//! checks against a scripted registry.

mod common;

use std::path::{Path, PathBuf};

use base64::Engine;
use std::process::Command;

use common::registry::start_registry;
use common::{package, Response, Server};
use source::{FetchedChart, Repository, SourceError, SourceOptions, Sources};

fn sources(cache: &Path, repositories: Vec<Repository>) -> Sources {
    Sources::new(SourceOptions {
        cache_dir: Some(cache.to_path_buf()),
        repositories,
        retry_delay_ms: Some(20),
        ..Default::default()
    })
    .unwrap()
}

fn archive(fetched: FetchedChart) -> (Vec<u8>, String, String, PathBuf) {
    match fetched {
        FetchedChart::Archive {
            path,
            name,
            version,
            digest,
        } => {
            let bytes = std::fs::read(&path).unwrap();
            assert_eq!(common::sha256_hex(&bytes), digest);
            (bytes, name, version, path)
        }
        other => panic!("expected an archive, got {other:?}"),
    }
}

fn write_chart(dir: &Path, version: &str) -> (PathBuf, Vec<u8>) {
    let bytes = package("alpha", version);
    let path = dir.join(format!("alpha-{version}.tgz"));
    std::fs::write(&path, &bytes).unwrap();
    (path, bytes)
}

#[test]
fn push_then_pull_by_tag_and_range() {
    let Some(registry) = start_registry(None) else {
        return;
    };
    let cache = tempfile::tempdir().unwrap();
    let charts = tempfile::tempdir().unwrap();
    let base = format!("oci://127.0.0.1:{}/charts", registry.port);
    let sources = sources(
        cache.path(),
        vec![Repository {
            name: "ocirepo".into(),
            url: base.clone(),
            oci: true,
            ..Default::default()
        }],
    );
    let mut archives = std::collections::HashMap::new();
    for version in [
        "1.0.0",
        "1.2.0",
        "1.2.5",
        "1.3.0+build.1",
        "2.0.0",
        "2.1.0-rc.1",
    ] {
        let (path, bytes) = write_chart(charts.path(), version);
        let pushed = sources.push(&path, &base).unwrap();
        assert_eq!(
            pushed.reference,
            format!("{base}/alpha:{}", version.replace('+', "_"))
        );
        assert_eq!(
            (pushed.name.as_str(), pushed.version.as_str()),
            ("alpha", version)
        );
        assert!(pushed.digest.starts_with("sha256:"));
        archives.insert(version, bytes);
    }
    let reference = format!("{base}/alpha");
    for (wanted, expected) in [
        (Some("1.2.5"), "1.2.5"),
        (Some("~1.2"), "1.2.5"),
        (Some(">=1.3 <2"), "1.3.0+build.1"),
        (Some("1.3.0+build.1"), "1.3.0+build.1"),
        (None, "2.0.0"),
        (Some(">=2.1.0-0"), "2.1.0-rc.1"),
    ] {
        let (bytes, name, version, _) =
            archive(sources.fetch(&reference, wanted, Path::new(".")).unwrap());
        assert_eq!(
            (name.as_str(), version.as_str()),
            ("alpha", expected),
            "for {wanted:?}"
        );
        assert_eq!(bytes, archives[expected], "bytes for {wanted:?}");
    }
    let (bytes, _, version, _) = archive(
        sources
            .fetch("ocirepo/alpha", Some("1.0.0"), Path::new("."))
            .unwrap(),
    );
    assert_eq!(
        (bytes, version.as_str()),
        (archives["1.0.0"].clone(), "1.0.0")
    );
    let (_, _, version, _) = archive(
        sources
            .fetch(&format!("{reference}:1.2.0"), None, Path::new("."))
            .unwrap(),
    );
    assert_eq!(version, "1.2.0");

    let err = sources
        .fetch(&reference, Some("~5"), Path::new("."))
        .unwrap_err();
    assert!(
        matches!(err, SourceError::NoMatchingVersion { .. }),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("2.1.0-rc.1, 2.0.0, 1.3.0+build.1, 1.2.5, 1.2.0, 1.0.0"),
        "{err}"
    );
    let err = sources
        .fetch(&format!("{base}/missing"), None, Path::new("."))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("chart \"missing\" not found in repository {base}/missing")
    );

    let app = charts.path().join("app");
    std::fs::create_dir_all(&app).unwrap();
    std::fs::write(
        app.join("Chart.yaml"),
        format!("apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n- name: alpha\n  version: ~1.2\n  repository: {base}\n"),
    )
    .unwrap();
    match sources.fetch("./app", None, charts.path()).unwrap() {
        FetchedChart::Directory { dependencies, .. } => {
            assert_eq!(
                std::fs::read(&dependencies[0]).unwrap(),
                archives["1.2.5"],
                "an oci:// dependency"
            );
        }
        other => panic!("expected a directory, got {other:?}"),
    }

    drop(registry);
    let again = self::sources(cache.path(), Vec::new());
    let (bytes, _, _, _) = archive(
        again
            .fetch(&reference, Some("1.2.5"), Path::new("."))
            .unwrap(),
    );
    assert_eq!(
        bytes, archives["1.2.5"],
        "an exact version comes from the cache once the registry is gone"
    );
}

#[test]
fn registry_with_basic_auth() {
    let Some(registry) = start_registry(Some(("berth", "pa55word"))) else {
        return;
    };
    let cache = tempfile::tempdir().unwrap();
    let charts = tempfile::tempdir().unwrap();
    let base = format!("oci://127.0.0.1:{}/secured", registry.port);
    let declared = |password: &str| Repository {
        name: "secured".into(),
        url: base.clone(),
        oci: true,
        username: Some("berth".into()),
        password: Some(password.into()),
        ..Default::default()
    };
    let good = sources(cache.path(), vec![declared("pa55word")]);
    let (path, bytes) = write_chart(charts.path(), "0.4.0");
    good.push(&path, &base).unwrap();
    let (pulled, _, _, _) = archive(
        good.fetch("secured/alpha", Some("~0.4"), Path::new("."))
            .unwrap(),
    );
    assert_eq!(pulled, bytes);

    let other_cache = tempfile::tempdir().unwrap();
    let bad = sources(other_cache.path(), vec![declared("wrong")]);
    let err = bad
        .fetch("secured/alpha", Some("0.4.0"), Path::new("."))
        .unwrap_err();
    assert!(
        matches!(err, SourceError::Unauthorized { status: 401, .. }),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains(&format!("127.0.0.1:{}", registry.port)),
        "{err}"
    );
}

/// A registry that demands a bearer token from its own /token endpoint.
fn scripted_registry(chart: Vec<u8>) -> Server {
    let digest = format!("sha256:{}", common::sha256_hex(&chart));
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.cncf.helm.config.v1+json", "digest": format!("sha256:{}", common::sha256_hex(b"{}")), "size": 2},
        "layers": [{"mediaType": "application/vnd.cncf.helm.chart.content.v1.tar+gzip", "digest": digest, "size": chart.len()}],
    })
    .to_string();
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("robot:t0ken")
    );
    Server::start(move |req| {
        let host = req.header("host").unwrap_or("").to_string();
        if req.path.starts_with("/token?") {
            let scoped = req.path.contains("service=scripted")
                && req
                    .path
                    .contains("scope=repository%3Acharts%2Falpha%3Apull");
            if req.header("authorization") == Some(basic.as_str()) && scoped {
                return Response::ok(r#"{"token":"tok-123"}"#);
            }
            return Response::status(401);
        }
        if req.header("authorization") != Some("Bearer tok-123") {
            let challenge = format!(
                r#"Bearer realm="http://{host}/token",service="scripted",scope="repository:charts/alpha:pull""#
            );
            return Response::status(401).with_header("WWW-Authenticate", &challenge);
        }
        match req.path.as_str() {
            "/v2/charts/alpha/tags/list" => {
                Response::ok(r#"{"name":"charts/alpha","tags":["0.1.0"]}"#)
            }
            "/v2/charts/alpha/manifests/0.1.0" => Response::ok(manifest.clone())
                .with_header("Content-Type", "application/vnd.oci.image.manifest.v1+json"),
            p if p == format!("/v2/charts/alpha/blobs/{digest}") => Response::ok(chart.clone()),
            _ => Response::status(404),
        }
    })
}

#[test]
fn bearer_token_challenge() {
    let chart = package("alpha", "0.1.0");
    let server = scripted_registry(chart.clone());
    let cache = tempfile::tempdir().unwrap();
    let repo = |password: &str| Repository {
        name: "scripted".into(),
        url: format!("oci://127.0.0.1:{}/charts", server.port),
        oci: true,
        username: Some("robot".into()),
        password: Some(password.into()),
        ..Default::default()
    };
    let sources = sources(cache.path(), vec![repo("t0ken")]);
    let (bytes, _, version, _) = archive(
        sources
            .fetch("scripted/alpha", Some("~0.1"), Path::new("."))
            .unwrap(),
    );
    assert_eq!((bytes, version.as_str()), (chart, "0.1.0"));
    let token_requests = server
        .paths()
        .iter()
        .filter(|p| p.starts_with("/token"))
        .count();
    assert_eq!(
        token_requests,
        1,
        "the token is reused for the same scope: {:?}",
        server.paths()
    );

    let other_cache = tempfile::tempdir().unwrap();
    let err = self::sources(other_cache.path(), vec![repo("nope")])
        .fetch("scripted/alpha", Some("0.1.0"), Path::new("."))
        .unwrap_err();
    assert!(matches!(err, SourceError::Unauthorized { .. }), "{err}");
}

#[test]
fn layer_digest_is_verified() {
    let chart = package("alpha", "0.1.0");
    let mut tampered = chart.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 0xff;
    let digest = common::sha256_hex(&chart);
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "config": {"mediaType": "application/vnd.cncf.helm.config.v1+json", "digest": "sha256:00", "size": 2},
        "layers": [{"mediaType": "application/vnd.cncf.helm.chart.content.v1.tar+gzip", "digest": format!("sha256:{digest}"), "size": tampered.len()}],
    })
    .to_string();
    let server = Server::start(move |req| match req.path.as_str() {
        "/v2/charts/alpha/manifests/0.1.0" => Response::ok(manifest.clone()),
        p if p.starts_with("/v2/charts/alpha/blobs/") => Response::ok(tampered.clone()),
        _ => Response::status(404),
    });
    let cache = tempfile::tempdir().unwrap();
    let sources = sources(cache.path(), Vec::new());
    let err = sources
        .fetch(
            &format!("oci://127.0.0.1:{}/charts/alpha", server.port),
            Some("0.1.0"),
            Path::new("."),
        )
        .unwrap_err();
    assert!(matches!(err, SourceError::DigestMismatch { .. }), "{err}");
    assert!(err.to_string().contains(&digest), "{err}");
    assert!(
        std::fs::read_dir(cache.path().join("archives"))
            .map(|d| d.count())
            .unwrap_or(0)
            == 0
    );
}

fn helm4() -> Option<PathBuf> {
    let helm = PathBuf::from(std::env::var_os("HOME")?).join(".cache/reftools/bin/helm4");
    helm.exists().then_some(helm)
}

/// Runs helm with its config, cache and data kept in `home`.
fn helm(helm: &Path, home: &Path, args: &[&str]) -> std::process::Output {
    let output = Command::new(helm)
        .args(args)
        .env("HOME", home)
        .env("HELM_CONFIG_HOME", home.join("config"))
        .env("HELM_CACHE_HOME", home.join("cache"))
        .env("HELM_DATA_HOME", home.join("data"))
        .env("HELM_REGISTRY_CONFIG", home.join("registry.json"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "helm {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

#[test]
fn helm_and_berth_agree_on_registry_charts() {
    let Some(helm_bin) = helm4() else {
        eprintln!("notice: helm4 is absent from ~/.cache/reftools/bin (bash ../shared/tools/reference-tools.sh); skipping");
        return;
    };
    let Some(registry) = start_registry(None) else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let charts = tempfile::tempdir().unwrap();
    let base = format!("oci://127.0.0.1:{}/charts", registry.port);
    let sources = sources(cache.path(), Vec::new());
    let versions = [
        "1.0.0",
        "1.2.0",
        "1.2.5",
        "1.3.0+build.1",
        "2.0.0",
        "2.1.0-rc.1",
    ];
    for version in versions {
        let (path, _) = write_chart(charts.path(), version);
        sources.push(&path, &base).unwrap();
    }
    let (helm_pushed, helm_bytes) = write_chart(charts.path(), "3.0.0");
    helm(
        &helm_bin,
        home.path(),
        &[
            "push",
            &helm_pushed.display().to_string(),
            &base,
            "--plain-http",
        ],
    );

    let reference = format!("{base}/alpha");
    for constraint in ["1.2.5", "~1.2", ">=1.3 <2", "^1", "", ">=2.1.0-0", "^3"] {
        let out = home.path().join(format!(
            "pull-{}",
            common::sha256_hex(constraint.as_bytes())
        ));
        std::fs::create_dir_all(&out).unwrap();
        let mut args = vec!["pull", reference.as_str(), "--plain-http", "-d"];
        let out_text = out.display().to_string();
        args.push(&out_text);
        if !constraint.is_empty() {
            args.extend(["--version", constraint]);
        }
        helm(&helm_bin, home.path(), &args);
        let pulled: Vec<PathBuf> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(pulled.len(), 1, "{pulled:?}");
        let helm_bytes = std::fs::read(&pulled[0]).unwrap();
        let wanted = Some(constraint).filter(|c| !c.is_empty());
        let (berth_bytes, _, version, _) =
            archive(sources.fetch(&reference, wanted, Path::new(".")).unwrap());
        assert_eq!(
            pulled[0].file_name().unwrap().to_string_lossy(),
            format!("alpha-{version}.tgz"),
            "helm and berth pick the same version for {constraint:?}"
        );
        assert_eq!(berth_bytes, helm_bytes, "same bytes for {constraint:?}");
    }
    let (bytes, _, _, _) = archive(
        sources
            .fetch(&reference, Some("3.0.0"), Path::new("."))
            .unwrap(),
    );
    assert_eq!(bytes, helm_bytes, "berth reads what helm pushed");
}
