//! The boundary between one frame's execution and the chain around it: the [`Host`] trait and
//! the requests and answers that cross it.

use alloy_primitives::{Address, Bytes, Log, B256, U256};

use crate::frame::{FrameResult, FrameStatus};

/// A value read from state, with whether this was its first access in the transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StateLoad<T> {
    /// The value read.
    pub value: T,
    /// True when the item was not in the access list; the host has now added it (EIP-2929).
    pub is_cold: bool,
}

impl<T> StateLoad<T> {
    /// Wraps `value` with its access status.
    pub const fn new(value: T, is_cold: bool) -> Self {
        Self { value, is_cold }
    }
}

/// What an `SSTORE` found and did, for [`crate::gas::sstore_cost`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SStoreResult {
    /// The slot's value at the start of the transaction.
    pub original: U256,
    /// The slot's value before this store.
    pub current: U256,
    /// The value now stored.
    pub new: U256,
}

/// Which opcode a nested call comes from; it decides whose storage, balance and code are used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// `CALL`: run the target's code on the target's account, moving `value` to it.
    Call,
    /// `CALLCODE`: run another account's code on the caller's account, moving `value` to itself.
    CallCode,
    /// `DELEGATECALL`: run another account's code on the caller's account, keeping the caller's
    /// own caller and value; nothing moves.
    DelegateCall,
    /// `STATICCALL`: like `CALL` without value, and the child and its descendants are static.
    StaticCall,
}

/// A nested call for the host to run.
///
/// The interpreter has already charged everything the opcode costs and taken [`Self::gas_limit`]
/// from its own gas. It has not checked the call depth or the balance: the host does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRequest {
    /// The opcode.
    pub kind: CallKind,
    /// The account the child acts as: its storage, its balance, its `ADDRESS`. The target for
    /// `CALL`/`STATICCALL`, the calling frame's own address for `CALLCODE`/`DELEGATECALL`.
    pub target: Address,
    /// The account whose code runs.
    pub code_address: Address,
    /// The child's `CALLER`: the calling frame's address, or its caller for `DELEGATECALL`.
    pub caller: Address,
    /// The child's `CALLVALUE`. For `CALL` and `CALLCODE` this amount moves from the calling
    /// frame's address to `target`; for `DELEGATECALL` it is the calling frame's own value and
    /// nothing moves; for `STATICCALL` it is zero.
    pub value: U256,
    /// The child's calldata.
    pub input: Bytes,
    /// Gas the child may use, stipend included.
    pub gas_limit: u64,
    /// Whether the child runs static: a `STATICCALL`, or any call from a static frame.
    pub is_static: bool,
}

impl CallRequest {
    /// Whether `value` moves from the caller to `target` (`CALL` and `CALLCODE` only).
    #[must_use]
    pub const fn transfers_value(&self) -> bool {
        matches!(self.kind, CallKind::Call | CallKind::CallCode)
    }
}

/// How a nested call or create ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallStatus {
    /// The child returned normally.
    Success,
    /// The child executed `REVERT`; its output is the revert data.
    Revert,
    /// The child halted exceptionally, or never ran: depth limit, insufficient balance, nonce
    /// overflow, or (creates) an address collision.
    Failed,
}

/// The result of [`Host::call`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallOutcome {
    /// How the call ended.
    pub status: CallStatus,
    /// Return or revert data; empty after a failure.
    pub output: Bytes,
    /// Unused gas given back to the caller, at most the request's `gas_limit`: all of it when
    /// the child never ran, none after an exceptional halt.
    pub gas_left: u64,
}

impl From<FrameResult> for CallOutcome {
    fn from(result: FrameResult) -> Self {
        let status = match result.status {
            FrameStatus::Success => CallStatus::Success,
            FrameStatus::Revert => CallStatus::Revert,
            FrameStatus::Halt(_) => CallStatus::Failed,
        };
        Self { status, output: result.output, gas_left: result.gas_left }
    }
}

