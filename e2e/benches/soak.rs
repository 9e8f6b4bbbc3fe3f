//! The soak: 10,000 Echo messages across the three-chain network (every chain mining a block every
//! 250 ms), carried by a `mos messenger` process that talks to each chain through a JSON-RPC fault
//! proxy (`mos_e2e::rpc_proxy`) whose faults change at random every few seconds, and that is
//! killed (SIGKILL) at random and started again from its store. Messages go out in waves on every
//! route while that happens.
//!
//! It ends when every message arrived, or fails after [`TIMEOUT`]. Then it checks that every
//! message was executed exactly once where it was going, with success, and forwarded exactly once
//! by the relay when it went further: nothing lost, nothing duplicated. Measured over time: the
//! messenger process's resident memory and the size of its SQLite store; at the end, the
//! messenger's transactions on each chain (what kills and lost broadcasts cost it).
//!
//! `MOS_BIN` names the `mos` binary (the Makefile builds it); `MOS_SOAK_MESSAGES` makes a shorter
//! run; `MOS_SOAK_SEED` picks another sequence of faults and kills.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::Arc,
    time::{Duration, Instant},
};

use alloy_primitives::B256;
use alloy_sol_types::SolCall;
use mos_e2e::{
    mining::{self, MinedAt},
    rpc_proxy::{Fault, FaultCounts, FaultPlan, Proxies, Rule, SplitMix64},
    Harness,
};
use mos_message::interfaces::IMOSV3;
use mos_messenger::local::{self, ChainIds, EchoKind, LocalNetwork, Sent, CHAIN_A, CHAIN_B, RELAY};

/// Messages in the soak, unless `MOS_SOAK_MESSAGES` says otherwise.
const MESSAGES: usize = 10_000;
/// Messages per wave: one burst from one chain to another.
const WAVE: usize = 200;
/// The pause between two waves.
const WAVE_GAP: Duration = Duration::from_millis(1500);
/// Every chain's block time.
const BLOCK_TIME: Duration = Duration::from_millis(250);
/// How long the messenger may take to carry everything before the soak fails.
const TIMEOUT: Duration = Duration::from_secs(45 * 60);
/// How often memory, store size and progress are sampled.
const SAMPLE_EVERY: Duration = Duration::from_secs(5);
/// How often the proxies' faults change.
const FAULTS_CHANGE_EVERY: Duration = Duration::from_secs(4);
/// How long a messenger process lives before it is killed: between these, at random.
const LIFETIME: (Duration, Duration) = (Duration::from_secs(10), Duration::from_secs(60));
/// How long the messenger stays down after a kill: up to this, at random.
const DOWNTIME: Duration = Duration::from_secs(2);
/// The routes the waves take, with the kind of message.
const ROUTES: [(u64, u64, EchoKind); 4] = [
    (CHAIN_A, CHAIN_B, EchoKind::Calldata),
    (CHAIN_B, CHAIN_A, EchoKind::Message),
    (CHAIN_A, RELAY, EchoKind::Message),
    (RELAY, CHAIN_B, EchoKind::Calldata),
];

/// The faults the proxies switch between: one plan at a time, on every proxy, each drawn from the
/// soak's random source. The first is none, so that some stretches run clean.
fn fault_plan(random: &mut SplitMix64) -> (&'static str, FaultPlan) {
    let seed = random.next_u64();
    let (name, rules) = match random.below(10) {
        0 => ("none", Vec::new()),
        1 => ("answers dropped", vec![Rule::percent(5, Fault::Drop { after: Duration::ZERO })]),
        2 => ("answers delayed", vec![Rule::percent(30, Fault::Delay(Duration::from_millis(300)))]),
        3 => ("requests duplicated", vec![Rule::percent(20, Fault::Duplicate)]),
        4 => (
            "answers reordered",
            vec![Rule::percent(30, Fault::Reorder { depth: 3, hold: Duration::from_millis(200) })],
        ),
        5 => (
            "JSON-RPC errors",
            vec![Rule::percent(10, Fault::Error { code: -32603, message: "internal error (soak)" })],
        ),
        6 => ("HTTP 503", vec![Rule::percent(10, Fault::Status(503))]),
        7 => ("stale head", vec![Rule::percent(40, Fault::Stale { blocks: 4 })]),
        8 => ("broadcasts swallowed", vec![Rule::percent(15, Fault::Swallow).on(&["eth_sendRawTransaction"])]),
        _ => ("node down and up", vec![Rule::every(400, Fault::Outage(Duration::from_millis(1500)))]),
    };
    (name, FaultPlan::seeded(seed, rules))
}

