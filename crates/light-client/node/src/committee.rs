//! The committee: checking its signatures (one check for header attestations and rotations) and
//! setting a new one (at `initialize` and at each rotation).

use alloc::vec::Vec;

use alloy_primitives::{address, uint, Address, B256, U256};
use alloy_sol_types::SolEvent;
use light_client_iface::attestation::SIGNATURE_LENGTH;
use light_client_iface::interfaces::ICommitteeLightNode::CommitteeUpdated;

use mos_program::Host;

use crate::reason;
use crate::storage::{self, Config, MAX_COMMITTEE};

/// The ecrecover precompile.
const ECRECOVER: Address = address!("0x0000000000000000000000000000000000000001");

/// Half the order of secp256k1: a signature's `s` may not be above it (EIP-2), so that each
/// signature has one form.
const HALF_ORDER: U256 = uint!(0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0_U256);

/// Checks that `signatures` (65-byte `r ‖ s ‖ v`, concatenated) are signatures of `digest` by at
/// least `config.threshold` distinct members of the current committee.
///
/// # Errors
/// [`reason::SIGNATURES_LENGTH`], [`reason::HIGH_S`], [`reason::BAD_V`],
/// [`reason::INVALID_SIGNATURE`] (ecrecover found no signer), [`reason::UNKNOWN_SIGNER`],
/// [`reason::DUPLICATE_SIGNER`], [`reason::NOT_ENOUGH_SIGNATURES`].
pub fn check_signatures(host: &Host, config: &Config, digest: B256, signatures: &[u8]) -> Result<(), &'static str> {
    if !signatures.len().is_multiple_of(SIGNATURE_LENGTH) {
        return Err(reason::SIGNATURES_LENGTH);
    }
    let mut signers = Vec::new();
    for signature in signatures.chunks_exact(SIGNATURE_LENGTH) {
        let signer = recover(host, digest, signature)?;
        if config.epoch == 0 || storage::membership(host, signer) != config.epoch {
            return Err(reason::UNKNOWN_SIGNER);
        }
        if signers.contains(&signer) {
            return Err(reason::DUPLICATE_SIGNER);
        }
        signers.push(signer);
    }
    if (signers.len() as u64) < config.threshold {
        return Err(reason::NOT_ENOUGH_SIGNATURES);
    }
    Ok(())
}

/// The signer of `digest` by a 65-byte `r ‖ s ‖ v` signature, through the ecrecover precompile.
fn recover(host: &Host, digest: B256, signature: &[u8]) -> Result<Address, &'static str> {
    let (r, rest) = signature.split_at(32);
    let (s, v) = rest.split_at(32);
    if U256::from_be_slice(s) > HALF_ORDER {
        return Err(reason::HIGH_S);
    }
    if !matches!(v, [27 | 28]) {
        return Err(reason::BAD_V);
    }
    let mut input = [0u8; 128];
    input[..32].copy_from_slice(digest.as_slice());
    input[63..64].copy_from_slice(v);
    input[64..96].copy_from_slice(r);
    input[96..].copy_from_slice(s);
    // The precompile answers nothing when no key signed it (r or s zero or out of range).
    match host.static_call(ECRECOVER, &input) {
        Ok(word) if word.len() == 32 => Ok(Address::from_slice(&word[12..])),
        _ => Err(reason::INVALID_SIGNATURE),
    }
}

/// Makes `members` with `threshold` the committee of `config.epoch` (the new one; the rest of
/// `config` as it will be stored) and emits `CommitteeUpdated`.
///
/// # Errors
/// [`reason::EMPTY_COMMITTEE`], [`reason::COMMITTEE_TOO_LARGE`] (more than [`MAX_COMMITTEE`]),
/// [`reason::ZERO_MEMBER`], [`reason::DUPLICATE_MEMBER`], [`reason::INVALID_THRESHOLD`] (0 or
/// more than the members).
pub fn install(host: &Host, mut config: Config, members: &[Address], threshold: U256) -> Result<(), &'static str> {
    if members.is_empty() {
        return Err(reason::EMPTY_COMMITTEE);
    }
    if members.len() > MAX_COMMITTEE {
        return Err(reason::COMMITTEE_TOO_LARGE);
    }
    for (i, member) in members.iter().enumerate() {
        if member.is_zero() {
            return Err(reason::ZERO_MEMBER);
        }
        if members[..i].contains(member) {
            return Err(reason::DUPLICATE_MEMBER);
        }
    }
    let size = members.len() as u64;
    config.threshold = match u64::try_from(threshold) {
        Ok(threshold) if (1..=size).contains(&threshold) => threshold,
        _ => return Err(reason::INVALID_THRESHOLD),
    };
    config.size = size;
    for (index, member) in (0..).zip(members) {
        storage::set_membership(host, *member, config.epoch);
        storage::set_member(host, index, *member);
    }
    config.store(host);
    let data = crate::with_members(&[U256::from(0x40), threshold], members);
    host.emit(&[CommitteeUpdated::SIGNATURE_HASH, U256::from(config.epoch).into()], &data);
    Ok(())
}
