//! An in-memory host for unit tests of program logic on the build machine (feature `testing`).
//!
//! [`MemoryHost`] is stylus-sdk's `TestVM` (storage, block and message context, logs, code sizes)
//! with the calls a Stylus host makes: each call is recorded, answered by the answer given for its
//! callee and calldata, and its answer is what `read_return_data` then returns. (`TestVM` returns
//! the answer mocked last, whichever call was made, and answers a call nobody mocked with success.)
//! A call without an answer fails, with revert data that names it, so a test never passes on a
//! call it did not expect.

extern crate std;

use alloc::boxed::Box;
use alloc::format;
use alloc::rc::Rc;
use alloc::vec::Vec;
use core::cell::RefCell;
use core::slice;

use alloy_primitives::{Address, B256, U256};
use stylus_sdk::host::VM;
use stylus_sdk::prelude::*;
use stylus_sdk::testing::TestVM;

use crate::Host;

/// Which kind of call a program made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// `CALL`.
    Call,
    /// `STATICCALL`.
    Static,
    /// `DELEGATECALL`.
    Delegate,
}

/// A call a program made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// `CALL`, `STATICCALL` or `DELEGATECALL`.
    pub kind: CallKind,
    /// The callee.
    pub to: Address,
    /// The calldata.
    pub data: Vec<u8>,
    /// The value sent (zero but for `CALL`).
    pub value: U256,
    /// The gas the program gave (`u64::MAX`: all it may).
    pub gas: u64,
}

/// A call's answer: its return data, or its revert data.
type Answer = Result<Vec<u8>, Vec<u8>>;

#[derive(Default)]
struct Calls {
    /// Callee, calldata, answer; the latest given for a call wins.
    answers: Vec<(Address, Vec<u8>, Answer)>,
    made: Vec<Call>,
    return_data: Vec<u8>,
}

/// An in-memory Stylus host; cloning it shares its state.
#[derive(Clone, Default)]
pub struct MemoryHost {
    vm: TestVM,
    calls: Rc<RefCell<Calls>>,
}

impl MemoryHost {
    /// A host with empty state: chain id, sender and contract address as `TestVM` sets them.
    pub fn new() -> Self {
        Self::default()
    }

    /// The SDK's test VM under this host: set the sender, value, storage, code sizes, block, and
    /// read the logs through it.
    pub fn vm(&self) -> &TestVM {
        &self.vm
    }

    /// A program's handle on this host, for one entry.
    pub fn handle(&self) -> Host {
        Host::new(VM { host: Box::new(self.clone()) })
    }

    /// Answers every later call to `to` with exactly `data` (any kind, any value) with `answer`.
    pub fn answer(&self, to: Address, data: Vec<u8>, answer: Answer) {
        self.calls.borrow_mut().answers.push((to, data, answer));
    }

    /// The calls made so far, in order.
    pub fn calls(&self) -> Vec<Call> {
        self.calls.borrow().made.clone()
    }

    /// Records the call and sets the return data; the status Nitro gives (0 success, 1 revert).
    fn perform(&self, call: Call, outs_len: &mut usize) -> u8 {
        let mut calls = self.calls.borrow_mut();
        let answer = calls
            .answers
            .iter()
            .rev()
            .find(|(to, data, _)| *to == call.to && *data == call.data)
            .map(|(_, _, answer)| answer.clone())
            .unwrap_or_else(|| Err(format!("MemoryHost: no answer for a call to {}", call.to).into_bytes()));
        calls.made.push(call);
        let (status, data) = match answer {
            Ok(data) => (0, data),
            Err(data) => (1, data),
        };
        *outs_len = data.len();
        calls.return_data = data;
        status
    }
}

/// # Safety
/// Every pointer is one the SDK's `RawCall` passes: an address, calldata of `data_len` bytes, and
/// a 32-byte value, alive for the call.
#[allow(unsafe_code)]
unsafe fn read_call(kind: CallKind, to: *const u8, data: *const u8, data_len: usize, value: U256, gas: u64) -> Call {
    // SAFETY: see the function's contract.
    let (to, data) =
        unsafe { (Address::from_slice(slice::from_raw_parts(to, 20)), slice::from_raw_parts(data, data_len)) };
    Call { kind, to, data: data.to_vec(), value, gas }
}

