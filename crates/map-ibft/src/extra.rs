//! The Istanbul extra in an Atlas header's `extraData` (`core/types/istanbul.go` of
//! mapprotocol/atlas): after a 32-byte vanity, the RLP list
//! `[AddedValidators, AddedValidatorsPublicKeys, AddedValidatorsG1PublicKeys, RemovedValidators,
//! Seal, AggregatedSeal, ParentAggregatedSeal]`.

use alloc::vec::Vec;

use alloy_primitives::{Address, Bytes, U256};
use alloy_rlp::Encodable;

use crate::{rlp, IbftError};

/// The vanity before the Istanbul extra in `extraData`.
pub const VANITY_LENGTH: usize = 32;
/// A validator's BN254 public key in G2: `x_imaginary ‖ x_real ‖ y_imaginary ‖ y_real`, each 32
/// bytes big-endian (the order of the `0x08` precompile's input).
pub const G2_KEY_LENGTH: usize = 128;
/// A validator's BN254 public key in G1 (`x ‖ y`), which MAP's light node sums.
pub const G1_KEY_LENGTH: usize = 64;
/// The proposer's seal: an ECDSA signature `r ‖ s ‖ v`, v 0 or 1.
pub const SEAL_LENGTH: usize = 65;

/// The validators' aggregated BLS seal of a block (`IstanbulAggregatedSeal`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AggregatedSeal {
    /// Which validators signed: bit i for validator i of the epoch's set (lowest bit first).
    pub bitmap: U256,
    /// The sum of their signatures, a G1 point `x ‖ y` (64 bytes); empty when emptied.
    pub signature: Bytes,
    /// The IBFT round the block was committed in.
    pub round: U256,
}

impl AggregatedSeal {
    fn decode(buf: &mut &[u8], what: &'static str) -> Result<Self, IbftError> {
        let mut fields = rlp::list(buf, what)?;
        let seal = Self {
            bitmap: rlp::item(&mut fields, "aggregated seal bitmap")?,
            signature: Bytes::copy_from_slice(rlp::string(&mut fields, "aggregated seal signature")?),
            round: rlp::item(&mut fields, "aggregated seal round")?,
        };
        rlp::done(fields, what, "3", 3)?;
        Ok(seal)
    }

    fn encode(&self, out: &mut Vec<u8>) {
        let mut payload = Vec::with_capacity(8 + self.signature.len() + 40);
        self.bitmap.encode(&mut payload);
        self.signature.encode(&mut payload);
        self.round.encode(&mut payload);
        out.extend_from_slice(&rlp::wrap_list(&payload));
    }
}

/// The Istanbul extra: the validator set change (made only in an epoch's last block), the
/// proposer's seal, the block's aggregated seal and its parent's.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IstanbulExtra {
    /// The validators added, in the order they join the set.
    pub added_validators: Vec<Address>,
    /// Their G2 public keys, in the same order.
    pub added_public_keys: Vec<[u8; G2_KEY_LENGTH]>,
    /// Their G1 public keys, in the same order.
    pub added_g1_public_keys: Vec<[u8; G1_KEY_LENGTH]>,
    /// Which validators of the old set leave: bit i for validator i.
    pub removed_validators: U256,
    /// The proposer's seal ([`SEAL_LENGTH`] bytes; empty when emptied).
    pub seal: Bytes,
    /// The block's aggregated seal.
    pub aggregated_seal: AggregatedSeal,
    /// The parent block's aggregated seal.
    pub parent_aggregated_seal: AggregatedSeal,
}

