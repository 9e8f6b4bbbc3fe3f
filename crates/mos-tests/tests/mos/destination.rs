//! `transferIn` and `transferInWithIndex` on a chain's MOS: checks, execution, outcomes, replay,
//! the gas-griefing guard, re-entry, order status.

use alloy_primitives::{Address, Bytes, Log, B256, U256};
use alloy_sol_types::{SolCall, SolValue};
use mos_message::interfaces::{IMOSExtensions, IMOSV3};
use mos_message::{MessageData, MessageType};
use mos_tests::*;

/// `setList(key, val)` calldata for the target.
fn set_list(key: &str, val: &str) -> Vec<u8> {
    IMosTestTarget::setListCall { key: key.into(), val: val.into() }.abi_encode()
}

/// A CALLDATA message to the target: `setList(key, val)`.
fn set_list_message(suite: &Suite, key: &str, val: &str) -> MessageData {
    message(false, MessageType::Calldata, suite.target.as_slice(), &set_list(key, val), 200_000)
}

/// A MESSAGE to the target carrying `(key, val)`.
fn echo_message(target: Address, key: &str, val: &str) -> MessageData {
    message(false, MessageType::Message, target.as_slice(), &(key, val).abi_encode_params(), 1_000_000)
}

/// The sender of the messages, on [`OTHER_CHAIN`].
fn remote_sender() -> Address {
    account(USER)
}

fn status(suite: &mut Suite, order_id: B256) -> u8 {
    let mos = suite.mos;
    suite.view(mos, IMOSExtensions::messageStatusCall { orderId: order_id }) as u8
}

/// The `mapMessageIn` expected for a message from the remote sender.
fn message_in(order_id: B256, payload: &[u8], result: bool, reason: &[u8]) -> IMOSV3::mapMessageIn {
    IMOSV3::mapMessageIn {
        fromChain: U256::from(OTHER_CHAIN),
        toChain: U256::from(SELF_CHAIN),
        orderId: order_id,
        fromAddrss: remote_sender().to_vec().into(),
        callData: payload.to_vec().into(),
        result,
        reason: reason.to_vec().into(),
    }
}

/// Delivers one message and returns its `mapMessageIn`.
fn deliver_one(suite: &mut Suite, log: Log) -> IMOSV3::mapMessageIn {
    let receipt = suite.deliver(&[log]);
    assert!(receipt.receipt.success, "{}", describe_revert(&receipt.output));
    let (emitter, message_in) = event::<IMOSV3::mapMessageIn>(&receipt);
    assert_eq!(emitter, suite.mos);
    message_in
}

/// Gas for targets that burn all they get. The devnet's own stack overflows when a Stylus program
/// loops on a hostio for about 700,000 gas (an SDK-built program; a WAT loop does not), so burners
/// get less.
const BURN_GAS: u64 = 200_000;

const DELIVERED: u8 = 1;
const FAILED: u8 = 2;

#[test]
fn calldata_from_an_allowed_caller_runs_on_the_target_and_is_reported() {
    let mut suite = Suite::chain();
    suite.allow_remote_caller(remote_sender());
    let data = set_list_message(&suite, "hello", "world");
    let log = suite.incoming(order(1), SELF_CHAIN, remote_sender(), &data);
    let receipt = suite.deliver(&[log]);
    assert!(receipt.receipt.success, "{}", describe_revert(&receipt.output));
    assert_eq!(event::<IMOSV3::mapMessageIn>(&receipt).1, message_in(order(1), &data.payload, true, b""));
    let (emitter, executed) = event::<IMOSV3::mapTransferExecute>(&receipt);
    assert_eq!(emitter, suite.mos);
    assert_eq!(
        executed,
        IMOSV3::mapTransferExecute {
            fromChain: U256::from(OTHER_CHAIN),
            toChain: U256::from(SELF_CHAIN),
            from: account(MESSENGER)
        }
    );
    assert_eq!(suite.echo_list("hello"), "world");
    assert_eq!(status(&mut suite, order(1)), DELIVERED);
    let mos = suite.mos;
    assert!(suite.view(mos, IMOSV3::orderListCall { orderId: order(1) }));
}

