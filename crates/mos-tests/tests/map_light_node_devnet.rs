//! The MAP light node (`mos-map-light-node`, the real wasm) following the devnet's own IBFT relay
//! chain (`devnet::ibft`: validators with BLS keys on BN254, each block sealed as Atlas seals it):
//! a validator-set change takes effect only from the epoch after the epoch-end block that makes
//! it, epochs advance one at a time, a receipt of a later epoch waits for its epoch's update, and
//! every forged seal is refused with its reason, leaving the node as it was: a bitmap claiming a
//! validator that did not sign, an aggregated key that is not the bitmap's, exactly two thirds of
//! the validators, another set's seal, a G2 key on the twist but outside the subgroup.

use alloy_primitives::{Address, Bytes, U256};
use ark_bn254::{Fq, Fq2, G2Affine};
use devnet::ibft::dev_validator_keys;
use light_client_iface::interfaces::{ILightNode, IMapLightNode};
use map_ibft::{bls::sum_g2, IstanbulExtra, SealedHeader, SealedReceiptProof};
use mos_tests::{sealed_relay::SealedRelay as Relay, *};

/// A MAP light node on a chain of its own, initialised with `relay`'s epoch 1.
fn light_node(relay: &Relay, epoch_size: u64) -> (Suite, Address) {
    let mut suite = Suite::chain();
    let node = suite.deploy_recording_deployer(ADMIN, "mos-map-light-node");
    let initialize = IMapLightNode::initializeCall {
        epoch: U256::from(1),
        epochSize: U256::from(epoch_size),
        validatorKeys: relay.keys_for(1).into(),
    };
    suite.ok(ADMIN, node, initialize);
    (suite, node)
}

fn update(sealed: &SealedHeader) -> ILightNode::updateBlockHeaderCall {
    ILightNode::updateBlockHeaderCall { blockHeader: sealed.encode().into() }
}

fn verify(suite: &mut Suite, node: Address, proof: &SealedReceiptProof) -> (bool, String) {
    let answer = suite.view(node, ILightNode::verifyProofDataCall { receiptProof: proof.encode().into() });
    (answer.success, answer.message)
}

fn epoch_keys(suite: &mut Suite, node: Address, epoch: u64) -> Vec<u8> {
    let keys: Bytes = suite.view(node, IMapLightNode::validatorKeysCall { epoch: U256::from(epoch) });
    keys.to_vec()
}

fn current_epoch(suite: &mut Suite, node: Address) -> U256 {
    suite.view(node, IMapLightNode::currentEpochCall {})
}

#[test]
fn the_devnets_sealed_blocks_move_the_node_through_a_validator_change_one_epoch_at_a_time() {
    // Four validators, the fourth absent (three of four sign); epochs of 4 blocks. Block 2
    // proposes that the first leave and two new ones join: the set of epoch 2 on.
    let mut relay = Relay::new(4, 1, 4);
    relay.mine_to(2);
    relay
        .chain
        .propose_validators(&[relay.keys[1], relay.keys[2], relay.keys[3], relay.keys[4], relay.keys[5]])
        .unwrap();
    relay.mine_to(13);
    let (mut suite, node) = light_node(&relay, 4);
    let first: Vec<Address> = (0..4).map(|i| relay.address(i)).collect();
    assert_eq!(relay.chain.validators_for(4).unwrap().addresses, first, "block 4 is still signed by the first set");
    let second: Vec<Address> = [1, 2, 3, 4, 5].iter().map(|&i| relay.address(i)).collect();
    assert_eq!(relay.chain.validators_for(5).unwrap().addresses, second, "the change made at block 4");

    assert_eq!(verify(&mut suite, node, &relay.receipt_proof(3)), (true, String::new()));
    let epoch_two = relay.receipt_proof(6);
    assert_eq!(verify(&mut suite, node, &epoch_two), (false, "block of an epoch the light node does not hold".into()));
    // A block of epoch 1 that is not its last cannot move the node.
    suite.reverts(STRANGER, node, update(&relay.sealed(3)), "LightNode: not the last block of an epoch");
    let receipt = suite.ok(STRANGER, node, update(&relay.sealed(4)));
    let stored = IMapLightNode::ValidatorsUpdated { epoch: U256::from(2), validators: U256::from(5) };
    assert_eq!(events::<IMapLightNode::ValidatorsUpdated>(&receipt), [(node, stored)]);
    assert_eq!(epoch_keys(&mut suite, node, 1), relay.keys_for(4), "epoch 1 keeps its set");
    assert_eq!(epoch_keys(&mut suite, node, 2), relay.keys_for(5), "epoch 2 has the new one");
    assert_eq!(verify(&mut suite, node, &epoch_two), (true, String::new()));

    let refused = [
        ("a replay of epoch 1's update", relay.sealed(4), "LightNode: epoch already updated"),
        ("epoch 3's update before epoch 2's", relay.sealed(12), "LightNode: epoch skipped"),
    ];
    for (what, sealed, reason) in refused {
        suite.assert_unchanged_by(STRANGER, what, |suite| suite.reverts(STRANGER, node, update(&sealed), reason));
    }
    assert_eq!(verify(&mut suite, node, &relay.receipt_proof(10)).1, "block of an epoch the light node does not hold");
    suite.ok(STRANGER, node, update(&relay.sealed(8)));
    assert_eq!(verify(&mut suite, node, &relay.receipt_proof(10)), (true, String::new()));
    assert_eq!(current_epoch(&mut suite, node), U256::from(3));
}

