//! `cargo xtask goyaml-goldens [--helm PATH] [--helm3 PATH] [--jobs N] [--corpus DIR]`:
//! renders every case of `testdata/goyaml/cases/*.txt` through the real helm 4
//! (and helm 3 for values loading) and writes `testdata/goyaml/expected.json`;
//! then renders `toYaml` of every corpus values file (`values.yaml` and
//! `ci/*.yaml` under `DIR`, default `../shared/corpus/charts`) and writes
//! their SHA-256 to `testdata/goyaml/corpus.json` (the charts are not copied).
//!
//! Per case, two throwaway charts:
//! * `v`: `values.yaml` is the input; the template prints `.Values | toJson`
//!   (or helm fails loading the values: the error is kept);
//! * `f`: `in.txt` is the input; the template prints `fromYaml` and
//!   `fromYamlArray` results through `toJson`, `toYaml`, `toYamlPretty` and `toToml`
//!   (`fromJson`/`fromJsonArray` for `json` cases).
//!
//! Every printed value is base64 on its own `key: payload` line, so helm's
//! post-processing cannot alter it.

#[path = "../../crates/goyaml/tests/support/cases.rs"]
mod cases;
#[path = "../../crates/goyaml/tests/support/sha256.rs"]
mod sha256;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{json, Value};

use crate::base64;
use crate::pool;

const USAGE: &str =
    "usage: cargo xtask goyaml-goldens [--helm PATH] [--helm3 PATH] [--jobs N] [--corpus DIR]";

const CHART_YAML: &str = "apiVersion: v2\nname: c\nversion: 0.1.0\n";

const VALUES_TEMPLATE: &str =
    "j: {{ .Values | toJson | b64enc }}\ny: {{ .Values | toYaml | b64enc }}\n";

const FROM_YAML_TEMPLATE: &str =
    "{{- $m := .Files.Get \"in.txt\" | fromYaml }}{{ $a := .Files.Get \"in.txt\" | fromYamlArray }}
fy: {{ $m | toJson | b64enc }}
ty: {{ $m | toYaml | b64enc }}
tp: {{ $m | toYamlPretty | b64enc }}
fa: {{ $a | toJson | b64enc }}
ta: {{ $a | toYaml | b64enc }}
tap: {{ $a | toYamlPretty | b64enc }}
tt: {{ $m | toToml | b64enc }}
tta: {{ $a | toToml | b64enc }}
";

const FROM_JSON_TEMPLATE: &str =
    "{{- $m := .Files.Get \"in.txt\" | fromJson }}{{ $a := .Files.Get \"in.txt\" | fromJsonArray }}
fj: {{ $m | toJson | b64enc }}
ty: {{ $m | toYaml | b64enc }}
fja: {{ $a | toJson | b64enc }}
";

struct Options {
    helm: PathBuf,
    helm3: PathBuf,
    jobs: usize,
    corpus: PathBuf,
}

