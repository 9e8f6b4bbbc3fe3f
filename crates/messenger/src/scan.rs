//! Reading a MOS's events: `mapMessageOut` and `mapMessageIn` logs, decoded, with where they are.
//! The one log scan of the tools: the messenger reads `mapMessageOut` into the source transactions
//! that carry them ([`messages_out`]); the explorer (and so `mos status`)
//! reads both to follow each order ([`mos_events`], and [`ranged_logs`] for other logs).

use alloy_primitives::{Address, B256};
use alloy_rpc_types_eth::{Filter, Log};
use alloy_sol_types::SolEvent;
use mos_message::{interfaces::IMOSV3, MessageOut};
use mos_rpc::{Chain, ChainError};

use crate::store::NewDelivery;

/// Which of a MOS's events a scan reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Events {
    /// `mapMessageOut` only; toward this `toChain` (topic 2) only, when given.
    Out {
        /// The `toChain` topic to keep.
        to_chain: Option<B256>,
    },
    /// `mapMessageOut` and `mapMessageIn`.
    OutAndIn,
}

/// A MOS event, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MosEvent {
    /// `mapMessageOut`: a message sent from this chain, or forwarded by it.
    Out(MessageOut),
    /// `mapMessageIn`: a message executed here, with its result and reason.
    In(IMOSV3::mapMessageIn),
}

impl MosEvent {
    /// The order the event is about.
    pub fn order_id(&self) -> B256 {
        match self {
            Self::Out(message) => message.order_id,
            Self::In(event) => event.orderId,
        }
    }
}

/// A MOS event found by a scan, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundEvent {
    /// The event.
    pub event: MosEvent,
    /// Its block.
    pub block: u64,
    /// Its block's hash.
    pub block_hash: B256,
    /// Its transaction.
    pub transaction: B256,
    /// Its block-wide log index, when the node gives it.
    pub log_index: Option<u64>,
}

/// Why a scan stopped.
#[derive(Debug, thiserror::Error)]
#[error("blocks {from} to {to}: {source}")]
pub struct ScanError {
    /// The first block of the range that could not be read.
    pub from: u64,
    /// Its last block.
    pub to: u64,
    /// What the node said.
    #[source]
    pub source: ChainError,
}

/// The `events` of `mos` in blocks `from..=to`, in block and log order, one `eth_getLogs` per
/// `max_range` blocks at most. Logs removed by a reorganisation, without their block or
/// transaction, or that do not decode as the event their topic names are left out, with a
/// warning.
///
/// # Errors
/// [`ScanError`] naming the range whose `eth_getLogs` failed.
pub async fn mos_events(
    chain: &dyn Chain,
    mos: Address,
    events: Events,
    from: u64,
    to: u64,
    max_range: u64,
) -> Result<Vec<FoundEvent>, ScanError> {
    let filter = Filter::new().address(mos);
    let filter = match events {
        Events::Out { to_chain: Some(topic) } => filter.event_signature(MessageOut::TOPIC).topic2(topic),
        Events::Out { to_chain: None } => filter.event_signature(MessageOut::TOPIC),
        Events::OutAndIn => filter.event_signature(vec![MessageOut::TOPIC, IMOSV3::mapMessageIn::SIGNATURE_HASH]),
    };
    let mut found = Vec::new();
    for log in ranged_logs(chain, &filter, from, to, max_range).await? {
        let (Some(transaction), Some(block), Some(block_hash)) =
            (log.transaction_hash, log.block_number, log.block_hash)
        else {
            tracing::warn!(%mos, "a log without its transaction or block; skipped");
            continue;
        };
        let event = if log.topic0() == Some(&IMOSV3::mapMessageIn::SIGNATURE_HASH) {
            IMOSV3::mapMessageIn::decode_log_data(log.data()).map(MosEvent::In).map_err(|error| error.to_string())
        } else {
            MessageOut::decode(log.address(), log.topics(), &log.data().data)
                .map(MosEvent::Out)
                .map_err(|error| error.to_string())
        };
        match event {
            Ok(event) => found.push(FoundEvent { event, block, block_hash, transaction, log_index: log.log_index }),
            Err(error) => tracing::warn!(%transaction, %error, "not a MOS event; skipped"),
        }
    }
    Ok(found)
}

/// The logs `filter` (its addresses and topics; its blocks are replaced) matches in blocks
/// `from..=to`, one `eth_getLogs` per `max_range` blocks at most, in block and log order, without
/// those a reorganisation removed.
///
/// # Errors
/// [`ScanError`] naming the range whose `eth_getLogs` failed.
pub async fn ranged_logs(
    chain: &dyn Chain,
    filter: &Filter,
    from: u64,
    to: u64,
    max_range: u64,
) -> Result<Vec<Log>, ScanError> {
    let mut found = Vec::new();
    let mut start = from;
    while start <= to {
        let end = to.min(start.saturating_add(max_range.max(1) - 1));
        let logs = chain.logs(&filter.clone().from_block(start).to_block(end)).await.map_err(|source| ScanError {
            from: start,
            to: end,
            source,
        })?;
        found.extend(logs.into_iter().filter(|log| !log.removed));
        start = end.saturating_add(1);
        if end == u64::MAX {
            break;
        }
    }
    Ok(found)
}

/// The source transactions with `mapMessageOut` logs of `mos` in blocks `from..=to` (only those
/// toward `to_chain`, topic 2, when given), each with its orders in log order, in block order.
/// What [`mos_events`] leaves out is left out.
///
/// # Errors
/// [`ChainError::Rpc`] when `eth_getLogs` fails.
pub async fn messages_out(
    chain: &dyn Chain,
    mos: Address,
    to_chain: Option<B256>,
    from: u64,
    to: u64,
) -> Result<Vec<NewDelivery>, ChainError> {
    let range = to.saturating_sub(from).saturating_add(1);
    let events =
        mos_events(chain, mos, Events::Out { to_chain }, from, to, range).await.map_err(|error| error.source)?;
    let mut found: Vec<NewDelivery> = Vec::new();
    for FoundEvent { event, block, block_hash, transaction, .. } in events {
        let order_id = event.order_id();
        match found.iter_mut().find(|delivery| delivery.source_transaction == transaction) {
            Some(delivery) => delivery.orders.push(order_id),
            None => found.push(NewDelivery {
                source_transaction: transaction,
                source_block: block,
                source_block_hash: block_hash,
                orders: vec![order_id],
            }),
        }
    }
    Ok(found)
}
