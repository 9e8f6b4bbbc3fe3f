//! A message's journey as the explorer shows it and `/api/messages/{orderId}` answers it: its
//! status, its `MessageData`, each step across the chains (sent, attested, forwarded, executed,
//! retried) with its transaction, block and time, each hop's latency, and for a message not there
//! yet, what it waits on. [`Route`] and [`steps`] put the events of an order in that shape.

use alloy_primitives::{Address, Bytes, B256, U256};
use alloy_sol_types::SolError;
use mos_message::{MessageData, MessageOut};
use serde::{Deserialize, Serialize};

use super::{
    index::{Index, Sighting},
    wait::Wait,
    ExplorerChain,
};
use crate::{deployment::Role, scan::MosEvent};

/// Where a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// No event names it in the blocks read, and no MOS knows it.
    Unknown,
    /// Its source emitted `mapMessageOut`; it has not reached the next chain yet.
    Sent,
    /// The relay chain took it and forwards it to its destination.
    Relayed,
    /// Executed at its destination.
    Delivered,
    /// Its destination executed it and its target failed: `retryMessageIn` can run it again.
    Failed,
    /// It failed, then `retryMessageIn` ran it.
    Retried,
}

impl Status {
    /// The status's name, as the JSON spells it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Unknown => "unknown",
            Self::Sent => "sent",
            Self::Relayed => "relayed",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
            Self::Retried => "retried",
        }
    }

    /// The status a name names.
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Unknown, Self::Sent, Self::Relayed, Self::Delivered, Self::Failed, Self::Retried]
            .into_iter()
            .find(|status| status.name() == name)
    }

    /// Whether nothing more happens to the message by itself.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Delivered | Self::Failed | Self::Retried)
    }
}

/// A `uint256` amount in the JSON: a number when it fits in 64 bits, else a decimal string (as
/// `mos` prints amounts); read back from either, or from a `0x` hex string.
pub mod decimal {
    use alloy_primitives::U256;
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    /// Writes `value`.
    ///
    /// # Errors
    /// The serializer's.
    pub fn serialize<S: Serializer>(value: &U256, serializer: S) -> Result<S::Ok, S::Error> {
        match u64::try_from(*value) {
            Ok(small) => serializer.serialize_u64(small),
            Err(_) => serializer.serialize_str(&value.to_string()),
        }
    }

    /// Reads a value.
    ///
    /// # Errors
    /// Neither a number nor a string of one.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<U256, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Amount {
            Number(u64),
            Text(String),
        }
        match Amount::deserialize(deserializer)? {
            Amount::Number(number) => Ok(U256::from(number)),
            Amount::Text(text) => text.parse().map_err(D::Error::custom),
        }
    }
}

/// A chain, by id and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChainRef {
    /// Its chain id.
    pub chain_id: u64,
    /// Its name in the deployment (`chain <id>` for a chain outside it).
    pub name: String,
}

/// A message's `MessageData`, decoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageView {
    /// `MESSAGE` or `CALLDATA`.
    #[serde(rename = "type")]
    pub msg_type: String,
    /// The target on the destination.
    pub target: Bytes,
    /// The payload.
    pub payload: Bytes,
    /// The gas the destination gives the target.
    #[serde(with = "decimal")]
    pub gas_limit: U256,
    /// Whether the relay chain executes it first.
    pub relay: bool,
    /// The value it carries.
    #[serde(with = "decimal")]
    pub value: U256,
}

impl MessageView {
    /// `data` decoded, or why it is not a `MessageData`.
    ///
    /// # Errors
    /// The decoder's error, as text.
    pub fn decode(data: &[u8]) -> Result<Self, String> {
        let message = MessageData::decode(data).map_err(|error| error.to_string())?;
        Ok(Self {
            msg_type: message.msg_type.name().to_owned(),
            target: message.target,
            payload: message.payload,
            gas_limit: message.gas_limit,
            relay: message.relay,
            value: message.value,
        })
    }
}