#[test]
fn exactly_two_thirds_of_the_validators_is_refused_and_one_more_accepted() {
    // Six validators: with two absent, four of six (exactly two thirds) sign.
    let mut two_thirds = Relay::new(6, 2, 4);
    two_thirds.mine_to(4);
    let (mut suite, node) = light_node(&two_thirds, 4);
    let below = "LightNode: 4 of the epoch's 6 validators signed; at least 5 must";
    suite.assert_unchanged_by(STRANGER, "two thirds", |suite| {
        suite.reverts(STRANGER, node, update(&two_thirds.sealed(4)), below)
    });
    let (held, message) = verify(&mut suite, node, &two_thirds.receipt_proof(3));
    assert!(!held);
    assert_eq!(message, "4 of the epoch's 6 validators signed; at least 5 must");

    let mut more = Relay::new(6, 1, 4);
    more.mine_to(4);
    let (mut suite, node) = light_node(&more, 4);
    assert_eq!(verify(&mut suite, node, &more.receipt_proof(3)), (true, String::new()));
    suite.ok(STRANGER, node, update(&more.sealed(4)));
}

/// A point of BN254's twist outside its order-r subgroup, as 128 bytes (x imaginary, x real,
/// y imaginary, y real).
fn g2_outside_subgroup() -> [u8; 128] {
    for i in 1u64.. {
        let Some(point) = G2Affine::get_point_from_x_unchecked(Fq2::new(Fq::from(i), Fq::from(1u64)), false) else {
            continue;
        };
        if point.is_on_curve() && !point.is_in_correct_subgroup_assuming_on_curve() {
            return map_ibft::bls::g2_bytes(&point);
        }
    }
    unreachable!("the twist has points outside the subgroup")
}

#[test]
fn forged_seals_of_the_devnets_blocks_are_refused_with_their_reasons_and_change_nothing() {
    let mut relay = Relay::new(4, 1, 4);
    relay.mine_to(4);
    let (mut suite, node) = light_node(&relay, 4);
    let honest = relay.sealed(4);
    let header = map_ibft::AtlasHeader::decode(&honest.header).unwrap();
    let set = relay.chain.validators_for(4).unwrap();
    let with_extra = |change: &dyn Fn(&mut IstanbulExtra)| {
        let (vanity, mut extra) = IstanbulExtra::from_extra_data(&header.extra).unwrap();
        change(&mut extra);
        map_ibft::AtlasHeader { extra: extra.to_extra_data(&vanity).into(), ..header.clone() }.encode().into()
    };
    // The absent fourth validator claimed, with the key of all four: its share of the signature is missing.
    let claims_absent = SealedHeader {
        header: with_extra(&|extra| extra.aggregated_seal.bitmap = U256::from(0b1111u8)),
        aggregated_key: sum_g2(&set.g2_keys).unwrap(),
    };
    // The bitmap of the three that signed, with the key of two of them.
    let short_key = SealedHeader { aggregated_key: sum_g2(&set.g2_keys[..2]).unwrap(), ..honest.clone() };
    // The same block sealed by a set of validators the node does not hold.
    let mut rogue = Relay::with_keys(dev_validator_keys(10)[6..].to_vec(), 4, 0, 4);
    rogue.mine_to(4);
    let outside = SealedHeader { aggregated_key: g2_outside_subgroup(), ..honest.clone() };
    let signature_mismatch = "LightNode: the aggregated signature is not the signers' of this block and round";
    let key_mismatch = "LightNode: the aggregated G2 key is not the sum of the signers' keys";
    let attacks = [
        ("a bitmap claiming the absent validator", claims_absent, signature_mismatch),
        ("an aggregated key that is not the bitmap's", short_key, key_mismatch),
        ("another validator set's seal", rogue.sealed(4), key_mismatch),
        ("a G2 key outside the subgroup", outside, "LightNode: the aggregated G2 key is not a point of G2"),
    ];
    for (what, sealed, reason) in attacks {
        suite.assert_unchanged_by(STRANGER, what, |suite| suite.reverts(STRANGER, node, update(&sealed), reason));
    }
    // The same forgeries carrying a receipt proof.
    let proof = relay.receipt_proof(3);
    let rogue_proof = rogue.receipt_proof(3);
    assert_eq!(verify(&mut suite, node, &rogue_proof), (false, key_mismatch.trim_start_matches("LightNode: ").into()));
    let moved = SealedReceiptProof {
        sealed: SealedHeader { aggregated_key: sum_g2(&set.g2_keys[..2]).unwrap(), ..proof.sealed.clone() },
        ..proof.clone()
    };
    assert_eq!(verify(&mut suite, node, &moved).1, key_mismatch.trim_start_matches("LightNode: "));
    assert_eq!(verify(&mut suite, node, &proof), (true, String::new()));
    suite.ok(STRANGER, node, update(&honest));
}
