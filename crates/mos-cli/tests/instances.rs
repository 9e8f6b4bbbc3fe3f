//! Several `mos messenger` processes sharing one PostgreSQL store: a burst of messages sent by the
//! Solidity Echo, three instances with their own keys, one of them kill -9'd in the middle. Every
//! message arrives exactly once, and no delivery is sent twice: the killed instance's deliveries
//! go to the others once its leases run out, with the transactions it had recorded.

#[path = "../../messenger/tests/support/postgres.rs"]
mod postgres;

use std::{
    collections::BTreeMap,
    io::{Read, Write},
    net::SocketAddr,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use alloy_primitives::{hex, Address, B256};
use alloy_sol_types::SolCall;
use devnet::dev_accounts::dev_signer;
use mos_e2e::{count, Dapp, Harness};
use mos_message::interfaces::IMOSV3;
use mos_messenger::{
    local::{self, EchoKind, Sent, CHAIN_A, CHAIN_B, RELAY},
    store::{self, Store},
    Chain,
};

/// Messages chain A → relay (one hop) and chain A → chain B (two hops, through the relay).
const TO_RELAY: usize = 600;
const TO_B: usize = 400;
/// The instances' keys: dev accounts the local network leaves alone.
const INSTANCE_KEYS: [u32; 3] = [0, 8, 9];
/// How long the whole delivery may take.
const TIMEOUT: Duration = Duration::from_secs(900);

fn key(account: u32) -> String {
    hex::encode_prefixed(dev_signer(account).unwrap().to_bytes())
}

fn address_of(account: u32) -> Address {
    dev_signer(account).unwrap().address()
}

/// A loopback address with a port free a moment ago.
fn free_address() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap()
}

/// `GET path` from `address`: the status code and the body.
async fn get(address: SocketAddr, path: &str) -> (u16, String) {
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        write!(stream, "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n").unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        (head.split(' ').nth(1).unwrap().parse().unwrap(), body.to_owned())
    })
    .await
    .unwrap()
}

