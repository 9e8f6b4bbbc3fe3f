//! The messenger behind chains that fail on purpose ([`FaultyChain`]): requests that fail, answers
//! lost after the node acted (a broadcast the messenger hears as an error), broadcasts dropped
//! without a word, old heads. Every message is still delivered, exactly once, and no transaction
//! of the messenger fails.

use std::{
    sync::{atomic::Ordering, Arc},
    time::Duration,
};

use mos_e2e::{
    faults::{FaultCounts, FaultSchedule, FaultyChain},
    Dapp, Harness,
};
use mos_messenger::{
    local::{self, ChainIds, EchoKind, Sent},
    store, Chain, Config, Messenger,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_failing_and_lying_chains_every_message_is_delivered_exactly_once() {
    let harness = Harness::launch("faults", Dapp::Stylus).await;
    let ChainIds { a: chain_a, relay, b: chain_b } = harness.network.ids;
    let network = &harness.network;
    let mut sent: Vec<Sent> = Vec::new();
    for (from, to, key) in [
        (chain_a, chain_b, "one"),
        (chain_b, chain_a, "two"),
        (chain_a, relay, "three"),
        (chain_a, chain_b, "four"),
        (chain_b, relay, "five"),
    ] {
        sent.push(network.send(from, to, EchoKind::Message, key, &format!("{key}!")).await.unwrap());
    }

    let schedule =
        FaultSchedule { fail_one_in: 23, lose_answer_one_in: 29, drop_broadcast_one_in: 6, stale_head_by: 3 };
    let counts = Arc::new(FaultCounts::default());
    // A dropped broadcast is seen as stuck, and its nonce filled, after this.
    let config = Config { transaction_timeout: Duration::from_secs(2), ..local::messenger_config() };
    let store = store::open(&harness.store_url()).await.unwrap();
    let messenger = Messenger::connect_through(
        &network.deployment,
        local::dev_key(local::MESSENGER).unwrap(),
        local::committee_keys().unwrap(),
        store,
        config,
        |_, node| -> Arc<dyn Chain> { Arc::new(FaultyChain::new(node.into(), schedule, Arc::clone(&counts))) },
    )
    .await
    .unwrap();
    harness.run_until(&messenger, Duration::from_secs(120), || harness.arrived(&sent)).await;

    // The faults happened, of every kind.
    let injected = [&counts.failed, &counts.lost_answers, &counts.dropped_broadcasts, &counts.stale_heads]
        .map(|count| count.load(Ordering::Relaxed));
    assert!(injected.iter().all(|&count| count > 0), "faults injected (failed, lost, dropped, stale): {injected:?}");

    harness.assert_each_executed_once(&sent).await;
    // No transaction of the messenger failed, and it sent one delivery per source transaction:
    // a broadcast it heard fail was found in the pool or on chain, never sent again as another.
    harness.assert_messenger_transactions(&[(relay, 5), (chain_a, 1), (chain_b, 2)]).await;
    assert_eq!(harness.settled_deliveries(&messenger).await, 8);
    harness.finish().await;
}
