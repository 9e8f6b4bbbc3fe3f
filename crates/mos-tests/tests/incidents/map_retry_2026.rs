//! MAP Protocol's own retry incident (Butter Bridge V3.1, 20 May 2026, a quadrillion MAPO minted):
//! the retry path compared a hash of `abi.encodePacked` over several dynamic `bytes` fields, so
//! bytes moved from one field to the next hashed the same, and a retry with altered fields ran as
//! the stored failure. Here the stored failure is `keccak256(abi.encode(...))` of the fields: a
//! retry whose fields differ from the failure in any byte, or split its bytes differently between
//! fields, is refused, as is a retry of an order that was delivered, retried or never seen; and a
//! refused retry changes nothing.

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolCall;
use mos_message::interfaces::{IMOSExtensions, IMOSV3};
use mos_message::{MessageData, MessageType};
use mos_tests::light_client::CommitteeSuite;
use mos_tests::*;

use super::{failed_with, refused, route};

const NOT_A_FAILED_MESSAGE: &str = "MOSV3: Not a failed message";

/// The retry of order `order_id` with exactly these fields.
fn retry(order_id: B256, from_address: &[u8], message_data: &[u8]) -> IMOSExtensions::retryMessageInCall {
    IMOSExtensions::retryMessageInCall {
        fromChain: U256::from(OTHER_CHAIN),
        toChain: U256::from(SELF_CHAIN),
        orderId: order_id,
        fromAddress: from_address.to_vec().into(),
        messageData: message_data.to_vec().into(),
    }
}

/// A message from [`STRANGER`] (whom the target has not allowed) calling `setList`, delivered
/// through the light node: it fails `FromAddressNotCaller` and is stored for a retry. Returns its
/// `messageData` as sent; the sender is then allowed, so the exact retry would succeed.
fn stored_failure(route: &mut CommitteeSuite, n: u64) -> Vec<u8> {
    let payload = IMosTestTarget::setListCall { key: "minted".into(), val: "1000000000000000".into() }.abi_encode();
    let data = message(false, MessageType::Calldata, route.suite.target.as_slice(), &payload, 200_000);
    let log = route.suite.incoming(order(n), SELF_CHAIN, account(STRANGER), &data);
    let proof = route.prove(&[log], true).encode();
    failed_with(&route.transfer_in(&proof), b"FromAddressNotCaller");
    route.suite.allow_remote_caller(account(STRANGER));
    data.encode()
}

/// Sends every retry in `calls` from [`MESSENGER`]; asserts each reverts `Not a failed message`
/// and that together they changed nothing.
fn all_refused(suite: &mut Suite, calls: Vec<IMOSExtensions::retryMessageInCall>, what: &str) {
    let mos = suite.mos;
    suite.assert_unchanged_by(MESSENGER, what, |suite| {
        for call in calls {
            refused(&suite.send(MESSENGER, mos, call), NOT_A_FAILED_MESSAGE, what);
        }
    });
}

#[test]
fn bytes_moved_between_the_sender_and_the_message_data_do_not_match_the_failure() {
    // MAP 2026: encodePacked(fromAddress, messageData) is the same when a byte moves across.
    let mut route = route(Role::Chain);
    let data = stored_failure(&mut route, 1);
    let sender = account(STRANGER).to_vec();
    let mut calls = Vec::new();
    for moved in 1..=4 {
        // The sender's tail joins the message data, and the message data's head joins the sender.
        let shorter = retry(order(1), &sender[..20 - moved], &[&sender[20 - moved..], &data[..]].concat());
        let longer = retry(order(1), &[&sender[..], &data[..moved]].concat(), &data[moved..]);
        calls.extend([shorter, longer]);
    }
    // The order id's bytes moved into the sender.
    let id = order(1);
    calls.push(retry(B256::left_padding_from(&id[..31]), &[&id[31..], &sender[..]].concat(), &data));
    all_refused(&mut route.suite, calls, "a retry with its bytes split differently");
    assert_eq!(route.echo_list("minted"), "");
}

#[test]
fn a_retry_differing_from_the_failure_in_any_byte_is_refused() {
    // MAP 2026: the retry ran fields that were not the failed message's.
    let mut route = route(Role::Chain);
    let data = stored_failure(&mut route, 1);
    let sender = account(STRANGER).to_vec();
    let flipped = |bytes: &[u8], at: usize| {
        let mut bytes = bytes.to_vec();
        bytes[at] ^= 0x01;
        bytes
    };
    let mut calls: Vec<_> = (0..data.len()).map(|at| retry(order(1), &sender, &flipped(&data, at))).collect();
    calls.extend((0..sender.len()).map(|at| retry(order(1), &flipped(&sender, at), &data)));
    calls.extend((0..32).map(|at| retry(B256::from_slice(&flipped(order(1).as_slice(), at)), &sender, &data)));
    for (from_chain, to_chain) in [(OTHER_CHAIN + 1, SELF_CHAIN), (OTHER_CHAIN, SELF_CHAIN + 1)] {
        calls.push(IMOSExtensions::retryMessageInCall {
            fromChain: U256::from(from_chain),
            toChain: U256::from(to_chain),
            ..retry(order(1), &sender, &data)
        });
    }
    // The same message in MOS V3's other encoding: equal when decoded, not the bytes that failed.
    let flat = MessageData::decode(&data).unwrap().encode_flat();
    calls.push(retry(order(1), &sender, &flat));
    calls.push(retry(order(1), &sender, &[&data[..], &[0u8; 32][..]].concat()));
    calls.push(retry(order(1), &sender, &data[..data.len() - 32]));
    all_refused(&mut route.suite, calls, "a retry with an altered field");

    // The exact fields run it, once.
    let mos = route.suite.mos;
    let receipt = route.suite.ok(MESSENGER, mos, retry(order(1), &sender, &data));
    let (_, reported) = event::<IMOSV3::mapMessageIn>(&receipt);
    assert!(reported.result);
    assert_eq!(route.echo_list("minted"), "1000000000000000");
    all_refused(&mut route.suite, vec![retry(order(1), &sender, &data)], "a second retry");
}

#[test]
fn an_order_delivered_or_never_seen_cannot_be_retried() {
    // MAP 2026: the retry path is for stored failures only.
    let mut route = route(Role::Chain);
    let payload = IMosTestTarget::setListCall { key: "k".into(), val: "v".into() }.abi_encode();
    let data = message(false, MessageType::Calldata, route.suite.target.as_slice(), &payload, 200_000);
    let user: Address = account(USER);
    let log = route.suite.incoming(order(7), SELF_CHAIN, user, &data);
    let proof = route.prove(&[log], true).encode();
    let receipt = route.transfer_in(&proof);
    assert!(event::<IMOSV3::mapMessageIn>(&receipt).1.result, "{}", describe_revert(&receipt.output));
    let encoded = data.encode();
    let calls = vec![retry(order(7), user.as_slice(), &encoded), retry(order(8), user.as_slice(), &encoded)];
    all_refused(&mut route.suite, calls, "a retry of a delivered or unknown order");
}
