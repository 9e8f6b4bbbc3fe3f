//! The relay chain's MOS: the registry, the emitter check, execute here, forward, relay = true.

use alloy_primitives::{Address, Bytes, Log, B256, U256};
use alloy_sol_types::{SolCall, SolValue};
use light_client_iface::interfaces::ILightClientManager;
use mos_message::interfaces::{IMOSExtensions, IMOSRelay, IMOSV3};
use mos_message::{MessageData, MessageType};
use mos_tests::*;

fn sender() -> Address {
    account(USER)
}

fn set_list(suite: &Suite, key: &str, val: &str, relay: bool) -> MessageData {
    let payload = IMosTestTarget::setListCall { key: key.into(), val: val.into() }.abi_encode();
    message(relay, MessageType::Calldata, suite.target.as_slice(), &payload, 500_000)
}

fn echo(suite: &Suite, key: &str, val: &str, relay: bool) -> MessageData {
    message(relay, MessageType::Message, suite.target.as_slice(), &(key, val).abi_encode_params(), 1_000_000)
}

fn transfer_in_at(suite: &mut Suite, chain_id: u64, index: u64, logs: &[Log]) -> devnet::block::TxReceipt {
    let mos = suite.mos;
    let call = IMOSV3::transferInWithIndexCall {
        chainId: U256::from(chain_id),
        logIndex: U256::from(index),
        receiptProof: proof(logs),
    };
    suite.send(MESSENGER, mos, call)
}

/// The `ManagerNotifySend` the relay's forward makes the manager emit.
fn assert_manager_notified(suite: &Suite, receipt: &devnet::block::TxReceipt, to_chain: u64) {
    let (manager, notify) = event::<ILightClientManager::ManagerNotifySend>(receipt);
    assert_eq!(manager, suite.light_client);
    assert_eq!(notify.chainId, U256::from(to_chain));
    assert_eq!(notify.sender, suite.mos);
    assert_eq!(notify.blockHeight, U256::from(suite.block_number()));
}

#[test]
fn a_message_for_another_chain_is_forwarded_unchanged() {
    let mut suite = Suite::relay();
    let data = set_list(&suite, "k", "v", false).encode();
    let log = message_out(OTHER_MOS, OTHER_CHAIN, FEE_CHAIN, order(1), sender().as_slice(), &data);
    let receipt = suite.deliver(&[log]);
    assert!(receipt.receipt.success, "{}", describe_revert(&receipt.output));
    let (emitter, forwarded) = event::<IMOSV3::mapMessageOut>(&receipt);
    assert_eq!(emitter, suite.mos);
    assert_eq!(
        forwarded,
        IMOSV3::mapMessageOut {
            fromChain: U256::from(OTHER_CHAIN),
            toChain: U256::from(FEE_CHAIN),
            orderId: order(1),
            fromAddrss: sender().to_vec().into(),
            callData: data.into(),
        }
    );
    assert_manager_notified(&suite, &receipt, FEE_CHAIN);
    let executed = event::<IMOSV3::mapTransferExecute>(&receipt).1;
    assert_eq!(
        (executed.fromChain, executed.toChain, executed.from),
        (U256::from(OTHER_CHAIN), U256::from(SELF_CHAIN), account(MESSENGER))
    );
    assert!(events::<IMOSV3::mapMessageIn>(&receipt).is_empty());
    let mos = suite.mos;
    assert!(suite.view(mos, IMOSV3::orderListCall { orderId: order(1) }));
    assert_eq!(
        describe_revert(
            &suite
                .deliver(&[message_out(
                    OTHER_MOS,
                    OTHER_CHAIN,
                    FEE_CHAIN,
                    order(1),
                    sender().as_slice(),
                    &set_list(&suite, "k", "v", false).encode()
                )])
                .output
        ),
        "MOSV3: Order exist"
    );
}

