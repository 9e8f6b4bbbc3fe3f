//! The state of one transaction in progress: every change is recorded with what it replaced, so that
//! a reverted call frame undoes exactly its own changes (storage, balances, nonces, code, programs,
//! logs, refunds, warm accounts and slots, transient storage).

use std::collections::{HashMap, HashSet};

use alloy_primitives::{Address, Bytes, Log, B256, U256};

use super::{Account, WorldState};
use crate::stylus::{DataPricer, ProgramRecord};

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
    /// A program record changed (activation); it was this.
    Program(B256, Option<ProgramRecord>),
    /// The data pricer changed; it was this.
    DataPricer(DataPricer),
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
            Self::Program(codehash, old) => match old {
                Some(record) => {
                    state.programs.insert(codehash, record);
                }
                None => {
                    state.programs.remove(&codehash);
                }
            },
            Self::DataPricer(old) => state.data_pricer = old,
        }
    }
}

/// What the journal records besides persistent state.
#[derive(Debug)]
enum Entry {
    State(StateChange),
    WarmAccount(Address),
    WarmSlot(Address, U256),
    Transient(Address, U256, U256),
    Refund(i64),
    Log,
    Created(Address),
    Destructed,
}

/// A point to revert to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checkpoint(usize);

/// The values an SSTORE sees, for its gas (EIP-2200): the slot's value when the transaction began,
/// before this write, and the value written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotWrite {
    /// At the start of the transaction.
    pub original: U256,
    /// Before this write.
    pub present: U256,
    /// Written.
    pub new: U256,
}

/// The state during one transaction, journaled.
pub struct Journal<'s> {
    state: &'s mut WorldState,
    entries: Vec<Entry>,
    logs: Vec<Log>,
    refund: i64,
    warm_accounts: HashSet<Address>,
    warm_slots: HashSet<(Address, U256)>,
    transient: HashMap<(Address, U256), U256>,
    original: HashMap<(Address, U256), U256>,
    created: HashSet<Address>,
    destructed: Vec<Address>,
}

/// What a finished transaction leaves behind.
#[derive(Debug, Default)]
pub struct TxEffects {
    /// The undo log of its state changes, oldest first.
    pub changes: Vec<StateChange>,
    /// Its logs, in order.
    pub logs: Vec<Log>,
    /// The refund counter at the end (EIP-3529 caps what is paid back).
    pub refund: i64,
}

impl<'s> Journal<'s> {
    /// Starts a transaction on `state`.
    pub fn new(state: &'s mut WorldState) -> Self {
        Self {
            state,
            entries: Vec::new(),
            logs: Vec::new(),
            refund: 0,
            warm_accounts: HashSet::new(),
            warm_slots: HashSet::new(),
            transient: HashMap::new(),
            original: HashMap::new(),
            created: HashSet::new(),
            destructed: Vec::new(),
        }
    }

    /// The state as it stands.
    pub fn state(&self) -> &WorldState {
        self.state
    }

