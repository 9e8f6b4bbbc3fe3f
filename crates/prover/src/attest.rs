//! Committee members' signatures, as a committee light node checks them.
//!
//! Each member signs the EIP-712 digest of [`light_client_iface::attestation`] with its key: 65
//! bytes `r ‖ s ‖ v`, v 27 or 28, s in the lower half of the curve order (EIP-2). The signatures
//! travel concatenated in the argument of `updateBlockHeader` ([`SignedHeader`]) or
//! `updateLightClient` ([`SignedRotation`]), one per member, ordered by signer address (ascending):
//! a light node can then refuse a repeated member by comparing neighbours, and a light node that
//! accepts any order accepts this one.

use alloy_primitives::{Address, Bytes, B256};
use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::{Eip712Domain, SolCall, SolValue};
use light_client_iface::{
    attestation::{
        header_digest, rotation_digest, CommitteeRotation, HeaderAttestation, SignedHeader, SignedRotation,
        SIGNATURE_LENGTH,
    },
    interfaces::ILightNode,
};

/// Why a committee could not sign.
#[derive(Debug, thiserror::Error)]
pub enum AttestError {
    /// The same key was given twice: a member's signature counts once, so a second one would only
    /// be refused by the light node.
    #[error("the key of {0} is given twice: each member signs once")]
    DuplicateSigner(Address),
    /// The signer failed (a local key does not, but the error is the signer's to report).
    #[error("{signer} cannot sign: {source}")]
    Signing {
        /// The member whose key failed.
        signer: Address,
        /// What the signer reported.
        #[source]
        source: alloy_signer::Error,
    },
}

/// One member's signature of a digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberSignature {
    /// The member: the address of the key that signed.
    pub signer: Address,
    /// `r ‖ s ‖ v`, v 27 or 28, s low.
    pub signature: [u8; SIGNATURE_LENGTH],
}

/// Every signer's signature of `digest`, ordered by signer address (ascending).
///
/// # Errors
/// [`AttestError::DuplicateSigner`] when two signers have the same address (checked before anything
/// is signed), [`AttestError::Signing`] when a signer fails.
pub fn sign_digest(digest: &B256, signers: &[PrivateKeySigner]) -> Result<Vec<MemberSignature>, AttestError> {
    let mut ordered: Vec<&PrivateKeySigner> = signers.iter().collect();
    ordered.sort_unstable_by_key(|signer| signer.address());
    if let Some(pair) = ordered.windows(2).find(|pair| pair[0].address() == pair[1].address()) {
        return Err(AttestError::DuplicateSigner(pair[0].address()));
    }
    ordered
        .into_iter()
        .map(|signer| {
            let signature = signer
                .sign_hash_sync(digest)
                .map_err(|source| AttestError::Signing { signer: signer.address(), source })?;
            // k256 already signs with a low s; normalising keeps EIP-2 whatever signer is used.
            Ok(MemberSignature { signer: signer.address(), signature: signature.normalized_s().as_bytes() })
        })
        .collect()
}

/// The signatures concatenated, in the order given: the `signatures` field of [`SignedHeader`] and
/// [`SignedRotation`].
pub fn concat(signatures: &[MemberSignature]) -> Bytes {
    signatures.iter().flat_map(|member| member.signature).collect()
}

/// `attestation` signed by every signer under `domain` (the light node's).
///
/// # Errors
/// As [`sign_digest`].
pub fn sign_header(
    domain: &Eip712Domain,
    attestation: HeaderAttestation,
    signers: &[PrivateKeySigner],
) -> Result<SignedHeader, AttestError> {
    let signatures = sign_digest(&header_digest(domain, &attestation), signers)?;
    Ok(SignedHeader { attestation, signatures: concat(&signatures) })
}

/// `rotation` signed by every signer (members of the current committee) under `domain`.
///
/// # Errors
/// As [`sign_digest`].
pub fn sign_rotation(
    domain: &Eip712Domain,
    rotation: CommitteeRotation,
    signers: &[PrivateKeySigner],
) -> Result<SignedRotation, AttestError> {
    let signatures = sign_digest(&rotation_digest(domain, &rotation), signers)?;
    Ok(SignedRotation { rotation, signatures: concat(&signatures) })
}

/// The calldata of `updateBlockHeader(abi.encode(signed))`.
pub fn update_block_header_calldata(signed: &SignedHeader) -> Bytes {
    ILightNode::updateBlockHeaderCall { blockHeader: signed.abi_encode().into() }.abi_encode().into()
}

