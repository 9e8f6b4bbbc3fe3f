//! The relay chain sealed as MAP's relay chain (IBFT, BLS over BN254; four validators, one of them
//! down): chains A and B verify its blocks with MAP light nodes, which the messenger moves epoch by
//! epoch with the validators' seals of each epoch's last block, and nobody attests anything on
//! relay → chain hops. Messages both ways arrive once, several epochs apart (with one sent on the
//! relay, which the explorer shows waiting for B's light node's epoch updates); a relay → B delivery
//! with a forged seal is refused by B's MOS with its light node's reason.

use std::time::Duration;

use alloy_primitives::{B256, U256};
use devnet::ibft::{dev_validator_keys, IbftConfig, Validator};
use light_client_iface::interfaces::IMapLightNode;
use map_ibft::{bls::sum_g2, SealedHeader, SealedReceiptProof};
use mos_e2e::{Dapp, Harness};
use mos_message::interfaces::IMOSV3;
use mos_messenger::{
    explorer::{wait::Wait, Explorer, Settings},
    local::{self, ChainIds, EchoKind, Sent},
    Chain as _, ChainExt, Event, LightNodeKind,
};
use mos_prover::rpc::{prove_sealed_transactions_in_block, LightNodeProof};

/// Blocks per epoch of the relay: short, so the run crosses several.
const EPOCH_SIZE: u64 = 8;

