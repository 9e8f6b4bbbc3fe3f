//! The chain: state, blocks, transactions and everything the JSON-RPC and the tests ask of it.

use std::collections::HashMap;

/// How far above the least gas that succeeds an estimate may be: geth's `estimateGasErrorRatio`.
pub const ESTIMATE_ERROR_RATIO: f64 = 0.015;

use alloy_consensus::{SignableTransaction, TxEnvelope, TypedTransaction};
use alloy_primitives::{Address, BloomInput, Bytes, Log, B256, U256};
use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;
use map_ibft::ValidatorSet;

use crate::{
    block::{Block, BlockContents, BlockTx, TxReceipt},
    config::ChainConfig,
    config::DevAccounts,
    dev_accounts,
    exec::{self, BlockEnv, CallParams, CallResult, StateOverride},
    ibft::{self, Ibft},
    persist::{SavedBlock, SavedChain},
    state::{StateChange, StateRootCache, StateWriter, WorldState},
    stylus::ProgramCache,
    tx::{self, TxError, ValidTx},
};

/// Which block a query is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockId {
    /// The newest block.
    Latest,
    /// The state after pending transactions (the same as latest: the devnet mines at once).
    Pending,
    /// The genesis block.
    Earliest,
    /// A block by number.
    Number(u64),
    /// A block by hash.
    Hash(B256),
}

/// Why a chain operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// The transaction was refused.
    #[error(transparent)]
    Tx(#[from] TxError),
    /// No such block.
    #[error("block not found")]
    UnknownBlock,
    /// `eth_sendTransaction` from an account the node holds no key for.
    #[error("unknown account {0}")]
    UnknownAccount(Address),
    /// The request is incomplete or inconsistent.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// No snapshot with that id.
    #[error("no snapshot with id {0}")]
    UnknownSnapshot(u64),
    /// The call fails at every gas limit up to the cap.
    #[error("gas required exceeds allowance ({0})")]
    GasExceedsAllowance(u64),
}

/// A log with the position it has in its block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedLog {
    /// The log.
    pub log: Log,
    /// Its block.
    pub block_number: u64,
    /// Its block's hash.
    pub block_hash: B256,
    /// The transaction that emitted it.
    pub tx_hash: B256,
    /// The transaction's index in the block.
    pub tx_index: u64,
    /// The log's index in the block.
    pub log_index: u64,
}

/// What `eth_getLogs` selects.
#[derive(Debug, Clone, Default)]
pub struct LogFilter {
    /// First block (inclusive).
    pub from_block: u64,
    /// Last block (inclusive).
    pub to_block: u64,
    /// Emitters to match; empty matches all.
    pub addresses: Vec<Address>,
    /// Per position, the topics to match; an empty set matches anything.
    pub topics: Vec<Vec<B256>>,
}

impl LogFilter {
    fn matches(&self, log: &Log) -> bool {
        (self.addresses.is_empty() || self.addresses.contains(&log.address))
            && self
                .topics
                .iter()
                .enumerate()
                .all(|(i, wanted)| wanted.is_empty() || log.topics().get(i).is_some_and(|topic| wanted.contains(topic)))
    }
}

/// A dev chain.
pub struct Chain {
    config: ChainConfig,
    state: WorldState,
    blocks: Vec<Block>,
    tx_locations: HashMap<B256, (u64, usize)>,
    programs: ProgramCache,
    signers: HashMap<Address, PrivateKeySigner>,
    /// State changes made outside transactions (anvil_setBalance); they join the next block's
    /// undo log, or the head's when a snapshot is taken, so history stays consistent.
    dev_changes: Vec<StateChange>,
    snapshots: Vec<(u64, usize)>,
    /// Mine a block for every transaction (the default), or queue them for [`Chain::mine`].
    auto_mine: bool,
    pending: Vec<ValidTx>,
    roots: StateRootCache,
    /// The sealer, on a chain that seals as the MAP relay chain.
    ibft: Option<Ibft>,
}