/// What a step of a journey is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum StepKind {
    /// `transferOut` on the source: its `mapMessageOut`.
    Sent,
    /// The source block attested to the light node of the next chain (`HeaderAttested`).
    Attested,
    /// The relay chain forwarded it (its `mapMessageOut` toward the destination).
    Forwarded,
    /// The relay chain executed it (`mapMessageIn` there, for a message with the relay flag or
    /// for the relay chain itself).
    ExecutedOnRelay,
    /// The destination executed it (`mapMessageIn`, its result and reason).
    Executed,
    /// `retryMessageIn` ran it again (`mapMessageIn` after a failed one).
    Retried,
}

impl StepKind {
    /// Its name in the JSON.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sent => "sent",
            Self::Attested => "attested",
            Self::Forwarded => "forwarded",
            Self::ExecutedOnRelay => "executedOnRelay",
            Self::Executed => "executed",
            Self::Retried => "retried",
        }
    }
}

/// One step of a journey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// What it is.
    pub kind: StepKind,
    /// The chain it happened on.
    pub chain: ChainRef,
    /// Its transaction.
    pub transaction: B256,
    /// Its block.
    pub block: u64,
    /// Its block's time (seconds since the Unix epoch), when read.
    pub time: Option<u64>,
    /// Its log's block-wide index.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_index: Option<u64>,
    /// For an attestation: the source block it attests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attested_block: Option<u64>,
    /// For an execution: whether the target call succeeded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<bool>,
    /// For a failed execution: its reason, as a person reads it ([`reason_text`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// For a failed execution: its reason's bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason_data: Option<Bytes>,
    /// For the source step: what its transaction paid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fee: Option<Fee>,
}

impl Step {
    /// What it is, for a person.
    pub fn label(&self) -> &'static str {
        match self.kind {
            StepKind::Sent => "sent (transferOut)",
            StepKind::Attested => "block attested",
            StepKind::Forwarded => "forwarded by the relay",
            StepKind::ExecutedOnRelay => "executed on the relay",
            StepKind::Executed if self.result == Some(false) => "executed: target failed",
            StepKind::Executed => "executed",
            StepKind::Retried => "retried (retryMessageIn)",
        }
    }
}

/// What the source transaction paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fee {
    /// The value sent with it: the messaging fee when paid in the native token, in wei.
    #[serde(with = "decimal")]
    pub value: U256,
    /// Its gas, in wei (`gasUsed × effectiveGasPrice`).
    #[serde(with = "decimal")]
    pub gas_cost: U256,
    /// Who sent it.
    pub from: Address,
}

/// One hop: from a chain to the next, and how long it took.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hop {
    /// Where it leaves from.
    pub from: ChainRef,
    /// Where it arrives.
    pub to: ChainRef,
    /// The time of the block it left in.
    pub departed: Option<u64>,
    /// The time of the block it arrived in.
    pub arrived: Option<u64>,
    /// `arrived − departed`, in seconds (block times are whole seconds).
    pub latency_seconds: Option<u64>,
}

/// What a message waits on, with the reason in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Waiting {
    /// The hop it waits in.
    pub from: ChainRef,
    /// Where the hop goes.
    pub to: ChainRef,
    /// The reason.
    pub text: String,
    /// The reason, field by field.
    pub wait: Wait,
}

/// What one chain says of the order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChainView {
    /// The chain, and how far it has been read.
    #[serde(flatten)]
    pub read: super::ChainProgress,
    /// Its MOS.
    pub mos: Address,
    /// Its MOS's `messageStatus(orderId)`, when read.
    pub message_status: Option<String>,
}

/// A message's whole journey: the answer of `/api/messages/{orderId}` and of `mos status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Journey {
    /// The order.
    pub order_id: B256,
    /// Where it is.
    pub status: Status,
    /// Where it is, in one line.
    pub summary: String,
    /// Why it failed, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Where it was sent from.
    pub from_chain: Option<ChainRef>,
    /// Where it goes.
    pub to_chain: Option<ChainRef>,
    /// Who sent it (`fromAddress`).
    pub sender: Option<Bytes>,
    /// Its `MessageData`.
    pub message: Option<MessageView>,
    /// Why its `MessageData` does not decode, when it does not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_error: Option<String>,
    /// Its raw `MessageData`.
    pub message_data: Option<Bytes>,
    /// What happened to it, in order.
    pub steps: Vec<Step>,
    /// Its hops.
    pub hops: Vec<Hop>,
    /// What it waits on, when it is not delivered yet.
    pub waiting: Option<Waiting>,
    /// What each chain says of it.
    pub chains: Vec<ChainView>,
}

