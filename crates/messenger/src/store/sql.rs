//! [`Store`] on SQLite or PostgreSQL, through sqlx's `Any` driver: the statements are written once
//! (both backends take `$1`-style parameters), and [`Backend`] holds what differs.

use alloy_primitives::{Address, Bytes, B256};
use sqlx::{
    any::{AnyPoolOptions, AnyRow},
    AnyConnection, AnyPool, Row,
};

use super::{
    schema::{render, MIGRATIONS, MIGRATIONS_TABLE},
    Attempt, Delivery, Lease, NewDelivery, Outcome, RouteKey, RouteSummary, Stage, Store, StoreError, Submission,
};

/// Which database a [`SqlStore`] runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// One file, one connection (the messenger is its only writer): WAL and synchronous commits.
    Sqlite,
    /// A server shared by several instances: claims lock rows and skip those others hold.
    Postgres,
}

impl Backend {
    /// The key, integer and byte-string types of the schema.
    fn types(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Self::Sqlite => ("INTEGER PRIMARY KEY AUTOINCREMENT", "INTEGER", "BLOB"),
            Self::Postgres => ("BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "BIGINT", "BYTEA"),
        }
    }

    /// What a claim's row selection ends with: PostgreSQL locks the rows it claims and skips rows
    /// another instance is claiming; SQLite has one writer.
    fn claim_lock(self) -> &'static str {
        match self {
            Self::Sqlite => "",
            Self::Postgres => "FOR UPDATE SKIP LOCKED",
        }
    }
}

/// The messenger's store in a SQL database.
#[derive(Debug, Clone)]
pub struct SqlStore {
    pool: AnyPool,
    backend: Backend,
}

/// The columns of a delivery, in the order [`delivery`] reads them.
const DELIVERY_COLUMNS: &str = "id, route, source_transaction, source_block, source_block_hash, stage, attempts, \
     not_before_ms, last_error, submitted_transaction, submitted_raw, submitted_sender, submitted_nonce, submitted_at_ms, found_at_ms, \
     delivered_at_ms, delivery_transaction";

/// A PostgreSQL advisory lock key held while migrating, so instances starting at once migrate one
/// after another.
const MIGRATION_LOCK: i64 = 0x6d6f_735f_6d69_6772;

