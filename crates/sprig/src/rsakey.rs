//! RSA key generation at Go's speed: each prime is searched for upwards from a
//! random odd start with its two top bits set, in a window sieved by every odd
//! prime below 2^18, and confirmed by Miller–Rabin with base 2 and then as many
//! random bases as Go's `crypto/rsa` uses (FIPS 186-5, table B.1). The two primes
//! are searched for at the same time on two threads, and the key is built with the
//! public exponent 65537 and the Carmichael private exponent, as Go 1.24 does.

use std::sync::OnceLock;

use num_bigint::BigUint;
use rand::RngCore;

use crate::montgomery::{Modulus, Residue};

/// Odd primes below this divide no candidate that reaches Miller–Rabin.
const SIEVE_LIMIT: usize = 1 << 18;
/// How many odd candidates one random start covers.
const WINDOW: usize = 1 << 14;
/// The public exponent, prime, so `gcd(e, p-1) = 1` unless `p ≡ 1 (mod e)`.
const EXPONENT: u32 = 65_537;

/// A new RSA private key whose modulus has exactly `bits` bits.
pub(crate) fn generate(bits: usize) -> rsa::Result<rsa::RsaPrivateKey> {
    let (p_bits, q_bits) = (bits / 2, bits - bits / 2);
    loop {
        let (p, q) = std::thread::scope(|s| {
            let other = std::thread::Builder::new()
                .spawn_scoped(s, || random_prime(p_bits, &mut rand::thread_rng()));
            let q = random_prime(q_bits, &mut rand::thread_rng());
            let p = match other.map(|h| h.join()) {
                Ok(Ok(p)) => p,
                _ => random_prime(p_bits, &mut rand::thread_rng()),
            };
            (p, q)
        });
        if p != q {
            let convert = |n: BigUint| rsa::BigUint::from_bytes_be(&n.to_bytes_be());
            return rsa::RsaPrivateKey::from_p_q(
                convert(p),
                convert(q),
                rsa::BigUint::from(EXPONENT),
            );
        }
    }
}

/// The odd primes below [`SIEVE_LIMIT`].
fn small_primes() -> &'static [u32] {
    static PRIMES: OnceLock<Vec<u32>> = OnceLock::new();
    PRIMES.get_or_init(|| {
        let mut composite = vec![false; SIEVE_LIMIT];
        let mut primes = Vec::new();
        for i in (3..SIEVE_LIMIT).step_by(2) {
            if !composite[i] {
                primes.push(i as u32);
                for j in (i * i..SIEVE_LIMIT).step_by(2 * i) {
                    composite[j] = true;
                }
            }
        }
        primes
    })
}

/// A random prime of exactly `bits` bits (at least 19, so above every sieving
/// prime) with its top two bits set, such that `p - 1` is coprime to [`EXPONENT`].
fn random_prime(bits: usize, rng: &mut impl RngCore) -> BigUint {
    let mut bytes = vec![0u8; bits.div_ceil(8)];
    let excess = bytes.len() * 8 - bits;
    loop {
        rng.fill_bytes(&mut bytes);
        bytes[0] &= 0xff >> excess;
        bytes[0] |= 0xc0 >> excess;
        if excess == 7 {
            bytes[1] |= 0x80;
        }
        if let Some(last) = bytes.last_mut() {
            *last |= 1;
        }
        let start = BigUint::from_bytes_be(&bytes);
        // composite[i] says whether a small prime divides start + 2i.
        let mut composite = vec![false; WINDOW];
        for &p in small_primes() {
            let r = u64::from((&start % p).to_u32_digits().first().copied().unwrap_or(0));
            let p = u64::from(p);
            // start + 2i ≡ 0 (mod p) when i ≡ (p - r) / 2, and 1/2 ≡ (p + 1) / 2.
            let first = (p - r) % p * p.div_ceil(2) % p;
            for i in (first as usize..WINDOW).step_by(p as usize) {
                composite[i] = true;
            }
        }
        for i in (0..WINDOW).filter(|&i| !composite[i]) {
            let candidate = &start + 2 * i as u64;
            if candidate.bits() as usize != bits {
                break;
            }
            if &candidate % EXPONENT != BigUint::from(1u32) && probably_prime(&candidate, bits, rng)
            {
                return candidate;
            }
        }
    }
}

/// Miller–Rabin rounds with random bases after base 2, as Go's
/// `millerRabinIterations` counts them for a prime of `bits` bits.
fn random_rounds(bits: usize) -> usize {
    match bits {
        1345.. => 4,
        476.. => 5,
        400.. => 6,
        347.. => 7,
        308.. => 8,
        55.. => 27,
        _ => 34,
    }
}

/// Whether `n`, odd and above 3, passes Miller–Rabin with base 2 and
/// [`random_rounds`] random bases.
fn probably_prime(n: &BigUint, bits: usize, rng: &mut impl RngCore) -> bool {
    let n_minus_1 = n - 1u32;
    let s = n_minus_1.trailing_zeros().unwrap_or(0);
    let d = &n_minus_1 >> s;
    let modulus = Modulus::new(n);
    let one = modulus.residue(&BigUint::from(1u32));
    let minus_one = modulus.residue(&n_minus_1);
    let witness = |mut y: Residue| {
        if y == one || y == minus_one {
            return false;
        }
        for _ in 1..s {
            y = modulus.square(&y);
            if y == minus_one {
                return false;
            }
            if y == one {
                return true;
            }
        }
        true
    };
    if witness(modulus.pow_of_two(&d)) {
        return false;
    }
    let span = n - 3u32;
    let mut bytes = vec![0u8; bits.div_ceil(8) + 8];
    (0..random_rounds(bits)).all(|_| {
        rng.fill_bytes(&mut bytes);
        let base = BigUint::from_bytes_be(&bytes) % &span + 2u32;
        !witness(modulus.pow(&modulus.residue(&base), &d))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primes_and_keys() {
        let mut rng = rand::thread_rng();
        for n in [5u32, 7, 61, 65_521, 2_147_483_647] {
            assert!(probably_prime(&BigUint::from(n), 32, &mut rng), "{n}");
        }
        for n in [9u32, 561, 65_537 * 3, 2_147_483_649] {
            assert!(!probably_prime(&BigUint::from(n), 32, &mut rng), "{n}");
        }
        for bits in [19, 23, 64, 512] {
            let p = random_prime(bits, &mut rng);
            assert_eq!(p.bits() as usize, bits);
            assert!(p.bit(bits as u64 - 2));
        }
        let key = generate(1024).expect("key");
        assert_eq!(rsa::traits::PublicKeyParts::n(&key).bits(), 1024);
        key.validate().expect("valid key");
    }
}
