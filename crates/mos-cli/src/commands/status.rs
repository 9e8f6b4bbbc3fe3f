//! `mos status`: a message's journey, by its orderId: the same journey the explorer's page shows
//! (`mos_messenger::explorer`), as a compact table, or its JSON (`/api/messages/{orderId}`) with
//! `--json`. Every step with its chain, block, time and transaction; the hops' latency; why a
//! message under way waits; the reason a failed one failed and how to retry it.
//!
//! The chains are those of a deployment file (or the one MOS given with `--rpc` and `--mos`),
//! read from `--from-block`, by default the last `--blocks` blocks (not before the MOS was
//! deployed); with `--store`, the messenger's store says what it has done with the message. With
//! `--explorer URL`, an explorer already running (`mos explorer`, `mos messenger --http`) answers
//! instead. An order nobody knows is status `unknown` and exit code 0: that is an answer. A chain
//! that cannot be read is reported with its error and makes the exit code 1.

use std::{fmt::Write, path::PathBuf, sync::Arc};

use alloy_primitives::{Address, B256};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::{client::legacy::Client, rt::TokioExecutor};
use mos_messenger::{
    explorer::{index::Start, journey::Journey, page::utc, Explorer, ExplorerChain, Settings},
    ChainEntry, Committee, Deployment, Role,
};
use mos_rpc::Chain;

use crate::{rpc, CliError, Report};

/// How many blocks back from each chain's head the events are looked for, by default.
pub const DEFAULT_BLOCKS: u64 = 10_000;

/// Arguments of `mos status`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The message's orderId (32 bytes, hex): what `mos send` prints, `transferOut` returns and
    /// `mapMessageOut` carries.
    #[arg(long, value_name = "ORDER_ID")]
    pub order: String,
    /// The chains to read.
    #[command(flatten)]
    pub chains: ChainsArgs,
    /// Ask a running explorer (`mos explorer`, `mos messenger --http`) at this URL instead of the
    /// chains, for example http://127.0.0.1:8080.
    #[arg(long, value_name = "URL", conflicts_with_all = ["deployment", "rpc", "store", "from_block"])]
    pub explorer: Option<String>,
}

/// The chains a journey is read from: a deployment's, or one MOS's; and how.
#[derive(Debug, clap::Args)]
pub struct ChainsArgs {
    /// The deployment file `mos deploy` wrote: every chain of it is read.
    #[arg(long, value_name = "FILE")]
    pub deployment: Option<PathBuf>,
    /// JSON-RPC endpoint (http://) of one MOS's chain (with --mos), instead of --deployment.
    #[arg(long, value_name = "URL", requires = "mos", conflicts_with = "deployment")]
    pub rpc: Option<String>,
    /// The MOS to read (with --rpc).
    #[arg(long, value_name = "ADDRESS", requires = "rpc", value_parser = crate::input::address)]
    pub mos: Option<Address>,
    /// The messenger's store (a SQLite file or postgres://…): what it has done with the message.
    #[arg(long, value_name = "URL")]
    pub store: Option<String>,
    /// The first block to read events from, on every chain [default: the last --blocks blocks,
    /// and not before the MOS's deployment block].
    #[arg(long, value_name = "NUMBER")]
    pub from_block: Option<u64>,
    /// How many blocks back from each chain's head to read events from, without --from-block.
    #[arg(long, value_name = "COUNT", default_value_t = DEFAULT_BLOCKS)]
    pub blocks: u64,
    /// The most blocks one eth_getLogs asks for.
    #[arg(long, value_name = "COUNT", default_value_t = 1000)]
    pub max_block_range: u64,
    /// Blocks a source block needs on top of it before the messenger carries its messages (as
    /// the messenger was started with): what "waits for confirmations" is measured against.
    #[arg(long, value_name = "COUNT", default_value_t = 0)]
    pub confirmations: u64,
}

