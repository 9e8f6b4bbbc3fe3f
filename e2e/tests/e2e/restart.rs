//! A messenger killed at any point and restarted from its state file: nothing lost, nothing twice.

use std::time::Duration;

use alloy_primitives::{TxKind, B256, U256};
use alloy_sol_types::SolCall;
use mos_e2e::{count, Dapp, Harness};
use mos_message::interfaces::IMOSV3;
use mos_messenger::{
    local::{self, EchoKind, Sent, CHAIN_A, CHAIN_B, RELAY},
    state::{PendingDelivery, RouteState, State, Submitted},
};

/// How long each run lasts before it is killed, in milliseconds: short enough that kills land
/// anywhere in a delivery (reading logs, attesting, after signing, after broadcasting, while
/// waiting for a receipt, between two state writes), long enough that every run makes progress.
const RUNS_MS: [u64; 12] = [10, 25, 40, 55, 70, 85, 100, 120, 140, 160, 180, 200];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_messenger_killed_at_any_point_and_restarted_loses_nothing_and_delivers_nothing_twice() {
    let harness = Harness::launch("restart", Dapp::Stylus).await;
    let network = &harness.network;
    let mut sent: Vec<Sent> = Vec::new();
    for (from, to, key) in [(CHAIN_A, CHAIN_B, "one"), (CHAIN_B, CHAIN_A, "two"), (CHAIN_A, RELAY, "three")] {
        sent.push(network.send(from, to, EchoKind::Message, key, &format!("{key}!")).await.unwrap());
    }
    for (run, millis) in RUNS_MS.into_iter().enumerate() {
        let (mut messenger, _) = harness.messenger(local::messenger_config()).await;
        let killed = tokio::time::timeout(Duration::from_millis(millis), messenger.run(std::future::pending())).await;
        assert!(killed.is_err(), "the messenger stopped on its own: {killed:?}");
        drop(messenger);
        if run == 4 {
            // A message sent while the messenger is down.
            sent.push(network.send(CHAIN_B, CHAIN_A, EchoKind::Calldata, "four", "four!").await.unwrap());
        }
    }
    let (mut messenger, _) = harness.messenger(local::messenger_config()).await;
    harness.run_until(&mut messenger, Duration::from_secs(60), || harness.arrived(&sent)).await;

    // Every order executed exactly once where it was going, and forwarded exactly once by the relay.
    for chain in [CHAIN_A, RELAY, CHAIN_B] {
        let executed = harness.events::<IMOSV3::mapMessageIn>(chain).await;
        let expected: Vec<_> = sent.iter().filter(|m| m.to_chain == chain).map(|m| m.order_id).collect();
        let counts = count(executed.iter().map(|(_, event)| &event.orderId));
        assert_eq!(counts, count(&expected), "executions on {chain}");
        assert!(executed.iter().all(|(_, event)| event.result));
    }
    let forwarded = harness.events::<IMOSV3::mapMessageOut>(RELAY).await;
    let expected: Vec<_> = sent.iter().filter(|m| m.to_chain != RELAY).map(|m| m.order_id).collect();
    assert_eq!(count(forwarded.iter().map(|(_, event)| &event.orderId)), count(&expected));

    // And the messenger never sent a transaction that failed, nor more deliveries than there were
    // source transactions: a restart found what it had sent, or sent the same bytes again.
    let account = local::dev_key(local::MESSENGER).unwrap().address();
    for (chain, deliveries) in [(RELAY, 4), (CHAIN_A, 2), (CHAIN_B, 1)] {
        let transactions = harness.transactions_from(chain, account);
        assert!(transactions.iter().all(|sent| sent.success), "a failed transaction on {chain}: {transactions:#?}");
        let transfers = transactions.iter().filter(|sent| sent.selector == IMOSV3::transferInCall::SELECTOR).count();
        assert_eq!(transfers, deliveries, "deliveries on {chain}");
    }
    let state = messenger.state();
    assert!(state.routes.values().all(|route| route.pending.is_empty() && route.failed.is_empty()), "{state:#?}");
    assert_eq!(state.routes.values().map(|route| route.delivered).sum::<u64>(), 7);
    harness.stop();
}

/// The three moments a crash can leave a delivery transaction in, each written to the state file as
/// the messenger writes it, then a restart:
/// - signed and recorded, never broadcast: the restart broadcasts the very same bytes;
/// - broadcast and mined, the receipt never seen: the restart finds it and sends nothing;
/// - signed and recorded, its nonce then taken by another transaction of the account (it can
///   never be mined): the restart sees that and delivers with a new transaction.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_resumes_each_recorded_delivery_transaction_as_the_crash_left_it() {
    let harness = Harness::launch("crash-windows", Dapp::Stylus).await;
    let network = &harness.network;
    let mut sent = Vec::new();
    for key in ["never-broadcast", "mined-unseen", "replaced"] {
        sent.push(network.send(CHAIN_A, RELAY, EchoKind::Message, key, "arrived").await.unwrap());
    }
    let messenger = network.sender(RELAY, local::MESSENGER).await.unwrap();
    let mut signed = Vec::new();
    for message in &sent {
        let proof = harness.prove_attested(CHAIN_A, RELAY, message.transaction).await;
        let call = IMOSV3::transferInCall { chainId: U256::from(CHAIN_A), receiptProof: proof.proof.encode().into() };
        signed.push((message, proof.block_number, call));
    }
    let mined_unseen =
        messenger.sign(TxKind::Call(harness.mos(RELAY)), signed[1].2.abi_encode().into(), U256::ZERO).await.unwrap();
    messenger.broadcast(&mined_unseen).await.unwrap();
    let replaced =
        messenger.sign(TxKind::Call(harness.mos(RELAY)), signed[2].2.abi_encode().into(), U256::ZERO).await.unwrap();
    messenger.send(TxKind::Call(messenger.address()), Default::default(), U256::ZERO).await.unwrap();
    let never_broadcast =
        messenger.sign(TxKind::Call(harness.mos(RELAY)), signed[0].2.abi_encode().into(), U256::ZERO).await.unwrap();

    let pending = [(0, &never_broadcast), (1, &mined_unseen), (2, &replaced)]
        .into_iter()
        .map(|(index, transaction)| {
            let (message, block, _) = &signed[index];
            let mut pending = PendingDelivery::new(message.transaction, *block, vec![message.order_id]);
            pending.submitted = Some(Submitted {
                transaction: transaction.hash,
                raw: transaction.raw.clone(),
                nonce: transaction.nonce,
            });
            pending
        })
        .collect();
    let route = RouteState {
        next_block: harness.node(CHAIN_A).block_number().await.unwrap() + 1,
        pending,
        ..Default::default()
    };
    let state =
        State { version: mos_messenger::state::VERSION, routes: [(format!("{CHAIN_A}->{RELAY}"), route)].into() };
    mos_messenger::file::write_json(&harness.state, &state).unwrap();

    let (mut resumed, _) = harness.messenger(local::messenger_config()).await;
    harness.run_until(&mut resumed, Duration::from_secs(60), || harness.arrived(&sent)).await;
    let executed = harness.events::<IMOSV3::mapMessageIn>(RELAY).await;
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
    let transactions = harness.transactions_from(RELAY, account);
    assert!(transactions.iter().all(|sent| sent.success), "{transactions:#?}");
    let transfers = transactions.iter().filter(|sent| sent.selector == IMOSV3::transferInCall::SELECTOR).count();
    assert_eq!(transfers, 3);
    let state = resumed.state();
    assert!(state.routes.values().all(|route| route.pending.is_empty() && route.failed.is_empty()), "{state:#?}");
    harness.stop();
}
