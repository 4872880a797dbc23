//! Arithmetic modulo one odd number, as primality tests need it: Montgomery
//! multiplication over 64-bit limbs (separated operand scanning, with no
//! allocation inside its loops), squaring with each cross product taken once,
//! exponentiation with a fixed 4-bit window, and powers of two by squaring and
//! doubling. Faster than `BigUint::modpow` at RSA sizes.

use num_bigint::BigUint;

/// An odd modulus with its Montgomery constants (R = 2^(64·limbs)).
pub(crate) struct Modulus {
    n: Vec<u64>,
    /// −n⁻¹ mod 2^64.
    n_prime: u64,
    /// R² mod n, which brings numbers into Montgomery form.
    r_squared: Vec<u64>,
}

/// A number in Montgomery form (a·R mod n), as many limbs as the modulus.
pub(crate) type Residue = Vec<u64>;

fn limbs(value: &BigUint, count: usize) -> Vec<u64> {
    let mut out = value.to_u64_digits();
    out.resize(count, 0);
    out
}

impl Modulus {
    /// The modulus `n`, which must be odd and above 1.
    pub(crate) fn new(n: &BigUint) -> Modulus {
        let digits = n.to_u64_digits();
        // Newton's iteration doubles the correct low bits of n⁻¹ mod 2^64 each step.
        let mut inverse: u64 = 1;
        for _ in 0..6 {
            inverse = inverse.wrapping_mul(2u64.wrapping_sub(digits[0].wrapping_mul(inverse)));
        }
        let r_squared = (BigUint::from(1u32) << (128 * digits.len())) % n;
        let count = digits.len();
        Modulus {
            n: digits,
            n_prime: inverse.wrapping_neg(),
            r_squared: limbs(&r_squared, count),
        }
    }

    /// `value` (below n) in Montgomery form.
    pub(crate) fn residue(&self, value: &BigUint) -> Residue {
        self.mul(&limbs(value, self.n.len()), &self.r_squared)
    }

    /// a·b·R⁻¹ mod n, for a and b below n: the full product first, then
    /// [`Modulus::reduce`].
    pub(crate) fn mul(&self, a: &[u64], b: &[u64]) -> Residue {
        let s = self.n.len();
        let mut t = vec![0u64; 2 * s + 1];
        for (i, &bi) in b.iter().enumerate() {
            t[i + s] = add_product(&mut t[i..i + s], a, bi);
        }
        self.reduce(t)
    }

    /// a·a·R⁻¹ mod n, for a below n. The product is built from each cross
    /// product once, doubled, plus the squares of the limbs: a quarter less
    /// work than [`Modulus::mul`], and exponentiation is mostly squaring.
    pub(crate) fn square(&self, a: &[u64]) -> Residue {
        let s = self.n.len();
        let mut t = vec![0u64; 2 * s + 1];
        for i in 0..s.saturating_sub(1) {
            t[i + s] = add_product(&mut t[2 * i + 1..i + s], &a[i + 1..], a[i]);
        }
        shift_left_once(&mut t[..2 * s]);
        let mut carry = 0u64;
        for (i, &ai) in a.iter().enumerate() {
            let square = u128::from(ai) * u128::from(ai);
            let low = u128::from(t[2 * i]) + (square as u64 as u128) + u128::from(carry);
            t[2 * i] = low as u64;
            let high = u128::from(t[2 * i + 1]) + (square >> 64) + (low >> 64);
            t[2 * i + 1] = high as u64;
            carry = (high >> 64) as u64;
        }
        self.reduce(t)
    }

    /// t·R⁻¹ mod n for a product t of two numbers below n (2s+1 limbs, the
    /// top one zero): one reduction row per limb (separated operand
    /// scanning), every row a slice operation the compiler keeps free of
    /// bounds checks.
    fn reduce(&self, mut t: Vec<u64>) -> Residue {
        let s = self.n.len();
        for i in 0..s {
            let m = t[i].wrapping_mul(self.n_prime);
            let mut carry = add_product(&mut t[i..i + s], &self.n, m);
            let mut k = i + s;
            while carry != 0 {
                let (sum, overflow) = t[k].overflowing_add(carry);
                t[k] = sum;
                carry = u64::from(overflow);
                k += 1;
            }
        }
        let mut out = t[s..2 * s].to_vec();
        if t[2 * s] != 0 || !less_than(&out, &self.n) {
            subtract(&mut out, &self.n);
        }
        out
    }

    /// 2a mod n, for a below n; in Montgomery form as much as outside it.
    fn double(&self, a: &mut [u64]) {
        if shift_left_once(a) != 0 || !less_than(a, &self.n) {
            subtract(a, &self.n);
        }
    }