impl Chain {
    /// A chain with the dev accounts funded and a genesis block; [`Chain::try_new`] for a
    /// configuration that may be invalid (an invalid IBFT configuration is logged here and the
    /// chain seals as Nitro).
    pub fn new(config: ChainConfig) -> Self {
        match Self::try_new(config.clone()) {
            Ok(chain) => chain,
            Err(error) => {
                tracing::error!(%error, "the IBFT configuration is invalid; the chain seals as Nitro");
                Self::with_sealer(ChainConfig { ibft: None, ..config }, None)
            }
        }
    }

    /// A chain with the dev accounts funded and a genesis block.
    ///
    /// # Errors
    /// A message naming what is wrong with the IBFT configuration ([`Ibft::new`]).
    pub fn try_new(config: ChainConfig) -> Result<Self, String> {
        let ibft = config.ibft.clone().map(Ibft::new).transpose()?;
        Ok(Self::with_sealer(config, ibft))
    }

    /// A chain sealed by `ibft` (as Nitro without).
    fn with_sealer(config: ChainConfig, ibft: Option<Ibft>) -> Self {
        let mut state = WorldState::default();
        let funded = match config.dev_accounts {
            DevAccounts::Mnemonic => dev_accounts::dev_signers(),
            DevAccounts::Nitro => vec![dev_accounts::nitro_dev_signer()],
        };
        let signers: HashMap<Address, PrivateKeySigner> = funded.into_iter().map(|s| (s.address(), s)).collect();
        for address in signers.keys() {
            state.accounts.entry(*address).or_default().balance = config.dev_balance;
        }
        // ArbOS's state account exists from genesis, as on Nitro (nonce 1: never pruned as empty).
        state.accounts.entry(crate::arbos::storage::ARBOS_STATE).or_default().nonce = 1;
        let deployer = state.accounts.entry(crate::predeploys::STYLUS_DEPLOYER).or_default();
        deployer.nonce = 1;
        deployer.set_code(crate::predeploys::stylus_deployer_code());
        let genesis = BlockContents {
            parent_hash: B256::ZERO,
            number: 0,
            timestamp: config.genesis_timestamp,
            beneficiary: config.coinbase,
            gas_limit: config.block_gas_limit,
            base_fee: config.base_fee,
            arbos_version: config.arbos_version,
            state_root: crate::state::state_root(&state),
            transactions: Vec::new(),
            receipts: Vec::new(),
            changes: Vec::new(),
        };
        let genesis = match &ibft {
            Some(ibft) => Block::seal_with(genesis, |header| {
                header.extra_data = ibft.genesis_extra();
                ibft::block_hash(header).unwrap_or_else(|error| {
                    tracing::error!(%error, "the genesis block's Istanbul extra");
                    header.hash()
                })
            }),
            None => Block::seal(genesis),
        };
        Self {
            config,
            state,
            blocks: vec![genesis],
            tx_locations: HashMap::new(),
            programs: ProgramCache::default(),
            signers,
            dev_changes: Vec::new(),
            snapshots: Vec::new(),
            auto_mine: true,
            pending: Vec::new(),
            roots: StateRootCache::default(),
            ibft,
        }
    }

    /// With `false`, transactions wait in a pool until [`Chain::mine`] (interval mining).
    pub fn set_auto_mine(&mut self, auto_mine: bool) {
        self.auto_mine = auto_mine;
    }

    /// The nonce the next transaction of `address` must carry, counting queued ones.
    pub fn next_nonce(&self, address: &Address) -> u64 {
        self.state.nonce(address) + self.pending.iter().filter(|tx| tx.sender == *address).count() as u64
    }

    /// Sets the base fee of the blocks mined from now on (`anvil_setNextBlockBaseFeePerGas`): a
    /// fee rise, as Nitro's L2 pricing raises it under load. Queued transactions whose max fee is
    /// below it are dropped when the next block is mined.
    pub fn set_base_fee(&mut self, base_fee: u64) {
        self.config.base_fee = base_fee;
    }

    /// Forgets the queued transactions, as a node restarted without its pool does. Mined blocks
    /// stay.
    pub fn drop_pending(&mut self) -> usize {
        std::mem::take(&mut self.pending).len()
    }