#[test]
fn a_message_for_the_relay_chain_executes_here() {
    let mut suite = Suite::relay();
    suite.allow_remote_caller(sender());
    let calldata = set_list(&suite, "calldata", "here", false);
    let message = echo(&suite, "message", "here too", false);
    let logs = [
        message_out(OTHER_MOS, OTHER_CHAIN, SELF_CHAIN, order(1), sender().as_slice(), &calldata.encode()),
        message_out(OTHER_MOS, OTHER_CHAIN, SELF_CHAIN, order(2), sender().as_slice(), &message.encode()),
    ];
    let receipt = suite.deliver(&logs);
    assert!(receipt.receipt.success, "{}", describe_revert(&receipt.output));
    let reported: Vec<_> =
        events::<IMOSV3::mapMessageIn>(&receipt).into_iter().map(|(_, e)| (e.orderId, e.result, e.callData)).collect();
    assert_eq!(reported, vec![(order(1), true, calldata.payload), (order(2), true, message.payload)]);
    assert!(events::<IMOSV3::mapMessageOut>(&receipt).is_empty());
    assert_eq!(suite.echo_list("calldata"), "here");
    assert_eq!(suite.echo_list("message"), "here too");
}

#[test]
fn a_relay_message_executes_here_then_forwards_what_the_target_returned() {
    let mut suite = Suite::relay();
    suite.allow_remote_caller(sender());
    let message = echo(&suite, "hop", "relayed", true);
    let log = message_out(OTHER_MOS, OTHER_CHAIN, FEE_CHAIN, order(5), sender().as_slice(), &message.encode());
    let receipt = suite.deliver(&[log]);
    assert!(receipt.receipt.success, "{}", describe_revert(&receipt.output));
    let (_, forwarded) = event::<IMOSV3::mapMessageOut>(&receipt);
    assert_eq!(
        forwarded,
        IMOSV3::mapMessageOut {
            fromChain: U256::from(OTHER_CHAIN),
            toChain: U256::from(FEE_CHAIN),
            orderId: order(5),
            fromAddrss: suite.target.to_vec().into(),
            callData: ("hello-Target-address", "hop").abi_encode_params().into(),
        }
    );
    assert_manager_notified(&suite, &receipt, FEE_CHAIN);
    assert_eq!(suite.echo_list("hop"), "relayed");
}

#[test]
fn a_relay_calldata_message_forwards_the_raw_return_data() {
    let mut suite = Suite::relay();
    suite.allow_remote_caller(sender());
    let payload = IMosTestTarget::setRelayListCall { key: "k".into(), val: "openWorld".into() }.abi_encode();
    let data = message(true, MessageType::Calldata, suite.target.as_slice(), &payload, 500_000);
    let log = message_out(OTHER_MOS, OTHER_CHAIN, FEE_CHAIN, order(6), sender().as_slice(), &data.encode());
    let receipt = suite.deliver(&[log]);
    let (_, forwarded) = event::<IMOSV3::mapMessageOut>(&receipt);
    let returned = Bytes::from(("hello", "hellCallData").abi_encode_params()).abi_encode();
    assert_eq!(forwarded.callData, Bytes::from(returned));
    assert_eq!(forwarded.fromAddrss, Bytes::from(suite.target.to_vec()));
    assert_eq!(suite.echo_list("k"), "openWorld");
}

#[test]
fn a_relay_message_whose_target_fails_is_reported_kept_for_retry_and_not_forwarded() {
    let mut suite = Suite::relay();
    let target = suite.target;
    suite.ok(
        TARGET_DEPLOYER,
        target,
        IMosTestTarget::setModeCall { mode: TargetMode::Revert as u8, data: Bytes::from_static(b"not yet") },
    );
    let message = echo(&suite, "k", "v", true);
    let log = message_out(OTHER_MOS, OTHER_CHAIN, FEE_CHAIN, order(8), sender().as_slice(), &message.encode());
    let receipt = suite.deliver(&[log]);
    assert!(events::<IMOSV3::mapMessageOut>(&receipt).is_empty());
    let (_, failed) = event::<IMOSV3::mapMessageIn>(&receipt);
    assert_eq!(
        (failed.toChain, failed.result, failed.reason),
        (U256::from(FEE_CHAIN), false, Bytes::from_static(b"not yet"))
    );

    let next_hop = message_data_for_next_hop();
    suite.ok(
        TARGET_DEPLOYER,
        target,
        IMosTestTarget::setModeCall { mode: TargetMode::Reply as u8, data: next_hop.clone().into() },
    );
    let mos = suite.mos;
    let retry = IMOSExtensions::retryMessageInCall {
        fromChain: U256::from(OTHER_CHAIN),
        toChain: U256::from(FEE_CHAIN),
        orderId: order(8),
        fromAddress: sender().to_vec().into(),
        messageData: message.encode().into(),
    };
    let receipt = suite.ok(STRANGER, mos, retry);
    let (_, forwarded) = event::<IMOSV3::mapMessageOut>(&receipt);
    assert_eq!(
        (forwarded.orderId, forwarded.fromAddrss, forwarded.callData),
        (order(8), Bytes::from(target.to_vec()), Bytes::from(next_hop))
    );
    assert_manager_notified(&suite, &receipt, FEE_CHAIN);
    assert_eq!(suite.view(mos, IMOSExtensions::messageStatusCall { orderId: order(8) }) as u8, 3);
}

