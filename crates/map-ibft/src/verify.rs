//! A header's seals checked against its epoch's validators, as MAP's `LightNode` checks them
//! (`_verifyHeaderSig`, `BGLS.checkAggPk`, `BGLS.checkSignature`): the proposer's ECDSA seal is
//! the coinbase's; a quorum of the validators signed (the bitmap); the G2 key A given with the
//! header is the sum of the signers' keys, e(S, G2) = e(G1, A) with S the sum of their G1 keys;
//! and the aggregated signature σ is theirs of the block's commit message, e(σ, G2) = e(H(m), A).
//!
//! Where MAP makes two pairing checks, this makes one: with r a challenge hashed from S, σ, H(m)
//! and A (Fiat–Shamir), e(S + r·σ, G2) · e(−(G1 + r·H(m)), A) = 1 holds when both equations do,
//! and when either fails holds only if r hits the one value that cancels it (1 in the group
//! order, about 2^−254, not something an attacker choosing the inputs can aim r at). It saves a
//! pairing check (113,000 gas) for two `0x07` multiplications (12,000). A refused header is
//! checked again equation by equation, to say which failed. S is the epoch's stored key sum less
//! the keys of those who did not sign ([`EpochKeys`]), so a light node reads the keys of the
//! absent only, as MAP's does.
//!
//! The precompiles are the caller's ([`Precompiles`]): `0x01`, `0x05`–`0x08` on chain, other
//! implementations in tests.

use alloc::vec::Vec;

use alloy_primitives::{hex, keccak256, uint, Address, B256, U256};
use light_client_iface::push_decimal;

use crate::{
    commit_message, hash_to_g1_with, quorum, seal::filtered_hash, AtlasHeader, G1Point, IbftError, IstanbulExtra,
    G1_KEY_LENGTH, G2_KEY_LENGTH, SEAL_LENGTH,
};

/// The order of BN254's groups: challenges are taken modulo it.
const GROUP_ORDER: U256 = uint!(21888242871839275222246405745257275088548364400416034343698204186575808495617_U256);

/// BN254's G2 generator in the `0x08` precompile's order: x imaginary, x real, y imaginary, y real.
pub const G2_GENERATOR: [u8; G2_KEY_LENGTH] = hex!(
    "198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2"
    "1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed"
    "090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b"
    "12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa"
);

/// What checking a seal needs of the chain: the `0x01`, `0x05`, `0x06`, `0x07` and `0x08`
/// precompiles.
pub trait Precompiles {
    /// `ecrecover`: the signer of `digest` by `(v, r, s)` (v 27 or 28); `None` when there is none.
    fn ecrecover(&self, digest: B256, v: u8, r: B256, s: B256) -> Option<Address>;

    /// `modexp` modulo BN254's field modulus p: `base^exponent mod p`.
    fn mod_exp(&self, base: U256, exponent: U256) -> Option<U256>;

    /// `ecAdd` (EIP-196): `a + b`; `None` when a point is not on the curve.
    fn ec_add(&self, a: G1Point, b: G1Point) -> Option<G1Point>;

    /// `ecMul` (EIP-196): `scalar · point`; `None` when the point is not on the curve.
    fn ec_mul(&self, point: G1Point, scalar: U256) -> Option<G1Point>;

    /// The BN254 pairing check of `input` (pairs of a G1 point, 64 bytes, and a G2 point, 128
    /// bytes in [`G2_GENERATOR`]'s order): whether the product of the pairings is one; `None`
    /// when the precompile refuses the input (a point not on its curve, or not in its group).
    fn pairing(&self, input: &[u8]) -> Option<bool>;
}

/// An epoch's validators' G1 keys as a light node holds them: how many, their sum, and each one,
/// read only when asked (the keys of those who did not sign).
pub trait EpochKeys {
    /// How many validators.
    fn count(&self) -> usize;

    /// The sum of all their keys.
    ///
    /// # Errors
    /// [`SealError::ValidatorKey`] (naming no validator in particular: `count`) when it is not a
    /// point of G1.
    fn sum(&self) -> Result<G1Point, SealError>;

    /// Validator `index`'s key.
    ///
    /// # Errors
    /// [`SealError::ValidatorKey`] when it is not a point of G1.
    fn key(&self, index: usize) -> Result<G1Point, SealError>;
}

/// The keys in order, their sum computed in Rust: for callers that have them all at hand.
impl EpochKeys for [[u8; G1_KEY_LENGTH]] {
    fn count(&self) -> usize {
        self.len()
    }

    fn sum(&self) -> Result<G1Point, SealError> {
        (0..self.len()).try_fold(G1Point::INFINITY, |sum, index| Ok(sum + self.key(index)?))
    }

