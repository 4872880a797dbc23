//! `fuzz-seeds`: writes every conformance case's template into the fuzzer's corpus
//! directory, so that fuzzing starts from inputs that reach deep into the engine.

use std::fs;
use std::path::Path;

use crate::cases;

/// Writes one seed file per case of `corpus/cases` into `out`; returns how many.
pub fn write_seeds(corpus: &Path, out: &Path) -> Result<usize, String> {
    let cases = cases::try_load_cases(&corpus.join("cases"))?;
    fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    for case in &cases {
        let mut bytes = vec![1u8];
        bytes.extend_from_slice(case.template.as_bytes());
        let path = out.join(&case.name);
        fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(cases.len())
}
