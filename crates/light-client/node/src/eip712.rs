//! The EIP-712 digests of `light_client_iface::attestation`, computed with the host's keccak.
//!
//! alloy-sol-types computes the same digests (`attestation::header_digest`, what signers use) with
//! its streaming hasher, which is software keccak in wasm; here every hash is one
//! `native_keccak256`, and the type hashes are the constants of `light_client_iface::attestation`.
//! The tests in `crates/mos-tests` check `domainSeparator()` against alloy's, and the digests
//! through signatures made over alloy's.

use alloc::vec::Vec;

use alloy_primitives::{B256, U256};
use light_client_iface::attestation::{
    CommitteeRotation, HeaderAttestation, COMMITTEE_ROTATION_TYPEHASH, DOMAIN_NAME_HASH, DOMAIN_TYPEHASH,
    DOMAIN_VERSION_HASH, HEADER_ATTESTATION_TYPEHASH,
};
use mos_program::Host;

/// The domain separator of this light node on this chain.
pub fn domain_separator(host: &Host) -> B256 {
    let chain_id = U256::from(host.chain_id()).into();
    keccak_words(host, &[DOMAIN_TYPEHASH, DOMAIN_NAME_HASH, DOMAIN_VERSION_HASH, chain_id, host.this().into_word()])
}

/// The digest members sign for `attestation`.
pub fn header_digest(host: &Host, attestation: &HeaderAttestation) -> B256 {
    signing_hash(
        host,
        keccak_words(
            host,
            &[
                HEADER_ATTESTATION_TYPEHASH,
                attestation.chainId.into(),
                attestation.blockNumber.into(),
                attestation.blockHash,
                attestation.epoch.into(),
            ],
        ),
    )
}

/// The digest members sign for `rotation`.
pub fn rotation_digest(host: &Host, rotation: &CommitteeRotation) -> B256 {
    let members: Vec<B256> = rotation.members.iter().map(|member| member.into_word()).collect();
    signing_hash(
        host,
        keccak_words(
            host,
            &[
                COMMITTEE_ROTATION_TYPEHASH,
                rotation.chainId.into(),
                rotation.epoch.into(),
                keccak_words(host, &members),
                rotation.threshold.into(),
            ],
        ),
    )
}

/// `keccak256("\x19\x01" ‖ domainSeparator ‖ structHash)`.
fn signing_hash(host: &Host, struct_hash: B256) -> B256 {
    let mut preimage = [0u8; 66];
    preimage[..2].copy_from_slice(&[0x19, 0x01]);
    preimage[2..34].copy_from_slice(domain_separator(host).as_slice());
    preimage[34..].copy_from_slice(struct_hash.as_slice());
    host.keccak(&preimage)
}

/// keccak256 of `words` concatenated.
fn keccak_words(host: &Host, words: &[B256]) -> B256 {
    host.keccak(&words.concat())
}