#[test]
fn calldata_from_a_caller_the_target_has_not_allowed_fails_from_address_not_caller() {
    let mut suite = Suite::chain();
    let data = set_list_message(&suite, "hello", "world");
    let log = suite.incoming(order(1), SELF_CHAIN, remote_sender(), &data);
    assert_eq!(deliver_one(&mut suite, log), message_in(order(1), &data.encode(), false, b"FromAddressNotCaller"));
    assert_eq!(suite.echo_list("hello"), "");
    assert_eq!(status(&mut suite, order(1)), FAILED);
}

#[test]
fn a_message_calls_mapo_execute_and_the_target_asks_the_mos_for_permission_meanwhile() {
    let mut suite = Suite::chain();
    suite.allow_remote_caller(remote_sender());
    let data = echo_message(suite.target, "key", "value");
    let log = suite.incoming(order(7), SELF_CHAIN, remote_sender(), &data);
    assert_eq!(deliver_one(&mut suite, log), message_in(order(7), &data.payload, true, b""));
    assert_eq!(suite.echo_list("key"), "value");
    let target = suite.target;
    let last = suite.view(target, IMosTestTarget::lastMessageCall {});
    assert_eq!(last.fromChain, U256::from(OTHER_CHAIN));
    assert_eq!(last.toChain, U256::from(SELF_CHAIN));
    assert_eq!(last.fromAddress, Bytes::from(remote_sender().to_vec()));
    assert_eq!(last.orderId, order(7));
    assert_eq!(last.message, data.payload);
}

#[test]
fn a_message_the_target_refuses_reports_the_targets_revert_data() {
    let mut suite = Suite::chain();
    let data = echo_message(suite.target, "key", "value");
    let log = suite.incoming(order(2), SELF_CHAIN, remote_sender(), &data);
    assert_eq!(deliver_one(&mut suite, log), message_in(order(2), &data.encode(), false, &error("no permission")));
    assert_eq!(status(&mut suite, order(2)), FAILED);
}

#[test]
fn a_target_that_reverts_with_raw_data_is_reported_with_that_data() {
    let mut suite = Suite::chain();
    suite.allow_remote_caller(remote_sender());
    let payload = IMosTestTarget::failCall { reason: Bytes::from_static(b"\xde\xad\xbe\xef") }.abi_encode();
    let data = message(false, MessageType::Calldata, suite.target.as_slice(), &payload, 100_000);
    let log = suite.incoming(order(3), SELF_CHAIN, remote_sender(), &data);
    assert_eq!(deliver_one(&mut suite, log), message_in(order(3), &data.encode(), false, b"\xde\xad\xbe\xef"));
}

#[test]
fn a_target_that_runs_out_of_gas_fails_with_an_empty_reason_and_the_mos_carries_on() {
    let mut suite = Suite::chain();
    suite.allow_remote_caller(remote_sender());
    let payload = IMosTestTarget::burnCall {}.abi_encode();
    let data = message(false, MessageType::Calldata, suite.target.as_slice(), &payload, BURN_GAS);
    let log = suite.incoming(order(4), SELF_CHAIN, remote_sender(), &data);
    assert_eq!(deliver_one(&mut suite, log), message_in(order(4), &data.encode(), false, b""));
    assert_eq!(status(&mut suite, order(4)), FAILED);
}

#[test]
fn a_message_to_an_address_without_code_fails_no_contract_address() {
    let mut suite = Suite::chain();
    let empty = Address::repeat_byte(0x42);
    let data = echo_message(empty, "k", "v");
    let log = suite.incoming(order(5), SELF_CHAIN, remote_sender(), &data);
    assert_eq!(deliver_one(&mut suite, log), message_in(order(5), &data.encode(), false, b"NoContractAddress"));
}

