//! `mos status`: where a message is, by its orderId. On each chain of a deployment (or the one MOS
//! given), the MOS's `messageStatus(orderId)` and the events that name the order — `mapMessageOut`
//! where it was sent or forwarded, `mapMessageIn` where it was executed, with the result and the
//! reason — summed up as unknown, sent, relayed (on the relay chain, forwarded toward its
//! destination), delivered, failed (with the reason) or retried.
//!
//! The orderId is not an indexed topic, so the events are found by reading every `mapMessageOut`
//! and `mapMessageIn` of each MOS (with the messenger's scan, `mos_messenger::scan`) in a bounded
//! window of blocks (`--from-block`, by default the last
//! `--blocks` blocks, not before the MOS was deployed), `--max-block-range` blocks per request.
//! `messageStatus` does not depend on the window. An order nobody knows is status `unknown` and
//! exit code 0: that is an answer. A chain that cannot be read is reported with its error and
//! makes the exit code 1.

use std::path::PathBuf;

use alloy_primitives::{Address, Bytes, B256, U256};
use mos_message::interfaces::{IMOSExtensions::messageStatusCall, IMOSExtensions::MessageStatus};
use mos_messenger::scan::{self, MosEvent};
use mos_rpc::{revert_reason, Chain, ChainExt};
use serde_json::{json, Map, Value};

use crate::{
    chains::{MosArgs, MosChain, MosSpec},
    report::uint,
    rpc, CliError, Report,
};

/// How many blocks back from each chain's head the events are looked for, by default.
pub const DEFAULT_BLOCKS: u64 = 10_000;

/// Arguments of `mos status`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The message's orderId (32 bytes, hex): what `mos send` prints, `transferOut` returns and
    /// `mapMessageOut` carries.
    #[arg(long, value_name = "ORDER_ID")]
    pub order: String,
    /// One MOS to ask, instead of every chain of a deployment.
    #[command(flatten)]
    pub chain: MosArgs,
    /// The deployment file `mos deploy` wrote: every chain of it is asked.
    #[arg(long, value_name = "FILE")]
    pub deployment: Option<PathBuf>,
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
}

/// Asks every chain about the order and sums up where it is.
///
/// # Errors
/// [`CliError::OrderId`] when `--order` is not 32 bytes of hex; [`CliError::Deployment`] for an
/// unusable deployment file; [`CliError::Endpoint`] for a URL that is not `http://`. A
/// chain that cannot be reached or read is not an error of the command: it is reported in its
/// entry and as a problem (exit code 1), and the other chains are still asked.
pub fn run(args: &Args) -> Result<Report, CliError> {
    let order_id = parse_order_id(&args.order)?;
    let specs = match (args.chain.spec()?, &args.deployment) {
        (Some(spec), _) => vec![spec],
        (None, Some(deployment)) => MosSpec::all(deployment)?,
        // clap enforces one of the two forms.
        _ => return Err(CliError::Usage("give --rpc and --mos, or --deployment")),
    };
    let window = Window { from_block: args.from_block, blocks: args.blocks, max_range: args.max_block_range.max(1) };
    let observations = rpc::block_on(async {
        let mut observations = Vec::new();
        for spec in &specs {
            observations.push(observe(spec, order_id, &window).await);
        }
        Ok(observations)
    })?;
    let state = OrderState::of(&observations);
    let mut report = Report::new(report_json(order_id, &state, &observations));
    // Each error names its chain.
    report.problems = observations.iter().filter_map(|seen| seen.error.clone()).collect();
    Ok(report)
}

/// `text` as an orderId.
fn parse_order_id(text: &str) -> Result<B256, CliError> {
    crate::input::hash32(text).map_err(CliError::OrderId)
}

/// Which blocks are read for events.
struct Window {
    from_block: Option<u64>,
    blocks: u64,
    max_range: u64,
}

impl Window {
    /// The first block to read on a chain whose head is `head` and whose MOS was deployed in
    /// `deployed_block`.
    fn first(&self, head: u64, deployed_block: u64) -> u64 {
        self.from_block.unwrap_or_else(|| head.saturating_sub(self.blocks.saturating_sub(1)).max(deployed_block))
    }
}

/// An event of a MOS that names the order.
#[derive(Debug, Clone, PartialEq, Eq)]
struct OrderEvent {
    event: Event,
    block: u64,
    transaction: B256,
    log_index: Option<u64>,
}

