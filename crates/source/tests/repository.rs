//! Fetching from an index.yaml chart repository served on 127.0.0.1: version
//! selection, authentication, digests, retries, unreachable repositories and
//! the cache.

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use base64::Engine;
use common::{index_yaml, package, Response, Server};
use source::{FetchedChart, Repository, SourceError, SourceOptions, Sources};

const VERSIONS: [&str; 6] = ["1.0.0", "1.2.0", "1.2.5", "1.3.0", "2.0.0", "2.1.0-rc.1"];

/// Archives of alpha at every version, by version.
fn archives() -> HashMap<String, Vec<u8>> {
    VERSIONS
        .iter()
        .map(|v| (v.to_string(), package("alpha", v)))
        .collect()
}

#[derive(Default, Clone)]
struct Behaviour {
    /// `user:password` the server demands.
    basic: Option<&'static str>,
    /// Answer this many index requests with 503 first.
    failures: usize,
    /// Put this digest on every entry instead of the real one.
    wrong_digest: bool,
}

fn serve(archives: &HashMap<String, Vec<u8>>, behaviour: Behaviour) -> Server {
    let mut entries: Vec<(&str, &str, &[u8])> = archives
        .iter()
        .map(|(v, b)| ("alpha", v.as_str(), b.as_slice()))
        .collect();
    entries.sort_by_key(|e| e.1);
    let mut index = index_yaml(&entries, true);
    if behaviour.wrong_digest {
        for bytes in archives.values() {
            index = index.replace(
                &common::sha256_hex(bytes),
                &common::sha256_hex(b"something else"),
            );
        }
    }
    let files: HashMap<String, Vec<u8>> = archives
        .iter()
        .map(|(v, b)| (format!("/charts/alpha-{v}.tgz"), b.clone()))
        .collect();
    let failures = Arc::new(AtomicUsize::new(behaviour.failures));
    Server::start(move |req| {
        if let Some(expected) = behaviour.basic {
            let wanted = format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(expected)
            );
            if req.header("authorization") != Some(wanted.as_str()) {
                return Response::status(401)
                    .with_header("WWW-Authenticate", "Basic realm=\"charts\"");
            }
        }
        if req.path == "/index.yaml" {
            if failures.load(Ordering::SeqCst) > 0 {
                failures.fetch_sub(1, Ordering::SeqCst);
                return Response::status(503);
            }
            return Response::ok(index.clone());
        }
        match files.get(&req.path) {
            Some(bytes) => Response::ok(bytes.clone()),
            None => Response::status(404),
        }
    })
}

fn options(cache: &Path, url: &str) -> SourceOptions {
    SourceOptions {
        cache_dir: Some(cache.to_path_buf()),
        repositories: vec![Repository {
            name: "testrepo".into(),
            url: url.into(),
            ..Default::default()
        }],
        retry_delay_ms: Some(20),
        ..Default::default()
    }
}

fn fetch(
    sources: &Sources,
    chart: &str,
    version: Option<&str>,
) -> Result<(Vec<u8>, String, String), SourceError> {
    match sources.fetch(chart, version, Path::new("/nonexistent"))? {
        FetchedChart::Archive {
            path,
            name,
            version,
            digest,
        } => {
            let bytes = std::fs::read(&path).unwrap();
            assert_eq!(common::sha256_hex(&bytes), digest);
            Ok((bytes, name, version))
        }
        other => panic!("expected an archive, got {other:?}"),
    }
}

#[test]
fn picks_versions_as_helm_does() {
    let archives = archives();
    let server = serve(&archives, Behaviour::default());
    let cache = tempfile::tempdir().unwrap();
    let sources = Sources::new(options(cache.path(), &format!("{}/", server.url()))).unwrap();
    for (wanted, expected) in [
        (Some("1.2.0"), "1.2.0"),
        (Some("~1.2"), "1.2.5"),
        (Some(">=1.0 <2"), "1.3.0"),
        (Some("^1"), "1.3.0"),
        (None, "2.0.0"),
        (Some(">=2.1.0-0"), "2.1.0-rc.1"),
        (Some("2.1.0-rc.1"), "2.1.0-rc.1"),
    ] {
        let (bytes, name, version) = fetch(&sources, "testrepo/alpha", wanted).unwrap();
        assert_eq!(
            (name.as_str(), version.as_str()),
            ("alpha", expected),
            "for {wanted:?}"
        );
        assert_eq!(bytes, archives[expected], "bytes for {wanted:?}");
    }
    assert_eq!(
        server
            .paths()
            .iter()
            .filter(|p| *p == "/index.yaml")
            .count(),
        1,
        "one Sources reads the index once"
    );
}

