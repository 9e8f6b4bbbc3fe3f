//! The state root: the Merkle-Patricia root of the accounts, each with its storage root.
//!
//! Storage roots are cached per account and recomputed only for accounts whose storage a block
//! changed, so a block costs in proportion to what it touched, not to the size of the state.

use std::collections::HashMap;

use alloy_primitives::{Address, B256};
use alloy_trie::{
    root::{state_root_unhashed, storage_root_unhashed},
    TrieAccount,
};

use super::{StateChange, WorldState};

/// Storage roots of the accounts, kept up to date block by block.
#[derive(Debug, Default)]
pub struct StateRootCache {
    storage_roots: HashMap<Address, B256>,
}

impl StateRootCache {
    /// Forgets the storage roots of the accounts `changes` touched.
    pub fn invalidate(&mut self, changes: &[StateChange]) {
        for change in changes {
            match change {
                StateChange::Storage(address, ..)
                | StateChange::AccountCreated(address)
                | StateChange::AccountRemoved(address, _) => {
                    self.storage_roots.remove(address);
                }
                _ => {}
            }
        }
    }

    /// Forgets everything (after a revert to an earlier block or a load).
    pub fn clear(&mut self) {
        self.storage_roots.clear();
    }

    /// The root Ethereum clients would compute for this state.
    pub fn state_root(&mut self, state: &WorldState) -> B256 {
        self.storage_roots.retain(|address, _| state.accounts.contains_key(address));
        state_root_unhashed(state.accounts.iter().map(|(address, account)| {
            let storage_root = *self.storage_roots.entry(*address).or_insert_with(|| {
                storage_root_unhashed(account.storage.iter().map(|(key, value)| (B256::from(*key), *value)))
            });
            (
                *address,
                TrieAccount {
                    nonce: account.nonce,
                    balance: account.balance,
                    storage_root,
                    code_hash: account.code_hash,
                },
            )
        }))
    }
}

/// The state root of `state`, computed from scratch.
pub fn state_root(state: &WorldState) -> B256 {
    StateRootCache::default().state_root(state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{Address, U256};

    #[test]
    fn the_empty_state_has_the_empty_root() {
        assert_eq!(state_root(&WorldState::default()), light_client_iface::EMPTY_ROOT);
    }

    #[test]
    fn a_storage_write_changes_the_root_and_the_cache_follows_it() {
        let mut state = WorldState::default();
        state.accounts.entry(Address::repeat_byte(1)).or_default().balance = U256::from(1);
        let mut cache = StateRootCache::default();
        let before = cache.state_root(&state);
        state.accounts.entry(Address::repeat_byte(1)).or_default().storage.insert(U256::from(7), U256::from(9));
        cache.invalidate(&[StateChange::Storage(Address::repeat_byte(1), U256::from(7), U256::ZERO)]);
        let after = cache.state_root(&state);
        assert_ne!(after, before);
        assert_eq!(after, state_root(&state), "the cached root equals the one computed from scratch");
    }
}
