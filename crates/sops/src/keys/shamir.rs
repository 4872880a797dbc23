//! Owns Shamir's secret sharing over GF(2^8) (AES polynomial), byte-compatible
//! with the HashiCorp Vault scheme sops uses for key groups: each share is the
//! y-values of every secret byte followed by its x coordinate.

use rand::seq::SliceRandom;
use rand::RngCore;
use zeroize::Zeroizing;

/// Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1, in constant time.
fn mult(a: u8, b: u8) -> u8 {
    let mut acc: u8 = 0;
    for i in (0..8).rev() {
        let bit = (b >> i) & 1;
        let a_or_zero = bit.wrapping_neg() & a;
        let reduce = (acc >> 7).wrapping_neg() & 0x1b;
        acc = a_or_zero ^ (reduce ^ acc.wrapping_add(acc));
    }
    acc
}

fn inverse(a: u8) -> u8 {
    let mut b = mult(a, a);
    let mut c = mult(a, b);
    b = mult(c, c);
    b = mult(b, b);
    c = mult(b, c);
    b = mult(b, b);
    b = mult(b, b);
    b = mult(b, c);
    b = mult(b, b);
    b = mult(a, b);
    mult(b, b)
}

/// Lagrange interpolation of the samples at `x`.
fn interpolate(xs: &[u8], ys: &[u8], x: u8) -> u8 {
    let mut result = 0;
    for i in 0..xs.len() {
        let mut basis = 1;
        for j in 0..xs.len() {
            if i != j {
                basis = mult(basis, mult(x ^ xs[j], inverse(xs[i] ^ xs[j])));
            }
        }
        result ^= mult(ys[i], basis);
    }
    result
}

/// Recombines shares into the secret.
pub fn combine(parts: &[Zeroizing<Vec<u8>>]) -> Result<Zeroizing<Vec<u8>>, String> {
    if parts.len() < 2 {
        return Err("less than two parts cannot be used to reconstruct the secret".into());
    }
    let len = parts[0].len();
    if len < 2 {
        return Err("parts must be at least two bytes".into());
    }
    if parts.iter().any(|p| p.len() != len) {
        return Err("all parts must be the same length".into());
    }
    let xs: Vec<u8> = parts.iter().map(|p| p[len - 1]).collect();
    for (i, x) in xs.iter().enumerate() {
        if xs[..i].contains(x) {
            return Err("duplicate part detected".into());
        }
    }
    let mut secret = Zeroizing::new(vec![0u8; len - 1]);
    let mut ys = Zeroizing::new(vec![0u8; parts.len()]);
    for (idx, byte) in secret.iter_mut().enumerate() {
        for (y, part) in ys.iter_mut().zip(parts) {
            *y = part[idx];
        }
        *byte = interpolate(&xs, &ys, 0);
    }
    Ok(secret)
}

/// Splits a secret into `parts` shares of which any `threshold` recombine it.
pub fn split(
    secret: &[u8],
    parts: usize,
    threshold: usize,
) -> Result<Vec<Zeroizing<Vec<u8>>>, String> {
    if parts < threshold {
        return Err("parts cannot be less than threshold".into());
    }
    if parts > 255 {
        return Err("parts cannot exceed 255".into());
    }
    if threshold < 2 {
        return Err("threshold must be at least 2".into());
    }
    if secret.is_empty() {
        return Err("cannot split an empty secret".into());
    }
    let mut rng = rand::rngs::OsRng;
    let mut xs: Vec<u8> = (1..=255).collect();
    xs.shuffle(&mut rng);
    let mut out: Vec<Zeroizing<Vec<u8>>> = (0..parts)
        .map(|i| {
            let mut v = vec![0u8; secret.len() + 1];
            v[secret.len()] = xs[i];
            Zeroizing::new(v)
        })
        .collect();
    let mut coeffs = Zeroizing::new(vec![0u8; threshold]);
    for (idx, &byte) in secret.iter().enumerate() {
        coeffs[0] = byte;
        rng.fill_bytes(&mut coeffs[1..]);
        for share in out.iter_mut() {
            let x = share[secret.len()];
            let mut y = 0u8;
            for c in coeffs.iter().rev() {
                y = mult(y, x) ^ c;
            }
            share[idx] = y;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_threshold_subset_recombines() {
        let secret = b"0123456789abcdef0123456789abcdef";
        let parts = split(secret, 3, 2).unwrap();
        for (a, b) in [(0, 1), (0, 2), (1, 2)] {
            let got = combine(&[parts[a].clone(), parts[b].clone()]).unwrap();
            assert_eq!(&got[..], &secret[..]);
        }
        assert_eq!(inverse(mult(7, 9)), mult(inverse(7), inverse(9)));
    }
}
