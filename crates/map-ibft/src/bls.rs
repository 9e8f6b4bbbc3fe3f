//! Off chain (feature `arkworks`): the G1 and G2 byte layouts of Atlas's keys and seals as
//! arkworks' BN254 points, and the sums a sealer and a prover make of them.

use alloy_primitives::U256;
use ark_bn254::{Fq, Fq2, G1Affine, G2Affine, G2Projective};
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::{BigInteger, PrimeField};

use crate::{G1Point, FIELD_MODULUS, G1_KEY_LENGTH, G2_KEY_LENGTH};

/// A G1 point in arkworks' form; `None` off the curve. Infinity is (0, 0).
pub fn g1_affine(point: &G1Point) -> Option<G1Affine> {
    if *point == G1Point::INFINITY {
        return Some(G1Affine::zero());
    }
    if !point.is_on_curve() {
        return None;
    }
    Some(G1Affine::new_unchecked(field(point.x)?, field(point.y)?))
}

/// A G1 point as `x ‖ y`, big-endian (infinity as 64 zero bytes).
pub fn g1_bytes(point: &G1Affine) -> [u8; G1_KEY_LENGTH] {
    let mut out = [0u8; G1_KEY_LENGTH];
    if let Some((x, y)) = point.xy() {
        out[..32].copy_from_slice(&field_bytes(x));
        out[32..].copy_from_slice(&field_bytes(y));
    }
    out
}

/// A G2 point as `x.imaginary ‖ x.real ‖ y.imaginary ‖ y.real`, big-endian (infinity as 128 zero
/// bytes): the layout of Atlas's G2 keys and of the `0x08` precompile.
pub fn g2_bytes(point: &G2Affine) -> [u8; G2_KEY_LENGTH] {
    let mut out = [0u8; G2_KEY_LENGTH];
    if let Some((x, y)) = point.xy() {
        for (i, coordinate) in [x.c1, x.c0, y.c1, y.c0].into_iter().enumerate() {
            out[i * 32..(i + 1) * 32].copy_from_slice(&field_bytes(coordinate));
        }
    }
    out
}

/// The G2 point of [`g2_bytes`]' layout; `None` unless every coordinate is below p and the point
/// is on the twist and in the order-r subgroup (or all zero: infinity).
pub fn g2_affine(bytes: &[u8; G2_KEY_LENGTH]) -> Option<G2Affine> {
    if bytes.iter().all(|b| *b == 0) {
        return Some(G2Affine::zero());
    }
    let word = |i: usize| field(U256::from_be_slice(&bytes[i * 32..(i + 1) * 32]));
    let point = G2Affine::new_unchecked(Fq2::new(word(1)?, word(0)?), Fq2::new(word(3)?, word(2)?));
    (point.is_on_curve() && point.is_in_correct_subgroup_assuming_on_curve()).then_some(point)
}

/// The sum of G2 keys in [`g2_bytes`]' layout: the aggregated key of the validators who signed;
/// `None` when one is not a G2 point.
pub fn sum_g2(keys: &[[u8; G2_KEY_LENGTH]]) -> Option<[u8; G2_KEY_LENGTH]> {
    let mut sum = G2Projective::default();
    for key in keys {
        sum += g2_affine(key)?;
    }
    Some(g2_bytes(&sum.into_affine()))
}

/// A base-field element; `None` at or above p.
fn field(value: U256) -> Option<Fq> {
    (value < FIELD_MODULUS).then(|| Fq::from_be_bytes_mod_order(&value.to_be_bytes::<32>()))
}

/// A base-field element as 32 big-endian bytes.
fn field_bytes(value: Fq) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(&value.into_bigint().to_bytes_be());
    out
}
