//! BN254's base field in Montgomery form, with no division anywhere: what hash-to-G1 and point
//! addition compute with. A Stylus program that links `ruint`'s general `mul_mod` carries its
//! 512-bit division, which alone puts a light node over Nitro's 24 KiB code limit.

use alloy_primitives::U256;

use crate::FIELD_MODULUS;

/// p, least significant limb first.
const P: [u64; 4] = [0x3c208c16d87cfd47, 0x97816a916871ca8d, 0xb85045b68181585d, 0x30644e72e131a029];
/// R² mod p, R = 2^256: what takes a number into Montgomery form.
const R2: [u64; 4] = [0xf32cfc5b538afa89, 0xb5e71911d44501fb, 0x47ab1eff0a417ff6, 0x06d89f71cab8351f];
/// −p⁻¹ mod 2^64.
const INV: u64 = 0x87d20782e4866389;

/// An element of the field, `a·R mod p` for the number a it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fp([u64; 4]);

impl Fp {
    /// 0.
    pub(crate) const ZERO: Self = Self([0; 4]);

    /// `x mod p`.
    pub(crate) fn new(x: U256) -> Self {
        let mut x = x;
        // x < 2^256 < 6p: at most five subtractions.
        while x >= FIELD_MODULUS {
            x = x.wrapping_sub(FIELD_MODULUS);
        }
        Self(*x.as_limbs()).mul(Self(R2))
    }

    /// The number it stands for, below p.
    pub(crate) fn value(self) -> U256 {
        U256::from_limbs(self.mul(Self([1, 0, 0, 0])).0)
    }

    pub(crate) fn is_zero(self) -> bool {
        self == Self::ZERO
    }

    pub(crate) fn add(self, other: Self) -> Self {
        let (sum, carry) = add_limbs(&self.0, &other.0);
        Self(reduce_once(sum, carry))
    }

    pub(crate) fn sub(self, other: Self) -> Self {
        let (difference, borrow) = sub_limbs(&self.0, &other.0);
        Self(if borrow { add_limbs(&difference, &P).0 } else { difference })
    }

    pub(crate) fn neg(self) -> Self {
        Self::ZERO.sub(self)
    }

    /// Montgomery multiplication (CIOS): `a·b·R⁻¹ mod p` of the limbs, which is the product of
    /// the numbers they stand for, in Montgomery form.
    pub(crate) fn mul(self, other: Self) -> Self {
        let (a, b) = (&self.0, &other.0);
        let mut t = [0u64; 6];
        for &b_i in b {
            let mut carry = 0u128;
            for j in 0..4 {
                let s = u128::from(t[j]) + u128::from(a[j]) * u128::from(b_i) + carry;
                t[j] = s as u64;
                carry = s >> 64;
            }
            let s = u128::from(t[4]) + carry;
            t[4] = s as u64;
            t[5] = (s >> 64) as u64;
            let m = t[0].wrapping_mul(INV);
            let mut carry = (u128::from(t[0]) + u128::from(m) * u128::from(P[0])) >> 64;
            for j in 1..4 {
                let s = u128::from(t[j]) + u128::from(m) * u128::from(P[j]) + carry;
                t[j - 1] = s as u64;
                carry = s >> 64;
            }
            let s = u128::from(t[4]) + carry;
            t[3] = s as u64;
            t[4] = t[5] + (s >> 64) as u64;
        }
        Self(reduce_once([t[0], t[1], t[2], t[3]], t[4] != 0))
    }

    /// `self^exponent`.
    pub(crate) fn pow(self, exponent: U256) -> Self {
        let mut result = Self::new(U256::from(1));
        for bit in (0..exponent.bit_len()).rev() {
            result = result.mul(result);
            if exponent.bit(bit) {
                result = result.mul(self);
            }
        }
        result
    }

    /// `self⁻¹` (0 for 0, as Fermat's inversion gives).
    pub(crate) fn invert(self) -> Self {
        self.pow(FIELD_MODULUS - U256::from(2))
    }
}

/// Limbs below 2p (with `carry` the bit above them) reduced below p.
fn reduce_once(limbs: [u64; 4], carry: bool) -> [u64; 4] {
    let (reduced, borrow) = sub_limbs(&limbs, &P);
    if carry || !borrow {
        reduced
    } else {
        limbs
    }
}

fn add_limbs(a: &[u64; 4], b: &[u64; 4]) -> ([u64; 4], bool) {
    let mut out = [0u64; 4];
    let mut carry = false;
    for i in 0..4 {
        let (sum, first) = a[i].overflowing_add(b[i]);
        let (sum, second) = sum.overflowing_add(u64::from(carry));
        out[i] = sum;
        carry = first || second;
    }
    (out, carry)
}

fn sub_limbs(a: &[u64; 4], b: &[u64; 4]) -> ([u64; 4], bool) {
    let mut out = [0u64; 4];
    let mut borrow = false;
    for i in 0..4 {
        let (difference, first) = a[i].overflowing_sub(b[i]);
        let (difference, second) = difference.overflowing_sub(u64::from(borrow));
        out[i] = difference;
        borrow = first || second;
    }
    (out, borrow)
}