    /// Transactions waiting to be mined.
    pub fn pending(&self) -> &[ValidTx] {
        &self.pending
    }

    /// The chain's configuration.
    pub fn config(&self) -> &ChainConfig {
        &self.config
    }

    /// The newest block.
    pub fn latest(&self) -> &Block {
        // `new` seals a genesis block and nothing removes it.
        &self.blocks[self.blocks.len() - 1]
    }

    /// The addresses of the dev accounts (`eth_accounts`), the mnemonic's in their order.
    pub fn accounts(&self) -> Vec<Address> {
        let mut accounts: Vec<Address> = self.signers.keys().copied().collect();
        let order = dev_accounts::dev_addresses();
        accounts.sort_by_key(|account| order.iter().position(|dev| dev == account));
        accounts
    }

    /// The number a block id resolves to.
    ///
    /// # Errors
    /// [`ChainError::UnknownBlock`] for a number past the head or an unknown hash.
    pub fn resolve(&self, id: BlockId) -> Result<u64, ChainError> {
        let head = self.latest().number();
        match id {
            BlockId::Latest | BlockId::Pending => Ok(head),
            BlockId::Earliest => Ok(0),
            BlockId::Number(n) if n <= head => Ok(n),
            BlockId::Number(_) => Err(ChainError::UnknownBlock),
            BlockId::Hash(hash) => {
                self.blocks.iter().find(|b| b.hash == hash).map(Block::number).ok_or(ChainError::UnknownBlock)
            }
        }
    }

    /// A block.
    pub fn block(&self, id: BlockId) -> Option<&Block> {
        let number = self.resolve(id).ok()?;
        self.blocks.get(usize::try_from(number).ok()?)
    }

    /// A transaction with its block and index.
    pub fn transaction(&self, hash: &B256) -> Option<(&Block, usize)> {
        let (number, index) = self.tx_locations.get(hash)?;
        Some((self.blocks.get(*number as usize)?, *index))
    }

    /// Logs matching a filter, in chain order.
    pub fn logs(&self, filter: &LogFilter) -> Vec<IndexedLog> {
        let head = self.latest().number();
        let mut found = Vec::new();
        for number in filter.from_block..=filter.to_block.min(head) {
            let Some(block) = self.blocks.get(number as usize) else { break };
            let bloom = &block.header.logs_bloom;
            let may_match = filter
                .topics
                .iter()
                .all(|set| set.is_empty() || set.iter().any(|t| bloom.contains_input(BloomInput::Raw(t.as_slice()))));
            if !may_match {
                continue;
            }
            for (tx_index, receipt) in block.receipts.iter().enumerate() {
                for (i, log) in receipt.receipt.logs.iter().enumerate() {
                    if filter.matches(log) {
                        found.push(IndexedLog {
                            log: log.clone(),
                            block_number: number,
                            block_hash: block.hash,
                            tx_hash: block.transactions[tx_index].hash,
                            tx_index: tx_index as u64,
                            log_index: receipt.first_log_index + i as u64,
                        });
                    }
                }
            }
        }
        found
    }

    /// The state after block `number`: the current state with the undo logs of later blocks applied.
    fn state_at(&self, number: u64) -> WorldState {
        let mut state = self.state.clone();
        for change in self.dev_changes.iter().rev() {
            change.clone().undo(&mut state);
        }
        for block in self.blocks.iter().skip(number as usize + 1).rev() {
            for change in block.changes.iter().rev() {
                change.clone().undo(&mut state);
            }
        }
        state
    }

    /// Reads the state at a block.
    ///
    /// # Errors
    /// [`ChainError::UnknownBlock`].
    pub fn read_state<T>(&self, id: BlockId, read: impl FnOnce(&WorldState) -> T) -> Result<T, ChainError> {
        let number = self.resolve(id)?;
        if number == self.latest().number() {
            Ok(read(&self.state))
        } else {
            Ok(read(&self.state_at(number)))
        }
    }

