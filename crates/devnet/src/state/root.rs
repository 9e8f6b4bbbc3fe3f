//! Incremental Ethereum state root.
//!
//! [`StateRootCache`] keeps the account trie and one storage trie per account between
//! blocks, so that a block costs in proportion to the accounts and slots it touched rather
//! than to the size of the state. The tries are `eth_trie` Merkle-Patricia tries over an
//! in-memory node store that keeps only the nodes reachable from each trie's current root:
//! nodes replaced by an update are deleted at commit time, so memory follows the live state.
//!
//! Keys and values are the ones Ethereum uses: the account trie maps `keccak256(address)` to
//! the RLP of [`TrieAccount`], and a storage trie maps `keccak256(slot as 32 big-endian
//! bytes)` to the RLP of the slot's non-zero value. [`state_root`] computes the same root
//! from scratch.

use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use alloy_primitives::{keccak256, Address, B256, U256};
use alloy_trie::root::{state_root_unhashed, storage_root_unhashed};
use alloy_trie::{TrieAccount, EMPTY_ROOT_HASH};
use eth_trie::{EthTrie, Trie, TrieError, DB};

use super::{Account, StateChange, WorldState};

/// A failure of one of the persistent tries while computing a root.
///
/// After an error the cache has dropped its tries, so the next
/// [`StateRootCache::try_state_root`] rebuilds them from the state.
#[derive(Debug, thiserror::Error)]
pub enum RootError {
    /// The storage trie of `address` failed (a missing or undecodable trie node).
    #[error("storage trie of account {address}: {source}")]
    StorageTrie {
        /// The account whose storage trie failed.
        address: Address,
        /// What the trie reported.
        #[source]
        source: Box<TrieError>,
    },
    /// The account trie failed (a missing or undecodable trie node).
    #[error("account trie: {0}")]
    AccountTrie(#[source] Box<TrieError>),
}

/// Keeps the account trie and each account's storage trie between blocks.
///
/// Record what a block changed with [`touch_account`](Self::touch_account),
/// [`touch_slot`](Self::touch_slot) and [`reset_storage`](Self::reset_storage), then call
/// [`try_state_root`](Self::try_state_root) with the state after the block: only the
/// recorded paths are rehashed. A new cache, or one after [`clear`](Self::clear), knows
/// nothing yet and builds every trie from the state at its next root.
#[derive(Default)]
pub struct StateRootCache {
    /// The tries as of the last root; `None` when the next root must start from scratch.
    tries: Option<Tries>,
    /// Accounts whose nonce, balance, code or existence changed since the last root.
    touched_accounts: HashSet<Address>,
    /// Storage slots that changed since the last root, by account.
    touched_slots: HashMap<Address, HashSet<U256>>,
    /// Accounts whose whole storage was replaced since the last root.
    reset_storage: HashSet<Address>,
}

impl fmt::Debug for StateRootCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StateRootCache")
            .field("built", &self.tries.is_some())
            .field("storage_tries", &self.tries.as_ref().map_or(0, |tries| tries.storage.len()))
            .field("touched_accounts", &self.touched_accounts.len())
            .field("touched_slot_accounts", &self.touched_slots.len())
            .field("reset_storage", &self.reset_storage.len())
            .finish()
    }
}

impl StateRootCache {
    /// Creates an empty cache; its first root is computed from scratch.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Records that this storage slot of `address` changed; its new value is read from the
    /// state at root time (zero or absent deletes the slot from the storage trie).
    ///
    /// Every slot whose value differs from the last root must be recorded, or the root will
    /// not match the state. Recording a slot that did not change is harmless.
    pub fn touch_slot(&mut self, address: Address, key: U256) {
        if self.tries.is_some() {
            self.touched_slots.entry(address).or_default().insert(key);
        }
    }

    /// Records that the account's nonce, balance, code or existence changed.
    ///
    /// An account that is absent from the state at root time is removed from the account
    /// trie together with its storage trie; if it exists again later it starts with an empty
    /// storage trie.
    pub fn touch_account(&mut self, address: Address) {
        if self.tries.is_some() {
            self.touched_accounts.insert(address);
        }
    }

