//! The messenger behind a JSON-RPC proxy on each chain (`mos_e2e::rpc_proxy`) that drops, stalls,
//! delays, duplicates and reorders answers, answers errors, HTTP error statuses and stale heads,
//! swallows broadcasts and goes down and up; and behind a node that is stopped and started again.
//! Every message is delivered exactly once, with one delivery transaction per source transaction
//! and none failed; the messenger's metrics count what the proxies did to it; its nonces are never
//! stuck (a message sent after the faults is delivered too).

use std::time::Duration;

use alloy_primitives::{keccak256, B256};
use mos_e2e::{
    proxied::{rpc_requests, Tally, Unanswered},
    rpc_proxy::{Fault, FaultCounts, FaultPlan, Proxies, Rule},
    Dapp, Harness,
};
use mos_messenger::{
    local::{self, ChainIds, EchoKind, Sent},
    Config, Messenger, MessengerError,
};

/// How long each stretch may take (the runs take seconds; this only stops one that hangs).
const TIMEOUT: Duration = Duration::from_secs(60);

/// How long the messenger waits for an answer here.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(1);

/// The messenger's configuration here: a request not answered within [`REQUEST_TIMEOUT`] fails,
/// and a broadcast whose receipt never comes is looked at as stuck (broadcast again, its nonce
/// moved) after 1 s.
fn config() -> Config {
    Config {
        transaction_timeout: Duration::from_secs(1),
        request_timeout: REQUEST_TIMEOUT,
        ..local::messenger_config()
    }
}

/// One stretch of a run under one fault plan.
struct Stretch {
    /// What it is, for messages.
    name: &'static str,
    /// The plan every proxy applies.
    plan: FaultPlan,
    /// How the messenger's count of unanswered requests compares with the proxies'.
    unanswered: Unanswered,
    /// Whether the messenger hears errors (an error answer, or none).
    heard: bool,
    /// The count that shows the fault fired.
    fired: fn(&FaultCounts) -> u64,
}

/// Sends two messages (A → B, B → relay), sets `stretch`'s plan on every proxy, and runs the
/// messenger until they arrived and the fault fired; then, without faults, until its metrics
/// count what the proxies answered it since the stretch began ([`Harness::run_until_metrics_agree`]).
/// The messages sent.
async fn run(harness: &Harness, messenger: &Messenger, proxies: &Proxies, stretch: Stretch) -> Vec<Sent> {
    let Stretch { name, plan, unanswered, heard, fired } = stretch;
    let ChainIds { a: chain_a, relay, b: chain_b } = harness.network.ids;
    let network = &harness.network;
    let total = |proxies: &Proxies| proxies.iter().map(|(_, _, proxy)| fired(&proxy.counts())).sum::<u64>();
    let not_answered = |messenger: &Messenger| {
        rpc_requests(messenger).iter().filter(|((.., outcome), _)| outcome != "answered").map(|(_, n)| n).sum::<u64>()
    };
    let (before, heard_before, since) = (total(proxies), not_answered(messenger), Tally::now(messenger, proxies));
    let sent = vec![
        network.send(chain_a, chain_b, EchoKind::Calldata, &format!("ab {name}"), name).await.unwrap(),
        network.send(chain_b, relay, EchoKind::Message, &format!("br {name}"), name).await.unwrap(),
    ];
    proxies.set_plan(&plan);
    harness.run_until(messenger, TIMEOUT, || async { total(proxies) > before && harness.arrived(&sent).await }).await;
    proxies.set_plan(&FaultPlan::none());
    harness.run_until_metrics_agree(messenger, proxies, unanswered, &since, TIMEOUT).await;
    if heard {
        assert!(not_answered(messenger) > heard_before, "{name}: the messenger's metrics counted no error");
    }
    sent
}

/// Runs every stretch on a network of its own, then a message without faults; checks that every
/// message was executed exactly once, and that the messenger sent one delivery per source
/// transaction to each chain, none failed. Returns the harness, the messenger and its proxies.
async fn deliver_through(test: &str, stretches: Vec<Stretch>) -> (Harness, Messenger, Proxies) {
    let harness = Harness::launch(test, Dapp::Stylus).await;
    let (messenger, proxies) = harness.messenger_behind_proxies(config()).await;
    let mut sent = Vec::new();
    for stretch in stretches {
        sent.extend(run(&harness, &messenger, &proxies, stretch).await);
    }
    let ChainIds { a: chain_a, b: chain_b, .. } = harness.network.ids;
    sent.push(harness.network.send(chain_a, chain_b, EchoKind::Message, "after", "the faults").await.unwrap());
    harness.run_until(&messenger, TIMEOUT, || harness.arrived(&sent)).await;
    harness.assert_each_executed_once(&sent).await;
    let deliveries = deliveries(&harness, &sent);
    harness.assert_messenger_transactions(&deliveries).await;
    let total: usize = deliveries.iter().map(|(_, count)| count).sum();
    assert_eq!(harness.settled_deliveries(&messenger).await, total as u64);
    (harness, messenger, proxies)
}

