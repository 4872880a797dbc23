//! Owns age data keys: parsing recipients (X25519, ssh-ed25519, ssh-rsa) and
//! identities, wrapping a data key into an armored age file and unwrapping it.

use std::io::Read;

use age::armor::{ArmoredReader, ArmoredWriter, Format};
use age::{Decryptor, Encryptor, Identity, Recipient};
use zeroize::Zeroizing;

/// A parsed age identity and where it came from (for error listings).
pub struct AgeIdentity {
    pub source: String,
    pub identity: Box<dyn Identity>,
}

/// Parses an age identity file's text: `#` comments and blank lines skipped,
/// every other line an `AGE-SECRET-KEY-1...` (one bad line fails the source).
pub fn parse_identities(source: &str, text: &str) -> Result<Vec<AgeIdentity>, String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with("AGE-PLUGIN-") {
            return Err("age plugin identities are not supported".into());
        }
        if !line.starts_with("AGE-SECRET-KEY-1") {
            return Err("unknown identity type".into());
        }
        let id: age::x25519::Identity = line
            .parse()
            .map_err(|e: &str| format!("malformed age secret key: {e}"))?;
        out.push(AgeIdentity {
            source: source.to_string(),
            identity: Box::new(id),
        });
    }
    Ok(out)
}

/// Parses an SSH private key (ed25519 or RSA, unencrypted) as an age identity.
pub fn parse_ssh_identity(source: &str, pem: &[u8]) -> Result<AgeIdentity, String> {
    let id = age::ssh::Identity::from_buffer(pem, Some(source.to_string()))
        .map_err(|e| format!("malformed SSH identity: {e}"))?;
    match id {
        age::ssh::Identity::Unencrypted(_) => Ok(AgeIdentity {
            source: source.to_string(),
            identity: Box::new(id),
        }),
        age::ssh::Identity::Encrypted(_) => {
            Err("passphrase-protected SSH keys are not supported".into())
        }
        age::ssh::Identity::Unsupported(_) => Err("unsupported SSH key type".into()),
    }
}

/// Parses a recipient as sops does: `age1...` (X25519) or `ssh-...`.
pub fn parse_recipient(recipient: &str) -> Result<Box<dyn Recipient + Send>, String> {
    let r = recipient.trim();
    if let Some(rest) = r.strip_prefix("age1") {
        if rest.contains('1') {
            return Err(format!("failed to parse input, unknown recipient type: {r:?} (age plugins are not supported)"));
        }
        let parsed: age::x25519::Recipient = r.parse().map_err(|e: &str| {
            format!("failed to parse input as Bech32-encoded age public key: {e}")
        })?;
        return Ok(Box::new(parsed));
    }
    if r.starts_with("ssh-") {
        let parsed: age::ssh::Recipient = r
            .parse()
            .map_err(|_| "failed to parse input as age-ssh public key".to_string())?;
        return Ok(Box::new(parsed));
    }
    Err(format!(
        "failed to parse input, unknown recipient type: {r:?}"
    ))
}

/// Wraps a data key (or share) for one recipient as an armored age file.
pub fn wrap(recipient: &str, data_key: &[u8]) -> Result<String, String> {
    let r = parse_recipient(recipient)?;
    let encryptor = Encryptor::with_recipients(std::iter::once(r.as_ref() as &dyn Recipient))
        .map_err(|e| format!("failed to encrypt sops data key with age: {e}"))?;
    let mut out = Vec::new();
    let armored =
        ArmoredWriter::wrap_output(&mut out, Format::AsciiArmor).map_err(|e| e.to_string())?;
    let mut w = encryptor.wrap_output(armored).map_err(|e| e.to_string())?;
    std::io::Write::write_all(&mut w, data_key).map_err(|e| e.to_string())?;
    w.finish()
        .and_then(|a| a.finish())
        .map_err(|e| e.to_string())?;
    String::from_utf8(out).map_err(|e| e.to_string())
}

/// Unwraps an armored age file with any of the identities.
pub fn unwrap(enc: &str, identities: &[AgeIdentity]) -> Result<Zeroizing<Vec<u8>>, String> {
    let decryptor = Decryptor::new_buffered(ArmoredReader::new(enc.as_bytes()))
        .map_err(|e| format!("malformed age stanza: {e}"))?;
    let ids = identities
        .iter()
        .map(|i| i.identity.as_ref() as &dyn Identity);
    let mut reader = decryptor.decrypt(ids).map_err(|e| e.to_string())?;
    let mut out = Zeroizing::new(Vec::new());
    reader
        .read_to_end(&mut out)
        .map_err(|e| format!("age payload unreadable: {e}"))?;
    Ok(out)
}
