//! `coalesce-goldens`: renders `testdata/chart/coalesce/parent` with its user values
//! through helm 4 and helm 3 and stores, per chart, the `.Values` the templates saw
//! (each template prints `KEY: <base64 of toJson .Values>`), as the expectations of
//! berth's values coalescing.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

use crate::base64;

/// Writes `expected-helm4.json` and `expected-helm3.json` next to the fixture.
pub fn write_goldens(root: &Path, reftools: &Path) -> Result<(), String> {
    let fixture = root.join("testdata/chart/coalesce");
    for (helm, file) in [
        ("helm4", "expected-helm4.json"),
        ("helm3", "expected-helm3.json"),
    ] {
        let output = Command::new(reftools.join(helm))
            .args(["template", "rel"])
            .arg(fixture.join("parent"))
            .arg("-f")
            .arg(fixture.join("user-values.yaml"))
            .output()
            .map_err(|e| format!("cannot run {helm}: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "{helm} failed: {}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        let mut values = BTreeMap::new();
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let Some((key, payload)) = line.split_once(": ") else {
                continue;
            };
            if !key.to_ascii_lowercase().ends_with("values") {
                continue;
            }
            let json = base64::decode(payload.trim())?;
            let parsed: serde_json::Value = serde_json::from_slice(&json)
                .map_err(|e| format!("{helm} printed bad JSON for {key}: {e}"))?;
            values.insert(key.to_string(), parsed);
        }
        let text = serde_json::to_string_pretty(&values).map_err(|e| e.to_string())? + "\n";
        fs::write(fixture.join(file), text).map_err(|e| format!("cannot write {file}: {e}"))?;
        eprintln!("wrote {}", fixture.join(file).display());
    }
    Ok(())
}
