//! Builds the release berth binaries the corpus tasks run: the host build, and
//! the static musl build that users run, which the benchmark measures.

use std::path::{Path, PathBuf};
use std::process::Command;

/// `cargo build --release -p berth`; returns the binary's path.
pub fn build_berth(root: &Path) -> Result<PathBuf, String> {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--release", "--quiet", "-p", "berth"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("building berth failed".into());
    }
    Ok(root.join("target/release/berth"))
}

/// The musl target of the static release binary.
const STATIC_TARGET: &str = "x86_64-unknown-linux-musl";

/// `cargo build --release -p berth --target x86_64-unknown-linux-musl`: the
/// static binary's path, or `None` (with a notice) where that target cannot
/// be built, for want of its standard library or a musl C compiler.
pub fn build_static_berth(root: &Path) -> Result<Option<PathBuf>, String> {
    let output = Command::new(env!("CARGO"))
        .args(["build", "--release", "--quiet", "-p", "berth", "--target"])
        .arg(STATIC_TARGET)
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !output.status.success() {
        let why = String::from_utf8_lossy(&output.stderr);
        let first = why.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        println!(
            "notice: the static {STATIC_TARGET} build failed ({first}); measuring the host build"
        );
        return Ok(None);
    }
    Ok(Some(
        root.join("target")
            .join(STATIC_TARGET)
            .join("release/berth"),
    ))
}
