//! A messenger killed at any point and restarted from its store: nothing lost, nothing twice.

use std::time::Duration;

use alloy_primitives::{TxKind, B256, U256};
use alloy_sol_types::SolCall;
use mos_e2e::{Dapp, Harness};
use mos_message::interfaces::IMOSV3;
use mos_messenger::{
    config::DEFAULT_INSTANCE,
    local::{self, ChainIds, EchoKind, Sent},
    store::{self, Lease, NewDelivery, RouteKey, Submission},
};
use mos_rpc::Chain;

/// How long each run lasts before it is killed, in milliseconds: short enough that kills land
/// anywhere in a delivery (reading logs, attesting, after signing, after broadcasting, while
/// waiting for a receipt, between two store writes), long enough that every run makes progress.
const RUNS_MS: [u64; 12] = [10, 25, 40, 55, 70, 85, 100, 120, 140, 160, 180, 200];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_messenger_killed_at_any_point_and_restarted_loses_nothing_and_delivers_nothing_twice() {
    let harness = Harness::launch("restart", Dapp::Stylus).await;
    let ChainIds { a: chain_a, relay, b: chain_b } = harness.network.ids;
    let network = &harness.network;
    let mut sent: Vec<Sent> = Vec::new();
    for (from, to, key) in [(chain_a, chain_b, "one"), (chain_b, chain_a, "two"), (chain_a, relay, "three")] {
        sent.push(network.send(from, to, EchoKind::Message, key, &format!("{key}!")).await.unwrap());
    }
    for (run, millis) in RUNS_MS.into_iter().enumerate() {
        let (messenger, _) = harness.messenger(local::messenger_config()).await;
        let killed = tokio::time::timeout(Duration::from_millis(millis), messenger.run(std::future::pending())).await;
        assert!(killed.is_err(), "the messenger stopped on its own: {killed:?}");
        drop(messenger);
        if run == 4 {
            // A message sent while the messenger is down.
            sent.push(network.send(chain_b, chain_a, EchoKind::Calldata, "four", "four!").await.unwrap());
        }
    }
    let (messenger, _) = harness.messenger(local::messenger_config()).await;
    harness.run_until(&messenger, Duration::from_secs(60), || harness.arrived(&sent)).await;

    // Every order executed exactly once where it was going, and forwarded exactly once by the relay.
    harness.assert_each_executed_once(&sent).await;
    // And the messenger never sent a transaction that failed, nor more deliveries than there were
    // source transactions: a restart found what it had sent, or sent the same bytes again.
    harness.assert_messenger_transactions(&[(relay, 4), (chain_a, 2), (chain_b, 1)]).await;
    assert_eq!(harness.settled_deliveries(&messenger).await, 7);
    harness.finish().await;
}

/// The three moments a crash can leave a delivery transaction in, each written to the store as the
/// messenger writes it, then a restart:
/// - signed and recorded, never broadcast: the restart broadcasts the very same bytes;
/// - broadcast and mined, the receipt never seen: the restart finds it and sends nothing;
/// - signed and recorded, its nonce then taken by another transaction of the account (it can
///   never be mined): the restart sees that and delivers with a new transaction.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_resumes_each_recorded_delivery_transaction_as_the_crash_left_it() {
    let harness = Harness::launch("crash-windows", Dapp::Stylus).await;
    let ChainIds { a: chain_a, relay, .. } = harness.network.ids;
    let network = &harness.network;
    let mut sent = Vec::new();
    for key in ["never-broadcast", "mined-unseen", "replaced"] {
        sent.push(network.send(chain_a, relay, EchoKind::Message, key, "arrived").await.unwrap());
    }
    let messenger = network.sender(relay, local::MESSENGER).await.unwrap();
    let mut signed = Vec::new();
    for message in &sent {
        let proof = harness.prove_attested(chain_a, relay, message.transaction).await;
        let call = IMOSV3::transferInCall { chainId: U256::from(chain_a), receiptProof: proof.proof.encode().into() };
        signed.push((message, proof.block_number, proof.block_hash, call));
    }
    let mined_unseen =
        messenger.sign(TxKind::Call(harness.mos(relay)), signed[1].3.abi_encode().into(), U256::ZERO).await.unwrap();
    messenger.broadcast(&mined_unseen).await.unwrap();
    let replaced =
        messenger.sign(TxKind::Call(harness.mos(relay)), signed[2].3.abi_encode().into(), U256::ZERO).await.unwrap();
    messenger.send(TxKind::Call(messenger.address()), Default::default(), U256::ZERO).await.unwrap();
    let never_broadcast =
        messenger.sign(TxKind::Call(harness.mos(relay)), signed[0].3.abi_encode().into(), U256::ZERO).await.unwrap();

    // Recorded as the messenger records them: found by a scan, claimed, the transaction recorded.
    let store = store::open(&harness.store_url()).await.unwrap();
    let route = RouteKey { from: chain_a, to: relay };
    let next = harness.node(chain_a).block_number().await.unwrap() + 1;
    store.cursor(route, next).await.unwrap();
    let mut found = Vec::new();
    for (message, block, block_hash, _) in &signed {
        found.push(NewDelivery {
            source_transaction: message.transaction,
            source_block: *block,
            source_block_hash: *block_hash,
            orders: vec![message.order_id],
        });
    }
    store.record_scan(route, next, next, &found, 0).await.unwrap().unwrap();
    let lease = Lease { owner: DEFAULT_INSTANCE.into(), duration_ms: 60_000 };
    let claimed = store.claim(route, None, &lease, store::now_ms(), 10).await.unwrap();
    for (delivery, transaction) in claimed.iter().zip([&never_broadcast, &mined_unseen, &replaced]) {
        let submission = Submission {
            chain_id: relay,
            transaction: transaction.hash,
            raw: transaction.raw.clone(),
            sender: messenger.address(),
            nonce: transaction.nonce,
            at_ms: 0,
        };
        store.record_submission(delivery.id, DEFAULT_INSTANCE, &submission).await.unwrap();
    }
    drop(store);

    let (resumed, _) = harness.messenger(local::messenger_config()).await;
    harness.run_until(&resumed, Duration::from_secs(60), || harness.arrived(&sent)).await;
    let executed = harness.events::<IMOSV3::mapMessageIn>(relay).await;
    let by_order = |index: usize| {
        let found: Vec<B256> =
            executed.iter().filter(|(_, event)| event.orderId == sent[index].order_id).map(|(tx, _)| *tx).collect();
        assert_eq!(found.len(), 1, "{} executed once", sent[index].key);
        found[0]
    };
    assert_eq!(by_order(0), never_broadcast.hash, "the recorded bytes were broadcast");
    assert_eq!(by_order(1), mined_unseen.hash, "the mined transaction was found");
    assert_ne!(by_order(2), replaced.hash, "a new transaction replaced the one that could never be mined");
    let account = messenger.address();
    let transactions = harness.transactions_from(relay, account).await;
    assert!(transactions.iter().all(|sent| sent.success), "{transactions:#?}");
    let transfers = transactions.iter().filter(|sent| sent.selector == IMOSV3::transferInCall::SELECTOR).count();
    assert_eq!(transfers, 3);
    assert_eq!(harness.settled_deliveries(&resumed).await, 3);
    harness.finish().await;
}
