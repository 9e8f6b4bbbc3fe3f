//! `test-probe`: a Stylus program with one method per hostio family, each returning what the host
//! gave it, so the devnet's tests can hold every hostio to Nitro's semantics
//! (`docs/spec/nitro-stylus-reference.md` §2, §3, §7).
//!
//! Storage and transient-storage methods address slots by their raw key (no Solidity layout), so a
//! test can read them back with `eth_getStorageAt`. The SDK's entrypoint flushes the storage cache
//! after every method, on success and on revert; `storeThenExit` shows what happens without it.
//!
//! Methods are grouped by the hostios they exercise; selectors are listed in
//! `crates/devnet/test-programs/README.md`.
//!
//! ```solidity
//! interface ITestProbe {
//!     // storage_load_bytes32, storage_cache_bytes32, storage_flush_cache
//!     function load(bytes32 key) external view returns (bytes32);
//!     function store(bytes32 key, bytes32 value) external;
//!     function storeFlushed(bytes32 key, bytes32 value, bool clear) external returns (bytes32 loaded);
//!     function storeThenExit(bytes32 key, bytes32 value) external;
//!     function storeThenRevert(bytes32 key, bytes32 value) external;
//!     // transient_load_bytes32, transient_store_bytes32
//!     function tload(bytes32 key) external view returns (bytes32);
//!     function tstore(bytes32 key, bytes32 value) external;
//!     // emit_log
//!     function emitLog(bytes32[] topics, bytes data) external;
//!     // account_balance, account_codehash, account_code(_size), contract_address
//!     function accountBalance(address account) external view returns (uint256);
//!     function accountCodehash(address account) external view returns (bytes32);
//!     function accountCode(address account) external view returns (bytes);
//!     function accountCodeSlice(address account, uint32 offset, uint32 size)
//!         external view returns (uint32 written, bytes code);
//!     function accountCodeSize(address account) external view returns (uint256);
//!     function contractAddress() external view returns (address);
//!     // block_basefee, block_coinbase, block_gas_limit, block_number, block_timestamp, chainid
//!     function blockInfo() external view
//!         returns (uint256 basefee, address coinbase, uint64 gasLimit, uint64 number, uint64 timestamp);
//!     function chainId() external view returns (uint64);
//!     // msg_sender, msg_value, msg_reentrant
//!     function msgInfo() external payable returns (address sender, uint256 value, bool reentrant);
//!     // tx_gas_price, tx_origin, tx_ink_price
//!     function txInfo() external view returns (uint256 gasPrice, address origin, uint32 inkPrice);
//!     // evm_gas_left, evm_ink_left
//!     function gasLeft() external view returns (uint64 gas, uint64 ink);
//!     // math_div, math_mod, math_pow, math_add_mod, math_mul_mod
//!     function mathDiv(uint256 value, uint256 divisor) external view returns (uint256);
//!     function mathMod(uint256 value, uint256 modulus) external view returns (uint256);
//!     function mathPow(uint256 value, uint256 exponent) external view returns (uint256);
//!     function mathAddMod(uint256 value, uint256 addend, uint256 modulus) external view returns (uint256);
//!     function mathMulMod(uint256 value, uint256 multiplier, uint256 modulus) external view returns (uint256);
//!     // native_keccak256
//!     function keccak(bytes data) external view returns (bytes32);
//!     // exit_early; read_args and write_result with large data
//!     function exitEarly(uint32 status, bytes data) external;
//!     function echo(bytes data) external view returns (bytes);
//!     function largeReturn(uint32 len) external view returns (bytes);
//!     function revertWith(bytes data) external view;
//!     // memory.grow (pay_for_memory_grow), ink metering, the shadow stack, the depth checker, traps
//!     function growMemory(uint32 pages) external view returns (uint32 previousPages);
//!     function burn(uint64 iterations) external view returns (uint64);
//!     function recurse(uint64 depth) external view returns (uint64);
//!     function recurseInMemory(uint64 depth) external view returns (uint64);
//!     function trap() external view;
//! }
//! ```

// This program exists to call hostios directly, which is unsafe by nature.
#![allow(unsafe_code)]
// `#[entrypoint]` generates an undocumented `user_entrypoint`.
#![allow(missing_docs)]

extern crate alloc;

use alloc::vec::Vec;

use stylus_sdk::abi::Bytes;
use stylus_sdk::alloy_primitives::{Address, B256, U256};
use stylus_sdk::prelude::*;

