//! The two guards of delivery: the gas guard ([`call_with_gas`]) and the delivery lock ([`lock`],
//! [`unlock`]).

use alloc::vec::Vec;

use alloy_primitives::{b256, Address, B256, U256};
use mos_program::{Host, ProgramResult};

use crate::revert;

/// Transient slot of the delivery lock: `keccak256("mos.delivery.lock")`.
const DELIVERY_LOCK: B256 = b256!("0xdb07e54a1929e76fe6888e13051fd7502e2c0e06fd798f2980af8524c215f794");

/// What a call costs before the callee's gas is set aside, besides reading its calldata
/// ([`calldata_read_gas`]): the cold-account surcharge (2,600), the call hostio's base ink and the
/// instructions between the check and the call, with margin.
const CALL_RESERVE: u64 = 3_500;

/// How much gas a message's target is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetGas {
    /// Exactly the message's `gasLimit`: a delivery on its destination, as MAP's
    /// `target.call{gas: gasLimit}`.
    Limit(u64),
    /// At least the message's `gasLimit` and otherwise everything left but `reserve`, kept for what
    /// runs after the target: a `relay` message executed on the relay chain, which MAP calls with
    /// all its gas (`target.call(payload)`) before forwarding what it returned.
    AllBut {
        /// The message's `gasLimit`: the transaction must leave the target at least this.
        gas_limit: u64,
        /// Gas kept back for the rest of the delivery.
        reserve: u64,
    },
}

impl TargetGas {
    /// The least the target may be given, and the gas kept back after it.
    fn bounds(self) -> (u64, u64) {
        match self {
            Self::Limit(gas_limit) => (gas_limit, 0),
            Self::AllBut { gas_limit, reserve } => (gas_limit, reserve),
        }
    }
}

/// Gas the call hostio charges for reading `len` bytes of calldata out of the program's memory,
/// before it sets the callee's gas aside: `2 × read_price(len)` ink (reference §2.1, §2.2
/// `call_contract`), at the chain's ink price, rounded up.
fn calldata_read_gas(len: usize, ink_price: u32) -> u64 {
    let len = u64::try_from(len).unwrap_or(u64::MAX);
    let ink = 2 * (16_381 + 55 * len.saturating_sub(32));
    ink.div_ceil(u64::from(ink_price.max(1))) + 1
}

/// Calls `to` with `data` and the gas `gas` says, after making sure this frame can give the
/// target at least its `gasLimit`: the gas-griefing guard. EIP-150 lets a call have at most 63/64
/// of what is left after its base cost, so a relayer who sends too little gas could otherwise make
/// a target fail that would have succeeded with its `gasLimit`; here the whole transaction reverts
/// instead and the message stays deliverable. What the call costs before the callee's gas is set
/// aside, reading a large calldata included, is counted, so a 100 KiB payload still gets its
/// whole `gasLimit`.
///
/// # Errors
/// `MOSV3: Insufficient gas for execution` when the frame cannot give the `gasLimit` (and keep
/// the reserve); `Ok(Err(data))` carries the callee's revert data when the call itself fails.
pub fn call_with_gas(host: &Host, to: Address, data: &[u8], gas: TargetGas) -> ProgramResult<Result<Vec<u8>, Vec<u8>>> {
    // Flush first: writing the cached slots costs gas the callee must not be counted on.
    host.flush_cache();
    let (gas_limit, reserve) = gas.bounds();
    let overhead = CALL_RESERVE.saturating_add(calldata_read_gas(data.len(), host.ink_price()));
    let needed = gas_limit.saturating_add(gas_limit.div_ceil(63)).saturating_add(overhead).saturating_add(reserve);
    let left = host.gas_left();
    if left < needed {
        return Err(revert::error(revert::INSUFFICIENT_GAS));
    }
    let given = match gas {
        TargetGas::Limit(gas_limit) => gas_limit,
        // The hostio gives at most 63/64 of what is left then; at least `gas_limit`, as checked.
        TargetGas::AllBut { .. } => left - reserve - overhead,
    };
    Ok(host.call(to, data, U256::ZERO, given))
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

#[cfg(test)]
mod tests {
    use super::calldata_read_gas;

    #[test]
    fn reading_calldata_costs_what_nitros_read_price_says() {
        // 2 × (16,381 + 55 × (102,400 − 32)) ink = 11,293,242 ink: 1,130 gas at 10,000 ink per gas.
        assert_eq!(calldata_read_gas(100 * 1024, 10_000), 1_131);
        assert_eq!(calldata_read_gas(0, 10_000), 5);
        assert_eq!(calldata_read_gas(100, 0), 32_762 + 2 * 55 * 68 + 1);
    }
}
