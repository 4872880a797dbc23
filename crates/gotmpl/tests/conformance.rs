//! Runs the Go-derived conformance corpus (`testdata/gotmpl`): every case's template
//! is executed as helm executes it, and its output or error must equal what the
//! real Go implementation produced.

mod support;

use std::path::PathBuf;

#[test]
fn go_conformance_corpus() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/gotmpl");
    support::harness::check_corpus(&dir, "gotmpl", 300, &|_| {});
}
