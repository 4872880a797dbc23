//! Shared helpers for the end-to-end tests: the berth binary, the reference
//! tools, helmfile's own output, and charts packaged as `helm package` lays
//! them out.

// Each test file is its own crate and uses only some of these helpers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

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

/// What the real `helmfile -e ENVIRONMENT template` (0.166, with its helm 3)
/// prints for a project, when the reference tools are installed. helmfile
/// decrypts secrets through the helm-secrets plugin, which cannot be installed
/// here; a stand-in plugin that calls the real sops takes its place.
pub fn helmfile_template(
    project: &Path,
    environment: &str,
    env: &[(&str, &str)],
) -> Option<String> {
    let helmfile = reference_tool("helmfile")?;
    let helm = reference_tool("helm3-for-helmfile")?;
    let sops = reference_tool("sops")?;
    let home = tempfile::tempdir().expect("temporary HOME");
    let plugin = home.path().join("plugins/secrets");
    std::fs::create_dir_all(&plugin).expect("plugin dir");
    std::fs::write(
        plugin.join("plugin.yaml"),
        "name: secrets\nversion: 4.6.0\nusage: test stand-in\ndescription: decrypts with the real sops\ncommand: \"$HELM_PLUGIN_DIR/run.sh\"\n",
    )
    .expect("plugin.yaml");
    let script = plugin.join("run.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\n[ \"$1\" = decrypt ] || exit 1\nexec \"$STANDIN_SOPS\" decrypt \"$2\"\n",
    )
    .expect("run.sh");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    // helmfile runs `helm dependency build` in local charts, which writes a
    // Chart.lock there: work on a copy.
    let copy = home.path().join("project");
    copy_dir(project, &copy);
    let out = Command::new(helmfile)
        .current_dir(&copy)
        .arg("--helm-binary")
        .arg(helm)
        .args(["-e", environment, "template"])
        .env("HOME", home.path())
        .env("HELM_PLUGINS", home.path().join("plugins"))
        .env("HELM_CONFIG_HOME", home.path().join("config"))
        .env("HELM_CACHE_HOME", home.path().join("cache"))
        .env("HELM_DATA_HOME", home.path().join("data"))
        .env("STANDIN_SOPS", sops)
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
