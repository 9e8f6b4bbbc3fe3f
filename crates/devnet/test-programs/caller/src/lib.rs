//! `test-caller`: a Stylus program that makes calls and creates contracts through the raw
//! hostios, with the caller's choice of calldata, value and gas, and reports exactly what the host
//! answered (reference §2.2, §2.4, §7).
//!
//! Status values are the hostio's: 0 for success, non-zero for a revert or failure. Before every
//! call or create the program flushes and clears its storage cache, as the SDK's `call()` does, so
//! the callee sees the program's writes and the program re-reads anything the callee changed.
//!
//! Calling `staticCall(probe, <probe.store(…) calldata>, gas)` is the write-in-a-static-call test:
//! the flush in the callee fails, so the status is non-zero and the return data empty.
//!
//! ```solidity
//! interface ITestCaller {
//!     function callContract(address target, bytes data, uint256 value, uint64 gas)
//!         external payable returns (uint8 status, bytes returnData);
//!     function delegateCall(address target, bytes data, uint64 gas)
//!         external returns (uint8 status, bytes returnData);
//!     function staticCall(address target, bytes data, uint64 gas)
//!         external view returns (uint8 status, bytes returnData);
//!     function readReturnData(address target, bytes data, uint32 offset, uint32 size)
//!         external returns (uint8 status, uint32 returnDataSize, bytes slice);
//!     function create1(bytes initCode, uint256 endowment)
//!         external payable returns (address created, bytes revertData);
//!     function create2(bytes initCode, uint256 endowment, bytes32 salt)
//!         external payable returns (address created, bytes revertData);
//!     function writeThenCall(bytes32 key, bytes32 value, address target, bytes data, bool propagate)
//!         external returns (uint8 status, bytes returnData);
//!     function callSequence(address target, bytes[] calls) external returns (bytes[] results);
//!     function load(bytes32 key) external view returns (bytes32);
//! }
//! ```
//!
//! Selectors are listed in `crates/devnet/test-programs/README.md`.

// This program exists to call hostios directly, which is unsafe by nature.
#![allow(unsafe_code)]
// `#[entrypoint]` generates an undocumented `user_entrypoint`.
#![allow(missing_docs)]

extern crate alloc;

use alloc::vec::Vec;

use stylus_sdk::abi::Bytes;
use stylus_sdk::alloy_primitives::{Address, B256, U256};
use stylus_sdk::prelude::*;

/// The program; it keeps no typed state of its own.
#[storage]
#[entrypoint]
pub struct Caller {}

#[public]
impl Caller {
    /// `CALL`s `target` with `data`, `value` wei of this program's balance and at most `gas`
    /// (`call_contract`); payable so a test can fund the call in the same transaction.
    #[payable]
    pub fn call_contract(&mut self, target: Address, data: Bytes, value: U256, gas: u64) -> (u8, Bytes) {
        let value = B256::from(value);
        self.vm().flush_cache(true);
        let mut return_len = 0;
        // SAFETY: the pointers are to an address, `data` and a 32-byte value, all alive for the call.
        let status = unsafe {
            self.vm().call_contract(target.as_ptr(), data.as_ptr(), data.len(), value.as_ptr(), gas, &mut return_len)
        };
        (status, self.vm().read_return_data(0, None).into())
    }

    /// `DELEGATECALL`s `target` with `data` and at most `gas` (`delegate_call_contract`): the
    /// callee runs on this program's storage, balance and `msg`.
    pub fn delegate_call(&mut self, target: Address, data: Bytes, gas: u64) -> (u8, Bytes) {
        self.vm().flush_cache(true);
        let mut return_len = 0;
        // SAFETY: the pointers are to an address and `data`, alive for the call.
        let status = unsafe {
            self.vm().delegate_call_contract(target.as_ptr(), data.as_ptr(), data.len(), gas, &mut return_len)
        };
        (status, self.vm().read_return_data(0, None).into())
    }

    /// `STATICCALL`s `target` with `data` and at most `gas` (`static_call_contract`).
    pub fn static_call(&self, target: Address, data: Bytes, gas: u64) -> (u8, Bytes) {
        self.vm().flush_cache(true);
        let mut return_len = 0;
        // SAFETY: the pointers are to an address and `data`, alive for the call.
        let status =
            unsafe { self.vm().static_call_contract(target.as_ptr(), data.as_ptr(), data.len(), gas, &mut return_len) };
        (status, self.vm().read_return_data(0, None).into())
    }

