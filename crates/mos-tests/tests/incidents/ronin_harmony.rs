//! Ronin (March 2022, $625M: 5 of 9 validator keys, one of them a signature delegated long before
//! and never revoked) and Harmony Horizon (June 2022, $100M: 2 of 5 multisig keys). Here: fewer
//! signers than the threshold, one key counted twice, keys outside the committee, a committee
//! rotation not signed by the committee in office, and an old epoch's committee or rotation are all
//! refused, and a refused update changes nothing.

use alloy_primitives::U256;
use light_client_iface::attestation::{CommitteeRotation, HeaderAttestation};
use light_client_iface::interfaces::ICommitteeLightNode;
use mos_tests::light_client::*;
use mos_tests::*;

use super::{attestation_refused, committee, refused, route, transfer_in_refused};

/// Submits `rotation` with `signatures`; asserts it reverts with `reason` and changes nothing.
fn rotation_refused(route: &mut CommitteeSuite, rotation: CommitteeRotation, signatures: Vec<u8>, reason: &str) {
    let node = route.node;
    let call = update_light_client(rotation, signatures);
    let receipt = route.suite.assert_unchanged_by(STRANGER, reason, |suite| suite.send(STRANGER, node, call));
    refused(&receipt, reason, reason);
}

/// The rotation of the route's node to `next` as epoch `epoch`.
fn rotation(next: &Committee, epoch: u64) -> CommitteeRotation {
    CommitteeRotation {
        chainId: U256::from(SOURCE_CHAIN),
        epoch: U256::from(epoch),
        members: next.members(),
        threshold: U256::from(next.threshold),
    }
}

/// A new block of the source chain, attested as of `epoch`, unsigned.
fn new_block(route: &mut CommitteeSuite, epoch: u64) -> HeaderAttestation {
    let (number, _) = route.source.emit(&[]);
    attestation(route.source.block(number), epoch)
}

#[test]
fn fewer_keys_than_the_threshold_attest_nothing() {
    // Harmony: two keys were enough to move the funds.
    let mut route = route(Role::Chain);
    let attestation = new_block(&mut route, 1);
    let digest = header_digest(route.node, &attestation);
    for which in [vec![], vec![0], vec![2]] {
        let signatures = route.committee.sign(digest, which);
        attestation_refused(
            &mut route.suite,
            route.node,
            attestation.clone(),
            signatures,
            "LightNode: not enough signatures",
        );
    }
}

#[test]
fn one_key_counted_twice_is_refused() {
    // Ronin: a single party held more of the signatures than the threshold assumed.
    let mut route = route(Role::Chain);
    let attestation = new_block(&mut route, 1);
    let signatures = route.committee.sign(header_digest(route.node, &attestation), [1, 1]);
    attestation_refused(&mut route.suite, route.node, attestation, signatures, "LightNode: duplicate signer");
}

#[test]
fn keys_outside_the_committee_count_for_nothing() {
    // Ronin: keys the attacker held, whatever their number.
    let mut route = route(Role::Chain);
    let attestation = new_block(&mut route, 1);
    let digest = header_digest(route.node, &attestation);
    let outsiders = Committee::new(0x6000, 5, 5);
    let signatures = [route.committee.sign(digest, [0]), outsiders.sign(digest, 0..5)].concat();
    attestation_refused(&mut route.suite, route.node, attestation, signatures, "LightNode: unknown signer");
    // A forged block they "attested" proves nothing to the MOS.
    let (_, log) = route.message(1, SELF_CHAIN, "ronin", "forged");
    let proof = route.prove(&[log], false).encode();
    transfer_in_refused(&mut route.suite, MESSENGER, &proof, "block not attested", "a block outsiders signed");
}

#[test]
fn a_rotation_not_signed_by_the_committee_in_office_is_refused() {
    // Ronin: whoever holds enough keys appoints the next signers; they must be the current ones.
    let mut route = route(Role::Chain);
    let attackers = Committee::new(0x6000, 3, 1);
    let takeover = rotation(&attackers, 2);
    let digest = rotation_digest(route.node, &takeover);
    let signatures = attackers.sign(digest, 0..3);
    rotation_refused(&mut route, takeover.clone(), signatures, "LightNode: unknown signer");
    let signatures = route.committee.sign(digest, [0]);
    rotation_refused(&mut route, takeover.clone(), signatures, "LightNode: not enough signatures");
    let signatures = route.committee.sign(digest, [0, 0]);
    rotation_refused(&mut route, takeover, signatures, "LightNode: duplicate signer");
    let node = route.node;
    assert_eq!(route.suite.view(node, ICommitteeLightNode::committeeCall {}), committee().members());
}

#[test]
fn after_a_rotation_the_old_committee_and_its_epoch_are_stale() {
    // Ronin: a signature delegated long before still counted. Keys that left office count for
    // nothing, and nothing of an earlier epoch is taken again.
    let mut route = route(Role::Chain);
    let next = Committee::new(0x2000, 3, 2);
    let handover = rotation(&next, 2);
    let signatures = route.committee.sign_threshold(rotation_digest(route.node, &handover));
    let node = route.node;
    route.suite.ok(STRANGER, node, update_light_client(handover.clone(), signatures.clone()));

    rotation_refused(&mut route, handover, signatures, "LightNode: wrong epoch");
    let stale = new_block(&mut route, 1);
    let signatures = route.committee.sign_threshold(header_digest(node, &stale));
    attestation_refused(&mut route.suite, route.node, stale, signatures, "LightNode: wrong epoch");
    let current = new_block(&mut route, 2);
    let signatures = route.committee.sign_threshold(header_digest(node, &current));
    attestation_refused(&mut route.suite, route.node, current.clone(), signatures, "LightNode: unknown signer");
    let back = rotation(&committee(), 3);
    let signatures = route.committee.sign_threshold(rotation_digest(node, &back));
    rotation_refused(&mut route, back, signatures, "LightNode: unknown signer");
    let skipping = rotation(&next, 4);
    let signatures = next.sign_threshold(rotation_digest(node, &skipping));
    rotation_refused(&mut route, skipping, signatures, "LightNode: wrong epoch");
    // The committee in office attests.
    let signatures = next.sign_threshold(header_digest(node, &current));
    route.suite.ok(STRANGER, node, update_block_header(current, signatures));
}
