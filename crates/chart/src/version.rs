//! Which chart versions Helm accepts: Masterminds semver's loose form (`v` prefix,
//! minor and patch optional, leading zeros allowed in them), with prerelease and
//! build identifiers of `[0-9A-Za-z-]`, numeric prerelease identifiers without
//! leading zeros.

/// Whether `text` is a version Helm's `semver.NewVersion` parses.
pub fn is_valid(text: &str) -> bool {
    let text = text.strip_prefix('v').unwrap_or(text);
    let (rest, build) = match text.split_once('+') {
        Some((rest, build)) => (rest, Some(build)),
        None => (text, None),
    };
    let (core, prerelease) = match rest.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (rest, None),
    };
    let numbers: Vec<&str> = core.split('.').collect();
    if numbers.is_empty()
        || numbers.len() > 3
        || numbers
            .iter()
            .any(|n| n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()))
    {
        return false;
    }
    if numbers.iter().any(|n| n.parse::<u64>().is_err()) {
        return false;
    }
    if let Some(pre) = prerelease {
        if !identifiers_ok(pre)
            || pre.split('.').any(|id| {
                id.len() > 1 && id.starts_with('0') && id.bytes().all(|b| b.is_ascii_digit())
            })
        {
            return false;
        }
    }
    build.is_none_or(identifiers_ok)
}

fn identifiers_ok(text: &str) -> bool {
    text.split('.')
        .all(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
}

#[cfg(test)]
mod tests {
    use super::is_valid;

    #[test]
    fn accepts_what_helm_4_accepts() {
        for ok in [
            "01.2.3",
            "1.02",
            "1",
            "1.2",
            "v1.2.3",
            "1.2.3+b.01",
            "0.0.0",
            "1.2.3-rc.1",
            "1.0.0-alpha-1",
        ] {
            assert!(is_valid(ok), "{ok} should be valid");
        }
        for bad in [
            "1.2.3-01",
            "1.2.3-rc.01",
            "1.2.3.4",
            "1.2.3-",
            "1.2.3-a..b",
            "1.2.3-x_y",
            "",
            "v",
            "a.b.c",
            "1..2",
        ] {
            assert!(!is_valid(bad), "{bad} should be invalid");
        }
    }
}