/// The `vm_hooks` imports stylus-sdk 0.10 does not declare at all (reference §8), with Nitro's
/// signatures (reference §2.3).
mod vm_hooks {
    #[link(wasm_import_module = "vm_hooks")]
    extern "C" {
        /// Ends the program with `status` and the last `write_result`, without flushing storage.
        pub fn exit_early(status: u32) -> !;
        pub fn transient_load_bytes32(key: *const u8, dest: *mut u8);
        pub fn transient_store_bytes32(key: *const u8, value: *const u8);
        /// `*value /= *divisor` on 32-byte big-endian words; all the math hostios work in place.
        pub fn math_div(value: *mut u8, divisor: *const u8);
        pub fn math_mod(value: *mut u8, modulus: *const u8);
        pub fn math_pow(value: *mut u8, exponent: *const u8);
        pub fn math_add_mod(value: *mut u8, addend: *const u8, modulus: *const u8);
        pub fn math_mul_mod(value: *mut u8, multiplier: *const u8, modulus: *const u8);
    }
}

/// The program; it keeps no typed state of its own.
#[storage]
#[entrypoint]
pub struct Probe {}

#[public]
impl Probe {
    /// The word at slot `key` (`storage_load_bytes32`).
    pub fn load(&self, key: B256) -> B256 {
        self.vm().storage_load_bytes32(key.into())
    }

    /// Writes `value` at slot `key` into the storage cache (`storage_cache_bytes32`); the
    /// entrypoint's final flush persists it.
    pub fn store(&mut self, key: B256, value: B256) {
        self.cache(key, value);
    }

    /// Writes `value` at slot `key`, flushes the cache at once (`storage_flush_cache(clear)`) and
    /// returns the slot as loaded after the flush (from the host when `clear` emptied the cache).
    pub fn store_flushed(&mut self, key: B256, value: B256, clear: bool) -> B256 {
        self.cache(key, value);
        self.vm().flush_cache(clear);
        self.vm().storage_load_bytes32(key.into())
    }

    /// Writes `value` at slot `key` into the cache, then `exit_early(0)`: nothing flushes, so Nitro
    /// discards the write and the call still succeeds.
    pub fn store_then_exit(&mut self, key: B256, value: B256) {
        self.cache(key, value);
        // SAFETY: `exit_early` takes no pointers.
        unsafe { vm_hooks::exit_early(0) }
    }

    /// Writes `value` at slot `key`, then reverts with empty data: the entrypoint flushes the
    /// write and the revert rolls it back.
    ///
    /// # Errors
    ///
    /// Always; that is its purpose.
    pub fn store_then_revert(&mut self, key: B256, value: B256) -> Result<(), Vec<u8>> {
        self.cache(key, value);
        Err(Vec::new())
    }

    /// The transient word at `key` (`transient_load_bytes32`).
    pub fn tload(&self, key: B256) -> B256 {
        let mut value = B256::ZERO;
        // SAFETY: both pointers are to 32-byte words.
        unsafe {
            vm_hooks::transient_load_bytes32(key.as_ptr(), value.as_mut_ptr());
        }
        value
    }

    /// Sets the transient word at `key` (`transient_store_bytes32`); fails in a static call.
    pub fn tstore(&mut self, key: B256, value: B256) {
        // SAFETY: both pointers are to 32-byte words.
        unsafe {
            vm_hooks::transient_store_bytes32(key.as_ptr(), value.as_ptr());
        }
    }

    /// Emits a log with `topics` and `data` (`emit_log`). More than 4 topics is passed on as it
    /// is, so the host's refusal (a Failure) can be tested too.
    pub fn emit_log(&mut self, topics: Vec<B256>, data: Bytes) {
        let mut input = Vec::with_capacity(topics.len() * 32 + data.len());
        topics.iter().for_each(|topic| input.extend_from_slice(topic.as_slice()));
        input.extend_from_slice(&data);
        self.vm().emit_log(&input, topics.len());
    }

    /// The balance of `account` in wei (`account_balance`).
    pub fn account_balance(&self, account: Address) -> U256 {
        self.vm().balance(account)
    }

    /// The code hash of `account` (`account_codehash`).
    pub fn account_codehash(&self, account: Address) -> B256 {
        self.vm().code_hash(account)
    }

    /// The whole code of `account` (`account_code_size`, then `account_code`).
    pub fn account_code(&self, account: Address) -> Bytes {
        self.vm().code(account).into()
    }

    /// Up to `size` bytes of `account`'s code from `offset` (`account_code`), with the count the
    /// host says it wrote; unlike `EXTCODECOPY` nothing is padded.
    pub fn account_code_slice(&self, account: Address, offset: u32, size: u32) -> (u32, Bytes) {
        let mut code = alloc::vec![0u8; size as usize];
        // SAFETY: `code` has room for the `size` bytes the host may write.
        let written = unsafe {
            stylus_sdk::hostio::account_code(account.as_ptr(), offset as usize, size as usize, code.as_mut_ptr())
        };
        code.truncate(written);
        (u32::try_from(written).unwrap_or(u32::MAX), code.into())
    }

