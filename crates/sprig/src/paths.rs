//! Slash-separated paths: Go's `path.Base`, `Dir`, `Clean`, `Ext` and `IsAbs`, and
//! the `os*` forms, which are `path/filepath`'s and behave the same on Unix.

use crate::ty::STRING;
use crate::{str_arg, Registry};

pub(crate) fn register(r: &mut Registry) {
    r.add(&["base", "osBase"], vec![STRING], |a| {
        Ok(base(str_arg(&a, 0)).into())
    });
    r.add(&["dir", "osDir"], vec![STRING], |a| {
        Ok(dir(str_arg(&a, 0)).into())
    });
    r.add(&["clean", "osClean"], vec![STRING], |a| {
        Ok(clean(str_arg(&a, 0)).into())
    });
    r.add(&["ext", "osExt"], vec![STRING], |a| {
        Ok(ext(str_arg(&a, 0)).into())
    });
    r.add(&["isAbs", "osIsAbs"], vec![STRING], |a| {
        Ok(str_arg(&a, 0).starts_with('/').into())
    });
}

/// `path.Base`: the last element, trailing slashes ignored.
fn base(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let trimmed = p.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".into();
    }
    match trimmed.rfind('/') {
        Some(i) => trimmed[i + 1..].into(),
        None => trimmed.into(),
    }
}

/// `path.Dir`: everything before the last element, cleaned.
fn dir(p: &str) -> String {
    let cut = p.rfind('/').map_or(0, |i| i + 1);
    clean(&p[..cut])
}

/// `path.Ext`: the suffix from the final dot of the last element.
fn ext(p: &str) -> String {
    for (i, b) in p.bytes().enumerate().rev() {
        match b {
            b'/' => break,
            b'.' => return p[i..].into(),
            _ => {}
        }
    }
    String::new()
}

/// `path.Clean`: the shortest equivalent path by lexical processing.
pub(crate) fn clean(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for elem in p.split('/') {
        match elem {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            e => parts.push(e),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_go_path() {
        assert_eq!(clean("a/../../b/./c//"), "../b/c");
        assert_eq!(clean("/../a"), "/a");
        assert_eq!(dir("/a/b/"), "/a/b");
        assert_eq!(dir("abc"), ".");
        assert_eq!(base("/a/b/"), "b");
        assert_eq!(ext("a/b.tar.gz"), ".gz");
        assert_eq!(ext("a.b/c"), "");
    }
}
