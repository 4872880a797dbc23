//! Shared helpers for the end-to-end tests: the berth binary, the reference
//! tools, and charts packaged as `helm package` lays them out.

use std::path::{Path, PathBuf};

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

/// A chart directory packaged as `helm package` lays it out (`<name>/...` in a
/// gzipped tar), with `version:` in Chart.yaml replaced by `version`.
pub fn package_chart(dir: &Path, name: &str, version: &str) -> Vec<u8> {
    let mut tar = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::default(),
    ));
    let mut files = Vec::new();
    collect_files(dir, dir, &mut files);
    files.sort();
    for (relative, path) in files {
        let mut data = std::fs::read(&path).expect("fixture file");
        if relative == "Chart.yaml" {
            let text = String::from_utf8(data).expect("Chart.yaml is UTF-8");
            let rewritten: Vec<String> = text
                .lines()
                .map(|l| {
                    if l.starts_with("version:") {
                        format!("version: {version}")
                    } else {
                        l.to_string()
                    }
                })
                .collect();
            data = (rewritten.join("\n") + "\n").into_bytes();
        }
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, format!("{name}/{relative}"), data.as_slice())
            .expect("tar entry");
    }
    tar.into_inner()
        .and_then(|gz| gz.finish())
        .expect("archive")
}

fn collect_files(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    for entry in std::fs::read_dir(dir).expect("fixture dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            collect_files(root, &path, out);
        } else {
            let relative = path.strip_prefix(root).expect("inside root");
            out.push((relative.to_string_lossy().replace('\\', "/"), path));
        }
    }
}
