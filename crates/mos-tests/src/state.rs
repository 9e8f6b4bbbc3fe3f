//! What a transaction changed in a chain's state, account by account and slot by slot: for tests
//! that must show an attack left everything as it was ([`Changes::assert_only_gas`]), or changed
//! exactly what a refusal records ([`Changes::storage_of`]).
//!
//! A [`Snapshot`] is the whole world state after the latest block; [`Suite::changes_since`]
//! compares the state now with one, so nothing can change unseen: not a contract no test thought
//! of, not a slot outside the layout.

use std::collections::BTreeMap;

use alloy_primitives::{Address, U256};
use devnet::state::{Account, WorldState};
use devnet::BlockId;

use crate::{account, Suite};

/// The whole world state at one moment (see the module).
#[derive(Debug, Clone)]
pub struct Snapshot(WorldState);

/// How one account differs between two states.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountChange {
    /// `(before, after)` when the nonce changed.
    pub nonce: Option<(u64, u64)>,
    /// `(before, after)` when the balance changed.
    pub balance: Option<(U256, U256)>,
    /// Whether the code changed (created, replaced or removed).
    pub code: bool,
    /// Every slot whose word changed: `slot → (before, after)`.
    pub storage: BTreeMap<U256, (U256, U256)>,
}

/// Every account that differs between two states, in address order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes(pub BTreeMap<Address, AccountChange>);

impl Changes {
    /// The differences between `before` and `after`.
    pub fn between(before: &WorldState, after: &WorldState) -> Self {
        let empty = Account::default();
        let mut addresses: Vec<&Address> = before.accounts.keys().chain(after.accounts.keys()).collect();
        addresses.sort();
        addresses.dedup();
        let mut changes = BTreeMap::new();
        for address in addresses {
            let old = before.accounts.get(address).unwrap_or(&empty);
            let new = after.accounts.get(address).unwrap_or(&empty);
            let change = AccountChange {
                nonce: (old.nonce != new.nonce).then_some((old.nonce, new.nonce)),
                balance: (old.balance != new.balance).then_some((old.balance, new.balance)),
                code: old.code_hash != new.code_hash,
                storage: storage_changes(old, new),
            };
            if change != AccountChange::default() {
                changes.insert(*address, change);
            }
        }
        Self(changes)
    }

    /// The slots of `address` that changed (empty when none did).
    pub fn storage_of(&self, address: Address) -> BTreeMap<U256, (U256, U256)> {
        self.0.get(&address).map(|change| change.storage.clone()).unwrap_or_default()
    }

    /// The accounts that changed.
    pub fn accounts(&self) -> Vec<Address> {
        self.0.keys().copied().collect()
    }

    /// These changes without `address`'s.
    pub fn without(mut self, address: Address) -> Self {
        self.0.remove(&address);
        self
    }

    /// Asserts that the only change is dev account `payer`'s nonce and balance (the gas of the
    /// transactions it sent): every contract, every other account and every slot is as it was.
    ///
    /// # Panics
    /// With every other change listed, and `what` (the attack) in the message.
    pub fn assert_only_gas(&self, payer: u32, what: &str) {
        let payer = account(payer);
        let others: BTreeMap<_, _> = self
            .0
            .iter()
            .filter(|(address, change)| {
                **address != payer || change.code || !change.storage.is_empty() || change.nonce.is_none()
            })
            .collect();
        assert!(others.is_empty(), "{what}: changed more than the sender's gas: {others:#?}");
    }
}

fn storage_changes(old: &Account, new: &Account) -> BTreeMap<U256, (U256, U256)> {
    let mut slots: Vec<&U256> = old.storage.keys().chain(new.storage.keys()).collect();
    slots.sort();
    slots.dedup();
    slots
        .into_iter()
        .filter_map(|slot| {
            let before = old.storage.get(slot).copied().unwrap_or_default();
            let after = new.storage.get(slot).copied().unwrap_or_default();
            (before != after).then_some((*slot, (before, after)))
        })
        .collect()
}

impl Suite {
    /// The whole state after the latest block.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot(self.chain.read_state(BlockId::Latest, WorldState::clone).unwrap())
    }

    /// What changed since `before`.
    pub fn changes_since(&self, before: &Snapshot) -> Changes {
        self.chain.read_state(BlockId::Latest, |now| Changes::between(&before.0, now)).unwrap()
    }

    /// Runs `attack`, then asserts it changed nothing but `payer`'s gas ([`Changes::assert_only_gas`]).
    pub fn assert_unchanged_by<T>(&mut self, payer: u32, what: &str, attack: impl FnOnce(&mut Self) -> T) -> T {
        let before = self.snapshot();
        let outcome = attack(self);
        self.changes_since(&before).assert_only_gas(payer, what);
        outcome
    }
}
