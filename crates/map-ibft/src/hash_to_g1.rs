//! BN254 hash-to-G1 as Atlas signs with it (MadNet's `HashToG1`, which mapprotocol/atlas imports
//! from `github.com/MadBase/MadNet` v0.5.0) and MAP's `BGLS.hashToG1` verifies it: Fouque and
//! Tibouchi's map applied to two field elements, each made of two keccak256 hashes of the
//! message, and the two points added. The sign of y follows Wahby and Boneh's `sign0` of the
//! field element (y negated above (p − 1)/2), as MAP's Solidity library does.

use alloy_primitives::{keccak256, uint, U256};

use crate::field::Fp;

/// The BN254 base field's modulus p.
pub const FIELD_MODULUS: U256 =
    uint!(21888242871839275222246405745257275088696311157297823662689037894645226208583_U256);

/// 2^256 mod p.
const TWO_256_MOD_P: U256 = uint!(6350874878119819312338956282401532409788428879151445726012394534686998597021_U256);
/// (−1 + √−3) / 2 mod p.
const C1: U256 = uint!(2203960485148121921418603742825762020974279258880205651966_U256);
/// √−3 mod p.
const C2: U256 = uint!(4407920970296243842837207485651524041948558517760411303933_U256);
/// 1/3 mod p.
const C3: U256 = uint!(14592161914559516814830937163504850059130874104865215775126025263096817472389_U256);

/// A point of BN254's G1 in affine coordinates, as the `0x06`–`0x08` precompiles take it (the
/// point at infinity is (0, 0)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct G1Point {
    /// x.
    pub x: U256,
    /// y.
    pub y: U256,
}

impl G1Point {
    /// The point at infinity.
    pub const INFINITY: Self = Self { x: U256::ZERO, y: U256::ZERO };

    /// `x ‖ y`, 32 bytes each, big-endian.
    pub fn to_bytes(&self) -> [u8; 64] {
        let mut out = [0u8; 64];
        out[..32].copy_from_slice(&self.x.to_be_bytes::<32>());
        out[32..].copy_from_slice(&self.y.to_be_bytes::<32>());
        out
    }

    /// The point `x ‖ y` (32 bytes each, big-endian); `None` unless both are below p and the
    /// point is on the curve or at infinity ((0, 0)). G1 has no cofactor: a point of the curve is
    /// a point of G1.
    pub fn from_bytes(bytes: &[u8; 64]) -> Option<Self> {
        let point = Self { x: U256::from_be_slice(&bytes[..32]), y: U256::from_be_slice(&bytes[32..]) };
        point.is_on_curve().then_some(point)
    }

    /// Whether the point is on the curve (y² = x³ + 3), or at infinity.
    pub fn is_on_curve(&self) -> bool {
        if *self == Self::INFINITY {
            return true;
        }
        if self.x >= FIELD_MODULUS || self.y >= FIELD_MODULUS {
            return false;
        }
        let y = Fp::new(self.y);
        y.mul(y) == curve(Fp::new(self.x))
    }

    fn from_field(x: Fp, y: Fp) -> Self {
        Self { x: x.value(), y: y.value() }
    }
}

impl core::ops::Add for G1Point {
    type Output = Self;

    /// The sum of two points of the curve.
    fn add(self, other: Self) -> Self {
        if self == Self::INFINITY {
            return other;
        }
        if other == Self::INFINITY {
            return self;
        }
        let (x1, y1, x2, y2) = (Fp::new(self.x), Fp::new(self.y), Fp::new(other.x), Fp::new(other.y));
        let slope = if x1 == x2 {
            if y1 != y2 || y1.is_zero() {
                return Self::INFINITY;
            }
            // The tangent: 3x² / 2y.
            let three_x2 = x1.mul(x1).mul(Fp::new(uint!(3_U256)));
            three_x2.mul(y1.add(y1).invert())
        } else {
            y2.sub(y1).mul(x2.sub(x1).invert())
        };
        let x = slope.mul(slope).sub(x1).sub(x2);
        let y = slope.mul(x1.sub(x)).sub(y1);
        Self::from_field(x, y)
    }
}

impl core::ops::Neg for G1Point {
    type Output = Self;

    /// −P: (x, p − y).
    fn neg(self) -> Self {
        if self == Self::INFINITY {
            return self;
        }
        Self::from_field(Fp::new(self.x), Fp::new(self.y).neg())
    }
}

/// The two operations of hash-to-G1 that cost most: exponentiation in the base field and point
/// addition. Computed here ([`Software`]) or by the chain's `0x05` and `0x06` precompiles
/// ([`crate::Precompiles`], what a Stylus program spends far less gas on).
pub trait CurveArithmetic {
    /// `base^exponent mod p`; `None` when it cannot be had.
    fn field_pow(&self, base: U256, exponent: U256) -> Option<U256>;
    /// `a + b` of two points of the curve; `None` when it cannot be had.
    fn point_add(&self, a: G1Point, b: G1Point) -> Option<G1Point>;
}

