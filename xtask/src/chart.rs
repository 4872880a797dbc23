//! The throwaway chart that renders one case through helm.
//!
//! Layout (see `testdata/gotmpl/README.md`):
//!
//! * `Chart.yaml`: a minimal v2 chart named `c`;
//! * `values.yaml`: the case's values JSON verbatim (JSON is YAML);
//! * `templates/_case.tpl`: `{{define "case"}}` + template + `{{end}}`, nothing added;
//! * `templates/out.yaml`: a YAML comment holding `include "case" . | b64enc`,
//!   so the rendered manifest is valid YAML whatever the case prints and the
//!   exact bytes survive helm's post-processing (helm replaces `<no value>` in
//!   rendered files, but not inside the base64 payload).

use std::fs;
use std::io;
use std::path::Path;

/// Path of the case template as Go's parser names it.
pub const CASE_FILE: &str = "c/templates/_case.tpl";
/// Path of the driver template as Go's parser names it.
pub const OUT_FILE: &str = "c/templates/out.yaml";

const CHART_YAML: &str = "apiVersion: v2\nname: c\nversion: 0.1.0\n";
const OUT_YAML: &str = "# {{ include \"case\" . | b64enc }}\n";

/// The exact text of `templates/_case.tpl` for a case template.
pub fn case_file_text(template: &str) -> String {
    format!("{{{{define \"case\"}}}}{template}{{{{end}}}}")
}

/// Writes the chart for one case into `dir` (created if needed, must be empty
/// of other charts' files).
pub fn write_chart(dir: &Path, values_json: &str, template: &str) -> io::Result<()> {
    let templates = dir.join("templates");
    fs::create_dir_all(&templates)?;
    fs::write(dir.join("Chart.yaml"), CHART_YAML)?;
    fs::write(dir.join("values.yaml"), values_json)?;
    fs::write(templates.join("_case.tpl"), case_file_text(template))?;
    fs::write(templates.join("out.yaml"), OUT_YAML)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn case_file_wraps_verbatim() {
        assert_eq!(
            super::case_file_text("a{{.}}\n"),
            "{{define \"case\"}}a{{.}}\n{{end}}"
        );
    }
}
