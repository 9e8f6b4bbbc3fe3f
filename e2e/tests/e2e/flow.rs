//! The demo's flow, checked with each Echo: messages of both types A → B and B → A, and one A →
//! relay executed there, delivered by the messenger through the relay chain, with the exact events
//! each chain shows and what each target stores.

use std::time::Duration;

use alloy_primitives::{Bytes, B256, U256};
use mos_e2e::{count, echo_message_data, echo_payload, for_both_dapps, message_status, Dapp, Harness};
use mos_message::interfaces::IMOSV3;
use mos_messenger::{
    local::{self, ChainIds, EchoKind, Sent},
    Event, Outcome,
};

for_both_dapps!(echo_messages_cross_the_relay_and_arrive_once_with_their_exact_events);

async fn echo_messages_cross_the_relay_and_arrive_once_with_their_exact_events(dapp: Dapp) {
    let harness = Harness::launch("flow", dapp).await;
    let ChainIds { a: chain_a, relay, b: chain_b } = harness.network.ids;
    let network = &harness.network;
    let mut sent: Vec<Sent> = Vec::new();
    for (from, to, kind, key, value) in [
        (chain_a, chain_b, EchoKind::Calldata, "greeting", "hello from A"),
        (chain_a, chain_b, EchoKind::Message, "note", "a message from A"),
        (chain_b, chain_a, EchoKind::Calldata, "reply", "hello from B"),
        (chain_b, chain_a, EchoKind::Message, "answer", "a message from B"),
        (chain_a, relay, EchoKind::Message, "relay", "hello relay"),
    ] {
        sent.push(network.send(from, to, kind, key, value).await.unwrap());
    }

    let (messenger, mut events) = harness.messenger(local::messenger_config()).await;
    harness.run_until(&messenger, Duration::from_secs(60), || harness.arrived(&sent)).await;

    let echo = |chain| Bytes::copy_from_slice(network.echoes[&chain].as_slice());
    // Each chain's MOS emitted one mapMessageOut per message its Echo sent, in order, naming the
    // Echo as the sender and carrying the MessageData the Echo built, byte for byte.
    for chain in [chain_a, chain_b] {
        let out = harness.events::<IMOSV3::mapMessageOut>(chain).await;
        let from_here: Vec<&Sent> = sent.iter().filter(|message| message.from_chain == chain).collect();
        assert_eq!(out.len(), from_here.len(), "messages out of {chain}");
        for ((transaction, event), message) in out.iter().zip(from_here) {
            assert_eq!(*transaction, message.transaction);
            assert_eq!(
                (event.fromChain, event.toChain, event.orderId, &event.fromAddrss, &event.callData),
                (
                    U256::from(chain),
                    U256::from(message.to_chain),
                    message.order_id,
                    &echo(chain),
                    &echo_message_data(message)
                ),
                "{}",
                message.key
            );
        }
    }

    // The relay forwarded the four messages between A and B unchanged, and executed A → relay.
    let out_relay = harness.events::<IMOSV3::mapMessageOut>(relay).await;
    let passing: Vec<&Sent> = sent.iter().filter(|message| message.to_chain != relay).collect();
    assert_eq!(out_relay.len(), passing.len());
    for message in passing {
        let forwarded: Vec<_> = out_relay.iter().filter(|(_, event)| event.orderId == message.order_id).collect();
        assert_eq!(forwarded.len(), 1, "{} forwarded once", message.key);
        let event = &forwarded[0].1;
        assert_eq!(
            (event.fromChain, event.toChain, &event.fromAddrss, &event.callData),
            (
                U256::from(message.from_chain),
                U256::from(message.to_chain),
                &echo(message.from_chain),
                &echo_message_data(message)
            ),
        );
    }

    // Each message was executed once where it was going, its target succeeding: mapMessageIn names
    // the sending Echo and reports the payload.
    for chain in [chain_a, relay, chain_b] {
        let executed = harness.events::<IMOSV3::mapMessageIn>(chain).await;
        let to_here: Vec<&Sent> = sent.iter().filter(|message| message.to_chain == chain).collect();
        assert_eq!(executed.len(), to_here.len(), "executions on {chain}");
        for message in to_here {
            let (_, event) = executed.iter().find(|(_, event)| event.orderId == message.order_id).unwrap();
            assert_eq!(
                (event.fromChain, event.toChain, &event.fromAddrss, &event.callData, event.result, &event.reason),
                (
                    U256::from(message.from_chain),
                    U256::from(chain),
                    &echo(message.from_chain),
                    &echo_payload(message),
                    true,
                    &Bytes::new()
                ),
                "{}",
                message.key
            );
            assert_eq!(message_status(&harness, chain, message.order_id).await, 1, "{} delivered", message.key);
        }
    }
    // Every delivery is one transferIn, announced by mapTransferExecute from the messenger.
    let messenger_account = local::dev_key(local::MESSENGER).unwrap().address();
    for (chain, deliveries) in [(relay, 5), (chain_a, 2), (chain_b, 2)] {
        let executed = harness.events::<IMOSV3::mapTransferExecute>(chain).await;
        assert_eq!(executed.len(), deliveries, "deliveries on {chain}");
        assert!(executed.iter().all(|(_, e)| e.from == messenger_account));
    }

    // The messenger reported each order's journey, and has nothing left to do.
    let mut reported: Vec<(String, B256, Outcome)> = Vec::new();
    while let Ok(event) = events.try_recv() {
        if let Event::Delivered { route, outcomes, .. } = event {
            reported.extend(outcomes.into_iter().map(|outcome| (route.to_string(), outcome.order_id(), outcome)));
        }
    }
    let journeys = count(reported.iter().map(|(_, order, _)| order));
    for message in &sent {
        let hops = if message.to_chain == relay { 1 } else { 2 };
        assert_eq!(journeys[&message.order_id], hops, "{}", message.key);
    }
    let a_to_b = &sent[0];
    assert!(reported.contains(&(
        "chain-a → relay".into(),
        a_to_b.order_id,
        Outcome::Forwarded { order_id: a_to_b.order_id, to_chain: chain_b }
    )));
    assert!(reported.contains(&(
        "relay → chain-b".into(),
        a_to_b.order_id,
        Outcome::Executed { order_id: a_to_b.order_id, result: true, reason: Bytes::new() }
    )));
    let delivered = harness.settled_deliveries(&messenger).await;
    assert_eq!(delivered, 9, "five source transactions to the relay, four from it");
    harness.finish().await;
}
