//! Nomad (August 2022, $190M): an upgrade initialised the trusted root to `0x00`, the value every
//! unknown message's root reads as, so every message was "proven". Here: zero and default values
//! authorise nothing, and nothing can be initialised twice, before or after an upgrade.

use alloy_primitives::{Address, B256, U256};
use light_client_iface::attestation::HeaderAttestation;
use light_client_iface::interfaces::ICommitteeLightNode;
use mos_message::interfaces::{IMOSAdmin, IMOSV3};
use mos_tests::light_client::*;
use mos_tests::*;

use super::{attestation_refused, attested_by, committee, refused, route, transfer_in_refused, verdict};

#[test]
fn an_attestation_of_the_zero_hash_is_refused_and_stores_nothing() {
    // Nomad: a zero root was accepted as the root of every message.
    let mut route = route(Role::Chain);
    let (number, _) = route.source.emit(&[]);
    let block = route.source.block(number).clone();
    let attestation = HeaderAttestation { blockHash: B256::ZERO, ..attestation(&block, 1) };
    let signatures = route.committee.sign_threshold(header_digest(route.node, &attestation));
    attestation_refused(&mut route.suite, route.node, attestation, signatures, "LightNode: zero block hash");
}

#[test]
fn a_block_nobody_attested_proves_nothing_though_its_stored_hash_reads_zero() {
    // Nomad: an unknown message's root read as zero, and zero was trusted.
    let mut route = route(Role::Chain);
    let (_, log) = route.message(1, SELF_CHAIN, "nomad", "forged");
    let proof = route.prove(&[log], false).encode();
    let node = route.node;
    assert_eq!(verdict(&mut route.suite, node, &proof), (false, "block not attested".to_owned()));
    transfer_in_refused(&mut route.suite, MESSENGER, &proof, "block not attested", "an unattested block");
    assert_eq!(route.echo_list("nomad"), "");
}

#[test]
fn an_uninitialised_light_node_verifies_nothing_and_takes_no_attestation() {
    // Nomad: default (zero) storage was a valid trusted state.
    let mut route = route(Role::Chain);
    let fresh = route.suite.deploy_light_node();
    let (number, _) = route.source.emit(&[]);
    let block = route.source.block(number).clone();
    for epoch in [0, 1] {
        let attestation = attestation(&block, epoch);
        // No signature at all: a zero threshold of an empty committee would accept it.
        for signatures in [Vec::new(), route.committee.sign_threshold(header_digest(fresh, &attestation))] {
            let reason = "LightNode: not initialized";
            attestation_refused(&mut route.suite, fresh, attestation.clone(), signatures, reason);
        }
    }
    let proof = route.source.proof(number, 0).encode();
    assert_eq!(verdict(&mut route.suite, fresh, &proof), (false, "block not attested".to_owned()));
}

#[test]
fn a_committee_with_the_zero_address_or_a_zero_threshold_is_never_installed() {
    // Nomad: zero was a value the contract trusted. A zero member would match every signature that
    // fails to recover (ecrecover answers zero); a zero threshold would need no signature.
    let mut suite = Suite::chain();
    let node = suite.deploy_light_node();
    let members = committee().members();
    let cases = [
        (vec![members[0], Address::ZERO], 1, "LightNode: zero member"),
        (members.clone(), 0, "LightNode: invalid threshold"),
        (Vec::new(), 0, "LightNode: empty committee"),
    ];
    for (members, threshold, reason) in cases {
        let call = ICommitteeLightNode::initializeCall {
            sourceChainId: U256::from(SOURCE_CHAIN),
            members,
            threshold: U256::from(threshold),
        };
        let receipt = suite.assert_unchanged_by(ADMIN, reason, |suite| suite.send(ADMIN, node, call));
        refused(&receipt, reason, reason);
    }
}