/// Follows the order across the chains (or asks the explorer) and prints its journey.
///
/// # Errors
/// [`CliError::OrderId`] when `--order` is not 32 bytes of hex; [`CliError::Deployment`] for an
/// unusable deployment file; [`CliError::Endpoint`] for a URL that is not `http://`, or a
/// `--rpc` node that does not answer; [`CliError::Io`] or [`CliError::Messenger`] for a store that
/// does not exist or cannot be opened;
/// [`CliError::Explorer`] when the explorer cannot be asked. A chain that cannot be read is not
/// an error of the command: it is reported in its entry and as a problem (exit code 1).
pub fn run(args: &Args) -> Result<Report, CliError> {
    let order_id = parse_order_id(&args.order)?;
    let journey = rpc::block_on(async {
        match &args.explorer {
            Some(url) => ask_explorer(url, order_id).await,
            None => Ok(explorer(&args.chains).await?.journey(order_id).await),
        }
    })?;
    let json = serde_json::to_value(&journey).map_err(|error| CliError::Io(error.to_string()))?;
    let mut report = Report::new(json);
    report.text = table(&journey);
    report.problems = journey.chains.iter().filter_map(|chain| chain.read.error.clone()).collect();
    Ok(report)
}

/// `text` as an orderId.
///
/// # Errors
/// [`CliError::OrderId`] saying what is wrong with it.
pub fn parse_order_id(text: &str) -> Result<B256, CliError> {
    crate::input::hash32(text).map_err(CliError::OrderId)
}

/// The explorer of the chains the arguments name.
///
/// # Errors
/// [`CliError::MissingArguments`] when they name none; [`CliError::Deployment`] for an unusable deployment
/// file; [`CliError::Endpoint`] for a URL that is not `http://` or a `--rpc` node that does not
/// answer; [`CliError::Io`] or [`CliError::Messenger`] for a store that does not exist or cannot
/// be opened.
pub async fn explorer(args: &ChainsArgs) -> Result<Explorer, CliError> {
    let settings = Settings {
        start: args.from_block.map_or(Start::Recent(args.blocks), Start::Block),
        max_block_range: args.max_block_range.max(1),
        confirmations: args.confirmations,
        ..Settings::default()
    };
    let store = match &args.store {
        Some(url) => Some(crate::commands::messenger::open_existing(url).await?),
        None => None,
    };
    if let Some((url, mos)) = args.rpc.as_deref().zip(args.mos) {
        let chain = alone(url, mos).await?;
        let relay = chain.entry.chain_id;
        return Ok(Explorer::new(vec![chain], relay, store, settings));
    }
    // clap requires one of --deployment, --rpc or --explorer.
    let path = args
        .deployment
        .as_deref()
        .ok_or(CliError::MissingArguments("give --deployment FILE, or --rpc URL and --mos ADDRESS"))?;
    Ok(Explorer::connect(&Deployment::load(path)?, store, settings)?)
}

/// The one MOS `--rpc` and `--mos` name, as a chain of its own (named `chain-<id>`).
async fn alone(url: &str, mos: Address) -> Result<ExplorerChain, CliError> {
    let node = rpc::node("--rpc", url)?;
    let chain_id = node
        .chain_id()
        .await
        .map_err(|error| CliError::Endpoint { flag: "--rpc", message: format!("{url}: {error}") })?;
    let entry = ChainEntry {
        name: format!("chain-{chain_id}"),
        role: Role::Relay,
        chain_id,
        rpc_url: url.to_owned(),
        mos,
        implementation: Address::ZERO,
        light_client: Address::ZERO,
        light_node_kind: mos_messenger::LightNodeKind::Committee,
        fee_service: Address::ZERO,
        relay_light_node: None,
        deployed_block: 0,
        committee: Committee { members: Vec::new(), threshold: 0 },
    };
    Ok(ExplorerChain { entry, chain: Arc::new(node) })
}

/// `GET {url}/api/messages/{order_id}` of a running explorer.
async fn ask_explorer(url: &str, order_id: B256) -> Result<Journey, CliError> {
    let failed = |message: String| CliError::Explorer { url: url.to_owned(), message };
    let base = url.trim_end_matches('/');
    if !base.starts_with("http://") {
        return Err(failed("only http:// explorers are supported".into()));
    }
    let uri: hyper::Uri =
        format!("{base}/api/messages/{order_id}").parse().map_err(|error| failed(format!("{error}")))?;
    let client = Client::builder(TokioExecutor::new()).build_http::<Empty<Bytes>>();
    let response = client.get(uri).await.map_err(|error| failed(crate::describe(&error)))?;
    let status = response.status();
    let body = response.into_body().collect().await.map_err(|error| failed(error.to_string()))?.to_bytes();
    // An order the explorer does not know is answered 404 with its (unknown) journey.
    serde_json::from_slice(&body).map_err(|error| {
        let text = String::from_utf8_lossy(&body);
        failed(format!("answered {status}, not a journey ({error}): {}", text.chars().take(200).collect::<String>()))
    })
}

