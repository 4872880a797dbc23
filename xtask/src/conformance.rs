//! `conformance`: renders every case of the shared helm corpus with berth through
//! the corpus's own scorer (`../shared/tools/compare.py`), for helm 4 and helm 3,
//! and fails when a score falls below the committed floor in
//! `testdata/conformance-floor.txt` (which `--raise-floor` lifts, never lowers).

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

const FLOOR_FILE: &str = "testdata/conformance-floor.txt";

/// Runs the corpus for both Helm versions; `raise_floor` records new highs.
pub fn run(root: &Path, raise_floor: bool) -> Result<(), String> {
    let shared = root.join("../shared");
    if !shared.join("tools/compare.py").is_file() {
        println!(
            "notice: {} is absent; skipping the corpus conformance run",
            shared.display()
        );
        return Ok(());
    }
    crate::release_build::build_berth(root)?;
    let floor_path = root.join(FLOOR_FILE);
    let mut floors = read_floors(&floor_path)?;
    let mut failures = Vec::new();
    for (label, extra) in [("helm4", ""), ("helm3", " --helm3")] {
        let command = format!(
            "target/release/berth template {{release}} {{chart}} --namespace {{namespace}} --kube-version {{kube_version}}{extra}"
        );
        let report = std::env::temp_dir().join(format!("berth-conformance-{label}.tsv"));
        let output = Command::new("python3")
            .arg(shared.join("tools/compare.py"))
            .arg(shared.join("corpus"))
            .arg(label)
            .arg(&command)
            .arg("--report")
            .arg(&report)
            .current_dir(root)
            .output()
            .map_err(|e| format!("cannot run compare.py: {e}"))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            return Err(format!(
                "compare.py failed for {label}:\n{stdout}{}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        let score = parse_score(&stdout)
            .ok_or_else(|| format!("compare.py printed no score for {label}:\n{stdout}"))?;
        let floor = floors.get(label).copied().unwrap_or(0);
        println!(
            "{label}: exact+masked {score}/350 (floor {floor}); report in {}",
            report.display()
        );
        if score < floor {
            failures.push(format!(
                "{label} scored {score}, below the floor of {floor}"
            ));
        } else if raise_floor && score > floor {
            floors.insert(label.to_string(), score);
        }
    }
    if raise_floor {
        let text: String = floors.iter().map(|(k, v)| format!("{k} {v}\n")).collect();
        fs::write(&floor_path, text)
            .map_err(|e| format!("cannot write {}: {e}", floor_path.display()))?;
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}

/// The `N` of compare.py's last line, `exact+masked N/M (P%)`.
fn parse_score(stdout: &str) -> Option<u32> {
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.starts_with("exact+masked "))?;
    line["exact+masked ".len()..]
        .split('/')
        .next()?
        .parse()
        .ok()
}

fn read_floors(path: &Path) -> Result<BTreeMap<String, u32>, String> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (label, score) = l
                .split_once(' ')
                .ok_or_else(|| format!("{}: bad line {l:?}", path.display()))?;
            let score = score
                .trim()
                .parse()
                .map_err(|_| format!("{}: bad score in {l:?}", path.display()))?;
            Ok((label.to_string(), score))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::parse_score;

    #[test]
    fn reads_the_score_from_the_last_line() {
        assert_eq!(
            parse_score("exact=3 fail=1\nexact+masked 345/350 (98.6%)\n"),
            Some(345)
        );
        assert_eq!(parse_score("nothing here"), None);
    }
}
