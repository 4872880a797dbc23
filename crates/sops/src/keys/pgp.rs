//! Owns PGP data keys: loading secret keys from keyring files and unwrapping a
//! data key from the armored PGP message sops stores (pure-Rust OpenPGP).

use pgp::composed::{Deserializable, Message, PublicOrSecret, SignedSecretKey};
use pgp::types::Password;
use zeroize::Zeroizing;

/// Secret keys read from one keyring file.
pub struct PgpKeyring {
    pub source: String,
    pub keys: Vec<SignedSecretKey>,
}

/// Parses every secret key of an armored or binary keyring.
pub fn parse_keyring(source: &str, bytes: &[u8]) -> Result<PgpKeyring, String> {
    let parsed: Vec<_> = if bytes.trim_ascii_start().starts_with(b"-----BEGIN") {
        SignedSecretKey::from_armor_many(bytes)
            .map(|(it, _)| it.collect())
            .or_else(|_| PublicOrSecret::from_armor_many(bytes).map(|(it, _)| secret_only(it)))
            .map_err(|e| format!("malformed PGP keyring: {e}"))?
    } else {
        PublicOrSecret::from_bytes_many(bytes)
            .map(secret_only)
            .map_err(|e| format!("malformed PGP keyring: {e}"))?
    };
    let keys: Vec<SignedSecretKey> = parsed.into_iter().filter_map(Result::ok).collect();
    Ok(PgpKeyring {
        source: source.to_string(),
        keys,
    })
}

fn secret_only<'a>(
    it: Box<dyn Iterator<Item = pgp::errors::Result<PublicOrSecret>> + 'a>,
) -> Vec<pgp::errors::Result<SignedSecretKey>> {
    it.filter_map(|k| match k {
        Ok(PublicOrSecret::Secret(s)) => Some(Ok(s)),
        Ok(PublicOrSecret::Public(_)) => None,
        Err(e) => Some(Err(e)),
    })
    .collect()
}

/// Unwraps a data key from an armored PGP message with any of the keys.
pub fn unwrap(enc: &str, keyrings: &[PgpKeyring]) -> Result<Zeroizing<Vec<u8>>, String> {
    let mut last = "no PGP secret key available".to_string();
    for key in keyrings.iter().flat_map(|k| &k.keys) {
        let (msg, _) =
            Message::from_string(enc).map_err(|e| format!("malformed PGP message: {e}"))?;
        let decrypted = match msg.decrypt(&Password::empty(), key) {
            Ok(m) => m,
            Err(e) => {
                last = e.to_string();
                continue;
            }
        };
        let mut msg = if decrypted.is_compressed() {
            decrypted
                .decompress()
                .map_err(|e| format!("PGP decompression failed: {e}"))?
        } else {
            decrypted
        };
        let data = msg
            .as_data_vec()
            .map_err(|e| format!("PGP message unreadable: {e}"))?;
        return Ok(Zeroizing::new(data));
    }
    Err(last)
}