fn message_data_for_next_hop() -> Vec<u8> {
    message(false, MessageType::Message, &[0x99; 20], b"next", 100_000).encode()
}

/// EVM code that returns three zero bytes, whatever it is asked: `PUSH1 3 PUSH0 RETURN`.
const RETURNS_THREE_BYTES: [u8; 4] = [0x60, 0x03, 0x5f, 0xf3];

#[test]
fn a_relay_message_target_that_does_not_return_bytes_fails_invalid_return_data() {
    let mut suite = Suite::relay();
    let target = suite.deploy(ADMIN, stylus_wasm::deploy::init_code(&RETURNS_THREE_BYTES));
    let message = message(true, MessageType::Message, target.as_slice(), b"", 100_000);
    let log = message_out(OTHER_MOS, OTHER_CHAIN, FEE_CHAIN, order(9), sender().as_slice(), &message.encode());
    let receipt = suite.deliver(&[log]);
    assert!(events::<IMOSV3::mapMessageOut>(&receipt).is_empty());
    let (_, failed) = event::<IMOSV3::mapMessageIn>(&receipt);
    assert_eq!((failed.result, failed.reason), (false, Bytes::from_static(b"InvalidReturnData")));
}

/// EVM code that records the gas it was given in slot 0 (minus 2, for `GAS`), writes slots 1 and
/// 2 (about 66,000 gas in all) and returns `abi.encode(bytes(""))`, whatever it is asked.
const RECORDS_GAS_AND_SPENDS_66K: [u8; 22] = [
    0x5a, 0x5f, 0x55, // GAS PUSH0 SSTORE
    0x60, 0x01, 0x60, 0x01, 0x55, // sstore(1, 1)
    0x60, 0x01, 0x60, 0x02, 0x55, // sstore(2, 1)
    0x60, 0x20, 0x5f, 0x52, // mstore(0, 0x20)
    0x60, 0x40, 0x5f, 0xf3, // return(0, 0x40)
    0x00,
];

fn message_status(suite: &mut Suite, order_id: B256) -> u8 {
    let mos = suite.mos;
    suite.view(mos, IMOSExtensions::messageStatusCall { orderId: order_id }) as u8
}

#[test]
fn a_relay_step_may_cost_more_than_the_messages_gas_limit_as_on_map() {
    let mut suite = Suite::relay();
    let target = suite.deploy(ADMIN, stylus_wasm::deploy::init_code(&RECORDS_GAS_AND_SPENDS_66K));
    let message = message(true, MessageType::Message, target.as_slice(), b"", 30_000);
    let log = message_out(OTHER_MOS, OTHER_CHAIN, FEE_CHAIN, order(20), sender().as_slice(), &message.encode());
    let receipt = suite.deliver(&[log]);
    assert!(receipt.receipt.success, "{}", describe_revert(&receipt.output));
    assert!(events::<IMOSV3::mapMessageIn>(&receipt).is_empty(), "the relay step did not fail");
    let (_, forwarded) = event::<IMOSV3::mapMessageOut>(&receipt);
    assert_eq!((forwarded.orderId, forwarded.callData), (order(20), Bytes::new()));
    assert_eq!((suite.storage(target, U256::from(1)), suite.storage(target, U256::from(2))), (U256::ONE, U256::ONE));
    let given = suite.storage(target, U256::ZERO);
    assert!(given > U256::from(5_000_000), "the relay step had all the gas left, not its gasLimit: {given}");
    assert_eq!(message_status(&mut suite, order(20)), 1);
}