/// The `mos messenger` process, and what it was started with.
struct MessengerProcess {
    child: Child,
    started: Instant,
}

/// Where the soak keeps its files.
struct Files {
    dir: PathBuf,
    config: PathBuf,
    store: PathBuf,
    log: PathBuf,
}

impl Files {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("mos-soak-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Self {
            config: dir.join("messenger.toml"),
            store: dir.join("messenger.db"),
            log: dir.join("messenger.log"),
            dir,
        }
    }

    /// The store's size on disk: the database and its write-ahead log.
    fn store_bytes(&self) -> u64 {
        ["", "-wal"]
            .iter()
            .filter_map(|suffix| std::fs::metadata(format!("{}{suffix}", self.store.display())).ok())
            .map(|metadata| metadata.len())
            .sum()
    }
}

/// Writes the deployment and a messenger configuration that reaches each chain through its proxy.
fn write_config(files: &Files, network: &LocalNetwork, proxies: &Proxies, metrics_port: u16) {
    let deployment = files.dir.join("deployment.json");
    network.deployment.save(&deployment).unwrap();
    let mut toml = format!(
        "deployment = \"{}\"\nstore = \"{}\"\nkey_env = \"MOS_MESSENGER_KEY\"\nattester_keys_env = \"MOS_ATTESTER_KEYS\"\n\
         poll_ms = 50\ntransaction_timeout_secs = 8\nmetrics = \"127.0.0.1:{metrics_port}\"\n",
        deployment.display(),
        files.store.display(),
    );
    for chain in &network.chains {
        toml.push_str(&format!("\n[chains.{}]\nrpc_url = \"{}\"\n", chain.name, proxies.of(chain.chain_id).url()));
    }
    std::fs::write(&files.config, toml).unwrap();
}

/// Starts `mos messenger --config`, its output appended to the soak's log.
fn start_messenger(binary: &Path, files: &Files) -> MessengerProcess {
    let log = std::fs::OpenOptions::new().create(true).append(true).open(&files.log).unwrap();
    let key = format!("{:x}", local::dev_key(local::MESSENGER).unwrap().to_bytes());
    let attesters: Vec<String> =
        local::committee_keys().unwrap().iter().map(|key| format!("{:x}", key.to_bytes())).collect();
    let child = Command::new(binary)
        .args(["messenger", "--config"])
        .arg(&files.config)
        .env("MOS_MESSENGER_KEY", key)
        .env("MOS_ATTESTER_KEYS", attesters.join(","))
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap_or_else(|e| panic!("starting {}: {e}", binary.display()));
    MessengerProcess { child, started: Instant::now() }
}

/// The resident memory of process `pid`, in KiB (`VmRSS`), if it runs.
fn resident_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The JSON-RPC requests the messenger process counted on its `/metrics` so far: all of them,
/// and those not answered with a result (`outcome` other than `answered`). Zeros when it does not
/// answer (starting, or down).
async fn scrape_requests(port: u16) -> (f64, f64) {
    const REQUESTS: &str = "mos_messenger_rpc_requests_total{";
    let Ok(body) = fetch(&format!("http://127.0.0.1:{port}/metrics")).await else { return (0.0, 0.0) };
    let samples = body.lines().filter(|line| line.starts_with(REQUESTS)).filter_map(|line| {
        let count = line.rsplit(' ').next()?.parse::<f64>().ok()?;
        Some((line.contains("outcome=\"answered\""), count))
    });
    samples.fold((0.0, 0.0), |(all, unanswered), (answered, count)| {
        (all + count, if answered { unanswered } else { unanswered + count })
    })
}