/// The value of the sample `series` (a metric name with its labels, as written) in `metrics`.
fn sample(metrics: &str, series: &str) -> Option<f64> {
    metrics.lines().find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

/// Starts instance `index` of `mos messenger` on `store`, its logs in `log`, its metrics on
/// `metrics`.
fn start(index: usize, deployment: &str, store: &str, log: &std::path::Path, metrics: SocketAddr) -> Child {
    let committee = local::COMMITTEE.map(key).join(",");
    Command::new(env!("CARGO_BIN_EXE_mos"))
        .args(["messenger", "--deployment", deployment, "--store", store, "--metrics", &metrics.to_string()])
        .args(["--instance", &format!("instance-{index}"), "--lease-secs", "3", "--poll-ms", "50"])
        .args(["--key", &key(INSTANCE_KEYS[index])])
        .env("MOS_ATTESTER_KEYS", committee)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .unwrap()
}

/// Deliveries the store holds as delivered, all routes together.
async fn delivered(store: &dyn Store) -> u64 {
    store.summary().await.unwrap().iter().map(|(_, route)| route.delivered).sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_instances_share_one_postgres_and_one_killed_midway_loses_nothing_and_sends_nothing_twice() {
    let harness = Harness::launch("instances", Dapp::Solidity).await;
    let network = &harness.network;
    let dir = std::env::temp_dir().join(format!("mos-instances-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let deployment = dir.join("deployment.json");
    network.deployment.save(&deployment).unwrap();
    let deployment = deployment.display().to_string();
    let url = postgres::fresh_postgres("instances").await;

    let mut sent: Vec<Sent> = Vec::new();
    for index in 0..TO_RELAY + TO_B {
        let to = if index < TO_RELAY { RELAY } else { CHAIN_B };
        sent.push(
            network.send(CHAIN_A, to, EchoKind::Message, &format!("k{index}"), &format!("v{index}")).await.unwrap(),
        );
    }
    let expected = (TO_RELAY + 2 * TO_B) as u64;

    let started = Instant::now();
    let logs: Vec<_> = (0..3).map(|index| dir.join(format!("instance-{index}.log"))).collect();
    let metrics: Vec<SocketAddr> = (0..3).map(|_| free_address()).collect();
    let mut instances: Vec<Child> =
        (0..3).map(|index| start(index, &deployment, &url, &logs[index], metrics[index])).collect();
    let store = store::open(&url).await.unwrap();

    // Killed (SIGKILL) once a quarter of the deliveries are made, whatever it is doing.
    while delivered(store.as_ref()).await < expected / 4 {
        assert!(started.elapsed() < TIMEOUT, "{:#?}", store.summary().await);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    instances[0].kill().unwrap();
    instances[0].wait().unwrap();
    let at_kill = delivered(store.as_ref()).await;

    while delivered(store.as_ref()).await < expected {
        assert!(started.elapsed() < TIMEOUT, "{:#?}", store.summary().await);
        for (index, instance) in instances.iter_mut().enumerate().skip(1) {
            let exited = instance.try_wait().unwrap();
            assert!(exited.is_none(), "instance {index} stopped: {}", std::fs::read_to_string(&logs[index]).unwrap());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let elapsed = started.elapsed();

    // What the running instances' metrics say agrees with the store and the chains (the gauges
    // that cost a request are read every few seconds: waited for).
    for (index, &address) in metrics.iter().enumerate().skip(1) {
        let (status, health) = get(address, "/healthz").await;
        assert_eq!(status, 200, "{health}");
        assert!(health.contains("\"status\":\"ok\""), "{health}");
        let account = address_of(INSTANCE_KEYS[index]);
        let mined = harness.node(RELAY).mined_nonce(account).await.unwrap() as f64;
        let wanted = [
            ("mos_messenger_deliveries{from=\"chain-a\",to=\"relay\",stage=\"delivered\"}", (TO_RELAY + TO_B) as f64),
            ("mos_messenger_deliveries{from=\"relay\",to=\"chain-b\",stage=\"delivered\"}", TO_B as f64),
            ("mos_messenger_deliveries{from=\"chain-a\",to=\"relay\",stage=\"pending\"}", 0.0),
            ("mos_messenger_wallet_nonce{chain=\"relay\",kind=\"mined\"}", mined),
        ];
        let scraped = async || get(address, "/metrics").await.1;
        let mut text = scraped().await;
        let waited = Instant::now();
        while wanted.iter().any(|(series, value)| sample(&text, series) != Some(*value)) {
            assert!(waited.elapsed() < Duration::from_secs(30), "instance {index}: {wanted:?} in\n{text}");
            tokio::time::sleep(Duration::from_millis(500)).await;
            text = scraped().await;
        }
        let own_transfers = harness
            .transactions_from(RELAY, account)
            .await
            .iter()
            .filter(|sent| sent.selector == IMOSV3::transferInCall::SELECTOR)
            .count() as f64;
        let broadcast =
            "mos_messenger_rpc_requests_total{chain=\"relay\",method=\"eth_sendRawTransaction\",outcome=\"answered\"}";
        assert!(sample(&text, broadcast).unwrap() >= own_transfers, "{text}");
        let executed = "mos_messenger_messages_delivered_total{from=\"chain-a\",to=\"relay\",outcome=\"executed\"}";
        let forwarded = "mos_messenger_messages_delivered_total{from=\"chain-a\",to=\"relay\",outcome=\"forwarded\"}";
        let settled = sample(&text, executed).unwrap_or(0.0) + sample(&text, forwarded).unwrap_or(0.0);
        assert!(settled > 0.0, "instance {index} settled nothing: {text}");
        let timed = "mos_messenger_delivery_latency_seconds_count{from=\"chain-a\",to=\"relay\"}";
        assert_eq!(sample(&text, timed), Some(settled), "one latency per settled message: {text}");
        assert!(sample(&text, "mos_messenger_wallet_balance_wei{chain=\"relay\"}").unwrap() > 0.0, "{text}");
    }
    for instance in &mut instances[1..] {
        let stopped = Command::new("kill").args(["-INT", &instance.id().to_string()]).status().unwrap();
        assert!(stopped.success());
        assert!(instance.wait().unwrap().success());
    }
    let summary = store.summary().await.unwrap();
    assert!(summary.iter().all(|(_, route)| route.pending + route.submitted + route.failed == 0), "{summary:#?}");
    assert!(at_kill < expected, "the kill came before the end");

    // Every message arrived, and was executed exactly once where it was going.
    assert!(harness.arrived(&sent).await);
    for chain in [RELAY, CHAIN_B] {
        let executed = harness.events::<IMOSV3::mapMessageIn>(chain).await;
        let expected: Vec<B256> = sent.iter().filter(|m| m.to_chain == chain).map(|m| m.order_id).collect();
        assert_eq!(count(executed.iter().map(|(_, event)| &event.orderId)), count(&expected), "on {chain}");
        assert!(executed.iter().all(|(_, event)| event.result));
    }
    // No delivery sent twice: one transferIn per source transaction and route, none failed, from
    // all the instances together; and every instance took part.
    let mut by_instance = BTreeMap::new();
    for (chain, deliveries) in [(RELAY, TO_RELAY + TO_B), (CHAIN_B, TO_B)] {
        let mut transfers = 0;
        for account in INSTANCE_KEYS {
            let sent = harness.transactions_from(chain, address_of(account)).await;
            assert!(sent.iter().all(|transaction| transaction.success), "a failed transaction on {chain}");
            let mine = sent.iter().filter(|sent| sent.selector == IMOSV3::transferInCall::SELECTOR).count();
            *by_instance.entry(account).or_insert(0) += mine;
            transfers += mine;
        }
        assert_eq!(transfers, deliveries, "deliveries on {chain}");
    }
    assert!(by_instance.values().all(|&made| made > 0), "{by_instance:?}");
    eprintln!(
        "{} messages, {expected} deliveries by 3 instances (one killed after {at_kill}) in {elapsed:?}: {by_instance:?}",
        sent.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
    harness.stop();
}