    /// The environment a new block executes in.
    fn next_env(&self) -> BlockEnv {
        let parent = self.latest();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(parent.header.timestamp, |d| d.as_secs());
        BlockEnv {
            number: parent.number() + 1,
            timestamp: now.max(parent.header.timestamp),
            coinbase: self.next_coinbase(parent.number() + 1),
            gas_limit: self.config.block_gas_limit,
            base_fee: self.config.base_fee,
            chain_id: self.config.chain_id,
            arbos_version: self.config.arbos_version,
            debug_chain: self.config.debug_chain,
            parent_hash: parent.hash,
            recent_hashes: self.blocks.iter().rev().take(256).rev().map(|b| b.hash).collect(),
            cache_managers: self.config.cache_managers.clone(),
        }
    }

    /// The coinbase of block `number`: its proposer on an IBFT chain, else the configured one.
    fn next_coinbase(&self, number: u64) -> Address {
        let proposer = self.ibft.as_ref().and_then(|ibft| {
            let set = ibft.validators_for(&self.blocks, number).ok()?;
            Ibft::proposer(&set, number)
        });
        proposer.unwrap_or(self.config.coinbase)
    }

    /// The IBFT sealer, on a chain that seals as the MAP relay chain.
    pub fn ibft(&self) -> Option<&Ibft> {
        self.ibft.as_ref()
    }

    /// On an IBFT chain, makes the validators of `keys` the set from the next epoch's end on
    /// ([`Ibft::propose`]); their addresses.
    ///
    /// # Errors
    /// [`ChainError::InvalidRequest`] on a Nitro chain or for keys [`Ibft::propose`] refuses.
    pub fn propose_validators(&mut self, keys: &[B256]) -> Result<Vec<Address>, ChainError> {
        let ibft =
            self.ibft.as_mut().ok_or_else(|| ChainError::InvalidRequest("the chain does not seal with IBFT".into()))?;
        let addresses = ibft.propose(keys).map_err(ChainError::InvalidRequest)?;
        self.config.ibft = Some(ibft.config().clone());
        Ok(addresses)
    }

    /// On an IBFT chain, the validators that sign block `number` (its epoch's set); `None` on a
    /// Nitro chain or for a block beyond the next epoch.
    pub fn validators_for(&self, number: u64) -> Option<ValidatorSet> {
        let ibft = self.ibft.as_ref()?;
        ibft.validators_for(&self.blocks, number).ok()
    }

    /// Decodes, checks and executes a signed transaction in a new block.
    ///
    /// # Errors
    /// [`ChainError::Tx`] when the transaction is refused (it then changes nothing).
    pub fn send_raw_transaction(&mut self, raw: &[u8]) -> Result<B256, ChainError> {
        let (envelope, sender) = tx::decode_raw(raw)?;
        self.submit(envelope, sender)
    }

    /// Signs a transaction with a dev account's key and submits it (`eth_sendTransaction`).
    ///
    /// # Errors
    /// [`ChainError::UnknownAccount`] when the node has no key for `from`, [`ChainError::Tx`] when
    /// the transaction is refused.
    pub fn send_transaction(&mut self, from: Address, tx: TypedTransaction) -> Result<B256, ChainError> {
        let signer = self.signers.get(&from).ok_or(ChainError::UnknownAccount(from))?;
        let signature =
            signer.sign_hash_sync(&tx.signature_hash()).map_err(|e| ChainError::InvalidRequest(e.to_string()))?;
        let envelope: TxEnvelope = match tx {
            TypedTransaction::Legacy(t) => t.into_signed(signature).into(),
            TypedTransaction::Eip2930(t) => t.into_signed(signature).into(),
            TypedTransaction::Eip1559(t) => t.into_signed(signature).into(),
            _ => return Err(TxError::UnsupportedType.into()),
        };
        self.submit(envelope, from)
    }

