//! The relay loop: every route of a deployment, followed from a persisted cursor, its messages
//! proven to the next chain and delivered once.
//!
//! Routes: each chain to the relay chain (every `mapMessageOut` of the chain's MOS), and the relay
//! chain to each chain (the relay MOS's `mapMessageOut` with that chain as `toChain`: messages it
//! forwards and messages sent on the relay chain). A round ([`Messenger::poll_once`]) does, for each
//! route:
//!
//! 1. **Scan**: `eth_getLogs` from the route's cursor up to the source's head minus the
//!    confirmations, in ranges of at most `max_block_range` blocks. The logs are grouped by
//!    transaction into pending deliveries; the deliveries and the new cursor are written in one
//!    state write.
//! 2. **Deliver** each pending delivery that is due: ask the destination which of its orders it
//!    already has (`messageStatus`) and skip those; prove the source transaction's receipt
//!    (`mos-prover`); make sure the destination's light node holds the source block's hash (attest
//!    it when the messenger holds enough committee keys, else wait for someone who does); sign
//!    `transferIn(sourceChainId, proof)` (or, when some orders of the transaction are already
//!    there, `transferInWithIndex` for one order at a time), record it, broadcast it, wait for it.
//!
//! Failures: a delivery that fails for a reason that may pass (a node error, a transaction lost,
//! out of gas, a proof the source cannot give yet) is tried again with exponential backoff, never
//! skipped. One whose simulation the destination refuses (it reverts: a paused MOS, a proof its
//! light node rejects) is recorded as failed with the revert reason, reported, and not tried
//! again until the messenger is started with `retry_failed`. A message the destination takes but
//! whose target fails is delivered (the MOS records the failure and the order can be retried with
//! `retryMessageIn`): it is reported as executed with `result = false` and its reason.

use std::{future::Future, path::Path, sync::Arc, time::Duration};

use alloy_primitives::{Address, Bytes, TxKind, B256, U256};
use alloy_rpc_types_eth::{Filter, TransactionReceipt};
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::{SolCall, SolEvent};
use light_client_iface::interfaces::ICommitteeLightNode;
use mos_message::{
    interfaces::{IMOSExtensions, IMOSV3},
    MessageOut,
};
use mos_prover::rpc::TransactionProof;
use tokio::sync::mpsc;

use crate::{
    deployment::{ChainEntry, Deployment, DeploymentError},
    file::FileError,
    node::{ChainError, Node, Sender, UrlError},
    state::{after_ms, now_ms, FailedDelivery, PendingDelivery, State, StateFile, Submitted},
};

/// How the messenger runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Pause between two rounds, and between two looks at a transaction being mined.
    pub poll_interval: Duration,
    /// Blocks a source block must have on top of it before its logs are read (0: read the head).
    pub confirmations: u64,
    /// The most blocks one `eth_getLogs` asks for.
    pub max_block_range: u64,
    /// How long a delivery transaction is waited for before the attempt counts as failed (it is
    /// still looked for at the next attempt).
    pub transaction_timeout: Duration,
    /// The first retry's delay; each later one doubles it.
    pub backoff: Duration,
    /// The longest delay between two retries.
    pub max_backoff: Duration,
    /// Try the deliveries recorded as failed again (once, at start).
    pub retry_failed: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            poll_interval: Duration::from_secs(1),
            confirmations: 0,
            max_block_range: 1000,
            transaction_timeout: Duration::from_secs(120),
            backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
            retry_failed: false,
        }
    }
}

impl Config {
    /// The delay before attempt `attempts + 1`, after `attempts` failed ones.
    pub fn delay(&self, attempts: u32) -> Duration {
        let doublings = attempts.saturating_sub(1).min(20);
        self.backoff.saturating_mul(1 << doublings).min(self.max_backoff)
    }
}

