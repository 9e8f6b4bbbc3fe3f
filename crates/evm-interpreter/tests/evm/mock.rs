//! An in-memory [`Host`] that isolates the interpreter from any real chain.
//!
//! What it isolates: everything the interpreter decides by itself (decoding, stack, memory, gas
//! of every opcode, what it asks of the host and what it does with the answers). What it stands
//! in for, as simply as is still faithful to the EVM:
//! - state is a map of accounts; the EIP-2929 access lists are two sets; the original value of a
//!   slot is recorded the first time the transaction touches it;
//! - the journal is a snapshot of the whole state taken before each child frame and restored
//!   when the child does not succeed (warm marks, refunds and logs included);
//! - nested calls and creates run by calling [`execute`] recursively: no precompiles, no Stylus;
//! - `CREATE` addresses are `keccak256(sender ‖ nonce)` rather than RLP (no test depends on the
//!   exact address); code deposit charges 200 gas a byte and enforces EIP-170 and EIP-3541;
//! - `SELFDESTRUCT` only moves the balance and is recorded (EIP-6780 for a pre-existing account).
//!
//! Every call and create request is recorded so tests can check what the interpreter forwarded.

use std::collections::{HashMap, HashSet};

use alloy_primitives::{address, keccak256, Address, Bytes, Log, B256, U256};
use evm_interpreter::{
    execute, gas, CallKind, CallOutcome, CallRequest, CallStatus, CreateOutcome, CreateRequest, CreateScheme,
    FrameInput, FrameKind, FrameResult, FrameStatus, Host, SStoreResult, StateLoad,
};

/// The account the top-level frame runs as.
pub const CONTRACT: Address = address!("0x00000000000000000000000000000000000c0de1");
/// The top-level frame's caller and the transaction's origin.
pub const ORIGIN: Address = address!("0x000000000000000000000000000000000000a11c");
/// Block number reported by the host.
pub const BLOCK_NUMBER: u64 = 1000;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Account {
    pub balance: U256,
    pub nonce: u64,
    pub code: Bytes,
    pub storage: HashMap<U256, U256>,
}

impl Account {
    fn is_empty(&self) -> bool {
        self.balance.is_zero() && self.nonce == 0 && self.code.is_empty()
    }
}

/// Everything a failed frame must give back.
#[derive(Debug, Clone, Default)]
pub struct State {
    pub accounts: HashMap<Address, Account>,
    pub warm_accounts: HashSet<Address>,
    pub warm_slots: HashSet<(Address, U256)>,
    pub transient: HashMap<(Address, U256), U256>,
    pub logs: Vec<Log>,
    pub refund: i64,
    pub selfdestructs: Vec<(Address, Address)>,
}

#[derive(Debug, Default)]
pub struct MockHost {
    pub state: State,
    /// Slot values at the start of the transaction.
    pub original: HashMap<(Address, U256), U256>,
    pub blob_hashes: Vec<B256>,
    pub depth: usize,
    pub calls: Vec<CallRequest>,
    pub creates: Vec<CreateRequest>,
}

impl MockHost {
    /// A host whose transaction has already warmed the origin and [`CONTRACT`].
    pub fn new() -> Self {
        let mut host = Self::default();
        host.state.warm_accounts.extend([ORIGIN, CONTRACT]);
        host
    }

    pub fn account(&mut self, address: Address) -> &mut Account {
        self.state.accounts.entry(address).or_default()
    }

    pub fn set_code(&mut self, address: Address, code: &[u8]) {
        self.account(address).code = Bytes::copy_from_slice(code);
    }

    pub fn storage(&self, address: Address, key: U256) -> U256 {
        self.state.accounts.get(&address).and_then(|a| a.storage.get(&key)).copied().unwrap_or_default()
    }

    fn is_empty(&self, address: Address) -> bool {
        self.state.accounts.get(&address).is_none_or(Account::is_empty)
    }

    fn warm(&mut self, address: Address) -> bool {
        self.state.warm_accounts.insert(address)
    }

    fn transfer(&mut self, from: Address, to: Address, value: U256) -> bool {
        let from_balance = self.account(from).balance;
        if from_balance < value {
            return false;
        }
        self.account(from).balance = from_balance - value;
        self.account(to).balance += value;
        true
    }