/// A GET of `url`'s body, over a plain TCP connection.
async fn fetch(url: &str) -> std::io::Result<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").unwrap_or(url);
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let mut stream = tokio::net::TcpStream::connect(host).await?;
    stream.write_all(format!("GET /{path} HTTP/1.0\r\nHost: {host}\r\n\r\n").as_bytes()).await?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await?;
    Ok(response.split_once("\r\n\r\n").map(|(_, body)| body.to_owned()).unwrap_or_default())
}

/// How many times each of `sent` was executed with success where it was going, by order id.
async fn executions(harness: &Harness, sent: &[Sent]) -> BTreeMap<B256, usize> {
    let destination: BTreeMap<B256, u64> = sent.iter().map(|message| (message.order_id, message.to_chain)).collect();
    let mut executed: BTreeMap<B256, usize> = sent.iter().map(|message| (message.order_id, 0)).collect();
    for chain in [CHAIN_A, RELAY, CHAIN_B] {
        for (_, event) in harness.events::<IMOSV3::mapMessageIn>(chain).await {
            if event.result && destination.get(&event.orderId) == Some(&chain) {
                *executed.entry(event.orderId).or_default() += 1;
            }
        }
    }
    executed
}

/// How many deliveries `sent` takes into each chain (chain id, count): one into the relay for
/// each from another chain, one more into the destination of each going further.
fn deliveries(ids: ChainIds, sent: &[Sent]) -> Vec<(u64, usize)> {
    [ids.relay, ids.a, ids.b]
        .into_iter()
        .map(|chain| {
            let into = |message: &&Sent| {
                if chain == ids.relay {
                    message.from_chain != ids.relay
                } else {
                    message.to_chain == chain
                }
            };
            (chain, sent.iter().filter(into).count())
        })
        .collect()
}

/// The messenger's transactions on one chain.
struct Transactions {
    chain: u64,
    /// Deliveries into the chain the messages took (one per hop).
    hops: usize,
    /// `transferIn` transactions mined.
    deliveries: usize,
    /// Transactions mined that failed.
    failed: usize,
    /// Every transaction mined (attestations and nonce fillers too).
    all: usize,
}

/// One sample of the run.
struct Sample {
    at: Duration,
    sent: usize,
    arrived: usize,
    resident_kib: Option<u64>,
    store_bytes: u64,
}