/// Why the messenger cannot start or go on.
#[derive(Debug, thiserror::Error)]
pub enum MessengerError {
    /// The deployment description is not usable.
    #[error("deployment: {0}")]
    Deployment(#[from] DeploymentError),
    /// A chain's RPC URL is not usable.
    #[error("{chain}: {source}")]
    Url {
        /// The chain's name.
        chain: String,
        /// What is wrong with the URL.
        #[source]
        source: UrlError,
    },
    /// A chain's node does not answer.
    #[error("{chain} ({url}): {source}")]
    Connect {
        /// The chain's name.
        chain: String,
        /// Its RPC URL.
        url: String,
        /// What failed.
        #[source]
        source: ChainError,
    },
    /// A chain's node serves another chain than the deployment says.
    #[error("{chain} ({url}) serves chain id {actual}, but the deployment says {expected}")]
    WrongChain {
        /// The chain's name.
        chain: String,
        /// Its RPC URL.
        url: String,
        /// The deployment's chain id.
        expected: u64,
        /// The node's.
        actual: u64,
    },
    /// The state file cannot be read or written. The messenger stops: going on without recording
    /// what it does could deliver a message twice after a restart.
    #[error("state: {0}")]
    State(#[from] FileError),
}

/// A route: from a source chain to a destination chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteId {
    /// The source chain's id.
    pub from: u64,
    /// The destination chain's id.
    pub to: u64,
    /// The source chain's name.
    pub from_name: String,
    /// The destination chain's name.
    pub to_name: String,
}

impl RouteId {
    /// The key of the route in the state file: `"<from>-><to>"`.
    pub fn key(&self) -> String {
        format!("{}->{}", self.from, self.to)
    }
}

impl std::fmt::Display for RouteId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} → {}", self.from_name, self.to_name)
    }
}

/// What became of one order in a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The destination executed it (`mapMessageIn`): `result` false means the target failed with
    /// `reason`, and the order can be retried there with `retryMessageIn`.
    Executed {
        /// The order.
        order_id: B256,
        /// Whether the target call succeeded.
        result: bool,
        /// The failure's reason (the target's revert data, or the MOS's reason).
        reason: Bytes,
    },
    /// The relay forwarded it (`mapMessageOut` toward `to_chain`).
    Forwarded {
        /// The order.
        order_id: B256,
        /// Where it goes next.
        to_chain: u64,
    },
    /// The destination had it before this delivery.
    AlreadyDelivered {
        /// The order.
        order_id: B256,
    },
}

impl Outcome {
    /// The order.
    pub fn order_id(&self) -> B256 {
        match self {
            Self::Executed { order_id, .. }
            | Self::Forwarded { order_id, .. }
            | Self::AlreadyDelivered { order_id } => *order_id,
        }
    }
}

/// What the messenger reports as it goes (besides its logs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A source transaction with messages for the route.
    Found {
        /// The route.
        route: RouteId,
        /// The source transaction.
        source_transaction: B256,
        /// Its block.
        source_block: u64,
        /// Its orders, in log order.
        orders: Vec<B256>,
    },
    /// The messenger attested a source block to the destination's light node.
    Attested {
        /// The route.
        route: RouteId,
        /// The source block.
        block: u64,
        /// The light node.
        light_node: Address,
        /// The `updateBlockHeader` transaction.
        transaction: B256,
    },
    /// Orders of a source transaction were delivered.
    Delivered {
        /// The route.
        route: RouteId,
        /// The source transaction.
        source_transaction: B256,
        /// The delivery transaction (none when the destination had every order already).
        transaction: Option<B256>,
        /// The block of the delivery transaction.
        block: Option<u64>,
        /// What became of each order.
        outcomes: Vec<Outcome>,
    },
    /// An attempt failed for a reason that may pass: it will be tried again.
    Retrying {
        /// The route.
        route: RouteId,
        /// The source transaction.
        source_transaction: B256,
        /// Failed attempts so far.
        attempts: u32,
        /// What went wrong.
        error: String,
        /// When it is tried again.
        delay: Duration,
    },
    /// The destination refuses the delivery: recorded as failed.
    Refused {
        /// The route.
        route: RouteId,
        /// The source transaction.
        source_transaction: B256,
        /// Its orders.
        orders: Vec<B256>,
        /// The destination's reason.
        reason: String,
    },
}

/// A chain as the messenger uses it.
#[derive(Debug)]
struct Endpoint {
    entry: ChainEntry,
    sender: Sender,
}

impl Endpoint {
    fn node(&self) -> &Node {
        self.sender.node()
    }
}

