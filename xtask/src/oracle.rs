//! Running helm on a case chart and turning what it prints into an expectation.
//!
//! Success: stdout holds `# Source: c/templates/out.yaml` followed by the line
//! `# <base64>`; the decoded payload is the case's exact output.
//!
//! Failure: stderr holds `Error: <message>` (followed by helm's hint
//! `Use --debug flag to render out invalid YAML`). The message is one of:
//!
//! * `parse error at (c/templates/_case.tpl:LINE): MSG` — helm's rewrite of a
//!   Go parse error; kept verbatim as a parse error;
//! * `template: c/templates/out.yaml:...: error calling include: <inner>` — Go's
//!   own text (helm 3, or helm 4 when it cannot restructure the error); the
//!   inner error is kept verbatim;
//! * helm 4's restructured form, one block per error of the chain:
//!   ```text
//!   c/templates/out.yaml:1:5
//!     executing "c/templates/out.yaml" at <include "case" .>:
//!       error calling include:
//!   c/templates/_case.tpl:1:26
//!     executing "case" at <.Values.x.y>:
//!       can't evaluate field y in type interface {}
//!   ```
//!   The inner block is turned back into Go's text
//!   `template: LOCATION: executing "NAME" at <CONTEXT>: MESSAGE`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::base64;
use crate::cases::Expectation;
use crate::chart::{CASE_FILE, OUT_FILE};

/// Which helm produced the text (their error formats differ).
#[derive(Clone, Debug)]
pub struct Helm {
    pub path: PathBuf,
    pub timeout: Duration,
}

const DEBUG_HINT: &str = "\n\nUse --debug flag to render out invalid YAML";
const CALLING_INCLUDE: &str = "error calling include: ";
const CALLING_INCLUDE_BLOCK: &str = "\n    error calling include:\n";

impl Helm {
    /// `helm version` as `helm vX.Y.Z (goA.B.C)`.
    pub fn version(&self) -> Result<String, String> {
        let out = Command::new(&self.path)
            .args(["version", "--template", "{{.Version}} ({{.GoVersion}})"])
            .output()
            .map_err(|e| format!("cannot run {}: {e}", self.path.display()))?;
        if !out.status.success() {
            return Err(format!(
                "{} version failed: {}",
                self.path.display(),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(format!(
            "helm {}",
            String::from_utf8_lossy(&out.stdout).trim()
        ))
    }

    /// Runs `helm template rel CHART` and classifies the result.
    pub fn render(&self, chart: &Path) -> Result<Expectation, String> {
        let work = chart.parent().unwrap_or(chart);
        let stdout_path = work.join("stdout");
        let stderr_path = work.join("stderr");
        let helm_home = work.join("helm-home");
        let mut child = Command::new(&self.path)
            .arg("template")
            .arg("rel")
            .arg(chart)
            .env("HELM_CACHE_HOME", helm_home.join("cache"))
            .env("HELM_CONFIG_HOME", helm_home.join("config"))
            .env("HELM_DATA_HOME", helm_home.join("data"))
            .stdin(Stdio::null())
            .stdout(fs::File::create(&stdout_path).map_err(|e| e.to_string())?)
            .stderr(fs::File::create(&stderr_path).map_err(|e| e.to_string())?)
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", self.path.display()))?;
        let start = Instant::now();
        let status = loop {
            match child.try_wait().map_err(|e| e.to_string())? {
                Some(status) => break status,
                None if start.elapsed() > self.timeout => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(format!("helm did not finish within {:?}", self.timeout));
                }
                None => thread::sleep(Duration::from_millis(5)),
            }
        };
        let stdout = fs::read(&stdout_path).map_err(|e| e.to_string())?;
        let stderr = fs::read(&stderr_path).map_err(|e| e.to_string())?;
        let stderr = String::from_utf8(stderr)
            .map_err(|_| "helm's stderr is not UTF-8 (cannot store the error)".to_string())?;
        if status.success() {
            let stdout =
                String::from_utf8(stdout).map_err(|_| "helm's stdout is not UTF-8".to_string())?;
            extract_output(&stdout).map(Expectation::Output)
        } else {
            classify_failure(&stderr)
        }
    }
}

/// Finds and decodes the base64 payload of `out.yaml` in helm's stdout.
pub fn extract_output(stdout: &str) -> Result<String, String> {
    let source = format!("# Source: {OUT_FILE}");
    let mut lines = stdout.lines();
    lines
        .by_ref()
        .find(|l| *l == source)
        .ok_or_else(|| format!("no `{source}` in helm's output:\n{stdout}"))?;
    let payload = lines
        .next()
        .and_then(|l| l.strip_prefix('#'))
        .ok_or_else(|| format!("no payload line after `{source}`:\n{stdout}"))?
        .trim();
    let bytes = base64::decode(payload).map_err(|e| format!("bad base64 payload: {e}"))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "the case printed invalid UTF-8 ({e}); JSON cannot hold it, print it with %q instead"
        )
    })
}