    /// The code size of `account` (`account_code_size`).
    pub fn account_code_size(&self, account: Address) -> U256 {
        U256::from(self.vm().code_size(account))
    }

    /// This program's address (`contract_address`).
    pub fn contract_address(&self) -> Address {
        self.vm().contract_address()
    }

    /// The block's basefee, coinbase, gas limit, number and timestamp (`block_*`).
    pub fn block_info(&self) -> (U256, Address, u64, u64, u64) {
        let vm = self.vm();
        (vm.block_basefee(), vm.block_coinbase(), vm.block_gas_limit(), vm.block_number(), vm.block_timestamp())
    }

    /// The chain id (`chainid`).
    pub fn chain_id(&self) -> u64 {
        self.vm().chain_id()
    }

    /// The caller, the value sent and whether this frame re-enters the program (`msg_sender`,
    /// `msg_value`, `msg_reentrant`). Payable so that tests can send value.
    #[payable]
    pub fn msg_info(&mut self) -> (Address, U256, bool) {
        let vm = self.vm();
        (vm.msg_sender(), vm.msg_value(), vm.msg_reentrant())
    }

    /// The transaction's gas price, origin and ink price (`tx_gas_price`, `tx_origin`,
    /// `tx_ink_price`).
    pub fn tx_info(&self) -> (U256, Address, u32) {
        let vm = self.vm();
        (vm.tx_gas_price(), vm.tx_origin(), vm.tx_ink_price())
    }

    /// Gas and ink left, each read once (`evm_gas_left`, `evm_ink_left`).
    pub fn gas_left(&self) -> (u64, u64) {
        let vm = self.vm();
        (vm.evm_gas_left(), vm.evm_ink_left())
    }

    /// `value / divisor`, 0 when `divisor` is 0 (`math_div`).
    pub fn math_div(&self, value: U256, divisor: U256) -> U256 {
        let (mut value, divisor) = (B256::from(value), B256::from(divisor));
        // SAFETY: every pointer is to a 32-byte word.
        unsafe { vm_hooks::math_div(value.as_mut_ptr(), divisor.as_ptr()) };
        value.into()
    }

    /// `value % modulus`, 0 when `modulus` is 0 (`math_mod`).
    pub fn math_mod(&self, value: U256, modulus: U256) -> U256 {
        let (mut value, modulus) = (B256::from(value), B256::from(modulus));
        // SAFETY: every pointer is to a 32-byte word.
        unsafe { vm_hooks::math_mod(value.as_mut_ptr(), modulus.as_ptr()) };
        value.into()
    }

    /// `value ** exponent` modulo 2^256 (`math_pow`).
    pub fn math_pow(&self, value: U256, exponent: U256) -> U256 {
        let (mut value, exponent) = (B256::from(value), B256::from(exponent));
        // SAFETY: every pointer is to a 32-byte word.
        unsafe { vm_hooks::math_pow(value.as_mut_ptr(), exponent.as_ptr()) };
        value.into()
    }

    /// `(value + addend) % modulus` without overflow, 0 when `modulus` is 0 (`math_add_mod`).
    pub fn math_add_mod(&self, value: U256, addend: U256, modulus: U256) -> U256 {
        let (mut value, addend, modulus) = (B256::from(value), B256::from(addend), B256::from(modulus));
        // SAFETY: every pointer is to a 32-byte word.
        unsafe { vm_hooks::math_add_mod(value.as_mut_ptr(), addend.as_ptr(), modulus.as_ptr()) };
        value.into()
    }

    /// `(value * multiplier) % modulus` without overflow, 0 when `modulus` is 0 (`math_mul_mod`).
    pub fn math_mul_mod(&self, value: U256, multiplier: U256, modulus: U256) -> U256 {
        let (mut value, multiplier, modulus) = (B256::from(value), B256::from(multiplier), B256::from(modulus));
        // SAFETY: every pointer is to a 32-byte word.
        unsafe { vm_hooks::math_mul_mod(value.as_mut_ptr(), multiplier.as_ptr(), modulus.as_ptr()) };
        value.into()
    }

    /// keccak256 of `data` (`native_keccak256`).
    pub fn keccak(&self, data: Bytes) -> B256 {
        self.vm().native_keccak256(&data)
    }

