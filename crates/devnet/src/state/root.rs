//! The state root: the Merkle-Patricia root of the accounts, each with its storage root.

use alloy_primitives::B256;
use alloy_trie::{
    root::{state_root_unhashed, storage_root_unhashed},
    TrieAccount,
};

use super::WorldState;

/// The root Ethereum clients would compute for this state.
pub fn state_root(state: &WorldState) -> B256 {
    state_root_unhashed(state.accounts.iter().map(|(address, account)| {
        let storage_root =
            storage_root_unhashed(account.storage.iter().map(|(key, value)| (B256::from(*key), *value)));
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

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{Address, U256};

    #[test]
    fn the_empty_state_has_the_empty_root() {
        assert_eq!(state_root(&WorldState::default()), light_client_iface::EMPTY_ROOT);
    }

    #[test]
    fn a_storage_write_changes_the_root() {
        let mut state = WorldState::default();
        state.accounts.entry(Address::repeat_byte(1)).or_default().balance = U256::from(1);
        let before = state_root(&state);
        state.accounts.entry(Address::repeat_byte(1)).or_default().storage.insert(U256::from(7), U256::from(9));
        assert_ne!(state_root(&state), before);
    }
}
