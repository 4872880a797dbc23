//! Regular expressions with Go's `regexp` behaviour on top of the `regex` crate:
//! RE2 syntax with Go's ASCII-only `\d`, `\s`, `\w` and `\b`, Go's handling of
//! empty matches in `FindAll`, `ReplaceAll` and `Split`, Go's `$name` expansion,
//! `QuoteMeta`, and Go's compile error texts for the common syntax errors. The
//! plain forms panic (through `MustCompile`) where the `must` forms return errors.
//! Compiled expressions are cached for the process, as charts repeat a handful of
//! patterns many times, and shared rather than cloned: a clone of a `Regex`
//! starts without the matching caches the original has built.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use gotmpl::{gofmt, FuncError, Value};
use regex::Regex;

use crate::ty::{INT, STRING};
use crate::{int_arg, str_arg, string_list, Registry};

pub(crate) fn register(r: &mut Registry) {
    r.add(&["regexMatch"], vec![STRING, STRING], |a| {
        Ok(compile(str_arg(&a, 0))
            .is_ok_and(|re| re.is_match(str_arg(&a, 1)))
            .into())
    });
    r.add(&["mustRegexMatch"], vec![STRING, STRING], |a| {
        Ok(compile(str_arg(&a, 0))
            .map_err(FuncError::new)?
            .is_match(str_arg(&a, 1))
            .into())
    });
    let find_all = |a: &[Value], re: &Regex| {
        let s = str_arg(a, 1);
        string_list(
            matches(re, s, int_arg(a, 2))
                .into_iter()
                .map(|(x, y)| s[x..y].to_string())
                .collect(),
        )
    };
    r.add(&["regexFindAll"], vec![STRING, STRING, INT], move |a| {
        Ok(find_all(&a, &*must(str_arg(&a, 0))?))
    });
    r.add(&["mustRegexFindAll"], vec![STRING, STRING, INT], move |a| {
        Ok(find_all(
            &a,
            &*compile(str_arg(&a, 0)).map_err(FuncError::new)?,
        ))
    });
    let find =
        |a: &[Value], re: &Regex| Value::from(re.find(str_arg(a, 1)).map_or("", |m| m.as_str()));
    r.add(&["regexFind"], vec![STRING, STRING], move |a| {
        Ok(find(&a, &*must(str_arg(&a, 0))?))
    });
    r.add(&["mustRegexFind"], vec![STRING, STRING], move |a| {
        Ok(find(&a, &*compile(str_arg(&a, 0)).map_err(FuncError::new)?))
    });
    r.add(&["regexReplaceAll"], vec![STRING, STRING, STRING], |a| {
        Ok(replace_all(
            &*must(str_arg(&a, 0))?,
            str_arg(&a, 1),
            str_arg(&a, 2),
            true,
        )
        .into())
    });
    r.add(
        &["mustRegexReplaceAll"],
        vec![STRING, STRING, STRING],
        |a| {
            let re = compile(str_arg(&a, 0)).map_err(FuncError::new)?;
            Ok(replace_all(&re, str_arg(&a, 1), str_arg(&a, 2), true).into())
        },
    );
    r.add(
        &["regexReplaceAllLiteral"],
        vec![STRING, STRING, STRING],
        |a| {
            Ok(replace_all(
                &*must(str_arg(&a, 0))?,
                str_arg(&a, 1),
                str_arg(&a, 2),
                false,
            )
            .into())
        },
    );
    r.add(
        &["mustRegexReplaceAllLiteral"],
        vec![STRING, STRING, STRING],
        |a| {
            let re = compile(str_arg(&a, 0)).map_err(FuncError::new)?;
            Ok(replace_all(&re, str_arg(&a, 1), str_arg(&a, 2), false).into())
        },
    );
    r.add(&["regexSplit"], vec![STRING, STRING, INT], |a| {
        let re = must(str_arg(&a, 0))?;
        Ok(split(&re, str_arg(&a, 0), str_arg(&a, 1), int_arg(&a, 2)))
    });
    r.add(&["mustRegexSplit"], vec![STRING, STRING, INT], |a| {
        let re = compile(str_arg(&a, 0)).map_err(FuncError::new)?;
        Ok(split(&re, str_arg(&a, 0), str_arg(&a, 1), int_arg(&a, 2)))
    });
    r.add(&["regexQuoteMeta"], vec![STRING], |a| {
        Ok(quote_meta(str_arg(&a, 0)).into())
    });
}

/// `regexp.MustCompile`: a compile error is a panic naming the expression.
fn must(expr: &str) -> Result<Arc<Regex>, FuncError> {
    compile(expr).map_err(|e| {
        let quoted = if gofmt::can_backquote(expr.as_bytes()) {
            format!("`{expr}`")
        } else {
            gofmt::quote(expr)
        };
        FuncError::new(format!("regexp: Compile({quoted}): {e}"))
    })
}

