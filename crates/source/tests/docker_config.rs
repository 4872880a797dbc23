//! Registry credentials read from the docker config (`$DOCKER_CONFIG/config.json`).
//! Its own test binary: it sets environment variables, which no other test may race.

mod common;

use std::path::Path;

use base64::Engine;
use common::{package, Response, Server};
use source::{FetchedChart, SourceError, SourceOptions, Sources};

#[test]
fn docker_config_auths_reach_the_registry() {
    let chart = package("alpha", "0.5.0");
    let digest = format!("sha256:{}", common::sha256_hex(&chart));
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "config": {"mediaType": "application/vnd.cncf.helm.config.v1+json", "digest": "sha256:00", "size": 2},
        "layers": [{"mediaType": "application/vnd.cncf.helm.chart.content.v1.tar+gzip", "digest": digest, "size": chart.len()}],
    })
    .to_string();
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("docker-user:docker-pass")
    );
    let bytes = chart.clone();
    let server = Server::start(move |req| {
        if req.header("authorization") != Some(expected.as_str()) {
            return Response::status(401)
                .with_header("WWW-Authenticate", r#"Basic realm="registry""#);
        }
        match req.path.as_str() {
            "/v2/charts/alpha/manifests/0.5.0" => Response::ok(manifest.clone()),
            p if p.starts_with("/v2/charts/alpha/blobs/") => Response::ok(bytes.clone()),
            _ => Response::status(404),
        }
    });
    let config = tempfile::tempdir().unwrap();
    let registry = format!("127.0.0.1:{}", server.port);
    let auth = base64::engine::general_purpose::STANDARD.encode("docker-user:docker-pass");
    std::fs::write(
        config.path().join("config.json"),
        format!(r#"{{"auths": {{"other.example.com": {{"auth": "eDp5"}}, "{registry}": {{"auth": "{auth}"}}}}}}"#),
    )
    .unwrap();
    std::env::set_var("DOCKER_CONFIG", config.path());
    std::env::set_var(
        "HELM_REGISTRY_CONFIG",
        config.path().join("helm-registry.json"),
    );

    let cache = tempfile::tempdir().unwrap();
    let sources = Sources::new(SourceOptions {
        cache_dir: Some(cache.path().to_path_buf()),
        ..Default::default()
    })
    .unwrap();
    let reference = format!("oci://{registry}/charts/alpha");
    match sources
        .fetch(&reference, Some("0.5.0"), Path::new("."))
        .unwrap()
    {
        FetchedChart::Archive { path, .. } => assert_eq!(std::fs::read(path).unwrap(), chart),
        other => panic!("expected an archive, got {other:?}"),
    }

    std::fs::write(config.path().join("config.json"), r#"{"auths": {}}"#).unwrap();
    let cache = tempfile::tempdir().unwrap();
    let sources = Sources::new(SourceOptions {
        cache_dir: Some(cache.path().to_path_buf()),
        ..Default::default()
    })
    .unwrap();
    let err = sources
        .fetch(&reference, Some("0.5.0"), Path::new("."))
        .unwrap_err();
    assert!(
        matches!(err, SourceError::Unauthorized { status: 401, .. }),
        "{err}"
    );
}