#[test]
fn missing_charts_and_versions_are_named() {
    let server = serve(&archives(), Behaviour::default());
    let cache = tempfile::tempdir().unwrap();
    let sources = Sources::new(options(cache.path(), &server.url())).unwrap();
    let err = fetch(&sources, "testrepo/alpha", Some("~3")).unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(err, SourceError::NoMatchingVersion { .. }),
        "{text}"
    );
    assert!(
        text.contains("\"~3\"")
            && text.contains(&server.url())
            && text.contains("2.1.0-rc.1, 2.0.0, 1.3.0"),
        "{text}"
    );
    let err = fetch(&sources, "testrepo/nope", None).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("chart \"nope\" not found in repository {}", server.url())
    );
    let err = fetch(&sources, "elsewhere/alpha", None).unwrap_err();
    assert!(
        err.to_string()
            .contains("\"elsewhere\", which is not declared"),
        "{err}"
    );
}

#[test]
fn basic_auth() {
    let archives = archives();
    let server = serve(
        &archives,
        Behaviour {
            basic: Some("berth:s3cret"),
            ..Default::default()
        },
    );
    let cache = tempfile::tempdir().unwrap();
    let with = |password: &str| {
        let mut o = options(cache.path(), &server.url());
        o.repositories[0].username = Some("berth".into());
        o.repositories[0].password = Some(password.into());
        Sources::new(o).unwrap()
    };
    let (bytes, _, _) = fetch(&with("s3cret"), "testrepo/alpha", Some("1.3.0")).unwrap();
    assert_eq!(bytes, archives["1.3.0"]);
    let err = fetch(&with("wrong"), "testrepo/alpha", Some("1.0.0")).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{0}/index.yaml: access denied (HTTP 401); check the username and password configured for {0}",
            server.url()
        )
    );
}

#[test]
fn credentials_reach_other_hosts_only_with_pass_credentials() {
    let archives = archives();
    let bytes = archives["1.0.0"].clone();
    let chart_host = Server::start(move |_| Response::ok(bytes.clone()));
    let index = format!(
        "apiVersion: v1\nentries:\n  alpha:\n  - name: alpha\n    version: 1.0.0\n    urls:\n    - http://localhost:{}/alpha-1.0.0.tgz\n",
        chart_host.port
    );
    let repo = Server::start(move |_| Response::ok(index.clone()));
    for pass in [false, true] {
        let cache = tempfile::tempdir().unwrap();
        let mut o = options(cache.path(), &repo.url());
        o.repositories[0].username = Some("u".into());
        o.repositories[0].password = Some("p".into());
        o.repositories[0].pass_credentials = pass;
        fetch(&Sources::new(o).unwrap(), "testrepo/alpha", None).unwrap();
        let last = chart_host.requests().pop().unwrap();
        assert_eq!(
            last.header("authorization").is_some(),
            pass,
            "passCredentials {pass}"
        );
    }
    assert!(repo
        .requests()
        .iter()
        .all(|r| r.header("authorization").is_some()));
}

#[test]
fn digest_mismatch_writes_nothing() {
    let server = serve(
        &archives(),
        Behaviour {
            wrong_digest: true,
            ..Default::default()
        },
    );
    let cache = tempfile::tempdir().unwrap();
    let sources = Sources::new(options(cache.path(), &server.url())).unwrap();
    let err = fetch(&sources, "testrepo/alpha", Some("1.2.0")).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, SourceError::DigestMismatch { .. }), "{text}");
    assert!(
        text.contains(&format!("{}/charts/alpha-1.2.0.tgz", server.url())),
        "{text}"
    );
    assert!(
        text.contains(&common::sha256_hex(b"something else")),
        "{text}"
    );
    let archives_dir = cache.path().join("archives");
    let stored = std::fs::read_dir(&archives_dir)
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(stored, 0, "nothing may be cached after a digest mismatch");
}