/// A message in the list of `/api/messages`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageSummary {
    /// The order.
    pub order_id: B256,
    /// Where it is.
    pub status: Status,
    /// Where it was sent from.
    pub from_chain: ChainRef,
    /// Where it goes.
    pub to_chain: ChainRef,
    /// Who sent it.
    pub sender: Bytes,
    /// Its target, when its `MessageData` decodes.
    pub target: Option<Bytes>,
    /// The source transaction.
    pub transaction: B256,
    /// The source block.
    pub block: u64,
    /// The source block's time.
    pub time: Option<u64>,
    /// The messenger's delivery of its current hop: `pending`, `submitted` or `failed` (the
    /// destination refuses it), when a store was given and has it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery: Option<String>,
}

/// A failure reason as a person reads it: the MOS's own reasons are plain text
/// (`FromAddressNotCaller`), a target's are its revert data: `Error(string)`, a panic, or a custom
/// error (named by its selector).
pub fn reason_text(reason: &[u8]) -> String {
    match std::str::from_utf8(reason) {
        Ok(text) if !text.is_empty() && !text.chars().any(char::is_control) => text.to_owned(),
        _ if reason.len() >= 4
            && alloy_sol_types::Revert::abi_decode(reason).is_err()
            && alloy_sol_types::Panic::abi_decode(reason).is_err() =>
        {
            let (selector, arguments) = reason.split_at(4);
            let selector = Bytes::copy_from_slice(selector);
            match arguments.len() {
                0 => format!("custom error {selector}"),
                length => format!("custom error {selector} ({length} bytes of arguments)"),
            }
        }
        _ => mos_rpc::revert_reason(reason),
    }
}

/// The chains a message crosses: its source, the relay unless one end is the relay, its
/// destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// Each chain in order.
    pub chains: Vec<u64>,
}

impl Route {
    /// The route from `from` to `to` through `relay`.
    pub fn new(from: u64, to: u64, relay: u64) -> Self {
        if from == relay || to == relay {
            Self { chains: vec![from, to] }
        } else {
            Self { chains: vec![from, relay, to] }
        }
    }

    /// Its hops, in order.
    pub fn hops(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.chains.windows(2).map(|pair| (pair[0], pair[1]))
    }
}

/// A chain's reference: its deployment name, or `chain <id>`.
pub fn chain_ref(chains: &[ExplorerChain], chain_id: u64) -> ChainRef {
    let name = chains
        .iter()
        .find(|chain| chain.entry.chain_id == chain_id)
        .map_or_else(|| format!("chain {chain_id}"), |chain| chain.entry.name.clone());
    ChainRef { chain_id, name }
}

/// The message's first `mapMessageOut` on its source chain (or, when that is not in the blocks
/// read, the first one seen anywhere).
pub fn source(sightings: &[Sighting]) -> Option<(&Sighting, &MessageOut)> {
    let outs = sightings.iter().filter_map(|seen| match &seen.event {
        MosEvent::Out(out) => Some((seen, out)),
        MosEvent::In(_) => None,
    });
    outs.clone().find(|(seen, out)| out.from_chain == U256::from(seen.chain_id)).or_else(|| outs.into_iter().next())
}

/// The light node on `to` that verifies blocks of `from`: on a chain its light node of the relay,
/// on the relay the light node of `from`.
pub fn light_node_of(chains: &[ExplorerChain], from: u64, to: u64) -> Option<Address> {
    let destination = chains.iter().find(|chain| chain.entry.chain_id == to)?;
    match destination.entry.role {
        Role::Chain => Some(destination.entry.light_client),
        Role::Relay => chains.iter().find(|chain| chain.entry.chain_id == from)?.entry.relay_light_node,
    }
}

