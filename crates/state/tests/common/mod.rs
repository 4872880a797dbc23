//! Shared helpers: deterministic load options, the reference helmfile, and
//! comparison of outputs with `<DIR>` standing for the project directory.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn testdata(rel: &str) -> PathBuf {
    repo_root().join("testdata/state").join(rel)
}

/// The shared seed project, when /work/shared is present.
pub fn seed_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seed");
    if dir.join("helmfile.yaml.gotmpl").is_file() {
        // The physical path: helmfile reports the directory it runs in as the
        // operating system gives it, with symbolic links resolved.
        dir.canonicalize().ok()
    } else {
        eprintln!("notice: ../shared/seed is absent; skipping");
        None
    }
}

fn clean(p: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::CurDir | std::path::Component::RootDir => {}
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    format!("/{}", parts.join("/"))
}

/// Absolute, cleaned path of a fixture directory.
pub fn abs(p: &Path) -> PathBuf {
    PathBuf::from(clean(
        &std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()),
    ))
}

/// Load options reading only `vars` from the environment.
pub fn options(dir: &Path, env: &str, vars: &[(&str, &str)]) -> state::LoadOptions {
    let vars: BTreeMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut opts = state::LoadOptions::new(dir);
    opts.environment = env.to_string();
    opts.env = Arc::new(move |name| vars.get(name).cloned());
    opts
}

pub fn reftools() -> Option<PathBuf> {
    let home = std::env::var_os("HOME")?;
    let bin = PathBuf::from(home).join(".cache/reftools/bin");
    if bin.join("helmfile").is_file() && bin.join("helm3-for-helmfile").is_file() {
        Some(bin)
    } else {
        eprintln!("notice: reference helmfile absent in ~/.cache/reftools/bin; skipping the live comparison");
        None
    }
}

/// Runs the reference helmfile; returns (status ok, stdout, stderr).
pub fn helmfile(
    dir: &Path,
    args: &[&str],
    vars: &[(&str, &str)],
) -> Option<(bool, String, String)> {
    let bin = reftools()?;
    let mut cmd = Command::new(bin.join("helmfile"));
    cmd.current_dir(dir)
        .arg("--helm-binary")
        .arg(bin.join("helm3-for-helmfile"))
        .args(args)
        .env_remove("SOPS_AGE_KEY")
        .env_remove("SOPS_AGE_KEY_FILE");
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.output().ok()?;
    Some((
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

/// helmfile's build output with `helmBinary:` as berth prints it and the
/// project directory replaced by `<DIR>`.
pub fn normalise(output: &str, dir: &Path) -> String {
    output
        .lines()
        .map(|l| {
            if l.starts_with("helmBinary: ") {
                "helmBinary: helm"
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        .replace(&dir.display().to_string(), "<DIR>")
        + if output.ends_with('\n') { "\n" } else { "" }
}

pub fn expected(rel: &str) -> String {
    let path = testdata(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