#[test]
fn a_relay_step_still_refuses_a_transaction_that_leaves_it_less_than_its_gas_limit() {
    let mut suite = Suite::relay();
    let target = suite.deploy(ADMIN, stylus_wasm::deploy::init_code(&RECORDS_GAS_AND_SPENDS_66K));
    let gas_limit = 2_000_000;
    let message = message(true, MessageType::Message, target.as_slice(), b"", gas_limit);
    let log = message_out(OTHER_MOS, OTHER_CHAIN, FEE_CHAIN, order(21), sender().as_slice(), &message.encode());
    let call = IMOSV3::transferInCall { chainId: U256::from(OTHER_CHAIN), receiptProof: proof(&[log]) }.abi_encode();
    let mos = suite.mos;

    let least = suite.least_gas(MESSENGER, mos, &call, (100_000, TX_GAS));
    let short = suite.send_raw(MESSENGER, mos, U256::ZERO, call.clone(), least - 1);
    assert_eq!(describe_revert(&short.output), "MOSV3: Insufficient gas for execution");
    assert_eq!(message_status(&mut suite, order(21)), 0, "the order stays open");

    let enough = suite.send_raw(MESSENGER, mos, U256::ZERO, call, least);
    assert!(enough.receipt.success, "{}", describe_revert(&enough.output));
    assert_eq!(event::<IMOSV3::mapMessageOut>(&enough).1.orderId, order(21));
    let given = suite.storage(target, U256::ZERO);
    assert!(given >= U256::from(gas_limit - 2), "the least accepted transaction left the target {given}");
}

#[test]
fn only_logs_of_the_mos_registered_for_the_chain_are_taken() {
    let mut suite = Suite::relay();
    let data = set_list(&suite, "k", "v", false).encode();
    let forged = message_out(Address::repeat_byte(0x66), OTHER_CHAIN, FEE_CHAIN, order(1), sender().as_slice(), &data);
    let genuine = message_out(OTHER_MOS, OTHER_CHAIN, FEE_CHAIN, order(2), sender().as_slice(), &data);
    let other_event = Log::new_unchecked(OTHER_MOS, vec![B256::repeat_byte(1)], Bytes::new());
    let logs = [forged.clone(), other_event, genuine];
    let receipt = suite.deliver(&logs);
    let forwarded: Vec<_> = events::<IMOSV3::mapMessageOut>(&receipt).into_iter().map(|(_, e)| e.orderId).collect();
    assert_eq!(forwarded, vec![order(2)]);
    assert_eq!(
        describe_revert(&transfer_in_at(&mut suite, OTHER_CHAIN, 0, &logs).output),
        "MOSV3: Invalid mos contract"
    );
    assert_eq!(describe_revert(&transfer_in_at(&mut suite, OTHER_CHAIN, 1, &logs).output), "MOSV3: Invalid topic");
    let receipt = transfer_in_at(
        &mut suite,
        OTHER_CHAIN,
        2,
        &[forged.clone(), forged, message_out(OTHER_MOS, OTHER_CHAIN, FEE_CHAIN, order(3), sender().as_slice(), &data)],
    );
    assert_eq!(event::<IMOSV3::mapMessageOut>(&receipt).1.orderId, order(3));
}

#[test]
fn a_log_proven_for_one_chain_cannot_claim_another() {
    let mut suite = Suite::relay();
    let mos = suite.mos;
    suite.ok(
        ADMIN,
        mos,
        IMOSRelay::registerChainCall { chainId: U256::from(6), mosAddress: OTHER_MOS.to_vec().into(), chainType: 1 },
    );
    let data = set_list(&suite, "k", "v", false).encode();
    let log = message_out(OTHER_MOS, OTHER_CHAIN, FEE_CHAIN, order(1), sender().as_slice(), &data);
    let call = IMOSV3::transferInCall { chainId: U256::from(6), receiptProof: proof(std::slice::from_ref(&log)) };
    suite.reverts(MESSENGER, mos, call, "MOSV3: Invalid chain id");
    assert_eq!(describe_revert(&transfer_in_at(&mut suite, 6, 0, &[log]).output), "MOSV3: Invalid chain id");
}

