//! `mos demo`: three devnet chains in this process (A, the relay, B), the MOS suite deployed on them
//! over JSON-RPC, the Echo dApp on each, messages A → B, B → A and A → relay, and the messenger
//! carrying them; each message's journey, and what its target stores at the end.

use std::{
    collections::BTreeMap,
    path::PathBuf,
    time::{Duration, Instant},
};

use alloy_primitives::B256;
use mos_messenger::{
    deploy::Programs,
    local::{self, Dapp, EchoKind, LocalNetwork, Sent, CHAIN_A, CHAIN_B, RELAY},
    Deployment, Event, Outcome, Role,
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
}

/// A message of the demo and where it has been.
struct Journey {
    sent: Sent,
    /// `(chain, what happened, transaction)`, in order.
    hops: Vec<(String, String, B256)>,
    /// What the target's Echo holds for the key at the end.
    stored: String,
}

impl Journey {
    fn arrived(&self) -> bool {
        self.stored == self.sent.value
    }
}

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
    runtime.block_on(demo(&programs, Duration::from_secs(args.timeout), json))
}

async fn demo(programs: &Programs, timeout: Duration, json: bool) -> Result<(), CliError> {
    let say = |line: String| {
        if !json {
            println!("{line}");
        }
    };
    say("MOS demo: three devnet chains in this process, the MOS suite deployed over JSON-RPC.".into());
    say("Deploying the MOS, fee service, light nodes and manager, and the Echo dApp (about 20 s)...".into());
    let started = Instant::now();
    let network = LocalNetwork::launch(programs, Dapp::Stylus).await?;
    let deployment = &network.deployment;
    let name = |chain_id: u64| deployment.chain(chain_id).map_or_else(|| chain_id.to_string(), |c| c.name.clone());
    for (chain, local) in deployment.chains.iter().zip(&network.chains) {
        let light_client = match chain.role {
            Role::Relay => "light-client manager",
            Role::Chain => "light node",
        };
        say(format!("  {:<8} chain id {:<7} {}", chain.name, chain.chain_id, local.url));
        say(format!("           MOS {}  {light_client} {}", chain.mos, chain.light_client));
        say(format!("           Echo {}", network.echoes[&chain.chain_id]));
    }
    say(format!("Deployed in {:.1} s.", started.elapsed().as_secs_f64()));

    say(format!("Sending from the Echo dApps (dev account {}):", local::dev_key(local::USER)?.address()));
    let messages = [
        (CHAIN_A, CHAIN_B, EchoKind::Calldata, "greeting", "hello from chain-a"),
        (CHAIN_B, CHAIN_A, EchoKind::Message, "reply", "hello from chain-b"),
        (CHAIN_A, RELAY, EchoKind::Message, "note", "hello relay"),
    ];
    let mut journeys = Vec::new();
    for (number, (from, to, kind, key, value)) in messages.into_iter().enumerate() {
        let sent = network.send(from, to, kind, key, value).await?;
        let route = format!("{} → {}", name(from), name(to));
        say(format!("  {}. {route:<18} {:<8}  {key} = \"{value}\"", number + 1, kind_name(kind)));
        say(format!("     order {}  transferOut tx {}", sent.order_id, sent.transaction));
        let hops = vec![(name(from), "transferOut".to_owned(), sent.transaction)];
        journeys.push(Journey { sent, hops, stored: String::new() });
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
            }
            Ok::<_, CliError>(journeys.iter().all(Journey::arrived))
        })
        .await?;
    let elapsed = delivering.elapsed();
    drop(messenger);
    mos_messenger::store::remove_sqlite(&store);

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
            let mark = if journey.arrived() { "arrived" } else { "NOT ARRIVED" };
            println!(
                "    {:<8} Echo.echoList(\"{}\") = \"{}\"  {mark}",
                name(journey.sent.to_chain),
                journey.sent.key,
                journey.stored
            );
        }
        println!("{arrived} of {} messages arrived in {:.1} s.", journeys.len(), elapsed.as_secs_f64());
    }
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

/// Records what `event` says of the demo's messages; the line to print, if any.
fn follow(event: &Event, journeys: &mut [Journey], deployment: &Deployment) -> Option<String> {
    let name = |chain_id: u64| deployment.chain(chain_id).map_or_else(|| chain_id.to_string(), |c| c.name.clone());
    match event {
        Event::Attested { route, block, transaction, .. } => Some(format!(
            "[{route}] attested block {block} of {} on {}: tx {transaction}",
            route.from_name, route.to_name
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
