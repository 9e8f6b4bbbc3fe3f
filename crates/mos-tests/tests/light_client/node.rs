//! The committee light node's own interface: `initialize`, header attestations, rotations, views.

use alloy_primitives::{address, Address, Bytes, B256, U256};
use alloy_sol_types::SolCall;
use light_client_iface::attestation::{self, CommitteeRotation, HeaderAttestation};
use light_client_iface::interfaces::{ICommitteeLightNode, ILightNode};
use mos_tests::light_client::*;
use mos_tests::*;

use super::{committee, encode, failed, fixture, verify_at, Fixture};

/// `initialize(SOURCE_CHAIN, members, threshold)`.
fn initialize(members: Vec<Address>, threshold: u64) -> ICommitteeLightNode::initializeCall {
    ICommitteeLightNode::initializeCall {
        sourceChainId: U256::from(SOURCE_CHAIN),
        members,
        threshold: U256::from(threshold),
    }
}

/// The attestation of a block of the source chain that the fixture's committee signs (epoch 1).
fn some_block(fixture: &mut Fixture) -> devnet::block::Block {
    let (number, _) = fixture.source.emit(&super::logs(1, 8));
    fixture.source.block(number).clone()
}

/// Submits `attestation` signed by members `which` and asserts it reverts with `reason`.
fn rejected(fixture: &mut Fixture, attestation: HeaderAttestation, which: &[usize], reason: &str) {
    let signatures = fixture.committee.sign(header_digest(fixture.node, &attestation), which.iter().copied());
    refused(fixture, attestation, signatures, reason);
}

/// Submits `attestation` with `signatures` and asserts it reverts with `reason`.
fn refused(fixture: &mut Fixture, attestation: HeaderAttestation, signatures: Vec<u8>, reason: &str) {
    let node = fixture.node;
    fixture.suite.reverts(STRANGER, node, update_block_header(attestation, signatures), reason);
}

/// A new block of the source chain and its attestation in epoch 1.
fn attestation_of_a_new_block(fixture: &mut Fixture) -> HeaderAttestation {
    let block = some_block(fixture);
    attestation(&block, 1)
}

fn attested_hash(fixture: &mut Fixture, number: u64) -> B256 {
    let node = fixture.node;
    fixture.suite.view(node, ICommitteeLightNode::attestedHashCall { blockNumber: U256::from(number) })
}

fn is_verifiable(suite: &mut Suite, node: Address, number: u64, hash: B256) -> bool {
    suite.view(node, ILightNode::isVerifiableCall { blockHeight: U256::from(number), hash })
}

fn epoch(fixture: &mut Fixture) -> u64 {
    let node = fixture.node;
    fixture.suite.view(node, ICommitteeLightNode::epochCall {}).to()
}

/// The rotation to `next` in epoch 2.
fn rotation(next: &Committee) -> CommitteeRotation {
    CommitteeRotation {
        chainId: U256::from(SOURCE_CHAIN),
        epoch: U256::from(2),
        members: next.members(),
        threshold: U256::from(next.threshold),
    }
}

/// Rotates the fixture's committee to `next` (epoch 2), signed by the current threshold.
fn rotate(fixture: &mut Fixture, next: &Committee) -> devnet::block::TxReceipt {
    let rotation = rotation(next);
    let signatures = fixture.committee.sign_threshold(rotation_digest(fixture.node, &rotation));
    let node = fixture.node;
    fixture.suite.ok(STRANGER, node, update_light_client(rotation, signatures))
}

/// `clientState()`: `abi.encode(sourceChainId, epoch, threshold, committeeSize, lowest, highest)`.
fn client_state(words: [u64; 6]) -> Bytes {
    words.iter().flat_map(|word| U256::from(*word).to_be_bytes::<32>()).collect::<Vec<u8>>().into()
}

/// A new block of the source chain, attested by the fixture's committee.
fn attested_block(fixture: &mut Fixture) -> devnet::block::Block {
    let block = some_block(fixture);
    let node = fixture.node;
    fixture.suite.attest(node, &fixture.committee, 1, &block);
    block
}

