//! Hashes and secrets: `sha1sum`, `sha256sum`, `sha512sum`, `adler32sum`, `bcrypt`,
//! `htpasswd`, `derivePassword` (the Master Password algorithm over scrypt), and
//! `encryptAES`/`decryptAES` in Sprig's format (AES-256-CBC, key zero-padded or cut
//! to 32 bytes, PKCS#7-style padding, random IV prepended, base64), including the
//! Go runtime panics `decryptAES` hits on malformed input.

use aes::cipher::{generic_array::GenericArray, BlockDecrypt, BlockEncrypt, KeyInit};
use aes::Aes256;
use gotmpl::{FuncError, Value};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

use crate::encoding::{b64_decode, b64_encode};
use crate::ty::{STRING, UINT32};
use crate::{runtime_error, str_arg, Registry};

pub(crate) fn register(r: &mut Registry) {
    r.add(&["sha1sum"], vec![STRING], |a| {
        Ok(hex(&Sha1::digest(str_arg(&a, 0).as_bytes())).into())
    });
    r.add(&["sha256sum"], vec![STRING], |a| {
        Ok(hex(&Sha256::digest(str_arg(&a, 0).as_bytes())).into())
    });
    r.add(&["sha512sum"], vec![STRING], |a| {
        Ok(hex(&Sha512::digest(str_arg(&a, 0).as_bytes())).into())
    });
    r.add(&["adler32sum"], vec![STRING], |a| {
        Ok(adler32(str_arg(&a, 0).as_bytes()).to_string().into())
    });
    r.add(&["bcrypt"], vec![STRING], |a| {
        Ok(bcrypt(str_arg(&a, 0)).into())
    });
    r.add(&["htpasswd"], vec![STRING, STRING], |a| {
        let user = str_arg(&a, 0);
        if user.contains(':') {
            return Ok(format!("invalid username: {user}").into());
        }
        Ok(format!("{user}:{}", bcrypt(str_arg(&a, 1))).into())
    });
    r.add(
        &["derivePassword"],
        vec![UINT32, STRING, STRING, STRING, STRING],
        |a| {
            let counter = match a.first() {
                Some(Value::Uint(c, _)) => *c as u32,
                _ => 0,
            };
            Ok(derive_password(
                counter,
                str_arg(&a, 1),
                str_arg(&a, 2),
                str_arg(&a, 3),
                str_arg(&a, 4),
            )
            .into())
        },
    );
    r.add(&["encryptAES"], vec![STRING, STRING], |a| {
        Ok(encrypt_aes(str_arg(&a, 0), str_arg(&a, 1)).into())
    });
    r.add(&["decryptAES"], vec![STRING, STRING], |a| {
        decrypt_aes(str_arg(&a, 0), str_arg(&a, 1)).map(Value::from)
    });
}

/// Lower-case hexadecimal.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `hash/adler32.Checksum`.
fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65_521;
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &x in chunk {
            a += u32::from(x);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    b << 16 | a
}

/// `bcrypt.GenerateFromPassword(p, 10)` as `$2a$` text, or Sprig's failure text.
fn bcrypt(password: &str) -> String {
    if password.len() > 72 {
        return "failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes"
            .into();
    }
    match bcrypt::hash_with_result(password, 10) {
        Ok(parts) => parts.format_for_version(bcrypt::Version::TwoA),
        Err(e) => format!("failed to encrypt string with bcrypt: {e}"),
    }
}

const SEED: &str = "com.lyndir.masterpassword";

fn templates(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "maximum" => &["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
        "long" => &[
            "CvcvnoCvcvCvcv",
            "CvcvCvcvnoCvcv",
            "CvcvCvcvCvcvno",
            "CvccnoCvcvCvcv",
            "CvccCvcvnoCvcv",
            "CvccCvcvCvcvno",
            "CvcvnoCvccCvcv",
            "CvcvCvccnoCvcv",
            "CvcvCvccCvcvno",
            "CvcvnoCvcvCvcc",
            "CvcvCvcvnoCvcc",
            "CvcvCvcvCvccno",
            "CvccnoCvccCvcv",
            "CvccCvccnoCvcv",
            "CvccCvccCvcvno",
            "CvcvnoCvccCvcc",
            "CvcvCvccnoCvcc",
            "CvcvCvccCvccno",
            "CvccnoCvcvCvcc",
            "CvccCvcvnoCvcc",
            "CvccCvcvCvccno",
        ],
        "medium" => &["CvcnoCvc", "CvcCvcno"],
        "short" => &["Cvcn"],
        "basic" => &["aaanaaan", "aannaaan", "aaannaaa"],
        "pin" => &["nnnn"],
        _ => return None,
    })
}

