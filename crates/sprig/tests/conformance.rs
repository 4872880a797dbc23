//! Runs the Sprig conformance corpus (`testdata/sprig`): every case's template is
//! executed with Sprig's functions registered, as helm executes it, and its output
//! or error must equal what the real helm produced.

#[path = "../../gotmpl/tests/support/mod.rs"]
mod support;

use std::path::PathBuf;

#[test]
fn sprig_conformance_corpus() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/sprig");
    support::harness::check_corpus(&dir, "sprig", 400, &|templates| {
        templates.add_functions(sprig::functions())
    });
}
