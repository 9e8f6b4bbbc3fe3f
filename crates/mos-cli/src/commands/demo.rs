//! `mos demo`: three devnet chains in this process (A, the relay, B), the MOS suite deployed on them
//! over JSON-RPC, the Echo dApp on each, messages A → B, B → A and A → relay, one B → relay that
//! the relay's Echo refuses (it no longer takes messages from B's), and the messenger carrying
//! them; each message's journey, and what its target stores at the end. Then the explorer is
//! served, and the chains and the messenger run on, until Ctrl-C (`--exit` stops at once).

use std::{
    collections::BTreeMap,
    path::PathBuf,
    time::{Duration, Instant},
};

use alloy_primitives::{Bytes, B256, U256};
use mos_message::interfaces::IMOSExtensions::MessageStatus;
use mos_messenger::{
    deploy::Programs,
    http::{HttpServer, Served},
    local::{self, Dapp, EchoKind, IEcho, LocalNetwork, Sent, CHAIN_A, CHAIN_B, RELAY},
    Deployment, Event, LightNodeKind, Outcome, Role,
};
use mos_rpc::revert_reason;
use serde_json::{json, Value};

use crate::{commands::deploy::DEFAULT_PROGRAMS, CliError};

/// Arguments of `mos demo`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The directory of the programs' `<package>.code.hex` (`make wasm` builds them; `make demo`
    /// builds them and runs this).
    #[arg(long, value_name = "DIR", default_value = DEFAULT_PROGRAMS)]
    pub programs: PathBuf,
    /// Seconds the messages have to arrive.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub timeout: u64,
    /// Where the explorer is served once the messages arrived (another free port when this one
    /// is taken).
    #[arg(long, value_name = "ADDRESS", default_value = "127.0.0.1:8080")]
    pub explorer: std::net::SocketAddr,
    /// Stop once the messages arrived, instead of serving the explorer until Ctrl-C.
    #[arg(long)]
    pub exit: bool,
}

/// A message of the demo and where it has been.
struct Journey {
    sent: Sent,
    /// `(chain, what happened, transaction)`, in order.
    hops: Vec<(String, String, B256)>,
    /// What the target's Echo holds for the key at the end.
    stored: String,
    /// Whether its target is meant to refuse it.
    refused: bool,
    /// Its destination MOS's `messageStatus`.
    status: MessageStatus,
}

impl Journey {
    /// It reached its target: stored there, or (when the target refuses it) failed there.
    fn arrived(&self) -> bool {
        if self.refused {
            self.status == MessageStatus::Failed
        } else {
            self.stored == self.sent.value
        }
    }
}

/// The relay chain's validators in the demo.
const DEMO_VALIDATORS: usize = 4;
/// Blocks per epoch of the demo's relay chain: short, so that the demo moves the chains' MAP light
/// nodes through epochs.
const DEMO_EPOCH_SIZE: u64 = 32;

/// Runs the demo, printing as it goes (with `json`, one JSON document at the end).
///
/// # Errors
/// [`CliError::Deploy`] when the programs are missing or do not deploy, [`CliError::Local`] when a
/// chain does not start, a message cannot be sent or the messenger cannot connect,
/// [`CliError::Messenger`] when the messenger fails, [`CliError::Demo`] when messages did not
/// arrive in time.
pub fn run(args: &Args, json: bool) -> Result<(), CliError> {
    let programs = Programs::load_dir(&args.programs, &local::packages())?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(CliError::Runtime)?;
    runtime.block_on(demo(&programs, args, json))
}