/// `CommitteeUpdated` for `committee` in `epoch`.
fn committee_updated(epoch: u64, committee: &Committee) -> ICommitteeLightNode::CommitteeUpdated {
    ICommitteeLightNode::CommitteeUpdated {
        epoch: U256::from(epoch),
        members: committee.members(),
        threshold: U256::from(committee.threshold),
    }
}

#[test]
fn initialize_sets_the_first_committee_and_every_view_reports_it() {
    let committee = committee();
    let mut suite = Suite::chain();
    let node = suite.deploy_light_node();
    let receipt = suite.ok(ADMIN, node, initialize(committee.members(), 2));
    assert_eq!(event::<ICommitteeLightNode::CommitteeUpdated>(&receipt), (node, committee_updated(1, &committee)));
    assert_eq!(suite.view(node, ICommitteeLightNode::sourceChainIdCall {}), U256::from(SOURCE_CHAIN));
    assert_eq!(suite.view(node, ICommitteeLightNode::committeeCall {}), committee.members());
    assert_eq!(suite.view(node, ICommitteeLightNode::thresholdCall {}), U256::from(2));
    assert_eq!(suite.view(node, ICommitteeLightNode::epochCall {}), U256::from(1));
    assert_eq!(suite.view(node, ILightNode::nodeTypeCall {}), U256::from(3));
    assert_eq!(suite.view(node, ILightNode::headerHeightCall {}), U256::ZERO);
    let range = suite.view(node, ILightNode::verifiableHeaderRangeCall {});
    assert_eq!((range._0, range._1), (U256::ZERO, U256::ZERO));
    let expected = client_state([SOURCE_CHAIN, 1, 2, 3, 0, 0]);
    assert_eq!(suite.view(node, ILightNode::clientStateCall {}), expected);
}

#[test]
fn the_domain_separator_is_the_one_alloy_computes_for_this_node_and_chain() {
    let Fixture { mut suite, node, .. } = fixture();
    let separator = suite.view(node, ICommitteeLightNode::domainSeparatorCall {});
    assert_eq!(separator, attestation::domain(SELF_CHAIN, node).separator());
}

#[test]
fn only_the_deployer_may_initialize() {
    let mut suite = Suite::chain();
    let node = suite.deploy_light_node();
    suite.reverts(STRANGER, node, initialize(committee().members(), 2), "LightNode: only deployer");
    assert_eq!(suite.storage(node, U256::ZERO), U256::from_be_slice(account(ADMIN).as_slice()));
    // Deployed without the recording init code, the program has no deployer: nobody initialises it.
    let unrecorded = suite.deploy_program("mos-light-node");
    suite.reverts(ADMIN, unrecorded, initialize(committee().members(), 2), "LightNode: only deployer");
}

#[test]
fn initialize_twice_reverts() {
    let Fixture { mut suite, node, .. } = fixture();
    let other = Committee::new(0x2000, 3, 3);
    suite.reverts(ADMIN, node, initialize(other.members(), 3), "LightNode: already initialized");
    assert_eq!(suite.view(node, ICommitteeLightNode::committeeCall {}), committee().members());
}

#[test]
fn initialize_refuses_every_malformed_committee() {
    let mut suite = Suite::chain();
    let node = suite.deploy_light_node();
    let members = committee().members();
    let cases: Vec<(ICommitteeLightNode::initializeCall, &str)> = vec![
        (initialize(vec![], 0), "LightNode: empty committee"),
        (initialize(Committee::new(0x3000, 33, 17).members(), 17), "LightNode: committee too large"),
        (initialize(vec![members[0], Address::ZERO], 1), "LightNode: zero member"),
        (initialize(vec![members[0], members[1], members[0]], 2), "LightNode: duplicate member"),
        (initialize(members.clone(), 0), "LightNode: invalid threshold"),
        (initialize(members.clone(), 4), "LightNode: invalid threshold"),
        (
            ICommitteeLightNode::initializeCall {
                sourceChainId: U256::ZERO,
                members: members.clone(),
                threshold: U256::from(2),
            },
            "LightNode: invalid chain id",
        ),
        (
            ICommitteeLightNode::initializeCall {
                sourceChainId: U256::MAX,
                members: members.clone(),
                threshold: U256::from(2),
            },
            "LightNode: invalid chain id",
        ),
    ];
    for (call, reason) in cases {
        suite.reverts(ADMIN, node, call, reason);
    }
    assert_eq!(suite.view(node, ICommitteeLightNode::epochCall {}), U256::ZERO);
    // A committee of the maximum size is fine.
    suite.ok(ADMIN, node, initialize(Committee::new(0x3000, 32, 17).members(), 17));
}