    fn submit(&mut self, envelope: TxEnvelope, sender: Address) -> Result<B256, ChainError> {
        let hash = *envelope.tx_hash();
        if self.tx_locations.contains_key(&hash) || self.pending.iter().any(|tx| tx.hash == hash) {
            return Err(TxError::AlreadyKnown.into());
        }
        let next = self.next_nonce(&sender);
        let valid = tx::validate(envelope, sender, next, &self.state, &self.config)?;
        if self.auto_mine {
            self.mine_block(vec![valid]);
        } else {
            self.pending.push(valid);
        }
        Ok(hash)
    }

    /// Mines a block with the queued transactions that fit its gas limit, or none (`evm_mine`);
    /// returns its number. Transactions that do not fit wait for the next block.
    pub fn mine(&mut self) -> u64 {
        let mut budget = self.config.block_gas_limit;
        let fitting = self.pending.iter().take_while(|tx| match budget.checked_sub(tx.gas_limit) {
            Some(left) => {
                budget = left;
                true
            }
            None => false,
        });
        let count = fitting.count();
        let included: Vec<ValidTx> = self.pending.drain(..count).collect();
        self.mine_block(included)
    }

    fn mine_block(&mut self, transactions: Vec<ValidTx>) -> u64 {
        let env = self.next_env();
        let mut changes = std::mem::take(&mut self.dev_changes);
        let mut block_txs = Vec::new();
        let mut receipts: Vec<TxReceipt> = Vec::new();
        let mut cumulative = 0u64;
        let mut log_index = 0u64;
        for valid in transactions {
            // A queued transaction was checked against the state when it arrived; check it again.
            let next = self.state.nonce(&valid.sender);
            let valid = match tx::validate(valid.envelope, valid.sender, next, &self.state, &self.config) {
                Ok(valid) => valid,
                Err(error) => {
                    tracing::warn!(%error, "dropped a queued transaction that is no longer valid");
                    continue;
                }
            };
            let (state, programs) = (&mut self.state, &mut self.programs);
            let outcome = match exec::execute_transaction(state, programs, &env, &valid) {
                Ok(outcome) => outcome,
                Err(error) => {
                    tracing::warn!(%error, hash = %valid.hash, "dropped a queued transaction revm refused");
                    continue;
                }
            };
            cumulative += outcome.gas_used;
            let logs = outcome.logs;
            let receipt = TxReceipt {
                receipt: light_client_iface::Receipt::new(
                    valid.envelope.tx_type() as u8,
                    outcome.success,
                    cumulative,
                    logs.clone(),
                ),
                gas_used: outcome.gas_used,
                effective_gas_price: valid.effective_gas_price,
                contract_address: outcome.contract_address,
                first_log_index: log_index,
                output: outcome.output,
            };
            log_index += logs.len() as u64;
            changes.extend(outcome.changes);
            receipts.push(receipt);
            block_txs.push(BlockTx { hash: valid.hash, sender: valid.sender, envelope: valid.envelope });
        }
        let number = env.number;
        for (index, tx) in block_txs.iter().enumerate() {
            self.tx_locations.insert(tx.hash, (number, index));
        }
        let contents = BlockContents {
            parent_hash: env.parent_hash,
            number,
            timestamp: env.timestamp,
            beneficiary: env.coinbase,
            gas_limit: env.gas_limit,
            base_fee: env.base_fee,
            arbos_version: env.arbos_version,
            state_root: {
                self.roots.record(&changes);
                self.roots.try_state_root(&self.state).unwrap_or_else(|error| {
                    tracing::error!(%error, "the incremental state root failed; computing it from scratch");
                    crate::state::state_root(&self.state)
                })
            },
            transactions: block_txs,
            receipts,
            changes,
        };
        let block = match &self.ibft {
            Some(ibft) => Block::seal_with(contents, |header| {
                ibft.seal(header, &self.blocks).unwrap_or_else(|error| {
                    tracing::error!(number, %error, "cannot seal the block as IBFT; it carries no seal");
                    header.hash()
                })
            }),
            None => Block::seal(contents),
        };
        tracing::debug!(number, hash = %block.hash, txs = block.transactions.len(), "mined block");
        self.blocks.push(block);
        number
    }

