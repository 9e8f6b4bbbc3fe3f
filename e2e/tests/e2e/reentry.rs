//! A target that calls back into the MOS while the MOS executes it, with each kind of dApp (the
//! Solidity `ReenteringTarget`, or the Stylus test target): delivering another message from inside
//! a delivery (`transferIn` with that message's valid, attested proof) is refused
//! (`ReentrancyGuard: reentrant call`), the MOS records the refusal as the calling message's
//! failure, and the other message is delivered once, by the messenger.

use std::time::Duration;

use alloy_primitives::{Bytes, U256};
use alloy_sol_types::{Revert, SolCall, SolError};
use mos_e2e::{echo_message_data, for_both_dapps, message_status, Dapp, Harness};
use mos_message::interfaces::IMOSV3;
use mos_messenger::local::{self, ChainIds, EchoKind};

const DELIVERED: u8 = 1;
const FAILED: u8 = 2;

for_both_dapps!(a_target_that_delivers_another_proof_from_inside_its_delivery_fails_with_the_guards_reason);

async fn a_target_that_delivers_another_proof_from_inside_its_delivery_fails_with_the_guards_reason(dapp: Dapp) {
    let harness = Harness::launch("reentry", dapp).await;
    let ChainIds { a: chain_a, relay, b: chain_b } = harness.network.ids;
    let network = &harness.network;
    // A message for B's Echo, carried to the relay by hand, so that the proof of its next hop is at
    // hand (its relay block attested to B) before B has it.
    let first = network.send(chain_a, chain_b, EchoKind::Message, "first", "delivered once").await.unwrap();
    let to_relay = harness.prove_attested(chain_a, relay, first.transaction).await;
    let carry = IMOSV3::transferInCall { chainId: U256::from(chain_a), receiptProof: to_relay.proof.encode().into() };
    let someone = network.sender(relay, local::COMMITTEE[0]).await.unwrap();
    let forwarded = someone.call(harness.mos(relay), &carry).await.unwrap();
    let from_relay = harness.prove_attested(relay, chain_b, forwarded.transaction_hash).await;
    let deliver_first =
        IMOSV3::transferInCall { chainId: U256::from(relay), receiptProof: from_relay.proof.encode().into() };

    // A target on B that makes that delivery from inside its own, and a message for it.
    let target = harness.deploy_reentering_target(chain_b, deliver_first.abi_encode().into()).await;
    let second = network.send_to(chain_a, chain_b, target, EchoKind::Message, "second", "never run").await.unwrap();
    let (messenger, _) = harness.messenger(local::messenger_config()).await;
    harness
        .run_until(&messenger, Duration::from_secs(60), || async {
            message_status(&harness, chain_b, first.order_id).await != 0
                && message_status(&harness, chain_b, second.order_id).await != 0
        })
        .await;

    // The second message failed with the guard's reason, and is recorded as failed.
    let executed = harness.events::<IMOSV3::mapMessageIn>(chain_b).await;
    assert_eq!(executed.len(), 2, "{executed:#?}");
    let (second_delivery, refused) = executed.iter().find(|(_, event)| event.orderId == second.order_id).unwrap();
    let echo_a = Bytes::copy_from_slice(network.echoes[&chain_a].as_slice());
    assert_eq!(
        (refused.fromChain, refused.toChain, &refused.fromAddrss, &refused.callData, refused.result),
        (U256::from(chain_a), U256::from(chain_b), &echo_a, &echo_message_data(&second), false)
    );
    assert_eq!(refused.reason, Bytes::from(Revert::from("ReentrancyGuard: reentrant call").abi_encode()));
    assert_eq!(message_status(&harness, chain_b, second.order_id).await, FAILED);

    // The first was not delivered from inside the second's delivery: the messenger delivered it,
    // once, in a transaction of its own.
    let (first_delivery, delivered) = executed.iter().find(|(_, event)| event.orderId == first.order_id).unwrap();
    assert_ne!(first_delivery, second_delivery);
    assert_eq!((delivered.result, &delivered.fromAddrss), (true, &echo_a));
    assert_eq!(message_status(&harness, chain_b, first.order_id).await, DELIVERED);
    assert_eq!(network.echo_list(chain_b, "first").await.unwrap(), "delivered once");
    let messenger_account = local::dev_key(local::MESSENGER).unwrap().address();
    let deliveries = harness.events::<IMOSV3::mapTransferExecute>(chain_b).await;
    assert_eq!(deliveries.len(), 2);
    assert!(deliveries.iter().all(|(_, event)| event.from == messenger_account));
    harness.settled_deliveries(&messenger).await;
    harness.finish().await;
}
