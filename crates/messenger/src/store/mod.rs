//! Where the messenger keeps what it has seen and done: a database, one transaction per step.
//!
//! [`Store`] is what the messenger needs of it. [`SqlStore`] implements it on two backends through
//! sqlx: SQLite (the default: one file, WAL, synchronous commits, no setup) and PostgreSQL (for
//! several instances sharing the work); the same tests run against both. [`open`] picks the backend
//! from a URL.
//!
//! The records:
//! - a route's **cursor**: the first source block not scanned yet. Logs up to it have become
//!   deliveries in the same transaction that moved it ([`Store::record_scan`]);
//! - a **delivery** ([`Delivery`]): one source transaction's messages for one route, owned by the
//!   store and advanced by the stages (pending → submitted → delivered, or failed). Its orders
//!   keep what became of each ([`Outcome`]);
//! - a **lease** on each delivery an instance works on ([`Store::claim`]): an instance writes only
//!   the deliveries it holds, and a delivery whose holder stopped (killed, or gone silent) goes to
//!   another once the lease runs out. Every write checks the lease: a holder that lost it gets
//!   [`StoreError::LeaseLost`] and must not go on (in particular, must not broadcast).
//!
//! A delivery transaction is recorded ([`Store::record_submission`]) before it is broadcast, so a
//! restart finds it mined, or broadcasts the very same bytes again, and never signs another in its
//! place while it may still be mined.

mod schema;
mod sql;

pub use sql::{Backend, SqlStore};

use std::fmt;

use alloy_primitives::{Address, Bytes, B256};
use serde::Serialize;

/// A route's key: `"<source chain id>-><destination chain id>"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct RouteKey {
    /// The source chain's id.
    pub from: u64,
    /// The destination chain's id.
    pub to: u64,
}

impl fmt::Display for RouteKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}->{}", self.from, self.to)
    }
}

impl std::str::FromStr for RouteKey {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (from, to) = text.split_once("->").ok_or_else(|| format!("{text:?} is not <from>-><to>"))?;
        let id = |part: &str| part.parse::<u64>().map_err(|_| format!("{text:?}: {part:?} is not a chain id"));
        Ok(Self { from: id(from)?, to: id(to)? })
    }
}

/// A source transaction the scan found, with its messages for the route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDelivery {
    /// The source transaction.
    pub source_transaction: B256,
    /// Its block's number.
    pub source_block: u64,
    /// Its block's hash, as the scan saw it.
    pub source_block_hash: B256,
    /// Its orders for the route, in log order.
    pub orders: Vec<B256>,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// Found; no delivery transaction is out.
    Pending,
    /// A delivery transaction is signed and recorded (and maybe broadcast and mined).
    Submitted,
    /// Every order is settled at the destination.
    Delivered,
    /// The destination refuses it: not tried again until asked ([`Store::retry_failed`]).
    Failed,
}

impl Stage {
    /// The stage's name, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Submitted => "submitted",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
        }
    }

    /// The stage a stored name names.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] for any other name.
    pub fn parse(name: &str) -> Result<Self, StoreError> {
        Ok(match name {
            "pending" => Self::Pending,
            "submitted" => Self::Submitted,
            "delivered" => Self::Delivered,
            "failed" => Self::Failed,
            other => return Err(StoreError::Corrupt(format!("unknown delivery stage {other:?}"))),
        })
    }
}

/// A delivery transaction, recorded before it is broadcast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Submission {
    /// The chain it is sent on (the route's destination).
    pub chain_id: u64,
    /// Its hash.
    pub transaction: B256,
    /// Its signed bytes, to broadcast again if the node lost it.
    pub raw: Bytes,
    /// The account that signed it: an instance taking a delivery over from another looks it up
    /// by the account that sent it, not by its own.
    pub sender: Address,
    /// Its nonce: once the sender's mined nonce passes it without this transaction mined, another
    /// transaction took its place and it never will be.
    pub nonce: u64,
    /// When it was recorded (milliseconds since the Unix epoch).
    pub at_ms: u64,
}

/// What became of one order at the destination.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
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

