//! Executing an incoming message here: what a destination does with every message for it, and
//! what the relay does with messages for the relay chain or marked `relay`.
//!
//! A delivery takes the order (once: `MOSV3: Order exist`), decodes the `MessageData`, checks the
//! target, calls it with exactly the message's `gasLimit` (on the relay chain, a `relay` message
//! gets all the gas left instead, and at least its `gasLimit`; CALLDATA: the payload, if the target
//! allowed the sender; MESSAGE: `mapoExecute`), and reports the outcome in `mapMessageIn`. A failed
//! message keeps the hash of its `mapMessageOut` fields in its order slot, so that anyone can run it
//! again with `retryMessageIn` and exactly those fields; a retry that succeeds marks it retried, a
//! retry that fails reverts and leaves it as it was.

use alloc::vec::Vec;

use alloy_primitives::{Address, Bytes, B256, U256};
use alloy_sol_types::{SolCall, SolEvent};
use light_client_iface::{LogList, LogView, RlpError};
use mos_message::abi::{TupleReader, TupleWriter};
use mos_message::interfaces::{IMapoExecutor, IMOSV3};
use mos_message::{DecodeError, MessageData, MessageOut, MessageType};

use crate::admin::{config_when_not_paused, GAS_LIMIT_MAX};
use crate::guard::{self, TargetGas};
use crate::layout::{self, DELIVERED, RETRIED};
use crate::revert::{self, reason};
use mos_program::{require, Args, Host, ProgramResult};

/// Why a message failed here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The target reverted (its revert data) or halted (empty).
    Target(Vec<u8>),
    /// The MOS did not call the target; one of [`reason`]'s strings.
    Refused(&'static str),
}

impl Failure {
    /// The `reason` of `mapMessageIn`.
    pub fn reason(&self) -> &[u8] {
        match self {
            Self::Target(data) => data,
            Self::Refused(why) => why.as_bytes(),
        }
    }

    /// Revert data for a retry that failed: the target's own, or `Error(reason)`.
    pub fn into_revert(self) -> Vec<u8> {
        match self {
            Self::Target(data) => data,
            Self::Refused(why) => revert::error(why),
        }
    }
}

/// Takes an order: marks it delivered before anything runs, so that a view asked while the target
/// executes already sees it taken, as MAP's `checkOrder` does.
///
/// # Errors
/// `MOSV3: Order exist` when the order was delivered, failed or retried before.
pub fn take_order(host: &Host, order_id: B256) -> ProgramResult<()> {
    require(layout::order_status(host, order_id).is_zero(), revert::ORDER_EXIST)?;
    layout::set_order_status(host, order_id, DELIVERED);
    Ok(())
}

/// Decodes a message's `MessageData` for execution here.
///
/// # Errors
/// [`reason::MESSAGE_TYPE_ERROR`] for a `msgType` that is neither CALLDATA nor MESSAGE;
/// [`reason::INVALID_MESSAGE_DATA`] for anything else that is not a `MessageData`, and for a
/// `gasLimit` above `gasLimitMax`.
pub fn decode_message(message_data: &[u8]) -> Result<MessageData, Failure> {
    match MessageData::decode(message_data) {
        Ok(data) if data.gas_limit <= U256::from(GAS_LIMIT_MAX) => Ok(data),
        Err(DecodeError::InvalidMessageType(_)) => Err(Failure::Refused(reason::MESSAGE_TYPE_ERROR)),
        _ => Err(Failure::Refused(reason::INVALID_MESSAGE_DATA)),
    }
}