/// How a create derives the new address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateScheme {
    /// `CREATE`: from the creator's address and nonce.
    Create,
    /// `CREATE2`: from the creator's address, this salt and the init code's hash.
    Create2 {
        /// The salt from the stack.
        salt: B256,
    },
}

/// A nested create for the host to run.
///
/// The interpreter has charged `CREATE`'s costs (see [`crate::gas::create_cost`]), rejected init
/// code over [`crate::gas::MAX_INITCODE_SIZE`] and taken [`Self::gas_limit`] (all but a 64th of
/// its gas) from itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateRequest {
    /// `CREATE` or `CREATE2`.
    pub scheme: CreateScheme,
    /// The creating frame's address: the new account's deployer and the child's `CALLER`.
    pub caller: Address,
    /// The endowment moved from `caller` to the new account.
    pub value: U256,
    /// The init code to run.
    pub init_code: Bytes,
    /// Gas the init code may use.
    pub gas_limit: u64,
}

/// The result of [`Host::create`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateOutcome {
    /// How the create ended.
    pub status: CallStatus,
    /// The new account's address; read only when `status` is [`CallStatus::Success`].
    pub address: Address,
    /// Revert data when `status` is [`CallStatus::Revert`]; otherwise ignored.
    pub output: Bytes,
    /// Unused gas given back to the creator: all of it when the child never ran, none after an
    /// exceptional halt or an address collision.
    pub gas_left: u64,
}

/// The chain as one EVM frame sees it. Object safe: the interpreter takes `&mut dyn Host`.
///
/// The host owns everything that outlives a frame or must be undone when one fails: accounts,
/// storage, the journal, the EIP-2929 access lists, the refund counter, logs, and nested frames
/// (EVM code, a Stylus program or a precompile). The interpreter owns the frame itself (stack,
/// memory, program counter, return-data buffer) and the gas of every opcode.
///
/// Contract:
/// - When a frame does not succeed (revert or halt), the host reverts every change it made
///   through this trait: storage, transient storage, balances, logs, self-destructs, refund
///   adjustments, and the warm marks of the access lists (EIP-2929 rolls those back too). The
///   interpreter relies on this: `sstore` writes before the store is priced, and a frame that
///   then runs out of gas leaves the write for the host to undo.
/// - Methods returning a [`StateLoad`] report whether the item was cold and add it to the access
///   list. The transaction's pre-warmed items (origin, destination or created address,
///   precompiles, coinbase, the EIP-2930 list) are the host's to insert before the first frame.
/// - Static frames never reach the state-changing methods: the interpreter halts first.
pub trait Host {
    /// `CHAINID`.
    fn chain_id(&self) -> u64;
    /// `NUMBER`.
    fn block_number(&self) -> u64;
    /// `TIMESTAMP`.
    fn timestamp(&self) -> u64;
    /// `COINBASE`.
    fn coinbase(&self) -> Address;
    /// `GASLIMIT`: the block's gas limit.
    fn block_gas_limit(&self) -> u64;
    /// `BASEFEE`.
    fn base_fee(&self) -> U256;
    /// `PREVRANDAO` (formerly `DIFFICULTY`).
    fn prevrandao(&self) -> B256;
    /// `BLOBBASEFEE`.
    fn blob_base_fee(&self) -> U256;
    /// `BLOBHASH`: the transaction's versioned blob hash at `index`, `None` past the end.
    fn blob_hash(&self, index: usize) -> Option<B256>;
    /// `BLOCKHASH`: the hash of block `number`, or zero outside the window the host serves
    /// (the 256 blocks before the current one on Ethereum).
    fn block_hash(&mut self, number: u64) -> B256;
    /// `ORIGIN`.
    fn origin(&self) -> Address;
    /// `GASPRICE`: the transaction's effective gas price.
    fn gas_price(&self) -> U256;

