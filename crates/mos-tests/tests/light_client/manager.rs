//! The light-client manager: the registry, forwarding to the registered light node, and what it
//! answers for a chain without one.

use alloy_primitives::{Address, Bytes, B256, U256};
use alloy_sol_types::SolCall;
use light_client_iface::interfaces::{ILightClientManager as M, ILightClientManagerAdmin as A, ILightNode};
use mos_tests::light_client::*;
use mos_tests::*;

use super::{answer_bytes, failed, fixture, logs, proven, Fixture};

/// A chain no light node is registered for.
const UNREGISTERED: u64 = 77;

/// The fixture with a manager that has its light node registered for [`SOURCE_CHAIN`].
fn with_manager() -> (Fixture, Address) {
    let mut fixture = fixture();
    let manager = fixture.suite.deploy_manager();
    let register = A::registerLightNodeCall { chainId: U256::from(SOURCE_CHAIN), lightNode: fixture.node };
    let receipt = fixture.suite.ok(ADMIN, manager, register);
    assert_eq!(
        event::<A::LightNodeRegistered>(&receipt),
        (manager, A::LightNodeRegistered { chainId: U256::from(SOURCE_CHAIN), lightNode: fixture.node })
    );
    (fixture, manager)
}

fn chain(id: u64) -> U256 {
    U256::from(id)
}

#[test]
fn the_deployer_is_the_admin_and_registers_light_nodes() {
    let (mut fixture, manager) = with_manager();
    let suite = &mut fixture.suite;
    assert_eq!(suite.view(manager, A::adminCall {}), account(ADMIN));
    assert_eq!(suite.view(manager, A::lightNodesCall { chainId: chain(SOURCE_CHAIN) }), fixture.node);
    assert_eq!(suite.view(manager, A::lightNodesCall { chainId: chain(UNREGISTERED) }), Address::ZERO);
}

#[test]
fn only_the_admin_registers_a_light_node() {
    let (mut fixture, manager) = with_manager();
    let call = A::registerLightNodeCall { chainId: chain(UNREGISTERED), lightNode: fixture.node };
    fixture.suite.reverts(STRANGER, manager, call, "LightClientManager: only admin");
    assert_eq!(fixture.suite.view(manager, A::lightNodesCall { chainId: chain(UNREGISTERED) }), Address::ZERO);
}

#[test]
fn the_admin_hands_over_and_the_old_admin_can_do_nothing() {
    let (mut fixture, manager) = with_manager();
    let suite = &mut fixture.suite;
    suite.reverts(
        STRANGER,
        manager,
        A::changeAdminCall { newAdmin: account(STRANGER) },
        "LightClientManager: only admin",
    );
    suite.reverts(ADMIN, manager, A::changeAdminCall { newAdmin: Address::ZERO }, "LightClientManager: zero admin");
    let receipt = suite.ok(ADMIN, manager, A::changeAdminCall { newAdmin: account(MESSENGER) });
    assert_eq!(
        event::<A::AdminChanged>(&receipt),
        (manager, A::AdminChanged { previousAdmin: account(ADMIN), newAdmin: account(MESSENGER) })
    );
    assert_eq!(suite.view(manager, A::adminCall {}), account(MESSENGER));
    let register = A::registerLightNodeCall { chainId: chain(UNREGISTERED), lightNode: fixture.node };
    suite.reverts(ADMIN, manager, register.clone(), "LightClientManager: only admin");
    suite.ok(MESSENGER, manager, register);
}

#[test]
fn verification_is_forwarded_and_answered_as_the_light_node_answers() {
    let (mut fixture, manager) = with_manager();
    let logs = logs(2, 5);
    let (number, index) = fixture.attested_receipt(&logs, 3, 1);
    let proof: Bytes = fixture.source.proof(number, index).encode().into();
    let call = M::verifyProofDataCall { chainId: chain(SOURCE_CHAIN), receiptProof: proof.clone() };
    let answer = fixture.suite.call_raw(STRANGER, manager, call.abi_encode());
    assert_eq!(answer.output.to_vec(), answer_bytes(&proven(&logs)));
    let cached = M::verifyProofDataWithCacheCall { chainId: chain(SOURCE_CHAIN), receiptProof: proof.clone() };
    let receipt = fixture.suite.ok(STRANGER, manager, cached);
    assert_eq!(receipt.output.to_vec(), answer_bytes(&proven(&logs)));
    // A failure is the light node's message.
    let mut tampered = proof.to_vec();
    tampered[10] ^= 1;
    let call = M::verifyProofDataCall { chainId: chain(SOURCE_CHAIN), receiptProof: tampered.into() };
    let answer = fixture.suite.call_raw(STRANGER, manager, call.abi_encode());
    assert_eq!(answer.output.to_vec(), answer_bytes(&failed("header hash mismatch")));
}

#[test]
fn the_views_are_forwarded() {
    let (mut fixture, manager) = with_manager();
    let (number, _) = fixture.attested_receipt(&logs(1, 1), 1, 0);
    let hash = fixture.source.block(number).hash;
    let node = fixture.node;
    let suite = &mut fixture.suite;
    let id = chain(SOURCE_CHAIN);
    assert_eq!(suite.view(manager, M::nodeTypeCall { chainId: id }), U256::from(3));
    assert!(suite.view(manager, M::isVerifiableCall { chainId: id, blockHeight: U256::from(number), hash }));
    assert!(suite.view(manager, M::isVerifiableCall { chainId: id, blockHeight: U256::from(number), hash: B256::ZERO }));
    assert!(!suite
        .view(manager, M::isVerifiableCall { chainId: id, blockHeight: U256::from(number + 1), hash: B256::ZERO }));
    assert_eq!(suite.view(manager, M::headerHeightCall { chainId: id }), U256::from(number));
    let range = suite.view(manager, M::verifiableHeaderRangeCall { chainId: id });
    assert_eq!((range._0, range._1), (U256::from(number), U256::from(number)));
    assert_eq!(
        suite.view(manager, M::clientStateCall { chainId: id }),
        suite.view(node, ILightNode::clientStateCall {})
    );
}

