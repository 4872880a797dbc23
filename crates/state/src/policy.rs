//! helmfile's policy checks on a state file's raw text (`pkg/policy`): the
//! order of top-level keys and environments kept apart from releases. In
//! helmfile 0.x both are warnings.

/// Top-level keys (`^[a-zA-Z]+:`) and, when asked, `---` separators.
fn top_keys(content: &str, with_separators: bool) -> Vec<String> {
    let mut keys = Vec::new();
    for line in content.split('\n') {
        let alpha = line.bytes().take_while(u8::is_ascii_alphabetic).count();
        if alpha > 0 && line.as_bytes().get(alpha) == Some(&b':') {
            keys.push(line[..alpha].to_string());
        }
        if with_separators && line.starts_with("---") && line[3..].bytes().all(|b| b == b' ') {
            keys.push("---".to_string());
        }
    }
    keys
}

fn priority(key: &str) -> Option<u8> {
    match key {
        "bases" | "environments" => Some(0),
        "releases" => Some(1),
        _ => None,
    }
}

/// The first policy violation of a state file, as helmfile words it.
pub(crate) fn check(file: &str, content: &str) -> Option<String> {
    let keys = top_keys(content, false);
    if keys.is_empty() {
        return Some(format!("no top-level config keys are found in {file}"));
    }
    let ordered: Vec<&String> = keys.iter().filter(|k| priority(k).is_some()).collect();
    for pair in ordered.windows(2) {
        if priority(pair[0]) > priority(pair[1]) {
            return Some(format!(
                "top-level config key {} must be defined before {} in {file}",
                pair[1], pair[0]
            ));
        }
    }
    let mut seen: Vec<String> = Vec::new();
    for k in top_keys(content, true) {
        if (k == "environments" || k == "releases" || k == "---")
            && (k == "---" || !seen.contains(&k))
        {
            seen.push(k);
        }
    }
    if seen.len() >= 2 && seen.windows(2).any(|w| w[0] != "---" && w[1] != "---") {
        return Some(
            "environments and releases cannot be defined within the same YAML part. Use --- to extract the environments into a dedicated part".into(),
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn environments_and_releases_need_a_separator() {
        let same = "environments:\n  a: {}\nreleases: []\n";
        assert!(check("f", same).is_some_and(|w| w.starts_with("environments and releases")));
        let split = "environments:\n  a: {}\n---\nreleases: []\n";
        assert_eq!(check("f", split), None);
        assert_eq!(
            check("f", "releases: []\nbases: []\n").as_deref(),
            Some("top-level config key bases must be defined before releases in f")
        );
    }
}