    /// `BALANCE` and `SELFBALANCE`.
    fn balance(&mut self, address: Address) -> StateLoad<U256>;
    /// `EXTCODECOPY`: the account's code, empty for accounts without code.
    fn code(&mut self, address: Address) -> StateLoad<Bytes>;
    /// `EXTCODEHASH`: the hash of the account's code, or zero when the account does not exist or
    /// is empty (EIP-161).
    fn code_hash(&mut self, address: Address) -> StateLoad<B256>;
    /// `EXTCODESIZE`.
    fn code_size(&mut self, address: Address) -> StateLoad<usize>;
    /// Whether the account is dead in EIP-161's sense: missing, or no code, zero nonce and zero
    /// balance. Used for the access cost and new-account charge of `CALL*` and `SELFDESTRUCT`.
    fn account_is_empty(&mut self, address: Address) -> StateLoad<bool>;

    /// `SLOAD` from `address`'s storage.
    fn sload(&mut self, address: Address, key: U256) -> StateLoad<U256>;
    /// `SSTORE`: write `value` into `address`'s storage and report the original (start of
    /// transaction) and previous values, and the slot's coldness. Never called from a static
    /// frame, nor with 2300 gas or less left.
    fn sstore(&mut self, address: Address, key: U256, value: U256) -> StateLoad<SStoreResult>;
    /// `TLOAD` (EIP-1153).
    fn tload(&mut self, address: Address, key: U256) -> U256;
    /// `TSTORE` (EIP-1153). Never called from a static frame.
    fn tstore(&mut self, address: Address, key: U256, value: U256);
    /// `LOG0`..`LOG4`. Never called from a static frame.
    fn log(&mut self, log: Log);
    /// `SELFDESTRUCT` of `address` in favour of `beneficiary`, after the interpreter has charged
    /// for it: move the whole balance, and delete the account only if it was created in this
    /// transaction (EIP-6780). Never called from a static frame.
    fn selfdestruct(&mut self, address: Address, beneficiary: Address);
    /// Adjust the transaction's refund counter by `delta` (negative when `SSTORE` takes back a
    /// refund granted earlier in the transaction).
    fn add_refund(&mut self, delta: i64);

    /// Run a nested call; everything the opcode costs is already charged. The host:
    /// 1. returns [`CallStatus::Failed`] with `gas_left = request.gas_limit` when the child
    ///    would be at depth 1025, or when [`CallRequest::transfers_value`] and the caller's
    ///    balance is below `value`;
    /// 2. takes a checkpoint and moves `value` from `caller` to `target` (for `CALL` and
    ///    `CALLCODE`);
    /// 3. runs `code_address`'s code: a precompile, a Stylus program, or EVM code through
    ///    [`crate::execute`] with a [`crate::FrameInput`] built from the request (`address` is
    ///    `target`);
    /// 4. reverts to the checkpoint unless the child succeeded, and returns its result
    ///    (`From<FrameResult>` converts an EVM child's).
    fn call(&mut self, request: CallRequest) -> CallOutcome;
    /// Run a nested create; `CREATE`'s costs are charged and the init code size is checked. The
    /// host:
    /// 1. returns [`CallStatus::Failed`] with `gas_left = request.gas_limit` at depth 1025, when
    ///    the caller's balance is below `value`, or when its nonce is at `u64::MAX`;
    /// 2. increments the caller's nonce, derives the address (from the nonce before the
    ///    increment, or `CREATE2`'s salt and init code hash) and warms it;
    /// 3. returns [`CallStatus::Failed`] with `gas_left = 0` if that account has code, a nonzero
    ///    nonce or storage (collision);
    /// 4. takes a checkpoint, sets the new account's nonce to 1, moves `value`, and runs the init
    ///    code through [`crate::execute`] as a [`crate::FrameKind::Create`] frame;
    /// 5. on success charges [`crate::gas::code_deposit_cost`] from the child's gas left and
    ///    enforces EIP-170 and EIP-3541 (Arbitrum exempts Stylus programs' `0xEFF000` prefix),
    ///    failing with `gas_left = 0` and a reverted checkpoint if either is violated; on revert
    ///    returns [`CallStatus::Revert`] with the output and gas left; on a halt
    ///    [`CallStatus::Failed`] with no gas.
    fn create(&mut self, request: CreateRequest) -> CreateOutcome;
}
