//! What Atlas's proposer and validators sign (`consensus/istanbul/backend/engine.go` and
//! `consensus/istanbul/core/core.go` of mapprotocol/atlas).

use alloc::vec::Vec;

use alloy_primitives::{keccak256, Bytes, B256, U256};

use crate::{AtlasHeader, IbftError, IstanbulExtra, VANITY_LENGTH};

/// IBFT's commit message code (`MsgCommit`): the last byte of what validators BLS-sign.
pub const MSG_COMMIT: u8 = 2;

/// keccak256 of `header` with its Istanbul extra (`vanity` and `extra`, decoded from it)
/// filtered (`IstanbulFilteredHeader`): the aggregated seal emptied, and the proposer's seal too
/// unless `keep_seal`. For a caller that decoded the extra already.
pub(crate) fn filtered_hash(
    header: &AtlasHeader,
    vanity: &[u8; VANITY_LENGTH],
    extra: &IstanbulExtra,
    keep_seal: bool,
) -> B256 {
    let extra = Bytes::from(extra.filtered(keep_seal).to_extra_data(vanity));
    AtlasHeader { extra, ..header.clone() }.rlp_hash()
}

/// [`filtered_hash`] of `header`, its extra decoded here.
fn filtered(header: &AtlasHeader, keep_seal: bool) -> Result<B256, IbftError> {
    let (vanity, extra) = IstanbulExtra::from_extra_data(&header.extra)?;
    Ok(filtered_hash(header, &vanity, &extra, keep_seal))
}

/// The block's hash (`Header.Hash()`): keccak256 of the header's RLP with the aggregated seal
/// emptied, the proposer's seal and the parent's aggregated seal kept. What the validators
/// commit to, what the next block names as its parent, and what a light node proves receipts
/// under.
///
/// # Errors
/// As [`IstanbulExtra::from_extra_data`] on the header's `extraData`.
pub fn block_hash(header: &AtlasHeader) -> Result<B256, IbftError> {
    filtered(header, true)
}

/// The seal hash (`sigHash`): keccak256 of the header's RLP with the aggregated seal and the
/// proposer's seal emptied.
///
/// # Errors
/// As [`block_hash`].
pub fn seal_hash(header: &AtlasHeader) -> Result<B256, IbftError> {
    filtered(header, false)
}

/// What the proposer's ECDSA seal signs: keccak256 of the seal hash (Atlas's account manager
/// hashes the data it signs once more).
///
/// # Errors
/// As [`block_hash`].
pub fn proposer_digest(header: &AtlasHeader) -> Result<B256, IbftError> {
    Ok(keccak256(seal_hash(header)?))
}

/// What each committing validator BLS-signs (`PrepareCommittedSeal`): the block hash, the round
/// as a minimal big-endian integer (nothing for round 0), and [`MSG_COMMIT`]. MAP's Solidity
/// light node writes rounds below 2^24 only.
pub fn commit_message(block_hash: B256, round: U256) -> Vec<u8> {
    let round_bytes = round.to_be_bytes_trimmed_vec();
    let mut message = Vec::with_capacity(32 + round_bytes.len() + 1);
    message.extend_from_slice(block_hash.as_slice());
    message.extend_from_slice(&round_bytes);
    message.push(MSG_COMMIT);
    message
}