impl IstanbulExtra {
    /// Reads the Istanbul extra of a header's `extraData`: the vanity (returned) and the extra.
    ///
    /// # Errors
    /// [`IbftError::ShortExtra`] when there is no room for the vanity, and as
    /// [`IstanbulExtra::decode`] for what follows it.
    pub fn from_extra_data(extra_data: &[u8]) -> Result<([u8; VANITY_LENGTH], Self), IbftError> {
        if extra_data.len() < VANITY_LENGTH {
            return Err(IbftError::ShortExtra(extra_data.len()));
        }
        let (vanity, rest) = extra_data.split_at(VANITY_LENGTH);
        let vanity: [u8; VANITY_LENGTH] = vanity.try_into().expect("split at the vanity's length");
        Ok((vanity, Self::decode(rest)?))
    }

    /// `vanity` and the extra: a header's `extraData`.
    pub fn to_extra_data(&self, vanity: &[u8; VANITY_LENGTH]) -> Vec<u8> {
        let mut out = vanity.to_vec();
        out.extend_from_slice(&self.encode());
        out
    }

    /// Decodes the RLP of an Istanbul extra (nothing may follow it, as Atlas's `rlp.DecodeBytes`
    /// requires).
    ///
    /// # Errors
    /// [`IbftError::Rlp`] for malformed or non-canonical RLP, [`IbftError::Length`] for an
    /// address or key of another length, [`IbftError::ItemCount`] for lists of other lengths.
    pub fn decode(encoded: &[u8]) -> Result<Self, IbftError> {
        const WHAT: &str = "Istanbul extra";
        let mut fields = rlp::whole_list(encoded, WHAT)?;
        let fields = &mut fields;
        let extra = Self {
            added_validators: fixed_list(fields, "added validators")?.into_iter().map(Address::from).collect(),
            added_public_keys: fixed_list(fields, "added G2 public keys")?,
            added_g1_public_keys: fixed_list(fields, "added G1 public keys")?,
            removed_validators: rlp::item(fields, "removed validators")?,
            seal: Bytes::copy_from_slice(rlp::string(fields, "seal")?),
            aggregated_seal: AggregatedSeal::decode(fields, "aggregated seal")?,
            parent_aggregated_seal: AggregatedSeal::decode(fields, "parent aggregated seal")?,
        };
        rlp::done(fields, WHAT, "7", 7)?;
        Ok(extra)
    }

    /// The RLP of the extra.
    pub fn encode(&self) -> Vec<u8> {
        let mut payload = Vec::new();
        encode_list(&mut payload, self.added_validators.iter().map(|address| address.as_slice()));
        encode_list(&mut payload, self.added_public_keys.iter().map(|key| key.as_slice()));
        encode_list(&mut payload, self.added_g1_public_keys.iter().map(|key| key.as_slice()));
        self.removed_validators.encode(&mut payload);
        self.seal.encode(&mut payload);
        self.aggregated_seal.encode(&mut payload);
        self.parent_aggregated_seal.encode(&mut payload);
        rlp::wrap_list(&payload)
    }

    /// The same extra with its aggregated seal emptied, and its proposer's seal too unless
    /// `keep_seal`: what the block hash (`keep_seal`) and the seal hash are taken over.
    pub fn filtered(&self, keep_seal: bool) -> Self {
        Self {
            seal: if keep_seal { self.seal.clone() } else { Bytes::new() },
            aggregated_seal: AggregatedSeal::default(),
            ..self.clone()
        }
    }
}

/// A list of strings of `N` bytes each.
fn fixed_list<const N: usize>(buf: &mut &[u8], what: &'static str) -> Result<Vec<[u8; N]>, IbftError> {
    let mut items = rlp::list(buf, what)?;
    let mut out = Vec::new();
    while !items.is_empty() {
        out.push(rlp::fixed::<N>(&mut items, what)?);
    }
    Ok(out)
}

/// Appends the RLP list of `items`, each a string.
fn encode_list<'a>(out: &mut Vec<u8>, items: impl Iterator<Item = &'a [u8]>) {
    let mut payload = Vec::new();
    for item in items {
        item.encode(&mut payload);
    }
    out.extend_from_slice(&rlp::wrap_list(&payload));
}