    /// Executes a call against the state at `at` without changing anything (`eth_call`).
    ///
    /// # Errors
    /// [`ChainError::UnknownBlock`].
    pub fn call(
        &mut self,
        request: &CallParams,
        at: BlockId,
        overrides: &StateOverride,
    ) -> Result<CallResult, ChainError> {
        let number = self.resolve(at)?;
        let mut env = self.next_env();
        if number != self.latest().number() || !overrides.is_empty() {
            let mut state = self.state_at(number);
            overrides.apply(&mut state);
            env.number = number + 1;
            let programs = &mut self.programs;
            return Ok(exec::call(&state, programs, &env, request));
        }
        let (state, programs) = (&self.state, &mut self.programs);
        Ok(exec::call(state, programs, &env, request))
    }

    /// A gas limit at which a call succeeds, at most [`ESTIMATE_ERROR_RATIO`] above the least
    /// one (`eth_estimateGas`).
    ///
    /// # Errors
    /// [`ChainError::GasExceedsAllowance`] when it fails even with the cap; the revert of the
    /// call at the cap is returned as a `CallResult` error by [`Chain::call`] first, so callers
    /// can report revert data.
    pub fn estimate_gas(
        &mut self,
        request: &CallParams,
        at: BlockId,
        overrides: &StateOverride,
    ) -> Result<Result<u64, CallResult>, ChainError> {
        let cap = request.gas.unwrap_or(self.config.block_gas_limit);
        let at_cap = self.call(&CallParams { gas: Some(cap), ..request.clone() }, at, overrides)?;
        if !at_cap.success {
            return Ok(Err(at_cap));
        }
        // After geth's estimator (eth/gasestimator), which Nitro's eth_estimateGas runs: the gas
        // used plus what the 63/64 rule can withhold from nested calls, which is almost always
        // enough, then a bisection that stops within 1.5% of the least gas that succeeds. Unlike
        // geth, the gas used itself is tried first: a call that needs no more (no nested call, no
        // refund) gets the exact figure.
        let mut low = at_cap.gas_used.saturating_sub(1);
        let mut high = cap;
        for guess in [at_cap.gas_used, at_cap.gas_used.saturating_mul(64) / 63] {
            if guess <= low || guess >= high {
                continue;
            }
            let result = self.call(&CallParams { gas: Some(guess), ..request.clone() }, at, overrides)?;
            if result.success {
                high = guess;
                break;
            }
            low = guess;
        }
        while low + 1 < high && (high - low) as f64 / high as f64 >= ESTIMATE_ERROR_RATIO {
            let mid = low + (high - low) / 2;
            let result = self.call(&CallParams { gas: Some(mid), ..request.clone() }, at, overrides)?;
            if result.success {
                high = mid;
            } else {
                low = mid;
            }
        }
        Ok(Ok(high))
    }

    /// Sets a balance outside any transaction (`anvil_setBalance`).
    pub fn set_balance(&mut self, address: Address, balance: U256) {
        let mut writer = StateWriter::new(&mut self.state);
        writer.set_balance(address, balance);
        self.dev_changes.extend(writer.finish());
    }

    /// Records the current head and state; [`Chain::revert_to_snapshot`] returns to it
    /// (`evm_snapshot`). The dev-method changes made since the head was mined (`set_balance`, ...)
    /// are part of the state recorded: they move into the head block's undo log, and the snapshot
    /// remembers how long that log was, so that a revert to it keeps them and a revert to an
    /// earlier snapshot undoes them, as anvil does.
    pub fn snapshot(&mut self) -> u64 {
        let pending = std::mem::take(&mut self.dev_changes);
        // The chain always has its genesis block.
        if let Some(head) = self.blocks.last_mut() {
            head.changes.extend(pending);
            self.snapshots.push((head.number(), head.changes.len()));
        }
        self.snapshots.len() as u64 - 1
    }