#[test]
fn a_signature_that_recovers_no_address_is_refused() {
    // Nomad's class: a failed check that reads as zero must not read as approval.
    let mut route = route(Role::Chain);
    let (number, _) = route.source.emit(&[]);
    let block = route.source.block(number).clone();
    let attestation = attestation(&block, 1);
    let digest = header_digest(route.node, &attestation);
    // r = 0 recovers no key; the second is a member's, so only the first can fail.
    let mut zero_r = [0u8; 65];
    zero_r[32] = 1;
    zero_r[64] = 27;
    let signatures = [zero_r.to_vec(), route.committee.sign(digest, [0])].concat();
    attestation_refused(&mut route.suite, route.node, attestation, signatures, "LightNode: invalid signature");
}

#[test]
fn nothing_is_initialised_twice_and_an_upgrade_does_not_reopen_initialisation() {
    // Nomad: the upgrade's initialisation replaced the trusted root.
    let mut route = route(Role::Chain);
    let (mos, node) = (route.suite.mos, route.node);
    let rogue = Committee::new(0x6000, 1, 1);
    let reinitialise_node = ICommitteeLightNode::initializeCall {
        sourceChainId: U256::from(SOURCE_CHAIN),
        members: rogue.members(),
        threshold: U256::from(1),
    };
    for from in [ADMIN, STRANGER] {
        let what = "initializing the light node again";
        let receipt =
            route.suite.assert_unchanged_by(from, what, |suite| suite.send(from, node, reinitialise_node.clone()));
        let reason = if from == ADMIN { "LightNode: already initialized" } else { "LightNode: only deployer" };
        refused(&receipt, reason, what);
    }

    let next = route.suite.deploy_program("mos-dest");
    route.suite.ok(ADMIN, mos, IMOSAdmin::upgradeToCall { newImplementation: next });
    let rogue_node = route.suite.committee_light_node(&rogue);
    let reinitialise_mos = IMOSAdmin::initializeCall { wToken: W_TOKEN, lightClient: rogue_node };
    for (from, reason) in [(ADMIN, "Initializable: contract is already initialized"), (STRANGER, "MOSV3: Only admin")] {
        let what = "initializing the MOS again after an upgrade";
        let receipt =
            route.suite.assert_unchanged_by(from, what, |suite| suite.send(from, mos, reinitialise_mos.clone()));
        refused(&receipt, reason, what);
    }
    assert_eq!(route.suite.view(mos, IMOSV3::lightNodeCall {}), node);

    // What the rogue committee attests proves nothing to the upgraded MOS.
    let proof = attested_by(&mut route, rogue_node, &rogue, "nomad", "after the upgrade");
    transfer_in_refused(&mut route.suite, MESSENGER, &proof, "block not attested", "a rogue committee's block");
}

#[test]
fn a_mos_never_initialised_delivers_nothing() {
    // Nomad: state nobody set was trusted state.
    let mut route = route(Role::Chain);
    let implementation = route.suite.implementation;
    let proxy = route.suite.deploy(ADMIN, mos_proxy::init_code(implementation, account(ADMIN)));
    let (_, log) = route.message(1, SELF_CHAIN, "nomad", "uninitialised");
    let proof = route.prove(&[log], true).encode();
    let call = IMOSV3::transferInCall { chainId: U256::from(OTHER_CHAIN), receiptProof: proof.into() };
    let receipt = route.suite.assert_unchanged_by(MESSENGER, "a delivery to an uninitialised MOS", |suite| {
        suite.send(MESSENGER, proxy, call)
    });
    // Its relay chain is unset (zero), so no chain is its relay chain.
    refused(&receipt, "MOSV3: Invalid chain id", "a delivery to an uninitialised MOS");
    let zero = IMOSAdmin::initializeCall { wToken: W_TOKEN, lightClient: Address::ZERO };
    let receipt = route
        .suite
        .assert_unchanged_by(ADMIN, "initializing with no light client", |suite| suite.send(ADMIN, proxy, zero));
    refused(&receipt, "MOSV3: Address is zero", "initializing with no light client");
}