    /// Runs a child frame under a snapshot, restoring it unless the child succeeds.
    fn run_child(&mut self, frame: &FrameInput, snapshot: State) -> FrameResult {
        self.depth += 1;
        let result = execute(self, frame);
        self.depth -= 1;
        if !result.is_success() {
            self.state = snapshot;
        }
        result
    }
}

impl Host for MockHost {
    fn chain_id(&self) -> u64 {
        31_337
    }
    fn block_number(&self) -> u64 {
        BLOCK_NUMBER
    }
    fn timestamp(&self) -> u64 {
        1_700_000_000
    }
    fn coinbase(&self) -> Address {
        address!("0x00000000000000000000000000000000000c0b5e")
    }
    fn block_gas_limit(&self) -> u64 {
        30_000_000
    }
    fn base_fee(&self) -> U256 {
        U256::from(7)
    }
    fn prevrandao(&self) -> B256 {
        B256::repeat_byte(0x42)
    }
    fn blob_base_fee(&self) -> U256 {
        U256::from(1)
    }
    fn blob_hash(&self, index: usize) -> Option<B256> {
        self.blob_hashes.get(index).copied()
    }
    fn block_hash(&mut self, number: u64) -> B256 {
        if number < BLOCK_NUMBER && BLOCK_NUMBER - number <= 256 {
            keccak256(number.to_be_bytes())
        } else {
            B256::ZERO
        }
    }
    fn origin(&self) -> Address {
        ORIGIN
    }
    fn gas_price(&self) -> U256 {
        U256::from(10)
    }

    fn balance(&mut self, address: Address) -> StateLoad<U256> {
        let is_cold = self.warm(address);
        StateLoad::new(self.account(address).balance, is_cold)
    }
    fn code(&mut self, address: Address) -> StateLoad<Bytes> {
        let is_cold = self.warm(address);
        StateLoad::new(self.account(address).code.clone(), is_cold)
    }
    fn code_hash(&mut self, address: Address) -> StateLoad<B256> {
        let is_cold = self.warm(address);
        let hash = if self.is_empty(address) { B256::ZERO } else { keccak256(&self.account(address).code) };
        StateLoad::new(hash, is_cold)
    }
    fn code_size(&mut self, address: Address) -> StateLoad<usize> {
        let is_cold = self.warm(address);
        StateLoad::new(self.account(address).code.len(), is_cold)
    }
    fn account_is_empty(&mut self, address: Address) -> StateLoad<bool> {
        let is_cold = self.warm(address);
        StateLoad::new(self.is_empty(address), is_cold)
    }

    fn sload(&mut self, address: Address, key: U256) -> StateLoad<U256> {
        let is_cold = self.state.warm_slots.insert((address, key));
        let value = self.storage(address, key);
        self.original.entry((address, key)).or_insert(value);
        StateLoad::new(value, is_cold)
    }
    fn sstore(&mut self, address: Address, key: U256, value: U256) -> StateLoad<SStoreResult> {
        let is_cold = self.state.warm_slots.insert((address, key));
        let current = self.storage(address, key);
        let original = *self.original.entry((address, key)).or_insert(current);
        self.account(address).storage.insert(key, value);
        StateLoad::new(SStoreResult { original, current, new: value }, is_cold)
    }
    fn tload(&mut self, address: Address, key: U256) -> U256 {
        self.state.transient.get(&(address, key)).copied().unwrap_or_default()
    }
    fn tstore(&mut self, address: Address, key: U256, value: U256) {
        self.state.transient.insert((address, key), value);
    }
    fn log(&mut self, log: Log) {
        self.state.logs.push(log);
    }
    fn selfdestruct(&mut self, address: Address, beneficiary: Address) {
        let balance = self.account(address).balance;
        self.account(address).balance = U256::ZERO;
        self.account(beneficiary).balance += balance;
        self.state.selfdestructs.push((address, beneficiary));
    }
    fn add_refund(&mut self, delta: i64) {
        self.state.refund += delta;
    }

    fn call(&mut self, request: CallRequest) -> CallOutcome {
        self.calls.push(request.clone());
        let never_ran = CallOutcome { status: CallStatus::Failed, output: Bytes::new(), gas_left: request.gas_limit };
        if self.depth >= 1024 {
            return never_ran;
        }
        let snapshot = self.state.clone();
        if request.transfers_value() && !self.transfer(request.caller, request.target, request.value) {
            return never_ran;
        }
        let frame = FrameInput {
            kind: FrameKind::Call { input: request.input },
            code: self.account(request.code_address).code.clone(),
            address: request.target,
            caller: request.caller,
            value: request.value,
            gas_limit: request.gas_limit,
            is_static: request.is_static,
        };
        self.run_child(&frame, snapshot).into()
    }