#[test]
fn messages_the_mos_cannot_execute_fail_with_their_reason() {
    let mut suite = Suite::chain();
    suite.allow_remote_caller(remote_sender());
    let target = suite.target;
    let mut unknown_type = set_list_message(&suite, "k", "v").encode();
    unknown_type[95] = 2; // msgType, the second member of the struct, is 2
    let long_target = message(false, MessageType::Message, &[0x11; 32], b"", 50_000).encode();
    let too_much_gas = message(false, MessageType::Calldata, target.as_slice(), b"", 10_000_001).encode();
    let garbage = vec![0x01; 40];
    let cases: [(&[u8], &[u8]); 4] = [
        (&unknown_type, b"MessageTypeError"),
        (&long_target, b"InvalidTarget"),
        (&too_much_gas, b"InvalidMessageData"),
        (&garbage, b"InvalidMessageData"),
    ];
    for (n, (message_data, reason)) in cases.into_iter().enumerate() {
        let order_id = order(100 + n as u64);
        let log = message_out(OTHER_MOS, OTHER_CHAIN, SELF_CHAIN, order_id, remote_sender().as_slice(), message_data);
        let reported = deliver_one(&mut suite, log);
        let expected = message_in(order_id, message_data, false, reason);
        assert_eq!(reported, expected, "{}", String::from_utf8_lossy(reason));
    }
}

/// MAP's MOS reverts the whole `transferIn` on a message it cannot decode (`abi.decode`), so one
/// such message in a receipt would hold every other message of it up for good; this MOS records it
/// as failed (docs/map-parity.md, "Messages MAP reverts on") and delivers the others.
#[test]
fn a_message_that_cannot_be_decoded_fails_alone_and_a_retry_cannot_revive_it() {
    let mut suite = Suite::chain();
    suite.allow_remote_caller(remote_sender());
    let garbage = vec![0x01; 40];
    let good = set_list_message(&suite, "after", "garbage");
    let logs = [
        message_out(OTHER_MOS, OTHER_CHAIN, SELF_CHAIN, order(300), remote_sender().as_slice(), &garbage),
        suite.incoming(order(301), SELF_CHAIN, remote_sender(), &good),
    ];
    let receipt = suite.deliver(&logs);
    assert!(receipt.receipt.success, "{}", describe_revert(&receipt.output));
    let reported: Vec<_> = events::<IMOSV3::mapMessageIn>(&receipt).into_iter().map(|(_, e)| e).collect();
    assert_eq!(
        reported,
        [message_in(order(300), &garbage, false, b"InvalidMessageData"), {
            let payload = set_list("after", "garbage");
            message_in(order(301), &payload, true, b"")
        }]
    );
    assert_eq!((status(&mut suite, order(300)), status(&mut suite, order(301))), (FAILED, DELIVERED));
    assert_eq!(suite.echo_list("after"), "garbage");

    let mos = suite.mos;
    let retry = IMOSExtensions::retryMessageInCall {
        fromChain: U256::from(OTHER_CHAIN),
        toChain: U256::from(SELF_CHAIN),
        orderId: order(300),
        fromAddress: remote_sender().to_vec().into(),
        messageData: garbage.into(),
    };
    suite.reverts(STRANGER, mos, retry, "InvalidMessageData");
    assert_eq!(status(&mut suite, order(300)), FAILED, "still failed, still retryable by nobody");
}

#[test]
fn no_message_may_call_the_mos_its_light_node_or_its_fee_service() {
    let mut suite = Suite::chain();
    for (n, forbidden) in [suite.mos, suite.light_client, suite.fee_service].into_iter().enumerate() {
        let data = echo_message(forbidden, "k", "v");
        let order_id = order(200 + n as u64);
        let log = suite.incoming(order_id, SELF_CHAIN, remote_sender(), &data);
        assert_eq!(deliver_one(&mut suite, log), message_in(order_id, &data.encode(), false, b"ForbiddenTarget"));
    }
}

#[test]
fn an_order_is_taken_once() {
    let mut suite = Suite::chain();
    suite.allow_remote_caller(remote_sender());
    let data = set_list_message(&suite, "a", "1");
    let log = suite.incoming(order(9), SELF_CHAIN, remote_sender(), &data);
    assert!(suite.deliver(std::slice::from_ref(&log)).receipt.success);
    let replay = suite.deliver(std::slice::from_ref(&log));
    assert_eq!(describe_revert(&replay.output), "MOSV3: Order exist");
    let (mos, proof) = (suite.mos, proof(&[log]));
    let call =
        IMOSV3::transferInWithIndexCall { chainId: U256::from(OTHER_CHAIN), logIndex: U256::ZERO, receiptProof: proof };
    suite.reverts(MESSENGER, mos, call, "MOSV3: Order exist");
}

