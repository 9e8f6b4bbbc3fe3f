//! What a committee signs, and the digests its members sign (EIP-712).
//!
//! The domain names the light node that verifies the signatures and the chain it runs on:
//!
//! ```text
//! EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)
//!   name "MOS Committee Light Node", version "1",
//!   chainId = the chain the light node runs on, verifyingContract = the light node
//! HeaderAttestation(uint256 chainId,uint256 blockNumber,bytes32 blockHash,uint256 epoch)
//!   chainId = the source chain, epoch = the signing committee's
//! CommitteeRotation(uint256 chainId,uint256 epoch,address[] members,uint256 threshold)
//!   epoch = the new committee's (the current one's + 1), signed by the current committee
//! ```
//!
//! A signature is 65 bytes `r ‖ s ‖ v` with v 27 or 28 and s at most half the curve order
//! (EIP-2); `updateBlockHeader` and `updateLightClient` take the signatures concatenated.

use alloy_primitives::{b256, Address, B256};
use alloy_sol_types::{eip712_domain, Eip712Domain, SolStruct};

pub use crate::interfaces::{CommitteeRotation, HeaderAttestation, SignedHeader, SignedRotation};

/// The EIP-712 domain name of every committee light node.
pub const DOMAIN_NAME: &str = "MOS Committee Light Node";
/// The EIP-712 domain version.
pub const DOMAIN_VERSION: &str = "1";
/// The length of one signature: `r ‖ s ‖ v`.
pub const SIGNATURE_LENGTH: usize = 65;

/// keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
/// for verifiers that hash the domain themselves (the light node, with the host's keccak).
pub const DOMAIN_TYPEHASH: B256 = b256!("0x8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f");
/// keccak256 of [`DOMAIN_NAME`].
pub const DOMAIN_NAME_HASH: B256 = b256!("0x893d936012e8a7f7e9330998be0b7d92b02507b8f62ab85f6367897c0c09f591");
/// keccak256 of [`DOMAIN_VERSION`].
pub const DOMAIN_VERSION_HASH: B256 = b256!("0xc89efdaa54c0f20c7adf612882df0950f5a951637e0307cdcb4c672f298b8bc6");
/// keccak256("HeaderAttestation(uint256 chainId,uint256 blockNumber,bytes32 blockHash,uint256 epoch)").
pub const HEADER_ATTESTATION_TYPEHASH: B256 =
    b256!("0x506d1896e91477f908a1f7e291c45a0a51137d3287f65a96fe768dfd233e4c50");
/// keccak256("CommitteeRotation(uint256 chainId,uint256 epoch,address[] members,uint256 threshold)").
pub const COMMITTEE_ROTATION_TYPEHASH: B256 =
    b256!("0x4ab5b73a0400ee93355f94ad9c78cd40067a7ade8c997c97d87b7c2d0b2bedb1");

/// The domain of the light node at `light_node` on chain `chain_id`.
pub fn domain(chain_id: u64, light_node: Address) -> Eip712Domain {
    eip712_domain! {
        name: DOMAIN_NAME,
        version: DOMAIN_VERSION,
        chain_id: chain_id,
        verifying_contract: light_node,
    }
}

/// The digest committee members sign for `attestation` under `domain`.
pub fn header_digest(domain: &Eip712Domain, attestation: &HeaderAttestation) -> B256 {
    attestation.eip712_signing_hash(domain)
}

/// The digest committee members sign for `rotation` under `domain`.
pub fn rotation_digest(domain: &Eip712Domain, rotation: &CommitteeRotation) -> B256 {
    rotation.eip712_signing_hash(domain)
}
