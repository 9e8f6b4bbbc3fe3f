//! Deliveries of one source block are simulated once (the gas policy's default): the first is
//! simulated, the others go unsimulated at its limit with a quarter more; one of them that still
//! fails on chain (its order delivered meanwhile by someone else) is tried again and settled once.
//! With `every-delivery`, each is simulated. Devnet only (the source block is assembled by pausing
//! chain A's mining).

use std::{collections::BTreeMap, time::Duration};

use alloy_consensus::Transaction;
use alloy_primitives::{B256, U256};
use alloy_provider::Provider;
use mos_e2e::{count, Dapp, Harness};
use mos_message::interfaces::IMOSV3;
use mos_messenger::{
    config::{GasPolicy, Simulation},
    local::{self, ChainIds, EchoKind, Sent},
    Config,
};

/// Has chain A's Echo send `pairs` to the relay's Echo (`setList` calls), all in one block of chain A.
async fn send_in_one_block(harness: &Harness, pairs: &[(String, String)]) -> Vec<Sent> {
    let ChainIds { a: chain_a, relay, .. } = harness.network.ids;
    let chain = harness.devnet(chain_a);
    chain.lock().unwrap().set_auto_mine(false);
    let sending = harness.network.send_many(chain_a, relay, EchoKind::Calldata, pairs);
    let mining = async {
        while chain.lock().unwrap().pending().len() < pairs.len() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        chain.lock().unwrap().mine();
        std::future::pending::<()>().await
    };
    let sent = tokio::select! {
        sent = sending => sent.unwrap(),
        () = mining => unreachable!(),
    };
    chain.lock().unwrap().set_auto_mine(true);
    let blocks: Vec<u64> = {
        let chain = chain.lock().unwrap();
        sent.iter().map(|message| chain.transaction(&message.transaction).unwrap().0.number()).collect()
    };
    assert!(blocks.windows(2).all(|pair| pair[0] == pair[1]), "one block: {blocks:?}");
    sent
}

/// The messenger's transactions to the relay's MOS, in order: `(gas limit, succeeded)`.
async fn deliveries_to_the_relay(harness: &Harness) -> Vec<(u64, bool)> {
    let relay = harness.network.ids.relay;
    let account = local::dev_key(local::MESSENGER).unwrap().address();
    let node = harness.node(relay);
    let mut deliveries = Vec::new();
    for sent in harness.transactions_from(relay, account).await {
        if sent.to != Some(harness.mos(relay)) {
            continue;
        }
        let transaction = node.provider().get_transaction_by_hash(sent.hash).await.unwrap().unwrap();
        deliveries.push((transaction.gas_limit(), sent.success));
    }
    deliveries
}

/// Runs a messenger with `simulation` until every message of `sent` has arrived, and checks each
/// was executed exactly once on the relay. The messenger's requests to the relay: `(method,
/// count)`.
async fn deliver(harness: &Harness, simulation: Simulation, sent: &[Sent]) -> BTreeMap<String, u64> {
    let gas = GasPolicy { simulation, ..GasPolicy::default() };
    let (messenger, _) = harness.messenger(Config { gas, ..local::messenger_config() }).await;
    harness.run_until(&messenger, Duration::from_secs(60), || harness.arrived(sent)).await;
    let executed = harness.events::<IMOSV3::mapMessageIn>(harness.network.ids.relay).await;
    let orders: Vec<B256> = sent.iter().map(|message| message.order_id).collect();
    assert_eq!(count(executed.iter().map(|(_, event)| &event.orderId)), count(&orders));
    assert!(executed.iter().all(|(_, event)| event.result));
    assert_eq!(harness.settled_deliveries(&messenger).await, sent.len() as u64);
    let mut requests = BTreeMap::new();
    for line in messenger.metrics().encode().lines() {
        let Some(labels) = line.strip_prefix("mos_messenger_rpc_requests_total{chain=\"relay\",method=\"") else {
            continue;
        };
        let (method, rest) = labels.split_once('"').unwrap();
        let count: u64 = rest.rsplit(' ').next().unwrap().parse().unwrap();
        *requests.entry(method.to_owned()).or_default() += count;
    }
    requests
}

fn pairs(count: usize) -> Vec<(String, String)> {
    (0..count).map(|index| (format!("key-{index}"), format!("value-{index}"))).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deliveries_of_one_block_are_simulated_once_and_the_others_sent_at_its_limit_with_a_quarter_more() {
    let harness = Harness::launch("once-per-block", Dapp::Stylus).await;
    let sent = send_in_one_block(&harness, &pairs(5)).await;
    let requests = deliver(&harness, Simulation::OncePerBlock, &sent).await;
    let deliveries = deliveries_to_the_relay(&harness).await;
    assert_eq!(deliveries.len(), 5, "{deliveries:?}");
    let first = deliveries[0].0;
    assert!(deliveries.iter().all(|&(_, success)| success), "{deliveries:?}");
    assert!(deliveries[1..].iter().all(|&(limit, _)| limit == first + first / 4), "{deliveries:?}");
    // Two estimates: the attestation's and the first delivery's; the other calls are reads.
    assert_eq!(requests["eth_estimateGas"], 2, "{requests:?}");
    assert_eq!(requests["eth_call"], 2, "{requests:?}");
    harness.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_every_delivery_simulated_each_is_sent_at_a_limit_it_simulated_at() {
    let harness = Harness::launch("every-delivery", Dapp::Stylus).await;
    let sent = send_in_one_block(&harness, &pairs(5)).await;
    let requests = deliver(&harness, Simulation::EveryDelivery, &sent).await;
    let deliveries = deliveries_to_the_relay(&harness).await;
    assert_eq!(deliveries.len(), 5, "{deliveries:?}");
    assert!(deliveries.iter().all(|&(_, success)| success), "{deliveries:?}");
    // The five were simulated at once, none with a limit yet: each estimated, and sent at its
    // estimate (the proofs differ by their transaction's index, and so by a few gas).
    assert_eq!(requests["eth_estimateGas"], 6, "{requests:?}");
    assert_eq!(requests["eth_call"], 2, "{requests:?}");
    assert!(deliveries.iter().all(|&(limit, _)| limit.abs_diff(deliveries[0].0) < deliveries[0].0 / 100));
    harness.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unsimulated_delivery_that_fails_on_chain_is_tried_again_simulated_and_settled_once() {
    let harness = Harness::launch("unsimulated-fails", Dapp::Stylus).await;
    let ChainIds { a: chain_a, relay, .. } = harness.network.ids;
    let sent = send_in_one_block(&harness, &pairs(2)).await;
    // Someone else delivers the second message first: the messenger's unsimulated delivery of it
    // reverts on chain (`MOSV3: Order exist`), its first one, simulated, goes through.
    let proof = harness.prove_attested(chain_a, relay, sent[1].transaction).await;
    let by_hand = IMOSV3::transferInCall { chainId: U256::from(chain_a), receiptProof: proof.proof.encode().into() };
    let someone = harness.network.sender(relay, local::COMMITTEE[0]).await.unwrap();
    someone.call(harness.mos(relay), &by_hand).await.unwrap();

    deliver(&harness, Simulation::OncePerBlock, &sent).await;
    // Tried again, it asked the MOS first and found the order delivered: nothing more was sent.
    let deliveries = deliveries_to_the_relay(&harness).await;
    let first = deliveries[0].0;
    assert_eq!(deliveries, [(first, true), (first + first / 4, false)], "the second reverted on chain");
    assert_eq!(harness.network.echo_list(relay, "key-1").await.unwrap(), sent[1].value);
    harness.finish().await;
}
