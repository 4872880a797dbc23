//! Random values: `randAlphaNum`, `randAlpha`, `randNumeric`, `randAscii`
//! (goutils' crypto-random strings; a negative count gives ""), `randBytes`
//! (base64 of random bytes), `randInt` (Go's `rand.Intn` panic for an empty
//! range), `uuidv4` and `shuffle` (a random permutation of the characters).

use gotmpl::{FuncError, Value};
use rand::seq::SliceRandom;
use rand::{Rng, RngCore};

use crate::encoding::b64_encode;
use crate::ty::{INT, STRING};
use crate::{int_arg, runtime_error, str_arg, Registry};

const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

pub(crate) fn register(r: &mut Registry) {
    r.add(&["randAlphaNum"], vec![INT], |a| {
        Ok(random_string(int_arg(&a, 0), ALNUM).into())
    });
    r.add(&["randAlpha"], vec![INT], |a| {
        Ok(random_string(int_arg(&a, 0), &ALNUM[10..]).into())
    });
    r.add(&["randNumeric"], vec![INT], |a| {
        Ok(random_string(int_arg(&a, 0), &ALNUM[..10]).into())
    });
    r.add(&["randAscii"], vec![INT], |a| {
        let printable: Vec<u8> = (32u8..127).collect();
        Ok(random_string(int_arg(&a, 0), &printable).into())
    });
    r.add(&["randBytes"], vec![INT], |a| {
        let n = int_arg(&a, 0);
        if n < 0 {
            return Err(runtime_error("makeslice: len out of range"));
        }
        let mut buf = vec![0u8; n as usize];
        rand::thread_rng().fill_bytes(&mut buf);
        Ok(b64_encode(&buf).into())
    });
    r.add(&["randInt"], vec![INT, INT], |a| {
        let (min, max) = (int_arg(&a, 0), int_arg(&a, 1));
        let n = max.wrapping_sub(min);
        if n <= 0 {
            return Err(FuncError::new("invalid argument to Intn"));
        }
        Ok(Value::int(
            rand::thread_rng().gen_range(0..n).wrapping_add(min),
        ))
    });
    r.add(&["uuidv4"], vec![], |_| Ok(uuid_v4().into()));
    r.add(&["shuffle"], vec![STRING], |a| {
        let mut chars: Vec<char> = str_arg(&a, 0).chars().collect();
        chars.shuffle(&mut rand::thread_rng());
        Ok(chars.into_iter().collect::<String>().into())
    });
}

/// `count` characters drawn uniformly from `alphabet`.
fn random_string(count: i64, alphabet: &[u8]) -> String {
    let mut rng = rand::thread_rng();
    (0..count.max(0))
        .map(|_| alphabet[rng.gen_range(0..alphabet.len())] as char)
        .collect()
}

/// A random (version 4, RFC 4122 variant) UUID in its canonical text form.
fn uuid_v4() -> String {
    let mut b = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = crate::crypto::hex(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}