/// How many deliveries `sent` takes into each chain: one into the relay for each, one more into
/// the destination of each going further.
fn deliveries(harness: &Harness, sent: &[Sent]) -> [(u64, usize); 3] {
    let ChainIds { a, relay, b } = harness.network.ids;
    [relay, a, b].map(|chain| {
        let into =
            |message: &&Sent| if chain == relay { message.from_chain != relay } else { message.to_chain == chain };
        (chain, sent.iter().filter(into).count())
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_dropped_never_coming_or_behind_a_proxy_down_are_waited_out_and_counted() {
    let stretches = vec![
        Stretch {
            name: "dropped answers",
            plan: FaultPlan::scheduled(vec![Rule::every(9, Fault::Drop { after: Duration::ZERO })]),
            unanswered: Unanswered::AtMost,
            heard: true,
            fired: |counts| counts.dropped,
        },
        Stretch {
            name: "answers that never come",
            plan: FaultPlan::scheduled(vec![Rule::every(13, Fault::Drop { after: REQUEST_TIMEOUT * 3 })]),
            unanswered: Unanswered::AtMost,
            heard: true,
            fired: |counts| counts.dropped,
        },
        Stretch {
            name: "down and up",
            plan: FaultPlan::scheduled(vec![Rule::every(40, Fault::Outage(Duration::from_millis(500)))]),
            unanswered: Unanswered::AtLeast,
            heard: true,
            fired: |counts| counts.outages,
        },
    ];
    let (harness, _, _) = deliver_through("proxy-lost", stretches).await;
    harness.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_delayed_duplicated_and_reordered_at_random_change_nothing() {
    let stretches = vec![Stretch {
        name: "delayed, duplicated and reordered",
        plan: FaultPlan::seeded(
            0x5eed,
            vec![
                Rule::percent(10, Fault::Delay(Duration::from_millis(300))),
                Rule::percent(15, Fault::Duplicate),
                Rule::percent(30, Fault::Reorder { depth: 2, hold: Duration::from_millis(150) }),
            ],
        ),
        unanswered: Unanswered::AtMost,
        heard: false,
        fired: |counts| counts.delayed.min(counts.duplicated).min(counts.reordered),
    }];
    let (harness, messenger, _) = deliver_through("proxy-slow", stretches).await;
    // Nothing was lost on the way: the messenger never missed an answer.
    let unanswered: u64 =
        rpc_requests(&messenger).iter().filter(|((.., outcome), _)| outcome == "failed").map(|(_, n)| n).sum();
    assert_eq!(unanswered, 0);
    harness.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_answers_http_errors_and_stale_heads_are_tried_again_and_counted() {
    let stretches = vec![
        Stretch {
            name: "JSON-RPC errors",
            plan: FaultPlan::scheduled(vec![
                Rule::every(17, Fault::Error { code: -32000, message: "server busy (test)" }),
                Rule::every(19, Fault::Error { code: -32603, message: "internal error (test)" }),
            ]),
            unanswered: Unanswered::AtMost,
            heard: true,
            fired: |counts| counts.errors,
        },
        Stretch {
            name: "HTTP errors",
            plan: FaultPlan::scheduled(vec![
                Rule::every(19, Fault::Status(502)),
                Rule::every(23, Fault::Status(503)),
                Rule::every(29, Fault::Status(429)),
            ]),
            unanswered: Unanswered::AtMost,
            heard: true,
            fired: |counts| counts.statuses,
        },
        Stretch {
            name: "stale heads",
            plan: FaultPlan::scheduled(vec![Rule::every(2, Fault::Stale { blocks: 3 })]),
            unanswered: Unanswered::AtMost,
            heard: false,
            fired: |counts| counts.stale,
        },
    ];
    let (harness, _, _) = deliver_through("proxy-errors", stretches).await;
    harness.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_dropped_from_the_pool_is_broadcast_again_with_its_nonce_and_mined() {
    let stretches = vec![Stretch {
        name: "swallowed broadcasts",
        plan: FaultPlan::scheduled(vec![Rule::every(3, Fault::Swallow).on(&["eth_sendRawTransaction"])]),
        unanswered: Unanswered::AtMost,
        heard: false,
        fired: |counts| counts.swallowed,
    }];
    let (harness, _, proxies) = deliver_through("proxy-pool", stretches).await;
    // Every transaction the pool dropped was broadcast again as it was (the same bytes: the same
    // nonce and hash) and mined; no nonce was filled by another transaction.
    let account = local::dev_key(local::MESSENGER).unwrap().address();
    for (chain, name, proxy) in proxies.iter() {
        let mined = harness.transactions_from(chain, account).await;
        for raw in proxy.swallowed() {
            let hash: B256 = keccak256(&raw);
            assert!(mined.iter().any(|sent| sent.hash == hash && sent.success), "{name}: {hash} never mined");
        }
        assert!(mined.iter().all(|sent| sent.to != Some(account)), "{name}: a nonce filled: {mined:#?}");
    }
    harness.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_stopped_and_started_again_mid_run_loses_nothing_and_leaves_no_nonce_stuck() {
    let harness = Harness::launch("node-restart", Dapp::Stylus).await;
    let ChainIds { a: chain_a, relay, b: chain_b } = harness.network.ids;
    let network = &harness.network;
    let (messenger, proxies) = harness.messenger_behind_proxies(config()).await;
    let since = Tally::now(&messenger, &proxies);
    let mut sent = vec![
        network.send(chain_a, chain_b, EchoKind::Calldata, "before", "the restart").await.unwrap(),
        network.send(chain_b, chain_a, EchoKind::Message, "across", "the restart").await.unwrap(),
    ];
    // The relay chain's node stops once the messenger delivered to it, with the second hops
    // still to go.
    let delivered_to_relay = async || {
        let summary = messenger.summary().await?;
        Ok::<_, MessengerError>(
            summary.iter().any(|(route, stages)| route.ends_with(&format!("->{relay}")) && stages.delivered > 0),
        )
    };
    assert!(messenger.run_until(TIMEOUT, delivered_to_relay).await.unwrap(), "nothing delivered to the relay");
    let state = std::env::temp_dir().join(format!("mos-e2e-node-restart-{}.json", std::process::id()));
    network.stop_devnet(relay, &state).unwrap();
    // While it is down, a message is sent, and the messenger keeps asking the relay's node.
    sent.push(network.send(chain_a, chain_b, EchoKind::Message, "while", "the relay is down").await.unwrap());
    let relay_proxy = proxies.of(relay);
    let asked = async || Ok::<_, MessengerError>(relay_proxy.counts().upstream_failures >= 20);
    assert!(messenger.run_until(TIMEOUT, asked).await.unwrap(), "the messenger stopped asking the relay");
    network.start_devnet(relay, &state).await.unwrap();
    std::fs::remove_file(&state).unwrap();
    harness.run_until(&messenger, TIMEOUT, || harness.arrived(&sent)).await;
    // A message sent after the restart goes through: no nonce is stuck on the restarted chain.
    sent.push(network.send(chain_b, relay, EchoKind::Message, "after", "the restart").await.unwrap());
    harness.run_until(&messenger, TIMEOUT, || harness.arrived(&sent)).await;
    harness.run_until_metrics_agree(&messenger, &proxies, Unanswered::AtMost, &since, TIMEOUT).await;
    let failed = rpc_requests(&messenger)
        .iter()
        .filter(|((chain, _, outcome), _)| chain == "relay" && outcome == "failed")
        .map(|(_, n)| n)
        .sum::<u64>();
    assert!(failed > 0, "the down node's requests are counted as failed");
    harness.assert_each_executed_once(&sent).await;
    harness.assert_messenger_transactions(&deliveries(&harness, &sent)).await;
    harness.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_down_for_longer_than_every_attempt_allows_gives_up_nothing() {
    let harness = Harness::launch("proxy-outage", Dapp::Stylus).await;
    let ChainIds { a: chain_a, relay, b: chain_b } = harness.network.ids;
    // Two attempts at most: the relay's node is down for more failures than that, which are the
    // node's and must not count.
    let (messenger, proxies) = harness.messenger_behind_proxies(Config { max_attempts: 2, ..config() }).await;
    let sent = vec![harness.network.send(chain_a, chain_b, EchoKind::Message, "through", "an outage").await.unwrap()];
    let relay_proxy = proxies.of(relay);
    relay_proxy.go_down().await;
    let relay_failures = |messenger: &Messenger| {
        let failed = rpc_requests(messenger)
            .into_iter()
            .filter(|((chain, _, outcome), _)| chain == "relay" && outcome == "failed");
        failed.map(|(_, n)| n).sum::<u64>()
    };
    // More retries than attempts allowed: each of them would have counted before.
    let retries = |messenger: &Messenger| {
        let metrics = messenger.metrics().encode();
        let samples = metrics.lines().filter(|line| line.starts_with("mos_messenger_delivery_retries_total"));
        samples.filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok()).sum::<f64>()
    };
    let retried = async || Ok::<_, MessengerError>(relay_failures(&messenger) >= 30 && retries(&messenger) > 4.0);
    assert!(messenger.run_until(TIMEOUT, retried).await.unwrap(), "the messenger stopped trying the relay");
    relay_proxy.come_up().unwrap();
    harness.run_until(&messenger, TIMEOUT, || harness.arrived(&sent)).await;
    harness.assert_each_executed_once(&sent).await;
    let summary = messenger.summary().await.unwrap();
    assert!(summary.iter().all(|(_, stages)| stages.failed == 0), "a delivery given up: {summary:?}");
    harness.finish().await;
}