#[test]
fn unreachable_repository_names_its_url() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/charts");
    let cache = tempfile::tempdir().unwrap();
    let mut o = options(cache.path(), &url);
    o.retries = Some(1);
    let err = fetch(&Sources::new(o).unwrap(), "testrepo/alpha", None).unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("repository {url} is unreachable: ")),
        "{text}"
    );
    assert!(text.contains("after 2 attempts"), "{text}");
}

#[test]
fn retries_server_errors() {
    let archives = archives();
    let server = serve(
        &archives,
        Behaviour {
            failures: 2,
            ..Default::default()
        },
    );
    let cache = tempfile::tempdir().unwrap();
    let sources = Sources::new(options(cache.path(), &server.url())).unwrap();
    let (bytes, _, _) = fetch(&sources, "testrepo/alpha", Some("1.2.5")).unwrap();
    assert_eq!(bytes, archives["1.2.5"]);
    assert_eq!(
        server
            .paths()
            .iter()
            .filter(|p| *p == "/index.yaml")
            .count(),
        3
    );

    let server = serve(
        &archives,
        Behaviour {
            failures: 5,
            ..Default::default()
        },
    );
    let mut o = options(cache.path(), &server.url());
    o.retries = Some(2);
    let err = fetch(&Sources::new(o).unwrap(), "testrepo/alpha", Some("1.0.0")).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("{}/index.yaml: the server answered HTTP 503", server.url())
    );
    assert_eq!(
        server.paths().len(),
        3,
        "two retries after the first attempt"
    );
}

#[test]
fn cache_serves_exact_versions_without_the_network() {
    let archives = archives();
    let cache = tempfile::tempdir().unwrap();
    let url = {
        let server = serve(&archives, Behaviour::default());
        let sources = Sources::new(options(cache.path(), &server.url())).unwrap();
        fetch(&sources, "testrepo/alpha", Some("1.2.0")).unwrap();
        fetch(&sources, "testrepo/alpha", Some("~1.3")).unwrap();
        server.url()
    };
    // The server is gone: an exact version comes from the cache.
    let sources = Sources::new(options(cache.path(), &url)).unwrap();
    let (bytes, _, version) = fetch(&sources, "testrepo/alpha", Some("1.2.0")).unwrap();
    assert_eq!(
        (bytes, version.as_str()),
        (archives["1.2.0"].clone(), "1.2.0")
    );
    // A range online needs the index, which is unreachable.
    assert!(matches!(
        fetch(&sources, "testrepo/alpha", Some("~1.3")),
        Err(SourceError::Unreachable { .. })
    ));

    // Offline: ranges resolve through the cached index; what was never fetched is named.
    let mut o = options(cache.path(), &url);
    o.offline = true;
    let offline = Sources::new(o).unwrap();
    assert_eq!(
        fetch(&offline, "testrepo/alpha", Some("~1.3")).unwrap().2,
        "1.3.0"
    );
    assert_eq!(
        fetch(&offline, "testrepo/alpha", Some(">=1.2.0 <1.2.1"))
            .unwrap()
            .2,
        "1.2.0"
    );
    let err = fetch(&offline, "testrepo/alpha", Some("2.0.0")).unwrap_err();
    assert!(
        err.to_string().starts_with(&format!(
            "chart \"alpha\" version \"2.0.0\" from {url} is not in the cache at "
        )),
        "{err}"
    );
}