#[test]
fn proofs_from_chains_not_registered_as_evm_revert() {
    let mut suite = Suite::relay();
    let mos = suite.mos;
    let data = set_list(&suite, "k", "v", false).encode();
    let log = message_out(OTHER_MOS, 8, FEE_CHAIN, order(1), sender().as_slice(), &data);
    let call =
        |chain| IMOSV3::transferInCall { chainId: U256::from(chain), receiptProof: proof(std::slice::from_ref(&log)) };
    suite.reverts(MESSENGER, mos, call(8), "MOSV3: Invalid chain type");
    suite.ok(
        ADMIN,
        mos,
        IMOSRelay::registerChainCall {
            chainId: U256::from(8),
            mosAddress: Bytes::from_static(b"mos.near"),
            chainType: 2,
        },
    );
    suite.reverts(MESSENGER, mos, call(8), "MOSV3: Invalid chain type");
    assert_eq!(describe_revert(&transfer_in_at(&mut suite, 8, 0, &[log]).output), "MOSV3: Invalid chain type");
}

#[test]
fn the_manager_decides_proofs_and_order_status() {
    let mut suite = Suite::relay();
    let (mos, manager) = (suite.mos, suite.light_client);
    suite.ok(ADMIN, manager, IMosTestLightNode::setFailureCall { message: "fail".into() });
    let data = set_list(&suite, "k", "v", false).encode();
    let log = message_out(OTHER_MOS, OTHER_CHAIN, FEE_CHAIN, order(1), sender().as_slice(), &data);
    assert_eq!(describe_revert(&suite.deliver(std::slice::from_ref(&log)).output), "fail");
    assert_eq!(describe_revert(&transfer_in_at(&mut suite, OTHER_CHAIN, 0, &[log]).output), "fail");
    let status = suite.view(
        mos,
        IMOSV3::getOrderStatusCall { chainId: U256::from(OTHER_CHAIN), blockNum: U256::from(1), orderId: order(1) },
    );
    assert_eq!((status.exists, status.verifiable, status.nodeType), (false, true, U256::from(3)));
}

#[test]
fn the_registry_is_the_admins_and_reports_what_it_holds() {
    let mut suite = Suite::relay();
    let mos = suite.mos;
    let near = Bytes::from_static(b"a-near-account-whose-name-is-longer-than-thirty-bytes.near");
    let register = IMOSRelay::registerChainCall {
        chainId: U256::from(1_360_100_178_526_209u64),
        mosAddress: near.clone(),
        chainType: 2,
    };
    suite.reverts(STRANGER, mos, register.clone(), "MOSV3: Only admin");
    let receipt = suite.ok(ADMIN, mos, register);
    assert_eq!(
        event::<IMOSRelay::RegisterChain>(&receipt).1,
        IMOSRelay::RegisterChain { _chainId: U256::from(1_360_100_178_526_209u64), _address: near.clone(), _type: 2 }
    );
    assert_eq!(suite.view(mos, IMOSRelay::mosContractsCall { chainId: U256::from(1_360_100_178_526_209u64) }), near);
    assert_eq!(suite.view(mos, IMOSRelay::chainTypesCall { chainId: U256::from(1_360_100_178_526_209u64) }), 2);
    assert_eq!(
        suite.view(mos, IMOSRelay::mosContractsCall { chainId: U256::from(OTHER_CHAIN) }),
        Bytes::from(OTHER_MOS.to_vec())
    );
    assert_eq!(suite.view(mos, IMOSRelay::chainTypesCall { chainId: U256::from(OTHER_CHAIN) }), 1);
    assert_eq!(suite.view(mos, IMOSRelay::chainTypesCall { chainId: U256::from(77) }), 0);
    let bad_type = IMOSRelay::registerChainCall { chainId: U256::from(9), mosAddress: near, chainType: 3 };
    assert!(suite.send(ADMIN, mos, bad_type).output.is_empty(), "an out-of-range ChainType does not decode");

    let manager = Address::repeat_byte(0x31);
    suite.reverts(STRANGER, mos, IMOSRelay::setLightClientManagerCall { managerAddress: manager }, "MOSV3: Only admin");
    suite.reverts(
        ADMIN,
        mos,
        IMOSRelay::setLightClientManagerCall { managerAddress: Address::ZERO },
        "MOSV3: Address is zero",
    );
    let receipt = suite.ok(ADMIN, mos, IMOSRelay::setLightClientManagerCall { managerAddress: manager });
    assert_eq!(event::<IMOSRelay::SetLightClientManager>(&receipt).1.lightClient, manager);
    assert_eq!(suite.view(mos, IMOSRelay::lightClientManagerCall {}), manager);
}
