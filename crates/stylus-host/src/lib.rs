//! The Stylus host as small programs use it: Nitro's `vm_hooks` (reference §2.3) behind safe
//! functions, and [`entrypoint!`], which gives a program its `user_entrypoint`, its allocator and a
//! panic handler that traps.
//!
//! Why not stylus-sdk: the SDK's `stylus-core` depends on `regex`, which links `std`, and `std`
//! brings its panic machinery and `core::fmt` into every program (the devnet's `test-reentry-open`,
//! two one-line methods on the SDK, is 20.5 KB of wasm and 8.1 KB of code), paid in Nitro's 24 KiB
//! code limit and in init gas at every uncached entry (reference §4.3). A program built on this
//! crate is `no_std` on wasm and links only the hostios it calls.
//!
//! What the entrypoint does is what the SDK's does with its `reentrant` feature (reference §8):
//! keep the `pay_for_memory_grow` import alive, read the calldata, run the program, flush the
//! storage cache, write the result, return 0 (success) or 1 (revert). There is no blanket
//! reentrancy guard: a program guards what it must itself.

#![no_std]
#![allow(unsafe_code)] // the hostio calls; each says why it is sound
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

extern crate alloc;

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};

#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub use mini_alloc::MiniAlloc;

/// Nitro's host functions, with the signatures of reference §2.3.
mod vm_hooks {
    #[link(wasm_import_module = "vm_hooks")]
    extern "C" {
        pub fn read_args(dest: *mut u8);
        pub fn write_result(data: *const u8, len: usize);
        pub fn pay_for_memory_grow(pages: u16);
        pub fn storage_load_bytes32(key: *const u8, dest: *mut u8);
        pub fn storage_cache_bytes32(key: *const u8, value: *const u8);
        pub fn storage_flush_cache(clear: bool);
        pub fn transient_load_bytes32(key: *const u8, dest: *mut u8);
        pub fn transient_store_bytes32(key: *const u8, value: *const u8);
        pub fn call_contract(
            contract: *const u8,
            calldata: *const u8,
            calldata_len: usize,
            value: *const u8,
            gas: u64,
            return_data_len: *mut usize,
        ) -> u8;
        pub fn static_call_contract(
            contract: *const u8,
            calldata: *const u8,
            calldata_len: usize,
            gas: u64,
            return_data_len: *mut usize,
        ) -> u8;
        pub fn read_return_data(dest: *mut u8, offset: usize, size: usize) -> usize;
        pub fn emit_log(data: *const u8, len: usize, topics: usize);
        pub fn account_code_size(address: *const u8) -> usize;
        pub fn contract_address(address: *mut u8);
        pub fn chainid() -> u64;
        pub fn block_number() -> u64;
        pub fn evm_gas_left() -> u64;
        pub fn msg_sender(sender: *mut u8);
        pub fn msg_value(value: *mut u8);
        pub fn native_keccak256(bytes: *const u8, len: usize, output: *mut u8);
    }
}

/// Gives a program its entrypoint: `entrypoint!(router)` with
/// `fn router(input: &[u8]) -> Result<Vec<u8>, Vec<u8>>` (return data, or revert data).
///
/// Also declares, on wasm, the allocator (a bump allocator over fresh pages, as the SDK's) and a
/// panic handler that traps: a panic ends the call as a Failure, reverting without data
/// (reference §7). Programs are `#![cfg_attr(target_arch = "wasm32", no_std)]`.
#[macro_export]
macro_rules! entrypoint {
    ($router:path) => {
        #[cfg(target_arch = "wasm32")]
        #[global_allocator]
        static ALLOCATOR: $crate::MiniAlloc = $crate::MiniAlloc::INIT;

        #[cfg(target_arch = "wasm32")]
        #[panic_handler]
        fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
            core::arch::wasm32::unreachable()
        }

        /// What Nitro calls: `len` bytes of calldata in, 0 (success) or 1 (revert) out.
        #[allow(unsafe_code)]
        #[no_mangle]
        pub extern "C" fn user_entrypoint(len: usize) -> usize {
            $crate::run(len, $router)
        }
    };
}

/// A program: calldata in; return data, or revert data, out.
pub type Router = fn(&[u8]) -> Result<Vec<u8>, Vec<u8>>;

/// The body of `user_entrypoint`; see [`entrypoint!`].
#[doc(hidden)]
pub fn run(len: usize, router: Router) -> usize {
    // SAFETY: a hostio without pointers. Zero pages only keeps the import, which activation
    // requires of a program whose memory can grow (reference §1.6).
    unsafe { vm_hooks::pay_for_memory_grow(0) };
    let mut input = Vec::with_capacity(len);
    // SAFETY: `input` has room for the `len` bytes the host writes; they are then initialised.
    unsafe {
        vm_hooks::read_args(input.as_mut_ptr());
        input.set_len(len);
    }
    let (output, status) = match router(&input) {
        Ok(output) => (output, 0),
        Err(output) => (output, 1),
    };
    flush_cache(false);
    // SAFETY: the pointer and length are `output`'s.
    unsafe { vm_hooks::write_result(output.as_ptr(), output.len()) };
    status
}

/// The word at storage `key` (through the host's cache, reference §3).
pub fn storage_load(key: U256) -> B256 {
    let key = B256::from(key);
    let mut value = B256::ZERO;
    // SAFETY: both pointers are to 32-byte words.
    unsafe { vm_hooks::storage_load_bytes32(key.as_ptr(), value.as_mut_ptr()) };
    value
}