/// A route and what it needs.
#[derive(Debug, Clone)]
struct Link {
    id: RouteId,
    source: Arc<Endpoint>,
    destination: Arc<Endpoint>,
    /// On the destination, the light node of the source chain.
    light_node: Address,
    /// From the relay: only logs for the destination (`toChain`, topic 2).
    to_chain_topic: Option<B256>,
    /// Where a new route starts reading.
    start_block: u64,
}

/// Why an attempt did not deliver.
#[derive(Debug)]
enum Hitch {
    /// May pass: try again after a backoff.
    Transient(String),
    /// Not yet possible (the block is not attested): look again after the poll interval.
    Waiting(String),
    /// The destination refuses: record as failed.
    Refused(String),
    /// The state cannot be written: the messenger stops.
    State(FileError),
}

fn transient(error: impl std::fmt::Display) -> Hitch {
    Hitch::Transient(error.to_string())
}

/// What an attempt achieved.
enum Progress {
    /// Every order was already at the destination.
    AlreadyDelivered,
    /// A delivery transaction was mined and succeeded.
    Mined(Box<TransactionReceipt>),
    /// A delivery transaction was mined and failed: try again (the next simulation tells why).
    Failed(B256),
}

/// The messenger of one deployment, with one key.
pub struct Messenger {
    links: Vec<Link>,
    state: StateFile,
    config: Config,
    attesters: Vec<PrivateKeySigner>,
    events: Option<mpsc::UnboundedSender<Event>>,
}

impl Messenger {
    /// Connects to every chain of `deployment` (checking each node's chain id), opens the state
    /// at `state_path` (created on the first write), and sends deliveries from `key`. With
    /// `attesters` (committee members' keys), it attests the source blocks it proves wherever
    /// they hold a threshold of the light node's committee; otherwise it waits for the block to be
    /// attested by others.
    ///
    /// # Errors
    /// [`MessengerError::Deployment`], [`MessengerError::Url`], [`MessengerError::Connect`],
    /// [`MessengerError::WrongChain`], [`MessengerError::State`].
    pub async fn connect(
        deployment: &Deployment,
        key: PrivateKeySigner,
        attesters: Vec<PrivateKeySigner>,
        state_path: &Path,
        config: Config,
    ) -> Result<Self, MessengerError> {
        deployment.check()?;
        let mut endpoints = Vec::new();
        for entry in &deployment.chains {
            let node = Node::connect(&entry.rpc_url)
                .map_err(|source| MessengerError::Url { chain: entry.name.clone(), source })?
                .with_poll_interval(config.poll_interval);
            let connect =
                |source| MessengerError::Connect { chain: entry.name.clone(), url: entry.rpc_url.clone(), source };
            let sender =
                Sender::new(node, key.clone()).await.map_err(connect)?.with_timeout(config.transaction_timeout);
            if sender.chain_id() != entry.chain_id {
                return Err(MessengerError::WrongChain {
                    chain: entry.name.clone(),
                    url: entry.rpc_url.clone(),
                    expected: entry.chain_id,
                    actual: sender.chain_id(),
                });
            }
            endpoints.push(Arc::new(Endpoint { entry: entry.clone(), sender }));
        }
        let relay = endpoints
            .iter()
            .find(|endpoint| endpoint.entry.chain_id == deployment.relay_chain_id)
            .cloned()
            .ok_or(DeploymentError::NoRelay(deployment.relay_chain_id))?;
        let mut links = Vec::new();
        for chain in endpoints.iter().filter(|endpoint| endpoint.entry.chain_id != deployment.relay_chain_id) {
            let route = |source: &Endpoint, destination: &Endpoint| RouteId {
                from: source.entry.chain_id,
                to: destination.entry.chain_id,
                from_name: source.entry.name.clone(),
                to_name: destination.entry.name.clone(),
            };
            links.push(Link {
                id: route(chain, &relay),
                source: Arc::clone(chain),
                destination: Arc::clone(&relay),
                // `check` made sure every chain has one.
                light_node: chain.entry.relay_light_node.unwrap_or_default(),
                to_chain_topic: None,
                start_block: chain.entry.deployed_block,
            });
            links.push(Link {
                id: route(&relay, chain),
                source: Arc::clone(&relay),
                destination: Arc::clone(chain),
                light_node: chain.entry.light_client,
                to_chain_topic: Some(U256::from(chain.entry.chain_id).into()),
                start_block: relay.entry.deployed_block,
            });
        }
        let mut state = StateFile::open(state_path)?;
        for link in &links {
            let route = state.route(&link.id.key(), link.start_block);
            if config.retry_failed {
                let failed = std::mem::take(&mut route.failed);
                route.pending.extend(
                    failed.into_iter().map(|failed| {
                        PendingDelivery::new(failed.source_transaction, failed.source_block, failed.orders)
                    }),
                );
            }
        }
        state.save()?;
        Ok(Self { links, state, config, attesters, events: None })
    }

