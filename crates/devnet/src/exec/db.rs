//! The chain's state as revm reads it: a read-only view of the world state after the last block,
//! with the block hashes BLOCKHASH may ask for.

use std::convert::Infallible;

use alloy_primitives::{Address, B256};
use revm::{
    bytecode::Bytecode,
    primitives::{StorageKey, StorageValue},
    state::AccountInfo,
    Database,
};

use super::BlockEnv;
use crate::state::WorldState;

/// What revm reads: accounts, code and storage of `state`, and `env`'s recent block hashes.
/// Reads cannot fail (the state is in memory), hence the [`Infallible`] error.
pub struct StateDb<'a> {
    state: &'a WorldState,
    env: &'a BlockEnv,
}

impl<'a> StateDb<'a> {
    /// A view of `state` for a transaction in the block `env`.
    pub fn new(state: &'a WorldState, env: &'a BlockEnv) -> Self {
        Self { state, env }
    }
}

impl Database for StateDb<'_> {
    type Error = Infallible;

    fn basic(&mut self, address: Address) -> Result<Option<AccountInfo>, Self::Error> {
        Ok(self.state.account(&address).map(|account| AccountInfo {
            balance: account.balance,
            nonce: account.nonce,
            code_hash: account.code_hash,
            account_id: None,
            code: Some(Bytecode::new_raw(account.code.clone())),
        }))
    }

    fn code_by_hash(&mut self, code_hash: B256) -> Result<Bytecode, Self::Error> {
        // Every account's code comes with it from `basic`, so revm never asks by hash.
        tracing::warn!(%code_hash, "revm asked for code by hash");
        Ok(Bytecode::default())
    }

    fn storage(&mut self, address: Address, index: StorageKey) -> Result<StorageValue, Self::Error> {
        Ok(self.state.storage(&address, &index))
    }

    fn block_hash(&mut self, number: u64) -> Result<B256, Self::Error> {
        Ok(self.env.block_hash(number))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::U256;

    #[test]
    fn an_absent_account_reads_as_none_and_its_storage_as_zero() {
        let state = WorldState::default();
        let env = BlockEnv::default();
        let mut db = StateDb::new(&state, &env);
        assert!(db.basic(Address::repeat_byte(1)).unwrap().is_none());
        assert_eq!(db.storage(Address::repeat_byte(1), U256::from(1)).unwrap(), U256::ZERO);
    }
}