async fn demo(programs: &Programs, args: &Args, json: bool) -> Result<(), CliError> {
    let timeout = Duration::from_secs(args.timeout);
    let say = |line: String| {
        if !json {
            println!("{line}");
        }
    };
    say("MOS demo: three devnet chains in this process, the MOS suite deployed over JSON-RPC.".into());
    say("Deploying the MOS, fee service, light nodes and manager, and the Echo dApp (about 20 s)...".into());
    let started = Instant::now();
    // The relay is sealed as MAP's, so chains A and B accept its blocks by their validators' seals.
    let validators = devnet::ibft::IbftConfig::dev(DEMO_VALIDATORS, DEMO_EPOCH_SIZE);
    let network = LocalNetwork::launch_with(programs, Dapp::Stylus, Some(validators)).await?;
    let deployment = &network.deployment;
    let name = |chain_id: u64| deployment.chain(chain_id).map_or_else(|| chain_id.to_string(), |c| c.name.clone());
    for (chain, local) in deployment.chains.iter().zip(&network.chains) {
        let light_client = match (chain.role, chain.light_node_kind) {
            (Role::Relay, _) => "light-client manager",
            (Role::Chain, LightNodeKind::Committee) => "light node (committee)",
            (Role::Chain, LightNodeKind::Map) => "MAP light node (relay validators' seals)",
        };
        say(format!("  {:<8} chain id {:<7} {}", chain.name, chain.chain_id, local.url));
        say(format!("           MOS {}  {light_client} {}", chain.mos, chain.light_client));
        say(format!("           Echo {}", network.echoes[&chain.chain_id]));
    }
    say(format!("Deployed in {:.1} s.", started.elapsed().as_secs_f64()));

    say(format!("Sending from the Echo dApps (dev account {}):", local::dev_key(local::USER)?.address()));
    // The relay's Echo no longer takes messages from B's: the last message fails there.
    let revoke = IEcho::addCorrespondenceCall {
        fromChain: U256::from(CHAIN_B),
        fromAddress: Bytes::copy_from_slice(network.echoes[&CHAIN_B].as_slice()),
        tag: false,
    };
    network
        .sender(RELAY, local::USER)
        .await?
        .call(network.echoes[&RELAY], &revoke)
        .await
        .map_err(|source| CliError::Chain { what: "the relay's Echo: addCorrespondence".into(), source })?;
    let messages = [
        (CHAIN_A, CHAIN_B, EchoKind::Calldata, "greeting", "hello from chain-a", false),
        (CHAIN_B, CHAIN_A, EchoKind::Message, "reply", "hello from chain-b", false),
        (CHAIN_A, RELAY, EchoKind::Message, "note", "hello relay", false),
        (CHAIN_B, RELAY, EchoKind::Message, "refused", "the relay's Echo refuses this", true),
    ];
    let mut journeys = Vec::new();
    for (number, (from, to, kind, key, value, refused)) in messages.into_iter().enumerate() {
        let sent = network.send(from, to, kind, key, value).await?;
        let route = format!("{} → {}", name(from), name(to));
        say(format!("  {}. {route:<18} {:<8}  {key} = \"{value}\"", number + 1, kind_name(kind)));
        say(format!("     order {}  transferOut tx {}", sent.order_id, sent.transaction));
        let hops = vec![(name(from), "transferOut".to_owned(), sent.transaction)];
        journeys.push(Journey { sent, hops, stored: String::new(), refused, status: MessageStatus::Unknown });
    }

    let store = std::env::temp_dir().join(format!("mos-demo-{}.db", std::process::id()));
    mos_messenger::store::remove_sqlite(&store);
    say(format!(
        "Messenger running (delivers from {}, attests with {} of the committee's {} keys)...",
        local::dev_key(local::MESSENGER)?.address(),
        local::THRESHOLD,
        local::COMMITTEE.len()
    ));
    let mut messenger = network.messenger(&store.display().to_string(), local::messenger_config()).await?;
    let mut events = messenger.subscribe();
    let delivering = Instant::now();
    messenger
        .run_until(timeout, async || {
            while let Ok(event) = events.try_recv() {
                if let Some(line) = follow(&event, &mut journeys, deployment) {
                    say(format!("  {line}"));
                }
            }
            for journey in &mut journeys {
                journey.stored = network.echo_list(journey.sent.to_chain, &journey.sent.key).await?;
                journey.status = network.message_status(journey.sent.to_chain, journey.sent.order_id).await?;
            }
            Ok::<_, CliError>(journeys.iter().all(Journey::arrived))
        })
        .await?;
    let elapsed = delivering.elapsed();

    let arrived = journeys.iter().filter(|journey| journey.arrived()).count();
    if json {
        println!("{:#}", report(deployment, &journeys, elapsed));
    } else {
        println!("Journeys:");
        for journey in &journeys {
            println!("  order {}", journey.sent.order_id);
            for (chain, what, transaction) in &journey.hops {
                println!("    {chain:<8} {what:<40} tx {transaction}");
            }
            let mark = match (journey.arrived(), journey.refused) {
                (true, false) => "arrived",
                (true, true) => "failed, as meant: the Echo refuses it",
                (false, _) => "NOT ARRIVED",
            };
            println!(
                "    {:<8} Echo.echoList(\"{}\") = \"{}\"  {mark}",
                name(journey.sent.to_chain),
                journey.sent.key,
                journey.stored
            );
        }
        println!("{arrived} of {} messages arrived in {:.1} s.", journeys.len(), elapsed.as_secs_f64());
    }
    if arrived == journeys.len() && !args.exit {
        serve(&messenger, args.explorer, &journeys, json).await?;
    }
    drop(messenger);
    mos_messenger::store::remove_sqlite(&store);
    network.stop();
    if arrived < journeys.len() {
        return Err(CliError::Demo(format!(
            "{} of {} messages did not arrive within {} s",
            journeys.len() - arrived,
            journeys.len(),
            timeout.as_secs()
        )));
    }
    Ok(())
}

