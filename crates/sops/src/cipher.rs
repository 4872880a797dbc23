//! Owns `ENC[AES256_GCM,data:...,iv:...,tag:...,type:...]` values: parsing them,
//! decrypting them to typed plaintext and encrypting typed plaintext, exactly as
//! sops' aes cipher does (AES-256-GCM with a 32-byte nonce, AAD = key path).

use aes_gcm::aead::consts::U32;
use aes_gcm::aead::generic_array::GenericArray;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::aes::Aes256;
use aes_gcm::AesGcm;
use std::collections::HashMap;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use rand::RngCore;
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, Result};
use crate::gofmt::{float_f, Timestamp};
use crate::tree::Value;

type Gcm32 = AesGcm<Aes256, U32>;

const NONCE: usize = 32;
const TAG: usize = 16;

/// The parts of an `ENC[...]` value.
struct Encrypted {
    data: Vec<u8>,
    iv: Vec<u8>,
    tag: Vec<u8>,
    kind: String,
}

/// Whether a string has the shape of an encrypted value.
pub fn is_encrypted(s: &str) -> bool {
    s.starts_with("ENC[AES256_GCM,data:")
}

/// Splits `ENC[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)]` as sops' regular
/// expression does (greedy groups, nothing required after the closing bracket).
fn parse(value: &str) -> Result<Encrypted> {
    let bad = || {
        Error::Value(format!(
            "Input string {value} does not match sops' data format"
        ))
    };
    let rest = value.strip_prefix("ENC[AES256_GCM,data:").ok_or_else(bad)?;
    let close = rest.rfind(']').ok_or_else(bad)?;
    let body = &rest[..close];
    let t = body.rfind(",type:").ok_or_else(bad)?;
    let kind = &body[t + 6..];
    let body = &body[..t];
    let g = body.rfind(",tag:").ok_or_else(bad)?;
    let tag = &body[g + 5..];
    let body = &body[..g];
    let v = body.rfind(",iv:").ok_or_else(bad)?;
    let iv = &body[v + 4..];
    let data = &body[..v];
    if data.is_empty() || iv.is_empty() || tag.is_empty() || kind.is_empty() {
        return Err(bad());
    }
    let decode = |what: &str, s: &str| {
        B64.decode(s)
            .map_err(|e| Error::Value(format!("Error base64-decoding {what}: {e}")))
    };
    Ok(Encrypted {
        data: decode("data", data)?,
        iv: decode("iv", iv)?,
        tag: decode("tag", tag)?,
        kind: kind.to_string(),
    })
}

fn cipher(key: &[u8]) -> Result<Gcm32> {
    Gcm32::new_from_slice(key).map_err(|_| Error::Value("the data key is not 32 bytes".into()))
}

/// Decrypts one value; `""` stays `""`. Comments decrypt to `Value::Comment`.
pub fn decrypt(value: &str, key: &[u8], aad: &str) -> Result<Value> {
    if value.is_empty() {
        return Ok(Value::Str(String::new()));
    }
    let enc = parse(value)?;
    if enc.iv.len() != NONCE || enc.tag.len() != TAG {
        return Err(Error::Value(format!(
            "Could not decrypt with AES_GCM: unsupported nonce or tag size at {aad}"
        )));
    }
    let mut msg = Zeroizing::new(enc.data);
    msg.extend_from_slice(&enc.tag);
    let plain = cipher(key)?
        .decrypt(
            GenericArray::from_slice(&enc.iv),
            Payload {
                msg: &msg,
                aad: aad.as_bytes(),
            },
        )
        .map_err(|_| Error::Authentication {
            path: aad.to_string(),
        })?;
    typed(Zeroizing::new(plain), &enc.kind)
}

fn typed(plain: Zeroizing<Vec<u8>>, kind: &str) -> Result<Value> {
    let text = || String::from_utf8_lossy(&plain).into_owned();
    let invalid = |what: &str| Error::Value(format!("could not parse decrypted value as {what}"));
    Ok(match kind {
        "str" => Value::text(plain.to_vec()),
        "bytes" => Value::text(plain.to_vec()),
        "comment" => Value::Comment(text()),
        "int" => Value::Int(go_atoi(&text()).ok_or_else(|| invalid("int"))?),
        "float" => Value::Float(go_parse_float(&text()).ok_or_else(|| invalid("float"))?),
        "bool" => Value::Bool(go_parse_bool(&text()).ok_or_else(|| invalid("bool"))?),
        "time" => Value::Time(Timestamp::parse_rfc3339(&text()).ok_or_else(|| invalid("time"))?),
        other => return Err(Error::Value(format!("Unknown datatype: {other}"))),
    })
}

/// `strconv.Atoi`.
pub fn go_atoi(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `strconv.ParseFloat(s, 64)` for the decimal forms sops writes, plus Go's names
/// for infinities and NaN.
pub fn go_parse_float(s: &str) -> Option<f64> {
    let lower = s.to_ascii_lowercase();
    let unsigned = lower.strip_prefix(['+', '-']).unwrap_or(&lower);
    match unsigned {
        "inf" | "infinity" => {
            return Some(if lower.starts_with('-') {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            })
        }
        "nan" if lower == "nan" => return Some(f64::NAN),
        _ => {}
    }
    let ok = !unsigned.is_empty()
        && unsigned
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'+' | b'-'))
        && unsigned
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_digit() || b == b'.');
    if !ok {
        return None;
    }
    s.parse().ok()
}

