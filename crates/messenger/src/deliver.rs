//! One delivery's steps at the destination: which orders it lacks, the delivery call, signing and
//! broadcasting it (recorded first), what became of a recorded transaction, and what its receipt
//! says of each order.

use alloy_primitives::{Address, Bytes, TxKind, B256, U256};
use alloy_rpc_types_eth::TransactionReceipt;
use alloy_sol_types::{SolCall, SolEvent};
use mos_message::{
    interfaces::{IMOSExtensions, IMOSV3},
    MessageOut,
};
use mos_prover::rpc::TransactionProof;
use mos_rpc::{ChainError, SignedTransaction};

use crate::{
    route::Route,
    store::{now_ms, Outcome, StoreError, Submission},
};

/// Why an attempt did not deliver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptFailure {
    /// May pass (a node error, a transaction lost, a proof the source cannot give yet): tried again
    /// after a backoff.
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

/// What the MOS answers a delivery of an order it has.
pub const ORDER_EXISTS: &str = "MOSV3: Order exist";

/// The orders of `orders` the route's destination does not have yet (`messageStatus` unknown).
///
/// # Errors
/// [`AttemptFailure::Transient`] when the destination cannot be asked.
pub async fn undelivered(route: &Route, orders: &[B256]) -> Result<Vec<B256>, AttemptFailure> {
    let destination = &route.destination;
    let mut undelivered = Vec::new();
    for &order_id in orders {
        let status = destination
            .node()
            .view(destination.entry.mos, &IMOSExtensions::messageStatusCall { orderId: order_id })
            .await
            .map_err(transient)?;
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

/// Why a delivery transaction was not sent.
#[derive(Debug)]
pub enum SubmitError {
    /// The attempt did not get as far as broadcasting.
    Attempt(AttemptFailure),
    /// The transaction could not be recorded (so it was not broadcast).
    Store(StoreError),
}

/// Signs `calldata` to the destination's MOS, has `record` store it, and broadcasts it, all under
/// the destination's signing lock (so that no other route signs with the same nonce in between):
/// the recorded submission. Nothing is broadcast unless `record` succeeded.
///
/// # Errors
/// [`SubmitError::Attempt`]: refused when the simulation reverts (transient when it reverts with
/// [`ORDER_EXISTS`]: someone delivered since the status was read, and the next attempt finds it),
/// transient when a node fails (a broadcast that fails leaves the recorded transaction to be
/// looked for, or broadcast again, by the next attempt); [`SubmitError::Store`] when `record` fails.
pub async fn submit(
    route: &Route,
    calldata: Bytes,
    record: impl AsyncFnOnce(&Submission) -> Result<(), StoreError>,
) -> Result<Submission, SubmitError> {
    let destination = &route.destination;
    let _signing = destination.signing.lock().await;
    let signed = match destination.sender.sign(TxKind::Call(destination.entry.mos), calldata, U256::ZERO).await {
        Ok(signed) => signed,
        Err(ChainError::Revert { reason, .. }) if reason == ORDER_EXISTS => {
            return Err(SubmitError::Attempt(AttemptFailure::Transient(reason)))
        }
        Err(ChainError::Revert { reason, .. }) => return Err(SubmitError::Attempt(AttemptFailure::Refused(reason))),
        Err(error) => return Err(SubmitError::Attempt(transient(error))),
    };
    let submission = Submission {
        transaction: signed.hash,
        raw: signed.raw.clone(),
        sender: destination.sender.address(),
        nonce: signed.nonce,
        at_ms: now_ms(),
    };
    record(&submission).await.map_err(SubmitError::Store)?;
    destination.sender.broadcast(&signed).await.map_err(|error| SubmitError::Attempt(transient(error)))?;
    Ok(submission)
}

/// What became of a recorded delivery transaction.
#[derive(Debug)]
pub enum TransactionState {
    /// Mined, and it succeeded.
    Mined(Box<TransactionReceipt>),
    /// Mined, and it failed: the next attempt's simulation tells why.
    Failed(B256),
    /// Not mined yet; `rebroadcast` when its bytes were broadcast again (it was out longer than
    /// the timeout, and the node may have lost it).
    InFlight {
        /// Whether it was broadcast again now.
        rebroadcast: bool,
    },
    /// It will never be mined: its nonce went to another transaction, or the node refuses it and
    /// does not hold it (its fees are below what the chain now takes).
    Lost,
}

/// Looks up a recorded delivery transaction, broadcasting its bytes again when it has been out
/// longer than `timeout_ms`.
///
/// # Errors
/// [`AttemptFailure::Transient`] when the destination cannot be asked.
pub async fn resolve(
    route: &Route,
    submission: &Submission,
    timeout_ms: u64,
) -> Result<TransactionState, AttemptFailure> {
    let sender = &route.destination.sender;
    let node = sender.node();
    let mined = |receipt: TransactionReceipt| {
        if receipt.status() {
            TransactionState::Mined(Box::new(receipt))
        } else {
            TransactionState::Failed(submission.transaction)
        }
    };
    if let Some(receipt) = node.receipt(submission.transaction).await.map_err(transient)? {
        return Ok(mined(receipt));
    }
    if node.mined_nonce(submission.sender).await.map_err(transient)? > submission.nonce {
        // Mined in between, or replaced.
        return Ok(node
            .receipt(submission.transaction)
            .await
            .map_err(transient)?
            .map_or(TransactionState::Lost, mined));
    }
    if now_ms().saturating_sub(submission.at_ms) < timeout_ms
        && node.holds(submission.transaction).await.map_err(transient)?
    {
        return Ok(TransactionState::InFlight { rebroadcast: false });
    }
    // The node may have lost it (a restart, or it was never broadcast): the same bytes again. A
    // node that holds it says so, which changes nothing.
    let signed =
        SignedTransaction { hash: submission.transaction, raw: submission.raw.clone(), nonce: submission.nonce };
    if let Err(error) = sender.broadcast(&signed).await {
        if !node.holds(submission.transaction).await.map_err(transient)? {
            tracing::warn!(transaction = %submission.transaction, %error, "the node refuses the recorded transaction");
            return Ok(TransactionState::Lost);
        }
    }
    Ok(TransactionState::InFlight { rebroadcast: true })
}

/// The index, in the proven receipt, of the `mapMessageOut` of `order_id` emitted by `emitter`.
fn log_index(proof: &TransactionProof, emitter: Address, order_id: B256) -> Option<usize> {
    proof.logs.iter().position(|log| {
        log.address == emitter
            && MessageOut::decode(log.address, log.topics(), &log.data.data)
                .is_ok_and(|message| message.order_id == order_id)
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
