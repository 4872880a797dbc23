//! SOPS files read, decrypted, verified and encrypted entirely in memory: every
//! store sops has (YAML with comments, JSON, dotenv, INI, binary), every value
//! type, every encryption rule, the MAC, age (X25519 and SSH) and PGP data keys,
//! Shamir key groups, and key discovery as sops 3.10+ does it. Plaintext is
//! never written to disk by this crate and is wiped from memory when dropped.
//!
//! This crate depends on no other berth crate.

pub mod cipher;
pub mod decrypt;
pub mod encrypt;
pub mod error;
pub mod format;
pub mod gofmt;
pub mod keys;
pub mod keysource;
pub mod mac;
pub mod metadata;
pub mod rules;
pub mod stores;
pub mod tree;
pub mod walk;

pub use decrypt::{decrypt, Decrypted};
pub use error::{Error, Result};
pub use format::Format;
pub use keysource::KeySources;

use zeroize::Zeroizing;

/// Decrypts a file and renders its plaintext as `sops decrypt` prints it, in the
/// file's own format or in `output`.
pub fn decrypt_to_bytes(
    bytes: &[u8],
    input: Format,
    output: Format,
    keys: &KeySources,
) -> Result<Zeroizing<Vec<u8>>> {
    let d = decrypt(bytes, input, keys)?;
    Ok(Zeroizing::new(stores::emit_plain(output, &d.branches.0)?))
}

/// Encrypts a plaintext file for the recipients of a creation rule, writing it
/// in `output` format.
pub fn encrypt_bytes(
    plain: &[u8],
    input: Format,
    output: Format,
    recipients: &encrypt::Recipients,
) -> Result<Vec<u8>> {
    let mut branches = tree::Branches(stores::load_plain(input, plain)?);
    if branches
        .0
        .iter()
        .any(|b| b.iter().any(|e| e.key.as_str() == Some("sops")))
    {
        return Err(Error::Encrypt(
            "the file already has a top-level `sops` key: it is already encrypted".into(),
        ));
    }
    let (mut metadata, key) = encrypt::new_metadata(recipients)?;
    encrypt::encrypt_tree(&mut branches.0, &mut metadata, &key, None)?;
    stores::emit_encrypted(output, &branches.0, &metadata)
}

/// Re-encrypts edited plaintext with a decrypted file's data key and metadata,
/// keeping the ciphertext of unchanged values.
pub fn reencrypt(plain: &[u8], format: Format, original: &Decrypted) -> Result<Vec<u8>> {
    let mut branches = tree::Branches(stores::load_plain(format, plain)?);
    let mut metadata = original.metadata.clone();
    encrypt::encrypt_tree(
        &mut branches.0,
        &mut metadata,
        &original.data_key,
        Some(&original.stash),
    )?;
    stores::emit_encrypted(format, &branches.0, &metadata)
}