/// The calldata of `updateLightClient(abi.encode(signed))`.
pub fn update_light_client_calldata(signed: &SignedRotation) -> Bytes {
    ILightNode::updateLightClientCall { data: signed.abi_encode().into() }.abi_encode().into()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use alloy_primitives::{address, b256, Signature, U256};
    use light_client_iface::attestation::domain;

    use super::*;

    /// The first three keys of the test mnemonic (anvil's accounts 0, 1, 2).
    fn committee() -> Vec<PrivateKeySigner> {
        [
            "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
            "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
            "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
        ]
        .iter()
        .map(|key| key.parse().unwrap())
        .collect()
    }

    fn attestation() -> HeaderAttestation {
        HeaderAttestation {
            chainId: U256::from(5),
            blockNumber: U256::from(1234),
            blockHash: b256!("0x88e96d4537bea4d9c05d12549907b32561d3bf31f45aae734cdc119f13406cb6"),
            epoch: U256::from(1),
        }
    }

    const LIGHT_NODE: Address = address!("0x5FbDB2315678afecb367f032d93F642f64180aa3");

    /// Splits concatenated signatures and recovers each one's signer.
    fn recover_all(signatures: &[u8], digest: &B256) -> Vec<Address> {
        assert_eq!(signatures.len() % SIGNATURE_LENGTH, 0);
        signatures
            .chunks(SIGNATURE_LENGTH)
            .map(|bytes| {
                assert!(bytes[64] == 27 || bytes[64] == 28, "v is {}", bytes[64]);
                let s = U256::from_be_slice(&bytes[32..64]);
                assert!(s <= SECP256K1N_HALF, "s is high");
                Signature::from_raw(bytes).unwrap().recover_address_from_prehash(digest).unwrap()
            })
            .collect()
    }

    /// Half the secp256k1 group order, rounded down: the largest low s (EIP-2).
    const SECP256K1N_HALF: U256 =
        U256::from_be_bytes(b256!("0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0").0);

    #[test]
    fn each_signature_recovers_to_its_member_in_address_order() {
        let domain = domain(412_346, LIGHT_NODE);
        let signed = sign_header(&domain, attestation(), &committee()).unwrap();
        assert_eq!(signed.attestation, attestation());
        assert_eq!(signed.signatures.len(), 3 * SIGNATURE_LENGTH);
        assert_eq!(
            recover_all(&signed.signatures, &header_digest(&domain, &attestation())),
            [
                address!("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"),
                address!("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"),
                address!("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"),
            ]
        );
    }

    #[test]
    fn a_rotation_is_signed_by_the_current_committee() {
        let domain = domain(412_346, LIGHT_NODE);
        let rotation = CommitteeRotation {
            chainId: U256::from(5),
            epoch: U256::from(2),
            members: vec![address!("0x90F79bf6EB2c4f870365E785982E1f101E93b906")],
            threshold: U256::from(1),
        };
        let current = committee();
        let signed = sign_rotation(&domain, rotation.clone(), &current[..2]).unwrap();
        assert_eq!(signed.rotation, rotation);
        assert_eq!(
            recover_all(&signed.signatures, &rotation_digest(&domain, &rotation)),
            [current[1].address(), current[0].address()]
        );
    }

    #[test]
    fn the_calldata_carries_abi_encode_of_the_signed_struct() {
        let domain = domain(412_346, LIGHT_NODE);
        let signed = sign_header(&domain, attestation(), &committee()).unwrap();
        let calldata = update_block_header_calldata(&signed);
        assert_eq!(calldata[..4], ILightNode::updateBlockHeaderCall::SELECTOR);
        let argument = ILightNode::updateBlockHeaderCall::abi_decode(&calldata).unwrap().blockHeader;
        // abi.encode of a struct with a dynamic member: its offset (0x20) first.
        assert_eq!(argument[..32], U256::from(0x20).to_be_bytes::<32>());
        assert_eq!(SignedHeader::abi_decode(&argument).unwrap(), signed);

        let rotation = CommitteeRotation {
            chainId: U256::from(5),
            epoch: U256::from(2),
            members: committee().iter().map(PrivateKeySigner::address).collect(),
            threshold: U256::from(2),
        };
        let signed = sign_rotation(&domain, rotation, &committee()).unwrap();
        let calldata = update_light_client_calldata(&signed);
        assert_eq!(calldata[..4], ILightNode::updateLightClientCall::SELECTOR);
        let argument = ILightNode::updateLightClientCall::abi_decode(&calldata).unwrap().data;
        assert_eq!(SignedRotation::abi_decode(&argument).unwrap(), signed);
    }

    #[test]
    fn a_key_given_twice_is_refused_before_signing() {
        let mut signers = committee();
        signers.push(signers[1].clone());
        let error = sign_digest(&B256::ZERO, &signers).unwrap_err();
        assert!(matches!(error, AttestError::DuplicateSigner(a) if a == signers[1].address()), "{error}");
    }

    #[test]
    fn signatures_are_deterministic_and_bound_to_the_domain() {
        let signers = committee();
        let here = header_digest(&domain(412_346, LIGHT_NODE), &attestation());
        let other_chain = header_digest(&domain(1, LIGHT_NODE), &attestation());
        assert_ne!(here, other_chain);
        assert_eq!(sign_digest(&here, &signers).unwrap(), sign_digest(&here, &signers).unwrap());
        assert_ne!(sign_digest(&here, &signers).unwrap(), sign_digest(&other_chain, &signers).unwrap());
    }
}