impl SqlStore {
    /// The store at `url`: `postgres://…` / `postgresql://…`, `sqlite://PATH`, or a plain path
    /// (SQLite; the file is created if missing). Its schema is brought up to date.
    ///
    /// # Errors
    /// [`StoreError::Url`] for another scheme, [`StoreError::Database`] when it cannot be opened or
    /// migrated, [`StoreError::SchemaTooNew`].
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let (backend, url) = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Backend::Postgres, url.to_owned())
        } else {
            let path = url.strip_prefix("sqlite://").unwrap_or(url);
            if path.is_empty() || path.contains("://") {
                return Err(StoreError::Url(url.into()));
            }
            (Backend::Sqlite, format!("sqlite://{path}?mode=rwc"))
        };
        let options = match backend {
            Backend::Sqlite => AnyPoolOptions::new().max_connections(1).after_connect(|connection, _| {
                Box::pin(async move {
                    for pragma in [
                        "PRAGMA journal_mode = WAL",
                        "PRAGMA synchronous = FULL",
                        "PRAGMA foreign_keys = ON",
                        "PRAGMA busy_timeout = 5000",
                    ] {
                        sqlx::query(pragma).execute(&mut *connection).await?;
                    }
                    Ok(())
                })
            }),
            Backend::Postgres => AnyPoolOptions::new().max_connections(8),
        };
        let store = Self { pool: options.connect(&url).await?, backend };
        store.migrate().await?;
        Ok(store)
    }

    /// The backend.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The schema version of the database (the newest migration applied).
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn schema_version(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("version")?)
    }

    /// Applies the migrations the database lacks, each in one transaction.
    async fn migrate(&self) -> Result<(), StoreError> {
        let types = self.backend.types();
        let mut transaction = self.pool.begin().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(MIGRATION_LOCK).execute(&mut *transaction).await?;
        }
        sqlx::query(sqlx::AssertSqlSafe(render(MIGRATIONS_TABLE, types))).execute(&mut *transaction).await?;
        let applied: i64 = sqlx::query("SELECT COALESCE(MAX(version), 0) AS version FROM schema_migrations")
            .fetch_one(&mut *transaction)
            .await?
            .try_get("version")?;
        let known = MIGRATIONS.last().map_or(0, |migration| migration.version);
        if applied > known {
            return Err(StoreError::SchemaTooNew { found: applied, known });
        }
        for migration in MIGRATIONS.iter().filter(|migration| migration.version > applied) {
            for statement in migration.statements {
                sqlx::query(sqlx::AssertSqlSafe(render(statement, types))).execute(&mut *transaction).await?;
            }
            sqlx::query("INSERT INTO schema_migrations (version, description, applied_at_ms) VALUES ($1, $2, $3)")
                .bind(migration.version)
                .bind(migration.description)
                .bind(int(super::now_ms())?)
                .execute(&mut *transaction)
                .await?;
            tracing::info!(version = migration.version, description = migration.description, "store migrated");
        }
        transaction.commit().await?;
        Ok(())
    }

    /// The deliveries `rows` hold, with their orders, in the rows' order.
    async fn with_orders(connection: &mut AnyConnection, rows: Vec<AnyRow>) -> Result<Vec<Delivery>, StoreError> {
        let mut deliveries = Vec::with_capacity(rows.len());
        for row in rows {
            let orders = Self::orders(connection, row.try_get("id")?).await?;
            deliveries.push(delivery(&row, &orders)?);
        }
        Ok(deliveries)
    }

    /// The order rows of delivery `id`, in log order.
    async fn orders(connection: &mut AnyConnection, id: i64) -> Result<Vec<AnyRow>, StoreError> {
        Ok(sqlx::query(
            "SELECT order_id, outcome, result, reason, to_chain FROM orders WHERE delivery_id = $1 ORDER BY position",
        )
        .bind(id)
        .fetch_all(&mut *connection)
        .await?)
    }

    /// One delivery, with its orders.
    async fn load(connection: &mut AnyConnection, id: i64) -> Result<Delivery, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE id = $1")))
            .bind(id)
            .fetch_one(&mut *connection)
            .await?;
        let orders = Self::orders(connection, id).await?;
        delivery(&row, &orders)
    }
}

/// `value` as the databases' signed 64-bit integer.
///
/// # Errors
/// [`StoreError::Corrupt`] above `i64::MAX` (no block, nonce, time or chain id is).
fn int(value: u64) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::Corrupt(format!("{value}, too large for a 64-bit signed integer")))
}

/// A stored integer as the unsigned value it was.
fn uint(value: i64, column: &str) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt(format!("{value} in {column}")))
}

/// A stored 32-byte hash.
fn hash(bytes: &[u8], column: &str) -> Result<B256, StoreError> {
    B256::try_from(bytes).map_err(|_| StoreError::Corrupt(format!("{} bytes in {column}, not 32", bytes.len())))
}

/// A stored 20-byte address.
fn address(bytes: &[u8]) -> Result<Address, StoreError> {
    Address::try_from(bytes)
        .map_err(|_| StoreError::Corrupt(format!("{} bytes in submitted_sender, not 20", bytes.len())))
}