fn validators() -> IbftConfig {
    let keys = dev_validator_keys(4);
    let absent = vec![Validator::from_key(keys[3]).unwrap().address];
    IbftConfig { epoch_size: EPOCH_SIZE, validators: keys, absent, proposals: Vec::new() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relay_blocks_are_accepted_by_their_validators_seals_across_epochs_and_a_forged_seal_is_refused() {
    let harness = Harness::launch_sealed("sealed", Dapp::Stylus, validators()).await;
    let ChainIds { a: chain_a, relay, b: chain_b } = harness.network.ids;
    let network = &harness.network;
    for chain in [chain_a, chain_b] {
        assert_eq!(network.deployment.chain(chain).unwrap().light_node_kind, LightNodeKind::Map);
    }
    let mut sent: Vec<Sent> = Vec::new();
    for (from, to, kind, key, value) in [
        (chain_a, chain_b, EchoKind::Message, "greeting", "hello from A"),
        (chain_b, chain_a, EchoKind::Calldata, "reply", "hello from B"),
    ] {
        sent.push(network.send(from, to, kind, key, value).await.unwrap());
    }
    let (messenger, mut events) = harness.messenger(local::messenger_config()).await;
    harness.run_until(&messenger, Duration::from_secs(60), || harness.arrived(&sent)).await;

    // Three epochs of relay blocks later, one more message each way: the nodes are moved through
    // every epoch in between, one update each.
    let relay_node = harness.node(relay);
    for _ in 0..3 * EPOCH_SIZE {
        relay_node.request("evm_mine", serde_json::json!([])).await.unwrap();
    }
    for (from, to, key, value) in [
        (chain_a, chain_b, "later", "three epochs on"),
        (chain_b, chain_a, "back", "and back"),
        (relay, chain_b, "from-relay", "sent on the relay"),
    ] {
        sent.push(network.send(from, to, EchoKind::Message, key, value).await.unwrap());
    }
    // Before the messenger moves B's light node, the explorer says why the relay's message waits.
    let explorer = Explorer::connect(&network.deployment, None, Settings::default()).unwrap();
    let waiting = explorer.journey(sent[sent.len() - 1].order_id).await.waiting.expect("a message under way");
    let Wait::EpochNotHeld { block, epoch, held, light_node, .. } = waiting.wait else { panic!("{:?}", waiting.wait) };
    let b_node = network.deployment.chain(chain_b).unwrap().light_client;
    let now: U256 = harness.node(chain_b).view(b_node, &IMapLightNode::currentEpochCall {}).await.unwrap();
    assert_eq!((light_node, epoch, held), (b_node, block.div_ceil(EPOCH_SIZE), now.to::<u64>()));
    assert!(epoch >= held + 3, "three idle epochs: {}", waiting.text);
    harness.run_until(&messenger, Duration::from_secs(60), || harness.arrived(&sent)).await;
    harness.assert_each_executed_once(&sent).await;

    // Nothing was attested on the relay → chain hops; each chain's node moved one epoch per update.
    let mut updates: Vec<(u64, u64, u64)> = Vec::new();
    while let Ok(event) = events.try_recv() {
        match event {
            Event::Attested { route, .. } => assert_eq!(route.to, relay, "an attestation to {}", route.to_name),
            Event::EpochUpdated { route, epoch, block, .. } => updates.push((route.to, epoch, block)),
            _ => {}
        }
    }
    let forwarded = harness.events::<IMOSV3::mapMessageOut>(relay).await;
    for chain in [chain_a, chain_b] {
        let light_node = network.deployment.chain(chain).unwrap().light_client;
        let node = harness.node(chain);
        let first: U256 = node.view(light_node, &IMapLightNode::firstEpochCall {}).await.unwrap();
        let current: U256 = node.view(light_node, &IMapLightNode::currentEpochCall {}).await.unwrap();
        let first = first.to::<u64>();
        let mine: Vec<(u64, u64)> =
            updates.iter().filter(|(to, ..)| *to == chain).map(|&(_, epoch, block)| (epoch, block)).collect();
        let expected: Vec<(u64, u64)> =
            (first + 1..=current.to::<u64>()).map(|epoch| (epoch, (epoch - 1) * EPOCH_SIZE)).collect();
        assert_eq!(mine, expected, "the epoch updates of chain {chain}'s light node");
        // It holds the epoch of the last relay block forwarded to it.
        let last = relay_block_of_last_forward(&harness, &forwarded, chain).await;
        assert_eq!(current.to::<u64>(), last.div_ceil(EPOCH_SIZE), "chain {chain}'s light node's epoch");
        assert!(mine.len() >= 3, "chain {chain}'s node crossed the three idle epochs: {mine:?}");
    }

    // A delivery of the relay's forward to B, its seal forged, is refused with the light node's
    // reason; B's MOS is unchanged (the genuine one was delivered: its replay is an existing order).
    let to_b = forwarded.iter().rev().find(|(_, event)| event.toChain == U256::from(chain_b)).unwrap();
    let block_hash = relay_node.receipt(to_b.0).await.unwrap().unwrap().block_hash.unwrap();
    let proven = prove_sealed_transactions_in_block(&relay_node, block_hash, &[to_b.0]).await.unwrap().remove(0);
    let LightNodeProof::Sealed(genuine) = proven.proof else { panic!("a sealed proof") };
    let keys: Vec<[u8; 128]> =
        validators().validators.iter().map(|key| Validator::from_key(*key).unwrap().g2_key).collect();
    let forged = |aggregated_key: [u8; 128]| SealedReceiptProof {
        sealed: SealedHeader { aggregated_key, ..genuine.sealed.clone() },
        ..genuine.clone()
    };
    let deliverer = network.sender(chain_b, local::USER).await.unwrap();
    let transfer_in = |proof: &SealedReceiptProof| IMOSV3::transferInCall {
        chainId: U256::from(relay),
        receiptProof: proof.encode().into(),
    };
    for (what, proof, reason) in [
        (
            "the key of two of the three signers",
            forged(sum_g2(&keys[..2]).unwrap()),
            "the aggregated G2 key is not the sum of the signers' keys",
        ),
        ("the replayed genuine proof", genuine.clone(), "MOSV3: Order exist"),
    ] {
        let refused = deliverer.call(harness.mos(chain_b), &transfer_in(&proof)).await.unwrap_err();
        assert!(refused.to_string().contains(reason), "{what}: {refused}");
    }
    harness.assert_each_executed_once(&sent).await;
    harness.finish().await;
}

/// The relay block of the last `mapMessageOut` to `chain` among `forwarded`.
async fn relay_block_of_last_forward(
    harness: &Harness,
    forwarded: &[(B256, IMOSV3::mapMessageOut)],
    chain: u64,
) -> u64 {
    let (transaction, _) = forwarded.iter().rev().find(|(_, event)| event.toChain == U256::from(chain)).unwrap();
    let receipt = harness.node(harness.network.ids.relay).receipt(*transaction).await.unwrap().unwrap();
    receipt.block_number.unwrap()
}
