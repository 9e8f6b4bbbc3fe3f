//! [`Mos`]: the host as the MOS uses it, each operation priced as Nitro prices it (reference §2):
//! storage words, calls that flush the storage cache first, logs, and the transient-storage lock.

use alloc::vec::Vec;

use alloy_primitives::{b256, Address, B256, U256};
use stylus_host as host;

use crate::{revert, MosResult};

/// Transient slot of the delivery lock: `keccak256("mos.delivery.lock")`.
const DELIVERY_LOCK: B256 = b256!("0xdb07e54a1929e76fe6888e13051fd7502e2c0e06fd798f2980af8524c215f794");

/// What a call costs before the callee's gas is set aside: the cold-account surcharge (2,600),
/// the call hostio's ink and the instructions between the check and the call, with margin.
const CALL_RESERVE: u64 = 3_500;

/// The host, as the MOS uses it. Stateless: every read goes to the host (and its storage cache).
#[derive(Debug, Clone, Copy, Default)]
pub struct Mos;

impl Mos {
    /// The word at `slot`.
    pub fn load(&self, slot: U256) -> B256 {
        host::storage_load(slot)
    }

    /// Writes `word` at `slot` (cached; flushed before the next call and at the end of the entry).
    pub fn store(&self, slot: U256, word: B256) {
        host::storage_store(slot, word);
    }

    /// `msg.sender` (the proxy's caller: the program runs by delegatecall).
    pub fn sender(&self) -> Address {
        host::msg_sender()
    }

    /// `msg.value`.
    pub fn value(&self) -> U256 {
        host::msg_value()
    }

    /// `address(this)`: the address dApps call, the proxy's.
    pub fn this(&self) -> Address {
        host::contract_address()
    }

    /// `block.chainid`, the interface's `selfChainId`.
    pub fn self_chain(&self) -> U256 {
        U256::from(host::chain_id())
    }

    /// Whether `account` has code (Solidity's `isContract`).
    pub fn has_code(&self, account: Address) -> bool {
        host::has_code(account)
    }

    /// keccak256 of `data`, by the host (a fraction of what wasm hashing costs).
    pub fn keccak(&self, data: &[u8]) -> B256 {
        host::keccak(data)
    }

    /// Emits a log: `topics` (the event's signature hash first) and ABI-encoded `data`.
    pub fn emit(&self, topics: &[B256], data: &[u8]) {
        host::emit_log(topics, data);
    }

    /// Calls `to` with `data`, `value` wei and at most `gas`; `Err` carries the revert data.
    ///
    /// The storage cache is flushed and cleared first, as the SDK's `call()` does: the callee may
    /// call back into the MOS, which must see this frame's writes, and this frame must re-read what
    /// such a call changed.
    ///
    /// # Errors
    /// The callee's revert data (empty when it halted) when the call fails.
    pub fn call(&self, to: Address, data: &[u8], value: U256, gas: u64) -> Result<Vec<u8>, Vec<u8>> {
        host::flush_cache(true);
        host::call(to, data, value, gas)
    }

    /// Calls `to` with `data` and exactly `gas`, after making sure this frame can give that much:
    /// the gas-griefing guard. EIP-150 lets a call have at most 63/64 of what is left after its
    /// base cost, so a relayer who sends too little gas could otherwise make a target fail that
    /// would have succeeded with its `gasLimit`; here the whole transaction reverts instead and the
    /// message stays deliverable.
    ///
    /// # Errors
    /// `MOSV3: Insufficient gas for execution` when the frame cannot give `gas`; `Ok(Err(data))`
    /// carries the callee's revert data when the call itself fails.
    pub fn call_with_gas(&self, to: Address, data: &[u8], gas: u64) -> MosResult<Result<Vec<u8>, Vec<u8>>> {
        // Flush first: writing the cached slots costs gas the callee must not be counted on.
        host::flush_cache(true);
        let needed = gas.saturating_add(gas.div_ceil(63)).saturating_add(CALL_RESERVE);
        if host::gas_left() < needed {
            return Err(revert::error(revert::INSUFFICIENT_GAS));
        }
        Ok(host::call(to, data, U256::ZERO, gas))
    }

    /// `STATICCALL`s `to` with `data` and all gas. Cached writes are flushed first, so the callee
    /// sees them; the cache is kept, as nothing can change in a static call.
    ///
    /// # Errors
    /// The callee's revert data when the call fails.
    pub fn static_call(&self, to: Address, data: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
        host::flush_cache(false);
        host::static_call(to, data)
    }

    /// Takes the delivery lock: `transferIn`, `transferInWithIndex` and `retryMessageIn` exclude
    /// one another, so a target cannot deliver another proof while it executes. Views,
    /// `addRemoteCaller` and `transferOut` stay open to targets. Transient storage (EIP-1153):
    /// 200 gas for the pair, and it is gone at the end of the transaction whatever happens.
    ///
    /// # Errors
    /// `ReentrancyGuard: reentrant call` when the lock is held.
    pub fn lock(&self) -> MosResult<()> {
        if !host::transient_load(DELIVERY_LOCK).is_zero() {
            return Err(revert::error(revert::REENTRANT));
        }
        host::transient_store(DELIVERY_LOCK, B256::with_last_byte(1));
        Ok(())
    }

    /// Releases the delivery lock, so that another delivery in the same transaction can run.
    pub fn unlock(&self) {
        host::transient_store(DELIVERY_LOCK, B256::ZERO);
    }
}
