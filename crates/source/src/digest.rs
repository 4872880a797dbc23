//! SHA-256 digests in the forms charts use: bare hex (index.yaml, cache
//! names) and `sha256:<hex>` (OCI descriptors, Chart.lock).

use sha2::{Digest, Sha256};

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The hex part of `sha256:<hex>` or of a bare hex digest, lowercased.
pub(crate) fn hex_of(digest: &str) -> String {
    digest
        .strip_prefix("sha256:")
        .unwrap_or(digest)
        .to_ascii_lowercase()
}
