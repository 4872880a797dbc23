//! `.helmignore` rules, as Helm applies them when loading a chart directory: one
//! glob per line, `#` comments, `!` negation, a trailing `/` for directories only, a
//! leading `/` anchoring at the chart root, rules without `/` matching base names,
//! and the default rule hiding dot-files under `templates/`.

use crate::glob::{self, Glob};

/// The name of the rules file at a chart's root.
pub const HELM_IGNORE: &str = ".helmignore";

#[derive(Debug)]
struct Pattern {
    /// `None` when the pattern left after the markers are stripped is malformed:
    /// Go's `filepath.Match` then fails, which counts as no match.
    glob: Option<Glob>,
    negate: bool,
    dir_only: bool,
    scope: Scope,
}

#[derive(Debug, PartialEq)]
enum Scope {
    /// A leading `/`: matched against the whole path.
    Anchored,
    /// Contains a `/`: matched against the whole path.
    Path,
    /// No `/`: matched against the base name.
    BaseName,
}

/// A parsed set of ignore rules.
#[derive(Debug, Default)]
pub struct Rules {
    patterns: Vec<Pattern>,
}

impl Rules {
    /// Parses a `.helmignore` file. Errors carry Helm's texts.
    pub fn parse(text: &str) -> Result<Rules, String> {
        let mut rules = Rules::default();
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for line in text.lines() {
            rules.add(line)?;
        }
        Ok(rules)
    }

    /// Adds Helm's default rule, `templates/.?*`.
    pub fn add_defaults(&mut self) {
        self.add("templates/.?*")
            .expect("the default rule is well formed");
    }

    fn add(&mut self, rule: &str) -> Result<(), String> {
        let mut rule = rule.trim();
        if rule.is_empty() || rule.starts_with('#') {
            return Ok(());
        }
        if rule.contains("**") {
            return Err("double-star (**) syntax is not supported".into());
        }
        glob::matches(rule, "abc").map_err(|e| e.to_string())?;
        let negate = rule.starts_with('!');
        if negate {
            rule = &rule[1..];
        }
        let dir_only = rule.ends_with('/');
        if dir_only {
            rule = &rule[..rule.len() - 1];
        }
        let (glob, scope) = if let Some(anchored) = rule.strip_prefix('/') {
            (anchored, Scope::Anchored)
        } else if rule.contains('/') {
            (rule, Scope::Path)
        } else {
            (rule, Scope::BaseName)
        };
        self.patterns.push(Pattern {
            glob: Glob::new(glob).ok(),
            negate,
            dir_only,
            scope,
        });
        Ok(())
    }

    /// Whether the chart-relative `path` (a directory when `is_dir`) is ignored.
    pub fn ignores(&self, path: &str, is_dir: bool) -> bool {
        if path.is_empty() || path == "." || path == "./" {
            return false;
        }
        let base_name = path.rsplit('/').next().unwrap_or(path);
        for p in &self.patterns {
            let subject = match p.scope {
                Scope::BaseName => base_name,
                Scope::Anchored | Scope::Path => path,
            };
            let matched = p.glob.as_ref().is_some_and(|g| g.matches(subject));
            if p.negate {
                if p.dir_only && !is_dir {
                    return true;
                }
                if !matched {
                    return true;
                }
                continue;
            }
            if p.dir_only && !is_dir {
                continue;
            }
            if matched {
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::Rules;

    #[test]
    fn rules_behave_as_helm_documents_them() {
        let mut rules = Rules::parse("# comment\n*.bak\n/ci/\ndocs/*.md\n.git/\n").unwrap();
        rules.add_defaults();
        assert!(rules.ignores("values.bak", false));
        assert!(rules.ignores("templates/old.bak", false));
        assert!(rules.ignores("ci", true));
        assert!(!rules.ignores("ci", false));
        assert!(rules.ignores("docs/readme.md", false));
        assert!(!rules.ignores("docs/sub/readme.md", false));
        assert!(rules.ignores(".git", true));
        assert!(rules.ignores("templates/.hidden.yaml", false));
        assert!(!rules.ignores("templates/deployment.yaml", false));
        assert!(!rules.ignores("Chart.yaml", false));
    }

    #[test]
    fn a_negation_ignores_everything_it_does_not_match() {
        let rules = Rules::parse("!keep.txt").unwrap();
        assert!(rules.ignores("other.txt", false));
        assert!(!rules.ignores("keep.txt", false));
    }

    #[test]
    fn malformed_rules_are_errors() {
        assert_eq!(
            Rules::parse("a/**/b").unwrap_err(),
            "double-star (**) syntax is not supported"
        );
        assert_eq!(Rules::parse("[").unwrap_err(), "syntax error in pattern");
    }
}