/// What the event says.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Event {
    /// `mapMessageOut`: sent from this chain, or forwarded by it.
    Out { from_chain: U256, to_chain: U256 },
    /// `mapMessageIn`: executed here.
    In { from_chain: U256, to_chain: U256, result: bool, reason: Bytes },
}

/// What one chain says of the order.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Observation {
    name: String,
    chain_id: Option<u64>,
    mos: Address,
    /// `messageStatus(orderId)`; none when it could not be read.
    status: Option<MessageStatus>,
    /// The blocks read for events, when they were.
    searched: Option<(u64, u64)>,
    /// The events naming the order, oldest first.
    events: Vec<OrderEvent>,
    /// Why the chain could not be (fully) read, naming it.
    error: Option<String>,
}

impl Observation {
    fn forwarded(&self, destination: Option<U256>) -> bool {
        let here = self.chain_id.map(U256::from);
        destination.is_some_and(|to| Some(to) != here)
            || self
                .events
                .iter()
                .any(|seen| matches!(seen.event, Event::Out { from_chain, .. } if Some(from_chain) != here))
    }

    /// The last `mapMessageIn` seen here.
    fn executed(&self) -> Option<&OrderEvent> {
        self.events.iter().rev().find(|seen| matches!(seen.event, Event::In { .. }))
    }

    /// The first `mapMessageOut` seen here.
    fn sent(&self) -> Option<&OrderEvent> {
        self.events.iter().find(|seen| matches!(seen.event, Event::Out { .. }))
    }
}

/// Asks `spec`'s MOS about the order; a failure is recorded in the observation.
async fn observe(spec: &MosSpec, order_id: B256, window: &Window) -> Observation {
    let mut observation = Observation {
        name: spec.label().to_owned(),
        chain_id: spec.chain_id,
        mos: spec.mos,
        status: None,
        searched: None,
        events: Vec::new(),
        error: None,
    };
    let chain = match spec.connect().await {
        Ok(chain) => chain,
        Err(error) => {
            observation.error = Some(error.to_string());
            return observation;
        }
    };
    observation.name.clone_from(&chain.name);
    observation.chain_id = Some(chain.chain_id);
    match chain.node.view(chain.mos, &messageStatusCall { orderId: order_id }).await {
        Ok(status) => observation.status = Some(status),
        Err(error) => observation.error = Some(format!("{}: messageStatus: {error}", chain.name)),
    }
    if let Err(error) = read_events(&chain, order_id, window, &mut observation).await {
        let error = format!("{}: {error}", chain.name);
        observation.error = Some(observation.error.map_or_else(|| error.clone(), |first| format!("{first}; {error}")));
    }
    observation
}

/// Reads the MOS's `mapMessageOut` and `mapMessageIn` in the window (the messenger's scan,
/// [`scan::mos_events`]), and keeps those of the order.
async fn read_events(chain: &MosChain, order_id: B256, window: &Window, into: &mut Observation) -> Result<(), String> {
    let head = chain.node.block_number().await.map_err(|error| error.to_string())?;
    let first = window.first(head, chain.deployed_block);
    into.searched = Some((first, head));
    let found = scan::mos_events(&chain.node, chain.mos, scan::Events::OutAndIn, first, head, window.max_range)
        .await
        .map_err(|error| error.to_string())?;
    for found in found.into_iter().filter(|found| found.event.order_id() == order_id) {
        let event = match found.event {
            MosEvent::Out(out) => Event::Out { from_chain: out.from_chain, to_chain: out.to_chain },
            MosEvent::In(event) => Event::In {
                from_chain: event.fromChain,
                to_chain: event.toChain,
                result: event.result,
                reason: event.reason,
            },
        };
        into.events.push(OrderEvent {
            event,
            block: found.block,
            transaction: found.transaction,
            log_index: found.log_index,
        });
    }
    Ok(())
}