    /// Records that the account's storage was replaced wholesale since the last root, for
    /// instance when it was destroyed and re-created within one block, or its storage was
    /// overwritten in bulk: at root time its storage trie is rebuilt from all of its slots in
    /// the state (cost in proportion to its storage). Implies
    /// [`touch_account`](Self::touch_account).
    ///
    /// Not needed when the account is absent at one root and exists at a later one: it then
    /// starts with an empty storage trie anyway.
    pub fn reset_storage(&mut self, address: Address) {
        if self.tries.is_some() {
            self.reset_storage.insert(address);
        }
    }

    /// Records what a block's undo log says it changed: slots, accounts, and accounts removed
    /// (whose storage may be re-created within the same block).
    pub fn record(&mut self, changes: &[StateChange]) {
        for change in changes {
            match change {
                StateChange::Storage(address, key, _) => self.touch_slot(*address, *key),
                StateChange::AccountRemoved(address, _) => self.reset_storage(*address),
                StateChange::AccountCreated(address)
                | StateChange::Balance(address, _)
                | StateChange::Nonce(address, _)
                | StateChange::Code(address, _) => self.touch_account(*address),
            }
        }
    }

    /// Forgets everything (used after reverting to an earlier block or loading a saved
    /// state); the next root is computed from scratch.
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    /// Returns the state root Ethereum clients compute for `state`, rehashing only the
    /// paths recorded since the last root (or building every trie from `state` when the
    /// cache is new or was cleared). The recorded changes are consumed either way.
    ///
    /// # Errors
    ///
    /// [`RootError::StorageTrie`] or [`RootError::AccountTrie`] if a trie finds a node
    /// missing from its store or cannot decode one. The cache then drops its tries, and the
    /// next call computes the root from scratch.
    pub fn try_state_root(&mut self, state: &WorldState) -> Result<B256, RootError> {
        let touched = Touched {
            accounts: std::mem::take(&mut self.touched_accounts),
            slots: std::mem::take(&mut self.touched_slots),
            reset_storage: std::mem::take(&mut self.reset_storage),
        };
        let (tries, root) = match self.tries.take() {
            Some(tries) => tries.update(state, &touched)?,
            None => Tries::build(state)?,
        };
        self.tries = Some(tries);
        Ok(root)
    }
}

/// Computes the state root of `state` from scratch, with `alloy_trie`'s hash builder.
///
/// Zero-valued slots are left out, as they are absent from Ethereum's storage tries.
#[must_use]
pub fn state_root(state: &WorldState) -> B256 {
    state_root_unhashed(state.accounts.iter().map(|(address, account)| {
        let storage_root = storage_root_unhashed(
            account
                .storage
                .iter()
                .filter(|(_, value)| !value.is_zero())
                .map(|(slot, value)| (B256::from(slot.to_be_bytes::<32>()), *value)),
        );
        (*address, trie_account(account, storage_root))
    }))
}

/// What changed since the last root.
struct Touched {
    accounts: HashSet<Address>,
    slots: HashMap<Address, HashSet<U256>>,
    reset_storage: HashSet<Address>,
}

/// The persistent tries of the whole state.
struct Tries {
    accounts: PersistentTrie,
    /// Storage tries of the accounts whose storage is not empty.
    storage: HashMap<Address, PersistentTrie>,
}

impl Tries {
    /// Builds every trie from `state` and returns them with the state root.
    fn build(state: &WorldState) -> Result<(Self, B256), RootError> {
        let mut tries = Tries { accounts: PersistentTrie::new(), storage: HashMap::new() };
        for (address, account) in &state.accounts {
            let storage_root = tries.rebuild_storage(*address, account)?;
            tries.set_account(*address, Some(&trie_account(account, storage_root)))?;
        }
        let root = tries.accounts.commit().map_err(account_error)?;
        Ok((tries, root))
    }

