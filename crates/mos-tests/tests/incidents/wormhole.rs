//! Wormhole (February 2022, $320M): the verifier took the account that was to hold the signature
//! check's result from the caller, so an attacker passed one of their own and "verified" a forged
//! message. Here: the MOS asks only the light node its admin configured (or, on the relay, the one
//! the manager's admin registered for the chain), never one a proof or caller names; a verifier
//! without code or never initialised proves nothing; signatures are bound to their light node.

use alloy_primitives::U256;
use light_client_iface::attestation::{self};
use light_client_iface::interfaces::ILightClientManagerAdmin;
use mos_message::interfaces::{IMOSRelay, IMOSV3};
use mos_tests::light_client::*;
use mos_tests::*;

use super::{attestation_refused, attested_by, committee, refused, route, transfer_in_refused, verdict};

#[test]
fn a_block_attested_by_a_light_node_the_mos_does_not_use_proves_nothing() {
    // Wormhole: the verifier's state came from an account the attacker chose.
    let mut route = route(Role::Chain);
    let rogue = Committee::new(0x6000, 1, 1);
    let rogue_node = route.suite.committee_light_node(&rogue);
    let proof = attested_by(&mut route, rogue_node, &rogue, "wormhole", "forged");
    assert_eq!(verdict(&mut route.suite, rogue_node, &proof), (true, String::new()), "the rogue node proves it");
    transfer_in_refused(&mut route.suite, MESSENGER, &proof, "block not attested", "a proof of a rogue light node");
    let mos = route.suite.mos;
    let swap = IMOSV3::setLightClientCall { lightNode: rogue_node };
    let receipt =
        route.suite.assert_unchanged_by(STRANGER, "swapping the light node", |suite| suite.send(STRANGER, mos, swap));
    refused(&receipt, "MOSV3: Only admin", "swapping the light node");
    assert_eq!(route.echo_list("wormhole"), "");
}

#[test]
fn on_the_relay_only_the_light_node_the_managers_admin_registered_is_asked() {
    // Wormhole: a verifier account substituted for the real one.
    let mut route = route(Role::Relay);
    let manager = route.suite.light_client;
    let rogue = Committee::new(0x6000, 1, 1);
    let rogue_node = route.suite.committee_light_node(&rogue);
    let proof = attested_by(&mut route, rogue_node, &rogue, "wormhole", "forged");
    transfer_in_refused(&mut route.suite, MESSENGER, &proof, "block not attested", "a rogue node's block on the relay");
    let register =
        ILightClientManagerAdmin::registerLightNodeCall { chainId: U256::from(OTHER_CHAIN), lightNode: rogue_node };
    let receipt = route
        .suite
        .assert_unchanged_by(STRANGER, "registering a rogue node", |suite| suite.send(STRANGER, manager, register));
    refused(&receipt, "LightClientManager: only admin", "registering a rogue node");
    let mos = route.suite.mos;
    let swap = IMOSRelay::setLightClientManagerCall { managerAddress: rogue_node };
    let receipt =
        route.suite.assert_unchanged_by(STRANGER, "swapping the manager", |suite| suite.send(STRANGER, mos, swap));
    refused(&receipt, "MOSV3: Only admin", "swapping the manager");
    // A manager address without code answers nothing, which is no verdict.
    route.suite.ok(ADMIN, mos, IMOSRelay::setLightClientManagerCall { managerAddress: account(STRANGER) });
    transfer_in_refused(&mut route.suite, MESSENGER, &proof, "0x", "a manager without code");
    route.suite.ok(ADMIN, mos, IMOSRelay::setLightClientManagerCall { managerAddress: manager });
    // A chain the manager has no light node for proves nothing.
    let call = IMOSV3::transferInCall { chainId: U256::from(FEE_CHAIN), receiptProof: proof.into() };
    let receipt = route
        .suite
        .assert_unchanged_by(MESSENGER, "a proof for an unregistered chain", |suite| suite.send(MESSENGER, mos, call));
    refused(&receipt, "chain not registered", "a proof for an unregistered chain");
}

#[test]
fn a_light_node_address_without_code_or_never_initialised_proves_nothing() {
    // Wormhole: an uninitialised account passed the check.
    let mut route = route(Role::Chain);
    let mos = route.suite.mos;
    let (_, log) = route.message(1, SELF_CHAIN, "wormhole", "forged");
    let proof = route.prove(&[log], true).encode();
    // A call to an account without code answers nothing: that must not read as a verdict.
    route.suite.ok(ADMIN, mos, IMOSV3::setLightClientCall { lightNode: account(STRANGER) });
    transfer_in_refused(&mut route.suite, MESSENGER, &proof, "0x", "a light node without code");
    let uninitialised = route.suite.deploy_light_node();
    route.suite.ok(ADMIN, mos, IMOSV3::setLightClientCall { lightNode: uninitialised });
    transfer_in_refused(&mut route.suite, MESSENGER, &proof, "block not attested", "an uninitialised light node");
    // Back to the real one, the same proof delivers: nothing above consumed it.
    let node = route.node;
    route.suite.ok(ADMIN, mos, IMOSV3::setLightClientCall { lightNode: node });
    let receipt = route.transfer_in(&proof);
    assert!(receipt.receipt.success, "{}", describe_revert(&receipt.output));
    assert_eq!(route.echo_list("wormhole"), "forged");
}

#[test]
fn signatures_for_another_light_node_with_the_same_committee_are_refused() {
    // Wormhole's class: a check that does not bind what it checked to the verifier asked. The
    // EIP-712 domain names the light node and its chain.
    let mut route = route(Role::Chain);
    let twin = route.suite.committee_light_node(&committee());
    let (number, _) = route.source.emit(&[]);
    let block = route.source.block(number).clone();
    let attestation = attestation(&block, 1);
    let for_twin = route.committee.sign_threshold(header_digest(twin, &attestation));
    let node = route.node;
    attestation_refused(&mut route.suite, node, attestation.clone(), for_twin, "LightNode: unknown signer");
    // Signed for this node's address on another chain.
    let other_domain = attestation::domain(SELF_CHAIN + 1, node);
    let signatures = route.committee.sign_threshold(attestation::header_digest(&other_domain, &attestation));
    attestation_refused(&mut route.suite, node, attestation, signatures, "LightNode: unknown signer");
}
