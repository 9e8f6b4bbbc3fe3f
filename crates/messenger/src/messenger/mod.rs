//! The messenger of a deployment: every route followed from its cursor in the store, its
//! deliveries claimed, proven, attested, submitted and confirmed, each step one store write.
//!
//! Each route is served in rounds of its own ([`Messenger::run`]: a route's round never waits
//! for another's; [`Messenger::poll_once`] runs one round of every route). A route's round:
//!
//! 1. **Scan** ([`crate::scan`]): `eth_getLogs` from the route's cursor up to the source's head
//!    minus the confirmations, in ranges of at most `max_block_range` blocks; the source
//!    transactions found become deliveries, written with the new cursor in one transaction.
//! 2. **Claim** the route's due deliveries (a lease: [`crate::store`]): up to `batch` with a
//!    transaction out, and up to `batch` to send, apart, so that transactions in flight never hold
//!    back the next ones.
//! 3. **Confirm** those with a delivery transaction out ([`TransactionManager::resolve`]): mined,
//!    they are settled from the receipt; failed or lost, they go back to be delivered again; in
//!    flight, they wait (broadcast again when the node lost them, replaced with higher fees when
//!    stuck).
//! 4. **Deliver** the others, grouped by source block: the orders the destination lacks
//!    (`messageStatus`; on a first attempt every order is taken as missing, and the simulation
//!    says otherwise), the block's proofs built from one read of its receipts, the block attested
//!    once ([`crate::attest`]), then for each delivery its transaction handed to the destination's
//!    transaction manager ([`crate::transactions`]: its own nonces, recorded, then broadcast)
//!    without waiting for it: the next round confirms it. Deliveries of a shape simulated before
//!    ([`deliver::shape`]) go right behind their block's attestation, in nonce order, without
//!    waiting for it to be mined.
//!
//! Confirming (3) and sending (4) go 16 deliveries at a time (their requests overlap), and 8
//! source blocks are delivered at once (their attestations' waits overlap).
//!
//! Beside the routes, every poll interval, each chain's transaction manager moves a nonce that
//! does not move ([`TransactionManager::fill_gap`]).
//!
//! Failures: a node that cannot be asked how a delivery transaction fares is asked again next
//! round (not an attempt: the transaction may yet be mined). One that may pass (a node error, a
//! transaction lost, a proof the source cannot give yet) is tried again with exponential backoff,
//! at most `max_attempts` times, then recorded as failed with its last error. One the destination
//! refuses (its simulation reverts: a paused MOS, a proof its light node rejects) is recorded as
//! failed with the revert reason at once, and not tried again until the messenger is started with
//! `retry_failed`. A message the destination takes but whose target fails is delivered (the MOS
//! records the failure and the order can be retried with `retryMessageIn`): it is reported as
//! executed with `result = false` and its reason.

mod record;
mod send;

use std::{
    collections::{BTreeMap, HashMap},
    convert::Infallible,
    future::Future,
    sync::Arc,
    time::Duration,
};

use alloy_primitives::B256;
use alloy_signer_local::PrivateKeySigner;
use futures::StreamExt;
use mos_rpc::{Chain, ChainError, Node, Sender, UrlError};
use tokio::{sync::mpsc, time::Instant};

use crate::{
    config::Config,
    deliver::{self, AttemptFailure},
    deployment::{Deployment, DeploymentError},
    events::Event,
    explorer::{self, Explorer, ExplorerChain},
    metrics::Metrics,
    route::{self, Endpoint, Route, RouteId},
    scan,
    store::{now_ms, Delivery, Lease, RouteSummary, Stage, Store, StoreError},
    transactions::{Resent, SendError, TransactionManager, TransactionState, Unstuck},
};

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
    /// The store cannot be read or written. The messenger stops: going on without recording what
    /// it does could deliver a message twice after a restart.
    #[error("store: {0}")]
    Store(#[from] StoreError),
}