/// Serves the explorer of the demo's chains at `address` (or a free port when it is taken), with
/// the chains and the messenger running on, until Ctrl-C.
async fn serve(
    messenger: &mos_messenger::Messenger,
    address: std::net::SocketAddr,
    journeys: &[Journey],
    json: bool,
) -> Result<(), CliError> {
    let served = || Served { metrics: None, explorer: Some(std::sync::Arc::new(messenger.explorer(1000))) };
    let server = match HttpServer::start(address, served()).await {
        Ok(server) => server,
        Err(error) if error.kind() == std::io::ErrorKind::AddrInUse => {
            HttpServer::start(std::net::SocketAddr::new(address.ip(), 0), served())
                .await
                .map_err(|error| CliError::Io(format!("cannot serve the explorer: {error}")))?
        }
        Err(error) => return Err(CliError::Io(format!("cannot serve the explorer on {address}: {error}"))),
    };
    let url = format!("http://{}/", server.address());
    if json {
        eprintln!("explorer at {url} (Ctrl-C stops the demo)");
    } else {
        println!();
        println!("Explorer: {url}  (Ctrl-C stops the demo)");
        for journey in journeys {
            println!("  {url}messages/{}", journey.sent.order_id);
        }
        println!("The chains and the messenger run on: send more with `mos send --rpc URL --mos ADDRESS ...`");
        println!("(the chains' URLs and MOS addresses are above), or follow one with `mos status --explorer {url} --order ID`.");
    }
    messenger
        .run(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    server.stop();
    Ok(())
}

/// Records what `event` says of the demo's messages; the line to print, if any.
fn follow(event: &Event, journeys: &mut [Journey], deployment: &Deployment) -> Option<String> {
    let name = |chain_id: u64| deployment.chain(chain_id).map_or_else(|| chain_id.to_string(), |c| c.name.clone());
    match event {
        Event::Attested { route, block, transaction, .. } => Some(format!(
            "[{route}] attested block {block} of {} on {}: tx {transaction}",
            route.from_name, route.to_name
        )),
        Event::EpochUpdated { route, epoch, block, transaction, .. } => Some(format!(
            "[{route}] {}'s MAP light node moved to epoch {epoch} of {} by the validators' seal of block {block}: tx {transaction}",
            route.to_name, route.from_name
        )),
        Event::Delivered { route, transaction: Some(transaction), outcomes, .. } => {
            let mut described = Vec::new();
            for outcome in outcomes {
                let what = match outcome {
                    Outcome::Forwarded { to_chain, .. } => format!("transferIn: forwarded to {}", name(*to_chain)),
                    Outcome::Executed { result: true, .. } => "transferIn: executed".to_owned(),
                    Outcome::Executed { result: false, reason, .. } => {
                        format!("transferIn: the target failed ({})", revert_reason(reason))
                    }
                    Outcome::AlreadyDelivered { .. } => "already delivered".to_owned(),
                };
                if let Some(journey) = journeys.iter_mut().find(|journey| journey.sent.order_id == outcome.order_id()) {
                    journey.hops.push((route.to_name.clone(), what.clone(), *transaction));
                }
                described.push(format!("order {}: {what}", short(outcome.order_id())));
            }
            Some(format!("[{route}] delivered in tx {transaction}: {}", described.join("; ")))
        }
        Event::Retrying { route, error, attempts, .. } => Some(format!("[{route}] attempt {attempts} failed: {error}")),
        Event::Refused { route, reason, .. } => Some(format!("[{route}] refused: {reason}")),
        Event::Replaced { route, replaced, transaction, .. } => {
            Some(format!("[{route}] tx {replaced} was stuck; replaced with higher fees by {transaction}"))
        }
        Event::Found { .. } | Event::Delivered { transaction: None, .. } => None,
    }
}

/// The first bytes of a hash, for lines that name several.
fn short(hash: B256) -> String {
    format!("{}…", &hash.to_string()[..10])
}

fn kind_name(kind: EchoKind) -> &'static str {
    match kind {
        EchoKind::Calldata => "CALLDATA",
        EchoKind::Message => "MESSAGE",
        EchoKind::RelayedMessage => "MESSAGE (relayed)",
    }
}

/// The demo as JSON.
fn report(deployment: &Deployment, journeys: &[Journey], elapsed: Duration) -> Value {
    let name = |chain_id: u64| deployment.chain(chain_id).map_or_else(|| chain_id.to_string(), |c| c.name.clone());
    let messages: Vec<Value> = journeys
        .iter()
        .map(|journey| {
            let hops: Vec<Value> = journey
                .hops
                .iter()
                .map(|(chain, what, transaction)| {
                    json!({ "chain": chain, "what": what, "transaction": transaction.to_string() })
                })
                .collect();
            json!({
                "orderId": journey.sent.order_id.to_string(),
                "from": name(journey.sent.from_chain),
                "to": name(journey.sent.to_chain),
                "type": kind_name(journey.sent.kind),
                "key": journey.sent.key,
                "value": journey.sent.value,
                "hops": hops,
                "stored": journey.stored,
                "messageStatus": mos_messenger::explorer::status_name(journey.status),
                "arrived": journey.arrived(),
            })
        })
        .collect();
    let chains: BTreeMap<String, Value> = deployment
        .chains
        .iter()
        .map(|chain| {
            (
                chain.name.clone(),
                json!({ "chainId": chain.chain_id, "rpcUrl": chain.rpc_url, "mos": chain.mos.to_string() }),
            )
        })
        .collect();
    json!({
        "chains": chains,
        "messages": messages,
        "elapsedMs": u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
        "allArrived": journeys.iter().all(Journey::arrived),
    })
}