/// What the run did, for the report.
struct Run {
    messages: usize,
    sent: Vec<Sent>,
    carried_in: Duration,
    kills: u32,
    plans: BTreeMap<&'static str, u32>,
    injected: FaultCounts,
    /// JSON-RPC requests the messenger counted, and those of them not answered with a result.
    requests: (f64, f64),
    samples: Vec<Sample>,
    lost: usize,
    twice: usize,
    /// The messenger's transactions on each chain.
    transactions: Vec<Transactions>,
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

async fn bench() {
    let binary = PathBuf::from(std::env::var("MOS_BIN").expect("MOS_BIN names the mos binary (make bench builds it)"));
    let messages: usize = std::env::var("MOS_SOAK_MESSAGES").ok().and_then(|n| n.parse().ok()).unwrap_or(MESSAGES);
    let seed: u64 = std::env::var("MOS_SOAK_SEED").ok().and_then(|n| n.parse().ok()).unwrap_or(2026);
    let mut random = SplitMix64(seed);

    let programs = mos_e2e::programs();
    let network =
        LocalNetwork::launch(&programs, mos_e2e::Dapp::Stylus).await.unwrap_or_else(|e| panic!("launching: {e}"));
    let files = Files::new();
    let harness = Harness { network, store: files.store.clone() };
    let network = &harness.network;
    let mined_at: MinedAt = Arc::default();
    let miners = mining::mine_every(network, BLOCK_TIME, &mined_at);
    let proxies = Proxies::start(network.chains.iter().map(|chain| (chain.chain_id, chain.name, chain.url.as_str())))
        .unwrap_or_else(|e| panic!("starting the proxies: {e}"));
    let metrics_port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    write_config(&files, network, &proxies, metrics_port);

    // The waves, sent while everything else happens.
    let waves = messages.div_ceil(WAVE);
    let routes: Vec<(u64, u64, EchoKind)> =
        (0..waves).map(|_| ROUTES[random.below(ROUTES.len() as u64) as usize]).collect();
    let (sent_tx, mut sent_rx) = tokio::sync::mpsc::unbounded_channel::<Vec<Sent>>();
    let sending = async move {
        for (wave, (from, to, kind)) in routes.into_iter().enumerate() {
            let count = WAVE.min(messages - wave * WAVE);
            let pairs: Vec<(String, String)> =
                (0..count).map(|i| (format!("soak-{wave}-{i}"), format!("value-{wave}-{i}"))).collect();
            let sent = network.send_many(from, to, kind, &pairs).await.unwrap_or_else(|e| panic!("wave {wave}: {e}"));
            sent_tx.send(sent).unwrap();
            tokio::time::sleep(WAVE_GAP).await;
        }
    };

    let started = Instant::now();
    let supervising = async {
        let (mut sent, mut samples, mut plans) = (Vec::new(), Vec::new(), BTreeMap::new());
        let (mut kills, mut requests) = (0u32, (0.0, 0.0));
        let mut scrape = async || {
            let (all, unanswered) = scrape_requests(metrics_port).await;
            requests = (requests.0 + all, requests.1 + unanswered);
        };
        let mut process = start_messenger(&binary, &files);
        let mut lifetime = random.between(LIFETIME.0, LIFETIME.1);
        let (mut next_sample, mut next_faults) = (Duration::ZERO, Duration::ZERO);
        loop {
            let now = started.elapsed();
            while let Ok(wave) = sent_rx.try_recv() {
                sent.extend(wave);
            }
            if now >= next_faults {
                let (name, plan) = fault_plan(&mut random);
                *plans.entry(name).or_default() += 1;
                proxies.set_plan(&plan);
                next_faults = now + FAULTS_CHANGE_EVERY;
            }
            if now >= next_sample {
                let arrived = executions(&harness, &sent).await.values().filter(|n| **n > 0).count();
                let sample = Sample {
                    at: now,
                    sent: sent.len(),
                    arrived,
                    resident_kib: resident_kib(process.child.id()),
                    store_bytes: files.store_bytes(),
                };
                eprintln!("soak: {:.0} s, {} sent, {} arrived", now.as_secs_f64(), sample.sent, sample.arrived);
                let done = sample.sent == messages && sample.arrived == messages;
                samples.push(sample);
                if done {
                    break;
                }
                assert!(now < TIMEOUT, "not delivered within {TIMEOUT:?}: {arrived} of {} arrived", sent.len());
                next_sample = now + SAMPLE_EVERY;
            }
            if process.started.elapsed() >= lifetime {
                scrape().await;
                process.child.kill().unwrap();
                process.child.wait().unwrap();
                kills += 1;
                tokio::time::sleep(random.between(Duration::ZERO, DOWNTIME)).await;
                process = start_messenger(&binary, &files);
                lifetime = random.between(LIFETIME.0, LIFETIME.1);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let carried_in = started.elapsed();
        // The last process finishes what it started (deliveries whose receipts it waits for)
        // before it is stopped, without faults: anything sent twice would show now.
        proxies.set_plan(&FaultPlan::none());
        tokio::time::sleep(Duration::from_secs(5)).await;
        scrape().await;
        process.child.kill().unwrap();
        process.child.wait().unwrap();
        (sent, samples, plans, kills, requests, carried_in)
    };
    let ((), (sent, samples, plans, kills, requests, carried_in)) = tokio::join!(sending, supervising);

    // Nothing lost, nothing twice: counted for the report, then checked on every chain's events.
    // The messenger's own transactions are counted: what kills and lost broadcasts cost it.
    let executed = executions(&harness, &sent).await;
    let lost = executed.values().filter(|n| **n == 0).count();
    let twice = executed.values().filter(|n| **n > 1).count();
    harness.assert_each_executed_once(&sent).await;
    let account = local::dev_key(local::MESSENGER).unwrap().address();
    let mut transactions = Vec::new();
    for (chain, hops) in deliveries(network.ids, &sent) {
        let sent = harness.transactions_from(chain, account).await;
        let deliveries = sent.iter().filter(|tx| tx.selector == IMOSV3::transferInCall::SELECTOR).count();
        let failed = sent.iter().filter(|tx| !tx.success).count();
        transactions.push(Transactions { chain, hops, deliveries, failed, all: sent.len() });
    }
    for message in sent.iter().step_by(97) {
        assert_eq!(network.echo_list(message.to_chain, &message.key).await.unwrap(), message.value);
    }
    let mut injected = FaultCounts::default();
    for (_, _, proxy) in proxies.iter() {
        injected += proxy.counts();
    }
    for miner in miners {
        miner.abort();
    }
    report(&Run { messages, sent, carried_in, kills, plans, injected, requests, samples, lost, twice, transactions });
    let _ = std::fs::remove_dir_all(&files.dir);
    harness.stop();
}

/// The markdown of the run.
fn report(run: &Run) {
    let mut routes: BTreeMap<(u64, u64), usize> = BTreeMap::new();
    for message in &run.sent {
        *routes.entry((message.from_chain, message.to_chain)).or_default() += 1;
    }
    let name = |chain: u64| match chain {
        CHAIN_A => "A",
        CHAIN_B => "B",
        _ => "relay",
    };
    let routes: Vec<String> =
        routes.iter().map(|((from, to), n)| format!("{n} {} → {}", name(*from), name(*to))).collect();
    println!(
        "{} messages ({}) in waves of {WAVE} every {} ms, {} ms block time, carried in {:.0} s; the messenger \
         process killed {} times (SIGKILL, started again from its store after up to {} s).",
        run.messages,
        routes.join(", "),
        WAVE_GAP.as_millis(),
        BLOCK_TIME.as_millis(),
        run.carried_in.as_secs_f64(),
        run.kills,
        DOWNTIME.as_secs(),
    );
    println!();
    println!(
        "**Lost: {}. Executed twice: {}.** Every order was executed exactly once at its destination, with \
         success, and forwarded exactly once by the relay when it went further.",
        run.lost, run.twice
    );
    println!();
    println!("What the kills and the lost broadcasts cost the messenger, in transactions mined:");
    println!();
    println!("| chain | hops into it | delivery transactions | failed | all its transactions |");
    println!("|---|---:|---:|---:|---:|");
    for tx in &run.transactions {
        println!("| {} | {} | {} | {} | {} |", name(tx.chain), tx.hops, tx.deliveries, tx.failed, tx.all);
    }
    println!();
    let plans: Vec<String> = run.plans.iter().map(|(plan, n)| format!("{plan} ({n})")).collect();
    println!(
        "Fault plans, one at a time on all three proxies, drawn every {} s: {}.",
        FAULTS_CHANGE_EVERY.as_secs(),
        plans.join(", ")
    );
    let FaultCounts {
        requests,
        dropped,
        delayed,
        duplicated,
        reordered,
        errors,
        statuses,
        stale,
        swallowed,
        outages,
        upstream_failures,
    } = run.injected;
    println!(
        "The proxies saw {requests} request bodies and injected: {dropped} answers dropped, {delayed} delayed, \
         {duplicated} requests duplicated, {reordered} answers reordered, {errors} JSON-RPC errors, {statuses} HTTP \
         errors, {stale} stale heads, {swallowed} broadcasts swallowed, {outages} outages ({upstream_failures} \
         requests answered 502 while a node could not be reached). The messenger's metrics counted {:.0} \
         JSON-RPC requests, {:.0} of them not answered with a result.",
        run.requests.0, run.requests.1
    );
    println!();
    println!("| time | sent | arrived | messenger memory (RSS) | store size |");
    println!("|---:|---:|---:|---:|---:|");
    let every = run.samples.len().div_ceil(15).max(1);
    for (index, sample) in run.samples.iter().enumerate() {
        if index % every == 0 || index + 1 == run.samples.len() {
            let memory = sample.resident_kib.map_or("(restarting)".to_owned(), |kib| mib(kib * 1024));
            println!(
                "| {:.0} s | {} | {} | {memory} | {} |",
                sample.at.as_secs_f64(),
                sample.sent,
                sample.arrived,
                mib(sample.store_bytes)
            );
        }
    }
}

fn main() {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap().block_on(bench());
}
