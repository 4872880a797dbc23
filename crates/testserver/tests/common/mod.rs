//! Shared test helpers: a running server, a private HOME for the reference
//! tools, and running kubectl/helm against the server.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use testserver::{Options, TestServer};

/// A reference tool from ~/.cache/reftools/bin, or None (the test then skips).
pub fn tool(name: &str) -> Option<PathBuf> {
    let home = std::env::var_os("HOME")?;
    let p = Path::new(&home).join(".cache/reftools/bin").join(name);
    p.exists().then_some(p)
}

/// The shared corpus directory, or None.
pub fn shared() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    p.exists().then_some(p)
}

/// A server plus a private home whose kubeconfig points at it.
pub struct Cluster {
    pub server: TestServer,
    pub home: tempfile::TempDir,
}

impl Cluster {
    pub fn start() -> Cluster {
        Cluster::start_with(Options::default())
    }

    pub fn start_with(options: Options) -> Cluster {
        let server = TestServer::start(options).expect("server starts");
        let home = tempfile::tempdir().expect("temp dir");
        server.write_kubeconfig(&home.path().join("kubeconfig")).expect("kubeconfig written");
        Cluster { server, home }
    }

    pub fn kubeconfig(&self) -> PathBuf {
        self.home.path().join("kubeconfig")
    }

    /// Runs a tool with HOME, XDG dirs and KUBECONFIG pointed at this cluster.
    pub fn run(&self, tool: &Path, args: &[&str], stdin: Option<&str>) -> Output {
        let home = self.home.path();
        let mut cmd = Command::new(tool);
        cmd.args(args)
            .env("HOME", home)
            .env("KUBECONFIG", self.kubeconfig())
            .env("XDG_CACHE_HOME", home.join(".cache"))
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("HELM_CACHE_HOME", home.join(".cache/helm"))
            .env("HELM_CONFIG_HOME", home.join(".config/helm"))
            .env("HELM_DATA_HOME", home.join(".local/share/helm"));
        match stdin {
            Some(text) => {
                use std::io::Write;
                cmd.stdin(std::process::Stdio::piped())
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped());
                let mut child = cmd.spawn().expect("tool runs");
                child
                    .stdin
                    .take()
                    .expect("stdin")
                    .write_all(text.as_bytes())
                    .expect("stdin written");
                child.wait_with_output().expect("tool finishes")
            }
            None => cmd.output().expect("tool runs"),
        }
    }

    /// Runs a tool and returns stdout, failing the test on a non-zero exit.
    pub fn ok(&self, tool: &Path, args: &[&str], stdin: Option<&str>) -> String {
        let out = self.run(tool, args, stdin);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{} {args:?} failed:\nstdout:\n{stdout}\nstderr:\n{stderr}", tool.display());
        stdout
    }

    /// Runs a tool that must fail; returns stderr.
    pub fn fails(&self, tool: &Path, args: &[&str], stdin: Option<&str>) -> String {
        let out = self.run(tool, args, stdin);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(!out.status.success(), "{} {args:?} succeeded unexpectedly:\n{stdout}", tool.display());
        stderr
    }
}

/// An HTTP client trusting the server's CA, with its token.
pub fn client(server: &TestServer) -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(server.ca_pem().as_bytes()).expect("CA parses");
    reqwest::Client::builder()
        .add_root_certificate(ca)
        .tls_built_in_root_certs(false)
        .build()
        .expect("client builds")
}