    /// A channel of what the messenger does from now on.
    pub fn subscribe(&mut self) -> mpsc::UnboundedReceiver<Event> {
        let (sender, receiver) = mpsc::unbounded_channel();
        self.events = Some(sender);
        receiver
    }

    /// The routes, in the order they are served.
    pub fn routes(&self) -> Vec<RouteId> {
        self.links.iter().map(|link| link.id.clone()).collect()
    }

    /// The state as last written.
    pub fn state(&self) -> &State {
        self.state.state()
    }

    /// Runs rounds until `shutdown` completes. Stopping in the middle of a round is safe: what was
    /// done is recorded, and the next run goes on from there.
    ///
    /// # Errors
    /// [`MessengerError::State`] when the state cannot be written.
    pub async fn run(&mut self, shutdown: impl Future<Output = ()>) -> Result<(), MessengerError> {
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                () = &mut shutdown => return Ok(()),
                outcome = self.poll_once() => outcome?,
            }
            tokio::select! {
                () = &mut shutdown => return Ok(()),
                () = tokio::time::sleep(self.config.poll_interval) => {}
            }
        }
    }

    /// Runs rounds until `done` holds (asked after every round), pausing the poll interval between
    /// two rounds, for at most `timeout`: whether `done` held in time. `done` can fail with its own
    /// error `E` (a round's failure becomes one too).
    ///
    /// # Errors
    /// What `done` returns, or [`MessengerError::State`] (as `E`) when the state cannot be written.
    pub async fn run_until<E: From<MessengerError>>(
        &mut self,
        timeout: Duration,
        mut done: impl AsyncFnMut() -> Result<bool, E>,
    ) -> Result<bool, E> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            self.poll_once().await?;
            if done().await? {
                return Ok(true);
            }
            if tokio::time::Instant::now() >= deadline {
                return Ok(false);
            }
            tokio::time::sleep(self.config.poll_interval).await;
        }
    }

    /// One round: every route scanned, and every due delivery attempted.
    ///
    /// # Errors
    /// [`MessengerError::State`] when the state cannot be written.
    pub async fn poll_once(&mut self) -> Result<(), MessengerError> {
        for index in 0..self.links.len() {
            let link = self.links[index].clone();
            self.scan(&link).await?;
            let now = now_ms();
            let due: Vec<B256> = self
                .route_state(&link)
                .pending
                .iter()
                .filter(|pending| pending.not_before_ms <= now)
                .map(|pending| pending.source_transaction)
                .collect();
            for source_transaction in due {
                self.deliver(&link, source_transaction).await?;
            }
        }
        Ok(())
    }

    fn route_state(&mut self, link: &Link) -> &mut crate::state::RouteState {
        self.state.route(&link.id.key(), link.start_block)
    }

    fn pending(&mut self, link: &Link, source_transaction: B256) -> Option<&mut PendingDelivery> {
        self.route_state(link).pending.iter_mut().find(|pending| pending.source_transaction == source_transaction)
    }

    fn emit(&self, event: Event) {
        if let Some(events) = &self.events {
            let _ = events.send(event);
        }
    }

    /// Reads the route's new logs into pending deliveries, range by range up to the confirmed head.
    async fn scan(&mut self, link: &Link) -> Result<(), MessengerError> {
        let head = match link.source.node().block_number().await {
            Ok(head) => head,
            Err(error) => {
                tracing::warn!(route = %link.id, %error, "cannot read the source's head; trying again next round");
                return Ok(());
            }
        };
        let Some(last) = head.checked_sub(self.config.confirmations) else { return Ok(()) };
        loop {
            let from = self.route_state(link).next_block;
            if from > last {
                return Ok(());
            }
            let to = last.min(from.saturating_add(self.config.max_block_range.max(1) - 1));
            let mut filter = Filter::new()
                .address(link.source.entry.mos)
                .event_signature(MessageOut::TOPIC)
                .from_block(from)
                .to_block(to);
            if let Some(topic) = link.to_chain_topic {
                filter = filter.topic2(topic);
            }
            let logs = match link.source.node().logs(&filter).await {
                Ok(logs) => logs,
                Err(error) => {
                    tracing::warn!(route = %link.id, from, to, %error, "cannot read logs; trying again next round");
                    return Ok(());
                }
            };
            let mut found: Vec<PendingDelivery> = Vec::new();
            for log in logs.iter().filter(|log| !log.removed) {
                let (Some(transaction), Some(block)) = (log.transaction_hash, log.block_number) else {
                    tracing::warn!(route = %link.id, "a log without its transaction or block; skipped");
                    continue;
                };
                let message = match MessageOut::decode(log.address(), log.topics(), &log.data().data) {
                    Ok(message) => message,
                    Err(error) => {
                        tracing::warn!(route = %link.id, %transaction, %error, "not a mapMessageOut; skipped");
                        continue;
                    }
                };
                match found.iter_mut().find(|pending| pending.source_transaction == transaction) {
                    Some(pending) => pending.orders.push(message.order_id),
                    None => found.push(PendingDelivery::new(transaction, block, vec![message.order_id])),
                }
            }
            let route = self.route_state(link);
            let known: Vec<B256> = route.pending.iter().map(|pending| pending.source_transaction).collect();
            found.retain(|pending| !known.contains(&pending.source_transaction));
            route.pending.extend(found.iter().cloned());
            route.next_block = to + 1;
            self.state.save()?;
            for pending in found {
                tracing::info!(
                    route = %link.id,
                    transaction = %pending.source_transaction,
                    block = pending.source_block,
                    orders = pending.orders.len(),
                    "found"
                );
                self.emit(Event::Found {
                    route: link.id.clone(),
                    source_transaction: pending.source_transaction,
                    source_block: pending.source_block,
                    orders: pending.orders,
                });
            }
        }
    }

    /// One attempt at a pending delivery, and what follows from it, recorded.
    async fn deliver(&mut self, link: &Link, source_transaction: B256) -> Result<(), MessengerError> {
        let Some(pending) = self.pending(link, source_transaction).cloned() else { return Ok(()) };
        let progress = match &pending.submitted {
            Some(submitted) => match self.resolve(link, submitted).await {
                Ok(Some(progress)) => Ok(progress),
                // The transaction will never be mined: forget it and start afresh.
                Ok(None) => {
                    tracing::info!(
                        route = %link.id,
                        transaction = %submitted.transaction,
                        "the delivery transaction will never be mined; delivering again"
                    );
                    if let Some(pending) = self.pending(link, source_transaction) {
                        pending.submitted = None;
                    }
                    self.state.save()?;
                    self.attempt(link, &pending).await
                }
                Err(hitch) => Err(hitch),
            },
            None => self.attempt(link, &pending).await,
        };
        match progress {
            Ok(Progress::AlreadyDelivered) => {
                let outcomes = pending.orders.iter().map(|&order_id| Outcome::AlreadyDelivered { order_id }).collect();
                self.finish(link, &pending, None, outcomes)
            }
            Ok(Progress::Mined(receipt)) => {
                let outcomes = outcomes(&receipt, link.destination.entry.mos, &pending.orders);
                self.finish(link, &pending, Some(&receipt), outcomes)
            }
            Ok(Progress::Failed(transaction)) => {
                if let Some(pending) = self.pending(link, source_transaction) {
                    pending.submitted = None;
                }
                self.retry(link, source_transaction, format!("delivery transaction {transaction} failed"))
            }
            Err(Hitch::Transient(error)) => self.retry(link, source_transaction, error),
            Err(Hitch::Waiting(why)) => {
                let poll = self.config.poll_interval;
                if let Some(pending) = self.pending(link, source_transaction) {
                    if pending.last_error.as_deref() != Some(&why) {
                        tracing::info!(route = %link.id, transaction = %source_transaction, "{why}");
                    }
                    pending.not_before_ms = after_ms(poll);
                    pending.last_error = Some(why);
                }
                Ok(self.state.save()?)
            }
            Err(Hitch::State(error)) => Err(MessengerError::State(error)),
            Err(Hitch::Refused(reason)) => {
                tracing::error!(
                    route = %link.id,
                    transaction = %source_transaction,
                    %reason,
                    "the destination refuses the delivery; recorded as failed"
                );
                let route = self.route_state(link);
                route.pending.retain(|pending| pending.source_transaction != source_transaction);
                route.failed.push(FailedDelivery {
                    source_transaction,
                    source_block: pending.source_block,
                    orders: pending.orders.clone(),
                    reason: reason.clone(),
                    at_ms: now_ms(),
                });
                self.state.save()?;
                self.emit(Event::Refused {
                    route: link.id.clone(),
                    source_transaction,
                    orders: pending.orders,
                    reason,
                });
                Ok(())
            }
        }
    }

    /// Records a delivery: the orders it settled leave the pending delivery, which is done when
    /// none is left (otherwise the rest is due at once).
    fn finish(
        &mut self,
        link: &Link,
        pending: &PendingDelivery,
        receipt: Option<&TransactionReceipt>,
        outcomes: Vec<Outcome>,
    ) -> Result<(), MessengerError> {
        let settled: Vec<B256> = outcomes.iter().map(Outcome::order_id).collect();
        let route = self.route_state(link);
        if let Some(entry) = route.pending.iter_mut().find(|p| p.source_transaction == pending.source_transaction) {
            entry.orders.retain(|order| !settled.contains(order));
            entry.submitted = None;
            entry.attempts = 0;
            entry.not_before_ms = 0;
            entry.last_error = None;
            if entry.orders.is_empty() {
                route.pending.retain(|p| p.source_transaction != pending.source_transaction);
                route.delivered += 1;
            }
        }
        self.state.save()?;
        let transaction = receipt.map(|receipt| receipt.transaction_hash);
        for outcome in &outcomes {
            match outcome {
                Outcome::Executed { order_id, result: false, reason } => tracing::warn!(
                    route = %link.id, order = %order_id, reason = %crate::node::revert_reason(reason),
                    "delivered; the target failed (the order can be retried with retryMessageIn)"
                ),
                outcome => {
                    tracing::info!(route = %link.id, order = %outcome.order_id(), ?transaction, ?outcome, "delivered")
                }
            }
        }
        self.emit(Event::Delivered {
            route: link.id.clone(),
            source_transaction: pending.source_transaction,
            transaction,
            block: receipt.and_then(|receipt| receipt.block_number),
            outcomes,
        });
        Ok(())
    }

    /// Schedules the next attempt after a transient failure.
    fn retry(&mut self, link: &Link, source_transaction: B256, error: String) -> Result<(), MessengerError> {
        let config = self.config.clone();
        let Some(pending) = self.pending(link, source_transaction) else { return Ok(()) };
        pending.attempts = pending.attempts.saturating_add(1);
        let (attempts, delay) = (pending.attempts, config.delay(pending.attempts));
        pending.not_before_ms = after_ms(delay);
        pending.last_error = Some(error.clone());
        self.state.save()?;
        tracing::warn!(
            route = %link.id,
            transaction = %source_transaction,
            attempts,
            ?delay,
            %error,
            "delivery failed; trying again"
        );
        self.emit(Event::Retrying { route: link.id.clone(), source_transaction, attempts, error, delay });
        Ok(())
    }

    /// What became of a delivery transaction signed before: `None` when it will never be mined
    /// (its nonce went to another transaction, or the node refuses it and does not hold it: its fees
    /// are below what the chain now takes).
    async fn resolve(&self, link: &Link, submitted: &Submitted) -> Result<Option<Progress>, Hitch> {
        let sender = &link.destination.sender;
        let node = sender.node();
        let mined = |receipt: TransactionReceipt| {
            Some(if receipt.status() {
                Progress::Mined(Box::new(receipt))
            } else {
                Progress::Failed(submitted.transaction)
            })
        };
        if let Some(receipt) = node.receipt(submitted.transaction).await.map_err(transient)? {
            return Ok(mined(receipt));
        }
        if node.mined_nonce(sender.address()).await.map_err(transient)? > submitted.nonce {
            // Mined in between, or replaced.
            return Ok(node.receipt(submitted.transaction).await.map_err(transient)?.and_then(mined));
        }
        // The node may have lost it (a restart): the same bytes again. A node that holds it says
        // so, which changes nothing.
        let signed = crate::node::SignedTransaction {
            hash: submitted.transaction,
            raw: submitted.raw.clone(),
            nonce: submitted.nonce,
        };
        if let Err(error) = sender.broadcast(&signed).await {
            if !node.holds(submitted.transaction).await.map_err(transient)? {
                let transaction = submitted.transaction;
                tracing::warn!(%transaction, %error, "the node refuses the recorded transaction");
                return Ok(None);
            }
        }
        let receipt = sender.wait(submitted.transaction).await.map_err(transient)?;
        Ok(mined(receipt))
    }

    /// A fresh attempt: status, proof, attestation, then the delivery transaction.
    async fn attempt(&mut self, link: &Link, pending: &PendingDelivery) -> Result<Progress, Hitch> {
        let destination = &link.destination;
        let mut undelivered = Vec::new();
        for &order_id in &pending.orders {
            let status = destination
                .node()
                .view(destination.entry.mos, &IMOSExtensions::messageStatusCall { orderId: order_id })
                .await
                .map_err(transient)?;
            if status == IMOSExtensions::MessageStatus::Unknown {
                undelivered.push(order_id);
            }
        }
        let Some(&first) = undelivered.first() else { return Ok(Progress::AlreadyDelivered) };
        let proof = mos_prover::rpc::prove_transaction(link.source.node().provider(), pending.source_transaction)
            .await
            .map_err(transient)?;
        self.ensure_attested(link, &proof).await?;
        let source_chain = U256::from(link.source.entry.chain_id);
        let calldata: Bytes = if undelivered.len() == pending.orders.len() {
            IMOSV3::transferInCall { chainId: source_chain, receiptProof: proof.proof.encode().into() }.abi_encode()
        } else {
            let index = log_index(&proof, link.source.entry.mos, first).ok_or_else(|| {
                Hitch::Refused(format!("order {first} is not in the receipt of {}", pending.source_transaction))
            })?;
            let call = IMOSV3::transferInWithIndexCall {
                chainId: source_chain,
                logIndex: U256::from(index),
                receiptProof: proof.proof.encode().into(),
            };
            call.abi_encode()
        }
        .into();
        let signed = match destination.sender.sign(TxKind::Call(destination.entry.mos), calldata, U256::ZERO).await {
            Ok(signed) => signed,
            // Someone delivered it since the status was read: the next attempt finds it there.
            Err(ChainError::Revert { reason, .. }) if reason == ORDER_EXISTS => return Err(Hitch::Transient(reason)),
            Err(ChainError::Revert { reason, .. }) => return Err(Hitch::Refused(reason)),
            Err(error) => return Err(transient(error)),
        };
        let submitted = Submitted { transaction: signed.hash, raw: signed.raw.clone(), nonce: signed.nonce };
        if let Some(entry) = self.pending(link, pending.source_transaction) {
            entry.submitted = Some(submitted);
        }
        // Recorded before it is broadcast: a restart finds it, and never signs another in its place.
        self.state.save().map_err(Hitch::State)?;
        tracing::info!(
            route = %link.id,
            source = %pending.source_transaction,
            transaction = %signed.hash,
            "submitting"
        );
        destination.sender.broadcast(&signed).await.map_err(transient)?;
        let receipt = destination.sender.wait(signed.hash).await.map_err(transient)?;
        Ok(if receipt.status() { Progress::Mined(Box::new(receipt)) } else { Progress::Failed(signed.hash) })
    }

    /// Makes sure the destination's light node holds the hash of the proof's block: attests it
    /// when the messenger holds a threshold of the committee's keys.
    async fn ensure_attested(&self, link: &Link, proof: &TransactionProof) -> Result<(), Hitch> {
        let node = link.destination.node();
        let light_node = link.light_node;
        let block = proof.block_number;
        let attested = node
            .view(light_node, &ICommitteeLightNode::attestedHashCall { blockNumber: U256::from(block) })
            .await
            .map_err(transient)?;
        if attested == proof.block_hash {
            return Ok(());
        }
        if !attested.is_zero() {
            return Err(Hitch::Refused(format!(
                "the light node {light_node} on {} holds {attested} for block {block} of {}, whose hash is {}",
                link.id.to_name, link.id.from_name, proof.block_hash
            )));
        }
        let waiting = || {
            Hitch::Waiting(format!(
                "waiting for block {block} of {} to be attested on {}",
                link.id.from_name, link.id.to_name
            ))
        };
        if self.attesters.is_empty() {
            return Err(waiting());
        }
        let members = node.view(light_node, &ICommitteeLightNode::committeeCall {}).await.map_err(transient)?;
        let threshold = node.view(light_node, &ICommitteeLightNode::thresholdCall {}).await.map_err(transient)?;
        let threshold = usize::try_from(threshold).unwrap_or(usize::MAX);
        let signers: Vec<PrivateKeySigner> =
            self.attesters.iter().filter(|key| members.contains(&key.address())).take(threshold).cloned().collect();
        if signers.len() < threshold {
            return Err(waiting());
        }
        let header =
            mos_prover::rpc::header_to_attest(link.source.node().provider(), block, node.provider(), light_node, None)
                .await
                .map_err(transient)?;
        if header.attestation.blockHash != proof.block_hash {
            return Err(Hitch::Transient(format!(
                "block {block} of {} is now {}, not the proof's {}",
                link.id.from_name, header.attestation.blockHash, proof.block_hash
            )));
        }
        let signed = mos_prover::attest::sign_header(&header.domain, header.attestation, &signers)
            .map_err(|error| Hitch::Refused(format!("cannot attest: {error}")))?;
        let calldata = mos_prover::attest::update_block_header_calldata(&signed);
        let receipt = match link.destination.sender.send(TxKind::Call(light_node), calldata, U256::ZERO).await {
            Ok(receipt) => receipt,
            Err(ChainError::Revert { reason, .. }) => {
                return Err(Hitch::Refused(format!("the light node {light_node} refuses the attestation: {reason}")))
            }
            Err(error) => return Err(transient(error)),
        };
        tracing::info!(route = %link.id, block, transaction = %receipt.transaction_hash, "attested");
        self.emit(Event::Attested { route: link.id.clone(), block, light_node, transaction: receipt.transaction_hash });
        Ok(())
    }
}

