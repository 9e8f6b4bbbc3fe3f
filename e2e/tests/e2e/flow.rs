//! The demo's flow, checked: Echo messages A → B, B → A and A → relay, delivered by the messenger
//! through the relay chain, with the exact events each chain shows and what each target stores.

use std::time::Duration;

use alloy_primitives::{Bytes, B256, U256};
use alloy_sol_types::{sol, SolCall};
use mos_e2e::{count, message_status, Harness};
use mos_message::{interfaces::IMOSV3, MessageData, MessageType};
use mos_messenger::{
    local::{self, EchoKind, CHAIN_A, CHAIN_B, RELAY},
    Event, Outcome,
};

sol! {
    /// What a CALLDATA echo asks the destination's Echo to run.
    function setList(string key, string value);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn echo_messages_cross_the_relay_and_arrive_once_with_their_exact_events() {
    let harness = Harness::launch("flow").await;
    let network = &harness.network;
    let a_to_b = network.send(CHAIN_A, CHAIN_B, EchoKind::Calldata, "greeting", "hello from A").await.unwrap();
    let b_to_a = network.send(CHAIN_B, CHAIN_A, EchoKind::Message, "reply", "hello from B").await.unwrap();
    let a_to_relay = network.send(CHAIN_A, RELAY, EchoKind::Message, "relay", "hello relay").await.unwrap();

    let (mut messenger, mut events) = harness.messenger(local::messenger_config()).await;
    harness
        .run_until(&mut messenger, Duration::from_secs(60), || async {
            network.echo_list(CHAIN_B, "greeting").await.unwrap() == "hello from A"
                && network.echo_list(CHAIN_A, "reply").await.unwrap() == "hello from B"
                && network.echo_list(RELAY, "relay").await.unwrap() == "hello relay"
        })
        .await;

    let echo = |chain| Bytes::copy_from_slice(network.echoes[&chain].as_slice());
    // Chain A sent two messages and received one.
    let out_a = harness.events::<IMOSV3::mapMessageOut>(CHAIN_A).await;
    assert_eq!(out_a.len(), 2);
    assert_eq!(out_a[0].0, a_to_b.transaction);
    assert_eq!(
        (out_a[0].1.fromChain, out_a[0].1.toChain, out_a[0].1.orderId, &out_a[0].1.fromAddrss),
        (U256::from(CHAIN_A), U256::from(CHAIN_B), a_to_b.order_id, &echo(CHAIN_A))
    );
    let sent = MessageData::decode(&out_a[0].1.callData).unwrap();
    assert_eq!((sent.msg_type, sent.target.clone()), (MessageType::Calldata, echo(CHAIN_B)));
    let set_list = setListCall { key: "greeting".into(), value: "hello from A".into() };
    assert_eq!(sent.payload.to_vec(), set_list.abi_encode(), "the Echo asks B's Echo to store the pair");
    assert_eq!((out_a[1].1.toChain, out_a[1].1.orderId), (U256::from(RELAY), a_to_relay.order_id));
    let in_a = harness.events::<IMOSV3::mapMessageIn>(CHAIN_A).await;
    assert_eq!(in_a.len(), 1);
    let delivered = &in_a[0].1;
    assert_eq!(
        (delivered.fromChain, delivered.toChain, delivered.orderId, &delivered.fromAddrss, delivered.result),
        (U256::from(CHAIN_B), U256::from(CHAIN_A), b_to_a.order_id, &echo(CHAIN_B), true)
    );
    assert!(delivered.reason.is_empty());

    // The relay forwarded A → B and B → A unchanged, and executed A → relay.
    let out_relay = harness.events::<IMOSV3::mapMessageOut>(RELAY).await;
    let forwarded: Vec<_> = out_relay.iter().map(|(_, e)| (e.fromChain, e.toChain, e.orderId)).collect();
    assert_eq!(forwarded.len(), 2);
    assert!(forwarded.contains(&(U256::from(CHAIN_A), U256::from(CHAIN_B), a_to_b.order_id)));
    assert!(forwarded.contains(&(U256::from(CHAIN_B), U256::from(CHAIN_A), b_to_a.order_id)));
    let original = &out_a[0].1;
    let relayed = out_relay.iter().find(|(_, e)| e.orderId == a_to_b.order_id).unwrap();
    assert_eq!((&relayed.1.fromAddrss, &relayed.1.callData), (&original.fromAddrss, &original.callData));
    let in_relay = harness.events::<IMOSV3::mapMessageIn>(RELAY).await;
    assert_eq!(in_relay.len(), 1);
    assert_eq!(
        (in_relay[0].1.fromChain, in_relay[0].1.orderId, in_relay[0].1.result),
        (U256::from(CHAIN_A), a_to_relay.order_id, true)
    );
    // Every delivery is one transferIn, announced by mapTransferExecute from the messenger.
    let messenger_account = mos_messenger::local::dev_key(mos_messenger::local::MESSENGER).unwrap().address();
    for (chain, deliveries) in [(RELAY, 3), (CHAIN_A, 1), (CHAIN_B, 1)] {
        let executed = harness.events::<IMOSV3::mapTransferExecute>(chain).await;
        assert_eq!(executed.len(), deliveries, "deliveries on {chain}");
        assert!(executed.iter().all(|(_, e)| e.from == messenger_account));
    }

    // Chain B executed A → B once.
    let in_b = harness.events::<IMOSV3::mapMessageIn>(CHAIN_B).await;
    assert_eq!(in_b.len(), 1);
    assert_eq!(
        (in_b[0].1.fromChain, in_b[0].1.toChain, in_b[0].1.orderId, &in_b[0].1.fromAddrss, in_b[0].1.result),
        (U256::from(CHAIN_A), U256::from(CHAIN_B), a_to_b.order_id, &echo(CHAIN_A), true)
    );

    for (chain, order) in [(CHAIN_B, a_to_b.order_id), (CHAIN_A, b_to_a.order_id), (RELAY, a_to_relay.order_id)] {
        assert_eq!(message_status(&harness, chain, order).await, 1, "order {order} on {chain}");
    }

    // The messenger reported each order's journey, and has nothing left to do.
    let mut reported: Vec<(String, B256, Outcome)> = Vec::new();
    while let Ok(event) = events.try_recv() {
        if let Event::Delivered { route, outcomes, .. } = event {
            reported.extend(outcomes.into_iter().map(|outcome| (route.to_string(), outcome.order_id(), outcome)));
        }
    }
    let journeys = count(reported.iter().map(|(_, order, _)| order));
    assert_eq!(journeys[&a_to_b.order_id], 2);
    assert_eq!(journeys[&b_to_a.order_id], 2);
    assert_eq!(journeys[&a_to_relay.order_id], 1);
    assert!(reported.contains(&(
        "chain-a → relay".into(),
        a_to_b.order_id,
        Outcome::Forwarded { order_id: a_to_b.order_id, to_chain: CHAIN_B }
    )));
    assert!(reported.contains(&(
        "relay → chain-b".into(),
        a_to_b.order_id,
        Outcome::Executed { order_id: a_to_b.order_id, result: true, reason: Bytes::new() }
    )));
    let state = messenger.state();
    assert!(state.routes.values().all(|route| route.pending.is_empty() && route.failed.is_empty()), "{state:#?}");
    let delivered: u64 = state.routes.values().map(|route| route.delivered).sum();
    assert_eq!(delivered, 5, "three source transactions to the relay, two from it");
    harness.stop();
}