/// What the events of one order say: its steps in order, its hops, its status, and the hop it is
/// in when it is on its way (with the event it left that hop's source with).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assembled {
    /// The steps.
    pub steps: Vec<Step>,
    /// The hops.
    pub hops: Vec<Hop>,
    /// The status the events give.
    pub status: Status,
    /// The hop it is in, and the event it left with, when it is under way.
    pub current: Option<((u64, u64), Sighting)>,
}

/// Puts the events of an order from `from` to `to` in the journey's shape. `relay` is the relay
/// chain's id.
pub fn steps(
    index: &Index,
    chains: &[ExplorerChain],
    relay: u64,
    sightings: &[Sighting],
    (from, to): (u64, u64),
) -> Assembled {
    let step = |kind, seen: &Sighting| {
        let mut step = Step {
            kind,
            chain: chain_ref(chains, seen.chain_id),
            transaction: seen.transaction,
            block: seen.block,
            time: seen.time,
            log_index: seen.log_index,
            attested_block: None,
            result: None,
            reason: None,
            reason_data: None,
            fee: None,
        };
        if let MosEvent::In(event) = &seen.event {
            step.result = Some(event.result);
            if !event.result {
                step.reason = Some(reason_text(&event.reason));
                step.reason_data = Some(event.reason.clone());
            }
        }
        step
    };
    let executed_on = |chain_id: u64| {
        sightings.iter().filter(move |seen| seen.chain_id == chain_id && matches!(seen.event, MosEvent::In(_)))
    };
    let mut steps = Vec::new();
    let mut hops = Vec::new();
    let mut current = None;
    let mut status = Status::Sent;
    // Each hop: the event it leaves its source with, its attestation, and where it arrives.
    for (hop_from, hop_to) in Route::new(from, to, relay).hops() {
        let departure = sightings.iter().find(|seen| {
            seen.chain_id == hop_from && matches!(&seen.event, MosEvent::Out(o) if chain_id_of(o.to_chain) == to)
        });
        // A source whose blocks were not read (or not asked): the journey starts where it is seen.
        let Some(departure) = departure else {
            if steps.is_empty() {
                continue;
            }
            break;
        };
        if hop_from == from {
            steps.push(step(StepKind::Sent, departure));
        } else {
            steps.push(step(StepKind::Forwarded, departure));
            status = Status::Relayed;
        }
        let attested = light_node_of(chains, hop_from, hop_to)
            .and_then(|light_node| index.attestations.get(&(hop_to, light_node, departure.block)))
            .filter(|attested| attested.block_hash == departure.block_hash);
        if let Some(attested) = attested {
            steps.push(Step {
                kind: StepKind::Attested,
                chain: chain_ref(chains, hop_to),
                transaction: attested.transaction,
                block: attested.block,
                time: attested.time,
                log_index: None,
                attested_block: Some(departure.block),
                result: None,
                reason: None,
                reason_data: None,
                fee: None,
            });
        }
        // It arrived where it was executed, or (on the relay) where it was forwarded from.
        let arrival = executed_on(hop_to).next().or_else(|| {
            sightings.iter().find(|seen| {
                hop_to != to
                    && seen.chain_id == hop_to
                    && matches!(&seen.event, MosEvent::Out(o) if chain_id_of(o.to_chain) == to)
            })
        });
        let arrived = arrival.and_then(|seen| seen.time);
        hops.push(Hop {
            from: chain_ref(chains, hop_from),
            to: chain_ref(chains, hop_to),
            departed: departure.time,
            arrived,
            latency_seconds: departure.time.zip(arrived).map(|(departed, arrived)| arrived.saturating_sub(departed)),
        });
        if hop_to != to {
            steps.extend(executed_on(hop_to).map(|seen| step(StepKind::ExecutedOnRelay, seen)));
        }
        if arrival.is_none() {
            current = Some(((hop_from, hop_to), departure.clone()));
            break;
        }
        if hop_to != to {
            status = Status::Relayed;
        }
    }
    // At the destination: executed, failed, and retried after failing.
    let mut failed = false;
    for seen in executed_on(to) {
        let MosEvent::In(event) = &seen.event else { continue };
        let kind = if failed && event.result { StepKind::Retried } else { StepKind::Executed };
        status = match (failed, event.result) {
            (true, true) => Status::Retried,
            (_, true) => Status::Delivered,
            (_, false) => Status::Failed,
        };
        failed |= !event.result;
        steps.push(step(kind, seen));
    }
    if status.is_final() {
        current = None;
    }
    Assembled { steps, hops, status, current }
}

