//! Replay, across chains and across deployments: a genuine message or signature taken somewhere it
//! was not meant for (the class behind the Nomad copycats replaying one transaction, and behind
//! bridges whose signed messages named no chain or no contract). Here: an order is taken once; a
//! message for another chain is not delivered here; a log of another MOS deployment on the relay
//! chain is not a message; an attestation for another chain's light node is refused; and the same
//! proof given to a second MOS deployment on this chain runs nothing its target did not allow.

use alloy_primitives::{Address, Log, U256};
use alloy_sol_types::{sol, SolEvent, SolValue};
use light_client_iface::interfaces::ICommitteeLightNode;
use mos_message::interfaces::{IMOSAdmin, IMOSV3};
use mos_message::{MessageData, MessageType};
use mos_tests::light_client::*;
use mos_tests::*;

use super::{attestation_refused, committee, failed_with, order_slot, refused, route, transfer_in_refused};

sol!("../../examples/echo/IEcho.sol");

/// `transferInWithIndex(OTHER_CHAIN, index, proof)` from [`MESSENGER`]; asserts it reverts with
/// `reason` and changes nothing.
fn with_index_refused(suite: &mut Suite, index: u64, proof: &[u8], reason: &str) {
    let call = IMOSV3::transferInWithIndexCall {
        chainId: U256::from(OTHER_CHAIN),
        logIndex: U256::from(index),
        receiptProof: proof.to_vec().into(),
    };
    let mos = suite.mos;
    let receipt = suite.assert_unchanged_by(MESSENGER, reason, |suite| suite.send(MESSENGER, mos, call));
    refused(&receipt, reason, reason);
}

/// `transferIn(OTHER_CHAIN, proof)` that succeeds and, as asserted, delivers nothing and changes
/// nothing.
fn nothing_taken(suite: &mut Suite, proof: &[u8], what: &str) {
    let call = IMOSV3::transferInCall { chainId: U256::from(OTHER_CHAIN), receiptProof: proof.to_vec().into() };
    let mos = suite.mos;
    let receipt = suite.assert_unchanged_by(MESSENGER, what, |suite| suite.send(MESSENGER, mos, call));
    assert!(receipt.receipt.success, "{what}: {}", describe_revert(&receipt.output));
    assert!(events::<IMOSV3::mapMessageIn>(&receipt).is_empty(), "{what}: delivered");
    assert!(events::<IMOSV3::mapMessageOut>(&receipt).is_empty(), "{what}: forwarded");
}

#[test]
fn a_delivered_proof_submitted_again_changes_nothing() {
    let mut route = route(Role::Chain);
    let (_, log) = route.message(1, SELF_CHAIN, "replay", "once");
    let proof = route.prove(&[log], true).encode();
    assert!(event::<IMOSV3::mapMessageIn>(&route.transfer_in(&proof)).1.result);
    transfer_in_refused(&mut route.suite, MESSENGER, &proof, "MOSV3: Order exist", "the same proof again");
    with_index_refused(&mut route.suite, 0, &proof, "MOSV3: Order exist");
    assert_eq!(route.echo_list("replay"), "once");
}

#[test]
fn a_message_for_another_chain_is_not_delivered_here() {
    let mut route = route(Role::Chain);
    let (_, log) = route.message(1, FEE_CHAIN, "replay", "elsewhere");
    let proof = route.prove(&[log], true).encode();
    nothing_taken(&mut route.suite, &proof, "a message for another chain");
    with_index_refused(&mut route.suite, 0, &proof, "MOSV3: Invalid target chain id");
}

#[test]
fn a_log_of_another_mos_deployment_on_the_relay_chain_is_no_message() {
    for role in [Role::Chain, Role::Relay] {
        let mut route = route(role);
        let other_deployment = route.source.deploy_emitter();
        let (_, genuine) = route.message(1, SELF_CHAIN, "replay", "other deployment");
        let log = Log { address: other_deployment, data: genuine.data };
        let (number, index) = route.source.emit_at(other_deployment, &[log]);
        let block = route.source.block(number).clone();
        route.suite.attest(route.node, &route.committee, 1, &block);
        let proof = route.source.proof(number, index).encode();
        nothing_taken(&mut route.suite, &proof, "a log of another deployment");
        let reason = if role == Role::Chain { "MOSV3: Invalid relay" } else { "MOSV3: Invalid mos contract" };
        with_index_refused(&mut route.suite, 0, &proof, reason);
    }
}

