//! A Kubernetes API server for tests, faithful enough that the real kubectl and
//! helm work against it: discovery, OpenAPI v3, CRUD with resourceVersions,
//! server-side apply with managedFields, patches, watches, tables, CRDs and
//! simulated controllers, over TLS with a bearer token.
//!
//! ```no_run
//! let server = testserver::TestServer::start(testserver::Options::default()).expect("server starts");
//! server.write_kubeconfig(std::path::Path::new("/tmp/kubeconfig")).expect("kubeconfig written");
//! ```

mod api;
mod apply;
mod clock;
mod controllers;
mod defaults;
mod delete;
mod discovery;
mod fieldset;
mod kubeconfig;
mod managed;
mod names;
mod openapi;
mod patch;
mod protobuf;
mod read;
mod request;
mod resources;
mod schema;
mod seed;
mod selectors;
mod server;
mod status;
mod store;
mod table;
mod tls;
mod validation;
mod watch;
mod write;

pub use controllers::{DELAY_ANNOTATION, FAIL_ANNOTATION};

use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;

/// How to start a server.
#[derive(Clone, Debug)]
pub struct Options {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Bearer token clients must send; None generates one.
    pub token: Option<String>,
    /// How long simulated workloads take to become ready.
    pub ready_delay: Duration,
    /// How often watches that allow bookmarks receive one.
    pub bookmark_interval: Duration,
    /// How many past events a watch can resume from; older resourceVersions get 410 Gone.
    pub event_history: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            port: 0,
            token: None,
            ready_delay: Duration::from_millis(300),
            bookmark_interval: Duration::from_secs(5),
            event_history: 10_000,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("binding 127.0.0.1:{port}: {source}")]
    Bind { port: u16, source: std::io::Error },
    #[error(transparent)]
    Tls(#[from] tls::TlsError),
    #[error("starting the runtime: {0}")]
    Runtime(std::io::Error),
}

/// A running server; stops when dropped.
pub struct TestServer {
    url: String,
    port: u16,
    token: String,
    ca_pem: String,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TestServer {
    /// Starts a server on its own runtime thread.
    pub fn start(options: Options) -> Result<TestServer, StartError> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", options.port))
            .map_err(|source| StartError::Bind { port: options.port, source })?;
        let port = listener.local_addr().map_err(|source| StartError::Bind { port: options.port, source })?.port();
        listener
            .set_nonblocking(true)
            .map_err(|source| StartError::Bind { port, source })?;
        let tls = tls::generate()?;
        let token = options.token.clone().unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
        let api = api::Api::new(api::Settings {
            ready_delay: options.ready_delay,
            bookmark_interval: options.bookmark_interval,
            event_history: options.event_history,
            ca_pem: tls.ca_pem.clone(),
        });
        let address = format!("127.0.0.1:{port}");
        let log = std::env::var_os("BERTH_TESTSERVER_LOG").is_some();
        let shared = Arc::new(server::Shared { api, token: token.clone(), address, log });
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(StartError::Runtime)?;
        let (tx, rx) = oneshot::channel();
        let config = tls.config.clone();
        let thread = std::thread::spawn(move || {
            runtime.block_on(async move {
                if let Ok(listener) = tokio::net::TcpListener::from_std(listener) {
                    server::serve(listener, config, shared, rx).await;
                }
            });
        });
        Ok(TestServer {
            url: format!("https://127.0.0.1:{port}"),
            port,
            token,
            ca_pem: tls.ca_pem,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    /// The CA certificate that signed the serving certificate, PEM.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    pub fn kubeconfig_yaml(&self) -> String {
        kubeconfig::render(&self.url, &self.ca_pem, &self.token)
    }

    pub fn write_kubeconfig(&self, path: &std::path::Path) -> std::io::Result<()> {
        std::fs::write(path, self.kubeconfig_yaml())
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