/// [`CurveArithmetic`] computed in Rust.
#[derive(Debug, Clone, Copy, Default)]
pub struct Software;

impl CurveArithmetic for Software {
    fn field_pow(&self, base: U256, exponent: U256) -> Option<U256> {
        Some(Fp::new(base).pow(exponent).value())
    }

    fn point_add(&self, a: G1Point, b: G1Point) -> Option<G1Point> {
        Some(a + b)
    }
}

impl<P: crate::Precompiles> CurveArithmetic for P {
    fn field_pow(&self, base: U256, exponent: U256) -> Option<U256> {
        self.mod_exp(base, exponent)
    }

    fn point_add(&self, a: G1Point, b: G1Point) -> Option<G1Point> {
        self.ec_add(a, b)
    }
}

/// `message` hashed to a point of G1.
pub fn hash_to_g1(message: &[u8]) -> G1Point {
    let hashed = hash_to_g1_with(message, &Software);
    // Software arithmetic always answers.
    hashed.unwrap_or(G1Point::INFINITY)
}

/// [`hash_to_g1`] with the exponentiations and the addition made by `arithmetic`; `None` when
/// it fails to answer.
pub fn hash_to_g1_with(message: &[u8], arithmetic: &impl CurveArithmetic) -> Option<G1Point> {
    let first = base_to_g1(hash_to_base(message, 0x00, 0x01), arithmetic)?;
    let second = base_to_g1(hash_to_base(message, 0x02, 0x03), arithmetic)?;
    arithmetic.point_add(first, second)
}

/// A field element from two domain-separated keccak256 hashes of `message`, read as one 512-bit
/// number `s0 · 2^256 + s1` reduced mod p.
fn hash_to_base(message: &[u8], c0: u8, c1: u8) -> Fp {
    let hash = |prefix: u8| {
        let mut preimage = alloc::vec::Vec::with_capacity(1 + message.len());
        preimage.push(prefix);
        preimage.extend_from_slice(message);
        Fp::new(U256::from_be_bytes(keccak256(preimage).0))
    };
    hash(c0).mul(Fp::new(TWO_256_MOD_P)).add(hash(c1))
}

/// `a^exponent` by `arithmetic`.
fn pow(arithmetic: &impl CurveArithmetic, a: Fp, exponent: U256) -> Option<Fp> {
    arithmetic.field_pow(a.value(), exponent).map(Fp::new)
}

/// Fouque and Tibouchi's map of a field element to a point of the curve.
fn base_to_g1(t: Fp, arithmetic: &impl CurveArithmetic) -> Option<G1Point> {
    let one = Fp::new(uint!(1_U256));
    let t2 = t.mul(t);
    let t2_plus_4 = t2.add(Fp::new(uint!(4_U256)));
    // 1 / (t² (t² + 4)); 0 for t = 0, as inversion by exponentiation gives.
    let alpha = pow(arithmetic, t2.mul(t2_plus_4), FIELD_MODULUS - uint!(2_U256))?;
    let x1 = Fp::new(C1).sub(Fp::new(C2).mul(t2.mul(t2)).mul(alpha));
    let x2 = one.add(x1).neg();
    let x3 = one.sub(Fp::new(C3).mul(t2_plus_4.mul(t2_plus_4).mul(t2_plus_4)).mul(alpha));
    let (r1, r2) = (i32::from(legendre(curve(x1), arithmetic)?), i32::from(legendre(curve(x2), arithmetic)?));
    // x1 when x1³ + 3 is a square, else x2 when x2³ + 3 is, else x3; the index as MAP computes
    // it (truncating division, as Solidity's), so that the cases of a residue 0 agree too.
    let x = match (r1 - 1) * (r2 - 3) / 4 + 1 {
        1 => x1,
        2 => x2,
        _ => x3,
    };
    let y = pow(arithmetic, curve(x), (FIELD_MODULUS + uint!(1_U256)) >> 2)?;
    let y = if t.value() > (FIELD_MODULUS - uint!(1_U256)) >> 1 { y.neg() } else { y };
    Some(G1Point::from_field(x, y))
}

/// x³ + 3.
fn curve(x: Fp) -> Fp {
    x.mul(x).mul(x).add(Fp::new(uint!(3_U256)))
}

/// 1 when `a` is a non-zero square mod p, −1 when it is not a square, 0 for 0.
fn legendre(a: Fp, arithmetic: &impl CurveArithmetic) -> Option<i8> {
    let s = pow(arithmetic, a, (FIELD_MODULUS - uint!(1_U256)) >> 1)?;
    Some(if s.is_zero() {
        0
    } else if s == Fp::new(uint!(1_U256)) {
        1
    } else {
        -1
    })
}