/// How many compiled expressions the cache keeps before starting afresh.
const CACHE_LIMIT: usize = 512;

/// `regexp.Compile`, with Go's error text.
pub(crate) fn compile(expr: &str) -> Result<Arc<Regex>, String> {
    type Cache = Mutex<HashMap<String, Result<Arc<Regex>, String>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Cache::default);
    if let Some(compiled) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(expr) {
        return compiled.clone();
    }
    let compiled = match go_syntax_error(expr) {
        Some(e) => Err(format!("error parsing regexp: {e}")),
        None => Regex::new(&translate(expr)).map(Arc::new).map_err(|_| {
            format!("error parsing regexp: invalid or unsupported Perl syntax: `{expr}`")
        }),
    };
    let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
    if cache.len() >= CACHE_LIMIT {
        cache.clear();
    }
    cache.insert(expr.to_string(), compiled.clone());
    compiled
}

/// Rewrites Go's ASCII-only Perl classes and word boundaries for the `regex`
/// crate, whose classes are Unicode-aware.
fn translate(expr: &str) -> String {
    let mut out = String::with_capacity(expr.len() + 8);
    let mut chars = expr.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        if c == '\\' {
            let Some(n) = chars.next() else {
                out.push('\\');
                break;
            };
            let class = match n {
                'd' => Some(("0-9", false)),
                'D' => Some(("0-9", true)),
                's' => Some(("\\t\\n\\x0C\\r ", false)),
                'S' => Some(("\\t\\n\\x0C\\r ", true)),
                'w' => Some(("0-9A-Za-z_", false)),
                'W' => Some(("0-9A-Za-z_", true)),
                _ => None,
            };
            match (class, in_class) {
                (Some((set, neg)), false) => {
                    out.push_str(&format!("[{}{set}]", if neg { "^" } else { "" }))
                }
                (Some((set, false)), true) => out.push_str(set),
                (Some((set, true)), true) => out.push_str(&format!("[^{set}]")),
                (None, false) if n == 'b' || n == 'B' => out.push_str(&format!("(?-u:\\{n})")),
                _ => {
                    out.push('\\');
                    out.push(n);
                }
            }
            continue;
        }
        if in_class {
            if c == '[' && chars.peek() == Some(&':') {
                out.push(c);
                for d in chars.by_ref() {
                    out.push(d);
                    if d == ']' {
                        break;
                    }
                }
                continue;
            }
            if c == ']' {
                in_class = false;
            }
            out.push(c);
            continue;
        }
        if c == '[' {
            in_class = true;
            out.push(c);
            if chars.peek() == Some(&'^') {
                out.push('^');
                chars.next();
            }
            if chars.peek() == Some(&']') {
                out.push_str("\\]");
                chars.next();
            }
            continue;
        }
        out.push(c);
    }
    out
}

/// Go's messages for the syntax errors charts are likely to make.
fn go_syntax_error(expr: &str) -> Option<String> {
    let b = expr.as_bytes();
    let mut depth: Vec<usize> = Vec::new();
    let mut i = 0;
    let mut prev_repeat = false;
    let mut can_repeat = false;
    while i < b.len() {
        let c = b[i];
        match c {
            b'\\' => {
                let Some(&n) = b.get(i + 1) else {
                    return Some("trailing backslash at end of expression: ``".into());
                };
                if n.is_ascii_alphanumeric() && !b"dDsSwWbBAzpPQEx0123456789aftnrv".contains(&n) {
                    return Some(format!("invalid escape sequence: `\\{}`", n as char));
                }
                i += 2;
                prev_repeat = false;
                can_repeat = true;
                continue;
            }
            b'(' => {
                depth.push(i);
                prev_repeat = false;
                can_repeat = false;
                if b.get(i + 1) == Some(&b'?') {
                    i += 1;
                }
            }
            b')' => {
                if depth.pop().is_none() {
                    return Some(format!("unexpected ): `{expr}`"));
                }
                prev_repeat = false;
                can_repeat = true;
            }
            b'[' => {
                let start = i;
                i += 1;
                if b.get(i) == Some(&b'^') {
                    i += 1;
                }
                if b.get(i) == Some(&b']') {
                    i += 1;
                }
                while i < b.len() && b[i] != b']' {
                    if b[i] == b'\\' {
                        i += 1;
                    } else if b[i] == b'[' && b.get(i + 1) == Some(&b':') {
                        if let Some(end) = expr[i..].find(":]") {
                            i += end + 1;
                        }
                    }
                    i += 1;
                }
                if i >= b.len() {
                    return Some(format!("missing closing ]: `{}`", &expr[start..]));
                }
                prev_repeat = false;
                can_repeat = true;
            }
            b'*' | b'+' | b'?' => {
                let nongreedy_mark = c == b'?' && prev_repeat;
                if !nongreedy_mark {
                    if prev_repeat {
                        return Some(format!(
                            "invalid nested repetition operator: `{}`",
                            &expr[i - 1..=i]
                        ));
                    }
                    if !can_repeat {
                        return Some(format!(
                            "missing argument to repetition operator: `{}`",
                            c as char
                        ));
                    }
                    prev_repeat = true;
                } else {
                    prev_repeat = false;
                    can_repeat = false;
                }
            }
            b'|' => {
                prev_repeat = false;
                can_repeat = false;
            }
            _ => {
                prev_repeat = false;
                can_repeat = true;
            }
        }
        i += 1;
    }
    if !depth.is_empty() {
        return Some(format!("missing closing ): `{expr}`"));
    }
    None
}

