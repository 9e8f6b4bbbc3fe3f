//! The point of the light client: a MOS delivering a message its relay chain really sent, proven
//! by a receipt of a real block that the committee attested, and refusing every forgery with the
//! light node's reason.

use alloy_primitives::{Bytes, U256};
use light_client_iface::ReceiptProof;
use mos_message::interfaces::IMOSV3;
use mos_message::MessageData;
use mos_tests::light_client::*;
use mos_tests::*;

use super::committee;

fn order_id(n: u64) -> alloy_primitives::B256 {
    order(n)
}

fn message_in(order: u64, to_chain: u64, data: &MessageData) -> IMOSV3::mapMessageIn {
    IMOSV3::mapMessageIn {
        fromChain: U256::from(OTHER_CHAIN),
        toChain: U256::from(to_chain),
        orderId: order_id(order),
        fromAddrss: account(USER).to_vec().into(),
        callData: data.payload.clone(),
        result: true,
        reason: Bytes::new(),
    }
}

/// Delivers `setList(key, val)` as order `order` from a proof of an attested block, then asserts
/// that the same proof again is refused.
fn delivered_once(delivery: &mut CommitteeSuite, order: u64, key: &str, val: &str) {
    let (data, log) = delivery.message(order, SELF_CHAIN, key, val);
    let proof = delivery.prove(&[log], true).encode();
    let receipt = delivery.transfer_in(&proof);
    assert!(receipt.receipt.success, "{}", describe_revert(&receipt.output));
    let mos = delivery.suite.mos;
    assert_eq!(event::<IMOSV3::mapMessageIn>(&receipt), (mos, message_in(order, SELF_CHAIN, &data)));
    assert_eq!(delivery.echo_list(key), val);
    let replay = delivery.transfer_in(&proof);
    assert!(!replay.receipt.success);
    assert_eq!(describe_revert(&replay.output), "MOSV3: Order exist");
}

#[test]
fn a_message_in_an_attested_block_is_delivered_once() {
    delivered_once(&mut CommitteeSuite::new(Role::Chain, committee()), 1, "hello", "committee");
}

#[test]
fn transfer_in_with_index_delivers_one_log_through_the_cache() {
    let mut delivery = CommitteeSuite::new(Role::Chain, committee());
    let (first_data, first) = delivery.message(1, SELF_CHAIN, "first", "one");
    let (second_data, second) = delivery.message(2, SELF_CHAIN, "second", "two");
    let proof: Bytes = delivery.prove(&[first, second], true).encode().into();
    let mos = delivery.suite.mos;
    for (index, order, data, key, val) in [(1, 2, &second_data, "second", "two"), (0, 1, &first_data, "first", "one")] {
        let call = IMOSV3::transferInWithIndexCall {
            chainId: U256::from(OTHER_CHAIN),
            logIndex: U256::from(index),
            receiptProof: proof.clone(),
        };
        let receipt = delivery.suite.ok(MESSENGER, mos, call);
        assert_eq!(event::<IMOSV3::mapMessageIn>(&receipt), (mos, message_in(order, SELF_CHAIN, data)));
        assert_eq!(delivery.echo_list(key), val);
    }
}

#[test]
fn every_forgery_is_refused_with_the_light_nodes_reason() {
    refuses_every_forgery(Role::Chain);
}

#[test]
fn every_forgery_is_refused_through_the_manager_on_the_relay() {
    refuses_every_forgery(Role::Relay);
}

/// Every tampering of a proof of an attested block reverts the delivery with the light node's
/// reason and executes nothing; the genuine proof then delivers.
fn refuses_every_forgery(role: Role) {
    let mut delivery = CommitteeSuite::new(role, committee());
    let (_, log) = delivery.message(1, SELF_CHAIN, "hello", "forged");
    let unattested = delivery.prove(std::slice::from_ref(&log), false);
    let proof = delivery.prove(&[log], true);
    let mut header = proof.header.to_vec();
    header[4] ^= 1;
    let mut leaf = proof.nodes.clone();
    let last = leaf.len() - 1;
    let mut tampered = leaf[last].to_vec();
    let at = tampered.len() - 40;
    tampered[at] ^= 1;
    leaf[last] = tampered.into();
    let mut first_node = proof.nodes.clone();
    let mut node = first_node[0].to_vec();
    node[5] ^= 1;
    first_node[0] = node.into();
    let cases = [
        (unattested.encode(), "block not attested".to_owned()),
        (ReceiptProof { header: header.into(), ..proof.clone() }.encode(), "header hash mismatch".to_owned()),
        (
            ReceiptProof { nodes: first_node, ..proof.clone() }.encode(),
            "invalid receipt proof: wrong node hash at depth 0".to_owned(),
        ),
        (
            ReceiptProof { nodes: leaf, ..proof.clone() }.encode(),
            format!("invalid receipt proof: wrong node hash at depth {last}"),
        ),
        (
            ReceiptProof { receipt_index: 2, ..proof.clone() }.encode(),
            format!("invalid receipt proof: wrong node hash at depth {last}"),
        ),
    ];
    for (forged, reason) in cases {
        let receipt = delivery.transfer_in(&forged);
        assert!(!receipt.receipt.success, "a forgery was accepted: {reason}");
        assert_eq!(describe_revert(&receipt.output), reason);
    }
    assert_eq!(delivery.echo_list("hello"), "");
    // The genuine proof still delivers.
    let receipt = delivery.transfer_in(&proof.encode());
    assert!(receipt.receipt.success, "{}", describe_revert(&receipt.output));
    assert_eq!(delivery.echo_list("hello"), "forged");
}

#[test]
fn get_order_status_reports_the_light_nodes_view_of_the_block() {
    let mut delivery = CommitteeSuite::new(Role::Chain, committee());
    let (_, log) = delivery.message(5, SELF_CHAIN, "status", "seen");
    let (number, index) = delivery.source.emit_in_block(&[log], 3, 1);
    let mos = delivery.suite.mos;
    let status = |delivery: &mut CommitteeSuite| {
        let call = IMOSV3::getOrderStatusCall {
            chainId: U256::from(OTHER_CHAIN),
            blockNum: U256::from(number),
            orderId: order_id(5),
        };
        let answer = delivery.suite.view(mos, call);
        (answer.exists, answer.verifiable, answer.nodeType)
    };
    assert_eq!(status(&mut delivery), (false, false, U256::from(3)));
    let block = delivery.source.block(number).clone();
    delivery.suite.attest(delivery.node, &delivery.committee, 1, &block);
    assert_eq!(status(&mut delivery), (false, true, U256::from(3)));
    let proof = delivery.source.proof(number, index).encode();
    let receipt = delivery.transfer_in(&proof);
    assert!(receipt.receipt.success, "{}", describe_revert(&receipt.output));
    assert_eq!(status(&mut delivery), (true, true, U256::from(3)));
}

#[test]
fn the_relay_mos_delivers_through_the_manager() {
    let mut delivery = CommitteeSuite::new(Role::Relay, committee());
    let (_, log) = delivery.message(3, SELF_CHAIN, "relay", "unattested");
    let unattested = delivery.prove(&[log], false).encode();
    let receipt = delivery.transfer_in(&unattested);
    assert_eq!(describe_revert(&receipt.output), "block not attested");
    delivered_once(&mut delivery, 4, "relay", "committee");
}