#[test]
fn zero_storage_authorises_nothing_before_initialize() {
    let mut fixture = fixture();
    let block = some_block(&mut fixture);
    let node = fixture.suite.deploy_light_node();
    let attestation = attestation(&block, 0);
    let signatures = fixture.committee.sign_threshold(header_digest(node, &attestation));
    let call = update_block_header(attestation, signatures);
    fixture.suite.reverts(STRANGER, node, call, "LightNode: not initialized");
    let rotation = CommitteeRotation { epoch: U256::from(1), ..rotation(&fixture.committee) };
    fixture.suite.reverts(STRANGER, node, update_light_client(rotation, vec![]), "LightNode: not initialized");
    let proof = fixture.source.proof(block.number(), 0).encode();
    assert_eq!(verify_at(&mut fixture.suite, node, &proof), failed("block not attested"));
    assert!(!is_verifiable(&mut fixture.suite, node, block.number(), block.hash));
    assert!(!is_verifiable(&mut fixture.suite, node, 0, B256::ZERO));
}

#[test]
fn a_threshold_attestation_stores_the_hash_and_widens_the_range() {
    let mut fixture = fixture();
    let first = some_block(&mut fixture);
    let second = some_block(&mut fixture);
    let node = fixture.node;
    let receipt = fixture.suite.attest(node, &fixture.committee, 1, &second);
    assert_eq!(
        event::<ICommitteeLightNode::HeaderAttested>(&receipt),
        (
            node,
            ICommitteeLightNode::HeaderAttested { blockNumber: U256::from(second.number()), blockHash: second.hash }
        )
    );
    fixture.suite.attest(node, &fixture.committee, 1, &first);
    assert_eq!(attested_hash(&mut fixture, second.number()), second.hash);
    assert_eq!(attested_hash(&mut fixture, first.number()), first.hash);
    assert_eq!(attested_hash(&mut fixture, second.number() + 1), B256::ZERO);
    let suite = &mut fixture.suite;
    assert!(is_verifiable(suite, node, second.number(), second.hash));
    assert!(!is_verifiable(suite, node, second.number(), first.hash));
    // A zero hash asks whether the height is attested (the MOS's getOrderStatus).
    assert!(is_verifiable(suite, node, second.number(), B256::ZERO));
    assert!(!is_verifiable(suite, node, second.number() + 1, B256::ZERO));
    assert_eq!(suite.view(node, ILightNode::headerHeightCall {}), U256::from(second.number()));
    let range = suite.view(node, ILightNode::verifiableHeaderRangeCall {});
    assert_eq!((range._0, range._1), (U256::from(first.number()), U256::from(second.number())));
    let expected = client_state([SOURCE_CHAIN, 1, 2, 3, first.number(), second.number()]);
    assert_eq!(suite.view(node, ILightNode::clientStateCall {}), expected);
}

#[test]
fn the_same_attestation_again_changes_nothing() {
    let mut fixture = fixture();
    let block = attested_block(&mut fixture);
    let node = fixture.node;
    let attestation = attestation(&block, 1);
    let signatures = fixture.committee.sign(header_digest(node, &attestation), [2, 1]);
    let receipt = fixture.suite.ok(STRANGER, node, update_block_header(attestation, signatures));
    assert!(receipt.receipt.logs.is_empty());
    assert_eq!(attested_hash(&mut fixture, block.number()), block.hash);
}

