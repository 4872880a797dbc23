//! Go's `filepath.Match` on slash-separated paths: `*` and `?` never cross a `/`,
//! `[...]` classes with ranges and `^` negation, and `\` escapes.

/// The pattern is malformed (Go's `filepath.ErrBadPattern`).
#[derive(Debug, PartialEq, Eq)]
pub struct BadPattern;

impl std::fmt::Display for BadPattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("syntax error in pattern")
    }
}

/// Whether `name` matches `pattern` entirely.
pub fn matches(pattern: &str, name: &str) -> Result<bool, BadPattern> {
    Ok(Glob::new(pattern)?.matches(name))
}

/// A pattern checked once and kept in the form that matches fastest: most
/// `.helmignore` lines are a literal name or `*` and a literal suffix.
#[derive(Debug)]
pub enum Glob {
    Literal(String),
    StarSuffix(String),
    General(Vec<char>),
}

impl Glob {
    pub fn new(pattern: &str) -> Result<Glob, BadPattern> {
        let is_meta = |c: char| matches!(c, '*' | '?' | '[' | '\\');
        if !pattern.contains(is_meta) {
            return Ok(Glob::Literal(pattern.to_string()));
        }
        if let Some(suffix) = pattern.strip_prefix('*') {
            if !suffix.contains(is_meta) {
                return Ok(Glob::StarSuffix(suffix.to_string()));
            }
        }
        validate(pattern)?;
        Ok(Glob::General(pattern.chars().collect()))
    }

    /// Whether `name` matches the pattern entirely.
    pub fn matches(&self, name: &str) -> bool {
        match self {
            Glob::Literal(literal) => literal == name,
            Glob::StarSuffix(suffix) => name
                .strip_suffix(suffix.as_str())
                .is_some_and(|head| !head.contains('/')),
            Glob::General(pattern) => {
                let n: Vec<char> = name.chars().collect();
                match_here(pattern, &n)
            }
        }
    }
}

fn validate(pattern: &str) -> Result<(), BadPattern> {
    let p: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            '\\' => {
                if i + 1 >= p.len() {
                    return Err(BadPattern);
                }
                i += 2;
            }
            '[' => {
                let (_, next) = parse_class(&p, i)?;
                i = next;
            }
            _ => i += 1,
        }
    }
    Ok(())
}

/// A parsed `[...]` class: negation and ranges; returns the index after `]`.
type Class = (bool, Vec<(char, char)>);

fn parse_class(p: &[char], start: usize) -> Result<(Class, usize), BadPattern> {
    let mut i = start + 1;
    let negated = p.get(i) == Some(&'^');
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    let mut first = true;
    loop {
        match p.get(i) {
            None => return Err(BadPattern),
            Some(']') if !first => return Ok(((negated, ranges), i + 1)),
            _ => {}
        }
        first = false;
        let (lo, next) = class_char(p, i)?;
        i = next;
        let mut hi = lo;
        if p.get(i) == Some(&'-') {
            let (h, next) = class_char(p, i + 1)?;
            hi = h;
            i = next;
            if hi < lo {
                return Err(BadPattern);
            }
        }
        ranges.push((lo, hi));
    }
}

fn class_char(p: &[char], i: usize) -> Result<(char, usize), BadPattern> {
    match p.get(i) {
        None | Some('-') | Some(']') => Err(BadPattern),
        Some('\\') => p.get(i + 1).map(|&c| (c, i + 2)).ok_or(BadPattern),
        Some(&c) => Ok((c, i + 1)),
    }
}

fn match_here(p: &[char], n: &[char]) -> bool {
    let Some(&first) = p.first() else {
        return n.is_empty();
    };
    match first {
        '*' => {
            let rest = &p[1..];
            for skip in 0..=n.len() {
                if skip > 0 && n[skip - 1] == '/' {
                    break;
                }
                if match_here(rest, &n[skip..]) {
                    return true;
                }
            }
            false
        }
        '?' => matches!(n.first(), Some(&c) if c != '/') && match_here(&p[1..], &n[1..]),
        '[' => {
            let Ok(((negated, ranges), next)) = parse_class(p, 0) else {
                return false;
            };
            match n.first() {
                Some(&c) if c != '/' => {
                    let inside = ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi);
                    inside != negated && match_here(&p[next..], &n[1..])
                }
                _ => false,
            }
        }
        '\\' => p.len() > 1 && n.first() == Some(&p[1]) && match_here(&p[2..], &n[1..]),
        c => n.first() == Some(&c) && match_here(&p[1..], &n[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn follows_go_filepath_match() {
        let cases = [
            ("abc", "abc", true),
            ("*", "abc", true),
            ("*c", "abc", true),
            ("a*", "a", true),
            ("a*/b", "abc/b", true),
            ("a*/b", "a/c/b", false),
            ("a*b*c*d*e*/f", "axbxcxdxe/f", true),
            ("ab[c]", "abc", true),
            ("ab[b-d]", "abc", true),
            ("ab[e-g]", "abc", false),
            ("ab[^c]", "abc", false),
            ("ab[^e-g]", "abc", true),
            ("a\\*b", "a*b", true),
            ("a\\*b", "ab", false),
            ("a?b", "a☺b", true),
            ("a?b", "a/b", false),
            ("*.txt", "dir/x.txt", false),
            ("templates/.?*", "templates/.hidden", true),
            ("templates/.?*", "templates/x.yaml", false),
        ];
        for (pattern, name, expected) in cases {
            assert_eq!(matches(pattern, name), Ok(expected), "{pattern} vs {name}");
        }
        for bad in ["[", "a[", "[^", "[]a]", "a\\", "[a-]", "[z-a]"] {
            assert!(matches(bad, "a").is_err(), "{bad} should be malformed");
        }
    }
}