/// `strconv.ParseBool`.
pub fn go_parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// The plaintext bytes and type name sops encrypts a value as; `None` for values
/// sops cannot encrypt (null, collections).
pub fn plaintext(value: &Value) -> Option<(Zeroizing<Vec<u8>>, &'static str)> {
    let (bytes, kind) = match value {
        Value::Str(s) => (s.as_bytes().to_vec(), "str"),
        Value::Bytes(b) => (b.clone(), "str"),
        Value::Int(i) => (i.to_string().into_bytes(), "int"),
        Value::Float(f) => (float_f(*f).into_bytes(), "float"),
        Value::Bool(b) => (
            (if *b { "True" } else { "False" }).as_bytes().to_vec(),
            "bool",
        ),
        Value::Time(t) => (t.rfc3339_nano().into_bytes(), "time"),
        Value::Comment(c) => (c.as_bytes().to_vec(), "comment"),
        Value::Null | Value::Map(_) | Value::Seq(_) => return None,
    };
    Some((Zeroizing::new(bytes), kind))
}

/// Nonces of decrypted values by key path and plaintext, so that re-encrypting
/// an unchanged value gives the same ciphertext (sops' cipher stash).
#[derive(Default)]
pub struct Stash(HashMap<(String, Vec<u8>), [u8; NONCE]>);

impl Drop for Stash {
    fn drop(&mut self) {
        for ((_, mut plain), _) in self.0.drain() {
            plain.zeroize();
        }
    }
}

impl Stash {
    fn get(&self, aad: &str, plain: &[u8]) -> Option<[u8; NONCE]> {
        self.0.get(&(aad.to_string(), plain.to_vec())).copied()
    }
}

/// Decrypts one value and remembers its nonce in the stash.
pub fn decrypt_stashed(value: &str, key: &[u8], aad: &str, stash: &mut Stash) -> Result<Value> {
    let v = decrypt(value, key, aad)?;
    if let (Ok(enc), Some((plain, _))) = (parse(value), plaintext(&v)) {
        if let Ok(iv) = <[u8; NONCE]>::try_from(enc.iv.as_slice()) {
            stash.0.insert((aad.to_string(), plain.to_vec()), iv);
        }
    }
    Ok(v)
}

/// Encrypts one value, reusing the stashed nonce of an unchanged value and a
/// fresh random nonce otherwise; empty strings and comments stay empty.
pub fn encrypt_stashed(value: &Value, key: &[u8], aad: &str, stash: &Stash) -> Result<String> {
    encrypt_with(value, key, aad, Some(stash))
}

/// Encrypts one value with a fresh random nonce; empty strings and empty
/// comments stay empty, as in sops.
pub fn encrypt(value: &Value, key: &[u8], aad: &str) -> Result<String> {
    encrypt_with(value, key, aad, None)
}

fn encrypt_with(value: &Value, key: &[u8], aad: &str, stash: Option<&Stash>) -> Result<String> {
    let (plain, kind) = plaintext(value)
        .ok_or_else(|| Error::Tree(format!("Value to encrypt has unsupported type at {aad}")))?;
    if plain.is_empty() && matches!(value, Value::Str(_) | Value::Bytes(_) | Value::Comment(_)) {
        return Ok(String::new());
    }
    let iv = match stash.and_then(|s| s.get(aad, &plain)) {
        Some(iv) => iv,
        None => {
            let mut iv = [0u8; NONCE];
            rand::rngs::OsRng.fill_bytes(&mut iv);
            iv
        }
    };
    let out = cipher(key)?
        .encrypt(
            GenericArray::from_slice(&iv),
            Payload {
                msg: &plain,
                aad: aad.as_bytes(),
            },
        )
        .map_err(|_| Error::Encrypt("AES-GCM encryption failed".into()))?;
    let (data, tag) = out.split_at(out.len() - TAG);
    Ok(format!(
        "ENC[AES256_GCM,data:{},iv:{},tag:{},type:{kind}]",
        B64.encode(data),
        B64.encode(iv),
        B64.encode(tag)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_every_type() {
        let key = [7u8; 32];
        for v in [
            Value::Str("héllo".into()),
            Value::Int(-42),
            Value::Float(0.75),
            Value::Bool(true),
            Value::Comment(" note".into()),
            Value::Time(Timestamp::parse_rfc3339("2024-01-02T03:04:05Z").unwrap()),
        ] {
            let enc = encrypt(&v, &key, "a:b:").unwrap();
            assert_eq!(decrypt(&enc, &key, "a:b:").unwrap(), v);
            assert!(matches!(
                decrypt(&enc, &key, "a:c:"),
                Err(Error::Authentication { .. })
            ));
        }
        assert_eq!(encrypt(&Value::Str(String::new()), &key, "x:").unwrap(), "");
    }

    #[test]
    fn malformed_values_are_errors() {
        for bad in [
            "ENC[AES256_GCM,data:",
            "ENC[AES256_GCM,data:!!,iv:a,tag:b,type:str]",
            "ENC[AES256_GCM,data:QQ==,iv:QQ==,tag:QQ==,type:str]",
        ] {
            assert!(decrypt(bad, &[0; 32], "x:").is_err());
        }
    }
}
