//! `semver` and `semverCompare`: Masterminds/semver v3.4.0 (the version helm 4.1.4
//! builds with) — coercing version parsing, the `*semver.Version` object, and
//! constraint ranges (`>=1.19-0`, `^1.2`, `~1.2.x`, `1 - 2`, `||`, commas) with
//! their prerelease rules.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, RwLock};

use gotmpl::{FuncError, GoType, Object, Signature, UintKind, Value};
use regex_lite::Regex;

use crate::ty::STRING;
use crate::{str_arg, Registry};

pub(crate) fn register(r: &mut Registry) {
    r.add(&["semver"], vec![STRING], |a| {
        let v = Version::parse(str_arg(&a, 0)).map_err(FuncError::new)?;
        Ok(Value::Object(Arc::new(v)))
    });
    r.add(&["semverCompare"], vec![STRING, STRING], |a| {
        let c = Constraints::parse_cached(str_arg(&a, 0)).map_err(FuncError::new)?;
        let v = Version::parse(str_arg(&a, 1)).map_err(FuncError::new)?;
        Ok(c.check(&v).into())
    });
}

const CV: &str = r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";
const OPS: &str = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^";
const SPACE: &str = r"[\t\n\x0C\r ]";

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|_| Regex::new("$^").expect("trivial pattern"))
}

/// What Masterminds' loose version pattern
/// `^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-(IDENTS))?(\+(IDENTS))?$` (IDENTS being
/// dot-separated runs of `[0-9A-Za-z-]`) captures: major, minor and patch (these
/// two with their dot, or empty), prerelease and metadata (empty when absent).
/// Each part is followed by a character the one before cannot take, so reading
/// greedily finds the match the pattern does.
fn loose_parts(v: &str) -> Option<[&str; 5]> {
    let b = v.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'v'));
    let digits = |from: usize| from + b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let major = i..digits(i);
    if major.is_empty() {
        return None;
    }
    i = major.end;
    let mut dotted = [i..i, i..i];
    for part in &mut dotted {
        if b.get(i) == Some(&b'.') {
            let end = digits(i + 1);
            if end == i + 1 {
                return None;
            }
            *part = i..end;
            i = end;
        } else {
            *part = i..i;
        }
    }
    let tagged = |marker: u8, i: &mut usize| -> Option<std::ops::Range<usize>> {
        if b.get(*i) != Some(&marker) {
            return Some(*i..*i);
        }
        let start = *i + 1;
        let end = start
            + b[start..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.'))
                .count();
        if b[start..end]
            .split(|&c| c == b'.')
            .any(|ident| ident.is_empty())
        {
            return None;
        }
        *i = end;
        Some(start..end)
    };
    let pre = tagged(b'-', &mut i)?;
    let metadata = tagged(b'+', &mut i)?;
    (i == b.len()).then(|| {
        [
            &v[major],
            &v[dotted[0].clone()],
            &v[dotted[1].clone()],
            &v[pre],
            &v[metadata],
        ]
    })
}
static CONSTRAINT: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"^{SPACE}*({OPS}){SPACE}*({CV}){SPACE}*$")));
static RANGE: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"{SPACE}*({CV}){SPACE}+-{SPACE}+({CV}){SPACE}*")));
static FIND: LazyLock<Regex> = LazyLock::new(|| re(&format!(r"({OPS}){SPACE}*({CV})")));
static VALID: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"^({SPACE}*({OPS}){SPACE}*({CV}){SPACE}*)((?:{SPACE}+|,{SPACE}*)({OPS}){SPACE}*({CV}){SPACE}*)*$"
    ))
});

const INVALID: &str = "invalid semantic version";

/// A `*semver.Version`.
#[derive(Clone, Debug, PartialEq)]
pub struct Version {
    major: u64,
    minor: u64,
    patch: u64,
    pre: String,
    metadata: String,
    original: String,
}

fn all_in(s: &str, allowed: impl Fn(u8) -> bool) -> bool {
    s.bytes().all(allowed)
}

