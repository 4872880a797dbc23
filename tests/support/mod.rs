//! Shared helpers for the end-to-end tests: the berth binary, the reference
//! tools, helmfile's own output, and charts packaged as `helm package` lays
//! them out.

// Each test file is its own crate and uses only some of these helpers.
#![allow(dead_code)]

pub mod helmfile;
pub mod package;

use std::path::{Path, PathBuf};
use std::process::Command;

use helmfile::HelmfileHome;

/// The berth binary cargo built next to this test (`target/<profile>/berth`).
pub fn berth_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps/<test>");
    let bin = profile_dir.join(format!("berth{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} is missing: build it with `cargo build -p berth` (cargo test --workspace does)",
        bin.display()
    );
    bin
}

/// The repository's `testdata` directory.
pub fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata")
}

/// A reference tool installed by ../shared/tools/reference-tools.sh, if present.
pub fn reference_tool(name: &str) -> Option<PathBuf> {
    let home = std::env::var_os("HOME")?;
    let path = PathBuf::from(home).join(".cache/reftools/bin").join(name);
    path.is_file().then_some(path)
}

/// What the real `helmfile -e ENVIRONMENT template` (0.166, with its helm 3)
/// prints for a project, when the reference tools are installed.
pub fn helmfile_template(
    project: &Path,
    environment: &str,
    env: &[(&str, &str)],
) -> Option<String> {
    let helmfile = reference_tool("helmfile")?;
    let helm = reference_tool("helm3-for-helmfile")?;
    let home = HelmfileHome::new(&reference_tool("sops")?);
    // helmfile runs `helm dependency build` in local charts, which writes a
    // Chart.lock there: work on a copy.
    let copy = home.dir().join("project");
    copy_dir(project, &copy);
    let out = Command::new(helmfile)
        .current_dir(&copy)
        .arg("--helm-binary")
        .arg(helm)
        .args(["-e", environment, "template"])
        .envs(home.env())
        .envs(env.iter().copied())
        .output()
        .expect("helmfile runs");
    assert!(
        out.status.success(),
        "helmfile: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("copy dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("name"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy file");
        }
    }
}
