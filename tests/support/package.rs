//! Charts packaged as `helm package` lays them out, from fixture directories.

use std::path::{Path, PathBuf};

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
