//! Glob patterns as `.Files.Glob` matches them (gobwas/glob with `/` as the
//! separator): `*` within a path segment, `**` across segments, `?`, `[...]` classes
//! with `!` negation, and `{a,b}` alternatives.

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Literal(char),
    Any,
    Super,
    Single,
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
    Alternatives(Vec<Vec<Token>>),
}

/// A compiled pattern.
#[derive(Debug, Clone)]
pub struct Glob {
    tokens: Vec<Token>,
}

impl Glob {
    pub fn compile(pattern: &str) -> Result<Glob, String> {
        let chars: Vec<char> = pattern.chars().collect();
        let (tokens, rest) = parse(&chars, 0, false)?;
        if rest != chars.len() {
            return Err(format!(
                "unexpected character at {rest} in pattern {pattern:?}"
            ));
        }
        Ok(Glob { tokens })
    }

    pub fn matches(&self, name: &str) -> bool {
        let chars: Vec<char> = name.chars().collect();
        match_tokens(&self.tokens, &chars)
    }
}

/// Parses until the end, or (inside `{}`) until `,` or `}`; returns the index reached.
fn parse(p: &[char], mut i: usize, nested: bool) -> Result<(Vec<Token>, usize), String> {
    let mut tokens = Vec::new();
    while i < p.len() {
        match p[i] {
            ',' | '}' if nested => return Ok((tokens, i)),
            '*' => {
                if p.get(i + 1) == Some(&'*') {
                    tokens.push(Token::Super);
                    i += 2;
                } else {
                    tokens.push(Token::Any);
                    i += 1;
                }
            }
            '?' => {
                tokens.push(Token::Single);
                i += 1;
            }
            '\\' => {
                let c = *p.get(i + 1).ok_or("pattern ends with a backslash")?;
                tokens.push(Token::Literal(c));
                i += 2;
            }
            '[' => {
                i += 1;
                let negated = p.get(i) == Some(&'!');
                if negated {
                    i += 1;
                }
                let mut ranges = Vec::new();
                while p.get(i) != Some(&']') {
                    let lo = *p.get(i).ok_or("unclosed character class")?;
                    if p.get(i + 1) == Some(&'-') && p.get(i + 2).is_some_and(|&c| c != ']') {
                        ranges.push((lo, p[i + 2]));
                        i += 3;
                    } else {
                        ranges.push((lo, lo));
                        i += 1;
                    }
                }
                tokens.push(Token::Class { negated, ranges });
                i += 1;
            }
            '{' => {
                let mut alternatives = Vec::new();
                i += 1;
                loop {
                    let (alt, next) = parse(p, i, true)?;
                    alternatives.push(alt);
                    match p.get(next) {
                        Some(',') => i = next + 1,
                        Some('}') => {
                            i = next + 1;
                            break;
                        }
                        _ => return Err("unclosed alternatives".into()),
                    }
                }
                tokens.push(Token::Alternatives(alternatives));
            }
            c => {
                tokens.push(Token::Literal(c));
                i += 1;
            }
        }
    }
    Ok((tokens, i))
}

fn match_tokens(tokens: &[Token], name: &[char]) -> bool {
    let Some(first) = tokens.first() else {
        return name.is_empty();
    };
    let rest = &tokens[1..];
    match first {
        Token::Literal(c) => name.first() == Some(c) && match_tokens(rest, &name[1..]),
        Token::Single => name.first().is_some_and(|&c| c != '/') && match_tokens(rest, &name[1..]),
        Token::Class { negated, ranges } => match name.first() {
            Some(&c) => {
                let inside = ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi);
                inside != *negated && match_tokens(rest, &name[1..])
            }
            None => false,
        },
        Token::Any => (0..=name.len())
            .take_while(|&n| n == 0 || name[n - 1] != '/')
            .any(|n| match_tokens(rest, &name[n..])),
        Token::Super => (0..=name.len()).any(|n| match_tokens(rest, &name[n..])),
        Token::Alternatives(alternatives) => alternatives.iter().any(|alt| {
            let mut combined = alt.clone();
            combined.extend_from_slice(rest);
            match_tokens(&combined, name)
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::Glob;

    #[test]
    fn matches_like_gobwas_with_slash_separator() {
        let m = |p: &str, n: &str| Glob::compile(p).unwrap().matches(n);
        assert!(m("files/*.conf", "files/a.conf"));
        assert!(!m("files/*.conf", "files/sub/a.conf"));
        assert!(m("files/**.conf", "files/sub/a.conf"));
        assert!(m("files/**", "files/a/b/c"));
        assert!(m("*.{yaml,json}", "a.json"));
        assert!(!m("*.{yaml,json}", "a.txt"));
        assert!(m("config/[a-c]?.txt", "config/b1.txt"));
        assert!(!m("config/[!a-c]?.txt", "config/b1.txt"));
        assert!(m("dashboards/*", "dashboards/x.json"));
    }
}