/// The delivery of a [`DELIVERY_COLUMNS`] row and its order rows.
fn delivery(row: &AnyRow, orders: &[AnyRow]) -> Result<Delivery, StoreError> {
    let route: RouteKey = row.try_get::<String, _>("route")?.parse().map_err(StoreError::Corrupt)?;
    let submission = match row.try_get::<Option<Vec<u8>>, _>("submitted_transaction")? {
        Some(transaction) => Some(Submission {
            chain_id: route.to,
            transaction: hash(&transaction, "submitted_transaction")?,
            raw: Bytes::from(row.try_get::<Option<Vec<u8>>, _>("submitted_raw")?.unwrap_or_default()),
            sender: address(&row.try_get::<Option<Vec<u8>>, _>("submitted_sender")?.unwrap_or_default())?,
            nonce: uint(row.try_get::<Option<i64>, _>("submitted_nonce")?.unwrap_or_default(), "submitted_nonce")?,
            at_ms: uint(row.try_get::<Option<i64>, _>("submitted_at_ms")?.unwrap_or_default(), "submitted_at_ms")?,
        }),
        None => None,
    };
    let mut delivery = Delivery {
        id: row.try_get("id")?,
        route,
        source_transaction: hash(&row.try_get::<Vec<u8>, _>("source_transaction")?, "source_transaction")?,
        source_block: uint(row.try_get("source_block")?, "source_block")?,
        source_block_hash: hash(&row.try_get::<Vec<u8>, _>("source_block_hash")?, "source_block_hash")?,
        orders: Vec::with_capacity(orders.len()),
        outcomes: Vec::new(),
        stage: Stage::parse(&row.try_get::<String, _>("stage")?)?,
        attempts: u32::try_from(row.try_get::<i64, _>("attempts")?).unwrap_or(u32::MAX),
        not_before_ms: uint(row.try_get("not_before_ms")?, "not_before_ms")?,
        last_error: row.try_get("last_error")?,
        submission,
        found_at_ms: uint(row.try_get("found_at_ms")?, "found_at_ms")?,
        delivered_at_ms: row
            .try_get::<Option<i64>, _>("delivered_at_ms")?
            .map(|ms| uint(ms, "delivered_at_ms"))
            .transpose()?,
        delivery_transaction: row
            .try_get::<Option<Vec<u8>>, _>("delivery_transaction")?
            .map(|bytes| hash(&bytes, "delivery_transaction"))
            .transpose()?,
    };
    for order in orders {
        let order_id = hash(&order.try_get::<Vec<u8>, _>("order_id")?, "order_id")?;
        delivery.orders.push(order_id);
        let outcome = match order.try_get::<Option<String>, _>("outcome")?.as_deref() {
            None => continue,
            Some("executed") => Outcome::Executed {
                order_id,
                result: order.try_get::<Option<i64>, _>("result")?.unwrap_or_default() != 0,
                reason: Bytes::from(order.try_get::<Option<Vec<u8>>, _>("reason")?.unwrap_or_default()),
            },
            Some("forwarded") => Outcome::Forwarded {
                order_id,
                to_chain: uint(order.try_get::<Option<i64>, _>("to_chain")?.unwrap_or_default(), "to_chain")?,
            },
            Some("already_delivered") => Outcome::AlreadyDelivered { order_id },
            Some(other) => return Err(StoreError::Corrupt(format!("unknown order outcome {other:?}"))),
        };
        delivery.outcomes.push(outcome);
    }
    Ok(delivery)
}

/// The lease check of a write: the row count an `UPDATE … WHERE id = $ AND lease_owner = $` gave.
fn held(rows: u64, id: i64) -> Result<(), StoreError> {
    if rows == 0 {
        return Err(StoreError::LeaseLost(id));
    }
    Ok(())
}

#[async_trait::async_trait]
impl Store for SqlStore {
    async fn cursor(&self, route: RouteKey, start_block: u64) -> Result<u64, StoreError> {
        let key = route.to_string();
        sqlx::query("INSERT INTO routes (route, next_block) VALUES ($1, $2) ON CONFLICT (route) DO NOTHING")
            .bind(&key)
            .bind(int(start_block)?)
            .execute(&self.pool)
            .await?;
        let row =
            sqlx::query("SELECT next_block FROM routes WHERE route = $1").bind(&key).fetch_one(&self.pool).await?;
        uint(row.try_get("next_block")?, "next_block")
    }