#[test]
fn an_attestation_for_one_chain_is_refused_by_another_chains_light_node() {
    let mut route = route(Role::Chain);
    let other_chains_node = route.suite.deploy_light_node();
    let committee = committee();
    let initialize = ICommitteeLightNode::initializeCall {
        sourceChainId: U256::from(SOURCE_CHAIN + 1),
        members: committee.members(),
        threshold: U256::from(committee.threshold),
    };
    route.suite.ok(ADMIN, other_chains_node, initialize);
    let (number, _) = route.source.emit(&[]);
    let attestation = attestation(route.source.block(number), 1);
    let signatures = committee.sign_threshold(header_digest(other_chains_node, &attestation));
    attestation_refused(&mut route.suite, other_chains_node, attestation, signatures, "LightNode: wrong chain id");
}

#[test]
fn a_proof_given_to_a_second_mos_deployment_runs_nothing_its_target_did_not_allow() {
    let mut route = route(Role::Chain);
    // A second MOS on this chain, trusting the same relay MOS and the same light node.
    let implementation = route.suite.implementation;
    let second = route.suite.deploy(ADMIN, mos_proxy::init_code(implementation, account(ADMIN)));
    let node = route.node;
    route.suite.ok(ADMIN, second, IMOSAdmin::initializeCall { wToken: W_TOKEN, lightClient: node });
    let relay = IMOSV3::setRelayContractCall { chainId: U256::from(OTHER_CHAIN), relay: OTHER_MOS };
    route.suite.ok(ADMIN, second, relay);

    // CALLDATA: whom a target allows is kept by each MOS, and the target allowed no one on this one.
    let (data, log) = route.message(1, SELF_CHAIN, "replay", "second deployment");
    delivered_to_second(&mut route, second, log, b"FromAddressNotCaller");
    // MESSAGE: a target that checks its caller is its MOS (as the Echo example does) refuses.
    let echo = route.suite.deploy_recording_deployer(USER, "mos-echo");
    let mos = route.suite.mos;
    route.suite.ok(USER, echo, IEcho::setMapoServiceCall { mos });
    let allow = IEcho::addCorrespondenceCall {
        fromChain: U256::from(OTHER_CHAIN),
        fromAddress: account(USER).to_vec().into(),
        tag: true,
    };
    route.suite.ok(USER, echo, allow);
    let pair = ("replay".to_string(), "second deployment".to_string()).abi_encode_params();
    let to_echo =
        MessageData { msg_type: MessageType::Message, target: echo.to_vec().into(), payload: pair.into(), ..data };
    let log = route.suite.incoming(order(2), SELF_CHAIN, account(USER), &to_echo);
    delivered_to_second(&mut route, second, log, &error("Echo: only MOS"));
    assert_eq!(route.suite.view(echo, IEcho::echoListCall { key: "replay".into() }), "");
    assert_eq!(route.echo_list("replay"), "");
}

/// Proves `log` and delivers it to the MOS at `second`; asserts it failed with `reason` and that
/// only `second`'s record of the order changed.
fn delivered_to_second(route: &mut CommitteeSuite, second: Address, log: Log, reason: &[u8]) {
    let order_id = IMOSV3::mapMessageOut::decode_log_data(&log.data).unwrap().orderId;
    let proof = route.prove(&[log], true).encode();
    let before = route.suite.snapshot();
    let call = IMOSV3::transferInCall { chainId: U256::from(OTHER_CHAIN), receiptProof: proof.into() };
    let receipt = route.suite.send(MESSENGER, second, call);
    failed_with(&receipt, reason);
    let changes = route.suite.changes_since(&before).without(account(MESSENGER));
    assert_eq!(changes.accounts(), vec![second], "changed more than the second MOS: {changes:#?}");
    let slots: Vec<U256> = changes.storage_of(second).into_keys().collect();
    assert_eq!(slots, vec![order_slot(order_id)]);
}