    /// 2ᵉ in Montgomery form. Multiplying by the base 2 is a doubling, far
    /// cheaper than a multiplication, so this is all squarings and doublings.
    pub(crate) fn pow_of_two(&self, exponent: &BigUint) -> Residue {
        let mut result = self.residue(&BigUint::from(1u32));
        for position in (0..exponent.bits()).rev() {
            result = self.square(&result);
            if exponent.bit(position) {
                self.double(&mut result);
            }
        }
        result
    }

    /// baseᵉ in Montgomery form, for `base` already in Montgomery form.
    pub(crate) fn pow(&self, base: &[u64], exponent: &BigUint) -> Residue {
        let one = self.residue(&BigUint::from(1u32));
        let mut table = Vec::with_capacity(16);
        table.push(one.clone());
        for i in 1..16 {
            let next = self.mul(&table[i - 1], base);
            table.push(next);
        }
        let bits = exponent.bits();
        let mut result = one;
        let mut position = bits.div_ceil(4) * 4;
        while position > 0 {
            position -= 4;
            for _ in 0..4 {
                result = self.square(&result);
            }
            let window = (0..4).fold(0usize, |w, k| {
                w | (usize::from(exponent.bit(position + k)) << k)
            });
            if window != 0 {
                result = self.mul(&result, &table[window]);
            }
        }
        result
    }
}

/// t += a·factor over t's limbs; returns the carry out of the top limb.
fn add_product(t: &mut [u64], a: &[u64], factor: u64) -> u64 {
    let mut carry: u64 = 0;
    for (ti, &ai) in t.iter_mut().zip(a) {
        let sum = u128::from(*ti) + u128::from(ai) * u128::from(factor) + u128::from(carry);
        *ti = sum as u64;
        carry = (sum >> 64) as u64;
    }
    carry
}

/// a <<= 1; returns the bit shifted out of the top limb.
fn shift_left_once(a: &mut [u64]) -> u64 {
    let mut shifted_out = 0;
    for limb in a {
        let next = *limb >> 63;
        *limb = (*limb << 1) | shifted_out;
        shifted_out = next;
    }
    shifted_out
}

fn less_than(a: &[u64], b: &[u64]) -> bool {
    for (x, y) in a.iter().rev().zip(b.iter().rev()) {
        if x != y {
            return x < y;
        }
    }
    false
}

/// a −= b, wrapping at the top limb (the caller knows the true result fits).
fn subtract(a: &mut [u64], b: &[u64]) {
    let mut borrow = false;
    for (x, &y) in a.iter_mut().zip(b) {
        let (d, b1) = x.overflowing_sub(y);
        let (d, b2) = d.overflowing_sub(u64::from(borrow));
        *x = d;
        borrow = b1 || b2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngCore;

    fn random(bits: usize, rng: &mut impl RngCore) -> BigUint {
        let mut bytes = vec![0u8; bits / 8];
        rng.fill_bytes(&mut bytes);
        BigUint::from_bytes_be(&bytes)
    }

    #[test]
    fn agrees_with_biguint_modpow() {
        let mut rng = rand::thread_rng();
        for bits in [64, 128, 192, 512, 1024, 2048] {
            for _ in 0..4 {
                let n = random(bits, &mut rng)
                    | BigUint::from(1u32)
                    | (BigUint::from(1u32) << (bits - 1));
                let base = random(bits, &mut rng) % &n;
                let exponent = random(bits, &mut rng);
                let modulus = Modulus::new(&n);
                let got = modulus.mul(
                    &modulus.pow(&modulus.residue(&base), &exponent),
                    &limbs(&BigUint::from(1u32), modulus.n.len()),
                );
                let mut digits = got;
                while digits.last() == Some(&0) {
                    digits.pop();
                }
                let got = BigUint::from_slice(
                    &digits
                        .iter()
                        .flat_map(|d| [*d as u32, (*d >> 32) as u32])
                        .collect::<Vec<u32>>(),
                );
                assert_eq!(got, base.modpow(&exponent, &n), "{bits} bits");
                let power_of_two = modulus.mul(
                    &modulus.pow_of_two(&exponent),
                    &limbs(&BigUint::from(1u32), modulus.n.len()),
                );
                assert_eq!(
                    power_of_two,
                    limbs(&BigUint::from(2u32).modpow(&exponent, &n), modulus.n.len()),
                    "2^e, {bits} bits"
                );
                let x = modulus.residue(&base);
                assert_eq!(
                    modulus.square(&x),
                    modulus.mul(&x, &x),
                    "square, {bits} bits"
                );
            }
        }
    }
}
