//! Owns decryption of a whole file in memory: every value under the file's rule
//! decrypted with its key path as AAD, the MAC recomputed over the plaintext and
//! compared with the stored one, so any altered value, key or MAC is refused.

use zeroize::Zeroizing;

use crate::cipher::{self, Stash};
use crate::error::{Error, Result};
use crate::format::Format;
use crate::keysource::KeySources;
use crate::mac::Mac;
use crate::metadata::Metadata;
use crate::stores;
use crate::tree::{Branches, Value};
use crate::walk::{aad, walk, Leaf};

/// A decrypted file: plaintext documents (wiped on drop), its metadata and data key.
pub struct Decrypted {
    pub branches: Branches,
    pub metadata: Metadata,
    pub data_key: Zeroizing<Vec<u8>>,
    /// Nonces of the values as read, for re-encryption with minimal change.
    pub stash: Stash,
}

struct Decryptor<'a> {
    key: &'a [u8],
    mac: Mac,
    only_encrypted: bool,
    stash: &'a mut Stash,
}

impl Leaf for Decryptor<'_> {
    fn leaf(
        &mut self,
        value: &mut Value,
        path: &[String],
        encrypted: bool,
        _in_seq: bool,
    ) -> Result<()> {
        if encrypted {
            let aad = aad(path);
            match value {
                Value::Comment(c) => {
                    if let Ok(v) = cipher::decrypt_stashed(c, self.key, &aad, self.stash) {
                        *value = match v {
                            Value::Comment(c) | Value::Str(c) => Value::Comment(c),
                            other => other,
                        };
                    }
                }
                Value::Str(s) => *value = cipher::decrypt_stashed(s, self.key, &aad, self.stash)?,
                _ => {
                    return Err(Error::Value(format!(
                        "Could not decrypt value at {aad}: expected an encrypted string, found an unencrypted value"
                    )))
                }
            }
        }
        if (!self.only_encrypted || encrypted) && !matches!(value, Value::Comment(_)) {
            self.mac.add(value);
        }
        Ok(())
    }
}

/// Decrypts documents with a known data key and checks the MAC.
pub fn decrypt_with_key(
    mut branches: Vec<Vec<crate::tree::Entry>>,
    metadata: Metadata,
    key: Zeroizing<Vec<u8>>,
) -> Result<Decrypted> {
    let mut stash = Stash::default();
    let mut d = Decryptor {
        key: &key,
        mac: Mac::new(metadata.mac_only_encrypted),
        only_encrypted: metadata.mac_only_encrypted,
        stash: &mut stash,
    };
    let result = walk(&mut branches, &metadata.rule.compile(), &mut d);
    let computed = std::mem::replace(&mut d.mac, Mac::new(false)).finish();
    let branches = Branches(branches);
    result?;
    let stored = match cipher::decrypt(&metadata.mac, &key, &metadata.last_modified.rfc3339()) {
        Ok(Value::Str(s)) => s,
        Ok(_) => return Err(Error::MacUnreadable("the MAC is not a string".into())),
        Err(e) => return Err(Error::MacUnreadable(e.to_string())),
    };
    if stored != computed {
        let stored = if stored.is_empty() {
            "no MAC".to_string()
        } else {
            stored
        };
        return Err(Error::MacMismatch { stored, computed });
    }
    Ok(Decrypted {
        branches,
        metadata,
        data_key: key,
        stash,
    })
}

/// Reads and decrypts a file held in memory with the keys discovered.
pub fn decrypt(bytes: &[u8], format: Format, keys: &KeySources) -> Result<Decrypted> {
    let (branches, metadata) = stores::load_encrypted(format, bytes)?;
    let key = keys.data_key(&metadata).map_err(Error::NoKey)?;
    decrypt_with_key(branches, metadata, key)
}