#[test]
fn a_conflicting_attestation_is_reported_and_the_first_hash_stays() {
    let mut fixture = fixture();
    let block = attested_block(&mut fixture);
    let node = fixture.node;
    let forged = B256::repeat_byte(0xf0);
    let attestation = HeaderAttestation { blockHash: forged, ..attestation(&block, 1) };
    let signatures = fixture.committee.sign_threshold(header_digest(node, &attestation));
    let receipt = fixture.suite.ok(STRANGER, node, update_block_header(attestation, signatures));
    assert_eq!(
        event::<ICommitteeLightNode::ConflictingAttestation>(&receipt),
        (
            node,
            ICommitteeLightNode::ConflictingAttestation {
                blockNumber: U256::from(block.number()),
                attestedHash: block.hash,
                conflictingHash: forged
            }
        )
    );
    assert!(events::<ICommitteeLightNode::HeaderAttested>(&receipt).is_empty());
    assert_eq!(attested_hash(&mut fixture, block.number()), block.hash);
}

#[test]
fn an_attestation_for_another_chain_reverts() {
    let mut fixture = fixture();
    let attestation = HeaderAttestation { chainId: U256::from(SELF_CHAIN), ..attestation_of_a_new_block(&mut fixture) };
    rejected(&mut fixture, attestation, &[0, 1], "LightNode: wrong chain id");
}

#[test]
fn an_attestation_of_another_epoch_reverts() {
    let mut fixture = fixture();
    let block = some_block(&mut fixture);
    for epoch in [0, 2] {
        rejected(&mut fixture, attestation(&block, epoch), &[0, 1], "LightNode: wrong epoch");
    }
}

#[test]
fn an_attestation_of_the_zero_hash_reverts() {
    let mut fixture = fixture();
    let attestation = HeaderAttestation { blockHash: B256::ZERO, ..attestation_of_a_new_block(&mut fixture) };
    rejected(&mut fixture, attestation, &[0, 1], "LightNode: zero block hash");
}

#[test]
fn fewer_signers_than_the_threshold_revert() {
    let mut fixture = fixture();
    let attestation = attestation_of_a_new_block(&mut fixture);
    rejected(&mut fixture, attestation.clone(), &[1], "LightNode: not enough signatures");
    rejected(&mut fixture, attestation, &[], "LightNode: not enough signatures");
}

#[test]
fn a_member_signing_twice_reverts() {
    let mut fixture = fixture();
    let attestation = attestation_of_a_new_block(&mut fixture);
    rejected(&mut fixture, attestation, &[0, 0], "LightNode: duplicate signer");
}

#[test]
fn a_signer_outside_the_committee_reverts() {
    let mut fixture = fixture();
    let attestation = attestation_of_a_new_block(&mut fixture);
    let digest = header_digest(fixture.node, &attestation);
    let outsider = Committee::new(0x2000, 1, 1);
    let signatures = [fixture.committee.sign(digest, [0]), outsider.sign(digest, [0])].concat();
    refused(&mut fixture, attestation, signatures, "LightNode: unknown signer");
}

#[test]
fn a_signature_of_another_digest_recovers_an_unknown_signer() {
    let mut fixture = fixture();
    let attestation = attestation_of_a_new_block(&mut fixture);
    // Signed for another light node: the domain differs, so the signer recovered is nobody.
    let elsewhere = header_digest(address!("0x00000000000000000000000000000000000000aa"), &attestation);
    let signatures = fixture.committee.sign(elsewhere, [0, 1]);
    refused(&mut fixture, attestation, signatures, "LightNode: unknown signer");
}

