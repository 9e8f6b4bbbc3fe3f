//! [`Host`]: the SDK's host access as the suite's programs use it, each operation priced as Nitro
//! prices it (reference §2).

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use stylus_sdk::call::RawCall;
use stylus_sdk::host::VM;
use stylus_sdk::prelude::*;

/// The host of one entry into a program: stylus-sdk's `VM` (on wasm, the real hostios; in unit
/// tests, [`crate::testing::MemoryHost`]). Cheap to pass by reference; every read goes to the host
/// and its storage cache.
pub struct Host {
    vm: VM,
    /// Transient storage off wasm, where the SDK's host has none.
    #[cfg(not(target_arch = "wasm32"))]
    transient: core::cell::RefCell<alloc::collections::BTreeMap<B256, B256>>,
}

impl Host {
    /// The host of an entry, around the SDK's `VM`.
    pub fn new(vm: VM) -> Self {
        Self {
            vm,
            #[cfg(not(target_arch = "wasm32"))]
            transient: Default::default(),
        }
    }

    /// The word at storage `slot`, through the SDK's storage cache (reference §3).
    pub fn load(&self, slot: U256) -> B256 {
        self.vm.storage_load_bytes32(slot)
    }

    /// Writes `word` at storage `slot` into the storage cache; the cache is flushed before the next
    /// call and at the end of the entry.
    pub fn store(&self, slot: U256, word: B256) {
        // SAFETY: the SDK marks cache writes unsafe because its storage types may alias the slot;
        // the suite's programs address storage only by slot, through this handle.
        #[allow(unsafe_code)]
        unsafe {
            self.vm.storage_cache_bytes32(slot, word)
        };
    }

    /// Writes the cached storage words and empties the cache, so later reads go back to the state.
    pub fn flush_cache(&self) {
        self.vm.flush_cache(true);
    }

    /// `msg.sender` (for a program behind a proxy, the proxy's caller).
    pub fn sender(&self) -> Address {
        self.vm.msg_sender()
    }

    /// `msg.value`.
    pub fn value(&self) -> U256 {
        self.vm.msg_value()
    }

    /// `address(this)`: for a program behind a proxy, the proxy's.
    pub fn this(&self) -> Address {
        self.vm.contract_address()
    }

    /// `block.chainid`.
    pub fn chain_id(&self) -> u64 {
        self.vm.chain_id()
    }

    /// `block.number` (on Arbitrum, the L1 block number).
    pub fn block_number(&self) -> u64 {
        self.vm.block_number()
    }

    /// Gas left to this frame.
    pub fn gas_left(&self) -> u64 {
        self.vm.evm_gas_left()
    }

    /// Ink per gas (`tx.inkPrice`, set by the chain owner; 10,000 by default).
    pub fn ink_price(&self) -> u32 {
        self.vm.tx_ink_price()
    }

    /// Whether `account` has code (Solidity's `isContract`).
    pub fn has_code(&self, account: Address) -> bool {
        self.vm.code_size(account) > 0
    }

    /// keccak256 of `data`, by the host (a fraction of what hashing in wasm costs).
    pub fn keccak(&self, data: &[u8]) -> B256 {
        self.vm.native_keccak256(data)
    }

    /// Emits a log: `topics` (at most four; an event's signature hash first) and its `data`.
    pub fn emit(&self, topics: &[B256], data: &[u8]) {
        let mut buffer = Vec::with_capacity(topics.len() * 32 + data.len());
        for topic in topics {
            buffer.extend_from_slice(topic.as_slice());
        }
        buffer.extend_from_slice(data);
        self.vm.emit_log(&buffer, topics.len());
    }

    /// Calls `to` with `data`, `value` wei and at most `gas` (the SDK's `RawCall`).
    ///
    /// The storage cache is flushed and cleared first, as the SDK's safe calls do: the callee may
    /// call back into this program, which must see this frame's writes, and this frame must re-read
    /// what such a call changed.
    ///
    /// # Errors
    /// The callee's revert data (empty when it halted) when the call fails.
    pub fn call(&self, to: Address, data: &[u8], value: U256, gas: u64) -> Result<Vec<u8>, Vec<u8>> {
        let call = RawCall::new_with_value(&self.vm, value).gas(gas).clear_storage_cache();
        // SAFETY: the cache is flushed and cleared before the call (above), which is what the SDK
        // asks of a caller that may be reentered.
        #[allow(unsafe_code)]
        unsafe {
            call.call(to, data)
        }
    }

    /// `STATICCALL`s `to` with `data` and all gas. Cached writes are flushed first, so the callee
    /// sees them; the cache is kept, as nothing can change in a static call.
    ///
    /// # Errors
    /// The callee's revert data when the call fails.
    pub fn static_call(&self, to: Address, data: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
        let call = RawCall::new_static(&self.vm).flush_storage_cache();
        // SAFETY: a static call cannot change this program's storage; the cache is flushed so the
        // callee reads this frame's writes.
        #[allow(unsafe_code)]
        unsafe {
            call.call(to, data)
        }
    }

    /// The transient word at `key` (EIP-1153).
    pub fn transient_load(&self, key: B256) -> B256 {
        #[cfg(target_arch = "wasm32")]
        {
            transient::load(key)
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            self.transient.borrow().get(&key).copied().unwrap_or_default()
        }
    }

    /// Writes the transient word at `key` (EIP-1153): gone at the end of the transaction.
    pub fn transient_store(&self, key: B256, value: B256) {
        #[cfg(target_arch = "wasm32")]
        transient::store(key, value);
        #[cfg(not(target_arch = "wasm32"))]
        self.transient.borrow_mut().insert(key, value);
    }
}

impl core::fmt::Debug for Host {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Host")
    }
}

/// Transient storage on wasm. stylus-sdk 0.10.10 has no binding for these two hostios (Nitro's
/// `transient_load_bytes32` and `transient_store_bytes32`, reference §2.3), so they are imported
/// here, and only these two.
#[cfg(target_arch = "wasm32")]
#[allow(unsafe_code)]
mod transient {
    use alloy_primitives::B256;

    #[link(wasm_import_module = "vm_hooks")]
    extern "C" {
        fn transient_load_bytes32(key: *const u8, dest: *mut u8);
        fn transient_store_bytes32(key: *const u8, value: *const u8);
    }

    pub(super) fn load(key: B256) -> B256 {
        let mut value = B256::ZERO;
        // SAFETY: both pointers are to 32-byte words.
        unsafe { transient_load_bytes32(key.as_ptr(), value.as_mut_ptr()) };
        value
    }

    pub(super) fn store(key: B256, value: B256) {
        // SAFETY: both pointers are to 32-byte words.
        unsafe { transient_store_bytes32(key.as_ptr(), value.as_ptr()) };
    }
}
