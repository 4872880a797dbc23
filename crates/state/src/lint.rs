//! Lint warnings helmfile itself does not give: files under
//! `environments/<env>/values` and `environments/<env>/secrets` that no
//! release (and no environment) uses, which usually means a typo in a path.

use std::path::{Path, PathBuf};

use goyaml::Value as Yaml;

use crate::State;

pub(crate) fn unused_files(state: &State) -> Vec<String> {
    let mut used: Vec<PathBuf> = state.used_files.clone();
    for file in &state.files {
        for r in &file.releases {
            let prefix = r.spec.str("valuesPathPrefix").to_string();
            for entry in r
                .spec
                .anys("values")
                .into_iter()
                .chain(r.spec.anys("secrets"))
            {
                if let Yaml::String(s) = entry {
                    used.extend(crate::glob::glob(&file.dir().join(format!("{prefix}{s}"))));
                }
            }
        }
    }
    let used: Vec<PathBuf> = used.iter().map(|p| normalize(p)).collect();
    let mut warnings = Vec::new();
    let mut dirs: Vec<PathBuf> = state.files.iter().map(|f| f.dir().to_path_buf()).collect();
    dirs.dedup();
    for dir in dirs {
        for kind in ["values", "secrets"] {
            let sub = dir.join("environments").join(&state.environment).join(kind);
            let Ok(entries) = std::fs::read_dir(&sub) else {
                continue;
            };
            let mut names: Vec<String> = entries
                .filter_map(|e| e.ok())
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| !n.starts_with('.'))
                .collect();
            names.sort();
            for name in names {
                let path = normalize(&sub.join(&name));
                if !used.contains(&path) {
                    let rel = path.strip_prefix(&dir).unwrap_or(&path);
                    warnings.push(format!("{} is never used by any release", rel.display()));
                }
            }
        }
    }
    warnings
}

fn normalize(p: &Path) -> PathBuf {
    PathBuf::from(crate::tmpl::go_clean(&p.to_string_lossy()))
}