#[test]
fn transfer_in_takes_every_message_of_the_relay_for_this_chain_and_nothing_else() {
    let mut suite = Suite::chain();
    suite.allow_remote_caller(remote_sender());
    let first = set_list_message(&suite, "first", "1");
    let second = set_list_message(&suite, "second", "2");
    let logs = [
        suite.incoming(order(1), SELF_CHAIN, remote_sender(), &first),
        message_out(
            Address::repeat_byte(0x66),
            OTHER_CHAIN,
            SELF_CHAIN,
            order(2),
            remote_sender().as_slice(),
            &second.encode(),
        ),
        suite.incoming(order(3), FEE_CHAIN, remote_sender(), &second),
        Log::new_unchecked(OTHER_MOS, vec![B256::repeat_byte(1)], Bytes::new()),
        suite.incoming(order(4), SELF_CHAIN, remote_sender(), &second),
    ];
    let receipt = suite.deliver(&logs);
    assert!(receipt.receipt.success, "{}", describe_revert(&receipt.output));
    let delivered: Vec<B256> = events::<IMOSV3::mapMessageIn>(&receipt).into_iter().map(|(_, e)| e.orderId).collect();
    assert_eq!(delivered, vec![order(1), order(4)], "a forged emitter and another chain's message are skipped");
    assert_eq!(suite.echo_list("first"), "1");
    assert_eq!(suite.echo_list("second"), "2");
    assert_eq!(status(&mut suite, order(2)), 0);
    assert_eq!(status(&mut suite, order(3)), 0);
}

#[test]
fn transfer_in_with_index_takes_the_one_log_and_checks_it() {
    let mut suite = Suite::chain();
    suite.allow_remote_caller(remote_sender());
    let data = set_list_message(&suite, "only", "this");
    let logs = [
        message_out(
            Address::repeat_byte(0x66),
            OTHER_CHAIN,
            SELF_CHAIN,
            order(1),
            remote_sender().as_slice(),
            &data.encode(),
        ),
        Log::new_unchecked(OTHER_MOS, vec![B256::repeat_byte(1)], Bytes::new()),
        suite.incoming(order(2), FEE_CHAIN, remote_sender(), &data),
        suite.incoming(order(3), SELF_CHAIN, remote_sender(), &data),
    ];
    let (mos, proof) = (suite.mos, proof(&logs));
    let at = |index: u64| IMOSV3::transferInWithIndexCall {
        chainId: U256::from(OTHER_CHAIN),
        logIndex: U256::from(index),
        receiptProof: proof.clone(),
    };
    suite.reverts(MESSENGER, mos, at(0), "MOSV3: Invalid relay");
    suite.reverts(MESSENGER, mos, at(1), "MOSV3: Invalid topic");
    suite.reverts(MESSENGER, mos, at(2), "MOSV3: Invalid target chain id");
    suite.reverts(MESSENGER, mos, at(4), "MOSV3: Invalid logs");
    let receipt = suite.ok(MESSENGER, mos, at(3));
    assert_eq!(event::<IMOSV3::mapMessageIn>(&receipt).1, message_in(order(3), &data.payload, true, b""));
    assert!(events::<IMOSV3::mapTransferExecute>(&receipt).is_empty(), "as MAP, only transferIn reports the batch");
    assert_eq!(suite.echo_list("only"), "this");
}

#[test]
fn proofs_for_another_chain_or_refused_by_the_light_node_revert() {
    let mut suite = Suite::chain();
    let (mos, light_node) = (suite.mos, suite.light_client);
    let data = set_list_message(&suite, "k", "v");
    let proof = proof(&[suite.incoming(order(1), SELF_CHAIN, remote_sender(), &data)]);
    let wrong_chain = IMOSV3::transferInCall { chainId: U256::from(FEE_CHAIN), receiptProof: proof.clone() };
    suite.reverts(MESSENGER, mos, wrong_chain, "MOSV3: Invalid chain id");
    suite.ok(ADMIN, light_node, IMosTestLightNode::setFailureCall { message: "receipt not in block".into() });
    let refused = IMOSV3::transferInCall { chainId: U256::from(OTHER_CHAIN), receiptProof: proof.clone() };
    suite.reverts(MESSENGER, mos, refused, "receipt not in block");
    let call =
        IMOSV3::transferInWithIndexCall { chainId: U256::from(OTHER_CHAIN), logIndex: U256::ZERO, receiptProof: proof };
    suite.reverts(MESSENGER, mos, call, "receipt not in block");
    let not_logs =
        IMOSV3::transferInCall { chainId: U256::from(OTHER_CHAIN), receiptProof: Bytes::from_static(b"\x01\x02") };
    suite.ok(ADMIN, light_node, IMosTestLightNode::setFailureCall { message: String::new() });
    suite.reverts(MESSENGER, mos, not_logs, "MOSV3: Invalid logs");
}