    /// Calls `target` with `data` and all gas, then reads only `size` bytes of the return data
    /// from `offset` (`return_data_size`, `read_return_data`), which may be fewer than asked.
    pub fn read_return_data(&mut self, target: Address, data: Bytes, offset: u32, size: u32) -> (u8, u32, Bytes) {
        self.vm().flush_cache(true);
        let mut return_len = 0;
        // SAFETY: the pointers are to an address, `data` and a zero word, alive for the call.
        let status = unsafe {
            self.vm().call_contract(
                target.as_ptr(),
                data.as_ptr(),
                data.len(),
                B256::ZERO.as_ptr(),
                u64::MAX,
                &mut return_len,
            )
        };
        let return_size = u32::try_from(self.vm().return_data_size()).unwrap_or(u32::MAX);
        (status, return_size, self.vm().read_return_data(offset as usize, Some(size as usize)).into())
    }

    /// `CREATE`s a contract from `init_code` with `endowment` wei (`create1`). Returns its address,
    /// or the zero address and the init code's revert data.
    #[payable]
    pub fn create1(&mut self, init_code: Bytes, endowment: U256) -> (Address, Bytes) {
        self.create(&init_code, endowment, None)
    }

    /// `CREATE2`s a contract from `init_code` with `endowment` wei and `salt` (`create2`). Returns
    /// its address, or the zero address and the init code's revert data.
    #[payable]
    pub fn create2(&mut self, init_code: Bytes, endowment: U256, salt: B256) -> (Address, Bytes) {
        self.create(&init_code, endowment, Some(salt))
    }

    /// Writes `value` at this program's slot `key`, flushes, then calls `target` with `data` and
    /// all gas. When the call fails and `propagate` is set, reverts with the callee's return data,
    /// which rolls the write back too; otherwise returns the status and return data, and only the
    /// callee's changes are rolled back.
    ///
    /// # Errors
    ///
    /// The callee's return data, when the call fails and `propagate` is set.
    pub fn write_then_call(
        &mut self,
        key: B256,
        value: B256,
        target: Address,
        data: Bytes,
        propagate: bool,
    ) -> Result<(u8, Bytes), Vec<u8>> {
        // SAFETY: the program holds no storage references this write could alias.
        unsafe { self.vm().storage_cache_bytes32(key.into(), value) };
        let (status, return_data) = self.call_contract(target, data, U256::ZERO, u64::MAX);
        if status != 0 && propagate {
            return Err(return_data.to_vec());
        }
        Ok((status, return_data))
    }

    /// Calls `target` once per entry of `calls`, in order, with all gas, within this one frame,
    /// so state a callee leaves for the next (transient storage, the storage cache) can be tested.
    ///
    /// # Errors
    ///
    /// The failing call's return data, when any call fails.
    pub fn call_sequence(&mut self, target: Address, calls: Vec<Bytes>) -> Result<Vec<Bytes>, Vec<u8>> {
        let mut results = Vec::with_capacity(calls.len());
        for data in calls {
            match self.call_contract(target, data, U256::ZERO, u64::MAX) {
                (0, return_data) => results.push(return_data),
                (_, return_data) => return Err(return_data.to_vec()),
            }
        }
        Ok(results)
    }

    /// The word at this program's slot `key`.
    pub fn load(&self, key: B256) -> B256 {
        self.vm().storage_load_bytes32(key.into())
    }
}

impl Caller {
    /// `create1`, or `create2` with `salt`: the new address, or zero and the revert data.
    fn create(&self, init_code: &[u8], endowment: U256, salt: Option<B256>) -> (Address, Bytes) {
        let endowment = B256::from(endowment);
        let mut created = Address::ZERO;
        let mut revert_len = 0;
        self.vm().flush_cache(true);
        // SAFETY: the pointers are to `init_code`, 32-byte words, a 20-byte address and a usize,
        // alive for the call.
        unsafe {
            match salt {
                Some(salt) => self.vm().create2(
                    init_code.as_ptr(),
                    init_code.len(),
                    endowment.as_ptr(),
                    salt.as_ptr(),
                    created.as_mut_ptr(),
                    &mut revert_len,
                ),
                None => self.vm().create1(
                    init_code.as_ptr(),
                    init_code.len(),
                    endowment.as_ptr(),
                    created.as_mut_ptr(),
                    &mut revert_len,
                ),
            }
        }
        let revert_data = if created.is_zero() { self.vm().read_return_data(0, None) } else { Vec::new() };
        (created, revert_data.into())
    }
}
