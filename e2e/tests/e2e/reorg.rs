//! A reorganisation of the source chain under the messenger's confirmations: two messages sent on
//! chain A, the messenger following A three blocks deep (it proves nothing above that), then the
//! last three blocks of A reorganised (`anvil_reorg`): the first message's transaction is replaced
//! by another transaction of its sender, the second is re-included in another block. The first is
//! never delivered; the second is delivered once, as the chain has it now (its block, and the order
//! id its execution there gave it).

use std::time::Duration;

use alloy_primitives::{Bytes, TxKind, B256, U256};
use alloy_sol_types::SolEvent;
use mos_e2e::{count, Dapp, Harness};
use mos_message::interfaces::{IMOSExtensions::MessageStatus, IMOSV3};
use mos_messenger::{
    local::{self, ChainIds, EchoKind},
    store::RouteKey,
    Config,
};
use mos_rpc::{Chain, Unsigned};

/// Blocks on top of a chain A block before the messenger reads it.
const DEPTH: u64 = 3;

/// The signed bytes of `transaction`, mined on chain A.
fn raw(harness: &Harness, transaction: B256) -> Bytes {
    let ChainIds { a: chain_a, .. } = harness.network.ids;
    let chain = harness.devnet(chain_a).lock().unwrap();
    let (block, index) = chain.transaction(&transaction).unwrap();
    devnet::tx::encode(&block.transactions[index].envelope).into()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_reorganised_away_is_never_delivered_and_one_re_included_is_delivered_once() {
    let harness = Harness::launch("reorg", Dapp::Stylus).await;
    let ChainIds { a: chain_a, relay, .. } = harness.network.ids;
    let network = &harness.network;
    let node = harness.node(chain_a);
    let route = RouteKey { from: chain_a, to: relay };
    let config = Config { confirmations: DEPTH, ..local::messenger_config() };
    let (messenger, _) = harness.messenger(config).await;

    let dropped = network.send(chain_a, relay, EchoKind::Message, "dropped", "never").await.unwrap();
    let moved = network.send(chain_a, relay, EchoKind::Message, "moved", "once").await.unwrap();
    let before = node.receipt(moved.transaction).await.unwrap().unwrap();
    let chain = || harness.devnet(chain_a).lock().unwrap();
    chain().mine();

    // Three blocks on top of the first message's block is not enough to read the second's: the
    // messenger reads neither above its depth.
    for _ in 0..5 {
        messenger.poll_once().await.unwrap();
    }
    let store = messenger.store();
    assert!(store.delivery(route, dropped.transaction).await.unwrap().is_none(), "read above the depth");
    assert!(store.delivery(route, moved.transaction).await.unwrap().is_none(), "read above the depth");

    // The reorganisation: the sender's nonce of the first message goes to a transfer to itself,
    // and the second message's very transaction comes after it, in another block.
    let user = network.sender(chain_a, local::USER).await.unwrap();
    let nonce = node.mined_nonce(user.address()).await.unwrap() - 2;
    let fees = user.fees().await.unwrap();
    let instead = Unsigned {
        to: TxKind::Call(user.address()),
        input: Bytes::new(),
        value: U256::ZERO,
        nonce,
        gas_limit: 21_000,
        fees,
    };
    let instead = user.sign_with(instead).await.unwrap();
    let moved_raw = raw(&harness, moved.transaction);
    let head = node.block_number().await.unwrap();
    let included = chain().reorg(DEPTH, &[instead.raw.clone(), moved_raw]).unwrap();
    assert_eq!(included, [instead.hash, moved.transaction]);
    assert_eq!(node.block_number().await.unwrap(), head, "the same height");
    assert!(node.receipt(dropped.transaction).await.unwrap().is_none(), "the first message is gone");
    let after = node.receipt(moved.transaction).await.unwrap().unwrap();
    assert_ne!(after.block_hash, before.block_hash, "the second is in another block");
    for _ in 0..DEPTH {
        chain().mine();
    }

    harness.run_until(&messenger, Duration::from_secs(60), || harness.arrived(std::slice::from_ref(&moved))).await;
    for _ in 0..5 {
        messenger.poll_once().await.unwrap();
    }
    // Executed again on the reorganised chain, the transaction emitted its message with the order
    // id it has there (the MOS's count of messages is one lower without the first message): that
    // is the one delivered, once; the order ids of before the reorganisation never are.
    let reissued = after
        .inner
        .logs()
        .iter()
        .find_map(|log| IMOSV3::mapMessageOut::decode_log_data(log.data()).ok())
        .unwrap()
        .orderId;
    let executed = harness.events::<IMOSV3::mapMessageIn>(relay).await;
    assert_eq!(count(executed.iter().map(|(_, event)| &event.orderId)), count(&[reissued]));
    for gone in [dropped.order_id, moved.order_id].into_iter().filter(|order| *order != reissued) {
        assert_eq!(network.message_status(relay, gone).await.unwrap(), MessageStatus::Unknown);
    }
    assert_eq!(network.echo_list(relay, "dropped").await.unwrap(), "");
    let delivery = store.delivery(route, moved.transaction).await.unwrap().unwrap();
    assert_eq!(
        (delivery.source_block_hash, Some(delivery.source_block)),
        (after.block_hash.unwrap(), after.block_number)
    );
    assert!(store.delivery(route, dropped.transaction).await.unwrap().is_none());
    assert_eq!(harness.settled_deliveries(&messenger).await, 1);
    harness.finish().await;
}