fn validate_prerelease(p: &str) -> Result<(), String> {
    for part in p.split('.') {
        if part.is_empty() {
            return Err("invalid prerelease string".into());
        }
        if all_in(part, |c| c.is_ascii_digit()) {
            if part.len() > 1 && part.starts_with('0') {
                return Err("version segment starts with 0".into());
            }
        } else if !all_in(part, |c| c.is_ascii_alphanumeric() || c == b'-') {
            return Err("invalid prerelease string".into());
        }
    }
    Ok(())
}

fn validate_metadata(m: &str) -> Result<(), String> {
    if m.split('.')
        .any(|p| p.is_empty() || !all_in(p, |c| c.is_ascii_alphanumeric() || c == b'-'))
    {
        return Err("invalid metadata string".into());
    }
    Ok(())
}

fn segment(s: &str) -> Result<u64, String> {
    s.trim_start_matches('.').parse::<u64>().map_err(|_| {
        format!(
            "error parsing version segment: strconv.ParseUint: parsing {}: value out of range",
            gotmpl::gofmt::quote(s.trim_start_matches('.'))
        )
    })
}

impl Version {
    /// `semver.NewVersion` (coercing: `v1`, `1.2` and leading zeros are accepted).
    pub fn parse(v: &str) -> Result<Version, String> {
        let [major, minor, patch, pre, metadata] = loose_parts(v).ok_or(INVALID)?;
        let version = Version {
            major: segment(major)?,
            minor: if minor.is_empty() { 0 } else { segment(minor)? },
            patch: if patch.is_empty() { 0 } else { segment(patch)? },
            pre: pre.to_string(),
            metadata: metadata.to_string(),
            original: v.to_string(),
        };
        if !version.pre.is_empty() {
            validate_prerelease(&version.pre)?;
        }
        if !version.metadata.is_empty() {
            validate_metadata(&version.metadata)?;
        }
        Ok(version)
    }

    fn compare(&self, o: &Version) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(o.major, o.minor, o.patch))
            .then_with(|| match (self.pre.is_empty(), o.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => compare_prerelease(&self.pre, &o.pre),
            })
    }

    fn v_prefix(&self) -> &str {
        if self.original.starts_with('v') {
            "v"
        } else {
            ""
        }
    }

    fn bumped(&self, major: u64, minor: u64, patch: u64) -> Version {
        let mut next = Version {
            major,
            minor,
            patch,
            pre: String::new(),
            metadata: String::new(),
            original: String::new(),
        };
        next.original = format!("{}{next}", self.v_prefix());
        next
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        if !self.metadata.is_empty() {
            write!(f, "+{}", self.metadata)?;
        }
        Ok(())
    }
}

fn compare_prerelease(a: &str, b: &str) -> Ordering {
    let (sa, sb): (Vec<&str>, Vec<&str>) = (a.split('.').collect(), b.split('.').collect());
    for i in 0..sa.len().max(sb.len()) {
        let d = compare_pre_part(
            sa.get(i).copied().unwrap_or(""),
            sb.get(i).copied().unwrap_or(""),
        );
        if d != Ordering::Equal {
            return d;
        }
    }
    Ordering::Equal
}