/// A `uint256` chain id as the `u64` every chain id of a deployment is (`u64::MAX` for one that
/// is not: no chain of the deployment).
pub fn chain_id_of(value: U256) -> u64 {
    u64::try_from(value).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_route_crosses_the_relay_unless_it_starts_or_ends_there() {
        assert_eq!(Route::new(1, 3, 2).hops().collect::<Vec<_>>(), [(1, 2), (2, 3)]);
        assert_eq!(Route::new(1, 2, 2).hops().collect::<Vec<_>>(), [(1, 2)]);
        assert_eq!(Route::new(2, 3, 2).hops().collect::<Vec<_>>(), [(2, 3)]);
    }

    #[test]
    fn reasons_read_as_the_target_or_the_mos_gave_them() {
        let revert = alloy_sol_types::SolError::abi_encode(&alloy_sol_types::Revert::from("Echo: no permission"));
        assert_eq!(reason_text(&revert), "Echo: no permission");
        assert_eq!(reason_text(b"FromAddressNotCaller"), "FromAddressNotCaller");
        assert_eq!(reason_text(&[0x12, 0x34, 0x56, 0x78]), "custom error 0x12345678");
        let mut custom = vec![0xde, 0xad, 0xbe, 0xef];
        custom.extend([0u8; 32]);
        assert_eq!(reason_text(&custom), "custom error 0xdeadbeef (32 bytes of arguments)");
        assert_eq!(reason_text(&[]), "reverted without a reason");
        let panic = alloy_sol_types::SolError::abi_encode(&alloy_sol_types::Panic::from(
            alloy_sol_types::PanicKind::DivisionByZero,
        ));
        assert_eq!(reason_text(&panic), "panic: division or modulo by zero");
    }

    #[test]
    fn statuses_read_back_by_name() {
        for status in
            [Status::Unknown, Status::Sent, Status::Relayed, Status::Delivered, Status::Failed, Status::Retried]
        {
            assert_eq!(Status::parse(status.name()), Some(status));
            assert_eq!(serde_json::to_value(status).unwrap(), status.name());
        }
        assert_eq!(Status::parse("lost"), None);
        use StepKind::{Attested, Executed, ExecutedOnRelay, Forwarded, Retried, Sent};
        for kind in [Sent, Attested, Forwarded, ExecutedOnRelay, Executed, Retried] {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.name());
        }
    }

    #[test]
    fn amounts_are_numbers_when_they_fit_and_decimal_text_when_not() {
        let fee = |value| Fee { value, gas_cost: U256::from(21_000), from: Address::ZERO };
        let small = serde_json::to_value(fee(U256::from(7))).unwrap();
        assert_eq!((&small["value"], &small["gasCost"]), (&serde_json::json!(7), &serde_json::json!(21_000)));
        let large = serde_json::to_value(fee(U256::MAX)).unwrap();
        assert_eq!(large["value"], U256::MAX.to_string());
        for json in [small, large, serde_json::json!({"value": "0x10", "gasCost": 1, "from": Address::ZERO})] {
            let back: Fee = serde_json::from_value(json.clone()).unwrap();
            assert_eq!(serde_json::to_value(&back).unwrap()["gasCost"], json["gasCost"]);
        }
        assert!(serde_json::from_value::<Fee>(
            serde_json::json!({"value": "ten", "gasCost": 1, "from": Address::ZERO})
        )
        .is_err());
    }
}
