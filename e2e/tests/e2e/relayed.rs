//! A message that asks to be relayed (`relay = true`), with each Echo: the relay chain's Echo
//! executes it first, stores the pair and returns the next hop, which the relay's MOS forwards to
//! chain B in that Echo's name; chain B's Echo takes it as coming from the relay's Echo.

use std::time::Duration;

use alloy_primitives::{Bytes, U256};
use mos_e2e::{echo_message_data, echo_payload, for_both_dapps, message_status, Dapp, Harness};
use mos_message::{interfaces::IMOSV3, MessageData, MessageType};
use mos_messenger::local::{self, ChainIds, EchoKind, IEcho, ECHO_GAS_LIMIT};

for_both_dapps!(a_relayed_message_runs_on_the_relay_and_its_next_hop_arrives_from_the_relays_echo);

async fn a_relayed_message_runs_on_the_relay_and_its_next_hop_arrives_from_the_relays_echo(dapp: Dapp) {
    let harness = Harness::launch("relayed", dapp).await;
    let ChainIds { a: chain_a, relay, b: chain_b } = harness.network.ids;
    let network = &harness.network;
    let (echo_a, echo_relay, echo_b) = (network.echoes[&chain_a], network.echoes[&relay], network.echoes[&chain_b]);
    // The relay's Echo sends what it relays for B to B's Echo; B's Echo lets the relay's Echo write
    // on behalf of chain A (the forwarded message keeps A as its source chain).
    let owner_relay = network.sender(relay, local::USER).await.unwrap();
    owner_relay.call(echo_relay, &IEcho::setTargetCall { chainId: U256::from(chain_b), target: echo_b }).await.unwrap();
    let allow = IEcho::addCorrespondenceCall {
        fromChain: U256::from(chain_a),
        fromAddress: echo_relay.to_vec().into(),
        tag: true,
    };
    network.sender(chain_b, local::USER).await.unwrap().call(echo_b, &allow).await.unwrap();

    let sent =
        network.send(chain_a, chain_b, EchoKind::RelayedMessage, "relayed", "by way of the relay").await.unwrap();
    assert_eq!(sent.target, echo_relay);
    let (messenger, _) = harness.messenger(local::messenger_config()).await;
    harness.run_until(&messenger, Duration::from_secs(60), || harness.arrived(std::slice::from_ref(&sent))).await;

    // A's MOS: a message for B, to the relay's Echo, relay = true.
    let out_a = harness.events::<IMOSV3::mapMessageOut>(chain_a).await;
    assert_eq!(out_a.len(), 1);
    assert_eq!(
        (out_a[0].1.fromChain, out_a[0].1.toChain, out_a[0].1.orderId, out_a[0].1.fromAddrss.as_ref()),
        (U256::from(chain_a), U256::from(chain_b), sent.order_id, echo_a.as_slice())
    );
    assert_eq!(out_a[0].1.callData, echo_message_data(&sent));

    // The relay: its Echo stored the pair and returned the next hop, which the MOS forwarded from
    // the relay's Echo; the message is not executed anywhere else on the relay.
    assert_eq!(network.echo_list(relay, "relayed").await.unwrap(), "by way of the relay");
    let next_hop = MessageData {
        relay: false,
        msg_type: MessageType::Message,
        target: echo_b.to_vec().into(),
        payload: echo_payload(&sent),
        gas_limit: U256::from(ECHO_GAS_LIMIT),
        value: U256::ZERO,
    }
    .encode();
    let out_relay = harness.events::<IMOSV3::mapMessageOut>(relay).await;
    assert_eq!(out_relay.len(), 1);
    let forwarded = &out_relay[0].1;
    assert_eq!(
        (forwarded.fromChain, forwarded.toChain, forwarded.orderId, forwarded.fromAddrss.as_ref()),
        (U256::from(chain_a), U256::from(chain_b), sent.order_id, echo_relay.as_slice())
    );
    assert_eq!(forwarded.callData.to_vec(), next_hop, "the next hop the relay's Echo returned, byte for byte");
    assert!(harness.events::<IMOSV3::mapMessageIn>(relay).await.is_empty());

    // B: executed once, from the relay's Echo, with A as its source chain.
    let in_b = harness.events::<IMOSV3::mapMessageIn>(chain_b).await;
    assert_eq!(in_b.len(), 1);
    let delivered = &in_b[0].1;
    assert_eq!(
        (delivered.fromChain, delivered.toChain, delivered.orderId, delivered.fromAddrss.as_ref()),
        (U256::from(chain_a), U256::from(chain_b), sent.order_id, echo_relay.as_slice())
    );
    assert_eq!((&delivered.callData, delivered.result, &delivered.reason), (&echo_payload(&sent), true, &Bytes::new()));
    assert_eq!(network.echo_list(chain_b, "relayed").await.unwrap(), "by way of the relay");
    assert_eq!(message_status(&harness, chain_b, sent.order_id).await, 1);
    harness.settled_deliveries(&messenger).await;
    harness.finish().await;
}
