//! The call machinery: every call and create, from a transaction, an EVM opcode or a Stylus hostio,
//! goes through [`Executor::call`] and [`Executor::create`], which journal, move value, dispatch to
//! a precompile, a Stylus program or the EVM interpreter, and revert what a failed frame did.

use std::collections::HashMap;

use alloy_primitives::{Address, Bytes, Log, B256, U256};
use evm_interpreter::{
    gas, CallKind, CallOutcome, CallRequest, CallStatus, CreateOutcome, CreateRequest, CreateScheme, FrameInput,
    FrameKind, Host, SStoreResult, StateLoad,
};
use stylus_wasm::{
    activate::ActivationParams,
    pricing::{self, StylusParams},
};

use super::{precompiles, BlockEnv};
use crate::{
    state::Journal,
    stylus::{self, ProgramCache},
};

/// The EVM's call depth limit.
const MAX_DEPTH: usize = 1024;

/// One transaction's execution context.
pub struct Executor<'a, 's> {
    /// The journaled state.
    pub journal: Journal<'s>,
    /// Compiled Stylus programs.
    pub programs: &'a mut ProgramCache,
    /// The block.
    pub env: &'a BlockEnv,
    /// `tx.origin`.
    pub origin: Address,
    /// The transaction's effective gas price.
    pub gas_price: U256,
    depth: usize,
    /// Open frames per acting address, delegate frames excluded (Nitro's `msg_reentrant`, §7).
    active: HashMap<Address, u32>,
    /// Stylus pages open now and the most ever open in this transaction (§4.2).
    pages_open: u16,
    pages_ever: u16,
    /// Why the last frame that failed without data failed, when something knows (an activation
    /// that broke a rule); `eth_call` reports it as geth reports a non-revert error.
    last_failure: Option<String>,
}

impl<'a, 's> Executor<'a, 's> {
    /// An executor for a transaction from `origin` paying `gas_price`.
    pub fn new(
        journal: Journal<'s>,
        programs: &'a mut ProgramCache,
        env: &'a BlockEnv,
        origin: Address,
        gas_price: U256,
    ) -> Self {
        Self {
            journal,
            programs,
            env,
            origin,
            gas_price,
            depth: 0,
            active: HashMap::new(),
            pages_open: 0,
            pages_ever: 0,
            last_failure: None,
        }
    }

    /// Records why a frame failed without revert data.
    pub fn record_failure(&mut self, reason: String) {
        self.last_failure = Some(reason);
    }

    /// The last recorded failure reason, if any.
    pub fn take_failure(&mut self) -> Option<String> {
        self.last_failure.take()
    }

