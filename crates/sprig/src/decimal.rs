//! The slice of shopspring/decimal (v1.4.0) behind Sprig's `addf`, `subf`, `mulf`,
//! `divf` and `add1f`: exact decimal arithmetic on the shortest decimal form of each
//! float64, division rounded half away from zero at 16 places, and the result
//! converted back to the nearest float64.

use num_bigint::{BigInt, Sign};

/// `coefficient × 10^exponent`.
#[derive(Clone, Debug)]
pub struct Decimal {
    coef: BigInt,
    exp: i64,
}

/// Places kept by a division (`decimal.DivisionPrecision`).
const DIVISION_PRECISION: i64 = 16;

fn pow10(n: i64) -> BigInt {
    BigInt::from(10u32).pow(n.max(0) as u32)
}

impl Decimal {
    /// `decimal.NewFromFloat`: the shortest decimal that reads back as `f`. Go panics
    /// on NaN and infinities; the error is that panic's text.
    pub fn from_f64(f: f64) -> Result<Decimal, String> {
        if f.is_nan() || f.is_infinite() {
            let shown = if f.is_nan() {
                "NaN"
            } else if f > 0.0 {
                "+Inf"
            } else {
                "-Inf"
            };
            return Err(format!("Cannot create a Decimal from {shown}"));
        }
        if f == 0.0 {
            return Ok(Decimal {
                coef: BigInt::from(0),
                exp: 0,
            });
        }
        let text = format!("{:e}", f);
        let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
        let exp: i64 = exp.parse().unwrap_or(0);
        let (int_part, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let digits = format!("{int_part}{frac}");
        let coef: BigInt = digits.parse().unwrap_or_default();
        Ok(Decimal {
            coef,
            exp: exp - frac.len() as i64,
        })
    }

    fn aligned(&self, other: &Decimal) -> (BigInt, BigInt, i64) {
        let exp = self.exp.min(other.exp);
        (
            &self.coef * pow10(self.exp - exp),
            &other.coef * pow10(other.exp - exp),
            exp,
        )
    }

    pub fn add(&self, other: &Decimal) -> Decimal {
        let (a, b, exp) = self.aligned(other);
        Decimal { coef: a + b, exp }
    }

    pub fn sub(&self, other: &Decimal) -> Decimal {
        let (a, b, exp) = self.aligned(other);
        Decimal { coef: a - b, exp }
    }

    pub fn mul(&self, other: &Decimal) -> Decimal {
        Decimal {
            coef: &self.coef * &other.coef,
            exp: self.exp + other.exp,
        }
    }

    /// `Decimal.Div`: the quotient truncated to 16 places, then rounded half away
    /// from zero. Dividing by zero is Go's panic text.
    pub fn div(&self, other: &Decimal) -> Result<Decimal, String> {
        if other.coef.sign() == Sign::NoSign {
            return Err("decimal division by 0".into());
        }
        let e = self.exp - other.exp + DIVISION_PRECISION;
        let num = &self.coef * pow10(e);
        let den = &other.coef * pow10(-e);
        let mut q = &num / &den;
        let r = &num - &q * &den;
        let twice: BigInt = r.magnitude().clone().into();
        let twice = twice * 2;
        let den_abs: BigInt = den.magnitude().clone().into();
        if twice >= den_abs {
            if (self.coef.sign() == Sign::Minus) != (other.coef.sign() == Sign::Minus) {
                q -= 1;
            } else {
                q += 1;
            }
        }
        Ok(Decimal {
            coef: q,
            exp: -DIVISION_PRECISION,
        })
    }

    /// `Decimal.Float64`: the nearest float64.
    pub fn to_f64(&self) -> f64 {
        format!("{}e{}", self.coef, self.exp).parse().unwrap_or(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(f: f64) -> Decimal {
        Decimal::from_f64(f).unwrap()
    }

    #[test]
    fn decimal_arithmetic() {
        assert_eq!(d(0.1).add(&d(0.2)).to_f64(), 0.3);
        assert_eq!(d(1.0).div(&d(3.0)).unwrap().to_f64(), 0.3333333333333333);
        assert_eq!(d(2.0).div(&d(3.0)).unwrap().to_f64(), 0.6666666666666667);
        assert_eq!(d(-2.0).div(&d(3.0)).unwrap().to_f64(), -0.6666666666666667);
        assert!(d(1.0).div(&d(0.0)).is_err());
        assert_eq!(d(1.1).mul(&d(3.0)).to_f64(), 3.3);
    }
}
