//! The EIP-712 digests committee members sign, checked against the standard's definitions written
//! out by hand (what a Solidity verifier or a wallet computes).

use alloy_primitives::{address, b256, keccak256, Address, B256, U256};
use alloy_sol_types::SolStruct;
use light_client_iface::attestation::{self, CommitteeRotation, HeaderAttestation};

fn word(value: u64) -> [u8; 32] {
    U256::from(value).to_be_bytes()
}

fn address_word(address: Address) -> [u8; 32] {
    address.into_word().0
}

fn domain_separator(chain_id: u64, light_node: Address) -> B256 {
    let mut encoded =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)").to_vec();
    encoded.extend(keccak256("MOS Committee Light Node"));
    encoded.extend(keccak256("1"));
    encoded.extend(word(chain_id));
    encoded.extend(address_word(light_node));
    keccak256(encoded)
}

fn digest(domain_separator: B256, struct_hash: B256) -> B256 {
    let mut encoded = vec![0x19, 0x01];
    encoded.extend(domain_separator);
    encoded.extend(struct_hash);
    keccak256(encoded)
}

#[test]
fn the_type_hash_constants_are_the_hashes_of_the_types() {
    assert_eq!(
        attestation::DOMAIN_TYPEHASH,
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")
    );
    assert_eq!(attestation::DOMAIN_NAME_HASH, keccak256(attestation::DOMAIN_NAME));
    assert_eq!(attestation::DOMAIN_VERSION_HASH, keccak256(attestation::DOMAIN_VERSION));
    assert_eq!(attestation::HEADER_ATTESTATION_TYPEHASH, keccak256(HeaderAttestation::eip712_encode_type().as_bytes()));
    assert_eq!(attestation::COMMITTEE_ROTATION_TYPEHASH, keccak256(CommitteeRotation::eip712_encode_type().as_bytes()));
}

const LIGHT_NODE: Address = address!("00000000000000000000000000000000000000aa");

#[test]
fn header_digest_is_eip712_of_the_attestation() {
    let hash = b256!("1111111111111111111111111111111111111111111111111111111111111111");
    let attestation = HeaderAttestation {
        chainId: U256::from(22776),
        blockNumber: U256::from(1234),
        blockHash: hash,
        epoch: U256::from(3),
    };
    let mut encoded =
        keccak256("HeaderAttestation(uint256 chainId,uint256 blockNumber,bytes32 blockHash,uint256 epoch)").to_vec();
    encoded.extend(word(22776));
    encoded.extend(word(1234));
    encoded.extend(hash);
    encoded.extend(word(3));
    let expected = digest(domain_separator(412346, LIGHT_NODE), keccak256(encoded));
    let domain = attestation::domain(412346, LIGHT_NODE);
    assert_eq!(domain.separator(), domain_separator(412346, LIGHT_NODE));
    assert_eq!(attestation::header_digest(&domain, &attestation), expected);
    // Another light node, chain or epoch signs something else.
    assert_ne!(attestation::header_digest(&attestation::domain(412346, Address::ZERO), &attestation), expected);
    assert_ne!(attestation::header_digest(&attestation::domain(1, LIGHT_NODE), &attestation), expected);
    let next_epoch = HeaderAttestation { epoch: U256::from(4), ..attestation };
    assert_ne!(attestation::header_digest(&domain, &next_epoch), expected);
}

#[test]
fn rotation_digest_is_eip712_of_the_rotation() {
    let members = vec![
        address!("0000000000000000000000000000000000000001"),
        address!("0000000000000000000000000000000000000002"),
    ];
    let rotation = CommitteeRotation {
        chainId: U256::from(22776),
        epoch: U256::from(2),
        members: members.clone(),
        threshold: U256::from(2),
    };
    let mut encoded =
        keccak256("CommitteeRotation(uint256 chainId,uint256 epoch,address[] members,uint256 threshold)").to_vec();
    encoded.extend(word(22776));
    encoded.extend(word(2));
    let member_words: Vec<u8> = members.iter().flat_map(|m| address_word(*m)).collect();
    encoded.extend(keccak256(member_words));
    encoded.extend(word(2));
    let expected = digest(domain_separator(412346, LIGHT_NODE), keccak256(encoded));
    assert_eq!(attestation::rotation_digest(&attestation::domain(412346, LIGHT_NODE), &rotation), expected);
}
