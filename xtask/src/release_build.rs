//! Builds the release berth binary that the corpus tasks run.

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