    /// A point that [`Journal::revert`] returns to.
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint(self.entries.len())
    }

    /// Undoes everything recorded since `checkpoint`.
    pub fn revert(&mut self, checkpoint: Checkpoint) {
        while self.entries.len() > checkpoint.0 {
            let Some(entry) = self.entries.pop() else { break };
            match entry {
                Entry::State(change) => change.undo(self.state),
                Entry::WarmAccount(address) => {
                    self.warm_accounts.remove(&address);
                }
                Entry::WarmSlot(address, key) => {
                    self.warm_slots.remove(&(address, key));
                }
                Entry::Transient(address, key, old) => {
                    self.transient.insert((address, key), old);
                }
                Entry::Refund(old) => self.refund = old,
                Entry::Log => {
                    self.logs.pop();
                }
                Entry::Created(address) => {
                    self.created.remove(&address);
                }
                Entry::Destructed => {
                    self.destructed.pop();
                }
            }
        }
    }

    /// Ends the transaction: prunes the accounts it left empty (EIP-161) and removes the ones it
    /// created and self-destructed (EIP-6780), and returns its effects.
    pub fn finish(mut self) -> TxEffects {
        for address in std::mem::take(&mut self.destructed) {
            if let Some(account) = self.state.accounts.remove(&address) {
                self.entries.push(Entry::State(StateChange::AccountRemoved(address, Box::new(account))));
            }
        }
        let empty: Vec<Address> = self
            .state
            .accounts
            .iter()
            .filter(|(_, account)| account.is_empty() && account.storage.is_empty())
            .map(|(address, _)| *address)
            .collect();
        for address in empty {
            if let Some(account) = self.state.accounts.remove(&address) {
                self.entries.push(Entry::State(StateChange::AccountRemoved(address, Box::new(account))));
            }
        }
        let changes = self
            .entries
            .into_iter()
            .filter_map(|entry| match entry {
                Entry::State(change) => Some(change),
                _ => None,
            })
            .collect();
        TxEffects { changes, logs: self.logs, refund: self.refund }
    }

    fn record(&mut self, change: StateChange) {
        self.entries.push(Entry::State(change));
    }

    /// The account at `address`, created (and journaled) if absent.
    fn account_mut(&mut self, address: Address) -> &mut Account {
        if !self.state.accounts.contains_key(&address) {
            self.entries.push(Entry::State(StateChange::AccountCreated(address)));
        }
        self.state.accounts.entry(address).or_default()
    }

    /// Balance of `address`.
    pub fn balance(&self, address: &Address) -> U256 {
        self.state.balance(address)
    }

    /// Nonce of `address`.
    pub fn nonce(&self, address: &Address) -> u64 {
        self.state.nonce(address)
    }

    /// Code at `address`.
    pub fn code(&self, address: &Address) -> Bytes {
        self.state.code(address)
    }

    /// Code hash at `address`: keccak of the code for an account that exists, zero for one that
    /// does not (EXTCODEHASH's rule).
    pub fn code_hash(&self, address: &Address) -> B256 {
        self.state.account(address).filter(|a| !a.is_empty()).map_or(B256::ZERO, |a| a.code_hash)
    }

    /// Whether `address` is empty per EIP-161 (or absent).
    pub fn is_empty(&self, address: &Address) -> bool {
        self.state.account(address).is_none_or(Account::is_empty)
    }

    /// Sets the balance of `address`.
    pub fn set_balance(&mut self, address: Address, balance: U256) {
        let old = self.account_mut(address).balance;
        self.record(StateChange::Balance(address, old));
        self.account_mut(address).balance = balance;
    }

    /// Moves `value` from `from` to `to`.
    ///
    /// # Errors
    /// [`InsufficientBalance`] when `from` holds less than `value`; nothing changes then.
    pub fn transfer(&mut self, from: Address, to: Address, value: U256) -> Result<(), InsufficientBalance> {
        let available = self.balance(&from);
        let remaining = available.checked_sub(value).ok_or(InsufficientBalance { available, needed: value })?;
        if value.is_zero() {
            // A zero-value transfer still touches the recipient (EIP-161), which pruning undoes.
            self.account_mut(to);
            return Ok(());
        }
        self.set_balance(from, remaining);
        let credited = self.balance(&to).saturating_add(value);
        self.set_balance(to, credited);
        Ok(())
    }

    /// Increments the nonce of `address`; returns the nonce it had.
    pub fn bump_nonce(&mut self, address: Address) -> u64 {
        let old = self.account_mut(address).nonce;
        self.record(StateChange::Nonce(address, old));
        self.account_mut(address).nonce = old.saturating_add(1);
        old
    }

    /// Sets the code at `address`.
    pub fn set_code(&mut self, address: Address, code: Bytes) {
        let old = self.account_mut(address).code.clone();
        self.record(StateChange::Code(address, old));
        self.account_mut(address).set_code(code);
    }

    /// Reads a storage slot, remembering its value at the start of the transaction.
    pub fn sload(&mut self, address: Address, key: U256) -> U256 {
        let value = self.state.storage(&address, &key);
        self.original.entry((address, key)).or_insert(value);
        value
    }

    /// Writes a storage slot; returns the values SSTORE pricing needs.
    pub fn sstore(&mut self, address: Address, key: U256, new: U256) -> SlotWrite {
        let present = self.sload(address, key);
        let original = self.original.get(&(address, key)).copied().unwrap_or(present);
        if present != new {
            self.account_mut(address);
            self.record(StateChange::Storage(address, key, present));
            let storage = &mut self.account_mut(address).storage;
            if new.is_zero() {
                storage.remove(&key);
            } else {
                storage.insert(key, new);
            }
        }
        SlotWrite { original, present, new }
    }

    /// Marks `address` warm (EIP-2929); returns whether it was cold.
    pub fn warm_account(&mut self, address: Address) -> bool {
        let cold = self.warm_accounts.insert(address);
        if cold {
            self.entries.push(Entry::WarmAccount(address));
        }
        cold
    }

    /// Whether `address` is warm, without warming it.
    pub fn is_warm(&self, address: &Address) -> bool {
        self.warm_accounts.contains(address)
    }

    /// Marks a slot warm (EIP-2929); returns whether it was cold.
    pub fn warm_slot(&mut self, address: Address, key: U256) -> bool {
        let cold = self.warm_slots.insert((address, key));
        if cold {
            self.entries.push(Entry::WarmSlot(address, key));
        }
        cold
    }

    /// Reads transient storage (EIP-1153).
    pub fn tload(&self, address: Address, key: U256) -> U256 {
        self.transient.get(&(address, key)).copied().unwrap_or_default()
    }

    /// Writes transient storage (EIP-1153).
    pub fn tstore(&mut self, address: Address, key: U256, value: U256) {
        let old = self.transient.insert((address, key), value).unwrap_or_default();
        self.entries.push(Entry::Transient(address, key, old));
    }

    /// Appends a log.
    pub fn log(&mut self, log: Log) {
        self.logs.push(log);
        self.entries.push(Entry::Log);
    }

    /// The refund counter.
    pub fn refund(&self) -> i64 {
        self.refund
    }

    /// Adjusts the refund counter.
    pub fn add_refund(&mut self, delta: i64) {
        self.entries.push(Entry::Refund(self.refund));
        self.refund = self.refund.saturating_add(delta);
    }

    /// Records that `address` was created in this transaction (EIP-6780).
    pub fn mark_created(&mut self, address: Address) {
        if self.created.insert(address) {
            self.entries.push(Entry::Created(address));
        }
    }

    /// Records that `address`, created in this transaction, self-destructed: it is removed when the
    /// transaction ends, unless the frame that destroyed it reverts (EIP-6780).
    pub fn mark_destructed(&mut self, address: Address) {
        self.destructed.push(address);
        self.entries.push(Entry::Destructed);
    }

    /// Whether `address` was created in this transaction.
    pub fn created_in_tx(&self, address: &Address) -> bool {
        self.created.contains(address)
    }

    /// The program record for a code hash.
    pub fn program(&self, codehash: &B256) -> Option<&ProgramRecord> {
        self.state.programs.get(codehash)
    }

    /// Charges the data fee of activating `bytes` of compiled code at `time`.
    pub fn charge_data_fee(&mut self, bytes: u32, time: u64) -> U256 {
        let old = self.state.data_pricer;
        let (fee, updated) = old.charge(bytes, time);
        self.state.data_pricer = updated;
        self.record(StateChange::DataPricer(old));
        fee
    }

    /// Stores a program record (activation).
    pub fn set_program(&mut self, codehash: B256, record: ProgramRecord) {
        let old = self.state.programs.insert(codehash, record);
        self.record(StateChange::Program(codehash, old));
    }
}

/// A transfer of more than the sender holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("insufficient balance: {available} available, {needed} needed")]
pub struct InsufficientBalance {
    /// What the sender holds.
    pub available: U256,
    /// What the transfer needs.
    pub needed: U256,
}