fn compare_pre_part(s: &str, o: &str) -> Ordering {
    if s == o {
        return Ordering::Equal;
    }
    if s.is_empty() {
        return Ordering::Less;
    }
    if o.is_empty() {
        return Ordering::Greater;
    }
    match (s.parse::<u64>(), o.parse::<u64>()) {
        (Err(_), Err(_)) => {
            if s > o {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        (Ok(si), Ok(oi)) => {
            if si > oi {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
    }
}

impl Object for Version {
    fn type_name(&self) -> String {
        "*semver.Version".into()
    }

    fn field(&self, _name: &str) -> Option<Value> {
        None
    }

    fn method(&self, name: &str) -> Option<Signature> {
        let v = GoType::Named("*semver.Version".into());
        Some(match name {
            "Major" | "Minor" | "Patch" | "Prerelease" | "Metadata" | "Original" | "String"
            | "IncMajor" | "IncMinor" | "IncPatch" => Signature::new(vec![]),
            "LessThan" | "LessThanEqual" | "GreaterThan" | "GreaterThanEqual" | "Equal"
            | "Compare" => Signature::new(vec![v]),
            _ => return None,
        })
    }

    fn call_method(&self, name: &str, args: Vec<Value>) -> Result<Value, FuncError> {
        let other = || -> Result<Version, FuncError> {
            let shown = match args.first() {
                Some(Value::Object(o)) => o.call_method("Original", vec![])?,
                _ => return Err(crate::nil_deref()),
            };
            Version::parse(shown.as_str().unwrap_or("")).map_err(FuncError::new)
        };
        let uint = |v: u64| Value::Uint(v, UintKind::Uint64);
        let obj = |v: Version| Value::Object(Arc::new(VersionValue(v)));
        Ok(match name {
            "Major" => uint(self.major),
            "Minor" => uint(self.minor),
            "Patch" => uint(self.patch),
            "Prerelease" => self.pre.clone().into(),
            "Metadata" => self.metadata.clone().into(),
            "Original" => self.original.clone().into(),
            "String" => self.to_string().into(),
            "IncMajor" => obj(self.bumped(self.major.wrapping_add(1), 0, 0)),
            "IncMinor" => obj(self.bumped(self.major, self.minor.wrapping_add(1), 0)),
            "IncPatch" if !self.pre.is_empty() => {
                obj(self.bumped(self.major, self.minor, self.patch))
            }
            "IncPatch" => obj(self.bumped(self.major, self.minor, self.patch.wrapping_add(1))),
            "LessThan" => (self.compare(&other()?) == Ordering::Less).into(),
            "LessThanEqual" => (self.compare(&other()?) != Ordering::Greater).into(),
            "GreaterThan" => (self.compare(&other()?) == Ordering::Greater).into(),
            "GreaterThanEqual" => (self.compare(&other()?) != Ordering::Less).into(),
            "Equal" => (self.compare(&other()?) == Ordering::Equal).into(),
            "Compare" => Value::int(self.compare(&other()?) as i64),
            _ => return Err(FuncError::new(format!("no method {name}"))),
        })
    }

    fn stringer(&self) -> Option<String> {
        Some(self.to_string())
    }
}

/// A `semver.Version` value (what the `Inc*` methods return).
#[derive(Debug)]
struct VersionValue(Version);

impl Object for VersionValue {
    fn type_name(&self) -> String {
        "semver.Version".into()
    }

    fn field(&self, _name: &str) -> Option<Value> {
        None
    }

    /// Only the value-receiver methods: the others need an addressable version.
    fn method(&self, name: &str) -> Option<Signature> {
        match name {
            "Original" | "LessThan" | "LessThanEqual" | "GreaterThan" | "GreaterThanEqual"
            | "Equal" | "Compare" => None,
            _ => self.0.method(name),
        }
    }

    fn call_method(&self, name: &str, args: Vec<Value>) -> Result<Value, FuncError> {
        self.0.call_method(name, args)
    }

    fn is_pointer(&self) -> bool {
        false
    }

    fn stringer(&self) -> Option<String> {
        Some(self.0.to_string())
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    TildeOrEqual,
    NotEqual,
    Greater,
    Less,
    GreaterEqual,
    LessEqual,
    Tilde,
    Caret,
}

#[derive(Debug)]
struct Constraint {
    con: Version,
    op: Op,
    minor_dirty: bool,
    patch_dirty: bool,
    dirty: bool,
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "X" | "*")
}

impl Constraint {
    fn parse(c: &str) -> Result<Constraint, String> {
        let caps = CONSTRAINT
            .captures(c)
            .ok_or_else(|| format!("improper constraint: {c}"))?;
        let g = |i: usize| caps.get(i).map_or("", |m| m.as_str());
        let op = match g(1) {
            "" | "=" => Op::TildeOrEqual,
            "!=" => Op::NotEqual,
            ">" => Op::Greater,
            "<" => Op::Less,
            ">=" | "=>" => Op::GreaterEqual,
            "<=" | "=<" => Op::LessEqual,
            "~" | "~>" => Op::Tilde,
            _ => Op::Caret,
        };
        let (major, minor, patch, pre) = (g(3), g(4), g(5), g(6));
        let (mut minor_dirty, mut patch_dirty, mut dirty) = (false, false, false);
        let ver = if is_x(major) || major.is_empty() {
            dirty = true;
            format!("0.0.0{pre}")
        } else if is_x(minor.trim_start_matches('.')) || minor.is_empty() {
            minor_dirty = true;
            dirty = true;
            format!("{major}.0.0{pre}")
        } else if is_x(patch.trim_start_matches('.')) || patch.is_empty() {
            dirty = true;
            patch_dirty = true;
            format!("{major}{minor}.0{pre}")
        } else {
            g(2).to_string()
        };
        let con = Version::parse(&ver).map_err(|_| "constraint parser error".to_string())?;
        Ok(Constraint {
            con,
            op,
            minor_dirty,
            patch_dirty,
            dirty,
        })
    }

    fn check(&self, v: &Version, include_pre: bool) -> bool {
        if !v.pre.is_empty() && !include_pre {
            return false;
        }
        let c = &self.con;
        let lt = |a: &Version, b: &Version| a.compare(b) == Ordering::Less;
        match self.op {
            Op::NotEqual => {
                if self.dirty {
                    if c.major != v.major {
                        return true;
                    }
                    if c.minor != v.minor && !self.minor_dirty {
                        return true;
                    } else if self.minor_dirty {
                        return false;
                    } else if c.patch != v.patch && !self.patch_dirty {
                        return true;
                    } else if self.patch_dirty {
                        if !v.pre.is_empty() || !c.pre.is_empty() {
                            return compare_prerelease(&v.pre, &c.pre) != Ordering::Equal;
                        }
                        return false;
                    }
                }
                v.compare(c) != Ordering::Equal
            }
            Op::Greater => {
                if !self.dirty {
                    return v.compare(c) == Ordering::Greater;
                }
                if v.major > c.major {
                    true
                } else if v.major < c.major || self.minor_dirty {
                    false
                } else if self.patch_dirty {
                    v.minor > c.minor
                } else {
                    v.compare(c) == Ordering::Greater
                }
            }
            Op::Less => lt(v, c),
            Op::GreaterEqual => !lt(v, c),
            Op::LessEqual => {
                if !self.dirty {
                    return v.compare(c) != Ordering::Greater;
                }
                !(v.major > c.major || v.major == c.major && v.minor > c.minor && !self.minor_dirty)
            }
            Op::Tilde => self.tilde(v),
            Op::TildeOrEqual => {
                if self.dirty {
                    self.tilde(v)
                } else {
                    v.compare(c) == Ordering::Equal
                }
            }
            Op::Caret => {
                if lt(v, c) {
                    return false;
                }
                if c.major > 0 || self.minor_dirty {
                    return v.major == c.major;
                }
                if v.major > 0 {
                    return false;
                }
                if c.minor > 0 || self.patch_dirty {
                    return v.minor == c.minor;
                }
                if v.minor > 0 {
                    return false;
                }
                c.patch == v.patch
            }
        }
    }

    fn tilde(&self, v: &Version) -> bool {
        let c = &self.con;
        if v.compare(c) == Ordering::Less {
            return false;
        }
        if c.major == 0 && c.minor == 0 && c.patch == 0 && !self.minor_dirty && !self.patch_dirty {
            return true;
        }
        if v.major != c.major {
            return false;
        }
        v.minor == c.minor || self.minor_dirty
    }
}

/// A parsed constraint string: alternatives (`||`) of conjunctions.
struct Constraints {
    alternatives: Vec<(Vec<Constraint>, bool)>,
}

/// Constraint strings already parsed: charts test the same few (`>=1.19-0`...)
/// in many templates, and parsing one runs several regular expressions.
type ParsedConstraints = HashMap<String, Result<Arc<Constraints>, String>>;

static PARSED: LazyLock<RwLock<ParsedConstraints>> = LazyLock::new(Default::default);

/// How many distinct constraint strings [`PARSED`] keeps.
const PARSED_LIMIT: usize = 1024;

impl Constraints {
    /// [`Constraints::parse`], remembered for the life of the process.
    fn parse_cached(c: &str) -> Result<Arc<Constraints>, String> {
        if let Some(parsed) = PARSED.read().unwrap_or_else(|e| e.into_inner()).get(c) {
            return parsed.clone();
        }
        let parsed = Constraints::parse(c).map(Arc::new);
        let mut cache = PARSED.write().unwrap_or_else(|e| e.into_inner());
        if cache.len() < PARSED_LIMIT {
            cache.insert(c.to_string(), parsed.clone());
        }
        parsed
    }

    fn parse(c: &str) -> Result<Constraints, String> {
        let c = rewrite_range(c);
        let mut alternatives = Vec::new();
        for part in c.split("||") {
            if !VALID.is_match(part) {
                return Err(format!("improper constraint: {part}"));
            }
            let mut found: Vec<&str> = FIND.find_iter(part).map(|m| m.as_str()).collect();
            if found.is_empty() {
                found.push(part);
            }
            let mut list = Vec::new();
            let mut has_pre = false;
            for s in found {
                let pc = Constraint::parse(s)?;
                has_pre |= !pc.con.pre.is_empty();
                list.push(pc);
            }
            alternatives.push((list, has_pre));
        }
        Ok(Constraints { alternatives })
    }

    fn check(&self, v: &Version) -> bool {
        self.alternatives
            .iter()
            .any(|(list, pre)| list.iter().all(|c| c.check(v, *pre)))
    }
}

/// Rewrites `A - B` ranges as `>= A, <= B`.
fn rewrite_range(i: &str) -> String {
    let mut out = i.to_string();
    for caps in RANGE.captures_iter(i) {
        let whole = caps.get(0).map_or("", |m| m.as_str());
        let from = caps.get(1).map_or("", |m| m.as_str());
        let to = caps.get(11).map_or("", |m| m.as_str());
        out = out.replacen(whole, &format!(">= {from}, <= {to} "), 1);
    }
    out
}

/// Helm's `IsCompatibleRange`: whether `version` satisfies `constraint`, false
/// when either does not parse.
pub fn is_compatible_range(constraint: &str, version: &str) -> bool {
    match (
        Constraints::parse_cached(constraint),
        Version::parse(version),
    ) {
        (Ok(c), Ok(v)) => c.check(&v),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(c: &str, v: &str) -> bool {
        Constraints::parse(c)
            .unwrap()
            .check(&Version::parse(v).unwrap())
    }

    /// Masterminds' loose version pattern, the one `loose_parts` reads by hand.
    const LOOSE_PATTERN: &str = r"^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?$";

    #[test]
    fn loose_parts_capture_what_the_pattern_captures() {
        let pattern = Regex::new(LOOSE_PATTERN).unwrap();
        let alphabet = ['v', '0', '7', '.', '-', '+', 'a', 'Z', ' ', 'é'];
        let mut texts = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..5 {
            last = last
                .iter()
                .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
                .collect();
            texts.extend(last.iter().cloned());
        }
        texts.extend(
            [
                "v1.2.3-rc.1+build.5",
                "1.2.3--x",
                "1.2.3-a..b",
                "01.002.3",
                "1.2.3.4",
            ]
            .map(String::from),
        );
        for text in &texts {
            let expected = pattern.captures(text).map(|caps| {
                let group = |i: usize| caps.get(i).map_or("", |m| m.as_str());
                [group(1), group(2), group(3), group(5), group(8)]
            });
            assert_eq!(loose_parts(text), expected, "{text:?}");
        }
    }

    #[test]
    fn constraints() {
        assert!(check(">=1.19-0", "v1.30.0"));
        assert!(check(">=1.19-0", "1.20.0-gke.100"));
        assert!(!check(">=1.19", "1.20.0-gke.100"));
        assert!(check("^1.2.3", "1.9.0"));
        assert!(!check("^0.2.3", "0.3.0"));
        assert!(check("~1.2", "1.2.9"));
        assert!(check("1.2 - 1.4", "1.3.0"));
        assert!(check("<1.0 || >=2.0", "2.1.0"));
        assert!(check(">= 1.2, < 3", "2.0.0"));
    }
}
