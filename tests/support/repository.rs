//! A Helm chart repository for tests: `index.yaml` and archives served over
//! HTTP on a free loopback port from charts the test packaged.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use sha2::{Digest, Sha256};

/// The hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A chart repository: `index.yaml` and archives, served over HTTP on a free
/// loopback port until stopped or dropped.
pub struct ChartRepository {
    pub url: String,
    files: Arc<Mutex<BTreeMap<String, Vec<u8>>>>,
    stop: Arc<AtomicBool>,
    port: u16,
    worker: Option<JoinHandle<()>>,
}

/// One chart version to publish.
pub struct Published {
    pub name: String,
    pub version: String,
    pub archive: Vec<u8>,
}

impl ChartRepository {
    /// Serves the charts with an index whose digests match the archives.
    pub fn serve(charts: &[Published]) -> ChartRepository {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let port = listener.local_addr().expect("address").port();
        let files = Arc::new(Mutex::new(BTreeMap::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let worker = {
            let files = files.clone();
            let stop = stop.clone();
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    if let Ok(stream) = stream {
                        answer(stream, &files);
                    }
                }
            })
        };
        let repository = ChartRepository {
            url: format!("http://127.0.0.1:{port}"),
            files,
            stop,
            port,
            worker: Some(worker),
        };
        repository.publish(charts);
        repository
    }

    /// Replaces the served charts and index.
    pub fn publish(&self, charts: &[Published]) {
        let mut files = self.files.lock().expect("files");
        files.clear();
        let mut index = String::from("apiVersion: v1\nentries:\n");
        let mut names: Vec<&str> = charts.iter().map(|c| c.name.as_str()).collect();
        names.dedup();
        for name in names {
            index.push_str(&format!("  {name}:\n"));
            for chart in charts.iter().filter(|c| c.name == name) {
                let file = format!("{}-{}.tgz", chart.name, chart.version);
                index.push_str(&format!(
                    "  - apiVersion: v2\n    name: {}\n    version: {}\n    digest: {}\n    urls:\n    - {file}\n",
                    chart.name,
                    chart.version,
                    sha256_hex(&chart.archive)
                ));
                files.insert(format!("/{file}"), chart.archive.clone());
            }
        }
        index.push_str("generated: \"2026-11-24T00:00:00Z\"\n");
        files.insert("/index.yaml".to_string(), index.into_bytes());
    }

    /// Serves `bytes` at `path` (for tampering with an archive).
    pub fn replace(&self, path: &str, bytes: Vec<u8>) {
        self.files
            .lock()
            .expect("files")
            .insert(path.to_string(), bytes);
    }

    /// Stops serving: the port refuses connections afterwards.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

impl Drop for ChartRepository {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn answer(mut stream: TcpStream, files: &Mutex<BTreeMap<String, Vec<u8>>>) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) | Err(_) => break,
            Ok(_) if header == "\r\n" || header == "\n" => break,
            Ok(_) => {}
        }
    }
    let path = request_line.split_whitespace().nth(1).unwrap_or("/");
    let body = files.lock().expect("files").get(path).cloned();
    let _ = match body {
        Some(body) => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            stream
                .write_all(head.as_bytes())
                .and_then(|_| stream.write_all(&body))
        }
        None => stream
            .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
    };
}
