//! The MAP light node (`mos-map-light-node`, the real wasm on the devnet, its pairings through the
//! devnet's `0x08`) on MAP's own test network's blocks (`mos_tests::map_fixtures`): epochs advance
//! only by headers their validators sealed, one epoch at a time, and a receipt is proven only in a
//! block of an epoch the node holds, sealed by that epoch's validators. Every refused update leaves
//! the chain's state as it was.

use alloy_primitives::{Address, Bytes, B256, U256};
use light_client_iface::interfaces::{ILightNode, IMapLightNode};
use map_ibft::{SealedHeader, SealedReceiptProof};
use mos_tests::map_fixtures::{first_keys, header, receipt_proof, sealed, with_extra};
use mos_tests::*;

/// A MAP light node deployed from [`ADMIN`] and initialised with epoch 203's validators.
fn initialised() -> (Suite, Address) {
    let mut suite = Suite::chain();
    let node = suite.deploy_recording_deployer(ADMIN, "mos-map-light-node");
    let receipt = suite.ok(ADMIN, node, initialize(203, 1000, &first_keys().concat()));
    assert_eq!(events::<IMapLightNode::ValidatorsUpdated>(&receipt), [(node, validators_updated(203, 5))]);
    (suite, node)
}

fn initialize(epoch: u64, epoch_size: u64, keys: &[u8]) -> IMapLightNode::initializeCall {
    IMapLightNode::initializeCall {
        epoch: U256::from(epoch),
        epochSize: U256::from(epoch_size),
        validatorKeys: keys.to_vec().into(),
    }
}

fn validators_updated(epoch: u64, validators: u64) -> IMapLightNode::ValidatorsUpdated {
    IMapLightNode::ValidatorsUpdated { epoch: U256::from(epoch), validators: U256::from(validators) }
}

fn update(sealed: &SealedHeader) -> ILightNode::updateBlockHeaderCall {
    ILightNode::updateBlockHeaderCall { blockHeader: sealed.encode().into() }
}

fn current_epoch(suite: &mut Suite, node: Address) -> u64 {
    suite.view(node, IMapLightNode::currentEpochCall {}).try_into().unwrap()
}

/// Advances `node` by the epoch updates of `blocks`, each checked to store the next epoch.
fn advance(suite: &mut Suite, node: Address, blocks: &[u64]) {
    for &n in blocks {
        let epoch = current_epoch(suite, node);
        suite.ok(STRANGER, node, update(&sealed(n)));
        assert_eq!(current_epoch(suite, node), epoch + 1, "after {n}");
    }
}

/// `verifyProofData(proof)`: `(success, message, logs)`.
fn verify(suite: &mut Suite, node: Address, proof: &[u8]) -> (bool, String, Bytes) {
    let answer = suite.view(node, ILightNode::verifyProofDataCall { receiptProof: proof.to_vec().into() });
    (answer.success, answer.message, answer.logs)
}

/// The fourth item of a receipt's RLP (after its type byte): its log list, read without the
/// decoders the light node uses.
fn logs_of(receipt: &[u8]) -> Vec<u8> {
    let body = if receipt[0] < 0x80 { &receipt[1..] } else { receipt };
    let mut payload = body;
    let list = alloy_rlp::Header::decode(&mut payload).unwrap();
    assert!(list.list);
    let mut items = &payload[..list.payload_length];
    for _ in 0..3 {
        let item = alloy_rlp::Header::decode(&mut items).unwrap();
        items = &items[item.payload_length..];
    }
    let mut rest = items;
    let logs = alloy_rlp::Header::decode(&mut rest).unwrap();
    items[..items.len() - rest.len() + logs.payload_length].to_vec()
}

#[test]
fn map_headers_sealed_by_each_epochs_validators_advance_the_epochs_and_prove_a_receipt() {
    let (mut suite, node) = initialised();
    assert_eq!(suite.view(node, ILightNode::nodeTypeCall {}), U256::from(1));
    let (proof, receipt) = receipt_proof(205030);
    let (held, message, _) = verify(&mut suite, node, &proof.encode());
    assert!(!held);
    assert_eq!(message, "block of an epoch the light node does not hold");
    // 203000 removes validator 4: epoch 204 has four.
    let receipt_203000 = suite.ok(STRANGER, node, update(&sealed(203000)));
    assert_eq!(events::<IMapLightNode::ValidatorsUpdated>(&receipt_203000), [(node, validators_updated(204, 4))]);
    let epoch_204: Bytes = suite.view(node, IMapLightNode::validatorKeysCall { epoch: U256::from(204) });
    assert_eq!(epoch_204.as_ref(), first_keys()[..4].concat());
    advance(&mut suite, node, &[204000, 205000]);
    assert_eq!(verify(&mut suite, node, &proof.encode()), (true, String::new(), logs_of(&receipt).into()));
    // Block 206460 is epoch 207's: provable once 206000 (which adds validator 4 again) is in.
    let (later, later_receipt) = receipt_proof(206460);
    assert_eq!(verify(&mut suite, node, &later.encode()).1, "block of an epoch the light node does not hold");
    advance(&mut suite, node, &[206000]);
    assert_eq!(verify(&mut suite, node, &later.encode()), (true, String::new(), logs_of(&later_receipt).into()));
    let range = suite.view(node, ILightNode::verifiableHeaderRangeCall {});
    assert_eq!((range._0, range._1), (U256::from(202_001), U256::from(207_000)));
    assert_eq!(suite.view(node, ILightNode::headerHeightCall {}), U256::from(206_000));
}

