//! Owns the message authentication code: SHA-512 over the plaintext of every
//! value in document order, written as uppercase hex, as sops computes it.

use sha2::{Digest, Sha256, Sha512};

use crate::cipher::plaintext;
use crate::tree::Value;

/// Accumulates the MAC of a tree.
pub struct Mac(Sha512);

impl Mac {
    /// A new MAC; with `only_encrypted` it starts from sha256("sops") so that it
    /// never equals a MAC over all values.
    pub fn new(only_encrypted: bool) -> Self {
        let mut h = Sha512::new();
        if only_encrypted {
            h.update(Sha256::digest(b"sops"));
        }
        Mac(h)
    }

    /// Adds a leaf value (comments and nulls add nothing).
    pub fn add(&mut self, value: &Value) {
        if matches!(value, Value::Comment(_)) {
            return;
        }
        if let Some((bytes, _)) = plaintext(value) {
            self.0.update(&*bytes);
        }
    }

    /// The MAC as sops stores it: uppercase hex.
    pub fn finish(self) -> String {
        self.0
            .finalize()
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect()
    }
}