/// What the MOS answers a delivery of an order it has.
const ORDER_EXISTS: &str = "MOSV3: Order exist";

/// The index, in the proven receipt, of the `mapMessageOut` of `order_id` emitted by `emitter`.
fn log_index(proof: &TransactionProof, emitter: Address, order_id: B256) -> Option<usize> {
    proof.logs.iter().position(|log| {
        log.address == emitter
            && MessageOut::decode(log.address, log.topics(), &log.data.data)
                .is_ok_and(|message| message.order_id == order_id)
    })
}

/// What the delivery receipt says of `orders`: executed (`mapMessageIn`) or forwarded
/// (`mapMessageOut`) by the destination's MOS at `mos`.
fn outcomes(receipt: &TransactionReceipt, mos: Address, orders: &[B256]) -> Vec<Outcome> {
    receipt
        .inner
        .logs()
        .iter()
        .filter(|log| log.address() == mos)
        .filter_map(|log| {
            if let Ok(event) = IMOSV3::mapMessageIn::decode_log_data(log.data()) {
                return Some(Outcome::Executed { order_id: event.orderId, result: event.result, reason: event.reason });
            }
            IMOSV3::mapMessageOut::decode_log_data(log.data())
                .ok()
                .map(|event| Outcome::Forwarded { order_id: event.orderId, to_chain: event.toChain.saturating_to() })
        })
        .filter(|outcome| orders.contains(&outcome.order_id()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_first_delay_up_to_the_longest() {
        let config =
            Config { backoff: Duration::from_secs(1), max_backoff: Duration::from_secs(10), ..Config::default() };
        let delays: Vec<u64> = (1..=6).map(|attempts| config.delay(attempts).as_secs()).collect();
        assert_eq!(delays, [1, 2, 4, 8, 10, 10]);
        assert_eq!(config.delay(u32::MAX), Duration::from_secs(10));
    }

    #[test]
    fn a_route_is_keyed_by_chain_ids_and_shown_by_names() {
        let route = RouteId { from: 1, to: 22_776, from_name: "chain-a".into(), to_name: "relay".into() };
        assert_eq!(route.key(), "1->22776");
        assert_eq!(route.to_string(), "chain-a → relay");
    }
}
