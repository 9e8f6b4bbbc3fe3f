//! The two guards of delivery: the gas guard ([`call_with_gas`]) and the delivery lock ([`lock`],
//! [`unlock`]).

use alloc::vec::Vec;

use alloy_primitives::{b256, Address, B256, U256};
use mos_program::{Host, ProgramResult};

use crate::revert;

/// Transient slot of the delivery lock: `keccak256("mos.delivery.lock")`.
const DELIVERY_LOCK: B256 = b256!("0xdb07e54a1929e76fe6888e13051fd7502e2c0e06fd798f2980af8524c215f794");

/// What a call costs before the callee's gas is set aside: the cold-account surcharge (2,600),
/// the call hostio's ink and the instructions between the check and the call, with margin.
const CALL_RESERVE: u64 = 3_500;

/// Calls `to` with `data` and exactly `gas`, after making sure this frame can give that much:
/// the gas-griefing guard. EIP-150 lets a call have at most 63/64 of what is left after its base
/// cost, so a relayer who sends too little gas could otherwise make a target fail that would have
/// succeeded with its `gasLimit`; here the whole transaction reverts instead and the message stays
/// deliverable.
///
/// # Errors
/// `MOSV3: Insufficient gas for execution` when the frame cannot give `gas`; `Ok(Err(data))`
/// carries the callee's revert data when the call itself fails.
pub fn call_with_gas(host: &Host, to: Address, data: &[u8], gas: u64) -> ProgramResult<Result<Vec<u8>, Vec<u8>>> {
    // Flush first: writing the cached slots costs gas the callee must not be counted on.
    host.flush_cache();
    let needed = gas.saturating_add(gas.div_ceil(63)).saturating_add(CALL_RESERVE);
    if host.gas_left() < needed {
        return Err(revert::error(revert::INSUFFICIENT_GAS));
    }
    Ok(host.call(to, data, U256::ZERO, gas))
}

/// Takes the delivery lock: `transferIn`, `transferInWithIndex` and `retryMessageIn` exclude one
/// another, so a target cannot deliver another proof while it executes. Views, `addRemoteCaller`
/// and `transferOut` stay open to targets. Transient storage (EIP-1153): 200 gas for the pair, and
/// it is gone at the end of the transaction whatever happens.
///
/// # Errors
/// `ReentrancyGuard: reentrant call` when the lock is held.
pub fn lock(host: &Host) -> ProgramResult<()> {
    if !host.transient_load(DELIVERY_LOCK).is_zero() {
        return Err(revert::error(revert::REENTRANT));
    }
    host.transient_store(DELIVERY_LOCK, B256::with_last_byte(1));
    Ok(())
}

/// Releases the delivery lock, so that another delivery in the same transaction can run.
pub fn unlock(host: &Host) {
    host.transient_store(DELIVERY_LOCK, B256::ZERO);
}
