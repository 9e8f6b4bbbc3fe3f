//! Messenger benchmark, on the in-process three-chain network (`mos_messenger::local`): how long
//! deploying the suite over JSON-RPC takes, then how fast the messenger delivers Echo messages
//! (one A → relay, one A → B through the relay, then a backlog of 20 A → B and 20 A → relay): the
//! time to the first and to the last arrival, messages per second, and the attestations and
//! deliveries it sent. `make bench` runs this and writes the tables to docs/benchmarks.md.
//! Numbers, not assertions: nothing here fails on speed (it fails only when a message does not
//! arrive, which would make the numbers meaningless).

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use alloy_primitives::B256;
use mos_e2e::Harness;
use mos_messenger::{
    local::{self, EchoKind, LocalNetwork, Sent, CHAIN_A, CHAIN_B, RELAY},
    Event, Messenger, MessengerError, Outcome,
};

/// Messages of each kind in the backlog.
const MESSAGES: usize = 20;
/// How long one workload may take before the benchmark gives up.
const TIMEOUT: Duration = Duration::from_secs(600);

/// What the messenger reported, as it reported it.
#[derive(Default)]
struct Reported {
    /// When each order was executed at its final destination.
    arrivals: BTreeMap<B256, Instant>,
    /// How many attempts failed and were to be tried again (none when all goes well).
    retries: usize,
}

/// [`Reported`], shared with the task that listens to the messenger.
type Report = Arc<Mutex<Reported>>;

/// One kind of message of a workload: `count` messages from `from` to `to`.
struct Batch {
    name: &'static str,
    from: u64,
    to: u64,
    kind: EchoKind,
    count: usize,
}

/// What one workload measured.
struct Measured {
    name: String,
    messages: usize,
    /// The Echo's `transferOut` transactions, one after another.
    sending: Duration,
    /// From the messenger's start to the first arrival.
    first: Duration,
    /// From the messenger's start to the last arrival.
    last: Duration,
    /// `(name, messages, first, last)` of each batch.
    per_batch: Vec<(String, usize, Duration, Duration)>,
    attestations: usize,
    deliveries: usize,
    /// The messenger's transactions that failed, and its attempts tried again.
    failed: usize,
    retries: usize,
}

/// The messenger's transactions on every chain: `(attestations, deliveries, failed)`, telling a
/// delivery by its destination (the chain's MOS).
async fn messenger_transactions(harness: &Harness) -> (usize, usize, usize) {
    let messenger = local::dev_key(local::MESSENGER).unwrap().address();
    let (mut attestations, mut deliveries, mut failed) = (0, 0, 0);
    for (_, chain_id) in local::CHAINS {
        let mos = harness.mos(chain_id);
        for sent in harness.transactions_from(chain_id, messenger).await {
            if sent.to == Some(mos) {
                deliveries += 1;
            } else {
                attestations += 1;
            }
            failed += usize::from(!sent.success);
        }
    }
    (attestations, deliveries, failed)
}

/// How many transactions dev account `account` sent on the three chains.
async fn sent_by(harness: &Harness, account: u32) -> usize {
    let address = local::dev_key(account).unwrap().address();
    let mut sent = 0;
    for (_, chain_id) in local::CHAINS {
        sent += harness.transactions_from(chain_id, address).await.len();
    }
    sent
}

/// Sends `batches` (interleaved, one message of each batch in turn), then runs the messenger until
/// every message has been executed at its destination.
async fn workload(
    harness: &Harness,
    messenger: &mut Messenger,
    report: &Report,
    name: String,
    batches: &[Batch],
) -> Measured {
    let network = &harness.network;
    let mut sent: Vec<(usize, Sent)> = Vec::new();
    let started = Instant::now();
    for index in 0..batches.iter().map(|batch| batch.count).max().unwrap_or(0) {
        for (number, batch) in batches.iter().enumerate().filter(|(_, batch)| index < batch.count) {
            let key = format!("bench-{}-{}-{index}-{}", batch.from, batch.to, sent.len());
            let message = network.send(batch.from, batch.to, batch.kind, &key, "value").await.unwrap();
            sent.push((number, message));
        }
    }
    let sending = started.elapsed();

    let before = messenger_transactions(harness).await;
    let retries_before = report.lock().unwrap().retries;
    let start = Instant::now();
    let orders: Vec<B256> = sent.iter().map(|(_, message)| message.order_id).collect();
    let arrived = messenger
        .run_until(TIMEOUT, async || {
            let reported = report.lock().unwrap();
            Ok::<_, MessengerError>(orders.iter().all(|order| reported.arrivals.contains_key(order)))
        })
        .await
        .unwrap();
    assert!(arrived, "{name}: not delivered within {TIMEOUT:?}: {:#?}", messenger.summary().await);
    let after = messenger_transactions(harness).await;
    for (_, message) in &sent {
        let stored = network.echo_list(message.to_chain, &message.key).await.unwrap();
        assert_eq!(stored, message.value, "{name}: order {} did not store its value", message.order_id);
    }

    let reported = report.lock().unwrap();
    let since_start = |message: &Sent| reported.arrivals[&message.order_id].saturating_duration_since(start);
    let span = |messages: &mut dyn Iterator<Item = &Sent>| {
        messages.map(since_start).fold((Duration::MAX, Duration::ZERO), |(first, last), t| (first.min(t), last.max(t)))
    };
    let (first, last) = span(&mut sent.iter().map(|(_, message)| message));
    let per_batch = batches
        .iter()
        .enumerate()
        .map(|(number, batch)| {
            let (first, last) = span(&mut sent.iter().filter(|(n, _)| *n == number).map(|(_, message)| message));
            (batch.name.to_owned(), batch.count, first, last)
        })
        .collect();
    Measured {
        name,
        messages: sent.len(),
        sending,
        first,
        last,
        per_batch,
        attestations: after.0 - before.0,
        deliveries: after.1 - before.1,
        failed: after.2 - before.2,
        retries: reported.retries - retries_before,
    }
}