    async fn record_scan(
        &self,
        route: RouteKey,
        from: u64,
        next_block: u64,
        found: &[NewDelivery],
        now_ms: u64,
    ) -> Result<Option<Vec<Delivery>>, StoreError> {
        let key = route.to_string();
        let mut transaction = self.pool.begin().await?;
        let moved = sqlx::query("UPDATE routes SET next_block = $1 WHERE route = $2 AND next_block = $3")
            .bind(int(next_block)?)
            .bind(&key)
            .bind(int(from)?)
            .execute(&mut *transaction)
            .await?;
        if moved.rows_affected() == 0 {
            return Ok(None);
        }
        let mut created = Vec::new();
        for new in found {
            let inserted = sqlx::query(
                "INSERT INTO deliveries (route, source_transaction, source_block, source_block_hash, stage, found_at_ms)
                 VALUES ($1, $2, $3, $4, 'pending', $5)
                 ON CONFLICT (route, source_transaction) DO NOTHING RETURNING id",
            )
            .bind(&key)
            .bind(new.source_transaction.as_slice())
            .bind(int(new.source_block)?)
            .bind(new.source_block_hash.as_slice())
            .bind(int(now_ms)?)
            .fetch_optional(&mut *transaction)
            .await?;
            let Some(inserted) = inserted else { continue };
            let id: i64 = inserted.try_get("id")?;
            for (position, order) in new.orders.iter().enumerate() {
                sqlx::query("INSERT INTO orders (delivery_id, position, order_id) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(int(position as u64)?)
                    .bind(order.as_slice())
                    .execute(&mut *transaction)
                    .await?;
            }
            created.push(Self::load(&mut transaction, id).await?);
        }
        transaction.commit().await?;
        Ok(Some(created))
    }

    async fn claim(
        &self,
        route: RouteKey,
        stage: Option<Stage>,
        lease: &Lease,
        now_ms: u64,
        limit: u32,
    ) -> Result<Vec<Delivery>, StoreError> {
        let stages = match stage {
            None => "'pending', 'submitted'",
            Some(Stage::Pending) => "'pending'",
            Some(Stage::Submitted) => "'submitted'",
            Some(Stage::Delivered | Stage::Failed) => return Ok(Vec::new()),
        };
        let statement = format!(
            "UPDATE deliveries SET lease_owner = $1, lease_until_ms = $2 WHERE id IN (
                SELECT id FROM deliveries
                WHERE route = $3 AND stage IN ({stages}) AND not_before_ms <= $4
                  AND (lease_owner IS NULL OR lease_owner = $1 OR lease_until_ms <= $4)
                ORDER BY id LIMIT $5 {lock}
             ) RETURNING {DELIVERY_COLUMNS}",
            lock = self.backend.claim_lock()
        );
        let mut transaction = self.pool.begin().await?;
        let mut rows = sqlx::query(sqlx::AssertSqlSafe(statement))
            .bind(&lease.owner)
            .bind(int(now_ms.saturating_add(lease.duration_ms))?)
            .bind(route.to_string())
            .bind(int(now_ms)?)
            .bind(i64::from(limit))
            .fetch_all(&mut *transaction)
            .await?;
        rows.sort_by_key(|row| row.try_get::<i64, _>("id").unwrap_or_default());
        let claimed = Self::with_orders(&mut transaction, rows).await?;
        transaction.commit().await?;
        Ok(claimed)
    }

    async fn record_submission(&self, id: i64, owner: &str, submission: &Submission) -> Result<(), StoreError> {
        let mut db = self.pool.begin().await?;
        let rows = sqlx::query(
            "UPDATE deliveries SET stage = 'submitted', submitted_transaction = $1, submitted_raw = $2,
                 submitted_nonce = $3, submitted_at_ms = $4, submitted_sender = $7
             WHERE id = $5 AND lease_owner = $6",
        )
        .bind(submission.transaction.as_slice())
        .bind(submission.raw.as_ref())
        .bind(int(submission.nonce)?)
        .bind(int(submission.at_ms)?)
        .bind(id)
        .bind(owner)
        .bind(submission.sender.as_slice())
        .execute(&mut *db)
        .await?;
        held(rows.rows_affected(), id)?;
        sqlx::query(
            "INSERT INTO accounts (chain_id, address, next_nonce) VALUES ($1, $2, $3)
             ON CONFLICT (chain_id, address) DO UPDATE SET next_nonce =
                 CASE WHEN excluded.next_nonce > accounts.next_nonce THEN excluded.next_nonce
                      ELSE accounts.next_nonce END",
        )
        .bind(int(submission.chain_id)?)
        .bind(submission.sender.as_slice())
        .bind(int(submission.nonce.saturating_add(1))?)
        .execute(&mut *db)
        .await?;
        db.commit().await?;
        Ok(())
    }