    fn key(&self, index: usize) -> Result<G1Point, SealError> {
        self.get(index).and_then(G1Point::from_bytes).ok_or(SealError::ValidatorKey(index))
    }
}

/// Why a header's seal is not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    /// The header's `extraData` is not an Istanbul extra.
    #[error("the header's Istanbul extra: {0}")]
    Extra(#[from] IbftError),
    /// The proposer's seal is not a 65-byte signature, or not the coinbase's.
    #[error("the proposer's seal is not the coinbase's ({coinbase})")]
    ProposerSeal {
        /// The header's coinbase.
        coinbase: Address,
    },
    /// The bitmap names a validator the epoch does not have.
    #[error("the aggregated seal's bitmap names validator {index}, of a set of {validators}")]
    BitmapBeyondSet {
        /// The highest validator it names.
        index: usize,
        /// The epoch's validators.
        validators: usize,
    },
    /// Fewer validators signed than a quorum.
    #[error("{signers} of the epoch's {validators} validators signed; at least {quorum} must")]
    BelowQuorum {
        /// How many signed.
        signers: usize,
        /// The epoch's validators.
        validators: usize,
        /// How many must.
        quorum: usize,
    },
    /// A validator's stored G1 key is not a point of G1.
    #[error("validator {0}'s G1 key is not a point of G1")]
    ValidatorKey(usize),
    /// The aggregated signature is not a point of G1.
    #[error("the aggregated signature is not a point of G1")]
    Signature,
    /// The G2 key given is not the sum of the signers' keys.
    #[error("the aggregated G2 key is not the sum of the signers' keys")]
    AggregatedKey,
    /// The aggregated signature is not the signers' of this block's commit message.
    #[error("the aggregated signature is not the signers' of block {block_hash} in round {round}")]
    SignatureMismatch {
        /// The block hash.
        block_hash: B256,
        /// The round.
        round: alloy_primitives::U256,
    },
    /// The pairing precompile refused its input: the G2 key is not a point of G2.
    #[error("the aggregated G2 key is not a point of G2")]
    G2Key,
}

impl SealError {
    /// What went wrong, written without `core::fmt` (which would cost a Stylus program
    /// kilobytes): the counts and indexes of the `Display` text, not its hashes and addresses.
    pub fn message(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut text = |part: &str| out.extend_from_slice(part.as_bytes());
        match *self {
            Self::Extra(_) => text("the header's Istanbul extra is malformed"),
            Self::ProposerSeal { .. } => text("the proposer's seal is not the coinbase's"),
            Self::BitmapBeyondSet { index, validators } => {
                text("the aggregated seal's bitmap names validator ");
                push_decimal(&mut out, index);
                out.extend_from_slice(b", of a set of ");
                push_decimal(&mut out, validators);
            }
            Self::BelowQuorum { signers, validators, quorum } => {
                push_decimal(&mut out, signers);
                out.extend_from_slice(b" of the epoch's ");
                push_decimal(&mut out, validators);
                out.extend_from_slice(b" validators signed; at least ");
                push_decimal(&mut out, quorum);
                out.extend_from_slice(b" must");
            }
            Self::ValidatorKey(index) => {
                text("validator ");
                push_decimal(&mut out, index);
                out.extend_from_slice(b"'s G1 key is not a point of G1");
            }
            Self::Signature => text("the aggregated signature is not a point of G1"),
            Self::AggregatedKey => text("the aggregated G2 key is not the sum of the signers' keys"),
            Self::SignatureMismatch { .. } => {
                text("the aggregated signature is not the signers' of this block and round")
            }
            Self::G2Key => text("the aggregated G2 key is not a point of G2"),
        }
        out
    }
}

