//! Two messages in one transaction: carried by one `transferIn`; and when the destination already
//! has one of them, the other alone, by `transferInWithIndex`.

use std::time::Duration;

use alloy_primitives::{Address, Bytes, TxKind, B256, U256};
use alloy_provider::network::ReceiptResponse;
use alloy_rpc_types_eth::TransactionReceipt;
use alloy_sol_types::{SolCall, SolEvent, SolValue};
use mos_e2e::{count, message_status, Dapp, Harness};
use mos_message::{interfaces::IMOSV3, MessageData, MessageType};
use mos_messenger::{
    local::{self, ChainIds, IEcho, ECHO_GAS_LIMIT},
    ChainExt, Sender,
};

/// EVM code that makes several calls in one transaction. Calldata: `target (20 bytes)` then, per
/// call, `value (32) ‖ length (32) ‖ data`; reverts if a call fails.
///
/// ```text
/// 00 PUSH1 20                        ptr := 20
/// 02 JUMPDEST CALLDATASIZE DUP2 LT PUSH1 0a JUMPI STOP      while ptr < calldatasize
/// 0a JUMPDEST DUP1 PUSH1 20 ADD CALLDATALOAD                len := calldata[ptr + 32]
///    DUP1 DUP3 PUSH1 40 ADD PUSH0 CALLDATACOPY              memory[0..len] := calldata[ptr + 64..]
///    PUSH0 PUSH0 DUP3 PUSH0 DUP6 CALLDATALOAD               retSize, retOffset, len, 0, value
///    PUSH0 CALLDATALOAD PUSH1 60 SHR GAS CALL               call(gas, target, value, 0, len, 0, 0)
///    ISZERO PUSH1 2f JUMPI                                  revert if it failed
///    PUSH1 40 ADD ADD PUSH1 02 JUMP                         ptr += 64 + len
/// 2f JUMPDEST PUSH0 PUSH0 REVERT
/// ```
const BATCHER: [u8; 51] = [
    0x60, 0x14, 0x5b, 0x36, 0x81, 0x10, 0x60, 0x0a, 0x57, 0x00, 0x5b, 0x80, 0x60, 0x20, 0x01, 0x35, 0x80, 0x82, 0x60,
    0x40, 0x01, 0x5f, 0x37, 0x5f, 0x5f, 0x82, 0x5f, 0x85, 0x35, 0x5f, 0x35, 0x60, 0x60, 0x1c, 0x5a, 0xf1, 0x15, 0x60,
    0x2f, 0x57, 0x60, 0x40, 0x01, 0x01, 0x60, 0x02, 0x56, 0x5b, 0x5f, 0x5f, 0xfd,
];

/// The batcher's calldata: `transferOut` to the MOS for each `(toChain, messageData, fee)`.
fn batch(mos: Address, messages: &[(u64, Vec<u8>, U256)]) -> Bytes {
    let mut input = mos.to_vec();
    for (to_chain, message_data, fee) in messages {
        let call = IMOSV3::transferOutCall {
            toChain: U256::from(*to_chain),
            messageData: message_data.clone().into(),
            feeToken: Address::ZERO,
        }
        .abi_encode();
        input.extend_from_slice(&fee.to_be_bytes::<32>());
        input.extend_from_slice(&U256::from(call.len()).to_be_bytes::<32>());
        input.extend_from_slice(&call);
    }
    input.into()
}

/// A MESSAGE for the Echo at `echo`: store `key = value`.
fn echo_message(echo: Address, key: &str, value: &str) -> Vec<u8> {
    let payload = (key.to_owned(), value.to_owned()).abi_encode_params();
    MessageData {
        relay: false,
        msg_type: MessageType::Message,
        target: echo.to_vec().into(),
        payload: payload.into(),
        gas_limit: U256::from(ECHO_GAS_LIMIT),
        value: U256::ZERO,
    }
    .encode()
}

/// The order ids of the `mapMessageOut` events `mos` emitted in `receipt`.
fn orders(receipt: &TransactionReceipt, mos: Address) -> Vec<B256> {
    receipt
        .inner
        .logs()
        .iter()
        .filter(|log| log.address() == mos)
        .filter_map(|log| IMOSV3::mapMessageOut::decode_log_data(log.data()).ok())
        .map(|event| event.orderId)
        .collect()
}

