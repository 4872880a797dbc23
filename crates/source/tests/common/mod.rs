//! Test helpers: chart archives packaged from the fixtures in
//! testdata/source, and a small HTTP server on 127.0.0.1 driven by a handler.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use sha2::{Digest, Sha256};

pub mod registry;

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/source")
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Packages fixture chart `name` as a .tgz with its `version:` set to `version`.
pub fn package(name: &str, version: &str) -> Vec<u8> {
    let dir = fixtures().join(name);
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut builder = tar::Builder::new(gz);
    let mut files = Vec::new();
    collect(&dir, &dir, &mut files);
    files.sort();
    for rel in files {
        let mut data = std::fs::read(dir.join(&rel)).unwrap();
        if rel == "Chart.yaml" {
            let text = String::from_utf8(data).unwrap();
            data = text
                .lines()
                .map(|l| {
                    if l.starts_with("version:") {
                        format!("version: {version}")
                    } else {
                        l.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join("\n")
                .into_bytes();
            data.push(b'\n');
        }
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_cksum();
        builder
            .append_data(&mut header, format!("{name}/{rel}"), data.as_slice())
            .unwrap();
    }
    builder.into_inner().unwrap().finish().unwrap()
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(root, &path, out);
        } else {
            out.push(
                path.strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
            );
        }
    }
}

/// The Chart.yaml inside an archive.
pub fn chart_yaml_of(archive: &[u8]) -> String {
    let mut a = tar::Archive::new(flate2::read::GzDecoder::new(archive));
    for entry in a.entries().unwrap() {
        let mut entry = entry.unwrap();
        if entry
            .path()
            .unwrap()
            .to_string_lossy()
            .ends_with("/Chart.yaml")
        {
            let mut s = String::new();
            entry.read_to_string(&mut s).unwrap();
            return s;
        }
    }
    panic!("no Chart.yaml");
}

/// A request the server received.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn ok(body: impl Into<Vec<u8>>) -> Response {
        Response {
            status: 200,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    pub fn status(status: u16) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
}

type Handler = dyn Fn(&Request) -> Response + Send + Sync;

/// An HTTP/1.1 server on 127.0.0.1 (one request per connection) that logs requests.
pub struct Server {
    pub port: u16,
    pub log: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    pub fn start(handler: impl Fn(&Request) -> Response + Send + Sync + 'static) -> Server {
        Server::start_with(None, handler)
    }

    /// An HTTPS server with this TLS configuration.
    pub fn start_tls(
        config: Arc<rustls::ServerConfig>,
        handler: impl Fn(&Request) -> Response + Send + Sync + 'static,
    ) -> Server {
        Server::start_with(Some(config), handler)
    }

    fn start_with(
        tls: Option<Arc<rustls::ServerConfig>>,
        handler: impl Fn(&Request) -> Response + Send + Sync + 'static,
    ) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let (log2, stop2) = (log.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (handler, log, tls) = (handler.clone(), log2.clone(), tls.clone());
                std::thread::spawn(move || match tls {
                    None => serve(stream, &*handler, &log),
                    Some(config) => {
                        let Ok(connection) = rustls::ServerConnection::new(config) else {
                            return;
                        };
                        serve(
                            rustls::StreamOwned::new(connection, stream),
                            &*handler,
                            &log,
                        )
                    }
                });
            }
        });
        Server {
            port,
            log,
            stop,
            thread: Some(thread),
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.log.lock().unwrap().clone()
    }

    pub fn paths(&self) -> Vec<String> {
        self.requests().into_iter().map(|r| r.path).collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve<S: Read + Write>(stream: S, handler: &Handler, log: &Mutex<Vec<Request>>) {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let path = parts.next().unwrap_or("").to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.trim_end().split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let length: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    let request = Request {
        method,
        path,
        headers,
        body,
    };
    log.lock().unwrap().push(request.clone());
    let response = handler(&request);
    let mut out = format!(
        "HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n",
        response.status,
        response.body.len()
    );
    for (k, v) in &response.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    let mut stream = reader.into_inner();
    let _ = stream.write_all(out.as_bytes());
    let _ = stream.write_all(&response.body);
    let _ = stream.flush();
}

/// index.yaml for `(name, version, archive)` entries with URLs relative to the index.
pub fn index_yaml(charts: &[(&str, &str, &[u8])], with_digest: bool) -> String {
    let mut out = String::from("apiVersion: v1\nentries:\n");
    let mut names: Vec<&str> = charts.iter().map(|c| c.0).collect();
    names.dedup();
    for name in names {
        out.push_str(&format!("  {name}:\n"));
        for (n, version, bytes) in charts.iter().filter(|c| c.0 == name) {
            out.push_str(&format!(
                "  - name: {n}\n    version: {version}\n    apiVersion: v2\n"
            ));
            if with_digest {
                out.push_str(&format!("    digest: {}\n", sha256_hex(bytes)));
            }
            out.push_str(&format!("    urls:\n    - charts/{n}-{version}.tgz\n"));
        }
    }
    out
}

/// A repository serving the `alpha` fixture at `versions` (index.yaml, with
/// digests when `with_digest`, and `charts/alpha-<version>.tgz`); returns the
/// server and each version's archive.
pub fn alpha_repository(versions: &[&str], with_digest: bool) -> (Server, Vec<(String, Vec<u8>)>) {
    let archives: Vec<(String, Vec<u8>)> = versions
        .iter()
        .map(|v| (v.to_string(), package("alpha", v)))
        .collect();
    let entries: Vec<(&str, &str, &[u8])> = archives
        .iter()
        .map(|(v, b)| ("alpha", v.as_str(), b.as_slice()))
        .collect();
    let index = index_yaml(&entries, with_digest);
    let files = archives.clone();
    let server = Server::start(move |req| {
        if req.path == "/index.yaml" {
            return Response::ok(index.clone());
        }
        match files
            .iter()
            .find(|(v, _)| req.path == format!("/charts/alpha-{v}.tgz"))
        {
            Some((_, bytes)) => Response::ok(bytes.clone()),
            None => Response::status(404),
        }
    });
    (server, archives)
}
