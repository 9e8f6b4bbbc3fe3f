//! The undo log of the persistent state: every change a transaction, a block or a dev method makes
//! is recorded with what it replaced, so that the chain can return to an earlier block.

use alloy_primitives::{Address, Bytes, U256};

use super::{Account, WorldState};

/// A change to the persistent state, with the value it replaced. Applied in reverse order, a list
/// of these restores the state as it was: the undo log of a call frame, a transaction or a block.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum StateChange {
    /// An account was created where none existed.
    AccountCreated(Address),
    /// An account was removed (emptied and pruned, or self-destructed); it held this.
    AccountRemoved(Address, Box<Account>),
    /// A balance changed.
    Balance(Address, U256),
    /// A nonce changed.
    Nonce(Address, u64),
    /// Code changed.
    Code(Address, Bytes),
    /// A storage slot changed; it held this (0 = unset).
    Storage(Address, U256, U256),
}

impl StateChange {
    /// Restores what this change replaced.
    pub fn undo(self, state: &mut WorldState) {
        match self {
            Self::AccountCreated(address) => {
                state.accounts.remove(&address);
            }
            Self::AccountRemoved(address, account) => {
                state.accounts.insert(address, *account);
            }
            Self::Balance(address, old) => state.accounts.entry(address).or_default().balance = old,
            Self::Nonce(address, old) => state.accounts.entry(address).or_default().nonce = old,
            Self::Code(address, old) => state.accounts.entry(address).or_default().set_code(old),
            Self::Storage(address, key, old) => {
                let storage = &mut state.accounts.entry(address).or_default().storage;
                if old.is_zero() {
                    storage.remove(&key);
                } else {
                    storage.insert(key, old);
                }
            }
        }
    }
}

/// Changes `state` and records what each change replaced.
pub struct StateWriter<'s> {
    state: &'s mut WorldState,
    changes: Vec<StateChange>,
}

impl<'s> StateWriter<'s> {
    /// A writer on `state` with an empty undo log.
    pub fn new(state: &'s mut WorldState) -> Self {
        Self { state, changes: Vec::new() }
    }

    /// The undo log, oldest change first.
    pub fn finish(self) -> Vec<StateChange> {
        self.changes
    }

    /// The account at `address`, created (and recorded) if absent.
    fn account_mut(&mut self, address: Address) -> &mut Account {
        if !self.state.accounts.contains_key(&address) {
            self.changes.push(StateChange::AccountCreated(address));
        }
        self.state.accounts.entry(address).or_default()
    }

    /// Sets a balance.
    pub fn set_balance(&mut self, address: Address, balance: U256) {
        let account = self.account_mut(address);
        let old = std::mem::replace(&mut account.balance, balance);
        if old != balance {
            self.changes.push(StateChange::Balance(address, old));
        }
    }

    /// Sets a nonce.
    pub fn set_nonce(&mut self, address: Address, nonce: u64) {
        let account = self.account_mut(address);
        let old = std::mem::replace(&mut account.nonce, nonce);
        if old != nonce {
            self.changes.push(StateChange::Nonce(address, old));
        }
    }

    /// Sets the code (and its hash).
    pub fn set_code(&mut self, address: Address, code: Bytes) {
        let account = self.account_mut(address);
        if account.code != code {
            let old = std::mem::take(&mut account.code);
            account.set_code(code);
            self.changes.push(StateChange::Code(address, old));
        }
    }

    /// Sets a storage slot (zero clears it).
    pub fn set_storage(&mut self, address: Address, key: U256, value: U256) {
        let storage = &mut self.account_mut(address).storage;
        let old = if value.is_zero() { storage.remove(&key) } else { storage.insert(key, value) }.unwrap_or_default();
        if old != value {
            self.changes.push(StateChange::Storage(address, key, old));
        }
    }

    /// Removes an account with its storage (self-destructed, or left empty: EIP-161).
    pub fn remove_account(&mut self, address: Address) {
        if let Some(account) = self.state.accounts.remove(&address) {
            self.changes.push(StateChange::AccountRemoved(address, Box::new(account)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undoing_a_writers_changes_in_reverse_restores_the_state() {
        let mut state = WorldState::default();
        let a = Address::repeat_byte(1);
        state.accounts.entry(a).or_default().storage.insert(U256::from(1), U256::from(5));
        let before = state.clone();
        let mut writer = StateWriter::new(&mut state);
        writer.set_balance(Address::repeat_byte(2), U256::from(7));
        writer.set_storage(a, U256::from(1), U256::ZERO);
        writer.set_storage(a, U256::from(2), U256::from(9));
        writer.set_code(a, Bytes::from_static(&[0x60, 0x00]));
        writer.set_nonce(a, 3);
        writer.remove_account(a);
        let changes = writer.finish();
        assert!(!state.accounts.contains_key(&a));
        for change in changes.into_iter().rev() {
            change.undo(&mut state);
        }
        assert_eq!(state, before);
    }
}