#[test]
fn malformed_signatures_revert_with_what_is_wrong() {
    let mut fixture = fixture();
    let attestation = attestation_of_a_new_block(&mut fixture);
    let digest = header_digest(fixture.node, &attestation);
    let good = fixture.committee.sign(digest, [0, 1]);
    // The same signature with s' = n - s and the other v: valid ECDSA for the same key (ecrecover
    // would accept it), refused by EIP-2.
    let mut high_s = good.clone();
    let order = U256::from_be_slice(&alloy_primitives::hex!(
        "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"
    ));
    let s = U256::from_be_slice(&high_s[32..64]);
    high_s[32..64].copy_from_slice(&(order - s).to_be_bytes::<32>());
    high_s[64] ^= 1;
    let mut bad_v = good.clone();
    bad_v[64] = 29;
    let mut zero_v = good.clone();
    zero_v[64] = 0;
    let mut zero_r = good.clone();
    zero_r[..32].fill(0);
    let mut garbage_s = good.clone();
    garbage_s[32..64].fill(0x11);
    let cases = [
        (high_s, "LightNode: signature s too high"),
        (bad_v, "LightNode: signature v not 27 or 28"),
        (zero_v, "LightNode: signature v not 27 or 28"),
        (zero_r, "LightNode: invalid signature"),
        (good[..64].to_vec(), "LightNode: signatures length not a multiple of 65"),
        ([good.clone(), vec![0]].concat(), "LightNode: signatures length not a multiple of 65"),
        // A signature in form with a garbage s: it recovers to some key nobody holds.
        (garbage_s, "LightNode: unknown signer"),
    ];
    for (signatures, reason) in cases {
        refused(&mut fixture, attestation.clone(), signatures, reason);
    }
    assert_eq!(attested_hash(&mut fixture, attestation.blockNumber.to()), B256::ZERO);
}

#[test]
fn an_update_that_is_not_a_signed_header_reverts_malformed() {
    let mut fixture = fixture();
    let attestation = attestation_of_a_new_block(&mut fixture);
    let signatures = fixture.committee.sign_threshold(header_digest(fixture.node, &attestation));
    let good = update_block_header(attestation.clone(), signatures).blockHeader.to_vec();
    let mut dirty_padding = good.clone();
    *dirty_padding.last_mut().unwrap() = 1;
    let mut wide_number = good.clone();
    wide_number[32 + 32] = 1; // blockNumber above 2^64 - 1
    let cases = [
        good[..good.len() - 32].to_vec(),
        [good.clone(), vec![0; 32]].concat(),
        good[32..].to_vec(),
        dirty_padding,
        wide_number,
        vec![],
    ];
    for bytes in cases {
        let call = ILightNode::updateBlockHeaderCall { blockHeader: bytes.into() };
        let node = fixture.node;
        fixture.suite.reverts(STRANGER, node, call, "LightNode: malformed attestation");
    }
}

#[test]
fn a_rotation_hands_over_to_the_next_committee() {
    let mut fixture = fixture();
    // The new committee keeps member 2 and adds two.
    let mut keys = vec![fixture.committee.keys[2].clone()];
    keys.extend(Committee::new(0x2000, 2, 2).keys);
    let next = Committee { keys, threshold: 3 };
    let node = fixture.node;
    let receipt = rotate(&mut fixture, &next);
    assert_eq!(event::<ICommitteeLightNode::CommitteeUpdated>(&receipt), (node, committee_updated(2, &next)));
    assert_eq!(epoch(&mut fixture), 2);
    assert_eq!(fixture.suite.view(node, ICommitteeLightNode::committeeCall {}), next.members());
    assert_eq!(fixture.suite.view(node, ICommitteeLightNode::thresholdCall {}), U256::from(3));

    let block = some_block(&mut fixture);
    // The old committee's signatures of epoch 1 never count again ...
    rejected(&mut fixture, attestation(&block, 1), &[0, 1], "LightNode: wrong epoch");
    // ... and its members who left sign nothing in epoch 2.
    rejected(&mut fixture, attestation(&block, 2), &[0, 1, 2], "LightNode: unknown signer");
    // The new committee attests, with the member both committees share.
    fixture.committee = next;
    fixture.suite.attest(node, &fixture.committee, 2, &block);
    assert_eq!(attested_hash(&mut fixture, block.number()), block.hash);
}

#[test]
fn a_replayed_or_skipping_rotation_reverts_wrong_epoch() {
    let mut fixture = fixture();
    let next = Committee::new(0x2000, 3, 2);
    let rotation = rotation(&next);
    let signatures = fixture.committee.sign_threshold(rotation_digest(fixture.node, &rotation));
    let node = fixture.node;
    fixture.suite.ok(STRANGER, node, update_light_client(rotation.clone(), signatures.clone()));
    fixture.suite.reverts(STRANGER, node, update_light_client(rotation, signatures), "LightNode: wrong epoch");
    let skipping = CommitteeRotation { epoch: U256::from(4), ..rotation_to(&next, 4) };
    let signatures = next.sign_threshold(rotation_digest(node, &skipping));
    fixture.suite.reverts(STRANGER, node, update_light_client(skipping, signatures), "LightNode: wrong epoch");
    assert_eq!(epoch(&mut fixture), 2);
}

