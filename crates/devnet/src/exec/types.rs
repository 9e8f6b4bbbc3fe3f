//! What the executor is given and what it returns.

use std::collections::HashMap;

use alloy_primitives::{Address, Bytes, Log, B256, U256};

use crate::state::{StateChange, WorldState};

/// The block a transaction executes in.
#[derive(Debug, Clone, Default)]
pub struct BlockEnv {
    /// Block number (also what NUMBER and `block_number` return: the devnet is its own L1).
    pub number: u64,
    /// Unix time in seconds.
    pub timestamp: u64,
    /// Fee recipient.
    pub coinbase: Address,
    /// Block gas limit.
    pub gas_limit: u64,
    /// Base fee.
    pub base_fee: u64,
    /// Chain id.
    pub chain_id: u64,
    /// ArbOS version whose rules apply.
    pub arbos_version: u64,
    /// Whether debug-only hostios may be imported.
    pub debug_chain: bool,
    /// The parent block's hash.
    pub parent_hash: B256,
    /// Hashes of the up to 256 blocks before this one, oldest first (BLOCKHASH's window).
    pub recent_hashes: Vec<B256>,
    /// The addresses ArbWasmCache lets cache and evict programs.
    pub cache_managers: Vec<Address>,
}

impl BlockEnv {
    /// BLOCKHASH: the hash of one of the 256 blocks before this one, zero otherwise.
    pub fn block_hash(&self, number: u64) -> B256 {
        let first = self.number.saturating_sub(self.recent_hashes.len() as u64);
        if number >= self.number || number < first {
            return B256::ZERO;
        }
        self.recent_hashes.get((number - first) as usize).copied().unwrap_or_default()
    }
}

/// A call made with `eth_call` or `eth_estimateGas`.
#[derive(Debug, Clone, Default)]
pub struct CallParams {
    /// Sender (zero address when absent).
    pub from: Option<Address>,
    /// Callee; `None` runs `data` as init code.
    pub to: Option<Address>,
    /// Calldata or init code.
    pub data: Bytes,
    /// Value sent.
    pub value: U256,
    /// Gas limit (the block gas limit when absent).
    pub gas: Option<u64>,
    /// Gas price (0 when absent: calls cost nothing unless asked to).
    pub gas_price: Option<u128>,
    /// EIP-2930 access list: addresses and their storage keys, paid for and warmed as in a
    /// transaction.
    pub access_list: Vec<(Address, Vec<B256>)>,
}

/// How a call ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallResult {
    /// Whether it succeeded.
    pub success: bool,
    /// Return data, or revert data when it reverted.
    pub output: Bytes,
    /// Gas used, intrinsic gas included, after refunds.
    pub gas_used: u64,
    /// Whether it ran out of gas or halted without revert data (as opposed to reverting).
    pub halted: Option<String>,
}

/// The outcome of a transaction.
#[derive(Debug)]
pub struct TxOutcome {
    /// Whether the top-level call or create succeeded.
    pub success: bool,
    /// Gas charged to the sender.
    pub gas_used: u64,
    /// Return or revert data.
    pub output: Bytes,
    /// The created contract, for a successful creation.
    pub contract_address: Option<Address>,
    /// The undo log of its state changes, oldest first.
    pub changes: Vec<StateChange>,
    /// Its logs, in order.
    pub logs: Vec<Log>,
}

/// Per-account state overrides for `eth_call` (code and balance are what `cargo stylus check`
/// uses; nonce and storage complete the set).
#[derive(Debug, Clone, Default)]
pub struct StateOverride {
    /// Overrides by address.
    pub accounts: HashMap<Address, AccountOverride>,
}

/// What to override in one account.
#[derive(Debug, Clone, Default)]
pub struct AccountOverride {
    /// New balance.
    pub balance: Option<U256>,
    /// New nonce.
    pub nonce: Option<u64>,
    /// New code.
    pub code: Option<Bytes>,
    /// Replace the whole storage with this.
    pub state: Option<HashMap<U256, U256>>,
    /// Change these slots.
    pub state_diff: Option<HashMap<U256, U256>>,
}

impl StateOverride {
    /// Whether there is nothing to override.
    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty()
    }

    /// Applies the overrides to a copy of the state.
    pub fn apply(&self, state: &mut WorldState) {
        for (address, o) in &self.accounts {
            let account = state.accounts.entry(*address).or_default();
            if let Some(balance) = o.balance {
                account.balance = balance;
            }
            if let Some(nonce) = o.nonce {
                account.nonce = nonce;
            }
            if let Some(code) = &o.code {
                account.set_code(code.clone());
            }
            if let Some(storage) = &o.state {
                account.storage = storage.iter().filter(|(_, v)| !v.is_zero()).map(|(k, v)| (*k, *v)).collect();
            }
            for (key, value) in o.state_diff.iter().flatten() {
                if value.is_zero() {
                    account.storage.remove(key);
                } else {
                    account.storage.insert(*key, *value);
                }
            }
        }
    }
}