#[test]
fn a_paused_mos_delivers_nothing() {
    let mut suite = Suite::chain();
    let mos = suite.mos;
    suite.ok(ADMIN, mos, IMOSV3::setPauseCall {});
    let data = set_list_message(&suite, "k", "v");
    let log = suite.incoming(order(1), SELF_CHAIN, remote_sender(), &data);
    assert_eq!(describe_revert(&suite.deliver(&[log]).output), "Pausable: paused");
    suite.ok(ADMIN, mos, IMOSV3::setUnpauseCall {});
}

#[test]
fn a_relayer_who_sends_too_little_gas_cannot_make_the_message_fail_whatever_the_payload_size() {
    let mut suite = Suite::chain();
    let mos = suite.mos;
    let recorder = suite.deploy(ADMIN, stylus_wasm::deploy::init_code(&gas_recorder(mos)));
    let allow = IMOSV3::addRemoteCallerCall {
        fromChain: U256::from(OTHER_CHAIN),
        fromAddress: remote_sender().to_vec().into(),
        tag: true,
    };
    suite.ok(STRANGER, recorder, allow);
    let gas_limit = 1_000_000;
    // A 100 KiB payload costs the MOS about 1,100 gas to hand to the call: not the target's. A
    // CALLDATA target is cold when it is called (2,600 gas); a MESSAGE target was warmed by the
    // code check.
    let cases = [MessageType::Calldata, MessageType::Message]
        .into_iter()
        .flat_map(|msg_type| [Vec::new(), vec![0xab; 100 * 1024]].into_iter().map(move |payload| (msg_type, payload)));
    for (n, (msg_type, payload)) in cases.enumerate() {
        let order_id = order(1 + n as u64);
        let data = message(false, msg_type, recorder.as_slice(), &payload, gas_limit);
        let log = suite.incoming(order_id, SELF_CHAIN, remote_sender(), &data);
        let call =
            IMOSV3::transferInCall { chainId: U256::from(OTHER_CHAIN), receiptProof: proof(&[log]) }.abi_encode();
        let case = format!("{msg_type:?} with a {}-byte payload", payload.len());

        let least = suite.least_gas(MESSENGER, mos, &call, (100_000, TX_GAS));
        let short = suite.send_raw(MESSENGER, mos, U256::ZERO, call.clone(), least - 1);
        assert!(!short.receipt.success);
        assert_eq!(describe_revert(&short.output), "MOSV3: Insufficient gas for execution", "{case}");
        assert_eq!(status(&mut suite, order_id), 0, "{case}: the order stays open");

        let enough = suite.send_raw(MESSENGER, mos, U256::ZERO, call, least);
        assert!(enough.receipt.success, "{case}: {}", describe_revert(&enough.output));
        assert!(event::<IMOSV3::mapMessageIn>(&enough).1.result, "{case}");
        let given = suite.storage(recorder, U256::ZERO);
        assert_eq!(given, U256::from(gas_limit - 2), "{case}: the target had its whole gasLimit");
        assert_eq!(status(&mut suite, order_id), DELIVERED);
    }
}

/// Makes the target's `mapoExecute` call the MOS with `calldata`, and delivers a MESSAGE to it.
fn deliver_reentering(suite: &mut Suite, order_id: B256, calldata: Vec<u8>) -> devnet::block::TxReceipt {
    let target = suite.target;
    suite.ok(
        TARGET_DEPLOYER,
        target,
        IMosTestTarget::setModeCall { mode: TargetMode::CallMos as u8, data: calldata.into() },
    );
    let data = echo_message(target, "k", "v");
    let log = suite.incoming(order_id, SELF_CHAIN, remote_sender(), &data);
    let receipt = suite.deliver(&[log]);
    assert!(receipt.receipt.success, "{}", describe_revert(&receipt.output));
    receipt
}