#[test]
fn replayed_skipped_and_forged_epoch_updates_are_refused_and_change_nothing() {
    let (mut suite, node) = initialised();
    advance(&mut suite, node, &[203000]);
    let with_bitmap = |bitmap: u64| SealedHeader {
        header: with_extra(&header(204000), |extra| extra.aggregated_seal.bitmap = U256::from(bitmap)).encode().into(),
        ..sealed(204000)
    };
    let another_key = SealedHeader { aggregated_key: sealed(205000).aggregated_key, ..sealed(204000) };
    let moved_root = SealedHeader {
        header: map_ibft::AtlasHeader { receipt_hash: B256::repeat_byte(7), ..header(204000) }.encode().into(),
        ..sealed(204000)
    };
    let mut off_curve = sealed(204000);
    off_curve.aggregated_key[127] ^= 1;
    let proposer = "LightNode: the proposer's seal is not the coinbase's";
    let key_mismatch = "LightNode: the aggregated G2 key is not the sum of the signers' keys";
    let attacks = [
        ("a replay", sealed(203000), "LightNode: epoch already updated"),
        ("a skipped epoch", sealed(205000), "LightNode: epoch skipped"),
        ("a block within an epoch", sealed_within(206460), "LightNode: not the last block of an epoch"),
        ("a bitmap naming three of the four signers", with_bitmap(0x07), key_mismatch),
        ("two of four", with_bitmap(0x03), "LightNode: 2 of the epoch's 4 validators signed; at least 3 must"),
        ("another epoch's key", another_key, key_mismatch),
        ("a field changed after sealing", moved_root, proposer),
        ("a G2 key off its curve", off_curve, "LightNode: the aggregated G2 key is not a point of G2"),
    ];
    for (what, sealed, reason) in attacks {
        suite.assert_unchanged_by(STRANGER, what, |suite| suite.reverts(STRANGER, node, update(&sealed), reason));
    }
    assert_eq!(current_epoch(&mut suite, node), 204);
    advance(&mut suite, node, &[204000]);
}

/// Block `n` within an epoch, sealed, from its receipt proof.
fn sealed_within(n: u64) -> SealedHeader {
    receipt_proof(n).0.sealed
}

#[test]
fn a_receipt_proof_tampered_anywhere_is_refused_with_a_reason() {
    let (mut suite, node) = initialised();
    advance(&mut suite, node, &[203000, 204000, 205000]);
    let (proof, _) = receipt_proof(205030);
    assert!(verify(&mut suite, node, &proof.encode()).0);
    let mut node_changed = proof.clone();
    let mut bytes = node_changed.nodes[1].to_vec();
    bytes[40] ^= 1;
    node_changed.nodes[1] = bytes.into();
    let other_index = SealedReceiptProof { receipt_index: 1, ..proof.clone() };
    let other_key = SealedReceiptProof {
        sealed: SealedHeader { aggregated_key: sealed(205000).aggregated_key, ..proof.sealed.clone() },
        ..proof.clone()
    };
    let no_nodes = SealedReceiptProof { nodes: Vec::new(), ..proof.clone() };
    let mut truncated = proof.encode();
    truncated.pop();
    for (what, bytes, message) in [
        ("a trie node changed", node_changed.encode(), "invalid receipt proof: "),
        ("another receipt's index", other_index.encode(), "invalid receipt proof: "),
        ("another block's key", other_key.encode(), "the aggregated G2 key is not the sum of the signers' keys"),
        ("no nodes", no_nodes.encode(), "invalid receipt proof: "),
        ("cut short", truncated, "invalid proof encoding"),
        ("not RLP", vec![0xff; 40], "invalid proof encoding"),
    ] {
        let (success, answer, logs) = verify(&mut suite, node, &bytes);
        assert!(!success && logs.is_empty(), "{what} verified");
        assert!(answer.starts_with(message), "{what}: {answer}");
    }
}

#[test]
fn only_the_deployer_initialises_once_with_keys_of_g1() {
    let mut suite = Suite::chain();
    let node = suite.deploy_recording_deployer(ADMIN, "mos-map-light-node");
    let keys = first_keys().concat();
    let mut off_curve = keys.clone();
    off_curve[63] ^= 1;
    let refused = [
        (STRANGER, initialize(203, 1000, &keys), "LightNode: only deployer"),
        (ADMIN, initialize(0, 1000, &keys), "LightNode: invalid epoch or epoch size"),
        (ADMIN, initialize(203, 0, &keys), "LightNode: invalid epoch or epoch size"),
        (ADMIN, initialize(203, 1000, &keys[..100]), "LightNode: invalid validator keys"),
        (ADMIN, initialize(203, 1000, &[]), "LightNode: invalid validator keys"),
        (ADMIN, initialize(203, 1000, &off_curve), "LightNode: validator key not a point of G1"),
    ];
    for (from, call, reason) in refused {
        suite.assert_unchanged_by(from, reason, |suite| suite.reverts(from, node, call.clone(), reason));
    }
    suite.ok(ADMIN, node, initialize(203, 1000, &keys));
    suite.reverts(ADMIN, node, initialize(203, 1000, &keys), "LightNode: already initialized");
    let update = ILightNode::updateLightClientCall { data: Bytes::new() };
    suite.reverts(STRANGER, node, update, "LightNode: validators change through updateBlockHeader");
}