/// The rotation to `next` in `epoch`.
fn rotation_to(next: &Committee, epoch: u64) -> CommitteeRotation {
    CommitteeRotation { epoch: U256::from(epoch), ..rotation(next) }
}

#[test]
fn a_rotation_needs_a_threshold_of_the_current_committee() {
    let mut fixture = fixture();
    let next = Committee::new(0x2000, 3, 2);
    let rotation = rotation(&next);
    let node = fixture.node;
    // One current member is not enough.
    let signatures = fixture.committee.sign(rotation_digest(node, &rotation), [0]);
    let call = update_light_client(rotation.clone(), signatures);
    fixture.suite.reverts(STRANGER, node, call, "LightNode: not enough signatures");
    // The next committee cannot appoint itself.
    let signatures = next.sign_threshold(rotation_digest(node, &rotation));
    fixture.suite.reverts(
        STRANGER,
        node,
        update_light_client(rotation.clone(), signatures),
        "LightNode: unknown signer",
    );
    // Nor can a rotation for another chain be signed.
    let other_chain = CommitteeRotation { chainId: U256::from(SELF_CHAIN), ..rotation };
    let signatures = fixture.committee.sign_threshold(rotation_digest(node, &other_chain));
    fixture.suite.reverts(STRANGER, node, update_light_client(other_chain, signatures), "LightNode: wrong chain id");
    assert_eq!(epoch(&mut fixture), 1);
}

#[test]
fn a_rotation_to_a_malformed_committee_reverts() {
    let mut fixture = fixture();
    let next = Committee::new(0x2000, 3, 2);
    let node = fixture.node;
    let cases = [
        (CommitteeRotation { threshold: U256::ZERO, ..rotation(&next) }, "LightNode: invalid threshold"),
        (CommitteeRotation { members: vec![], ..rotation(&next) }, "LightNode: empty committee"),
        (
            CommitteeRotation { members: vec![next.member(0), next.member(0)], ..rotation(&next) },
            "LightNode: duplicate member",
        ),
    ];
    for (rotation, reason) in cases {
        let signatures = fixture.committee.sign_threshold(rotation_digest(node, &rotation));
        fixture.suite.reverts(STRANGER, node, update_light_client(rotation, signatures), reason);
    }
    let call = ILightNode::updateLightClientCall { data: vec![0u8; 64].into() };
    fixture.suite.reverts(STRANGER, node, call, "LightNode: malformed attestation");
    assert_eq!(epoch(&mut fixture), 1);
}

#[test]
fn notify_light_client_emits_client_notify_send_with_the_block_number() {
    let Fixture { mut suite, node, .. } = fixture();
    let from = account(USER);
    let call = ILightNode::notifyLightClientCall { from, data: Bytes::from_static(b"order") };
    let receipt = suite.ok(MESSENGER, node, call);
    let block = suite.block_number();
    assert_eq!(
        event::<ILightNode::ClientNotifySend>(&receipt),
        (
            node,
            ILightNode::ClientNotifySend {
                sender: from,
                blockHeight: U256::from(block),
                notifyData: Bytes::from_static(b"order")
            }
        )
    );
}

#[test]
fn an_unknown_selector_or_value_reverts_without_data() {
    let Fixture { mut suite, node, .. } = fixture();
    let unknown = suite.send_raw(STRANGER, node, U256::ZERO, vec![0xde, 0xad, 0xbe, 0xef], TX_GAS);
    assert!(!unknown.receipt.success);
    assert!(unknown.output.is_empty());
    let with_value = suite.send_raw(STRANGER, node, U256::from(1), ILightNode::nodeTypeCall {}.abi_encode(), TX_GAS);
    assert!(!with_value.receipt.success);
    assert!(with_value.output.is_empty());
    assert_eq!(encode(U256::from(3)), suite.call_raw(STRANGER, node, ILightNode::nodeTypeCall {}.abi_encode()).output);
}
