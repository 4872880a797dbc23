//! The golden case files of `testdata/goyaml/cases/*.txt`, shared by the
//! tests and the `cargo xtask goyaml-goldens` generator.
//!
//! A file is a list of cases, each introduced by a header line
//! `### NAME [FLAG...]` and followed by its input lines (each ending in a
//! newline). Flags:
//! * `nonl`: the final newline is removed;
//! * `esc`: `\t`, `\r`, `\n`, `\\`, `\xHH` and `\u{H...}` are decoded;
//! * `json`: the input is JSON for `fromJson`/`fromJsonArray`, not a values file.

use std::fs;
use std::path::Path;

#[derive(Clone, Debug)]
pub struct Case {
    pub name: String,
    pub input: String,
    pub json: bool,
}

fn unescape(s: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('n') => out.push('\n'),
            Some('\\') => out.push('\\'),
            Some('x') => {
                let hex: String = chars.by_ref().take(2).collect();
                let v = u32::from_str_radix(&hex, 16).map_err(|e| format!("bad \\x{hex}: {e}"))?;
                out.push(char::from_u32(v).ok_or("bad \\x")?);
            }
            Some('u') => {
                if chars.next() != Some('{') {
                    return Err("expected \\u{".into());
                }
                let hex: String = chars.by_ref().take_while(|&c| c != '}').collect();
                let v =
                    u32::from_str_radix(&hex, 16).map_err(|e| format!("bad \\u{{{hex}}}: {e}"))?;
                out.push(char::from_u32(v).ok_or("bad \\u")?);
            }
            other => return Err(format!("unknown escape \\{other:?}")),
        }
    }
    Ok(out)
}

/// Parses one case file.
pub fn parse_cases(text: &str, file: &str) -> Result<Vec<Case>, String> {
    let mut cases: Vec<(String, Vec<String>, String)> = Vec::new();
    for line in text.split_inclusive('\n') {
        if let Some(header) = line.strip_prefix("### ") {
            let mut words = header.split_whitespace();
            let name = words
                .next()
                .ok_or_else(|| format!("{file}: header without a name"))?;
            let flags: Vec<String> = words.map(str::to_string).collect();
            cases.push((name.to_string(), flags, String::new()));
            continue;
        }
        match cases.last_mut() {
            Some(case) => case.2.push_str(line),
            None if line.trim().is_empty() || line.starts_with("//") => {}
            None => return Err(format!("{file}: text before the first case header")),
        }
    }
    cases
        .into_iter()
        .map(|(name, flags, mut input)| {
            for f in &flags {
                if !matches!(f.as_str(), "nonl" | "esc" | "json") {
                    return Err(format!("{file}: case {name}: unknown flag {f}"));
                }
            }
            if flags.iter().any(|f| f == "esc") {
                input = unescape(&input).map_err(|e| format!("{file}: case {name}: {e}"))?;
            }
            if flags.iter().any(|f| f == "nonl") && input.ends_with('\n') {
                input.pop();
            }
            Ok(Case {
                name,
                input,
                json: flags.iter().any(|f| f == "json"),
            })
        })
        .collect()
}

/// Every case of every `*.txt` file under `dir`, sorted by file name; names
/// must be unique.
pub fn load_cases(dir: &Path) -> Result<Vec<Case>, String> {
    let mut files: Vec<_> = fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    let mut all: Vec<Case> = Vec::new();
    for f in files {
        let text =
            fs::read_to_string(&f).map_err(|e| format!("cannot read {}: {e}", f.display()))?;
        all.extend(parse_cases(&text, &f.display().to_string())?);
    }
    let mut names: Vec<&str> = all.iter().map(|c| c.name.as_str()).collect();
    names.sort_unstable();
    if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
        return Err(format!("duplicate case name {}", w[0]));
    }
    Ok(all)
}