    /// Drops every block after the snapshot's head and the snapshots taken after it (`evm_revert`).
    ///
    /// # Errors
    /// [`ChainError::UnknownSnapshot`].
    pub fn revert_to_snapshot(&mut self, id: u64) -> Result<(), ChainError> {
        let (head, logged) = *self.snapshots.get(id as usize).ok_or(ChainError::UnknownSnapshot(id))?;
        self.drop_blocks_after(head);
        if let Some(block) = self.blocks.last_mut() {
            let later = block.changes.split_off(logged.min(block.changes.len()));
            for change in later.into_iter().rev() {
                change.undo(&mut self.state);
            }
        }
        self.snapshots.truncate(id as usize);
        self.pending.clear();
        self.roots.clear();
        Ok(())
    }

    /// Reorganises the chain (`anvil_reorg`): the last `depth` blocks are dropped (their
    /// transactions with them, unless given again) and `depth` new blocks are mined in their place,
    /// the first holding `transactions` (signed, raw) in order; the head's number is the same,
    /// its hash is not. The hashes of the transactions included.
    ///
    /// # Errors
    /// [`ChainError::InvalidRequest`] for a depth of zero or one that reaches the genesis block;
    /// [`ChainError::Tx`] when a transaction is not valid on the chain as it is after the drop
    /// (the chain is then left with the blocks dropped and none mined).
    pub fn reorg(&mut self, depth: u64, transactions: &[Bytes]) -> Result<Vec<B256>, ChainError> {
        let head = self.latest().number();
        if depth == 0 || depth > head {
            return Err(ChainError::InvalidRequest(format!("a reorg depth must be 1 to {head}, not {depth}")));
        }
        self.drop_blocks_after(head - depth);
        self.snapshots.retain(|(number, _)| *number <= head - depth);
        self.pending.clear();
        self.roots.clear();
        let auto_mine = std::mem::replace(&mut self.auto_mine, false);
        let included: Result<Vec<B256>, ChainError> =
            transactions.iter().map(|raw| self.send_raw_transaction(raw)).collect();
        self.auto_mine = auto_mine;
        let included = included?;
        for _ in 0..depth {
            self.mine();
        }
        Ok(included)
    }

    /// Drops every block after `head`, undoing their changes and the dev-method changes made since
    /// the head was mined.
    fn drop_blocks_after(&mut self, head: u64) {
        for change in std::mem::take(&mut self.dev_changes).into_iter().rev() {
            change.undo(&mut self.state);
        }
        while self.latest().number() > head {
            let Some(block) = self.blocks.pop() else { break };
            for change in block.changes.into_iter().rev() {
                change.undo(&mut self.state);
            }
            for tx in &block.transactions {
                self.tx_locations.remove(&tx.hash);
            }
        }
    }

    /// The chain in the form [`crate::persist`] saves.
    pub fn to_saved(&self) -> SavedChain {
        SavedChain {
            config: self.config.clone(),
            state: self.state.clone(),
            blocks: self.blocks.iter().map(SavedBlock::from_block).collect(),
        }
    }

    /// A chain loaded from its saved form.
    ///
    /// # Errors
    /// A description of the first block that does not decode.
    pub fn from_saved(saved: SavedChain) -> Result<Self, String> {
        let mut chain = Self::try_new(saved.config)?;
        chain.state = saved.state;
        chain.blocks = saved.blocks.into_iter().map(SavedBlock::into_block).collect::<Result<_, _>>()?;
        if chain.blocks.is_empty() {
            return Err("no blocks".into());
        }
        if chain.ibft.is_some() {
            // Saved headers are Ethereum-shaped; an IBFT block's hash is Atlas's.
            for block in &mut chain.blocks {
                block.hash = ibft::block_hash(&block.header)
                    .map_err(|error| format!("block {}'s Istanbul extra: {error}", block.number()))?;
            }
        }
        chain.tx_locations = chain
            .blocks
            .iter()
            .flat_map(|b| b.transactions.iter().enumerate().map(move |(i, tx)| (tx.hash, (b.number(), i))))
            .collect();
        Ok(chain)
    }

    /// The code at an address at a block.
    ///
    /// # Errors
    /// [`ChainError::UnknownBlock`].
    pub fn code(&self, address: Address, at: BlockId) -> Result<Bytes, ChainError> {
        self.read_state(at, |s| s.code(&address))
    }
}
