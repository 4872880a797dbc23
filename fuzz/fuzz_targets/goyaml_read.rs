//! Fuzzes the YAML reader through every way Helm reads YAML: go-yaml decoding, the
//! ordered document tree, sigs.k8s.io/yaml into a map and a list, values files,
//! manifest splitting, manifest heads, and writing back what was read. Errors are
//! fine; panics, stack overflows and hangs are not, nor a decoding from parser
//! events that differs from the node tree's.
#![no_main]

use goyaml::json::Target;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let lenient = goyaml::decode::unmarshal(input, false);
    let strict = goyaml::decode::unmarshal(input, true);
    // Strict decoding goes through the node tree and only adds errors, so
    // where both succeed, decoding from parser events must agree with it.
    if let (Ok(lenient), Ok(strict)) = (&lenient, &strict) {
        assert_eq!(format!("{lenient:?}"), format!("{strict:?}"));
    }
    let _ = goyaml::head::read_simple_head(input);
    let _ = goyaml::tree::parse_all(input);
    if let Ok(data) = goyaml::sigs::unmarshal(input, Target::Any, false) {
        let _ = goyaml::helm::to_yaml(&data);
        let _ = goyaml::helm::to_yaml_pretty(&data);
        let _ = goyaml::helm::to_json(&data);
    }
    let _ = goyaml::sigs::unmarshal(input, Target::Array, false);
    if let Ok(text) = std::str::from_utf8(input) {
        let _ = goyaml::helm::load_values(text);
        let _ = goyaml::split::split_manifests(text);
        let _ = goyaml::helm::from_json(text);
    }
});
