//! HTTP transport: one reqwest client per TLS configuration (custom CA, client
//! certificate, skipped verification), and every request retried with
//! exponential backoff on connection errors and 5xx answers.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use reqwest::blocking::Client;
use reqwest::header::HeaderMap;
use reqwest::Method;

use crate::error::SourceError;
use crate::options::Repository;

/// The TLS side of a repository's settings: requests sharing it share a client.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct TlsSettings {
    ca_file: Option<PathBuf>,
    cert_file: Option<PathBuf>,
    key_file: Option<PathBuf>,
    insecure: bool,
}

impl TlsSettings {
    pub(crate) fn of(repo: Option<&Repository>) -> TlsSettings {
        match repo {
            Some(r) => TlsSettings {
                ca_file: r.ca_file.clone(),
                cert_file: r.cert_file.clone(),
                key_file: r.key_file.clone(),
                insecure: r.insecure_skip_tls_verify,
            },
            None => TlsSettings::default(),
        }
    }
}

/// Authentication to attach to a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Auth {
    None,
    Basic { username: String, password: String },
    Bearer(String),
}

/// One request; the body is kept so the request can be retried.
pub(crate) struct Request<'a> {
    pub method: Method,
    pub url: &'a str,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<Vec<u8>>,
    pub auth: Auth,
}

impl<'a> Request<'a> {
    pub(crate) fn get(url: &'a str) -> Request<'a> {
        Request {
            method: Method::GET,
            url,
            headers: Vec::new(),
            body: None,
            auth: Auth::None,
        }
    }

    pub(crate) fn header(mut self, name: &'static str, value: impl Into<String>) -> Request<'a> {
        self.headers.push((name, value.into()));
        self
    }

    pub(crate) fn auth(mut self, auth: Auth) -> Request<'a> {
        self.auth = auth;
        self
    }
}

/// A complete answer.
pub(crate) struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// The URL after redirects.
    pub url: String,
}

impl Reply {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub(crate) fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

pub(crate) struct Transport {
    /// Clients by TLS settings and whether they only speak plain HTTP.
    clients: Mutex<HashMap<(TlsSettings, bool), Client>>,
    retries: u32,
    delay: Duration,
}

impl Transport {
    pub(crate) fn new(retries: u32, delay: Duration) -> Transport {
        Transport {
            clients: Mutex::new(HashMap::new()),
            retries,
            delay,
        }
    }

    fn client(&self, tls: &TlsSettings, url: &str) -> Result<Client, SourceError> {
        // A plain-HTTP client skips loading the system's root certificates,
        // which costs more than a request to a repository on the same host.
        let plain = url.starts_with("http://");
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        let key = (tls.clone(), plain);
        if let Some(c) = clients.get(&key) {
            return Ok(c.clone());
        }
        let client = build_client(tls, url, plain)?;
        clients.insert(key, client.clone());
        Ok(client)
    }

    /// Sends `req`, retrying connection failures and 5xx/429 answers. A
    /// connection that never succeeds is `Unreachable` naming `repo`.
    pub(crate) fn send(
        &self,
        tls: &TlsSettings,
        req: &Request,
        repo: &str,
    ) -> Result<Reply, SourceError> {
        let client = self.client(tls, repo)?;
        let mut attempt = 0;
        loop {
            let mut builder = client.request(req.method.clone(), req.url);
            for (name, value) in &req.headers {
                builder = builder.header(*name, value);
            }
            builder = match &req.auth {
                Auth::None => builder,
                Auth::Basic { username, password } => builder.basic_auth(username, Some(password)),
                Auth::Bearer(token) => builder.bearer_auth(token),
            };
            if let Some(body) = &req.body {
                builder = builder.body(body.clone());
            }
            let retryable = match builder.send() {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let headers = response.headers().clone();
                    let url = response.url().to_string();
                    match response.bytes() {
                        Ok(body) if (status < 500 && status != 429) || attempt >= self.retries => {
                            return Ok(Reply {
                                status,
                                headers,
                                body: body.to_vec(),
                                url,
                            })
                        }
                        Ok(_) => format!("HTTP {status}"),
                        Err(e) => describe(&e),
                    }
                }
                Err(e) => describe(&e),
            };
            if attempt >= self.retries {
                return Err(SourceError::Unreachable {
                    url: repo.to_string(),
                    reason: format!("{retryable} (after {} attempts)", attempt + 1),
                });
            }
            std::thread::sleep(self.delay * 2u32.saturating_pow(attempt));
            attempt += 1;
        }
    }
}

/// The error and its causes, which name the real failure ("Connection refused").
fn describe(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

fn read(path: &PathBuf, url: &str) -> Result<Vec<u8>, SourceError> {
    std::fs::read(path).map_err(|e| SourceError::Tls {
        url: url.to_string(),
        reason: format!("{}: {e}", path.display()),
    })
}

fn build_client(tls: &TlsSettings, url: &str, plain: bool) -> Result<Client, SourceError> {
    let tls_error = |reason: String| SourceError::Tls {
        url: url.to_string(),
        reason,
    };
    let mut builder = Client::builder()
        .user_agent(concat!("berth/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(30))
        .timeout(Duration::from_secs(300))
        .use_rustls_tls()
        .tls_built_in_root_certs(!plain);
    if let Some(ca) = &tls.ca_file {
        let pem = read(ca, url)?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem)
            .map_err(|e| tls_error(format!("{}: {e}", ca.display())))?;
        if certs.is_empty() {
            return Err(tls_error(format!("{}: no PEM certificate", ca.display())));
        }
        for cert in certs {
            builder = builder.add_root_certificate(cert);
        }
    }
    match (&tls.cert_file, &tls.key_file) {
        (Some(cert), Some(key)) => {
            let mut pem = read(cert, url)?;
            pem.push(b'\n');
            pem.extend(read(key, url)?);
            let identity = reqwest::Identity::from_pem(&pem)
                .map_err(|e| tls_error(format!("{} and {}: {e}", cert.display(), key.display())))?;
            builder = builder.identity(identity);
        }
        (None, None) => {}
        _ => {
            return Err(tls_error(
                "a client certificate needs both certFile and keyFile".into(),
            ))
        }
    }
    if tls.insecure {
        builder = builder.danger_accept_invalid_certs(true);
    }
    builder.build().map_err(|e| tls_error(describe(&e)))
}