#[allow(unsafe_code)]
unsafe impl UnsafeCallAccess for MemoryHost {
    unsafe fn call_contract(
        &self,
        to: *const u8,
        data: *const u8,
        data_len: usize,
        value: *const u8,
        gas: u64,
        outs_len: &mut usize,
    ) -> u8 {
        // SAFETY: the SDK passes a pointer to a 32-byte value and the call's other pointers.
        let call = unsafe {
            let value = U256::from_be_slice(slice::from_raw_parts(value, 32));
            read_call(CallKind::Call, to, data, data_len, value, gas)
        };
        self.perform(call, outs_len)
    }

    unsafe fn static_call_contract(
        &self,
        to: *const u8,
        data: *const u8,
        data_len: usize,
        gas: u64,
        outs_len: &mut usize,
    ) -> u8 {
        // SAFETY: the SDK passes the call's pointers.
        let call = unsafe { read_call(CallKind::Static, to, data, data_len, U256::ZERO, gas) };
        self.perform(call, outs_len)
    }

    unsafe fn delegate_call_contract(
        &self,
        to: *const u8,
        data: *const u8,
        data_len: usize,
        gas: u64,
        outs_len: &mut usize,
    ) -> u8 {
        // SAFETY: the SDK passes the call's pointers.
        let call = unsafe { read_call(CallKind::Delegate, to, data, data_len, U256::ZERO, gas) };
        self.perform(call, outs_len)
    }
}

impl CalldataAccess for MemoryHost {
    fn read_args(&self, len: usize) -> Vec<u8> {
        self.vm.read_args(len)
    }
    fn read_return_data(&self, offset: usize, size: Option<usize>) -> Vec<u8> {
        let calls = self.calls.borrow();
        let data = &calls.return_data;
        let start = offset.min(data.len());
        let end = size.map_or(data.len(), |size| start.saturating_add(size).min(data.len()));
        data[start..end].to_vec()
    }
    fn return_data_size(&self) -> usize {
        self.calls.borrow().return_data.len()
    }
    fn write_result(&self, data: &[u8]) {
        self.vm.write_result(data)
    }
}

impl stylus_sdk::stylus_core::Host for MemoryHost {}

impl CryptographyAccess for MemoryHost {
    fn native_keccak256(&self, input: &[u8]) -> B256 {
        self.vm.native_keccak256(input)
    }
}

#[allow(unsafe_code)]
unsafe impl UnsafeDeploymentAccess for MemoryHost {
    unsafe fn create1(
        &self,
        code: *const u8,
        code_len: usize,
        endowment: *const u8,
        contract: *mut u8,
        revert_data_len: *mut usize,
    ) {
        // SAFETY: forwarded as the SDK passed them.
        unsafe { self.vm.create1(code, code_len, endowment, contract, revert_data_len) }
    }
    unsafe fn create2(
        &self,
        code: *const u8,
        code_len: usize,
        endowment: *const u8,
        salt: *const u8,
        contract: *mut u8,
        revert_data_len: *mut usize,
    ) {
        // SAFETY: forwarded as the SDK passed them.
        unsafe { self.vm.create2(code, code_len, endowment, salt, contract, revert_data_len) }
    }
}

impl StorageAccess for MemoryHost {
    fn storage_load_bytes32(&self, key: U256) -> B256 {
        self.vm.storage_load_bytes32(key)
    }
    #[allow(unsafe_code)]
    unsafe fn storage_cache_bytes32(&self, key: U256, value: B256) {
        // SAFETY: the test VM's storage is a map.
        unsafe { self.vm.storage_cache_bytes32(key, value) }
    }
    fn flush_cache(&self, clear: bool) {
        self.vm.flush_cache(clear)
    }
}

impl BlockAccess for MemoryHost {
    fn block_basefee(&self) -> U256 {
        self.vm.block_basefee()
    }
    fn block_coinbase(&self) -> Address {
        self.vm.block_coinbase()
    }
    fn block_number(&self) -> u64 {
        self.vm.block_number()
    }
    fn block_timestamp(&self) -> u64 {
        self.vm.block_timestamp()
    }
    fn block_gas_limit(&self) -> u64 {
        self.vm.block_gas_limit()
    }
}