/// One source transaction's messages for one route, as the store holds them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    /// The store's id of it.
    pub id: i64,
    /// The route.
    pub route: RouteKey,
    /// The source transaction.
    pub source_transaction: B256,
    /// Its block's number.
    pub source_block: u64,
    /// Its block's hash, as the scan saw it.
    pub source_block_hash: B256,
    /// Every order it carries for the route, in log order.
    pub orders: Vec<B256>,
    /// The orders settled so far, and how.
    pub outcomes: Vec<Outcome>,
    /// Where it stands.
    pub stage: Stage,
    /// Failed attempts since the last progress (for the backoff).
    pub attempts: u32,
    /// Not tried before this time (milliseconds since the Unix epoch).
    pub not_before_ms: u64,
    /// Why the last attempt did not deliver, or why the destination refuses it.
    pub last_error: Option<String>,
    /// The delivery transaction out, if any.
    pub submission: Option<Submission>,
    /// When the scan found it (milliseconds since the Unix epoch).
    pub found_at_ms: u64,
    /// When its last order was settled.
    pub delivered_at_ms: Option<u64>,
    /// The transaction that settled its last orders (none when the destination had them all).
    pub delivery_transaction: Option<B256>,
}

impl Delivery {
    /// Whether nothing was tried for it yet: no attempt, no order settled.
    pub fn is_first_attempt(&self) -> bool {
        self.attempts == 0 && self.outcomes.is_empty()
    }

    /// The orders not settled yet, in log order.
    pub fn open_orders(&self) -> Vec<B256> {
        self.orders.iter().copied().filter(|order| !self.outcomes.iter().any(|o| o.order_id() == *order)).collect()
    }
}

/// How many deliveries of a route are at each stage, and its cursor.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteSummary {
    /// The first source block not scanned yet.
    pub next_block: u64,
    /// Deliveries found and not settled, no transaction out.
    pub pending: u64,
    /// Deliveries with a transaction out.
    pub submitted: u64,
    /// Deliveries settled.
    pub delivered: u64,
    /// Deliveries the destination refuses.
    pub failed: u64,
}

/// Who holds a lease, and until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// The instance's name (unique among the instances sharing a store).
    pub owner: String,
    /// How long a claim lasts without being renewed, in milliseconds.
    pub duration_ms: u64,
}

/// What a failed attempt leaves on a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// Failed attempts since the last progress.
    pub attempts: u32,
    /// Not tried again before this time (milliseconds since the Unix epoch).
    pub not_before_ms: u64,
    /// Why.
    pub error: String,
}

/// Why the store cannot do what it is asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed the statement (or cannot be reached).
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// The database holds what this messenger cannot read.
    #[error("the database holds {0}")]
    Corrupt(String),
    /// The database's schema is newer than this messenger's.
    #[error("the database's schema is version {found}, newer than this messenger's ({known}): run a newer messenger")]
    SchemaTooNew {
        /// The database's version.
        found: i64,
        /// The newest this messenger knows.
        known: i64,
    },
    /// The URL names no backend this messenger has.
    #[error("{0:?}: the store must be sqlite://PATH (or a path to a file) or postgres://…")]
    Url(String),
    /// The instance no longer holds the delivery: another one took it over after the lease ran
    /// out. The caller must drop it (and not broadcast anything for it).
    #[error("delivery {0} is no longer leased to this instance")]
    LeaseLost(i64),
}

/// What the messenger needs of a database. Each method is one database transaction: when it
/// returns `Ok` its effect is durable, and when it fails nothing of it happened.
#[async_trait::async_trait]
pub trait Store: Send + Sync + fmt::Debug {
    /// The route's cursor, set to `start_block` if the route is new.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    async fn cursor(&self, route: RouteKey, start_block: u64) -> Result<u64, StoreError>;