    /// Applies the recorded changes, reading new values from `state`, and returns the tries
    /// with the new state root.
    fn update(mut self, state: &WorldState, touched: &Touched) -> Result<(Self, B256), RootError> {
        let addresses: HashSet<&Address> =
            touched.accounts.iter().chain(touched.slots.keys()).chain(touched.reset_storage.iter()).collect();
        for &address in addresses {
            let Some(account) = state.accounts.get(&address) else {
                self.storage.remove(&address);
                self.set_account(address, None)?;
                continue;
            };
            let storage_root = if touched.reset_storage.contains(&address) {
                self.rebuild_storage(address, account)?
            } else if let Some(slots) = touched.slots.get(&address) {
                self.update_storage(address, account, slots)?
            } else {
                self.storage.get(&address).map_or(EMPTY_ROOT_HASH, |trie| trie.root)
            };
            self.set_account(address, Some(&trie_account(account, storage_root)))?;
        }
        let root = self.accounts.commit().map_err(account_error)?;
        Ok((self, root))
    }

    /// Replaces the storage trie of `address` by one holding every non-zero slot of
    /// `account`, and returns its root.
    fn rebuild_storage(&mut self, address: Address, account: &Account) -> Result<B256, RootError> {
        self.storage.remove(&address);
        let slots: Vec<&U256> =
            account.storage.iter().filter(|(_, value)| !value.is_zero()).map(|(slot, _)| slot).collect();
        self.update_storage(address, account, slots)
    }

    /// Writes the current values of `slots` from `account` into the storage trie of
    /// `address` (deleting zero or absent ones), and returns its new root. A trie left empty
    /// is dropped.
    fn update_storage<'a>(
        &mut self,
        address: Address,
        account: &Account,
        slots: impl IntoIterator<Item = &'a U256>,
    ) -> Result<B256, RootError> {
        let trie = self.storage.entry(address).or_insert_with(PersistentTrie::new);
        let storage_error = |source| RootError::StorageTrie { address, source: Box::new(source) };
        for slot in slots {
            let key = keccak256(slot.to_be_bytes::<32>());
            let value = account.storage.get(slot).filter(|value| !value.is_zero()).map(alloy_rlp::encode);
            trie.set(&key, value.as_deref()).map_err(storage_error)?;
        }
        let root = trie.commit().map_err(storage_error)?;
        if root == EMPTY_ROOT_HASH {
            self.storage.remove(&address);
        }
        Ok(root)
    }

    /// Sets (or with `None` deletes) the account trie entry of `address`.
    fn set_account(&mut self, address: Address, account: Option<&TrieAccount>) -> Result<(), RootError> {
        let value = account.map(alloy_rlp::encode);
        self.accounts.set(&keccak256(address), value.as_deref()).map_err(account_error)
    }
}

/// Wraps a failure of the account trie.
fn account_error(source: TrieError) -> RootError {
    RootError::AccountTrie(Box::new(source))
}

/// The account trie entry of `account`, given its storage root.
fn trie_account(account: &Account, storage_root: B256) -> TrieAccount {
    TrieAccount::new(account.nonce, account.balance, storage_root, account.code_hash)
}

/// An `eth_trie` trie with its own node store, which holds exactly the nodes reachable
/// from the committed root.
///
/// Each trie has its own store because `eth_trie` deletes a replaced node by hash without
/// reference counting: in a shared store, two tries holding an identical node (two
/// contracts with the same storage) would delete it from under each other.
struct PersistentTrie {
    store: Arc<NodeStore>,
    trie: EthTrie<NodeStore>,
    /// The root as of the last commit.
    root: B256,
    /// Whether `set` was called since the last commit.
    dirty: bool,
}

impl PersistentTrie {
    fn new() -> Self {
        let store = Arc::new(NodeStore::default());
        Self { trie: EthTrie::new(Arc::clone(&store)), store, root: EMPTY_ROOT_HASH, dirty: false }
    }

    /// Sets `key` to `value`, or deletes it when `value` is `None`.
    fn set(&mut self, key: &B256, value: Option<&[u8]>) -> Result<(), TrieError> {
        self.dirty = true;
        match value {
            Some(value) => self.trie.insert(key.as_slice(), value),
            // eth_trie 0.6 marks every stored node on the path of a removed key for
            // deletion at the next commit, even when the key is absent and the nodes stay
            // in the trie: removing an absent key would delete live nodes. Only remove
            // keys that are present.
            None if self.trie.contains(key.as_slice())? => self.trie.remove(key.as_slice()).map(drop),
            None => Ok(()),
        }
    }