/// Checks `header`'s seals against the G1 keys of its epoch's validators (in their order) and
/// the signers' summed G2 key `aggregated_key` given with it. The block hash, when they hold.
///
/// # Errors
/// A [`SealError`] naming the first check that fails, in the order the module lists them.
pub fn verify_seal(
    validators: &(impl EpochKeys + ?Sized),
    header: &AtlasHeader,
    aggregated_key: &[u8; G2_KEY_LENGTH],
    precompiles: &impl Precompiles,
) -> Result<B256, SealError> {
    // The extra decoded once: both hashes are taken over it.
    let (vanity, extra) = IstanbulExtra::from_extra_data(&header.extra)?;
    let hash = filtered_hash(header, &vanity, &extra, true);
    let proposer_digest = keccak256(filtered_hash(header, &vanity, &extra, false));
    check_proposer(header, &extra, proposer_digest, precompiles)?;
    let seal = &extra.aggregated_seal;
    let count = validators.count();
    let bits = seal.bitmap.bit_len();
    if bits > count {
        return Err(SealError::BitmapBeyondSet { index: bits - 1, validators: count });
    }
    let signers = (0..count).filter(|index| seal.bitmap.bit(*index)).count();
    let needed = quorum(count);
    if signers < needed {
        return Err(SealError::BelowQuorum { signers, validators: count, quorum: needed });
    }
    let signers_key = signers_key(validators, seal.bitmap, precompiles)?;
    let signature: &[u8; 64] = seal.signature.as_ref().try_into().map_err(|_| SealError::Signature)?;
    let signature = G1Point::from_bytes(signature).ok_or(SealError::Signature)?;
    let message = hash_to_g1_with(&commit_message(hash, seal.round), precompiles).ok_or(SealError::Signature)?;
    let generator = G1Point { x: U256::from(1), y: U256::from(2) };
    let r = challenge(&[signers_key, signature, message], aggregated_key);
    let combine = |a: G1Point, b: G1Point| {
        let scaled = precompiles.ec_mul(b, r).ok_or(SealError::Signature)?;
        precompiles.ec_add(a, scaled).ok_or(SealError::Signature)
    };
    // e(S + r·σ, G2) · e(−(G1 + r·H(m)), A) = 1.
    let left = combine(signers_key, signature)?;
    let right = combine(generator, message)?;
    if pairs_to_one(precompiles, left, -right, aggregated_key)? {
        return Ok(hash);
    }
    // Refused: e(S, G2) = e(G1, A) says whether A is the signers' key.
    if !pairs_to_one(precompiles, signers_key, -generator, aggregated_key)? {
        return Err(SealError::AggregatedKey);
    }
    Err(SealError::SignatureMismatch { block_hash: hash, round: seal.round })
}

/// The sum of the G1 keys of the validators `bitmap` names: the epoch's sum less the keys of
/// those it does not name (fewer than a third, past the quorum check).
fn signers_key(
    validators: &(impl EpochKeys + ?Sized),
    bitmap: U256,
    precompiles: &impl Precompiles,
) -> Result<G1Point, SealError> {
    (0..validators.count()).filter(|index| !bitmap.bit(*index)).try_fold(validators.sum()?, |sum, index| {
        precompiles.ec_add(sum, -validators.key(index)?).ok_or(SealError::ValidatorKey(index))
    })
}

/// The batching challenge: keccak256 of the G1 points and the G2 key, modulo the group order
/// (never 0).
fn challenge(points: &[G1Point], key: &[u8; G2_KEY_LENGTH]) -> U256 {
    let mut preimage = Vec::with_capacity(points.len() * 64 + G2_KEY_LENGTH);
    for point in points {
        preimage.extend_from_slice(&point.to_bytes());
    }
    preimage.extend_from_slice(key);
    // Below 2^256 < 6·order: at most five subtractions (no division, which would cost a Stylus
    // program code size).
    let mut r = U256::from_be_bytes(keccak256(preimage).0);
    while r >= GROUP_ORDER {
        r = r.wrapping_sub(GROUP_ORDER);
    }
    if r.is_zero() {
        U256::from(1)
    } else {
        r
    }
}

/// Checks that the proposer's seal is the coinbase's signature of `digest`, the proposer digest
/// ([`crate::proposer_digest`]).
fn check_proposer(
    header: &AtlasHeader,
    extra: &IstanbulExtra,
    digest: B256,
    precompiles: &impl Precompiles,
) -> Result<(), SealError> {
    let refused = SealError::ProposerSeal { coinbase: header.coinbase };
    if extra.seal.len() != SEAL_LENGTH {
        return Err(refused);
    }
    let v = match extra.seal[64] {
        v @ (0 | 1) => v + 27,
        v @ (27 | 28) => v,
        _ => return Err(refused),
    };
    let (r, s) = (B256::from_slice(&extra.seal[..32]), B256::from_slice(&extra.seal[32..64]));
    match precompiles.ecrecover(digest, v, r, s) {
        Some(signer) if signer == header.coinbase => Ok(()),
        _ => Err(refused),
    }
}

/// e(a, G2) · e(b, key) = 1, by the precompile.
fn pairs_to_one(
    precompiles: &impl Precompiles,
    a: G1Point,
    b: G1Point,
    key: &[u8; G2_KEY_LENGTH],
) -> Result<bool, SealError> {
    let mut input = Vec::with_capacity(384);
    input.extend_from_slice(&a.to_bytes());
    input.extend_from_slice(&G2_GENERATOR);
    input.extend_from_slice(&b.to_bytes());
    input.extend_from_slice(key);
    precompiles.pairing(&input).ok_or(SealError::G2Key)
}
