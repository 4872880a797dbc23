//! Semantic-version ordering as Masterminds/semver (and so Helm) sorts chart
//! versions: coercing parse (`v1`, `1.2`), prerelease ordering, build metadata
//! ignored. Constraint checks themselves are `sprig::is_compatible_range`.

use std::cmp::Ordering;

/// A parsed version, enough to order versions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SemVer {
    core: (u64, u64, u64),
    pre: String,
}

impl SemVer {
    /// `semver.NewVersion`: `None` when Helm would fail to parse the version.
    pub(crate) fn parse(text: &str) -> Option<SemVer> {
        let v = text.strip_prefix('v').unwrap_or(text);
        let (v, metadata) = match v.split_once('+') {
            Some((v, m)) => (v, Some(m)),
            None => (v, None),
        };
        let (core, pre) = match v.split_once('-') {
            Some((c, p)) => (c, p),
            None => (v, ""),
        };
        let mut numbers = [0u64; 3];
        let parts: Vec<&str> = core.split('.').collect();
        if parts.is_empty() || parts.len() > 3 {
            return None;
        }
        for (slot, part) in numbers.iter_mut().zip(&parts) {
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            *slot = part.parse().ok()?;
        }
        if !pre.is_empty() || v.contains('-') {
            valid_identifiers(pre, true)?;
        }
        if let Some(m) = metadata {
            valid_identifiers(m, false)?;
        }
        Some(SemVer {
            core: (numbers[0], numbers[1], numbers[2]),
            pre: pre.to_string(),
        })
    }
}

fn valid_identifiers(s: &str, numeric_rule: bool) -> Option<()> {
    for part in s.split('.') {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return None;
        }
        if numeric_rule
            && part.len() > 1
            && part.starts_with('0')
            && part.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
    }
    Some(())
}

impl Ord for SemVer {
    fn cmp(&self, other: &SemVer) -> Ordering {
        self.core
            .cmp(&other.core)
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => compare_prerelease(&self.pre, &other.pre),
            })
    }
}

impl PartialOrd for SemVer {
    fn partial_cmp(&self, other: &SemVer) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

fn compare_prerelease(a: &str, b: &str) -> Ordering {
    let a: Vec<&str> = a.split('.').collect();
    let b: Vec<&str> = b.split('.').collect();
    for i in 0..a.len().max(b.len()) {
        let order = compare_part(
            a.get(i).copied().unwrap_or(""),
            b.get(i).copied().unwrap_or(""),
        );
        if order != Ordering::Equal {
            return order;
        }
    }
    Ordering::Equal
}

fn compare_part(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    if a.is_empty() {
        return Ordering::Less;
    }
    if b.is_empty() {
        return Ordering::Greater;
    }
    match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        (Err(_), Err(_)) => a.cmp(b),
    }
}

/// Sorts versions newest first, unparsable ones last, as Helm's
/// `IndexFile.SortEntries` and the registry client's tag listing do.
pub(crate) fn sort_newest_first<T>(items: &mut [T], version: impl Fn(&T) -> &str) {
    items.sort_by(
        |a, b| match (SemVer::parse(version(a)), SemVer::parse(version(b))) {
            (Some(x), Some(y)) => y.cmp(&x),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        },
    );
}

/// Helm's choice among versions sorted newest first: an exact string match,
/// else the newest satisfying the constraint (`*`, so no prereleases, when
/// none is given).
pub(crate) fn select<'a, T>(
    sorted: &'a [T],
    wanted: Option<&str>,
    version: impl Fn(&T) -> &str,
) -> Option<&'a T> {
    let wanted = wanted.filter(|w| !w.is_empty());
    if let Some(w) = wanted {
        if let Some(exact) = sorted.iter().find(|t| version(t) == w) {
            return Some(exact);
        }
    }
    let constraint = wanted.unwrap_or("*");
    sorted.iter().find(|t| {
        SemVer::parse(version(t)).is_some() && sprig::is_compatible_range(constraint, version(t))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> SemVer {
        SemVer::parse(s).unwrap()
    }

    #[test]
    fn orders_like_masterminds() {
        assert!(v("1.2.3") > v("1.2.3-rc.1"));
        assert!(v("1.2.3-rc.10") > v("1.2.3-rc.9"));
        assert!(v("1.2.3-alpha") > v("1.2.3-1"));
        assert!(v("1.2.3-alpha.1") > v("1.2.3-alpha"));
        assert!(v("v2") > v("1.99.99"));
        assert_eq!(v("1.2.3+build.1").cmp(&v("1.2.3")), Ordering::Equal);
        assert!(SemVer::parse("1.2.3.4").is_none());
        assert!(SemVer::parse("1.02.3-01").is_none());
        assert!(SemVer::parse("latest").is_none());
    }

    #[test]
    fn selects_as_helm_index_get() {
        let mut versions = vec!["1.0.0", "2.1.0-rc.1", "1.2.5", "garbage", "2.0.0", "1.2.0"];
        sort_newest_first(&mut versions, |s| s);
        assert_eq!(
            versions,
            ["2.1.0-rc.1", "2.0.0", "1.2.5", "1.2.0", "1.0.0", "garbage"]
        );
        let pick = |w: Option<&str>| select(&versions, w, |s| s).copied();
        assert_eq!(pick(None), Some("2.0.0"));
        assert_eq!(pick(Some("~1.2")), Some("1.2.5"));
        assert_eq!(pick(Some(">=1.0 <2")), Some("1.2.5"));
        assert_eq!(pick(Some("garbage")), Some("garbage"));
        assert_eq!(pick(Some(">=2.1.0-0")), Some("2.1.0-rc.1"));
        assert_eq!(pick(Some("3")), None);
    }
}