/// The messenger of one deployment, with one key.
pub struct Messenger {
    endpoints: Vec<Arc<Endpoint>>,
    relay_chain_id: u64,
    routes: Vec<Route>,
    store: Arc<dyn Store>,
    config: Config,
    lease: Lease,
    attesters: Vec<PrivateKeySigner>,
    events: Option<mpsc::UnboundedSender<Event>>,
    metrics: Arc<Metrics>,
    /// When the accounts' balances and nonces and the store's gauges were last read.
    gauges_read: std::sync::Mutex<Option<Instant>>,
    /// The gas limit each delivery shape ([`deliver::shape`]) last simulated at.
    learned_limits: std::sync::Mutex<HashMap<B256, u64>>,
}

/// How many deliveries of a route are confirmed, or simulated and sent, at once: their requests
/// overlap, and the transaction manager still signs and broadcasts in nonce order.
const CONCURRENCY: usize = 16;

/// How many source blocks of a route are delivered at once.
const BLOCK_CONCURRENCY: usize = 8;

/// What confirming a submitted delivery came to.
enum Confirmed {
    /// Its transaction is still out, and nothing was done.
    Waiting,
    /// Something was recorded (settled, tried again later, broadcast again, replaced).
    Moved,
    /// Its transaction will never be mined: to be delivered again, now.
    Again(Box<Delivery>),
}

/// How often [`Messenger::run_until`] asks whether it is done, at most.
pub const DONE_INTERVAL: Duration = Duration::from_millis(20);

/// How often the gauges that cost a request (balances, nonces, the store's summary) are read.
const GAUGE_INTERVAL: Duration = Duration::from_secs(5);

