//! The MAP relay chain's consensus as its light clients see it: Atlas's IBFT headers.
//!
//! Atlas (mapprotocol/atlas) seals each block with an Istanbul extra in the header's `extraData`:
//! the validators added and removed at an epoch's last block, the proposer's ECDSA seal, and the
//! aggregated BLS seal (over BN254) of the validators that committed it, with its parent's. MAP's
//! Solidity `LightNode` (mapprotocol/map-contracts, `mapclients/eth`) follows the validator set
//! epoch by epoch and checks each header's aggregated seal with the `0x08` pairing precompile.
//! This crate holds what both sides compute, in the one place where a mismatch with MAP would be
//! (docs/map-light-node.md says what each rule follows and how it was checked):
//!
//! - [`AtlasHeader`]: the header's 14 fields (no uncle hash, no difficulty) and their RLP;
//! - [`IstanbulExtra`]: the extra after the 32-byte vanity, and [`AggregatedSeal`];
//! - [`block_hash`] (the aggregated seal emptied: what validators commit to), [`seal_hash`] (the
//!   proposer's seal emptied too) and [`proposer_digest`] (what the proposer signs);
//! - [`commit_message`]: what each validator BLS-signs; [`hash_to_g1`]: how it becomes a point;
//! - [`epoch_of`], [`ValidatorSet::apply`]: epochs, and the set change an epoch's last block makes;
//! - [`verify_seal`]: a header's seals checked against its epoch's validators, the `0x01` and
//!   `0x08` precompiles the caller's ([`Precompiles`]).
//!
//! No std: the Stylus light node links it. Off chain, feature `arkworks` adds [`bls`]: the same
//! points as arkworks' BN254 types, for a sealer and a prover.

#![no_std]

extern crate alloc;

#[cfg(feature = "arkworks")]
pub mod bls;
mod envelope;
mod epoch;
mod error;
mod extra;
mod field;
mod hash_to_g1;
mod header;
mod rlp;
mod seal;
mod verify;

pub use envelope::{SealedHeader, SealedReceiptProof};
pub use epoch::{epoch_of, is_last_of_epoch, next_g1_keys, quorum, ValidatorSet};
pub use error::IbftError;
pub use extra::{AggregatedSeal, IstanbulExtra, G1_KEY_LENGTH, G2_KEY_LENGTH, SEAL_LENGTH, VANITY_LENGTH};
pub use hash_to_g1::{hash_to_g1, hash_to_g1_with, CurveArithmetic, G1Point, Software, FIELD_MODULUS};
pub use header::AtlasHeader;
pub use seal::{block_hash, commit_message, proposer_digest, seal_hash, MSG_COMMIT};
pub use verify::{verify_seal, EpochKeys, Precompiles, SealError, G2_GENERATOR};