/// The width of the character at `pos` (1 past the end).
fn width_at(s: &str, pos: usize) -> usize {
    s[pos..].chars().next().map_or(1, char::len_utf8)
}

/// Go's `FindAllStringIndex(s, n)`: no empty match right after a previous match.
fn matches(re: &Regex, s: &str, n: i64) -> Vec<(usize, usize)> {
    let limit = if n < 0 { usize::MAX } else { n as usize };
    let mut out = Vec::new();
    let (mut pos, mut prev_end) = (0usize, None::<usize>);
    while out.len() < limit && pos <= s.len() {
        let Some(m) = re.find_at(s, pos) else { break };
        let mut accept = true;
        if m.end() == pos {
            if prev_end == Some(m.start()) {
                accept = false;
            }
            pos += width_at(s, pos);
        } else {
            pos = m.end();
        }
        prev_end = Some(m.end());
        if accept {
            out.push((m.start(), m.end()));
        }
    }
    out
}

/// Go's `ReplaceAllString` (`expand`) or `ReplaceAllLiteralString`.
fn replace_all(re: &Regex, src: &str, repl: &str, expand: bool) -> String {
    let mut out = String::with_capacity(src.len());
    let (mut last_end, mut search) = (0usize, 0usize);
    while search <= src.len() {
        let Some(caps) = re.captures_at(src, search) else {
            break;
        };
        let Some(m) = caps.get(0) else { break };
        out.push_str(&src[last_end..m.start()]);
        if m.end() > last_end || m.start() == 0 {
            if expand {
                expand_into(&mut out, re, &caps, repl);
            } else {
                out.push_str(repl);
            }
        }
        last_end = m.end();
        let width = width_at(src, search);
        if search + width > m.end() {
            search += width;
        } else if search + 1 > m.end() {
            search += 1;
        } else {
            search = m.end();
        }
    }
    if last_end <= src.len() {
        out.push_str(&src[last_end..]);
    }
    out
}

/// Go's `Regexp.Expand`: `$name`, `${name}` and `$$`.
fn expand_into(out: &mut String, re: &Regex, caps: &regex::Captures<'_>, template: &str) {
    let mut rest = template;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        rest = &rest[i + 1..];
        if let Some(r) = rest.strip_prefix('$') {
            out.push('$');
            rest = r;
            continue;
        }
        let (name, after) = if let Some(r) = rest.strip_prefix('{') {
            match r.find('}') {
                Some(end)
                    if end > 0
                        && r[..end]
                            .bytes()
                            .all(|c| c.is_ascii_alphanumeric() || c == b'_') =>
                {
                    (&r[..end], &r[end + 1..])
                }
                _ => ("", rest),
            }
        } else {
            let len = rest
                .bytes()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_')
                .count();
            (&rest[..len], &rest[len..])
        };
        if name.is_empty() {
            out.push('$');
            continue;
        }
        rest = after;
        let group = match name.parse::<usize>() {
            Ok(n) => caps.get(n),
            Err(_) => re
                .capture_names()
                .position(|n| n == Some(name))
                .and_then(|i| caps.get(i)),
        };
        if let Some(g) = group {
            out.push_str(g.as_str());
        }
    }
    out.push_str(rest);
}

/// Go's `Regexp.Split`.
fn split(re: &Regex, expr: &str, s: &str, n: i64) -> Value {
    if n == 0 {
        return string_list(Vec::new());
    }
    if !expr.is_empty() && s.is_empty() {
        return string_list(vec![String::new()]);
    }
    let mut parts = Vec::new();
    let (mut beg, mut end) = (0usize, 0usize);
    for (start, stop) in matches(re, s, n) {
        if n > 0 && parts.len() as i64 == n - 1 {
            break;
        }
        end = start;
        if stop != 0 {
            parts.push(s[beg..end].to_string());
        }
        beg = stop;
    }
    if end != s.len() {
        parts.push(s[beg..].to_string());
    }
    string_list(parts)
}

/// Go's `regexp.QuoteMeta`.
fn quote_meta(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
