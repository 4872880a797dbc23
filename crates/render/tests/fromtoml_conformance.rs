//! Runs the `fromToml` conformance corpus (`testdata/fromtoml`): each case's
//! template is executed with Sprig's and Helm's functions registered, and its
//! output or error must equal what the real helm produced: helm 4 (BurntSushi/toml
//! v1.6.0) in `expected.json`, helm 3 (v1.4.0) in `helm3/expected.json`.

#[path = "../../gotmpl/tests/support/mod.rs"]
mod support;

use std::path::PathBuf;

use chart::HelmVersion;

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/fromtoml")
}

fn check(dir: PathBuf, label: &str, helm: HelmVersion) {
    support::harness::check_corpus(&dir, label, 40, &move |templates| {
        templates.add_functions(sprig::functions());
        templates.add_functions(render::funcs::helm_functions(helm));
    });
}

#[test]
fn fromtoml_matches_helm4() {
    check(corpus(), "fromToml (helm 4)", HelmVersion::Helm4);
}

#[test]
fn fromtoml_matches_helm3() {
    check(
        corpus().join("helm3"),
        "fromToml (helm 3)",
        HelmVersion::Helm3,
    );
}
