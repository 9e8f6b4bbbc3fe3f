//! The burst benchmark: 1,000 messages chain A → chain B sent at once (one `transferOut` each,
//! signed ahead and broadcast together) on the three-chain network with every chain mining a block
//! every 250 ms, carried by one messenger. Then the chains' own capacity for the same work: the
//! relay and chain B put back to where they were before the messenger ran (`evm_snapshot` /
//! `evm_revert`), and the messenger's very transactions (the same signed bytes: attestations and
//! deliveries) broadcast to them directly, back to back.
//!
//! Measured: the time from the burst's first block on chain A to the last message executed on chain B,
//! messages per second, the latency of each hop (from the block of the message on one chain to the
//! block of its delivery on the next, by the blocks' mining times), and the capacity rows; and,
//! before the burst, a trickle of messages one at a time: a hop's latency below the chains'
//! capacity. Numbers,
//! not assertions: nothing here fails on speed (it fails only when a message does not arrive or a
//! replayed transaction fails, which would make the numbers meaningless).

use std::{
    collections::BTreeMap,
    future::Future,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use alloy_primitives::{Bytes, B256};
use alloy_provider::Provider;
use mos_e2e::{mining::MinedAt, Harness};
use mos_messenger::{
    local::{self, EchoKind, LocalNetwork, Sent, CHAIN_A, CHAIN_B, RELAY},
    Chain, ChainExt, Event, Messenger, MessengerError, Outcome,
};
use tokio::sync::mpsc::UnboundedReceiver;

/// Messages in the burst.
const MESSAGES: usize = 1000;
/// Messages of the trickle before it, one at a time.
const TRICKLE: usize = 20;
/// The pause after each message of the trickle: four blocks, so each travels alone.
const TRICKLE_GAP: Duration = Duration::from_secs(1);
/// Every chain's block time.
const BLOCK_TIME: Duration = Duration::from_millis(250);
/// How long the burst may take before the benchmark gives up.
const TIMEOUT: Duration = Duration::from_secs(900);

/// The `p`-th percentile (0–100) of `values`, sorted.
fn percentile(values: &[Duration], p: usize) -> Duration {
    values[(values.len() * p / 100).min(values.len() - 1)]
}

fn ms(duration: Duration) -> String {
    format!("{:.0} ms", duration.as_secs_f64() * 1000.0)
}

/// Where the orders' deliveries were mined: `order → (relay block, chain B block)`.
#[derive(Default)]
struct Deliveries {
    relay: BTreeMap<B256, u64>,
    chain_b: BTreeMap<B256, u64>,
}

/// Runs `messenger` (its events on `events`) while `sending` sends `count` messages A → B, until
/// every one of them is executed on chain B: what `sending` gave, and where each order's
/// deliveries were mined. Checks each arrived with its value.
async fn carry<T, F>(
    messenger: &Messenger,
    mut events: UnboundedReceiver<Event>,
    sending: F,
    count: usize,
) -> (T, Deliveries)
where
    F: Future<Output = T>,
{
    let deliveries: Arc<Mutex<Deliveries>> = Arc::default();
    let recorder = {
        let deliveries = Arc::clone(&deliveries);
        tokio::spawn(async move {
            while let Some(event) = events.recv().await {
                let Event::Delivered { route, outcomes, block: Some(block), .. } = event else { continue };
                let mut deliveries = deliveries.lock().unwrap();
                for outcome in outcomes {
                    match outcome {
                        Outcome::Forwarded { order_id, .. } if route.to == RELAY => {
                            deliveries.relay.insert(order_id, block);
                        }
                        Outcome::Executed { order_id, result: true, .. } if route.to == CHAIN_B => {
                            deliveries.chain_b.insert(order_id, block);
                        }
                        _ => {}
                    }
                }
            }
        })
    };
    let carried = messenger
        .run_until(TIMEOUT, async || Ok::<_, MessengerError>(deliveries.lock().unwrap().chain_b.len() == count));
    let (sent, all_arrived) = tokio::join!(sending, carried);
    assert!(all_arrived.unwrap(), "not delivered within {TIMEOUT:?}: {:#?}", messenger.summary().await);
    recorder.abort();
    let deliveries = std::mem::take(&mut *deliveries.lock().unwrap());
    (sent, deliveries)
}

/// The chain A block of each message of `sent`, by order id; checks each arrived on chain B.
async fn source_blocks(harness: &Harness, sent: &[Sent]) -> BTreeMap<B256, u64> {
    let mut blocks = BTreeMap::new();
    for message in sent {
        let receipt = harness.node(CHAIN_A).receipt(message.transaction).await.unwrap().unwrap();
        blocks.insert(message.order_id, receipt.block_number.unwrap());
        assert_eq!(harness.network.echo_list(CHAIN_B, &message.key).await.unwrap(), message.value);
    }
    blocks
}

/// Each message's two hops, sorted: from its block on chain A to its delivery's block on the
/// relay, and from there to its delivery's block on chain B (by when the blocks were mined).
fn hops(
    sent: &[Sent],
    source_block: &BTreeMap<B256, u64>,
    deliveries: &Deliveries,
    mined_at: &MinedAt,
) -> (Vec<Duration>, Vec<Duration>) {
    let at = |chain: u64, block: u64| mined_at.lock().unwrap()[&(chain, block)];
    let (mut hop_1, mut hop_2) = (Vec::new(), Vec::new());
    for message in sent {
        let order = &message.order_id;
        let (source, relay, b) = (source_block[order], deliveries.relay[order], deliveries.chain_b[order]);
        hop_1.push(at(RELAY, relay).saturating_duration_since(at(CHAIN_A, source)));
        hop_2.push(at(CHAIN_B, b).saturating_duration_since(at(RELAY, relay)));
    }
    hop_1.sort();
    hop_2.sort();
    (hop_1, hop_2)
}

/// The signed bytes of every transaction `account` sent on `chain` after block `after`, in order.
fn sent_after(network: &LocalNetwork, chain_id: u64, after: u64, account: alloy_primitives::Address) -> Vec<Bytes> {
    let chain = network.chain(chain_id).unwrap().devnet().unwrap().lock().unwrap();
    let head = chain.latest().number();
    let mut raw = Vec::new();
    for number in after + 1..=head {
        let block = chain.block(devnet::BlockId::Number(number)).unwrap();
        for transaction in block.transactions.iter().filter(|transaction| transaction.sender == account) {
            raw.push(devnet::tx::encode(&transaction.envelope).into());
        }
    }
    raw
}

/// Broadcasts `raw` to `chain_id` back to back and waits for the last one: the time from the first
/// broadcast to the mining of the block holding the last, and how many failed.
async fn replay(harness: &Harness, mined_at: &MinedAt, chain_id: u64, raw: &[Bytes]) -> (Duration, usize) {
    let node = harness.node(chain_id);
    let started = Instant::now();
    let mut hashes = Vec::new();
    for bytes in raw {
        let sent = node.provider().send_raw_transaction(bytes).await.unwrap_or_else(|e| panic!("{chain_id}: {e}"));
        hashes.push(*sent.tx_hash());
    }
    let last = node.wait(*hashes.last().unwrap(), TIMEOUT).await.unwrap();
    let block = last.block_number.unwrap();
    let mut failed = 0;
    for hash in &hashes {
        failed += usize::from(!node.receipt(*hash).await.unwrap().unwrap().status());
    }
    let at = mined_at.lock().unwrap()[&(chain_id, block)];
    (at.saturating_duration_since(started), failed)
}

async fn bench() {
    let programs = mos_e2e::programs();
    let network =
        LocalNetwork::launch(&programs, mos_e2e::Dapp::Stylus).await.unwrap_or_else(|e| panic!("launching: {e}"));
    let store = std::env::temp_dir().join(format!("mos-bench-burst-{}.db", std::process::id()));
    mos_messenger::store::remove_sqlite(&store);
    let harness = Harness { network, store };
    let network = &harness.network;
    let mined_at: MinedAt = Arc::default();
    let miners = mos_e2e::mining::mine_every(network, BLOCK_TIME, &mined_at);

    // A trickle first: one message at a time, each alone on the chains, for the latency of a hop
    // below the chains' capacity.
    let trickle = async {
        let mut sent = Vec::new();
        for i in 0..TRICKLE {
            let (key, value) = (format!("trickle-{i}"), format!("value-{i}"));
            sent.push(network.send(CHAIN_A, CHAIN_B, EchoKind::Calldata, &key, &value).await.unwrap());
            tokio::time::sleep(TRICKLE_GAP).await;
        }
        sent
    };
    let (messenger, events) = harness.messenger(local::messenger_config()).await;
    let (trickled, trickle_deliveries) = carry(&messenger, events, trickle, TRICKLE).await;
    drop(messenger);
    let trickle_blocks = source_blocks(&harness, &trickled).await;
    let (trickle_1, trickle_2) = hops(&trickled, &trickle_blocks, &trickle_deliveries, &mined_at);

    // Where the relay and chain B stand before the burst.
    let snapshot = |chain_id| {
        let mut chain = network.chain(chain_id).unwrap().devnet().unwrap().lock().unwrap();
        (chain.snapshot(), chain.latest().number())
    };
    let (relay_snapshot, relay_head) = snapshot(RELAY);
    let (b_snapshot, b_head) = snapshot(CHAIN_B);

    // The burst, signed ahead and broadcast together while the messenger runs.
    let pairs: Vec<(String, String)> = (0..MESSAGES).map(|i| (format!("burst-{i}"), format!("value-{i}"))).collect();
    let burst = async {
        let started = Instant::now();
        let sent = network.send_many(CHAIN_A, CHAIN_B, EchoKind::Calldata, &pairs).await.unwrap();
        (sent, started.elapsed())
    };
    let (messenger, events) = harness.messenger(local::messenger_config()).await;
    let ((sent, sending), deliveries) = carry(&messenger, events, burst, MESSAGES).await;
    let metrics = messenger.metrics().encode();
    drop(messenger);
    let source_block = source_blocks(&harness, &sent).await;
    let source_blocks = source_block.values().collect::<std::collections::BTreeSet<_>>().len();
    let at = |chain: u64, block: u64| mined_at.lock().unwrap()[&(chain, block)];
    let last_delivery = deliveries.chain_b.values().map(|&block| at(CHAIN_B, block)).max().unwrap();
    let first_sent = source_block.values().map(|&block| at(CHAIN_A, block)).min().unwrap();
    let total = last_delivery.saturating_duration_since(first_sent);
    let (hop_1, hop_2) = hops(&sent, &source_block, &deliveries, &mined_at);

    // The chains' capacity: the same transactions, sent directly to the chains as they were.
    let account = local::dev_key(local::MESSENGER).unwrap().address();
    let relay_raw = sent_after(network, RELAY, relay_head, account);
    let b_raw = sent_after(network, CHAIN_B, b_head, account);
    for (chain_id, id) in [(RELAY, relay_snapshot), (CHAIN_B, b_snapshot)] {
        let mut chain = network.chain(chain_id).unwrap().devnet().unwrap().lock().unwrap();
        chain.drop_pending();
        chain.revert_to_snapshot(id).unwrap();
    }
    let (relay_replay, b_replay) =
        tokio::join!(replay(&harness, &mined_at, RELAY, &relay_raw), replay(&harness, &mined_at, CHAIN_B, &b_raw));
    assert_eq!((relay_replay.1, b_replay.1), (0, 0), "a replayed transaction failed");
    let (relay_time, b_time) = (relay_replay.0, b_replay.0);
    for miner in miners {
        miner.abort();
    }
    harness.stop();

    let rate = |count: usize, time: Duration| count as f64 / time.as_secs_f64();
    let messenger_rate = rate(MESSAGES, total);
    let (relay_capacity, b_capacity) = (rate(MESSAGES, relay_time), rate(MESSAGES, b_time));
    let capacity = relay_capacity.min(b_capacity);
    let bottleneck = if relay_capacity <= b_capacity { "the relay chain" } else { "chain B" };
    println!(
        "{MESSAGES} messages A → B sent in {} ({source_blocks} blocks of chain A), {} block time on every chain.",
        ms(sending),
        ms(BLOCK_TIME)
    );
    println!();
    println!("| | transactions | time | messages/s |");
    println!("|---|---:|---:|---:|");
    println!(
        "| the messenger: the burst's first block on chain A to the last message executed on chain B | {} + {} | {} | {messenger_rate:.1} |",
        relay_raw.len(),
        b_raw.len(),
        ms(total)
    );
    for (chain, count, time) in [("the relay chain", relay_raw.len(), relay_time), ("chain B", b_raw.len(), b_time)] {
        println!(
            "| capacity: {chain}, its transactions sent directly | {count} | {} | {:.1} |",
            ms(time),
            rate(MESSAGES, time)
        );
    }
    println!();
    println!(
        "The messenger's rate is {:.0} % of the lower capacity ({bottleneck}'s, sent directly).",
        100.0 * messenger_rate / capacity
    );
    println!();
    println!("| hop | p50 | p99 | max |");
    println!("|---|---:|---:|---:|");
    for (name, hop) in [("chain A → relay", &hop_1), ("relay → chain B", &hop_2)] {
        println!("| {name} | {} | {} | {} |", ms(percentile(hop, 50)), ms(percentile(hop, 99)), ms(hop[hop.len() - 1]));
    }
    println!();
    println!(
        "Before the burst, a trickle: {TRICKLE} messages A → B, one every {}, each alone on the chains (the same",
        ms(TRICKLE_GAP)
    );
    println!("messenger configuration). A hop's latency there, and in block intervals:");
    println!();
    println!("| hop | p50 | p50 in blocks | max |");
    println!("|---|---:|---:|---:|");
    for (name, hop) in [("chain A → relay", &trickle_1), ("relay → chain B", &trickle_2)] {
        let median = percentile(hop, 50);
        let blocks = median.as_secs_f64() / BLOCK_TIME.as_secs_f64();
        println!("| {name} | {} | {blocks:.1} | {} |", ms(median), ms(hop[hop.len() - 1]));
    }
    println!();
    println!("The messenger's JSON-RPC requests during the run, and the time they took (as the messenger waited");
    println!("for them; requests overlap):");
    println!();
    println!("| chain | method | requests | total time | mean |");
    println!("|---|---|---:|---:|---:|");
    let series = |name: &str| -> BTreeMap<(String, String), f64> {
        metrics
            .lines()
            .filter_map(|line| {
                let rest = line.strip_prefix(name)?.strip_prefix('{')?;
                let (labels, value) = rest.rsplit_once("} ")?;
                let label = |key: &str| labels.split(&format!("{key}=\"")).nth(1)?.split('"').next().map(str::to_owned);
                Some(((label("chain")?, label("method")?), value.parse().ok()?))
            })
            .collect()
    };
    let (counts, sums) = (
        series("mos_messenger_rpc_request_duration_seconds_count"),
        series("mos_messenger_rpc_request_duration_seconds_sum"),
    );
    let mut rows: Vec<_> =
        counts.iter().map(|(key, &count)| (key, count, sums.get(key).copied().unwrap_or(0.0))).collect();
    rows.sort_by(|a, b| b.2.total_cmp(&a.2));
    for ((chain, method), count, sum) in rows {
        let mean = Duration::from_secs_f64(sum / count.max(1.0));
        println!(
            "| {chain} | `{method}` | {count} | {} | {:.2} ms |",
            ms(Duration::from_secs_f64(sum)),
            mean.as_secs_f64() * 1000.0
        );
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(bench());
}