/// Writes `value` at storage `key` into the host's cache; [`flush_cache`] (or the end of the
/// entry) persists it.
pub fn storage_store(key: U256, value: B256) {
    let key = B256::from(key);
    // SAFETY: both pointers are to 32-byte words.
    unsafe { vm_hooks::storage_cache_bytes32(key.as_ptr(), value.as_ptr()) };
}

/// Writes the cached storage; with `clear`, later reads go back to the state.
pub fn flush_cache(clear: bool) {
    // SAFETY: a hostio without pointers.
    unsafe { vm_hooks::storage_flush_cache(clear) };
}

/// The word at transient storage `key` (EIP-1153).
pub fn transient_load(key: B256) -> B256 {
    let mut value = B256::ZERO;
    // SAFETY: both pointers are to 32-byte words.
    unsafe { vm_hooks::transient_load_bytes32(key.as_ptr(), value.as_mut_ptr()) };
    value
}

/// Writes `value` at transient storage `key` (EIP-1153).
pub fn transient_store(key: B256, value: B256) {
    // SAFETY: both pointers are to 32-byte words.
    unsafe { vm_hooks::transient_store_bytes32(key.as_ptr(), value.as_ptr()) };
}

/// Calls `to` with `calldata`, `value` wei and at most `gas`; `Err` carries the revert data (empty
/// when the callee halted). The storage cache is not touched: callers flush as they need.
///
/// # Errors
/// The callee's revert data when the call fails.
pub fn call(to: Address, calldata: &[u8], value: U256, gas: u64) -> Result<Vec<u8>, Vec<u8>> {
    let value = B256::from(value);
    let mut return_len = 0;
    // SAFETY: the pointers are to an address, `calldata` and a 32-byte word, alive for the call.
    let status = unsafe {
        vm_hooks::call_contract(to.as_ptr(), calldata.as_ptr(), calldata.len(), value.as_ptr(), gas, &mut return_len)
    };
    outcome(status, return_len)
}

/// `STATICCALL`s `to` with `calldata` and all gas.
///
/// # Errors
/// The callee's revert data when the call fails.
pub fn static_call(to: Address, calldata: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    let mut return_len = 0;
    // SAFETY: the pointers are to an address and `calldata`, alive for the call.
    let status = unsafe {
        vm_hooks::static_call_contract(to.as_ptr(), calldata.as_ptr(), calldata.len(), u64::MAX, &mut return_len)
    };
    outcome(status, return_len)
}

/// The return data of the last call, as its status says.
fn outcome(status: u8, len: usize) -> Result<Vec<u8>, Vec<u8>> {
    let mut data = Vec::with_capacity(len);
    if len > 0 {
        // SAFETY: `data` has room for `len` bytes; the host writes at most that many and says how
        // many it wrote.
        unsafe {
            let written = vm_hooks::read_return_data(data.as_mut_ptr(), 0, len);
            data.set_len(written.min(len));
        }
    }
    if status == 0 {
        Ok(data)
    } else {
        Err(data)
    }
}

/// Emits a log with `topics` (at most four) and `data`.
pub fn emit_log(topics: &[B256], data: &[u8]) {
    let mut buffer = Vec::with_capacity(topics.len() * 32 + data.len());
    for topic in topics {
        buffer.extend_from_slice(topic.as_slice());
    }
    buffer.extend_from_slice(data);
    // SAFETY: the pointer and length are `buffer`'s, which starts with `topics.len()` words.
    unsafe { vm_hooks::emit_log(buffer.as_ptr(), buffer.len(), topics.len()) };
}

/// Whether `account` has code (Solidity's `isContract`).
pub fn has_code(account: Address) -> bool {
    // SAFETY: the pointer is to a 20-byte address.
    unsafe { vm_hooks::account_code_size(account.as_ptr()) > 0 }
}

/// `address(this)`.
pub fn contract_address() -> Address {
    let mut address = Address::ZERO;
    // SAFETY: the pointer is to a 20-byte address.
    unsafe { vm_hooks::contract_address(address.as_mut_ptr()) };
    address
}

/// `block.chainid`.
pub fn chain_id() -> u64 {
    // SAFETY: a hostio without pointers.
    unsafe { vm_hooks::chainid() }
}

/// `block.number` (on Arbitrum, the L1 block number).
pub fn block_number() -> u64 {
    // SAFETY: a hostio without pointers.
    unsafe { vm_hooks::block_number() }
}

/// Gas left to this frame.
pub fn gas_left() -> u64 {
    // SAFETY: a hostio without pointers.
    unsafe { vm_hooks::evm_gas_left() }
}

/// `msg.sender`.
pub fn msg_sender() -> Address {
    let mut sender = Address::ZERO;
    // SAFETY: the pointer is to a 20-byte address.
    unsafe { vm_hooks::msg_sender(sender.as_mut_ptr()) };
    sender
}

/// `msg.value`.
pub fn msg_value() -> U256 {
    let mut value = B256::ZERO;
    // SAFETY: the pointer is to a 32-byte word.
    unsafe { vm_hooks::msg_value(value.as_mut_ptr()) };
    value.into()
}

/// keccak256 of `data`, by the host.
pub fn keccak(data: &[u8]) -> B256 {
    let mut hash = B256::ZERO;
    // SAFETY: the pointers are to `data` and a 32-byte word.
    unsafe { vm_hooks::native_keccak256(data.as_ptr(), data.len(), hash.as_mut_ptr()) };
    hash
}