fn template_chars(c: u8) -> &'static [u8] {
    match c {
        b'V' => b"AEIOU",
        b'C' => b"BCDFGHJKLMNPQRSTVWXYZ",
        b'v' => b"aeiou",
        b'c' => b"bcdfghjklmnpqrstvwxyz",
        b'A' => b"AEIOUBCDFGHJKLMNPQRSTVWXYZ",
        b'a' => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
        b'n' => b"0123456789",
        b'o' => b"@&%?,=[]_:-+*$#!'^~;()/.",
        _ => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
    }
}

/// Sprig's `derivePassword`: the Master Password site password.
fn derive_password(counter: u32, kind: &str, password: &str, user: &str, site: &str) -> String {
    let Some(templates) = templates(kind) else {
        return format!("cannot find password template {kind}");
    };
    let mut salt = SEED.as_bytes().to_vec();
    salt.extend_from_slice(&(user.len() as u32).to_be_bytes());
    salt.extend_from_slice(user.as_bytes());
    let mut key = [0u8; 64];
    let derived = scrypt::Params::new(15, 8, 2, 64)
        .map_err(|e| e.to_string())
        .and_then(|p| {
            scrypt::scrypt(password.as_bytes(), &salt, &p, &mut key).map_err(|e| e.to_string())
        });
    if let Err(e) = derived {
        return format!("failed to derive password: {e}");
    }
    let mut message = SEED.as_bytes().to_vec();
    message.extend_from_slice(&(site.len() as u32).to_be_bytes());
    message.extend_from_slice(site.as_bytes());
    message.extend_from_slice(&counter.to_be_bytes());
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(&key) else {
        return String::new();
    };
    mac.update(&message);
    let seed = mac.finalize().into_bytes();
    let template = templates[usize::from(seed[0]) % templates.len()].as_bytes();
    template
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let chars = template_chars(c);
            chars[usize::from(seed[i + 1]) % chars.len()] as char
        })
        .collect()
}

/// The 32-byte key Sprig makes from a password.
fn aes_key(password: &str) -> Aes256 {
    let mut key = [0u8; 32];
    let n = password.len().min(32);
    key[..n].copy_from_slice(&password.as_bytes()[..n]);
    Aes256::new(GenericArray::from_slice(&key))
}

fn encrypt_aes(password: &str, plaintext: &str) -> String {
    if plaintext.is_empty() {
        return String::new();
    }
    let cipher = aes_key(password);
    let mut content = plaintext.as_bytes().to_vec();
    let pad = 16 - content.len() % 16;
    content.extend(std::iter::repeat_n(pad as u8, pad));
    let mut out = vec![0u8; 16];
    rand::thread_rng().fill_bytes(&mut out);
    let mut prev: [u8; 16] = out[..16].try_into().unwrap_or([0; 16]);
    for chunk in content.chunks(16) {
        let mut block = [0u8; 16];
        for i in 0..16 {
            block[i] = chunk[i] ^ prev[i];
        }
        let mut ga = GenericArray::from(block);
        cipher.encrypt_block(&mut ga);
        prev.copy_from_slice(&ga);
        out.extend_from_slice(&ga);
    }
    b64_encode(&out)
}

fn decrypt_aes(password: &str, crypt64: &str) -> Result<String, FuncError> {
    if crypt64.is_empty() {
        return Ok(String::new());
    }
    let crypt = b64_decode(crypt64)
        .map_err(|n| FuncError::new(format!("illegal base64 data at input byte {n}")))?;
    if crypt.len() < 16 {
        return Err(runtime_error(&format!(
            "slice bounds out of range [:16] with capacity {}",
            crypt.len()
        )));
    }
    let (iv, body) = crypt.split_at(16);
    if body.len() % 16 != 0 {
        return Err(FuncError::new("crypto/cipher: input not full blocks"));
    }
    let cipher = aes_key(password);
    let mut prev: [u8; 16] = iv.try_into().unwrap_or([0; 16]);
    let mut plain = Vec::with_capacity(body.len());
    for chunk in body.chunks(16) {
        let mut ga = GenericArray::clone_from_slice(chunk);
        cipher.decrypt_block(&mut ga);
        for i in 0..16 {
            plain.push(ga[i] ^ prev[i]);
        }
        prev.copy_from_slice(chunk);
    }
    let Some(&last) = plain.last() else {
        return Err(runtime_error("index out of range [-1]"));
    };
    let keep = plain.len() as i64 - i64::from(last);
    if keep < 0 {
        return Err(runtime_error(&format!(
            "slice bounds out of range [:{keep}]"
        )));
    }
    plain.truncate(keep as usize);
    Ok(String::from_utf8_lossy(&plain).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adler_and_aes() {
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        let c = encrypt_aes("secret", "hello world");
        assert_eq!(decrypt_aes("secret", &c).unwrap(), "hello world");
        assert!(bcrypt::verify("pw", &bcrypt("pw")).unwrap());
        assert!(bcrypt("pw").starts_with("$2a$10$"));
    }
}
