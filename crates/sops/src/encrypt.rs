//! Owns encryption of a whole tree: values under the rule encrypted with their
//! key path as AAD, a fresh MAC over the plaintext, new metadata for new files
//! (a random data key wrapped for every recipient, split with Shamir across key
//! groups) and re-encryption of an edited file with its existing data key.

use rand::RngCore;
use zeroize::Zeroizing;

use crate::cipher::{self, Stash};
use crate::error::{Error, Result};
use crate::gofmt::Timestamp;
use crate::keys::{age, shamir};
use crate::mac::Mac;
use crate::metadata::{KeyGroup, Matcher, Metadata, Rule};
use crate::tree::{Entry, Value};
use crate::walk::{aad, walk, Leaf};

/// The sops format version berth writes.
pub const FORMAT_VERSION: &str = "3.11.0";

struct Encryptor<'a> {
    key: &'a [u8],
    mac: Mac,
    only_encrypted: bool,
    stash: Option<&'a Stash>,
    matcher: &'a Matcher,
}

impl Leaf for Encryptor<'_> {
    fn leaf(
        &mut self,
        value: &mut Value,
        path: &[String],
        encrypted: bool,
        in_seq: bool,
    ) -> Result<()> {
        let is_comment = matches!(value, Value::Comment(_));
        if (!self.only_encrypted || encrypted) && !is_comment {
            self.mac.add(value);
        }
        if encrypted {
            let aad = aad(path);
            let enc = match self.stash {
                Some(s) => cipher::encrypt_stashed(value, self.key, &aad, s)?,
                None => cipher::encrypt(value, self.key, &aad)?,
            };
            if is_comment {
                if let Matcher::Comment(Some(re), false) = self.matcher {
                    if re.is_match(&enc) {
                        return Err(Error::Encrypt(format!("Encrypted comment {enc:?} matches UnencryptedCommentRegex! Make sure that UnencryptedCommentRegex cannot match an encrypted comment.")));
                    }
                }
            }
            value.wipe();
            *value = if is_comment && !in_seq {
                Value::Comment(enc)
            } else {
                Value::Str(enc)
            };
        }
        Ok(())
    }
}

/// The current time, in UTC, to the second.
pub fn now() -> Timestamp {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400) as u32;
    let (y, m, d) = civil_from_days(days);
    Timestamp {
        year: y,
        month: m,
        day: d,
        hour: rem / 3600,
        minute: rem / 60 % 60,
        second: rem % 60,
        nanos: 0,
        offset: 0,
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian date.
fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y as i32, m, d)
}

/// Encrypts the documents in place with the data key and seals the metadata:
/// new `lastmodified`, MAC over the plaintext encrypted under it.
pub fn encrypt_tree(
    branches: &mut [Vec<Entry>],
    metadata: &mut Metadata,
    key: &[u8],
    stash: Option<&Stash>,
) -> Result<()> {
    let matcher = metadata.rule.compile();
    let mut e = Encryptor {
        key,
        mac: Mac::new(metadata.mac_only_encrypted),
        only_encrypted: metadata.mac_only_encrypted,
        stash,
        matcher: &matcher,
    };
    walk(branches, &matcher, &mut e)?;
    let mac = std::mem::replace(&mut e.mac, Mac::new(false)).finish();
    metadata.last_modified = now();
    metadata.mac = cipher::encrypt(&Value::Str(mac), key, &metadata.last_modified.rfc3339())?;
    Ok(())
}

/// What a new file is encrypted for.
#[derive(Clone, Debug, Default)]
pub struct Recipients {
    /// Key groups of age recipients; one group means no Shamir splitting.
    pub groups: Vec<Vec<String>>,
    /// PGP fingerprints per group (berth cannot encrypt to PGP; listed for errors).
    pub pgp: Vec<Vec<String>>,
    pub shamir_threshold: usize,
    pub rule: Rule,
    pub mac_only_encrypted: bool,
}

/// A fresh random data key wrapped for every recipient, in new metadata.
pub fn new_metadata(r: &Recipients) -> Result<(Metadata, Zeroizing<Vec<u8>>)> {
    if r.pgp.iter().any(|g| !g.is_empty()) {
        return Err(Error::Encrypt(
            "encrypting to PGP keys is not supported by berth; use age recipients".into(),
        ));
    }
    if r.groups.is_empty() || r.groups.iter().any(Vec::is_empty) {
        return Err(Error::Encrypt(
            "no recipients: the creation rule names no age keys".into(),
        ));
    }
    let mut key = Zeroizing::new(vec![0u8; 32]);
    rand::rngs::OsRng.fill_bytes(&mut key);
    let threshold = if r.shamir_threshold == 0 {
        r.groups.len()
    } else {
        r.shamir_threshold
    };
    let parts = if r.groups.len() == 1 {
        vec![key.clone()]
    } else {
        shamir::split(&key, r.groups.len(), threshold).map_err(|e| {
            Error::Encrypt(format!(
                "could not split data key into parts for Shamir: {e}"
            ))
        })?
    };
    let mut key_groups = Vec::new();
    for (group, part) in r.groups.iter().zip(&parts) {
        let mut g = KeyGroup::default();
        for recipient in group {
            let enc = age::wrap(recipient, part)
                .map_err(|e| Error::Encrypt(format!("age recipient {recipient}: {e}")))?;
            g.age.push(crate::metadata::AgeKey {
                recipient: recipient.trim().to_string(),
                enc,
            });
        }
        key_groups.push(g);
    }
    let metadata = Metadata {
        key_groups,
        shamir_threshold: if r.groups.len() > 1 { threshold } else { 0 },
        last_modified: now(),
        mac: String::new(),
        rule: r.rule.clone(),
        mac_only_encrypted: r.mac_only_encrypted,
        version: FORMAT_VERSION.to_string(),
    };
    Ok((metadata, key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }
}
