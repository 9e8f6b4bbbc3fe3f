//! One delivery's steps at the destination: which orders it lacks, the delivery call, what a
//! failure to send it means, and what its receipt says of each order. Sending and following the
//! transaction is the transaction manager's ([`crate::transactions`]).

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_rpc_types_eth::TransactionReceipt;
use alloy_sol_types::{SolCall, SolEvent};
use mos_message::{
    interfaces::{IMOSExtensions, IMOSV3},
    MessageOut,
};
use mos_prover::rpc::{NodeError, TransactionProof};
use mos_rpc::{ChainError, ChainExt};

use crate::{
    route::Route,
    store::{Outcome, StoreError},
    transactions::SendError,
};

/// Why an attempt did not deliver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptFailure {
    /// A node did not answer, answered an error that is not about the request (a transport
    /// failure, an HTTP error status, a JSON-RPC server error), or did not mine a transaction in
    /// time: tried again after the backoff of the attempts so far, however many times, and not
    /// counted as an attempt. The message is not at fault, and a node down for an hour must not
    /// make the messenger give it up.
    Unavailable(String),
    /// May pass (a transaction lost or failed, a proof the source cannot give yet, a block
    /// reorganised away): tried again after a backoff, at most `max_attempts` times in all.
    Transient(String),
    /// Not possible yet (the block is not attested): looked at again after the poll interval.
    Waiting(String),
    /// The destination refuses it (its simulation reverts): recorded as failed.
    Refused(String),
}

/// A transient failure, of any error.
pub fn transient(error: impl std::fmt::Display) -> AttemptFailure {
    AttemptFailure::Transient(error.to_string())
}

/// The failure a node's error makes: [`AttemptFailure::Unavailable`] when it is the node's (no
/// answer, an error answer, a transaction not mined in time), [`AttemptFailure::Transient`]
/// otherwise (a call that reverts, a transaction mined and failed, an answer that is not what the
/// method returns).
pub fn chain_failure(error: ChainError) -> AttemptFailure {
    match error {
        ChainError::Rpc { .. } | ChainError::Unconfirmed { .. } => AttemptFailure::Unavailable(error.to_string()),
        error => transient(error),
    }
}

/// The failure a node's answers make when they give no proof or header: as [`chain_failure`] for
/// a failed request, [`AttemptFailure::Transient`] for answers that contradict the request (a
/// block or transaction it does not know, or not where it said).
pub fn node_failure(error: NodeError) -> AttemptFailure {
    match error {
        NodeError::Chain(error) => chain_failure(error),
        error => transient(error),
    }
}

/// What the MOS answers a delivery of an order it has.
pub const ORDER_EXISTS: &str = "MOSV3: Order exist";

/// The orders of `orders` the route's destination does not have yet (`messageStatus` unknown).
///
/// # Errors
/// [`AttemptFailure::Unavailable`] when the destination cannot be asked.
pub async fn undelivered(route: &Route, orders: &[B256]) -> Result<Vec<B256>, AttemptFailure> {
    let destination = &route.destination;
    let mut undelivered = Vec::new();
    for &order_id in orders {
        let status = destination
            .chain()
            .view(destination.entry.mos, &IMOSExtensions::messageStatusCall { orderId: order_id })
            .await
            .map_err(chain_failure)?;
        if status == IMOSExtensions::MessageStatus::Unknown {
            undelivered.push(order_id);
        }
    }
    Ok(undelivered)
}

/// The destination call that delivers `undelivered` of a source transaction's `orders` with its
/// proof: `transferIn` when none is there yet, otherwise `transferInWithIndex` for the first one
/// (the next attempt takes the next).
///
/// # Errors
/// [`AttemptFailure::Refused`] when an order is not in the proven receipt.
pub fn delivery_call(
    route: &Route,
    orders: &[B256],
    undelivered: &[B256],
    proof: &TransactionProof,
) -> Result<Bytes, AttemptFailure> {
    let source_chain = U256::from(route.source.entry.chain_id);
    let receipt_proof: Bytes = proof.proof.encode().into();
    if undelivered.len() == orders.len() {
        return Ok(IMOSV3::transferInCall { chainId: source_chain, receiptProof: receipt_proof }.abi_encode().into());
    }
    let Some(&first) = undelivered.first() else {
        return Err(AttemptFailure::Refused("no order left to deliver".into()));
    };
    let index = log_index(proof, route.source.entry.mos, first).ok_or_else(|| {
        AttemptFailure::Refused(format!("order {first} is not in the receipt of {}", proof.transaction_hash))
    })?;
    let call = IMOSV3::transferInWithIndexCall {
        chainId: source_chain,
        logIndex: U256::from(index),
        receiptProof: receipt_proof,
    };
    Ok(call.abi_encode().into())
}