    /// Ends the transaction, returning its journal.
    pub fn into_journal(self) -> Journal<'s> {
        self.journal
    }

    /// The Stylus parameters of this chain (ink price, stack depth, memory model, init gas).
    pub fn stylus_params(&self) -> StylusParams {
        StylusParams::for_arbos_version(self.env.arbos_version)
    }

    /// The activation rules of this chain, with the pages this transaction has open.
    pub fn activation_params(&self) -> ActivationParams {
        let params = self.stylus_params();
        ActivationParams {
            page_limit: params.page_limit.saturating_sub(self.pages_open),
            debug_chain: self.env.debug_chain,
            ..ActivationParams::for_arbos_version(self.env.arbos_version)
        }
    }

    /// Pages open now and ever in this transaction.
    pub fn stylus_pages(&self) -> (u16, u16) {
        (self.pages_open, self.pages_ever)
    }

    /// Opens `pages` more pages; returns their gas (the memory model of §4.2).
    pub fn add_stylus_pages(&mut self, pages: u16) -> u64 {
        let cost = pricing::memory_gas_cost(pages, self.pages_open, self.pages_ever, &self.stylus_params());
        self.pages_open = self.pages_open.saturating_add(pages);
        self.pages_ever = self.pages_ever.max(self.pages_open);
        cost
    }

    /// Closes the pages a finished program opened (`open` is restored, `ever` is kept).
    pub fn restore_open_pages(&mut self, open: u16) {
        self.pages_open = open;
    }

    /// Whether a program acting as `address` is re-entered: another non-delegate frame of the
    /// same address is on the stack. Delegate frames are not counted, so a delegate frame is
    /// judged by its caller's count.
    pub fn is_reentrant(&self, address: Address) -> bool {
        self.active.get(&address).copied().unwrap_or(0) > 1
    }

    /// Runs a call frame.
    pub fn call(&mut self, request: CallRequest) -> CallOutcome {
        let refused = CallOutcome { status: CallStatus::Failed, output: Bytes::new(), gas_left: request.gas_limit };
        if self.depth >= MAX_DEPTH {
            return refused;
        }
        let checkpoint = self.journal.checkpoint();
        if request.transfers_value() && self.journal.transfer(request.caller, request.target, request.value).is_err() {
            return refused;
        }
        let counted = matches!(request.kind, CallKind::Call | CallKind::StaticCall);
        if counted {
            *self.active.entry(request.target).or_default() += 1;
        }
        self.depth += 1;
        let outcome = self.run_code(&request);
        self.depth -= 1;
        if counted {
            if let Some(count) = self.active.get_mut(&request.target) {
                *count -= 1;
            }
        }
        if outcome.status != CallStatus::Success {
            self.journal.revert(checkpoint);
        }
        outcome
    }

    fn run_code(&mut self, request: &CallRequest) -> CallOutcome {
        if let Some(outcome) = precompiles::run(self, request) {
            return outcome;
        }
        let code = self.journal.code(&request.code_address);
        if code.is_empty() {
            return CallOutcome { status: CallStatus::Success, output: Bytes::new(), gas_left: request.gas_limit };
        }
        if stylus::is_program(&code) {
            return stylus::call_program(self, request, &code);
        }
        let frame = FrameInput {
            kind: FrameKind::Call { input: request.input.clone() },
            code,
            address: request.target,
            caller: request.caller,
            value: request.value,
            gas_limit: request.gas_limit,
            is_static: request.is_static,
        };
        evm_interpreter::execute(self, &frame).into()
    }

    /// Runs a creation.
    pub fn create(&mut self, request: CreateRequest) -> CreateOutcome {
        let refused = CreateOutcome {
            status: CallStatus::Failed,
            address: Address::ZERO,
            output: Bytes::new(),
            gas_left: request.gas_limit,
        };
        if self.depth >= MAX_DEPTH || self.journal.balance(&request.caller) < request.value {
            return refused;
        }
        let nonce = self.journal.nonce(&request.caller);
        if nonce == u64::MAX {
            return refused;
        }
        self.journal.bump_nonce(request.caller);
        let address = match request.scheme {
            CreateScheme::Create => request.caller.create(nonce),
            CreateScheme::Create2 { salt } => request.caller.create2_from_code(salt, &request.init_code),
        };
        self.journal.warm_account(address);
        let collision = self
            .journal
            .state()
            .account(&address)
            .is_some_and(|a| a.nonce != 0 || !a.code.is_empty() || !a.storage.is_empty());
        if collision {
            return CreateOutcome { gas_left: 0, ..refused };
        }
        let checkpoint = self.journal.checkpoint();
        self.journal.bump_nonce(address);
        self.journal.mark_created(address);
        if self.journal.transfer(request.caller, address, request.value).is_err() {
            self.journal.revert(checkpoint);
            return refused;
        }
        *self.active.entry(address).or_default() += 1;
        self.depth += 1;
        let frame = FrameInput {
            kind: FrameKind::Create,
            code: request.init_code.clone(),
            address,
            caller: request.caller,
            value: request.value,
            gas_limit: request.gas_limit,
            is_static: false,
        };
        let result = evm_interpreter::execute(self, &frame);
        self.depth -= 1;
        if let Some(count) = self.active.get_mut(&address) {
            *count -= 1;
        }
        let outcome = match CallOutcome::from(result) {
            CallOutcome { status: CallStatus::Success, output, gas_left } => self.deposit(address, output, gas_left),
            CallOutcome { status, output, gas_left } => CreateOutcome { status, address, output, gas_left },
        };
        if outcome.status != CallStatus::Success {
            self.journal.revert(checkpoint);
        }
        outcome
    }

    /// Stores the code init code returned, charging EIP-170's limit, EIP-3541's 0xEF rule (Stylus
    /// programs excepted, reference §5.1) and 200 gas per byte.
    fn deposit(&mut self, address: Address, code: Bytes, gas_left: u64) -> CreateOutcome {
        let failed = CreateOutcome { status: CallStatus::Failed, address, output: Bytes::new(), gas_left: 0 };
        if code.len() > gas::MAX_CODE_SIZE || (code.first() == Some(&0xEF) && !stylus::is_program(&code)) {
            return failed;
        }
        let Some(gas_left) = gas_left.checked_sub(gas::code_deposit_cost(code.len() as u64)) else {
            return failed;
        };
        self.journal.set_code(address, code);
        CreateOutcome { status: CallStatus::Success, address, output: Bytes::new(), gas_left }
    }

    fn load<T>(&mut self, address: Address, value: T) -> StateLoad<T> {
        StateLoad::new(value, self.journal.warm_account(address))
    }
}