#[test]
fn updates_are_forwarded_and_the_light_nodes_reverts_come_back_unchanged() {
    let (mut fixture, manager) = with_manager();
    let (number, _) = fixture.source.emit(&logs(1, 1));
    let block = fixture.source.block(number).clone();
    let node = fixture.node;
    let attestation = attestation(&block, 1);
    let digest = header_digest(node, &attestation);
    let one = update_block_header(attestation.clone(), fixture.committee.sign(digest, [0])).blockHeader;
    let call = M::updateBlockHeaderCall { chainId: chain(SOURCE_CHAIN), blockHeader: one };
    fixture.suite.reverts(STRANGER, manager, call, "LightNode: not enough signatures");
    let two = update_block_header(attestation, fixture.committee.sign_threshold(digest)).blockHeader;
    let call = M::updateBlockHeaderCall { chainId: chain(SOURCE_CHAIN), blockHeader: two };
    let receipt = fixture.suite.ok(STRANGER, manager, call);
    let (emitter, attested) = event::<light_client_iface::interfaces::ICommitteeLightNode::HeaderAttested>(&receipt);
    assert_eq!((emitter, attested.blockNumber, attested.blockHash), (node, U256::from(number), block.hash));
    // A rotation through the manager.
    let next = Committee::new(0x2000, 2, 2);
    let rotation = light_client_iface::attestation::CommitteeRotation {
        chainId: chain(SOURCE_CHAIN),
        epoch: U256::from(2),
        members: next.members(),
        threshold: U256::from(2),
    };
    let signatures = fixture.committee.sign_threshold(rotation_digest(node, &rotation));
    let data = update_light_client(rotation, signatures).data;
    fixture.suite.ok(STRANGER, manager, M::updateLightClientCall { chainId: chain(SOURCE_CHAIN), data });
    let epoch = fixture.suite.view(node, light_client_iface::interfaces::ICommitteeLightNode::epochCall {});
    assert_eq!(epoch, U256::from(2));
}

#[test]
fn a_chain_without_a_light_node_fails_proofs_and_reverts_the_rest() {
    let (mut fixture, manager) = with_manager();
    let id = chain(UNREGISTERED);
    let proof = Bytes::from_static(b"proof");
    let verify = M::verifyProofDataCall { chainId: id, receiptProof: proof.clone() };
    let answer = fixture.suite.call_raw(STRANGER, manager, verify.abi_encode());
    assert_eq!(answer.output.to_vec(), answer_bytes(&failed("chain not registered")));
    let cached = M::verifyProofDataWithCacheCall { chainId: id, receiptProof: proof.clone() };
    let receipt = fixture.suite.ok(STRANGER, manager, cached);
    assert_eq!(receipt.output.to_vec(), answer_bytes(&failed("chain not registered")));
    let reason = "LightClientManager: chain not registered";
    let suite = &mut fixture.suite;
    suite.reverts(STRANGER, manager, M::nodeTypeCall { chainId: id }, reason);
    suite.reverts(
        STRANGER,
        manager,
        M::isVerifiableCall { chainId: id, blockHeight: U256::from(1), hash: B256::ZERO },
        reason,
    );
    suite.reverts(STRANGER, manager, M::headerHeightCall { chainId: id }, reason);
    suite.reverts(STRANGER, manager, M::verifiableHeaderRangeCall { chainId: id }, reason);
    suite.reverts(STRANGER, manager, M::clientStateCall { chainId: id }, reason);
    suite.reverts(STRANGER, manager, M::updateBlockHeaderCall { chainId: id, blockHeader: proof.clone() }, reason);
    suite.reverts(STRANGER, manager, M::updateLightClientCall { chainId: id, data: proof }, reason);
}

#[test]
fn removing_a_registration_makes_the_chain_unregistered() {
    let (mut fixture, manager) = with_manager();
    let id = chain(SOURCE_CHAIN);
    fixture.suite.ok(ADMIN, manager, A::registerLightNodeCall { chainId: id, lightNode: Address::ZERO });
    let reason = "LightClientManager: chain not registered";
    fixture.suite.reverts(STRANGER, manager, M::nodeTypeCall { chainId: id }, reason);
}

#[test]
fn notify_light_client_emits_manager_notify_send_for_any_chain() {
    let (mut fixture, manager) = with_manager();
    let from = account(USER);
    for id in [SOURCE_CHAIN, UNREGISTERED] {
        let call = M::notifyLightClientCall { chainId: chain(id), from, data: Bytes::from_static(b"data") };
        let receipt = fixture.suite.ok(MESSENGER, manager, call);
        let block = fixture.suite.block_number();
        assert_eq!(
            event::<M::ManagerNotifySend>(&receipt),
            (
                manager,
                M::ManagerNotifySend {
                    chainId: chain(id),
                    sender: from,
                    blockHeight: U256::from(block),
                    notifyData: Bytes::from_static(b"data")
                }
            )
        );
    }
}