impl ChainAccess for MemoryHost {
    fn chain_id(&self) -> u64 {
        self.vm.chain_id()
    }
}

impl AccountAccess for MemoryHost {
    fn balance(&self, account: Address) -> U256 {
        self.vm.balance(account)
    }
    fn contract_address(&self) -> Address {
        self.vm.contract_address()
    }
    fn code(&self, account: Address) -> Vec<u8> {
        self.vm.code(account)
    }
    fn code_size(&self, account: Address) -> usize {
        self.vm.code_size(account)
    }
    fn code_hash(&self, account: Address) -> B256 {
        self.vm.code_hash(account)
    }
}

impl MemoryAccess for MemoryHost {
    fn pay_for_memory_grow(&self, pages: u16) {
        self.vm.pay_for_memory_grow(pages)
    }
}

impl MessageAccess for MemoryHost {
    fn msg_sender(&self) -> Address {
        self.vm.msg_sender()
    }
    fn msg_reentrant(&self) -> bool {
        self.vm.msg_reentrant()
    }
    fn msg_value(&self) -> U256 {
        self.vm.msg_value()
    }
    fn tx_origin(&self) -> Address {
        self.vm.tx_origin()
    }
}

impl MeteringAccess for MemoryHost {
    fn evm_gas_left(&self) -> u64 {
        self.vm.evm_gas_left()
    }
    fn evm_ink_left(&self) -> u64 {
        self.vm.evm_ink_left()
    }
    fn tx_gas_price(&self) -> U256 {
        self.vm.tx_gas_price()
    }
    fn tx_ink_price(&self) -> u32 {
        self.vm.tx_ink_price()
    }
}

impl RawLogAccess for MemoryHost {
    fn emit_log(&self, input: &[u8], num_topics: usize) {
        self.vm.emit_log(input, num_topics)
    }
    fn raw_log(&self, topics: &[B256], data: &[u8]) -> Result<(), &'static str> {
        self.vm.raw_log(topics, data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    const CALLEE: Address = Address::repeat_byte(0xca);

    #[test]
    fn each_call_returns_its_own_answer() {
        let memory = MemoryHost::new();
        memory.answer(CALLEE, b"first".to_vec(), Ok(b"one".to_vec()));
        memory.answer(CALLEE, b"second".to_vec(), Err(b"two".to_vec()));
        let host = memory.handle();
        assert_eq!(host.call(CALLEE, b"first", U256::from(7), 1_000), Ok(b"one".to_vec()));
        assert_eq!(host.static_call(CALLEE, b"second"), Err(b"two".to_vec()));
        let calls = memory.calls();
        assert_eq!(calls.len(), 2);
        assert_eq!((calls[0].kind, calls[0].value, calls[0].gas), (CallKind::Call, U256::from(7), 1_000));
        assert_eq!((calls[1].kind, calls[1].data.as_slice()), (CallKind::Static, &b"second"[..]));
    }

    #[test]
    fn a_call_nobody_answers_fails_and_says_so() {
        let memory = MemoryHost::new();
        let revert = memory.handle().call(CALLEE, b"anything", U256::ZERO, u64::MAX).unwrap_err();
        assert!(std::str::from_utf8(&revert).unwrap().starts_with("MemoryHost: no answer for a call to 0x"));
    }

    #[test]
    fn storage_logs_and_transient_words_are_kept() {
        let memory = MemoryHost::new();
        let host = memory.handle();
        host.store(U256::from(3), B256::repeat_byte(1));
        assert_eq!(memory.vm().get_storage(U256::from(3)), B256::repeat_byte(1));
        host.emit(&[B256::repeat_byte(2)], b"data");
        assert_eq!(memory.vm().get_emitted_logs(), vec![(vec![B256::repeat_byte(2)], b"data".to_vec())]);
        host.transient_store(B256::repeat_byte(4), B256::repeat_byte(5));
        assert_eq!(host.transient_load(B256::repeat_byte(4)), B256::repeat_byte(5));
        assert_eq!(host.transient_load(B256::repeat_byte(6)), B256::ZERO);
    }
}