/// Where the order is, all chains considered.
#[derive(Debug, Clone, PartialEq, Eq)]
enum OrderState<'a> {
    /// No chain knows it, and no event names it in the blocks read.
    Unknown,
    /// Its source emitted `mapMessageOut`; no chain asked has taken it yet.
    Sent { on: &'a Observation },
    /// The relay chain took it and forwards it: on its way to the destination.
    Relayed { on: &'a Observation },
    /// Executed at its destination.
    Delivered { on: &'a Observation },
    /// Its destination took it and its target failed (it can be retried with `retryMessageIn`).
    Failed { on: &'a Observation },
    /// It failed, then `retryMessageIn` ran it.
    Retried { on: &'a Observation },
}

impl<'a> OrderState<'a> {
    /// Sums up the observations. The destination is the `toChain` of any `mapMessageOut` seen; a
    /// chain that took the order (`messageStatus` delivered) and is not its destination, or
    /// forwarded it, is the relay; failed and retried are final wherever they are.
    fn of(observations: &'a [Observation]) -> Self {
        let destination = observations.iter().flat_map(|seen| &seen.events).find_map(|seen| match seen.event {
            Event::Out { to_chain, .. } => Some(to_chain),
            Event::In { .. } => None,
        });
        let mut relayed = None;
        let mut arrived = None;
        for seen in observations {
            match seen.status {
                Some(MessageStatus::Delivered) if seen.forwarded(destination) => relayed = Some(seen),
                Some(status @ (MessageStatus::Delivered | MessageStatus::Failed | MessageStatus::Retried)) => {
                    arrived = Some((seen, status));
                }
                _ => {}
            }
        }
        match (arrived, relayed) {
            (Some((on, MessageStatus::Failed)), _) => Self::Failed { on },
            (Some((on, MessageStatus::Retried)), _) => Self::Retried { on },
            (Some((on, _)), _) => Self::Delivered { on },
            (None, Some(on)) => Self::Relayed { on },
            (None, None) => {
                observations.iter().find(|seen| seen.sent().is_some()).map_or(Self::Unknown, |on| Self::Sent { on })
            }
        }
    }

    /// The status's name in the report.
    fn name(&self) -> &'static str {
        match self {
            Self::Unknown => "unknown",
            Self::Sent { .. } => "sent",
            Self::Relayed { .. } => "relayed",
            Self::Delivered { .. } => "delivered",
            Self::Failed { .. } => "failed",
            Self::Retried { .. } => "retried",
        }
    }

    /// One line for a person.
    fn summary(&self, chain_name: impl Fn(U256) -> String) -> String {
        let at = |seen: Option<&OrderEvent>| {
            seen.map_or_else(
                || " (its event is outside the blocks read)".to_owned(),
                |seen| format!(" in block {} (tx {})", seen.block, seen.transaction),
            )
        };
        let toward = |on: &Observation| match on.sent().map(|seen| &seen.event) {
            Some(Event::Out { to_chain, .. }) => format!(" toward {}", chain_name(*to_chain)),
            _ => String::new(),
        };
        match self {
            Self::Unknown => "unknown: no chain has the order, and no event names it in the blocks read".to_owned(),
            Self::Sent { on } => {
                format!("sent from {}{}{}; no chain asked has it yet", on.name, toward(on), at(on.sent()))
            }
            Self::Relayed { on } => format!(
                "on the relay: {} took it and forwarded it{}{}; not delivered yet",
                on.name,
                toward(on),
                at(on.sent())
            ),
            Self::Delivered { on } => format!("delivered on {}{}", on.name, at(on.executed())),
            Self::Failed { on } => format!(
                "failed on {}{}: {} (it can be run again with retryMessageIn)",
                on.name,
                at(on.executed()),
                self.reason()
                    .unwrap_or_else(|| "the reason is in its mapMessageIn, outside the blocks read".to_owned())
            ),
            Self::Retried { on } => format!("retried on {}: it failed, then retryMessageIn ran it", on.name),
        }
    }

    /// Why it failed, when the failing `mapMessageIn` was seen.
    fn reason(&self) -> Option<String> {
        let Self::Failed { on } = self else { return None };
        on.events.iter().rev().find_map(|seen| match &seen.event {
            Event::In { result: false, reason, .. } => Some(reason_text(reason)),
            _ => None,
        })
    }
}

/// A `mapMessageIn` reason as a person reads it: the MOS's own reasons are plain text
/// (`FromAddressNotCaller`), a target's are its revert data (`Error(string)`, a panic, or bytes).
fn reason_text(reason: &[u8]) -> String {
    match std::str::from_utf8(reason) {
        Ok(text) if !text.is_empty() && !text.chars().any(char::is_control) => text.to_owned(),
        _ => revert_reason(reason),
    }
}

fn status_name(status: MessageStatus) -> &'static str {
    match status {
        MessageStatus::Unknown => "unknown",
        MessageStatus::Delivered => "delivered",
        MessageStatus::Failed => "failed",
        MessageStatus::Retried => "retried",
        // A value outside the enum: not what this MOS answers.
        _ => "invalid",
    }
}

/// The report: the summary first, then what each chain said.
fn report_json(order_id: B256, state: &OrderState<'_>, observations: &[Observation]) -> Value {
    let chain_name = |chain_id: U256| {
        observations
            .iter()
            .find(|seen| seen.chain_id.map(U256::from) == Some(chain_id))
            .map_or_else(|| format!("chain {chain_id}"), |seen| seen.name.clone())
    };
    let mut fields = Map::new();
    fields.insert("orderId".into(), json!(order_id.to_string()));
    fields.insert("status".into(), json!(state.name()));
    fields.insert("summary".into(), json!(state.summary(chain_name)));
    if let Some(reason) = state.reason() {
        fields.insert("reason".into(), json!(reason));
    }
    let route = observations.iter().flat_map(|seen| &seen.events).map(|seen| match seen.event {
        Event::Out { from_chain, to_chain } | Event::In { from_chain, to_chain, .. } => (from_chain, to_chain),
    });
    if let Some((from_chain, to_chain)) = route.into_iter().next() {
        fields.insert("fromChain".into(), uint(from_chain));
        fields.insert("toChain".into(), uint(to_chain));
    }
    fields.insert("chains".into(), observations.iter().map(chain_json).collect());
    Value::Object(fields)
}

fn chain_json(seen: &Observation) -> Value {
    let mut fields = Map::new();
    fields.insert("name".into(), json!(seen.name));
    fields.insert("chainId".into(), json!(seen.chain_id));
    fields.insert("mos".into(), json!(seen.mos.to_string()));
    fields.insert("messageStatus".into(), json!(seen.status.map(status_name)));
    if let Some((from, to)) = seen.searched {
        fields.insert("fromBlock".into(), json!(from));
        fields.insert("toBlock".into(), json!(to));
    }
    fields.insert("events".into(), seen.events.iter().map(event_json).collect());
    if let Some(error) = &seen.error {
        fields.insert("error".into(), json!(error));
    }
    Value::Object(fields)
}

fn event_json(seen: &OrderEvent) -> Value {
    let mut fields = Map::new();
    let (name, from_chain, to_chain) = match &seen.event {
        Event::Out { from_chain, to_chain } => ("mapMessageOut", from_chain, to_chain),
        Event::In { from_chain, to_chain, .. } => ("mapMessageIn", from_chain, to_chain),
    };
    fields.insert("event".into(), json!(name));
    fields.insert("block".into(), json!(seen.block));
    fields.insert("transaction".into(), json!(seen.transaction.to_string()));
    fields.insert("logIndex".into(), json!(seen.log_index));
    fields.insert("fromChain".into(), uint(*from_chain));
    fields.insert("toChain".into(), uint(*to_chain));
    if let Event::In { result, reason, .. } = &seen.event {
        fields.insert("result".into(), json!(result));
        if !result {
            fields.insert("reason".into(), json!(reason_text(reason)));
            fields.insert("reasonData".into(), json!(reason.to_string()));
        }
    }
    Value::Object(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: u64 = 412_346;
    const RELAY: u64 = 22_776;
    const B: u64 = 412_347;

    fn chain(name: &str, chain_id: u64, status: MessageStatus, events: Vec<Event>) -> Observation {
        Observation {
            name: name.into(),
            chain_id: Some(chain_id),
            mos: Address::repeat_byte(1),
            status: Some(status),
            searched: Some((0, 99)),
            events: events
                .into_iter()
                .enumerate()
                .map(|(i, event)| OrderEvent {
                    event,
                    block: 10 + i as u64,
                    transaction: B256::repeat_byte(7),
                    log_index: Some(0),
                })
                .collect(),
            error: None,
        }
    }

    fn out(from: u64, to: u64) -> Event {
        Event::Out { from_chain: U256::from(from), to_chain: U256::from(to) }
    }

    fn executed(result: bool, reason: &[u8]) -> Event {
        Event::In { from_chain: U256::from(A), to_chain: U256::from(B), result, reason: Bytes::copy_from_slice(reason) }
    }

    /// A message from A to B at each step: A's, the relay's and B's observations.
    fn journey(
        relay: MessageStatus,
        relay_events: Vec<Event>,
        b: MessageStatus,
        b_events: Vec<Event>,
    ) -> Vec<Observation> {
        vec![
            chain("chain-a", A, MessageStatus::Unknown, vec![out(A, B)]),
            chain("relay", RELAY, relay, relay_events),
            chain("chain-b", B, b, b_events),
        ]
    }

    #[test]
    fn a_message_is_sent_then_relayed_then_delivered() {
        use MessageStatus::{Delivered, Unknown};
        let sent = journey(Unknown, vec![], Unknown, vec![]);
        assert_eq!(OrderState::of(&sent), OrderState::Sent { on: &sent[0] });
        let relayed = journey(Delivered, vec![out(A, B)], Unknown, vec![]);
        assert_eq!(OrderState::of(&relayed), OrderState::Relayed { on: &relayed[1] });
        let delivered = journey(Delivered, vec![out(A, B)], Delivered, vec![executed(true, b"")]);
        assert_eq!(OrderState::of(&delivered), OrderState::Delivered { on: &delivered[2] });
        assert_eq!(
            OrderState::of(&delivered).summary(|id| id.to_string()),
            format!("delivered on chain-b in block 10 (tx {})", B256::repeat_byte(7))
        );
    }

    #[test]
    fn a_message_for_the_relay_chain_is_delivered_there() {
        let observations = vec![
            chain("chain-a", A, MessageStatus::Unknown, vec![out(A, RELAY)]),
            chain("relay", RELAY, MessageStatus::Delivered, vec![executed(true, b"")]),
        ];
        assert_eq!(OrderState::of(&observations), OrderState::Delivered { on: &observations[1] });
    }

    #[test]
    fn a_failed_message_gives_its_reason_and_a_retried_one_says_so() {
        use MessageStatus::{Delivered, Failed, Retried};
        let target = alloy_sol_types::Revert::from("Echo: no permission");
        let revert = alloy_sol_types::SolError::abi_encode(&target);
        let failed = journey(Delivered, vec![out(A, B)], Failed, vec![executed(false, &revert)]);
        let state = OrderState::of(&failed);
        assert_eq!(state, OrderState::Failed { on: &failed[2] });
        assert_eq!(state.reason().as_deref(), Some("Echo: no permission"));
        let refused = journey(Delivered, vec![out(A, B)], Failed, vec![executed(false, b"FromAddressNotCaller")]);
        assert_eq!(OrderState::of(&refused).reason().as_deref(), Some("FromAddressNotCaller"));
        // Its event before the blocks read: still failed, the reason unknown.
        let unseen = journey(Delivered, vec![], Failed, vec![]);
        assert_eq!(OrderState::of(&unseen).reason(), None);
        let retried = journey(Delivered, vec![out(A, B)], Retried, vec![executed(false, &revert)]);
        assert_eq!(OrderState::of(&retried), OrderState::Retried { on: &retried[2] });
    }

    #[test]
    fn an_order_nobody_knows_is_unknown() {
        let observations = journey(MessageStatus::Unknown, vec![], MessageStatus::Unknown, vec![]);
        let nobody = &observations[1..];
        assert_eq!(OrderState::of(nobody), OrderState::Unknown);
        assert_eq!(OrderState::of(&[]), OrderState::Unknown);
    }

    #[test]
    fn the_window_ends_at_the_head_and_starts_no_earlier_than_the_deployment() {
        let window = Window { from_block: None, blocks: 100, max_range: 10 };
        assert_eq!(window.first(1_000, 0), 901);
        assert_eq!(window.first(1_000, 950), 950);
        assert_eq!(window.first(50, 0), 0);
        assert_eq!(Window { from_block: Some(7), ..window }.first(1_000, 950), 7);
    }

    #[test]
    fn an_order_id_is_32_bytes_of_hex() {
        assert_eq!(parse_order_id(&format!("0x{}", "ab".repeat(32))).unwrap(), B256::repeat_byte(0xab));
        assert_eq!(
            parse_order_id("0x1234").unwrap_err().to_string(),
            "--order: 0x1234 has 4 hex digits; a 32-byte hash has 64 (with or without 0x)"
        );
    }
}
