//! The README's first command, run as a user runs it: berth renders the bundled
//! example chart and must print exactly what helm 4.1.4 printed for it
//! (`testdata/example/expected.yaml`).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The berth binary cargo built next to this test (`target/<profile>/berth`).
fn berth_binary() -> PathBuf {
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

#[test]
fn bundled_example_renders_as_helm_does() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/example");
    let out = Command::new(berth_binary())
        .args(["template", "web"])
        .arg(example.join("web"))
        .arg("-f")
        .arg(example.join("production.yaml"))
        .args(["--namespace", "shop"])
        .output()
        .expect("berth runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected = std::fs::read_to_string(example.join("expected.yaml")).unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
}