/// Turns helm's stderr of a failed render into an expectation.
pub fn classify_failure(stderr: &str) -> Result<Expectation, String> {
    let start = if stderr.starts_with("Error: ") {
        0
    } else {
        stderr
            .find("\nError: ")
            .map(|i| i + 1)
            .ok_or_else(|| format!("helm failed without an `Error: ` line:\n{stderr}"))?
    };
    let body = &stderr[start + "Error: ".len()..];
    let body = body.strip_suffix('\n').unwrap_or(body);
    let body = body.strip_suffix(DEBUG_HINT).unwrap_or(body);

    if body.starts_with("parse error at (") {
        if !body.starts_with(&format!("parse error at ({CASE_FILE}:")) {
            return Err(format!("parse error outside the case template: {body}"));
        }
        return Ok(Expectation::ParseError(body.to_string()));
    }
    if body.starts_with("template: ") {
        // Go's own text: the case's error follows the first "error calling include: ".
        let inner = body
            .split_once(CALLING_INCLUDE)
            .map(|(_, inner)| inner)
            .ok_or_else(|| format!("error is not from the included case: {body}"))?;
        return Ok(Expectation::Error(inner.to_string()));
    }
    if body.starts_with(&format!("{OUT_FILE}:")) {
        let (_, inner) = body
            .split_once(CALLING_INCLUDE_BLOCK)
            .ok_or_else(|| format!("error is not from the included case: {body}"))?;
        return unformat_traceable(inner).map(Expectation::Error);
    }
    Err(format!("unrecognised helm failure:\n{stderr}"))
}

/// Rebuilds Go's error text from the block helm 4 prints for one error
/// (its `TraceableError`): `LOCATION\n  EXECUTING\n    MESSAGE`,
/// `LOCATION\n  MESSAGE`, or a bare `template: no template ...` message.
pub fn unformat_traceable(block: &str) -> Result<String, String> {
    if block.starts_with("template: ") {
        return Ok(block.to_string());
    }
    let (location, rest) = block
        .split_once('\n')
        .ok_or_else(|| format!("cannot read helm's error block: {block:?}"))?;
    if !location.starts_with(CASE_FILE) {
        return Err(format!("error block not located in {CASE_FILE}: {block:?}"));
    }
    // A second unindented location line would mean a longer error chain,
    // which this corpus never produces.
    if rest.lines().any(|l| l.starts_with("c/templates/")) {
        return Err(format!("unexpected chained error from helm: {block:?}"));
    }
    if let Some(after) = rest.strip_prefix("  executing ") {
        let (executing, message) = after
            .split_once("\n    ")
            .ok_or_else(|| format!("cannot read helm's error block: {block:?}"))?;
        Ok(format!(
            "template: {location}: executing {executing} {message}"
        ))
    } else if let Some(message) = rest.strip_prefix("  ") {
        Ok(format!("template: {location}: {message}"))
    } else {
        Err(format!("cannot read helm's error block: {block:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helm4_exec_error_is_rebuilt() {
        let stderr = "Error: c/templates/out.yaml:1:5\n  executing \"c/templates/out.yaml\" at <include \"case\" .>:\n    error calling include:\nc/templates/_case.tpl:1:26\n  executing \"case\" at <.Values.b.d.x>:\n    can't evaluate field x in type interface {}\n\nUse --debug flag to render out invalid YAML\n";
        assert_eq!(
            classify_failure(stderr).unwrap(),
            Expectation::Error(
                "template: c/templates/_case.tpl:1:26: executing \"case\" at <.Values.b.d.x>: can't evaluate field x in type interface {}".into()
            )
        );
    }

    #[test]
    fn helm3_exec_error_is_cut() {
        let stderr = "Error: template: c/templates/out.yaml:1:5: executing \"c/templates/out.yaml\" at <include \"case\" .>: error calling include: template: c/templates/_case.tpl:1:28: executing \"case\" at <{{template \"x\"}}>: template \"x\" not defined\n\nUse --debug flag to render out invalid YAML\n";
        assert_eq!(
            classify_failure(stderr).unwrap(),
            Expectation::Error(
                "template: c/templates/_case.tpl:1:28: executing \"case\" at <{{template \"x\"}}>: template \"x\" not defined".into()
            )
        );
    }

    #[test]
    fn parse_error_is_kept() {
        let stderr = "Error: parse error at (c/templates/_case.tpl:1): unexpected <define> in command\n\nUse --debug flag to render out invalid YAML\n";
        assert_eq!(
            classify_failure(stderr).unwrap(),
            Expectation::ParseError(
                "parse error at (c/templates/_case.tpl:1): unexpected <define> in command".into()
            )
        );
    }

    #[test]
    fn output_is_decoded() {
        let stdout = "---\n# Source: c/templates/out.yaml\n# aGk=\n";
        assert_eq!(extract_output(stdout).unwrap(), "hi");
        let empty = "---\n# Source: c/templates/out.yaml\n#\n";
        assert_eq!(extract_output(empty).unwrap(), "");
    }
}