    /// Records a scan of `route` from `from` (the cursor read before) to `next_block - 1`: each
    /// found transaction becomes a pending delivery (unless the route has it already), and the
    /// cursor moves to `next_block`, all at once. When the cursor is no longer `from` (another
    /// instance scanned the same range first), nothing is written and `None` is returned;
    /// otherwise the deliveries it created.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    async fn record_scan(
        &self,
        route: RouteKey,
        from: u64,
        next_block: u64,
        found: &[NewDelivery],
        now_ms: u64,
    ) -> Result<Option<Vec<Delivery>>, StoreError>;

    /// Claims for `lease.owner`, until `now_ms + lease.duration_ms`, up to `limit` deliveries of
    /// `route` at `stage` (pending or submitted when none), due (`not_before_ms <= now_ms`), and
    /// not leased to another instance: the oldest first, those the owner holds already included
    /// (their lease renewed). With PostgreSQL, instances claiming at once get different
    /// deliveries. A `stage` of delivered or failed claims nothing.
    ///
    /// # Errors
    /// [`StoreError::Database`], [`StoreError::Corrupt`].
    async fn claim(
        &self,
        route: RouteKey,
        stage: Option<Stage>,
        lease: &Lease,
        now_ms: u64,
        limit: u32,
    ) -> Result<Vec<Delivery>, StoreError>;

    /// Records the delivery transaction of a delivery the owner holds (a first one, or one that
    /// replaces it): it becomes submitted, and the sender's next nonce on the chain
    /// ([`Store::next_nonce`]) is past the transaction's.
    ///
    /// # Errors
    /// [`StoreError::LeaseLost`], [`StoreError::Database`].
    async fn record_submission(&self, id: i64, owner: &str, submission: &Submission) -> Result<(), StoreError>;

    /// The nonce after the highest one recorded for `sender` on chain `chain_id` (none before its
    /// first submission): where a restarted transaction manager goes on, whatever its node lost.
    ///
    /// # Errors
    /// [`StoreError::Database`], [`StoreError::Corrupt`].
    async fn next_nonce(&self, chain_id: u64, sender: Address) -> Result<Option<u64>, StoreError>;

    /// Forgets the delivery transaction of a delivery the owner holds (it will never be mined): it
    /// is pending again, due at once.
    ///
    /// # Errors
    /// [`StoreError::LeaseLost`], [`StoreError::Database`].
    async fn clear_submission(&self, id: i64, owner: &str) -> Result<(), StoreError>;

    /// Records what became of some orders of a delivery the owner holds, settled by `transaction`
    /// (none when the destination had them). The delivery is delivered when no order is left;
    /// otherwise pending, due at once. Its attempts start again from zero.
    ///
    /// # Errors
    /// [`StoreError::LeaseLost`], [`StoreError::Database`].
    async fn record_outcomes(
        &self,
        id: i64,
        owner: &str,
        outcomes: &[Outcome],
        transaction: Option<B256>,
        now_ms: u64,
    ) -> Result<Delivery, StoreError>;

    /// Records a failed attempt (or a wait) of a delivery the owner holds: it is due again at
    /// `attempt.not_before_ms`, and its delivery transaction, if any, is forgotten when
    /// `clear_submission` (the transaction failed).
    ///
    /// # Errors
    /// [`StoreError::LeaseLost`], [`StoreError::Database`].
    async fn record_attempt(
        &self,
        id: i64,
        owner: &str,
        attempt: &Attempt,
        clear_submission: bool,
    ) -> Result<(), StoreError>;

    /// Records that the destination refuses a delivery the owner holds: failed, with `reason`,
    /// its lease released.
    ///
    /// # Errors
    /// [`StoreError::LeaseLost`], [`StoreError::Database`].
    async fn record_failure(&self, id: i64, owner: &str, reason: &str) -> Result<(), StoreError>;

    /// Releases every lease `owner` holds (an instance stopping cleanly), so that others need not
    /// wait for them to run out.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    async fn release(&self, owner: &str) -> Result<(), StoreError>;

    /// Makes every failed delivery (of `route`, or of every route) pending again, due at once, its
    /// attempts from zero: how many.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    async fn retry_failed(&self, route: Option<RouteKey>) -> Result<u64, StoreError>;

    /// Every route the store knows, with its cursor and how many deliveries are at each stage.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    async fn summary(&self) -> Result<Vec<(RouteKey, RouteSummary)>, StoreError>;

    /// The deliveries of `route` (every route when `None`) at `stage` (every stage when `None`),
    /// the newest first, at most `limit`.
    ///
    /// # Errors
    /// [`StoreError::Database`], [`StoreError::Corrupt`].
    async fn deliveries(
        &self,
        route: Option<RouteKey>,
        stage: Option<Stage>,
        limit: u32,
    ) -> Result<Vec<Delivery>, StoreError>;

    /// The delivery of `route` for `source_transaction`, if the store has it.
    ///
    /// # Errors
    /// [`StoreError::Database`], [`StoreError::Corrupt`].
    async fn delivery(&self, route: RouteKey, source_transaction: B256) -> Result<Option<Delivery>, StoreError>;
}

/// The store a URL names: `postgres://…` or `postgresql://…` (PostgreSQL), `sqlite://PATH`, or a
/// plain path (SQLite, the file created if missing). Its schema is brought up to date.
///
/// # Errors
/// [`StoreError::Url`] for another scheme; [`StoreError::Database`] when the database cannot be
/// opened or migrated; [`StoreError::SchemaTooNew`].
pub async fn open(url: &str) -> Result<std::sync::Arc<dyn Store>, StoreError> {
    Ok(std::sync::Arc::new(SqlStore::open(url).await?))
}

/// Removes the SQLite store at `path` with its write-ahead log and shared-memory files; missing
/// ones are no error.
pub fn remove_sqlite(path: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| u64::try_from(since.as_millis()).unwrap_or(u64::MAX))
}

/// `now_ms() + delay`.
pub fn after_ms(delay: std::time::Duration) -> u64 {
    now_ms().saturating_add(u64::try_from(delay.as_millis()).unwrap_or(u64::MAX))
}