    async fn next_nonce(&self, chain_id: u64, sender: Address) -> Result<Option<u64>, StoreError> {
        let row = sqlx::query("SELECT next_nonce FROM accounts WHERE chain_id = $1 AND address = $2")
            .bind(int(chain_id)?)
            .bind(sender.as_slice())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| uint(row.try_get("next_nonce")?, "next_nonce")).transpose()
    }

    async fn clear_submission(&self, id: i64, owner: &str) -> Result<(), StoreError> {
        let rows = sqlx::query(
            "UPDATE deliveries SET stage = 'pending', submitted_transaction = NULL, submitted_raw = NULL,
                 submitted_sender = NULL, submitted_nonce = NULL, submitted_at_ms = NULL, not_before_ms = 0
             WHERE id = $1 AND lease_owner = $2",
        )
        .bind(id)
        .bind(owner)
        .execute(&self.pool)
        .await?;
        held(rows.rows_affected(), id)
    }

    async fn record_outcomes(
        &self,
        id: i64,
        owner: &str,
        outcomes: &[Outcome],
        transaction: Option<B256>,
        now_ms: u64,
    ) -> Result<Delivery, StoreError> {
        let mut db = self.pool.begin().await?;
        let owned = sqlx::query("SELECT id FROM deliveries WHERE id = $1 AND lease_owner = $2")
            .bind(id)
            .bind(owner)
            .fetch_optional(&mut *db)
            .await?;
        if owned.is_none() {
            return Err(StoreError::LeaseLost(id));
        }
        for outcome in outcomes {
            let (kind, result, reason, to_chain) = match outcome {
                Outcome::Executed { result, reason, .. } => ("executed", Some(i64::from(*result)), Some(reason), None),
                Outcome::Forwarded { to_chain, .. } => ("forwarded", None, None, Some(int(*to_chain)?)),
                Outcome::AlreadyDelivered { .. } => ("already_delivered", None, None, None),
            };
            sqlx::query(
                "UPDATE orders SET outcome = $1, result = $2, reason = $3, to_chain = $4
                 WHERE delivery_id = $5 AND order_id = $6 AND outcome IS NULL",
            )
            .bind(kind)
            .bind(result)
            .bind(reason.map(|reason| reason.to_vec()))
            .bind(to_chain)
            .bind(id)
            .bind(outcome.order_id().as_slice())
            .execute(&mut *db)
            .await?;
        }
        let open: i64 = sqlx::query("SELECT COUNT(*) AS open FROM orders WHERE delivery_id = $1 AND outcome IS NULL")
            .bind(id)
            .fetch_one(&mut *db)
            .await?
            .try_get("open")?;
        let delivered = open == 0;
        sqlx::query(
            "UPDATE deliveries SET stage = $1, attempts = 0, not_before_ms = 0, last_error = NULL,
                 submitted_transaction = NULL, submitted_raw = NULL, submitted_sender = NULL, submitted_nonce = NULL, submitted_at_ms = NULL,
                 delivered_at_ms = $2, delivery_transaction = COALESCE($3, delivery_transaction),
                 lease_owner = $4
             WHERE id = $5",
        )
        .bind(if delivered { Stage::Delivered } else { Stage::Pending }.as_str())
        .bind(delivered.then(|| int(now_ms)).transpose()?)
        .bind(transaction.map(|hash| hash.to_vec()))
        .bind((!delivered).then_some(owner))
        .bind(id)
        .execute(&mut *db)
        .await?;
        let delivery = Self::load(&mut db, id).await?;
        db.commit().await?;
        Ok(delivery)
    }

    async fn record_attempt(
        &self,
        id: i64,
        owner: &str,
        attempt: &Attempt,
        clear_submission: bool,
    ) -> Result<(), StoreError> {
        let statement = if clear_submission {
            "UPDATE deliveries SET attempts = $1, not_before_ms = $2, last_error = $3, stage = 'pending',
                 submitted_transaction = NULL, submitted_raw = NULL, submitted_sender = NULL, submitted_nonce = NULL, submitted_at_ms = NULL
             WHERE id = $4 AND lease_owner = $5"
        } else {
            "UPDATE deliveries SET attempts = $1, not_before_ms = $2, last_error = $3
             WHERE id = $4 AND lease_owner = $5"
        };
        let rows = sqlx::query(statement)
            .bind(i64::from(attempt.attempts))
            .bind(int(attempt.not_before_ms)?)
            .bind(&attempt.error)
            .bind(id)
            .bind(owner)
            .execute(&self.pool)
            .await?;
        held(rows.rows_affected(), id)
    }

    async fn record_failure(&self, id: i64, owner: &str, reason: &str) -> Result<(), StoreError> {
        let rows = sqlx::query(
            "UPDATE deliveries SET stage = 'failed', last_error = $1, lease_owner = NULL,
                 submitted_transaction = NULL, submitted_raw = NULL, submitted_sender = NULL, submitted_nonce = NULL, submitted_at_ms = NULL
             WHERE id = $2 AND lease_owner = $3",
        )
        .bind(reason)
        .bind(id)
        .bind(owner)
        .execute(&self.pool)
        .await?;
        held(rows.rows_affected(), id)
    }

    async fn release(&self, owner: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE deliveries SET lease_owner = NULL, lease_until_ms = 0 WHERE lease_owner = $1")
            .bind(owner)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn retry_failed(&self, route: Option<RouteKey>) -> Result<u64, StoreError> {
        let rows = sqlx::query(
            "UPDATE deliveries SET stage = 'pending', attempts = 0, not_before_ms = 0
             WHERE stage = 'failed' AND ($1 IS NULL OR route = $1)",
        )
        .bind(route.map(|route| route.to_string()))
        .execute(&self.pool)
        .await?;
        Ok(rows.rows_affected())
    }

    async fn summary(&self) -> Result<Vec<(RouteKey, RouteSummary)>, StoreError> {
        let routes = sqlx::query("SELECT route, next_block FROM routes ORDER BY route").fetch_all(&self.pool).await?;
        let counts = sqlx::query("SELECT route, stage, COUNT(*) AS count FROM deliveries GROUP BY route, stage")
            .fetch_all(&self.pool)
            .await?;
        let mut summary = Vec::with_capacity(routes.len());
        for row in routes {
            let key: String = row.try_get("route")?;
            let mut entry =
                RouteSummary { next_block: uint(row.try_get("next_block")?, "next_block")?, ..Default::default() };
            for count in counts.iter().filter(|count| count.try_get::<String, _>("route").is_ok_and(|r| r == key)) {
                let n = uint(count.try_get("count")?, "count")?;
                match Stage::parse(&count.try_get::<String, _>("stage")?)? {
                    Stage::Pending => entry.pending = n,
                    Stage::Submitted => entry.submitted = n,
                    Stage::Delivered => entry.delivered = n,
                    Stage::Failed => entry.failed = n,
                }
            }
            summary.push((key.parse().map_err(StoreError::Corrupt)?, entry));
        }
        Ok(summary)
    }

    async fn deliveries(
        &self,
        route: Option<RouteKey>,
        stage: Option<Stage>,
        limit: u32,
    ) -> Result<Vec<Delivery>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {DELIVERY_COLUMNS} FROM deliveries
             WHERE ($1 IS NULL OR route = $1) AND ($2 IS NULL OR stage = $2)
             ORDER BY id DESC LIMIT $3"
        )))
        .bind(route.map(|route| route.to_string()))
        .bind(stage.map(Stage::as_str))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        Self::with_orders(&mut *self.pool.acquire().await?, rows).await
    }

    async fn delivery(&self, route: RouteKey, source_transaction: B256) -> Result<Option<Delivery>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE route = $1 AND source_transaction = $2"
        )))
        .bind(route.to_string())
        .bind(source_transaction.as_slice())
        .fetch_all(&self.pool)
        .await?;
        Ok(Self::with_orders(&mut *self.pool.acquire().await?, rows).await?.pop())
    }
}