    fn create(&mut self, request: CreateRequest) -> CreateOutcome {
        self.creates.push(request.clone());
        let failed = |gas_left| CreateOutcome {
            status: CallStatus::Failed,
            address: Address::ZERO,
            output: Bytes::new(),
            gas_left,
        };
        if self.depth >= 1024 || self.account(request.caller).balance < request.value {
            return failed(request.gas_limit);
        }
        let nonce = self.account(request.caller).nonce;
        self.account(request.caller).nonce = nonce + 1;
        let address = match request.scheme {
            CreateScheme::Create => {
                Address::from_word(keccak256([request.caller.as_slice(), &nonce.to_be_bytes()].concat()))
            }
            CreateScheme::Create2 { salt } => request.caller.create2_from_code(salt, &request.init_code),
        };
        self.warm(address);
        if self.state.accounts.get(&address).is_some_and(|a| a.nonce != 0 || !a.code.is_empty()) {
            return failed(0);
        }
        let snapshot = self.state.clone();
        self.account(address).nonce = 1;
        self.transfer(request.caller, address, request.value);
        let frame = FrameInput {
            kind: FrameKind::Create,
            code: request.init_code,
            address,
            caller: request.caller,
            value: request.value,
            gas_limit: request.gas_limit,
            is_static: false,
        };
        let result = self.run_child(&frame, snapshot.clone());
        match result.status {
            FrameStatus::Success => {
                let deposit = gas::code_deposit_cost(result.output.len() as u64);
                let valid = result.output.len() <= gas::MAX_CODE_SIZE && result.output.first() != Some(&0xef);
                match result.gas_left.checked_sub(deposit).filter(|_| valid) {
                    Some(gas_left) => {
                        self.account(address).code = result.output;
                        CreateOutcome { status: CallStatus::Success, address, output: Bytes::new(), gas_left }
                    }
                    None => {
                        self.state = snapshot;
                        failed(0)
                    }
                }
            }
            FrameStatus::Revert => {
                CreateOutcome { status: CallStatus::Revert, address, output: result.output, gas_left: result.gas_left }
            }
            FrameStatus::Halt(_) => failed(0),
        }
    }
}

/// A top-level call frame running `code` as [`CONTRACT`], called by [`ORIGIN`].
pub fn frame(code: &[u8], gas_limit: u64) -> FrameInput {
    FrameInput {
        kind: FrameKind::Call { input: Bytes::new() },
        code: Bytes::copy_from_slice(code),
        address: CONTRACT,
        caller: ORIGIN,
        value: U256::ZERO,
        gas_limit,
        is_static: false,
    }
}

/// Runs `code` as [`CONTRACT`] with `gas_limit` gas on `host`.
pub fn run_on(host: &mut MockHost, code: &[u8], gas_limit: u64) -> FrameResult {
    host.set_code(CONTRACT, code);
    execute(host, &frame(code, gas_limit))
}

/// Runs `code` on a fresh host.
pub fn run(code: &[u8], gas_limit: u64) -> (FrameResult, MockHost) {
    let mut host = MockHost::new();
    let result = run_on(&mut host, code, gas_limit);
    (result, host)
}

/// Gas used by a frame that started with `gas_limit`.
pub fn used(result: &FrameResult, gas_limit: u64) -> u64 {
    gas_limit - result.gas_left
}

/// Asserts the frame halted for `reason`, consuming all gas and returning nothing.
#[track_caller]
pub fn assert_halt(result: &FrameResult, reason: evm_interpreter::HaltReason) {
    assert_eq!(result.status, FrameStatus::Halt(reason));
    assert_eq!(result.gas_left, 0);
    assert!(result.output.is_empty());
}

/// The kind of a call request, for terser assertions.
pub fn kinds(host: &MockHost) -> Vec<CallKind> {
    host.calls.iter().map(|c| c.kind).collect()
}

/// An address as the stack word `ADDRESS`/`CALLER` push.
pub fn addr_word(address: Address) -> U256 {
    U256::from_be_slice(address.as_slice())
}

/// A hash as a stack word.
pub fn hash_word(hash: B256) -> U256 {
    U256::from_be_bytes(hash.0)
}