fn parse_options(args: &[String], root: &Path) -> Result<Options, String> {
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    let mut opts = Options {
        helm: home.join(".cache/reftools/bin/helm4"),
        helm3: home.join(".cache/reftools/bin/helm3"),
        jobs: 2,
        corpus: root.join("../shared/corpus/charts"),
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{arg} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--helm" => opts.helm = PathBuf::from(value()?),
            "--helm3" => opts.helm3 = PathBuf::from(value()?),
            "--corpus" => opts.corpus = PathBuf::from(value()?),
            "--jobs" => {
                opts.jobs = value()?
                    .parse()
                    .map_err(|_| "--jobs needs a number".to_string())?
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    Ok(opts)
}

/// What one helm run printed: the decoded `key: payload` lines, or helm's error.
enum Outcome {
    Lines(BTreeMap<String, String>),
    Error(String),
}

fn run_helm(helm: &Path, chart: &Path) -> Result<Outcome, String> {
    let work = chart.parent().unwrap_or(chart);
    let home = work.join("helm-home");
    let out = Command::new(helm)
        .arg("template")
        .arg("rel")
        .arg(chart)
        .env("HELM_CACHE_HOME", home.join("cache"))
        .env("HELM_CONFIG_HOME", home.join("config"))
        .env("HELM_DATA_HOME", home.join("data"))
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", helm.display()))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let body = stderr
            .find("Error: ")
            .map(|i| &stderr[i + "Error: ".len()..])
            .ok_or_else(|| format!("helm failed without an `Error: ` line:\n{stderr}"))?;
        let body = body.strip_suffix('\n').unwrap_or(body);
        let body = body
            .strip_suffix("\n\nUse --debug flag to render out invalid YAML")
            .unwrap_or(body);
        return Ok(Outcome::Error(body.to_string()));
    }
    let stdout =
        String::from_utf8(out.stdout).map_err(|_| "helm's stdout is not UTF-8".to_string())?;
    let mut lines = BTreeMap::new();
    for line in stdout.lines() {
        if line.starts_with('#') || line == "---" || line.is_empty() {
            continue;
        }
        let (key, payload) = line
            .split_once(':')
            .ok_or_else(|| format!("unexpected line {line:?}"))?;
        let bytes = base64::decode(payload.trim())?;
        let text = String::from_utf8(bytes).map_err(|_| format!("{key}: not UTF-8"))?;
        lines.insert(key.to_string(), text);
    }
    Ok(Outcome::Lines(lines))
}

fn write_chart(dir: &Path, files: &[(&str, &str)]) -> Result<(), String> {
    fs::create_dir_all(dir.join("templates")).map_err(|e| e.to_string())?;
    fs::write(dir.join("Chart.yaml"), CHART_YAML).map_err(|e| e.to_string())?;
    for (name, text) in files {
        fs::write(dir.join(name), text).map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn outcome_json(o: Outcome) -> Value {
    match o {
        Outcome::Lines(lines) => json!(lines),
        Outcome::Error(e) => json!({ "error": e }),
    }
}

fn render_case(
    opts: &Options,
    tmp: &Path,
    index: usize,
    case: &cases::Case,
) -> Result<Value, String> {
    let work = tmp.join(format!("{index:04}"));
    let _ = fs::remove_dir_all(&work);
    let mut result = serde_json::Map::new();
    if !case.json {
        let v = work.join("v");
        write_chart(
            &v,
            &[
                ("values.yaml", &case.input),
                ("templates/out.yaml", VALUES_TEMPLATE),
            ],
        )?;
        result.insert("values4".into(), outcome_json(run_helm(&opts.helm, &v)?));
        result.insert("values3".into(), outcome_json(run_helm(&opts.helm3, &v)?));
    }
    let f = work.join("f");
    let template = if case.json {
        FROM_JSON_TEMPLATE
    } else {
        FROM_YAML_TEMPLATE
    };
    write_chart(
        &f,
        &[("in.txt", &case.input), ("templates/out.yaml", template)],
    )?;
    result.insert("from".into(), outcome_json(run_helm(&opts.helm, &f)?));
    let _ = fs::remove_dir_all(&work);
    Ok(Value::Object(result))
}

fn helm_version(helm: &Path) -> Result<String, String> {
    let out = Command::new(helm)
        .args(["version", "--template", "{{.Version}}"])
        .output()
        .map_err(|e| format!("cannot run {}: {e}", helm.display()))?;
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Every `values.yaml` and `ci/*.yaml` under `dir`, relative and sorted.
pub fn corpus_values_files(dir: &Path) -> Vec<String> {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, base, out);
                continue;
            }
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let in_ci = p
                .parent()
                .and_then(|d| d.file_name())
                .is_some_and(|d| d == "ci");
            if name == "values.yaml" || (in_ci && name.ends_with(".yaml")) {
                if let Ok(rel) = p.strip_prefix(base) {
                    out.push(rel.to_string_lossy().into_owned());
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn render_corpus_file(
    opts: &Options,
    tmp: &Path,
    index: usize,
    rel: &str,
) -> Result<Value, String> {
    let text = fs::read_to_string(opts.corpus.join(rel)).map_err(|e| format!("{rel}: {e}"))?;
    let work = tmp.join(format!("corpus{index:04}"));
    let _ = fs::remove_dir_all(&work);
    let v = work.join("v");
    write_chart(
        &v,
        &[
            ("in.txt", &text),
            (
                "templates/out.yaml",
                "y: {{ .Files.Get \"in.txt\" | fromYaml | toYaml | b64enc }}\n",
            ),
        ],
    )?;
    let out = run_helm(&opts.helm, &v)?;
    let _ = fs::remove_dir_all(&work);
    Ok(match out {
        Outcome::Lines(lines) => {
            let y = lines.get("y").cloned().unwrap_or_default();
            json!({ "sha256": sha256::hex(y.as_bytes()), "len": y.len() })
        }
        Outcome::Error(e) => json!({ "error": e }),
    })
}

pub fn run(args: &[String], root: &Path) -> Result<(), String> {
    let opts = parse_options(args, root)?;
    let testdata = root.join("testdata/goyaml");
    let cases = cases::load_cases(&testdata.join("cases"))?;
    let tmp = std::env::temp_dir().join(format!("berth-goyaml-{}", std::process::id()));
    let v4 = helm_version(&opts.helm)?;
    let v3 = helm_version(&opts.helm3)?;
    eprintln!(
        "rendering {} cases with helm {v4} and {v3} ...",
        cases.len()
    );
    let results = pool::map(&cases, opts.jobs, |i, c| render_case(&opts, &tmp, i, c));
    let mut out = serde_json::Map::new();
    for (case, r) in cases.iter().zip(results) {
        out.insert(
            case.name.clone(),
            r.map_err(|e| format!("case {}: {e}", case.name))?,
        );
    }
    let doc = json!({ "helm4": v4, "helm3": v3, "cases": out });
    let text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())? + "\n";
    fs::write(testdata.join("expected.json"), text).map_err(|e| e.to_string())?;
    eprintln!("wrote {}", testdata.join("expected.json").display());

    let files = corpus_values_files(&opts.corpus);
    if files.is_empty() {
        eprintln!(
            "no corpus at {}; corpus.json left as it is",
            opts.corpus.display()
        );
    } else {
        eprintln!(
            "rendering toYaml of {} corpus values files ...",
            files.len()
        );
        let results = pool::map(&files, opts.jobs, |i, f| {
            render_corpus_file(&opts, &tmp, i, f)
        });
        let mut out = serde_json::Map::new();
        for (f, r) in files.iter().zip(results) {
            out.insert(f.clone(), r?);
        }
        let doc = json!({ "helm4": v4, "files": out });
        let text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())? + "\n";
        fs::write(testdata.join("corpus.json"), text).map_err(|e| e.to_string())?;
        eprintln!("wrote {}", testdata.join("corpus.json").display());
    }
    let _ = fs::remove_dir_all(&tmp);
    Ok(())
}
