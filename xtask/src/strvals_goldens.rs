//! `strvals-goldens`: the expectations of berth's `--set` family of flags, from the
//! real helm 4 and helm 3.
//!
//! * `testdata/strvals/cases.json`: every case's flags (with an optional `-f`
//!   file and files for `--set-file`) are given to `helm template` on the probe
//!   chart `testdata/strvals/probe`, which prints the values it receives as
//!   base64 of `toJson` and of one `PATH GO-TYPE` line per value; the decoded
//!   pair, or helm's error after `Error: `, is stored as `helm4` and `helm3`.
//! * `testdata/strvals/chart.args`: one argument per line for `helm template`,
//!   run in `testdata/strvals`; its output is stored as `chart.helm4.yaml` and
//!   (with the same arguments) `chart.helm3.yaml`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

use crate::base64;

/// Regenerates every expectation with the helms in `reftools`.
pub fn run(root: &Path, reftools: &Path) -> Result<(), String> {
    let dir = root.join("testdata/strvals");
    let cases_path = dir.join("cases.json");
    let text = fs::read_to_string(&cases_path)
        .map_err(|e| format!("cannot read {}: {e}", cases_path.display()))?;
    let cases: Vec<Value> = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not a JSON list: {e}", cases_path.display()))?;
    let work = std::env::temp_dir().join(format!("berth-strvals-{}", std::process::id()));
    let mut out = Vec::new();
    for (n, case) in cases.iter().enumerate() {
        let case_dir = work.join(n.to_string());
        let mut fresh = case.clone();
        for helm in ["helm4", "helm3"] {
            let result = probe(&dir.join("probe"), &reftools.join(helm), case, &case_dir)?;
            fresh[helm] = result;
        }
        out.push(fresh);
    }
    let _ = fs::remove_dir_all(&work);
    fs::write(&cases_path, render_cases(&out)?)
        .map_err(|e| format!("cannot write {}: {e}", cases_path.display()))?;
    eprintln!("wrote {} cases to {}", out.len(), cases_path.display());

    let args_text = fs::read_to_string(dir.join("chart.args"))
        .map_err(|e| format!("cannot read chart.args: {e}"))?;
    let args: Vec<&str> = args_text.lines().filter(|l| !l.is_empty()).collect();
    for helm in ["helm4", "helm3"] {
        let output = Command::new(reftools.join(helm))
            .arg("template")
            .args(&args)
            .current_dir(&dir)
            .output()
            .map_err(|e| format!("cannot run {helm}: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "{helm} failed on chart.args: {}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        let file = dir.join(format!("chart.{helm}.yaml"));
        fs::write(&file, &output.stdout)
            .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
        eprintln!("wrote {}", file.display());
    }
    Ok(())
}

/// Runs one helm on one case; `{"json", "types"}` or `{"error"}`.
fn probe(chart: &Path, helm: &Path, case: &Value, dir: &PathBuf) -> Result<Value, String> {
    let name = case["name"].as_str().unwrap_or("?");
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut cmd = Command::new(helm);
    cmd.args(["template", "rel"]).arg(chart).current_dir(dir);
    if let Some(yaml) = case["values_yaml"].as_str() {
        fs::write(dir.join("values.yaml"), yaml).map_err(|e| e.to_string())?;
        cmd.args(["-f", "values.yaml"]);
    }
    if let Some(files) = case["files"].as_object() {
        for (file, content) in files {
            fs::write(dir.join(file), content.as_str().unwrap_or_default())
                .map_err(|e| e.to_string())?;
        }
    }
    for flag in case["flags"].as_array().into_iter().flatten() {
        let pair = flag.as_array().filter(|p| p.len() == 2);
        let (Some(f), Some(v)) = (
            pair.and_then(|p| p[0].as_str()),
            pair.and_then(|p| p[1].as_str()),
        ) else {
            return Err(format!(
                "case {name}: a flag must be [\"--set...\", \"line\"]"
            ));
        };
        cmd.arg(format!("{f}={v}"));
    }
    let output = cmd
        .output()
        .map_err(|e| format!("cannot run {}: {e}", helm.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let message = stderr
            .strip_prefix("Error: ")
            .ok_or_else(|| format!("case {name}: unexpected helm failure: {stderr}"))?;
        let message = message.strip_suffix('\n').unwrap_or(message);
        return Ok(json!({ "error": message }));
    }
    let field = |label: &str| -> Result<String, String> {
        let line = stdout
            .lines()
            .find_map(|l| l.strip_prefix(label))
            .ok_or_else(|| format!("case {name}: no `{label}` line in helm's output"))?;
        let bytes = base64::decode(line.trim())?;
        String::from_utf8(bytes).map_err(|e| format!("case {name}: {e}"))
    };
    Ok(json!({ "json": field("# json:")?, "types": field("# types:")? }))
}

/// The cases, one object per case with its fields in a fixed, readable order.
fn render_cases(cases: &[Value]) -> Result<String, String> {
    let mut text = String::from("[\n");
    for (n, case) in cases.iter().enumerate() {
        text.push_str("  {\n");
        let fields: Vec<String> = ["name", "values_yaml", "files", "flags", "helm4", "helm3"]
            .iter()
            .filter(|k| !case[**k].is_null())
            .map(|k| {
                serde_json::to_string(&case[*k])
                    .map(|v| format!("    \"{k}\": {v}"))
                    .map_err(|e| e.to_string())
            })
            .collect::<Result<_, _>>()?;
        text.push_str(&fields.join(",\n"));
        text.push_str(if n + 1 == cases.len() {
            "\n  }\n"
        } else {
            "\n  },\n"
        });
    }
    text.push_str("]\n");
    Ok(text)
}