impl Host for Executor<'_, '_> {
    fn chain_id(&self) -> u64 {
        self.env.chain_id
    }

    fn block_number(&self) -> u64 {
        self.env.number
    }

    fn timestamp(&self) -> u64 {
        self.env.timestamp
    }

    fn coinbase(&self) -> Address {
        self.env.coinbase
    }

    fn block_gas_limit(&self) -> u64 {
        self.env.gas_limit
    }

    fn base_fee(&self) -> U256 {
        U256::from(self.env.base_fee)
    }

    fn prevrandao(&self) -> B256 {
        // Arbitrum's DIFFICULTY/PREVRANDAO is the constant 1.
        B256::with_last_byte(1)
    }

    fn blob_base_fee(&self) -> U256 {
        U256::from(1)
    }

    fn blob_hash(&self, _index: usize) -> Option<B256> {
        None
    }

    fn block_hash(&mut self, number: u64) -> B256 {
        self.env.block_hash(number)
    }

    fn origin(&self) -> Address {
        self.origin
    }

    fn gas_price(&self) -> U256 {
        self.gas_price
    }

    fn balance(&mut self, address: Address) -> StateLoad<U256> {
        let balance = self.journal.balance(&address);
        self.load(address, balance)
    }

    fn code(&mut self, address: Address) -> StateLoad<Bytes> {
        let code = self.journal.code(&address);
        self.load(address, code)
    }

    fn code_hash(&mut self, address: Address) -> StateLoad<B256> {
        let hash = self.journal.code_hash(&address);
        self.load(address, hash)
    }

    fn code_size(&mut self, address: Address) -> StateLoad<usize> {
        let size = self.journal.code(&address).len();
        self.load(address, size)
    }

    fn account_is_empty(&mut self, address: Address) -> StateLoad<bool> {
        let empty = self.journal.is_empty(&address);
        self.load(address, empty)
    }

    fn sload(&mut self, address: Address, key: U256) -> StateLoad<U256> {
        let cold = self.journal.warm_slot(address, key);
        StateLoad::new(self.journal.sload(address, key), cold)
    }

    fn sstore(&mut self, address: Address, key: U256, value: U256) -> StateLoad<SStoreResult> {
        let cold = self.journal.warm_slot(address, key);
        let write = self.journal.sstore(address, key, value);
        StateLoad::new(SStoreResult { original: write.original, current: write.present, new: write.new }, cold)
    }

    fn tload(&mut self, address: Address, key: U256) -> U256 {
        self.journal.tload(address, key)
    }

    fn tstore(&mut self, address: Address, key: U256, value: U256) {
        self.journal.tstore(address, key, value);
    }

    fn log(&mut self, log: Log) {
        self.journal.log(log);
    }

    fn selfdestruct(&mut self, address: Address, beneficiary: Address) {
        let balance = self.journal.balance(&address);
        if address != beneficiary {
            let credited = self.journal.balance(&beneficiary).saturating_add(balance);
            self.journal.set_balance(beneficiary, credited);
        }
        if self.journal.created_in_tx(&address) {
            self.journal.set_balance(address, U256::ZERO);
            self.journal.mark_destructed(address);
        } else if address != beneficiary {
            self.journal.set_balance(address, U256::ZERO);
        }
    }

    fn add_refund(&mut self, delta: i64) {
        self.journal.add_refund(delta);
    }

    fn call(&mut self, request: CallRequest) -> CallOutcome {
        Executor::call(self, request)
    }

    fn create(&mut self, request: CreateRequest) -> CreateOutcome {
        Executor::create(self, request)
    }
}