#[test]
fn corrupted_cache_entries_are_refetched() {
    let archives = archives();
    let server = serve(&archives, Behaviour::default());
    let cache = tempfile::tempdir().unwrap();
    let first = Sources::new(options(cache.path(), &server.url())).unwrap();
    let FetchedChart::Archive { path, .. } = first
        .fetch("testrepo/alpha", Some("1.2.5"), Path::new("."))
        .unwrap()
    else {
        panic!("archive expected")
    };
    assert!(path.starts_with(cache.path()));
    std::fs::write(&path, b"corrupted").unwrap();

    let mut o = options(cache.path(), &server.url());
    o.offline = true;
    let err = fetch(&Sources::new(o).unwrap(), "testrepo/alpha", Some("1.2.5")).unwrap_err();
    assert!(matches!(err, SourceError::DigestMismatch { .. }), "{err}");
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );

    std::fs::write(&path, b"corrupted again").unwrap();
    let before = server.requests().len();
    let again = Sources::new(options(cache.path(), &server.url())).unwrap();
    let (bytes, _, _) = fetch(&again, "testrepo/alpha", Some("1.2.5")).unwrap();
    assert_eq!(bytes, archives["1.2.5"]);
    assert_eq!(std::fs::read(&path).unwrap(), archives["1.2.5"]);
    assert!(
        server.requests().len() > before,
        "the archive was downloaded again"
    );
}

#[test]
fn fetch_all_runs_requests_once_each() {
    let archives = archives();
    let server = serve(&archives, Behaviour::default());
    let cache = tempfile::tempdir().unwrap();
    let sources = Sources::new(options(cache.path(), &server.url())).unwrap();
    let request = |version: &str| source::ChartRequest {
        chart: "testrepo/alpha".into(),
        version: Some(version.into()),
        base_dir: ".".into(),
    };
    let requests = [
        request("1.0.0"),
        request("~1.2"),
        request("1.0.0"),
        request("9"),
    ];
    let results = sources.fetch_all(&requests);
    let versions: Vec<String> = results
        .iter()
        .map(|r| match r {
            Ok(FetchedChart::Archive { version, .. }) => version.clone(),
            Ok(other) => format!("{other:?}"),
            Err(e) => format!("error: {e}"),
        })
        .collect();
    assert_eq!(&versions[..3], ["1.0.0", "1.2.5", "1.0.0"]);
    assert!(
        versions[3].starts_with("error: no version of chart \"alpha\""),
        "{}",
        versions[3]
    );
    let downloads = server
        .paths()
        .iter()
        .filter(|p| p.ends_with("alpha-1.0.0.tgz"))
        .count();
    assert_eq!(downloads, 1);
}

#[test]
fn sources_can_be_shared_between_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<Sources>();
}

#[test]
fn helm_picks_the_same_versions() {
    let Some(helm) = std::env::var_os("HOME")
        .map(|h| Path::new(&h).join(".cache/reftools/bin/helm4"))
        .filter(|h| h.exists())
    else {
        eprintln!("notice: helm4 is absent from ~/.cache/reftools/bin (bash ../shared/tools/reference-tools.sh); skipping");
        return;
    };
    let archives = archives();
    let server = serve(&archives, Behaviour::default());
    let cache = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let sources = Sources::new(options(cache.path(), &server.url())).unwrap();
    for (i, constraint) in [
        "1.2.0",
        "~1.2",
        ">=1.0 <2",
        "^1",
        "",
        ">=2.1.0-0",
        "1.2 - 1.3",
        "<1.2.5 || >1.3",
    ]
    .iter()
    .enumerate()
    {
        let out = home.path().join(format!("pull-{i}"));
        std::fs::create_dir_all(&out).unwrap();
        let mut cmd = std::process::Command::new(&helm);
        cmd.args(["pull", "alpha", "--repo", &server.url(), "-d"])
            .arg(&out);
        if !constraint.is_empty() {
            cmd.args(["--version", constraint]);
        }
        let output = cmd
            .env("HOME", home.path())
            .env("HELM_CONFIG_HOME", home.path().join("config"))
            .env("HELM_CACHE_HOME", home.path().join("cache"))
            .env("HELM_DATA_HOME", home.path().join("data"))
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "helm pull {constraint:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let pulled: Vec<_> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        let wanted = Some(*constraint).filter(|c| !c.is_empty());
        let (_, _, version) = fetch(&sources, "testrepo/alpha", wanted).unwrap();
        assert_eq!(
            pulled,
            [std::ffi::OsString::from(format!("alpha-{version}.tgz"))],
            "for {constraint:?}"
        );
    }
}