fn ms(duration: Duration) -> String {
    format!("{:.0} ms", duration.as_secs_f64() * 1000.0)
}

fn per_second(messages: usize, duration: Duration) -> String {
    format!("{:.1}", messages as f64 / duration.as_secs_f64())
}

async fn bench() {
    let programs = mos_e2e::programs();
    let started = Instant::now();
    let network =
        LocalNetwork::launch(&programs, mos_e2e::Dapp::Stylus).await.unwrap_or_else(|e| panic!("launching: {e}"));
    let deployed = started.elapsed();
    let store = std::env::temp_dir().join(format!("mos-bench-messenger-{}.db", std::process::id()));
    mos_messenger::store::remove_sqlite(&store);
    let harness = Harness { network, store };
    let (suite_transactions, echo_transactions) =
        (sent_by(&harness, local::DEPLOYER).await, sent_by(&harness, local::USER).await);

    let (mut messenger, mut events) = harness.messenger(local::messenger_config()).await;
    let report: Report = Arc::default();
    let recorder = {
        let report = Arc::clone(&report);
        tokio::spawn(async move {
            while let Some(event) = events.recv().await {
                let now = Instant::now();
                let mut reported = report.lock().unwrap();
                match event {
                    Event::Delivered { outcomes, .. } => {
                        for outcome in outcomes {
                            if let Outcome::Executed { order_id, result: true, .. } = outcome {
                                reported.arrivals.entry(order_id).or_insert(now);
                            }
                        }
                    }
                    Event::Retrying { .. } => reported.retries += 1,
                    _ => {}
                }
            }
        })
    };

    let a_to_b =
        |count| Batch { name: "A → B (CALLDATA)", from: CHAIN_A, to: CHAIN_B, kind: EchoKind::Calldata, count };
    let a_to_relay =
        |count| Batch { name: "A → relay (MESSAGE)", from: CHAIN_A, to: RELAY, kind: EchoKind::Message, count };
    let mut rows = Vec::new();
    rows.push(workload(&harness, &mut messenger, &report, "one A → relay (MESSAGE)".into(), &[a_to_relay(1)]).await);
    rows.push(
        workload(&harness, &mut messenger, &report, "one A → B through the relay (CALLDATA)".into(), &[a_to_b(1)])
            .await,
    );
    rows.push(
        workload(
            &harness,
            &mut messenger,
            &report,
            format!("{MESSAGES} A → B + {MESSAGES} A → relay"),
            &[a_to_b(MESSAGES), a_to_relay(MESSAGES)],
        )
        .await,
    );
    recorder.abort();
    drop(messenger);
    harness.stop();

    println!("| deployment | chains | transactions | time |");
    println!("|---|---:|---:|---:|");
    println!(
        "| the MOS suite, then an Echo dApp per chain | 3 | {} ({suite_transactions} suite + {echo_transactions} Echo) | {} |",
        suite_transactions + echo_transactions,
        ms(deployed)
    );
    println!();
    println!(
        "| workload | messages | sending | first arrived | all arrived | messages/s | attestations | deliveries |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for row in rows {
        let troubles = match (row.failed, row.retries) {
            (0, 0) => String::new(),
            (failed, retries) => format!(" ({failed} transactions failed, {retries} attempts retried)"),
        };
        println!(
            "| {}{troubles} | {} | {} | {} | {} | {} | {} | {} |",
            row.name,
            row.messages,
            ms(row.sending),
            ms(row.first),
            ms(row.last),
            per_second(row.messages, row.last),
            row.attestations,
            row.deliveries
        );
        if row.per_batch.len() > 1 {
            for (name, count, first, last) in &row.per_batch {
                println!(
                    "| … of which {name} | {count} |  | {} | {} | {} |  |  |",
                    ms(*first),
                    ms(*last),
                    per_second(*count, *last)
                );
            }
        }
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(bench());
}
