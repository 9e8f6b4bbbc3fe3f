//! What the messenger does when a delivery does not go as planned: a target that fails (the
//! delivery succeeds, the MOS records the failure, the order stays retryable; with each Echo), and
//! a destination that refuses the delivery (recorded with its reason, not tried again until asked).

use std::time::Duration;

use alloy_primitives::{Bytes, U256};
use alloy_sol_types::{Revert, SolError};
use mos_e2e::{echo_message_data, for_both_dapps, message_status, Dapp, Harness};
use mos_message::interfaces::{IMOSExtensions, IMOSV3};
use mos_messenger::{
    local::{self, ChainIds, EchoKind, IEcho},
    store::{RouteKey, Stage},
    Config, Event, Outcome,
};

const FAILED: u8 = 2;
const RETRIED: u8 = 3;

for_both_dapps!(a_message_whose_target_fails_is_delivered_as_failed_and_stays_retryable);

async fn a_message_whose_target_fails_is_delivered_as_failed_and_stays_retryable(dapp: Dapp) {
    let harness = Harness::launch("target-fails", dapp).await;
    let ChainIds { a: chain_a, b: chain_b, .. } = harness.network.ids;
    let network = &harness.network;
    let echo_a = network.echoes[&chain_a];
    let echo_b = network.echoes[&chain_b];
    let owner_b = network.sender(chain_b, local::USER).await.unwrap();
    let revoke =
        |tag| IEcho::addCorrespondenceCall { fromChain: U256::from(chain_a), fromAddress: echo_a.to_vec().into(), tag };
    owner_b.call(echo_b, &revoke(false)).await.unwrap();
    let sent = network.send(chain_a, chain_b, EchoKind::Message, "k", "v").await.unwrap();

    let (messenger, mut events) = harness.messenger(local::messenger_config()).await;
    harness
        .run_until(&messenger, Duration::from_secs(60), || async {
            message_status(&harness, chain_b, sent.order_id).await != 0
        })
        .await;

    // Delivered: the MOS took the order and recorded that its target refused it.
    let no_permission = Bytes::from(Revert::from("Echo: no permission").abi_encode());
    let delivered = harness.events::<IMOSV3::mapMessageIn>(chain_b).await;
    assert_eq!(delivered.len(), 1);
    let event = &delivered[0].1;
    assert_eq!(
        (event.fromChain, event.toChain, event.orderId, &event.fromAddrss, &event.callData, event.result),
        (
            U256::from(chain_a),
            U256::from(chain_b),
            sent.order_id,
            &Bytes::from(echo_a.to_vec()),
            &echo_message_data(&sent),
            false
        )
    );
    assert_eq!(event.reason, no_permission);
    assert_eq!(message_status(&harness, chain_b, sent.order_id).await, FAILED);
    assert_eq!(network.echo_list(chain_b, "k").await.unwrap(), "");
    let mut reported = Vec::new();
    while let Ok(event) = events.try_recv() {
        if let Event::Delivered { route, outcomes, .. } = event {
            reported.extend(outcomes.into_iter().map(|outcome| (route.to, outcome)));
        }
    }
    assert!(reported.contains(&(
        chain_b,
        Outcome::Executed { order_id: sent.order_id, result: false, reason: no_permission.clone() }
    )));
    // For the messenger that is a delivery like any other: nothing left to do, nothing failed.
    harness.settled_deliveries(&messenger).await;

    // The target allows the sender again, and anyone runs the message again with its fields, all of
    // them in its failed mapMessageIn (the whole messageData is its payload, as on MAP).
    owner_b.call(echo_b, &revoke(true)).await.unwrap();
    let retry = IMOSExtensions::retryMessageInCall {
        fromChain: event.fromChain,
        toChain: event.toChain,
        orderId: event.orderId,
        fromAddress: event.fromAddrss.clone(),
        messageData: event.callData.clone(),
    };
    network.sender(chain_b, local::USER).await.unwrap().call(harness.mos(chain_b), &retry).await.unwrap();
    assert_eq!(message_status(&harness, chain_b, sent.order_id).await, RETRIED);
    assert_eq!(network.echo_list(chain_b, "k").await.unwrap(), "v");
    harness.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_the_destination_refuses_is_recorded_with_its_reason_and_tried_again_only_on_request() {
    let harness = Harness::launch("refused", Dapp::Stylus).await;
    let ChainIds { a: chain_a, relay, b: chain_b } = harness.network.ids;
    let network = &harness.network;
    let admin_b = network.sender(chain_b, local::DEPLOYER).await.unwrap();
    admin_b.call(harness.mos(chain_b), &IMOSV3::setPauseCall {}).await.unwrap();
    let sent = network.send(chain_a, chain_b, EchoKind::Calldata, "paused", "then not").await.unwrap();

    let (messenger, mut events) = harness.messenger(local::messenger_config()).await;
    let route = RouteKey { from: relay, to: chain_b };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while harness.deliveries(&messenger, route, Stage::Failed).await.is_empty() {
        assert!(tokio::time::Instant::now() < deadline, "{:#?}", messenger.summary().await);
        messenger.poll_once().await.unwrap();
    }
    let failed = harness.deliveries(&messenger, route, Stage::Failed).await;
    assert_eq!(failed.len(), 1);
    assert_eq!(
        (failed[0].orders.as_slice(), failed[0].last_error.as_deref()),
        ([sent.order_id].as_slice(), Some("Pausable: paused"))
    );
    let mut refusals = Vec::new();
    while let Ok(event) = events.try_recv() {
        if let Event::Refused { route, orders, reason, .. } = event {
            refusals.push((route.to, orders, reason));
        }
    }
    assert_eq!(refusals, [(chain_b, vec![sent.order_id], "Pausable: paused".to_owned())]);

    // Not tried again: more rounds send nothing to chain B.
    let messenger_account = local::dev_key(local::MESSENGER).unwrap().address();
    let sent_to_b = harness.transactions_from(chain_b, messenger_account).await.len();
    for _ in 0..10 {
        messenger.poll_once().await.unwrap();
    }
    assert_eq!(harness.transactions_from(chain_b, messenger_account).await.len(), sent_to_b);
    assert!(harness.deliveries(&messenger, route, Stage::Pending).await.is_empty());
    drop(messenger);

    // Unpaused, and asked to: delivered.
    admin_b.call(harness.mos(chain_b), &IMOSV3::setUnpauseCall {}).await.unwrap();
    let (messenger, _) = harness.messenger(Config { retry_failed: true, ..local::messenger_config() }).await;
    harness
        .run_until(&messenger, Duration::from_secs(60), || async {
            network.echo_list(chain_b, "paused").await.unwrap() == "then not"
        })
        .await;
    assert!(harness.deliveries(&messenger, route, Stage::Failed).await.is_empty());
    assert_eq!(message_status(&harness, chain_b, sent.order_id).await, 1);
    assert!(harness.transactions_from(chain_b, messenger_account).await.iter().all(|sent| sent.success));
    harness.finish().await;
}