/// Sends one message to B's Echo and one to the relay's Echo in one transaction of the batcher.
async fn send_pair(harness: &Harness, user: &Sender, batcher: Address, tag: &str) -> TransactionReceipt {
    let ChainIds { a: chain_a, relay, b: chain_b } = harness.network.ids;
    let network = &harness.network;
    let fee = |to_chain: u64| async move {
        let quote = IMOSV3::getMessageFeeCall {
            toChain: U256::from(to_chain),
            feeToken: Address::ZERO,
            gasLimit: U256::from(ECHO_GAS_LIMIT),
        };
        user.chain().view(harness.mos(chain_a), &quote).await.unwrap().amount
    };
    let (fee_b, fee_relay) = (fee(chain_b).await, fee(relay).await);
    let messages = [
        (chain_b, echo_message(network.echoes[&chain_b], tag, "to B"), fee_b),
        (relay, echo_message(network.echoes[&relay], tag, "to the relay"), fee_relay),
    ];
    let input = batch(harness.mos(chain_a), &messages);
    user.send(TxKind::Call(batcher), input, fee_b + fee_relay).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_messages_of_one_transaction_travel_together_or_alone_when_one_has_arrived() {
    let harness = Harness::launch("batch", Dapp::Stylus).await;
    let ChainIds { a: chain_a, relay, b: chain_b } = harness.network.ids;
    let network = &harness.network;
    let user = network.sender(chain_a, local::USER).await.unwrap();
    // The deployment prelude copies and returns any code, EVM code included.
    let init = stylus_wasm::deploy::init_code(&BATCHER);
    let created = user.send(TxKind::Create, init.into(), U256::ZERO).await.unwrap().contract_address().unwrap();
    for chain in [chain_b, relay] {
        let allow = IEcho::addCorrespondenceCall {
            fromChain: U256::from(chain_a),
            fromAddress: created.to_vec().into(),
            tag: true,
        };
        network.sender(chain, local::USER).await.unwrap().call(network.echoes[&chain], &allow).await.unwrap();
    }

    // Together: one transferIn on the relay executes one and forwards the other.
    let first = send_pair(&harness, &user, created, "first").await;
    let first_orders = orders(&first, harness.mos(chain_a));
    assert_eq!(first_orders.len(), 2);
    let (messenger, _) = harness.messenger(local::messenger_config()).await;
    let arrived = |tag: &'static str| async move {
        network.echo_list(chain_b, tag).await.unwrap() == "to B"
            && network.echo_list(relay, tag).await.unwrap() == "to the relay"
    };
    harness.run_until(&messenger, Duration::from_secs(60), || arrived("first")).await;
    let account = local::dev_key(local::MESSENGER).unwrap().address();
    let selectors = async |chain| {
        harness.transactions_from(chain, account).await.into_iter().map(|sent| sent.selector).collect::<Vec<[u8; 4]>>()
    };
    let transfer_in = IMOSV3::transferInCall::SELECTOR;
    let with_index = IMOSV3::transferInWithIndexCall::SELECTOR;
    let relay_deliveries = |selectors: Vec<[u8; 4]>| {
        selectors.into_iter().filter(|s| *s == transfer_in || *s == with_index).collect::<Vec<_>>()
    };
    assert_eq!(relay_deliveries(selectors(relay).await), [transfer_in]);
    let executed = harness.events::<IMOSV3::mapMessageIn>(relay).await;
    let forwarded = harness.events::<IMOSV3::mapMessageOut>(relay).await;
    assert_eq!(executed.len(), 1);
    assert_eq!(forwarded.len(), 1);
    assert_eq!(executed[0].0, forwarded[0].0, "executed and forwarded by the same transaction");
    assert_eq!((executed[0].1.orderId, forwarded[0].1.orderId), (first_orders[1], first_orders[0]));

    // Alone: someone else proves the second message to the relay first; the messenger sees it
    // there and delivers the first by transferInWithIndex.
    let second = send_pair(&harness, &user, created, "second").await;
    let second_orders = orders(&second, harness.mos(chain_a));
    deliver_one_to_the_relay(&harness, second.transaction_hash, second_orders[1]).await;
    assert_eq!(message_status(&harness, relay, second_orders[1]).await, 1);
    harness.run_until(&messenger, Duration::from_secs(60), || arrived("second")).await;
    assert_eq!(relay_deliveries(selectors(relay).await), [transfer_in, with_index]);
    let executed = harness.events::<IMOSV3::mapMessageIn>(relay).await;
    assert_eq!(count(executed.iter().map(|(_, event)| &event.orderId)), count(&[first_orders[1], second_orders[1]]));
    let on_b = harness.events::<IMOSV3::mapMessageIn>(chain_b).await;
    assert_eq!(count(on_b.iter().map(|(_, event)| &event.orderId)), count(&[first_orders[0], second_orders[0]]));
    assert!(harness.transactions_from(relay, account).await.iter().all(|sent| sent.success));
    harness.finish().await;
}

/// Proves the log of `order_id` in `transaction` (chain A) to the relay with
/// `transferInWithIndex`, from an account that is not the messenger's, attesting its block first.
async fn deliver_one_to_the_relay(harness: &Harness, transaction: B256, order_id: B256) {
    let ChainIds { a: chain_a, relay, .. } = harness.network.ids;
    let proof = harness.prove_attested(chain_a, relay, transaction).await;
    let index = proof
        .logs
        .iter()
        .position(|log| IMOSV3::mapMessageOut::decode_log_data(&log.data).is_ok_and(|event| event.orderId == order_id))
        .unwrap();
    let call = IMOSV3::transferInWithIndexCall {
        chainId: U256::from(chain_a),
        logIndex: U256::from(index),
        receiptProof: proof.proof.encode().into(),
    };
    let someone = harness.network.sender(relay, local::COMMITTEE[0]).await.unwrap();
    someone.call(harness.mos(relay), &call).await.unwrap();
}
