//! `schema-goldens`: what the real helm 4 and helm 3 say about the values cases in
//! `testdata/schema/cases.json` (each a fixture chart under
//! `testdata/schema/charts` and a values file). Each case gets `helm4` and `helm3`:
//! `"ok"` when `helm template` succeeds, otherwise helm's error without the
//! leading `Error: `. Helm 4 iterates Go maps while validating, so a case is run
//! twice and marked `"unstable": true` when the two answers differ.

use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// Regenerates `testdata/schema/cases.json` with the helms in `reftools`.
pub fn run(root: &Path, reftools: &Path) -> Result<(), String> {
    let dir = root.join("testdata/schema");
    let path = dir.join("cases.json");
    let text =
        fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut cases: Vec<Value> = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not a JSON list: {e}", path.display()))?;
    let values = std::env::temp_dir().join(format!("berth-schema-{}.yaml", std::process::id()));
    for case in &mut cases {
        let chart = case["chart"]
            .as_str()
            .ok_or("a case has no chart")?
            .to_string();
        let yaml = case["values"].as_str().unwrap_or_default().to_string();
        fs::write(&values, yaml).map_err(|e| format!("cannot write {}: {e}", values.display()))?;
        let chart_dir = dir.join("charts").join(&chart);
        let first = answer(&reftools.join("helm4"), &chart_dir, &values)?;
        let second = answer(&reftools.join("helm4"), &chart_dir, &values)?;
        let unstable = first != second;
        case["helm4"] = Value::String(first);
        case["helm3"] = Value::String(answer(&reftools.join("helm3"), &chart_dir, &values)?);
        match case.as_object_mut() {
            Some(obj) if unstable => {
                obj.insert("unstable".into(), Value::Bool(true));
            }
            Some(obj) => {
                obj.remove("unstable");
            }
            None => return Err("a case is not an object".into()),
        }
    }
    let _ = fs::remove_file(&values);
    let out = serde_json::to_string_pretty(&cases).map_err(|e| e.to_string())?;
    fs::write(&path, out + "\n").map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    eprintln!("wrote {} cases to {}", cases.len(), path.display());
    Ok(())
}

fn answer(helm: &Path, chart: &Path, values: &Path) -> Result<String, String> {
    let out = Command::new(helm)
        .arg("template")
        .arg("release")
        .arg(chart)
        .arg("-f")
        .arg(values)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", helm.display()))?;
    if out.status.success() {
        return Ok("ok".into());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    Ok(stderr
        .strip_prefix("Error: ")
        .unwrap_or(&stderr)
        .to_string())
}