/// What the gas of delivering `undelivered` with `proof` depends on, as a key: the destination,
/// and for each order, whether the destination executes or forwards it, its message type, relay
/// flag, gas limit, and its target's and payload's lengths in words. Deliveries of one shape need
/// about the same gas (the MOS's gas guard asks for every executed message's gas limit whatever
/// the target then uses; the proof's size is what varies), so one simulated limit serves them.
pub fn shape(route: &Route, proof: &TransactionProof, undelivered: &[B256]) -> B256 {
    let destination = U256::from(route.id.to);
    let mut key = route.id.to.to_be_bytes().to_vec();
    let messages = messages_out(proof, route.source.entry.mos).map(|(_, message)| message);
    for message in messages.filter(|message| undelivered.contains(&message.order_id)) {
        key.push(u8::from(message.to_chain == destination));
        match message.message() {
            Ok(data) => {
                key.extend([data.msg_type as u8, u8::from(data.relay)]);
                key.extend(data.gas_limit.to_be_bytes::<32>());
                key.extend((data.target.len().div_ceil(32) as u64).to_be_bytes());
                key.extend((data.payload.len().div_ceil(32) as u64).to_be_bytes());
            }
            Err(_) => key.push(u8::MAX),
        }
    }
    keccak256(key)
}

/// What a delivery transaction that was not sent means for the delivery: a refusal when the
/// destination's simulation reverts (transient when it reverts with [`ORDER_EXISTS`]: someone
/// delivered since the status was read, and the next attempt finds it), waiting when the chain's
/// fee is above the cap, as [`chain_failure`] when a node fails.
///
/// # Errors
/// The [`StoreError`] when the transaction could not be recorded: the messenger stops.
pub fn send_failure(error: SendError) -> Result<AttemptFailure, StoreError> {
    Ok(match error {
        SendError::Reverted(reason) if reason == ORDER_EXISTS => AttemptFailure::Transient(reason),
        SendError::Reverted(reason) => AttemptFailure::Refused(reason),
        error @ SendError::FeeAboveCap { .. } => AttemptFailure::Waiting(error.to_string()),
        SendError::Chain(error) => chain_failure(error),
        SendError::Store(error) => return Err(error),
    })
}

/// The index, in the proven receipt, of the `mapMessageOut` of `order_id` emitted by `emitter`.
fn log_index(proof: &TransactionProof, emitter: Address, order_id: B256) -> Option<usize> {
    messages_out(proof, emitter).find(|(_, message)| message.order_id == order_id).map(|(index, _)| index)
}

/// The `mapMessageOut` logs `emitter` left in the proven receipt, with their indexes in it.
fn messages_out(proof: &TransactionProof, emitter: Address) -> impl Iterator<Item = (usize, MessageOut)> + '_ {
    proof.logs.iter().enumerate().filter(move |(_, log)| log.address == emitter).filter_map(|(index, log)| {
        MessageOut::decode(log.address, log.topics(), &log.data.data).ok().map(|message| (index, message))
    })
}

/// What the delivery receipt says of `orders`: executed (`mapMessageIn`) or forwarded
/// (`mapMessageOut`) by the destination's MOS at `mos`.
pub fn outcomes(receipt: &TransactionReceipt, mos: Address, orders: &[B256]) -> Vec<Outcome> {
    receipt
        .inner
        .logs()
        .iter()
        .filter(|log| log.address() == mos)
        .filter_map(|log| {
            if let Ok(event) = IMOSV3::mapMessageIn::decode_log_data(log.data()) {
                return Some(Outcome::Executed { order_id: event.orderId, result: event.result, reason: event.reason });
            }
            IMOSV3::mapMessageOut::decode_log_data(log.data())
                .ok()
                .map(|event| Outcome::Forwarded { order_id: event.orderId, to_chain: event.toChain.saturating_to() })
        })
        .filter(|outcome| orders.contains(&outcome.order_id()))
        .collect()
}