#[test]
fn a_target_cannot_deliver_another_proof_while_it_executes() {
    let mut suite = Suite::chain();
    let inner = suite.incoming(order(2), SELF_CHAIN, remote_sender(), &set_list_message(&suite, "k", "v"));
    let transfer_in = IMOSV3::transferInCall { chainId: U256::from(OTHER_CHAIN), receiptProof: proof(&[inner]) };
    let receipt = deliver_reentering(&mut suite, order(1), transfer_in.abi_encode());
    let (_, reported) = event::<IMOSV3::mapMessageIn>(&receipt);
    assert_eq!((reported.orderId, reported.result), (order(1), false));
    assert_eq!(reported.reason, error("ReentrancyGuard: reentrant call"));
    assert_eq!(status(&mut suite, order(2)), 0);
    let retry = IMOSExtensions::retryMessageInCall {
        fromChain: U256::from(OTHER_CHAIN),
        toChain: U256::from(SELF_CHAIN),
        orderId: order(1),
        fromAddress: remote_sender().to_vec().into(),
        messageData: Bytes::new(),
    };
    let receipt = deliver_reentering(&mut suite, order(3), retry.abi_encode());
    assert_eq!(event::<IMOSV3::mapMessageIn>(&receipt).1.reason, error("ReentrancyGuard: reentrant call"));
}

#[test]
fn a_target_may_send_and_allow_callers_while_it_executes() {
    let mut suite = Suite::chain();
    let (mos, fee_service, target) = (suite.mos, suite.fee_service, suite.target);
    let free_chain = U256::from(1234);
    suite.ok(
        ADMIN,
        fee_service,
        mos_message::interfaces::IFeeService::setBaseGasCall { chainId: free_chain, baseLimit: U256::from(1) },
    );
    let reply = message(false, MessageType::Calldata, &[0x77; 20], b"reply", 50_000).encode();
    let transfer_out =
        IMOSV3::transferOutCall { toChain: free_chain, messageData: reply.clone().into(), feeToken: Address::ZERO };
    let receipt = deliver_reentering(&mut suite, order(1), transfer_out.abi_encode());
    assert!(event::<IMOSV3::mapMessageIn>(&receipt).1.result);
    let (emitter, sent) = event::<IMOSV3::mapMessageOut>(&receipt);
    assert_eq!(emitter, mos);
    assert_eq!(sent.fromAddrss, Bytes::from(target.to_vec()));
    assert_eq!(sent.callData, Bytes::from(reply));
    assert_eq!(sent.toChain, free_chain);
    assert_eq!(suite.view(mos, IMOSV3::nonceCall {}), U256::from(1));

    let allow =
        IMOSV3::addRemoteCallerCall { fromChain: U256::from(9), fromAddress: Bytes::from_static(b"peer"), tag: true };
    let receipt = deliver_reentering(&mut suite, order(2), allow.abi_encode());
    assert!(event::<IMOSV3::mapMessageIn>(&receipt).1.result);
    let query = IMOSV3::getExecutePermissionCall {
        targetAddress: target,
        fromChain: U256::from(9),
        fromAddress: Bytes::from_static(b"peer"),
    };
    assert!(suite.view(mos, query));
}

#[test]
fn get_order_status_reports_the_order_and_the_light_nodes_view() {
    let mut suite = Suite::chain();
    let mos = suite.mos;
    let ask = |order_id| IMOSV3::getOrderStatusCall {
        chainId: U256::from(OTHER_CHAIN),
        blockNum: U256::from(10),
        orderId: order_id,
    };
    let before = suite.view(mos, ask(order(1)));
    assert_eq!((before.exists, before.verifiable, before.nodeType), (false, true, U256::from(3)));
    let log = suite.incoming(order(1), SELF_CHAIN, remote_sender(), &set_list_message(&suite, "k", "v"));
    suite.deliver(&[log]);
    assert!(suite.view(mos, ask(order(1))).exists);
}
