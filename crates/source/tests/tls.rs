//! HTTPS repositories: a custom CA file, a client certificate and key, and
//! insecureSkipTLSVerify, against a rustls server on 127.0.0.1 with
//! certificates made by the test.

mod common;

use std::path::Path;
use std::sync::Arc;

use common::{index_yaml, package, Response, Server};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use source::{FetchedChart, Repository, SourceError, SourceOptions, Sources};

struct Pki {
    ca_pem: String,
    server_chain: Vec<CertificateDer<'static>>,
    server_key: Vec<u8>,
    ca_der: CertificateDer<'static>,
    client_cert_pem: String,
    client_key_pem: String,
}

fn pki() -> Pki {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "berth test CA");
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let server_key = KeyPair::generate().unwrap();
    let server =
        CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()]).unwrap();
    let server_cert = server.signed_by(&server_key, &ca_cert, &ca_key).unwrap();
    let client_key = KeyPair::generate().unwrap();
    let mut client = CertificateParams::new(Vec::<String>::new()).unwrap();
    client
        .distinguished_name
        .push(DnType::CommonName, "berth client");
    let client_cert = client.signed_by(&client_key, &ca_cert, &ca_key).unwrap();
    Pki {
        ca_pem: ca_cert.pem(),
        server_chain: vec![server_cert.der().clone()],
        server_key: server_key.serialize_der(),
        ca_der: ca_cert.der().clone(),
        client_cert_pem: client_cert.pem(),
        client_key_pem: client_key.serialize_pem(),
    }
}

fn server_config(pki: &Pki, require_client_cert: bool) -> Arc<rustls::ServerConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .unwrap();
    let builder = if require_client_cert {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(pki.ca_der.clone()).unwrap();
        let verifier =
            rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .unwrap();
        builder.with_client_cert_verifier(verifier)
    } else {
        builder.with_no_client_auth()
    };
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pki.server_key.clone()));
    Arc::new(
        builder
            .with_single_cert(pki.server_chain.clone(), key)
            .unwrap(),
    )
}

fn repository_server(pki: &Pki, require_client_cert: bool) -> (Server, Vec<u8>) {
    let chart = package("alpha", "1.0.0");
    let index = index_yaml(&[("alpha", "1.0.0", &chart)], true);
    let bytes = chart.clone();
    let server = Server::start_tls(
        server_config(pki, require_client_cert),
        move |req| match req.path.as_str() {
            "/index.yaml" => Response::ok(index.clone()),
            "/charts/alpha-1.0.0.tgz" => Response::ok(bytes.clone()),
            _ => Response::status(404),
        },
    );
    (server, chart)
}

fn fetch(repo: Repository, cache: &Path) -> Result<Vec<u8>, SourceError> {
    let sources = Sources::new(SourceOptions {
        cache_dir: Some(cache.to_path_buf()),
        repositories: vec![repo],
        retries: Some(0),
        ..Default::default()
    })?;
    match sources.fetch("secure/alpha", Some("1.0.0"), Path::new("."))? {
        FetchedChart::Archive { path, .. } => Ok(std::fs::read(path).unwrap()),
        other => panic!("expected an archive, got {other:?}"),
    }
}

#[test]
fn custom_ca_and_skipped_verification() {
    let pki = pki();
    let (server, chart) = repository_server(&pki, false);
    let files = tempfile::tempdir().unwrap();
    let ca_file = files.path().join("ca.pem");
    std::fs::write(&ca_file, &pki.ca_pem).unwrap();
    let url = format!("https://127.0.0.1:{}", server.port);
    let repo = Repository {
        name: "secure".into(),
        url: url.clone(),
        ..Default::default()
    };

    let err = fetch(repo.clone(), tempfile::tempdir().unwrap().path()).unwrap_err();
    assert!(matches!(err, SourceError::Unreachable { .. }), "{err}");
    assert!(
        err.to_string().contains(&url) && err.to_string().contains("certificate"),
        "{err}"
    );

    let trusted = Repository {
        ca_file: Some(ca_file),
        ..repo.clone()
    };
    assert_eq!(
        fetch(trusted, tempfile::tempdir().unwrap().path()).unwrap(),
        chart
    );

    let insecure = Repository {
        insecure_skip_tls_verify: true,
        ..repo.clone()
    };
    assert_eq!(
        fetch(insecure, tempfile::tempdir().unwrap().path()).unwrap(),
        chart
    );

    let missing = Repository {
        ca_file: Some(files.path().join("absent.pem")),
        ..repo
    };
    let err = fetch(missing, tempfile::tempdir().unwrap().path()).unwrap_err();
    assert!(
        matches!(err, SourceError::Tls { .. }) && err.to_string().contains("absent.pem"),
        "{err}"
    );
}

#[test]
fn client_certificate() {
    let pki = pki();
    let (server, chart) = repository_server(&pki, true);
    let files = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = files.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let repo = Repository {
        name: "secure".into(),
        url: format!("https://127.0.0.1:{}", server.port),
        ca_file: Some(write("ca.pem", &pki.ca_pem)),
        ..Default::default()
    };
    let err = fetch(repo.clone(), tempfile::tempdir().unwrap().path()).unwrap_err();
    assert!(matches!(err, SourceError::Unreachable { .. }), "{err}");

    let with_cert = Repository {
        cert_file: Some(write("client.pem", &pki.client_cert_pem)),
        key_file: Some(write("client-key.pem", &pki.client_key_pem)),
        ..repo.clone()
    };
    assert_eq!(
        fetch(with_cert, tempfile::tempdir().unwrap().path()).unwrap(),
        chart
    );

    let half = Repository {
        cert_file: Some(write("only-cert.pem", &pki.client_cert_pem)),
        ..repo
    };
    let err = fetch(half, tempfile::tempdir().unwrap().path()).unwrap_err();
    assert!(
        err.to_string().contains("needs both certFile and keyFile"),
        "{err}"
    );
}
