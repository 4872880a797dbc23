//! The `berth-testserver` binary: starts, writes a kubeconfig, serves kubectl.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn binary_serves_until_killed_and_writes_a_kubeconfig() {
    let dir = tempfile::tempdir().expect("temp dir");
    let kubeconfig = dir.path().join("kubeconfig");
    let mut child = Command::new(env!("CARGO_BIN_EXE_berth-testserver"))
        .args(["--port", "0", "--token", "fixed-token", "--kubeconfig"])
        .arg(&kubeconfig)
        .stdout(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("first line");
    assert!(line.starts_with("berth-testserver listening on https://127.0.0.1:"), "{line}");
    let text = std::fs::read_to_string(&kubeconfig).expect("kubeconfig written");
    assert!(text.contains("token: fixed-token"), "{text}");
    assert!(text.contains("certificate-authority-data: "), "{text}");
    if let Some(k) = common::tool("kubectl") {
        let out = Command::new(k)
            .args(["get", "namespace", "default", "-o", "name"])
            .env("KUBECONFIG", &kubeconfig)
            .env("HOME", dir.path())
            .output()
            .expect("kubectl runs");
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "namespace/default", "{}", String::from_utf8_lossy(&out.stderr));
    } else {
        eprintln!("kubectl not found: checked the kubeconfig only");
    }
    child.kill().expect("server stops");
    let _ = child.wait();
}