impl std::fmt::Debug for Messenger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Messenger")
            .field("routes", &self.routes())
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Messenger {
    /// Connects to every chain of `deployment` (checking each node's chain id), records its
    /// routes in `store`, and sends deliveries from `key`. With `attesters` (committee members'
    /// keys), it attests the source blocks it proves wherever they hold a threshold of the
    /// committee; otherwise it waits for the block to be attested by others.
    ///
    /// # Errors
    /// [`MessengerError::Deployment`], [`MessengerError::Url`], [`MessengerError::Connect`],
    /// [`MessengerError::WrongChain`], [`MessengerError::Store`].
    pub async fn connect(
        deployment: &Deployment,
        key: PrivateKeySigner,
        attesters: Vec<PrivateKeySigner>,
        store: Arc<dyn Store>,
        config: Config,
    ) -> Result<Self, MessengerError> {
        Self::connect_through(deployment, key, attesters, store, config, |_, node| node.into()).await
    }

    /// As [`Messenger::connect`], with each chain's node handed to `through` first: the messenger
    /// uses the [`Chain`] it returns (its name, then the node). Tests put a chain that fails,
    /// stalls or lies in front of the node this way.
    ///
    /// # Errors
    /// As [`Messenger::connect`].
    pub async fn connect_through(
        deployment: &Deployment,
        key: PrivateKeySigner,
        attesters: Vec<PrivateKeySigner>,
        store: Arc<dyn Store>,
        config: Config,
        through: impl Fn(&str, Node) -> Arc<dyn Chain>,
    ) -> Result<Self, MessengerError> {
        deployment.check()?;
        let metrics = Arc::new(Metrics::new());
        let mut endpoints = Vec::new();
        for entry in &deployment.chains {
            let observer = metrics.rpc_observer(&entry.name);
            let node = Node::connect_observed(&entry.rpc_url, observer, config.request_timeout)
                .map_err(|source| MessengerError::Url { chain: entry.name.clone(), source })?
                .with_poll_interval(config.poll_interval);
            let connect =
                |source| MessengerError::Connect { chain: entry.name.clone(), url: entry.rpc_url.clone(), source };
            let sender = Sender::new(through(&entry.name, node), key.clone())
                .await
                .map_err(connect)?
                .with_timeout(config.transaction_timeout);
            let transactions =
                TransactionManager::new(sender, Arc::clone(&store), config.gas.clone(), config.transaction_timeout);
            if transactions.sender().chain_id() != entry.chain_id {
                return Err(MessengerError::WrongChain {
                    chain: entry.name.clone(),
                    url: entry.rpc_url.clone(),
                    expected: entry.chain_id,
                    actual: transactions.sender().chain_id(),
                });
            }
            endpoints.push(Arc::new(Endpoint { entry: entry.clone(), transactions }));
        }
        let routes = route::routes(deployment, &endpoints)?;
        for route in &routes {
            store.cursor(route.id.key(), route.start_block).await?;
        }
        if config.retry_failed {
            let again = store.retry_failed(None).await?;
            tracing::info!(deliveries = again, "trying the failed deliveries again");
        }
        let lease = Lease {
            owner: config.instance.clone(),
            duration_ms: u64::try_from(config.lease.as_millis()).unwrap_or(u64::MAX),
        };
        Ok(Self {
            endpoints,
            relay_chain_id: deployment.relay_chain_id,
            routes,
            store,
            config,
            lease,
            attesters,
            events: None,
            metrics,
            gauges_read: std::sync::Mutex::new(None),
            learned_limits: std::sync::Mutex::default(),
        })
    }

    /// An explorer of the messenger's deployment through its own chains, with its store, its
    /// confirmations and its accounts: what it serves next to its metrics.
    pub fn explorer(&self, max_block_range: u64) -> Explorer {
        let chains = self
            .endpoints
            .iter()
            .map(|endpoint| ExplorerChain {
                entry: endpoint.entry.clone(),
                chain: Arc::clone(endpoint.sender().chain()),
            })
            .collect();
        let accounts =
            self.endpoints.iter().map(|endpoint| (endpoint.entry.chain_id, endpoint.sender().address())).collect();
        let settings = explorer::Settings {
            start: explorer::index::Start::Deployment,
            max_block_range,
            confirmations: self.config.confirmations,
            chain_confirmations: self.config.chain_confirmations.clone(),
            accounts,
        };
        Explorer::new(chains, self.relay_chain_id, Some(Arc::clone(&self.store)), settings)
    }

    /// A channel of what the messenger does from now on.
    pub fn subscribe(&mut self) -> mpsc::UnboundedReceiver<Event> {
        let (sender, receiver) = mpsc::unbounded_channel();
        self.events = Some(sender);
        receiver
    }

    /// The routes, in the order they are listed.
    pub fn routes(&self) -> Vec<RouteId> {
        self.routes.iter().map(|route| route.id.clone()).collect()
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The metrics (what `/metrics` serves).
    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.metrics
    }

    /// Each route's cursor and how many of its deliveries are at each stage.
    ///
    /// # Errors
    /// [`MessengerError::Store`].
    pub async fn summary(&self) -> Result<BTreeMap<String, RouteSummary>, MessengerError> {
        let summary = self.store.summary().await?;
        Ok(summary.into_iter().map(|(key, summary)| (key.to_string(), summary)).collect())
    }

    /// How many deliveries are still to be made or confirmed (pending or submitted), all routes
    /// together.
    ///
    /// # Errors
    /// [`MessengerError::Store`].
    pub async fn unsettled(&self) -> Result<u64, MessengerError> {
        let summary = self.store.summary().await?;
        Ok(summary.iter().map(|(_, route)| route.pending + route.submitted).sum())
    }

    /// Serves every route until `shutdown` completes ([`Messenger::serve_routes`]), then releases
    /// this instance's leases. Stopping in the middle of a round is safe: what was done is
    /// recorded, and the next run goes on from there.
    ///
    /// # Errors
    /// [`MessengerError::Store`] when the store cannot be read or written.
    pub async fn run(&self, shutdown: impl Future<Output = ()>) -> Result<(), MessengerError> {
        tokio::select! {
            () = shutdown => {}
            failed = self.serve_routes() => return Err(failed),
        }
        self.store.release(&self.lease.owner).await?;
        Ok(())
    }

    /// Serves every route ([`Messenger::serve_routes`]) until `done` holds (asked every
    /// [`DONE_INTERVAL`], or every poll interval when that is shorter), for at most `timeout`:
    /// whether `done` held in time. `done` can fail with its own error `E` (the messenger's
    /// failure becomes one too).
    ///
    /// # Errors
    /// What `done` returns, or [`MessengerError::Store`] (as `E`) when the store fails.
    pub async fn run_until<E: From<MessengerError>>(
        &self,
        timeout: Duration,
        mut done: impl AsyncFnMut() -> Result<bool, E>,
    ) -> Result<bool, E> {
        let deadline = tokio::time::Instant::now() + timeout;
        let held = async {
            loop {
                tokio::time::sleep(self.config.poll_interval.min(DONE_INTERVAL)).await;
                if done().await? {
                    return Ok(true);
                }
                if tokio::time::Instant::now() >= deadline {
                    return Ok(false);
                }
            }
        };
        tokio::select! {
            held = held => held,
            failed = self.serve_routes() => Err(failed.into()),
        }
    }

    /// Serves each route in a loop of its own, so that a route's round (waiting for an
    /// attestation to be mined, say) never holds back another's, and looks after the chains
    /// every poll interval ([`Messenger::look_after_chains`]). Runs until the store fails: that
    /// error.
    async fn serve_routes(&self) -> MessengerError {
        let routes = self.routes.iter().map(|route| async move {
            loop {
                let busy = self.serve(route).await?;
                self.metrics.round_ended();
                tokio::time::sleep(self.pause(busy)).await;
            }
        });
        let chains = async {
            loop {
                self.look_after_chains().await?;
                tokio::time::sleep(self.config.poll_interval).await;
            }
        };
        let served: Result<(Vec<Infallible>, Infallible), MessengerError> =
            futures::future::try_join(futures::future::try_join_all(routes), chains).await;
        match served {
            Err(failed) => failed,
        }
    }

    /// The pause after a round: short when it moved deliveries on (transactions just sent are
    /// soon mined, and more may be due), the poll interval when it did not.
    fn pause(&self, busy: bool) -> Duration {
        if busy {
            self.config.poll_interval.min(Duration::from_millis(20))
        } else {
            self.config.poll_interval
        }
    }

    /// One round: every route scanned and its due deliveries advanced, all routes at once, then
    /// the chains looked after. Whether any route moved a delivery on.
    ///
    /// # Errors
    /// [`MessengerError::Store`] when the store fails.
    pub async fn poll_once(&self) -> Result<bool, MessengerError> {
        let rounds = futures::future::join_all(self.routes.iter().map(|route| self.serve(route))).await;
        let mut busy = false;
        for round in rounds {
            busy |= round?;
        }
        self.look_after_chains().await?;
        self.metrics.round_ended();
        Ok(busy)
    }

    /// What each chain needs besides the routes: a stuck nonce moved
    /// ([`TransactionManager::fill_gap`]), and the gauges read ([`Messenger::read_gauges`]).
    ///
    /// # Errors
    /// [`MessengerError::Store`] when the store fails.
    async fn look_after_chains(&self) -> Result<(), MessengerError> {
        for endpoint in &self.endpoints {
            match endpoint.transactions.fill_gap().await {
                Ok(moved) => {
                    for _ in moved.iter().filter(|unstuck| matches!(unstuck, Unstuck::Filled(_))) {
                        self.metrics.gap_filled(&endpoint.entry.name);
                    }
                }
                Err(error) => tracing::warn!(chain = %endpoint.entry.name, %error, "cannot look for a stuck nonce"),
            }
        }
        self.read_gauges().await
    }

    /// Reads the gauges that cost a request, at most every [`GAUGE_INTERVAL`]: each account's
    /// balance and nonces (a node that fails leaves its gauges as they were), and the store's
    /// summary.
    async fn read_gauges(&self) -> Result<(), MessengerError> {
        {
            let Ok(mut read) = self.gauges_read.lock() else { return Ok(()) };
            if read.is_some_and(|at| at.elapsed() < GAUGE_INTERVAL) {
                return Ok(());
            }
            *read = Some(Instant::now());
        }
        for endpoint in &self.endpoints {
            let (name, sender) = (&endpoint.entry.name, endpoint.sender());
            if let Ok(balance) = sender.balance().await {
                self.metrics.set_balance(name, f64::from(balance));
            }
            if let Ok(mined) = sender.chain().mined_nonce(sender.address()).await {
                self.metrics.set_nonces(name, mined, endpoint.transactions.next_nonce().await);
            }
        }
        let summary = self.store.summary().await?;
        for route in &self.routes {
            let stages = summary.iter().find(|(key, _)| *key == route.id.key()).map(|(_, stages)| stages.clone());
            self.metrics.set_deliveries(&(&route.id).into(), &stages.unwrap_or_default());
        }
        Ok(())
    }

    fn emit(&self, event: Event) {
        self.metrics.record(&event);
        if let Some(events) = &self.events {
            let _ = events.send(event);
        }
    }

    /// One round of one route. Whether it moved anything on (a delivery settled, submitted, tried
    /// again): a round that only found transactions in flight did not, and the next one waits the
    /// poll interval rather than asking the node again at once.
    async fn serve(&self, route: &Route) -> Result<bool, MessengerError> {
        self.scan(route).await?;
        // Those in flight and those to send are claimed apart, so that a batch in flight never
        // holds back the next one.
        let (key, lease, now) = (route.id.key(), &self.lease, now_ms());
        let submitted = self.store.claim(key, Some(Stage::Submitted), lease, now, self.config.batch).await?;
        let fresh = self.store.claim(key, Some(Stage::Pending), lease, now, self.config.batch).await?;
        if submitted.is_empty() && fresh.is_empty() {
            return Ok(false);
        }
        let confirmed: Vec<Result<Confirmed, MessengerError>> =
            futures::stream::iter(submitted.into_iter().map(|delivery| self.confirm(route, delivery)))
                .buffer_unordered(CONCURRENCY)
                .collect()
                .await;
        let mut to_deliver: BTreeMap<(u64, B256), Vec<Delivery>> = BTreeMap::new();
        let mut moved = false;
        for delivery in fresh {
            to_deliver.entry((delivery.source_block, delivery.source_block_hash)).or_default().push(delivery);
        }
        for confirmed in confirmed {
            match confirmed? {
                Confirmed::Waiting => {}
                Confirmed::Moved => moved = true,
                Confirmed::Again(delivery) => {
                    moved = true;
                    to_deliver.entry((delivery.source_block, delivery.source_block_hash)).or_default().push(*delivery);
                }
            }
        }
        let submitting = !to_deliver.is_empty();
        // Blocks at once: each waits for its attestation to be mined, and those waits overlap.
        let blocks = to_deliver
            .into_iter()
            .map(|((block, block_hash), deliveries)| self.deliver_block(route, block, block_hash, deliveries));
        let delivered: Vec<Result<(), MessengerError>> =
            futures::stream::iter(blocks).buffer_unordered(BLOCK_CONCURRENCY).collect().await;
        delivered.into_iter().collect::<Result<(), _>>()?;
        Ok(moved || submitting)
    }

    /// Follows the transaction of a submitted delivery, and records what became of it.
    async fn confirm(&self, route: &Route, delivery: Delivery) -> Result<Confirmed, MessengerError> {
        let Some(submission) = &delivery.submission else { return Ok(Confirmed::Again(Box::new(delivery))) };
        let (store, owner) = (&self.store, &self.lease.owner);
        let state = route
            .destination
            .transactions
            .resolve(submission, async |replacement| store.record_submission(delivery.id, owner, replacement).await)
            .await;
        match state {
            Ok(TransactionState::Mined(receipt)) => {
                let outcomes = deliver::outcomes(&receipt, route.destination.entry.mos, &delivery.open_orders());
                self.settle(route, &delivery, Some(&receipt), outcomes).await?;
            }
            Ok(TransactionState::Failed(transaction)) => {
                let error = format!("delivery transaction {transaction} failed");
                self.record_failed_attempt(route, &delivery, AttemptFailure::Transient(error), true).await?;
            }
            Ok(TransactionState::InFlight(Resent::Nothing)) => return Ok(Confirmed::Waiting),
            Ok(TransactionState::InFlight(Resent::Again)) => {
                tracing::info!(route = %route.id, transaction = %submission.transaction, "broadcast again");
            }
            Ok(TransactionState::InFlight(Resent::Replaced(replacement))) => {
                self.emit(Event::Replaced {
                    route: route.id.clone(),
                    source_transaction: delivery.source_transaction,
                    replaced: submission.transaction,
                    transaction: replacement.transaction,
                });
            }
            Ok(TransactionState::Lost) => {
                tracing::info!(
                    route = %route.id,
                    transaction = %submission.transaction,
                    "the delivery transaction will never be mined; delivering again"
                );
                if self.held(self.store.clear_submission(delivery.id, owner).await)? {
                    return Ok(Confirmed::Again(Box::new(Delivery { submission: None, ..delivery })));
                }
            }
            Err(SendError::Store(error)) => {
                self.held(Err::<(), _>(error))?;
            }
            // The node could not be asked: the transaction is as it was. Not an attempt of the
            // delivery (whose transaction may yet be mined), only a wait for the next round.
            Err(error) => {
                let waiting = AttemptFailure::Waiting(format!("cannot follow the delivery transaction: {error}"));
                self.record_failed_attempt(route, &delivery, waiting, false).await?;
            }
        }
        Ok(Confirmed::Moved)
    }

    /// Reads the route's new logs into deliveries, range by range up to the confirmed head.
    async fn scan(&self, route: &Route) -> Result<(), MessengerError> {
        let head = match route.source.chain().block_number().await {
            Ok(head) => head,
            Err(error) => {
                tracing::warn!(route = %route.id, %error, "cannot read the source's head; trying again next round");
                return Ok(());
            }
        };
        let confirmations = self.config.confirmations_of(route.source.entry.chain_id);
        let Some(last) = head.checked_sub(confirmations) else { return Ok(()) };
        loop {
            let from = self.store.cursor(route.id.key(), route.start_block).await?;
            self.metrics.set_lag(&route.id, head, from);
            if from > last {
                return Ok(());
            }
            let to = last.min(from.saturating_add(self.config.max_block_range.max(1) - 1));
            let source = &route.source;
            let found = match scan::messages_out(source.chain(), source.entry.mos, route.to_chain_topic, from, to).await
            {
                Ok(found) => found,
                Err(error) => {
                    tracing::warn!(route = %route.id, from, to, %error, "cannot read logs; trying again next round");
                    return Ok(());
                }
            };
            let Some(created) = self.store.record_scan(route.id.key(), from, to + 1, &found, now_ms()).await? else {
                // Another instance scanned this range first.
                continue;
            };
            for delivery in created {
                tracing::info!(
                    route = %route.id,
                    transaction = %delivery.source_transaction,
                    block = delivery.source_block,
                    orders = delivery.orders.len(),
                    "found"
                );
                self.emit(Event::Found {
                    route: route.id.clone(),
                    source_transaction: delivery.source_transaction,
                    source_block: delivery.source_block,
                    orders: delivery.orders,
                });
            }
        }
    }
}
