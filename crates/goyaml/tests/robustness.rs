//! The readers never panic and bound their depth: every golden input, cut at
//! every character and with characters replaced pseudo-randomly, goes through
//! every entry point; absurd nesting fails with an error.

mod support;

use std::path::Path;

use goyaml::helm;
use goyaml::toml::TomlVersion;
use goyaml::{tree, Data};

fn exercise(input: &str) {
    let m = helm::from_yaml(input);
    let _ = helm::to_yaml(&Data::Map(m.clone()));
    let _ = helm::to_yaml_pretty(&Data::Map(m.clone()));
    let _ = helm::to_toml(&Data::Map(m), TomlVersion::V1_6);
    let _ = helm::from_yaml_array(input);
    let _ = helm::load_values(input);
    let _ = helm::from_json(input);
    let _ = tree::parse_all(input.as_bytes());
    let _ = goyaml::split::split_manifests(input);
}

#[test]
fn mutated_inputs_do_not_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/goyaml/cases");
    let cases = support::cases::load_cases(&dir).expect("cases load");
    let specials = [
        '[', '{', ':', '-', '"', '\'', '&', '*', '!', '|', '>', '\t', '\n', '#', '%', '\\', ' ',
    ];
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut runs = 0;
    for case in &cases {
        let chars: Vec<char> = case.input.chars().collect();
        for cut in 0..=chars.len().min(200) {
            exercise(&chars[..cut].iter().collect::<String>());
            runs += 1;
        }
        for _ in 0..20 {
            let mut mutated = chars.clone();
            if mutated.is_empty() {
                break;
            }
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let at = (seed >> 33) as usize % mutated.len();
            mutated[at] = specials[(seed >> 20) as usize % specials.len()];
            exercise(&mutated.iter().collect::<String>());
            runs += 1;
        }
    }
    println!("robustness: {runs} mutated inputs exercised");
}

#[test]
fn deep_nesting_is_an_error() {
    let flow = "[".repeat(50_000);
    assert!(tree::parse_all(flow.as_bytes()).is_err());
    let block: String = (0..3000)
        .map(|i| format!("{}k:\n", " ".repeat(i)))
        .collect();
    assert!(tree::parse_all(block.as_bytes()).is_err());
    let json = "[".repeat(50_000);
    assert!(goyaml::json::unmarshal(&json, goyaml::json::Target::Any).is_err());
    let msg = helm::from_yaml(&format!("a: {flow}"));
    assert!(msg.contains_key("Error"));
}

#[test]
fn alias_bombs_are_rejected() {
    let mut doc = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let prev = i - 1;
        doc.push_str(&format!(
            "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
        ));
    }
    let m = helm::from_yaml(&doc);
    assert_eq!(
        m.get("Error").and_then(Data::as_str),
        Some("error converting YAML to JSON: yaml: document contains excessive aliasing")
    );
}
