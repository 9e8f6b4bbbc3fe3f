//! The chain's state after the last block: accounts with their storage. ArbOS keeps its own state
//! (the Stylus programs ArbWasm activated, the data pricer, the cache managers) in the storage of
//! one account, as Nitro does ([`crate::arbos::storage`]).

use std::collections::HashMap;

use alloy_primitives::{keccak256, Address, Bytes, B256, KECCAK256_EMPTY, U256};
use serde::{Deserialize, Serialize};

/// An account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// Transactions sent (EOA) or contracts created (contract).
    pub nonce: u64,
    /// Balance in wei.
    pub balance: U256,
    /// Code: EVM bytecode, or a Stylus program (`EF F0 00` framing).
    pub code: Bytes,
    /// keccak256 of `code`.
    pub code_hash: B256,
    /// Non-zero storage slots.
    pub storage: HashMap<U256, U256>,
}

impl Default for Account {
    fn default() -> Self {
        Self { nonce: 0, balance: U256::ZERO, code: Bytes::new(), code_hash: KECCAK256_EMPTY, storage: HashMap::new() }
    }
}

impl Account {
    /// EIP-161: no nonce, no balance, no code.
    pub fn is_empty(&self) -> bool {
        self.nonce == 0 && self.balance.is_zero() && self.code.is_empty()
    }

    /// Replaces the code and its hash.
    pub fn set_code(&mut self, code: Bytes) {
        self.code_hash = if code.is_empty() { KECCAK256_EMPTY } else { keccak256(&code) };
        self.code = code;
    }
}

/// Every account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorldState {
    /// Every account that is not empty (EIP-161 accounts are pruned after each transaction).
    pub accounts: HashMap<Address, Account>,
}

impl WorldState {
    /// The account at `address`, if it exists.
    pub fn account(&self, address: &Address) -> Option<&Account> {
        self.accounts.get(address)
    }

    /// The balance at `address` (0 for an absent account).
    pub fn balance(&self, address: &Address) -> U256 {
        self.account(address).map_or(U256::ZERO, |a| a.balance)
    }

    /// The nonce at `address` (0 for an absent account).
    pub fn nonce(&self, address: &Address) -> u64 {
        self.account(address).map_or(0, |a| a.nonce)
    }

    /// The code at `address` (empty for an absent account).
    pub fn code(&self, address: &Address) -> Bytes {
        self.account(address).map(|a| a.code.clone()).unwrap_or_default()
    }

    /// The storage word at `address`, `key` (0 when unset).
    pub fn storage(&self, address: &Address, key: &U256) -> U256 {
        self.account(address).and_then(|a| a.storage.get(key).copied()).unwrap_or_default()
    }
}