/// Runs `data`'s target here with the gas `gas` grants for its `gasLimit` ([`TargetGas::Limit`]
/// on a destination); `Ok(Ok(returned))` when it succeeds.
///
/// `forbidden` are the addresses no message may call besides the MOS itself: its light client or
/// manager and its fee service.
///
/// # Errors
/// `MOSV3: Insufficient gas for execution` (the whole delivery must revert); `Ok(Err(_))` for a
/// message that failed: an invalid or forbidden target, CALLDATA from a caller the target has not
/// allowed, MESSAGE to an address without code, or the target's revert.
pub fn execute(
    host: &Host,
    message: &MessageOut,
    data: &MessageData,
    forbidden: &[Address],
    gas: fn(u64) -> TargetGas,
) -> ProgramResult<Result<Vec<u8>, Failure>> {
    let Some(target) = data.target_address() else {
        return Ok(Err(Failure::Refused(reason::INVALID_TARGET)));
    };
    if target == host.this() || forbidden.contains(&target) {
        return Ok(Err(Failure::Refused(reason::FORBIDDEN_TARGET)));
    }
    let calldata = match data.msg_type {
        MessageType::Calldata => {
            if !layout::caller_allowed(host, target, message.from_chain, &message.from_address) {
                return Ok(Err(Failure::Refused(reason::FROM_ADDRESS_NOT_CALLER)));
            }
            data.payload.to_vec()
        }
        MessageType::Message => {
            if !host.has_code(target) {
                return Ok(Err(Failure::Refused(reason::NO_CONTRACT_ADDRESS)));
            }
            TupleWriter::call(IMapoExecutor::mapoExecuteCall::SELECTOR, 5)
                .uint(message.from_chain)
                .uint(message.to_chain)
                .bytes(&message.from_address)
                .word(message.order_id)
                .bytes(&data.payload)
                .finish()
        }
    };
    // `decode_message` bounds the gas limit by `gasLimitMax`, so it fits.
    let gas_limit = u64::try_from(data.gas_limit).unwrap_or(GAS_LIMIT_MAX);
    Ok(guard::call_with_gas(host, target, &calldata, gas(gas_limit))?.map_err(Failure::Target))
}

/// Delivers a message for this chain: takes its order, runs it, reports it.
///
/// # Errors
/// `MOSV3: Order exist`, `MOSV3: Insufficient gas for execution`.
pub fn deliver_here(host: &Host, message: &MessageOut, forbidden: &[Address]) -> ProgramResult<()> {
    take_order(host, message.order_id)?;
    run_and_record(host, message, forbidden)
}

/// Runs a message whose order is taken, and reports it: `mapMessageIn`, and on failure the hash
/// `retryMessageIn` needs.
///
/// # Errors
/// `MOSV3: Insufficient gas for execution`.
pub fn run_and_record(host: &Host, message: &MessageOut, forbidden: &[Address]) -> ProgramResult<()> {
    match run_here(host, message, forbidden)? {
        Ok(payload) => emit_message_in(host, message, &payload, Ok(())),
        Err(failure) => record_failure(host, message, &failure),
    }
    Ok(())
}

/// Decodes and executes a message for this chain. Returns, when it succeeds, the payload its
/// `mapMessageIn` reports.
///
/// # Errors
/// `MOSV3: Insufficient gas for execution`.
pub fn run_here(host: &Host, message: &MessageOut, forbidden: &[Address]) -> ProgramResult<Result<Bytes, Failure>> {
    Ok(match decode_message(&message.message_data) {
        Ok(data) => execute(host, message, &data, forbidden, TargetGas::Limit)?.map(|_| data.payload),
        Err(failure) => Err(failure),
    })
}

/// Records a failed message: its order slot keeps the hash of its fields for `retryMessageIn`, and
/// `mapMessageIn` reports why with the whole `messageData` as its payload, as MAP's MOS does, so
/// the event holds every field a retry needs.
pub fn record_failure(host: &Host, message: &MessageOut, failure: &Failure) {
    layout::set_order_status(host, message.order_id, failure_hash(host, message));
    emit_message_in(host, message, &message.message_data, Err(failure));
}

/// `mapMessageIn(fromChain, toChain, orderId, fromAddress, payload, result, reason)`.
pub fn emit_message_in(host: &Host, message: &MessageOut, payload: &[u8], outcome: Result<(), &Failure>) {
    let data = TupleWriter::new(5)
        .word(message.order_id)
        .bytes(&message.from_address)
        .bytes(payload)
        .bool(outcome.is_ok())
        .bytes(outcome.err().map_or(&[][..], Failure::reason))
        .finish();
    let topics = [IMOSV3::mapMessageIn::SIGNATURE_HASH, message.from_chain.into(), message.to_chain.into()];
    host.emit(&topics, &data);
}

/// `keccak256(abi.encode(fromChain, toChain, orderId, fromAddress, messageData))`: the `retryMessageIn`
/// arguments, encoded canonically whatever encoding a caller used.
fn failure_hash(host: &Host, message: &MessageOut) -> B256 {
    let fields = TupleWriter::new(5)
        .uint(message.from_chain)
        .uint(message.to_chain)
        .word(message.order_id)
        .bytes(&message.from_address)
        .bytes(&message.message_data)
        .finish();
    host.keccak(&fields)
}