    /// Hashes the changes since the last commit, prunes the nodes they replaced, and
    /// returns the new root.
    fn commit(&mut self) -> Result<B256, TrieError> {
        if !self.dirty {
            return Ok(self.root);
        }
        let root = self.trie.root_hash()?;
        self.dirty = false;
        if root != self.root {
            // eth_trie keeps the previous root node in memory rather than reading it back by
            // hash, so it never marks it for deletion: delete it here. With fixed-length
            // keys a node's encoding fixes its depth, so the old root cannot be a node of
            // the new trie.
            self.store.nodes().remove(self.root.as_slice());
            self.root = root;
        }
        Ok(root)
    }
}

/// In-memory node store of one trie: node hash to RLP-encoded node.
#[derive(Debug, Default)]
struct NodeStore {
    nodes: Mutex<HashMap<Vec<u8>, Vec<u8>>>,
}

impl NodeStore {
    fn nodes(&self) -> MutexGuard<'_, HashMap<Vec<u8>, Vec<u8>>> {
        // A map operation cannot leave the map half-updated, so a poisoned lock is still
        // safe to use.
        self.nodes.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl DB for NodeStore {
    type Error = Infallible;

    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, Self::Error> {
        Ok(self.nodes().get(key).cloned())
    }

    fn insert(&self, key: &[u8], value: Vec<u8>) -> Result<(), Self::Error> {
        self.nodes().insert(key.to_vec(), value);
        Ok(())
    }

    fn remove(&self, key: &[u8]) -> Result<(), Self::Error> {
        self.nodes().remove(key);
        Ok(())
    }

    fn flush(&self) -> Result<(), Self::Error> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::b256;
    use alloy_trie::KECCAK_EMPTY;
    use eth_trie::decode_node;
    use eth_trie::node::Node;
    use proptest::prelude::*;

    /// Asserts that every store holds exactly the nodes reachable from its trie's root, and
    /// that the cache keeps storage tries only for existing accounts with storage.
    fn assert_pruned(cache: &StateRootCache, state: &WorldState) {
        let tries = cache.tries.as_ref().expect("tries are built after a root");
        assert_trie_pruned(&tries.accounts);
        for (address, trie) in &tries.storage {
            assert!(state.accounts.contains_key(address), "storage trie of a deleted account");
            assert_ne!(trie.root, EMPTY_ROOT_HASH, "empty storage trie kept");
            assert_trie_pruned(trie);
        }
    }

    fn assert_trie_pruned(trie: &PersistentTrie) {
        let nodes = trie.store.nodes();
        let mut reachable = HashSet::new();
        if trie.root == EMPTY_ROOT_HASH {
            // Nothing, or only the empty node once an empty trie was committed.
            assert!(nodes.len() <= 1, "empty trie holds nodes");
            return;
        }
        let mut pending = vec![trie.root];
        while let Some(hash) = pending.pop() {
            if !reachable.insert(hash) {
                continue;
            }
            let encoded = nodes.get(hash.as_slice()).expect("reachable node is stored");
            let node = decode_node(&mut encoded.as_slice()).expect("stored node decodes");
            push_children(&node, &mut pending);
        }
        assert_eq!(reachable.len(), nodes.len(), "store holds unreachable nodes");
    }

    fn push_children(node: &Node, pending: &mut Vec<B256>) {
        match node {
            Node::Hash(hash) => pending.push(hash.hash),
            Node::Branch(branch) => {
                for child in &branch.read().expect("branch lock").children {
                    push_children(child, pending);
                }
            }
            Node::Extension(extension) => {
                push_children(&extension.read().expect("extension lock").node, pending);
            }
            Node::Empty | Node::Leaf(_) => {}
        }
    }

    fn address(index: u8) -> Address {
        Address::with_last_byte(index)
    }

    fn contract(slots: impl IntoIterator<Item = (u64, u64)>) -> Account {
        Account {
            nonce: 1,
            balance: U256::from(7),
            code: alloy_primitives::Bytes::from_static(&[0x60, 0x00]),
            code_hash: keccak256([0x60, 0x00]),
            storage: slots.into_iter().map(|(slot, value)| (U256::from(slot), U256::from(value))).collect(),
        }
    }

    /// Computes the incremental root, checks it against the from-scratch one and checks
    /// that nothing unreachable is kept.
    fn check_root(cache: &mut StateRootCache, state: &WorldState) {
        let root = cache.try_state_root(state).expect("root");
        assert_eq!(root, state_root(state));
        assert_pruned(cache, state);
    }

    #[test]
    fn empty_state_has_the_empty_root() {
        let empty = b256!("56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");
        let state = WorldState::default();
        assert_eq!(state_root(&state), empty);
        let mut cache = StateRootCache::new();
        assert_eq!(cache.try_state_root(&state).expect("root"), empty);
        // Still empty when computed incrementally after everything was deleted.
        let mut state = WorldState::default();
        state.accounts.insert(address(1), contract([(1, 1)]));
        cache.touch_account(address(1));
        cache.touch_slot(address(1), U256::from(1));
        check_root(&mut cache, &state);
        state.accounts.clear();
        cache.touch_account(address(1));
        assert_eq!(cache.try_state_root(&state).expect("root"), empty);
        assert_pruned(&cache, &state);
    }

    #[test]
    fn zero_values_are_absent_slots() {
        let mut state = WorldState::default();
        state.accounts.insert(address(1), contract([(1, 5), (2, 0), (3, 0)]));
        let with_zeros = state_root(&state);
        state.accounts.insert(address(1), contract([(1, 5)]));
        assert_eq!(state_root(&state), with_zeros);
        let mut cache = StateRootCache::new();
        assert_eq!(cache.try_state_root(&state).expect("root"), with_zeros);
    }

    /// `eth_trie` 0.6 deletes the stored nodes on the path of a removed key even when the key
    /// is absent; `PersistentTrie::set` must only remove present keys.
    #[test]
    fn deleting_an_absent_slot_keeps_the_trie_intact() {
        let mut state = WorldState::default();
        state.accounts.insert(address(1), contract((0..2_000).map(|slot| (slot, slot + 1))));
        let mut cache = StateRootCache::new();
        check_root(&mut cache, &state);
        for block in 0..20u64 {
            // Touch slots that are zero before and after: removals of absent keys.
            for slot in 10_000 + block * 50..10_000 + (block + 1) * 50 {
                cache.touch_slot(address(1), U256::from(slot));
            }
            check_root(&mut cache, &state);
            // Then change live slots, whose paths run through the same nodes.
            let account = state.accounts.get_mut(&address(1)).expect("account");
            for slot in (block * 97..2_000).step_by(211) {
                account.storage.insert(U256::from(slot), U256::from(block + 10_000));
                cache.touch_slot(address(1), U256::from(slot));
            }
            check_root(&mut cache, &state);
        }
    }

    #[test]
    fn reset_storage_rebuilds_a_recreated_account() {
        let mut state = WorldState::default();
        state.accounts.insert(address(1), contract((0..100).map(|slot| (slot, 1))));
        let mut cache = StateRootCache::new();
        check_root(&mut cache, &state);
        // Destroyed and re-created within one block, with a single new slot.
        state.accounts.insert(address(1), contract([(500, 9)]));
        cache.reset_storage(address(1));
        check_root(&mut cache, &state);
    }

    #[test]
    fn clear_forgets_recorded_changes() {
        let mut state = WorldState::default();
        state.accounts.insert(address(1), contract([(1, 1)]));
        let mut cache = StateRootCache::new();
        check_root(&mut cache, &state);
        // A change recorded before clear(), then a state loaded from elsewhere.
        cache.touch_slot(address(1), U256::from(1));
        cache.clear();
        state.accounts.insert(address(2), contract([(3, 3)]));
        state.accounts.remove(&address(1));
        check_root(&mut cache, &state);
    }

    /// One change to the state, with what the chain records for it.
    #[derive(Clone, Debug)]
    enum Op {
        /// Writes a slot (zero deletes it, kept as an explicit zero or removed).
        SetSlot {
            account: u8,
            slot: u64,
            value: u64,
            keep_zero: bool,
        },
        SetBalance {
            account: u8,
            balance: u64,
        },
        BumpNonce {
            account: u8,
        },
        Destroy {
            account: u8,
        },
        /// Creates the account (if absent) with these slots.
        Create {
            account: u8,
            slots: Vec<(u64, u64)>,
        },
    }

    fn value() -> impl Strategy<Value = u64> {
        prop_oneof![3 => Just(0u64), 3 => 1..4u64, 1 => any::<u64>()]
    }

    fn op() -> impl Strategy<Value = Op> {
        let account = 0..5u8;
        let slot = prop_oneof![0..40u64, Just(u64::MAX)];
        prop_oneof![
            8 => (account.clone(), slot.clone(), value(), any::<bool>()).prop_map(
                |(account, slot, value, keep_zero)| Op::SetSlot { account, slot, value, keep_zero }
            ),
            2 => (account.clone(), any::<u64>())
                .prop_map(|(account, balance)| Op::SetBalance { account, balance }),
            1 => account.clone().prop_map(|account| Op::BumpNonce { account }),
            1 => account.clone().prop_map(|account| Op::Destroy { account }),
            1 => (account, proptest::collection::vec((slot, value()), 0..20))
                .prop_map(|(account, slots)| Op::Create { account, slots }),
        ]
    }

    /// Applies `op` to `state` and records it in `cache` as the chain would.
    /// `destroyed` holds the accounts destroyed earlier in the same block.
    fn apply(op: &Op, state: &mut WorldState, cache: &mut StateRootCache, destroyed: &mut HashSet<Address>) {
        match op {
            Op::SetSlot { account, slot, value, keep_zero } => {
                let account = address(*account);
                if !state.accounts.contains_key(&account) && destroyed.contains(&account) {
                    cache.reset_storage(account);
                }
                let entry = state
                    .accounts
                    .entry(account)
                    .or_insert_with(|| Account { code_hash: KECCAK_EMPTY, ..Account::default() });
                if *value == 0 && !keep_zero {
                    entry.storage.remove(&U256::from(*slot));
                } else {
                    entry.storage.insert(U256::from(*slot), U256::from(*value));
                }
                cache.touch_account(account);
                cache.touch_slot(account, U256::from(*slot));
            }
            Op::SetBalance { account, balance } => {
                if let Some(entry) = state.accounts.get_mut(&address(*account)) {
                    entry.balance = U256::from(*balance);
                    cache.touch_account(address(*account));
                }
            }
            Op::BumpNonce { account } => {
                if let Some(entry) = state.accounts.get_mut(&address(*account)) {
                    entry.nonce += 1;
                    cache.touch_account(address(*account));
                }
            }
            Op::Destroy { account } => {
                if state.accounts.remove(&address(*account)).is_some() {
                    destroyed.insert(address(*account));
                    cache.touch_account(address(*account));
                }
            }
            Op::Create { account, slots } => {
                let account = address(*account);
                if state.accounts.contains_key(&account) {
                    return;
                }
                state.accounts.insert(account, contract(slots.iter().copied()));
                if destroyed.contains(&account) {
                    cache.reset_storage(account);
                } else {
                    cache.touch_account(account);
                    for (slot, _) in slots {
                        cache.touch_slot(account, U256::from(*slot));
                    }
                }
            }
        }
    }

    proptest! {
        #[test]
        fn incremental_root_matches_from_scratch(
            blocks in proptest::collection::vec(
                (proptest::collection::vec(op(), 0..30), proptest::bool::weighted(0.1)),
                1..25,
            )
        ) {
            let mut state = WorldState::default();
            let mut cache = StateRootCache::new();
            for (ops, clear_after) in &blocks {
                let mut destroyed = HashSet::new();
                for op in ops {
                    apply(op, &mut state, &mut cache, &mut destroyed);
                }
                let root = cache.try_state_root(&state);
                prop_assert_eq!(root.ok(), Some(state_root(&state)));
                assert_pruned(&cache, &state);
                if *clear_after {
                    cache.clear();
                }
            }
        }
    }
}
