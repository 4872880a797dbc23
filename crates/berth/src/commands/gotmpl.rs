//! `berth gotmpl`: executes a Go template file against JSON data and prints the result.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;

use gotmpl::{MissingKey, Templates, Value};

use crate::cli::{GotmplArgs, MissingKeyArg};

pub fn run(args: &GotmplArgs) -> Result<(), String> {
    let path = args.template.display().to_string();
    let text =
        fs::read_to_string(&args.template).map_err(|e| format!("cannot read {path}: {e}"))?;
    let data = match &args.data {
        None => Value::Nil,
        Some(file) => {
            let json = fs::read_to_string(file)
                .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            let parsed: serde_json::Value = serde_json::from_str(&json)
                .map_err(|e| format!("{}: invalid JSON: {e}", file.display()))?;
            from_json(&parsed)
        }
    };
    let mut templates = Templates::new(&path);
    templates.set_missing_key(match args.missingkey {
        MissingKeyArg::Default => MissingKey::Default,
        MissingKeyArg::Zero => MissingKey::Zero,
        MissingKeyArg::Error => MissingKey::Error,
    });
    templates.parse(&path, &text).map_err(|e| e.message)?;
    let name = args.name.as_deref().unwrap_or(&path);
    let output = templates.execute(name, &data).map_err(|e| e.message)?;
    std::io::stdout()
        .write_all(output.as_bytes())
        .map_err(|e| format!("cannot write output: {e}"))
}

/// JSON decoded as Go's encoding/json decodes into `interface{}`.
fn from_json(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        serde_json::Value::String(s) => Value::string(s.as_str()),
        serde_json::Value::Array(items) => Value::list(items.iter().map(from_json).collect()),
        serde_json::Value::Object(map) => Value::map(
            map.iter()
                .map(|(k, v)| (k.clone(), from_json(v)))
                .collect::<BTreeMap<_, _>>(),
        ),
    }
}