/// The start of every `retryMessageIn`: the delivery lock, not paused, and fields that hash to
/// the order's stored failure. Returns the message they describe.
///
/// # Errors
/// `ReentrancyGuard: reentrant call`, `Pausable: paused`, `MOSV3: Not a failed message` for an
/// unknown, delivered or retried order or for fields that differ from the failed message's.
pub fn begin_retry(host: &Host, args: &[u8]) -> ProgramResult<MessageOut> {
    let mut args = Args::new(args, 5)?;
    guard::lock(host)?;
    config_when_not_paused(host)?;
    let message = MessageOut {
        emitter: Address::ZERO,
        from_chain: args.uint(0),
        to_chain: args.uint(1),
        order_id: args.bytes32(2),
        from_address: Bytes::copy_from_slice(args.bytes(3)?),
        message_data: Bytes::copy_from_slice(args.bytes(4)?),
    };
    require(
        layout::order_status(host, message.order_id) == failure_hash(host, &message),
        revert::NOT_A_FAILED_MESSAGE,
    )?;
    Ok(message)
}

/// Marks a retried message delivered for good and releases the lock.
pub fn end_retry(host: &Host, message: &MessageOut) {
    layout::set_order_status(host, message.order_id, RETRIED);
    guard::unlock(host);
}

/// The rest of `retryMessageIn` for a message executed on this chain: runs it again, and on success
/// reports it in `mapMessageIn` and marks it retried.
///
/// # Errors
/// `MOSV3: Insufficient gas for execution`; the target's revert data (or `Error(reason)` when the
/// MOS refused it again) when it fails again.
pub fn retry_here(host: &Host, message: &MessageOut, forbidden: &[Address]) -> ProgramResult<Vec<u8>> {
    let payload = run_here(host, message, forbidden)?.map_err(Failure::into_revert)?;
    emit_message_in(host, message, &payload, Ok(()));
    end_retry(host, message);
    Ok(Vec::new())
}

/// The logs a light client (or manager) proved, from its answer to `verifyProofData` or
/// `verifyProofDataWithCache`: `(bool success, string message, bytes logs)`. A failed proof reverts
/// with the light client's own message, as MAP's `require(success, message)`.
///
/// # Errors
/// `Error(message)` when the proof failed; empty revert data for an answer that does not decode;
/// `MOSV3: Invalid logs` when `logs` is not an RLP list.
pub fn proven_logs(answer: &[u8]) -> ProgramResult<LogList<'_>> {
    let mut reply = TupleReader::new(answer, 0, 3).map_err(|_| Vec::new())?;
    let success = reply.bool(0, "success").map_err(|_| Vec::new())?;
    let message = reply.bytes(1, "message").map_err(|_| Vec::new())?;
    let logs = reply.bytes(2, "logs").map_err(|_| Vec::new())?;
    if !success {
        return Err(revert::error_bytes(message));
    }
    LogList::new(logs).map_err(|_| revert::error(revert::INVALID_LOGS))
}

/// A proven log, or `MOSV3: Invalid logs`.
///
/// # Errors
/// `MOSV3: Invalid logs` when the log list is malformed at this log or has no such index.
pub fn proven_log<'a>(log: Result<LogView<'a>, RlpError>) -> ProgramResult<LogView<'a>> {
    log.map_err(|_| revert::error(revert::INVALID_LOGS))
}

/// A proven `mapMessageOut`, decoded.
///
/// # Errors
/// `MOSV3: Invalid logs` when it has the event's topic but not its shape.
pub fn message_out(log: &LogView<'_>) -> ProgramResult<MessageOut> {
    MessageOut::from_log(log).map_err(|_| revert::error(revert::INVALID_LOGS))
}

/// `getOrderStatus`'s answer, `(exists, verifiable, nodeType)`: whether the MOS has taken
/// `order_id`, and what the light client (a light node, or the relay's manager) answers to
/// `is_verifiable` (its `isVerifiable` calldata) and `node_type` (its `nodeType` calldata).
///
/// # Errors
/// The light client's revert data, or empty revert data when an answer is not one word.
pub fn order_status(
    host: &Host,
    order_id: B256,
    light_client: Address,
    is_verifiable: &[u8],
    node_type: &[u8],
) -> ProgramResult<Vec<u8>> {
    let verifiable = host.static_call(light_client, is_verifiable)?;
    let node_type = host.static_call(light_client, node_type)?;
    let (verifiable, node_type) = match (TupleReader::new(&verifiable, 0, 1), TupleReader::new(&node_type, 0, 1)) {
        (Ok(verifiable), Ok(node_type)) => {
            (verifiable.bool(0, "verifiable").map_err(|_| Vec::new())?, node_type.uint(0))
        }
        _ => return Err(Vec::new()),
    };
    let exists = !layout::order_status(host, order_id).is_zero();
    Ok(TupleWriter::new(3).bool(exists).bool(verifiable).uint(node_type).finish())
}