    /// Sets `data` as the result and calls `exit_early(status)`: 0 succeeds and any other status
    /// reverts, either way returning `data` as it is, not ABI-encoded.
    pub fn exit_early(&mut self, status: u32, data: Bytes) {
        self.vm().write_result(&data);
        // SAFETY: `exit_early` takes no pointers.
        unsafe { vm_hooks::exit_early(status) }
    }

    /// Returns `data` (large calldata in through `read_args`, large output through `write_result`).
    pub fn echo(&self, data: Bytes) -> Bytes {
        data
    }

    /// Returns `len` bytes counting up from 0 (wrapping at 256).
    pub fn large_return(&self, len: u32) -> Bytes {
        (0..len).map(|i| i as u8).collect::<Vec<u8>>().into()
    }

    /// Reverts with `data` as it is, not ABI-encoded.
    ///
    /// # Errors
    ///
    /// Always; that is its purpose.
    pub fn revert_with(&self, data: Bytes) -> Result<(), Vec<u8>> {
        Err(data.to_vec())
    }

    /// Grows memory by `pages` wasm pages (`memory.grow`, metered through `pay_for_memory_grow`)
    /// and returns the size before, in pages; `u32::MAX` when the growth was refused.
    pub fn grow_memory(&self, pages: u32) -> u32 {
        u32::try_from(memory_grow(pages as usize)).unwrap_or(u32::MAX)
    }

    /// Runs `iterations` rounds of a linear congruential generator and returns the last state;
    /// a large count runs out of ink.
    pub fn burn(&self, iterations: u64) -> u64 {
        let mut state = 0u64;
        for _ in 0..iterations {
            state = core::hint::black_box(state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1));
        }
        state
    }

    /// Recurses `depth` times with nothing in linear memory, and returns `depth`. A depth over
    /// about 2,000 exhausts the 22,000-word budget of Nitro's depth checker: out of stack, all gas
    /// consumed.
    pub fn recurse(&self, depth: u64) -> u64 {
        recurse_in_frames(depth)
    }

    /// Recurses `depth` times keeping 256 bytes per level on rustc's shadow stack, and returns
    /// `depth`. A depth over about 100 runs past the 32 KiB shadow stack: an out-of-bounds access,
    /// so the call fails without data and keeps its gas.
    pub fn recurse_in_memory(&self, depth: u64) -> u64 {
        recurse_on_shadow_stack(depth)
    }

    /// Executes `unreachable`: a trap, so the call fails with no return data.
    pub fn trap(&self) {
        std::process::abort()
    }
}

impl Probe {
    /// Writes `value` at slot `key` into the host's storage cache.
    fn cache(&self, key: B256, value: B256) {
        // SAFETY: the program keeps no storage references that this write could alias.
        unsafe {
            self.vm().storage_cache_bytes32(key.into(), value);
        }
    }
}

/// `memory.grow` of the program's memory: the previous size in pages, or `usize::MAX`.
#[cfg(target_arch = "wasm32")]
fn memory_grow(pages: usize) -> usize {
    core::arch::wasm32::memory_grow(0, pages)
}

/// Off wasm the program only type-checks; there is no wasm memory to grow.
#[cfg(not(target_arch = "wasm32"))]
fn memory_grow(_pages: usize) -> usize {
    usize::MAX
}

/// Words of the buffer [`recurse_on_shadow_stack`] keeps per level. With the copy `black_box`
/// makes, a level takes 256 bytes of shadow stack, so 32 KiB runs out after about 100 levels, far
/// before Nitro's depth checker would stop it.
const SHADOW_FRAME_WORDS: usize = 16;

/// Counts down to 0 with one wasm call frame per level and returns `depth`, keeping nothing in
/// linear memory, so that only Nitro's depth checker limits how deep it goes. Choosing on the
/// inner result keeps LLVM from turning the recursion into a loop.
#[inline(never)]
fn recurse_in_frames(depth: u64) -> u64 {
    if depth == 0 {
        return 0;
    }
    let below = recurse_in_frames(depth - 1);
    if below == depth - 1 {
        depth
    } else {
        below
    }
}

/// Like [`recurse_in_frames`], but every level also keeps a buffer on rustc's shadow stack in
/// linear memory, which a deep call overruns: an out-of-bounds access, that is a trap.
#[inline(never)]
fn recurse_on_shadow_stack(depth: u64) -> u64 {
    let frame = core::hint::black_box([depth; SHADOW_FRAME_WORDS]);
    if frame[0] == 0 {
        return 0;
    }
    let below = recurse_on_shadow_stack(frame[0] - 1);
    if below == depth - 1 {
        depth
    } else {
        below
    }
}