/// The journey for a terminal: the message, then a table of its steps, its hops, and what it
/// waits for.
fn table(journey: &Journey) -> String {
    let mut out = String::new();
    let chain = |chain: &Option<mos_messenger::explorer::journey::ChainRef>| {
        chain.as_ref().map_or_else(|| "?".to_owned(), |chain| format!("{} ({})", chain.name, chain.chain_id))
    };
    let _ = writeln!(out, "orderId: {}", journey.order_id);
    let _ = writeln!(out, "status: {}", journey.status.name());
    let _ = writeln!(out, "summary: {}", journey.summary);
    if let Some(reason) = &journey.reason {
        let _ = writeln!(out, "reason: {reason}");
    }
    if journey.from_chain.is_some() {
        let _ = writeln!(out, "route: {} -> {}", chain(&journey.from_chain), chain(&journey.to_chain));
    }
    if let Some(sender) = &journey.sender {
        let _ = writeln!(out, "sender: {sender}");
    }
    if let Some(message) = &journey.message {
        let _ = writeln!(
            out,
            "message: {} to {}, gasLimit {}, relay {}, payload {}",
            message.msg_type, message.target, message.gas_limit, message.relay, message.payload
        );
    }
    if let Some(error) = &journey.message_error {
        let _ = writeln!(out, "message: not a MessageData: {error}");
    }
    if let Some(waiting) = &journey.waiting {
        let _ = writeln!(out, "waiting ({} -> {}): {}", waiting.from.name, waiting.to.name, waiting.text);
    }
    if !journey.steps.is_empty() {
        let rows: Vec<[String; 5]> = journey
            .steps
            .iter()
            .map(|step| {
                let mut what = step.label().to_owned();
                if let Some(reason) = &step.reason {
                    let _ = write!(what, ": {reason}");
                }
                [
                    what,
                    step.chain.name.clone(),
                    step.block.to_string(),
                    step.time.map_or_else(|| "-".into(), utc),
                    step.transaction.to_string(),
                ]
            })
            .collect();
        let headers = ["STEP", "CHAIN", "BLOCK", "TIME", "TRANSACTION"];
        let widths: Vec<usize> = (0..4)
            .map(|column| rows.iter().map(|row| row[column].len()).chain([headers[column].len()]).max().unwrap_or(0))
            .collect();
        let _ = writeln!(out, "steps:");
        for row in std::iter::once(headers.map(str::to_owned)).chain(rows) {
            let _ = writeln!(
                out,
                "  {:<w0$}  {:<w1$}  {:>w2$}  {:<w3$}  {}",
                row[0],
                row[1],
                row[2],
                row[3],
                row[4],
                w0 = widths[0],
                w1 = widths[1],
                w2 = widths[2],
                w3 = widths[3]
            );
        }
        if let Some(fee) = journey.steps.iter().find_map(|step| step.fee.as_ref()) {
            let _ =
                writeln!(out, "fee: {} wei paid to the MOS, {} wei of gas, by {}", fee.value, fee.gas_cost, fee.from);
        }
    }
    for hop in &journey.hops {
        let latency = hop.latency_seconds.map_or_else(|| "not arrived".to_owned(), |seconds| format!("{seconds} s"));
        let _ = writeln!(out, "hop {} -> {}: {latency}", hop.from.name, hop.to.name);
    }
    let _ = writeln!(out, "chains:");
    for seen in &journey.chains {
        let read = match (seen.read.from_block, seen.read.to_block) {
            (Some(from), Some(to)) => format!("blocks {from}..={to} read"),
            _ => "not read".to_owned(),
        };
        let status = seen.message_status.as_deref().unwrap_or("?");
        let _ = writeln!(out, "  {}: messageStatus {status}, {read}", seen.read.chain.name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_order_id_is_32_bytes_of_hex() {
        assert_eq!(parse_order_id(&format!("0x{}", "ab".repeat(32))).unwrap(), B256::repeat_byte(0xab));
        assert_eq!(
            parse_order_id("0x1234").unwrap_err().to_string(),
            "--order: 0x1234 has 4 hex digits; a 32-byte hash has 64 (with or without 0x)"
        );
    }
}
