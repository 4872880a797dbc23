//! Secrets files decrypted in memory with the repo's SOPS implementation and
//! its default key sources (SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, the user's
//! `sops/age/keys.txt`, ssh and PGP keys). Nothing is written to disk.

use std::ffi::OsString;
use std::path::Path;

use crate::EnvLookup;

/// The plaintext of a SOPS-encrypted file, in its own format.
pub(crate) fn decrypt_file(path: &Path, env: &EnvLookup) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let format = match sops::Format::from_path(path) {
        sops::Format::Binary => sops::Format::Yaml,
        f => f,
    };
    let lookup = |name: &str| env(name).map(OsString::from);
    let keys = sops::KeySources::discover_with(&lookup);
    match sops::decrypt_to_bytes(&bytes, format, format, &keys) {
        Ok(plain) => Ok(String::from_utf8_lossy(&plain).into_owned()),
        Err(sops::Error::MetadataNotFound) => Err(
            "the file is not encrypted with sops (sops metadata not found); encrypt it with `berth secrets encrypt` or `sops -e -i`".into(),
        ),
        Err(e) => Err(e.to_string()),
    }
}
