//! `retryMessageIn` and `messageStatus`: a failed message runs again with exactly its fields, once.

use alloy_primitives::{Address, Bytes, B256, U256};
use alloy_sol_types::SolCall;
use mos_message::interfaces::{IMOSExtensions, IMOSV3};
use mos_message::{MessageData, MessageType};
use mos_tests::*;

const UNKNOWN: u8 = 0;
const DELIVERED: u8 = 1;
const FAILED: u8 = 2;
const RETRIED: u8 = 3;

fn sender() -> Address {
    account(USER)
}

fn set_list(suite: &Suite) -> MessageData {
    let payload = IMosTestTarget::setListCall { key: "retry".into(), val: "worked".into() }.abi_encode();
    message(false, MessageType::Calldata, suite.target.as_slice(), &payload, 300_000)
}

fn retry_call(order_id: B256, data: &MessageData) -> IMOSExtensions::retryMessageInCall {
    IMOSExtensions::retryMessageInCall {
        fromChain: U256::from(OTHER_CHAIN),
        toChain: U256::from(SELF_CHAIN),
        orderId: order_id,
        fromAddress: sender().to_vec().into(),
        messageData: data.encode().into(),
    }
}

fn status(suite: &mut Suite, order_id: B256) -> u8 {
    let mos = suite.mos;
    suite.view(mos, IMOSExtensions::messageStatusCall { orderId: order_id }) as u8
}

/// A CALLDATA message the target refuses (its sender is not allowed yet): failed and stored.
fn failed_message(suite: &mut Suite) -> MessageData {
    let data = set_list(suite);
    let log = suite.incoming(order(1), SELF_CHAIN, sender(), &data);
    let receipt = suite.deliver(&[log]);
    assert_eq!(event::<IMOSV3::mapMessageIn>(&receipt).1.reason, Bytes::from_static(b"FromAddressNotCaller"));
    assert_eq!(status(suite, order(1)), FAILED);
    data
}

#[test]
fn anyone_can_run_a_failed_message_again_once_it_can_succeed() {
    let mut suite = Suite::chain();
    let data = failed_message(&mut suite);
    let mos = suite.mos;
    let still_refused = suite.send(STRANGER, mos, retry_call(order(1), &data));
    assert_eq!(describe_revert(&still_refused.output), "FromAddressNotCaller");
    assert_eq!(status(&mut suite, order(1)), FAILED, "a retry that fails changes nothing");

    suite.allow_remote_caller(sender());
    let receipt = suite.ok(STRANGER, mos, retry_call(order(1), &data));
    let (emitter, reported) = event::<IMOSV3::mapMessageIn>(&receipt);
    assert_eq!(emitter, mos);
    assert_eq!(
        reported,
        IMOSV3::mapMessageIn {
            fromChain: U256::from(OTHER_CHAIN),
            toChain: U256::from(SELF_CHAIN),
            orderId: order(1),
            fromAddrss: sender().to_vec().into(),
            callData: data.payload.clone(),
            result: true,
            reason: Bytes::new(),
        }
    );
    assert_eq!(suite.echo_list("retry"), "worked");
    assert_eq!(status(&mut suite, order(1)), RETRIED);
    suite.reverts(STRANGER, mos, retry_call(order(1), &data), "MOSV3: Not a failed message");
}

#[test]
fn a_retry_with_any_field_altered_is_refused() {
    let mut suite = Suite::chain();
    let data = failed_message(&mut suite);
    suite.allow_remote_caller(sender());
    let mos = suite.mos;
    let altered_payload = MessageData { payload: Bytes::from_static(b"\x01\x02\x03\x04"), ..data.clone() };
    let more_gas = MessageData { gas_limit: U256::from(400_000), ..data.clone() };
    let alterations = [
        IMOSExtensions::retryMessageInCall { fromChain: U256::from(6), ..retry_call(order(1), &data) },
        IMOSExtensions::retryMessageInCall { toChain: U256::from(FEE_CHAIN), ..retry_call(order(1), &data) },
        IMOSExtensions::retryMessageInCall {
            fromAddress: Bytes::from(account(STRANGER).to_vec()),
            ..retry_call(order(1), &data)
        },
        retry_call(order(1), &altered_payload),
        retry_call(order(1), &more_gas),
        IMOSExtensions::retryMessageInCall { messageData: data.encode_flat().into(), ..retry_call(order(1), &data) },
    ];
    for call in alterations {
        suite.reverts(STRANGER, mos, call, "MOSV3: Not a failed message");
    }
    assert_eq!(status(&mut suite, order(1)), FAILED);
}

#[test]
fn unknown_and_delivered_messages_cannot_be_retried() {
    let mut suite = Suite::chain();
    suite.allow_remote_caller(sender());
    let data = set_list(&suite);
    let mos = suite.mos;
    assert_eq!(status(&mut suite, order(5)), UNKNOWN);
    suite.reverts(STRANGER, mos, retry_call(order(5), &data), "MOSV3: Not a failed message");
    let log = suite.incoming(order(5), SELF_CHAIN, sender(), &data);
    assert!(suite.deliver(&[log]).receipt.success);
    assert_eq!(status(&mut suite, order(5)), DELIVERED);
    suite.reverts(STRANGER, mos, retry_call(order(5), &data), "MOSV3: Not a failed message");
}

#[test]
fn a_retried_target_that_reverts_again_passes_its_reason_on() {
    let mut suite = Suite::chain();
    let target = suite.target;
    suite.ok(
        TARGET_DEPLOYER,
        target,
        IMosTestTarget::setModeCall { mode: TargetMode::Revert as u8, data: Bytes::from_static(b"\x08\x07") },
    );
    let data = message(false, MessageType::Message, target.as_slice(), b"m", 500_000);
    let log = suite.incoming(order(2), SELF_CHAIN, sender(), &data);
    assert_eq!(event::<IMOSV3::mapMessageIn>(&suite.deliver(&[log])).1.reason, Bytes::from_static(b"\x08\x07"));
    let mos = suite.mos;
    let again = suite.send(STRANGER, mos, retry_call(order(2), &data));
    assert!(!again.receipt.success);
    assert_eq!(again.output, Bytes::from_static(b"\x08\x07"));
    suite.ok(
        TARGET_DEPLOYER,
        target,
        IMosTestTarget::setModeCall { mode: TargetMode::Reply as u8, data: Bytes::new() },
    );
    suite.ok(STRANGER, mos, retry_call(order(2), &data));
    assert_eq!(status(&mut suite, order(2)), RETRIED);
}

#[test]
fn no_retry_while_paused() {
    let mut suite = Suite::chain();
    let data = failed_message(&mut suite);
    suite.allow_remote_caller(sender());
    let mos = suite.mos;
    suite.ok(ADMIN, mos, IMOSV3::setPauseCall {});
    suite.reverts(STRANGER, mos, retry_call(order(1), &data), "Pausable: paused");
}
