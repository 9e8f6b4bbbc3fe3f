//! The store's contract, run against both backends: SQLite in a fresh file, and PostgreSQL in a
//! fresh database of the throwaway server `make test` starts (`MOS_TEST_POSTGRES_URL`; without it,
//! the test starts the server itself with `scripts/postgres.sh`, and fails when it cannot).

use std::{collections::BTreeSet, sync::Arc};

use alloy_primitives::{Address, Bytes, B256};
use mos_messenger::store::{
    Attempt, Backend, Lease, NewDelivery, Outcome, RouteKey, SqlStore, Stage, Store, StoreError, Submission,
};
use sqlx::{Connection, Row};

#[path = "support/postgres.rs"]
mod postgres;
use postgres::fresh_postgres;

const ROUTE: RouteKey = RouteKey { from: 1, to: 22_776 };
const OTHER_ROUTE: RouteKey = RouteKey { from: 22_776, to: 2 };
const LEASE_MS: u64 = 10_000;

fn lease(owner: &str) -> Lease {
    Lease { owner: owner.into(), duration_ms: LEASE_MS }
}

/// A path for a fresh SQLite file named after `name`.
fn fresh_sqlite(name: &str) -> String {
    let path = std::env::temp_dir().join(format!("mos-store-{name}-{}.db", std::process::id()));
    mos_messenger::store::remove_sqlite(&path);
    path.display().to_string()
}

/// The URLs of a fresh store of each backend.
async fn fresh(name: &str) -> [(Backend, String); 2] {
    [(Backend::Sqlite, fresh_sqlite(name)), (Backend::Postgres, fresh_postgres(name).await)]
}

fn found(seed: u8, block: u64, orders: u8) -> NewDelivery {
    NewDelivery {
        source_transaction: B256::repeat_byte(seed),
        source_block: block,
        source_block_hash: B256::with_last_byte(seed),
        orders: (0..orders).map(|i| B256::from([seed.wrapping_mul(16).wrapping_add(i); 32])).collect(),
    }
}

fn submission(seed: u8, nonce: u64) -> Submission {
    Submission {
        chain_id: ROUTE.to,
        transaction: B256::repeat_byte(seed),
        raw: Bytes::from(vec![seed; 3]),
        sender: Address::repeat_byte(seed),
        nonce,
        at_ms: 7,
    }
}

#[tokio::test]
async fn a_new_store_is_migrated_to_the_latest_schema_once_and_a_newer_one_is_refused() {
    for (backend, url) in fresh("migrate").await {
        let store = SqlStore::open(&url).await.unwrap();
        assert_eq!(store.backend(), backend);
        assert_eq!(store.schema_version().await.unwrap(), 2, "{backend:?}");
        drop(store);
        // Opening again applies nothing (a second CREATE TABLE would fail).
        let store = SqlStore::open(&url).await.unwrap();
        assert_eq!(store.schema_version().await.unwrap(), 2, "{backend:?}");
        store.cursor(ROUTE, 0).await.unwrap();
        store.record_scan(ROUTE, 0, 10, &[found(1, 1, 2)], 0).await.unwrap();
        drop(store);

        // A database of version 1 (as the first release left it, with its deliveries) is
        // migrated to version 2 when opened, and keeps what it held.
        let mut connection = sqlx::AnyConnection::connect(&any_url(backend, &url)).await.unwrap();
        for statement in ["DROP TABLE accounts", "DELETE FROM schema_migrations WHERE version = 2"] {
            sqlx::query(statement).execute(&mut connection).await.unwrap();
        }
        let store = SqlStore::open(&url).await.unwrap();
        assert_eq!(store.schema_version().await.unwrap(), 2, "{backend:?}");
        assert_eq!(store.deliveries(None, None, 10).await.unwrap().len(), 1, "{backend:?}");
        assert_eq!(store.next_nonce(ROUTE.to, Address::ZERO).await.unwrap(), None, "{backend:?}");
        drop(store);

        sqlx::query("INSERT INTO schema_migrations (version, description, applied_at_ms) VALUES (9, 'future', 0)")
            .execute(&mut connection)
            .await
            .unwrap();
        let error = SqlStore::open(&url).await.unwrap_err();
        assert!(matches!(error, StoreError::SchemaTooNew { found: 9, known: 2 }), "{backend:?}: {error}");
        assert_eq!(
            error.to_string(),
            "the database's schema is version 9, newer than this messenger's (2): run a newer messenger"
        );
    }
}

/// The URL sqlx's Any driver takes for a store URL.
fn any_url(backend: Backend, url: &str) -> String {
    sqlx::any::install_default_drivers();
    match backend {
        Backend::Sqlite => format!("sqlite://{url}"),
        Backend::Postgres => url.to_owned(),
    }
}

#[tokio::test]
async fn sqlite_writes_ahead_and_commits_synchronously() {
    let url = fresh_sqlite("pragmas");
    let store = SqlStore::open(&url).await.unwrap();
    store.cursor(ROUTE, 5).await.unwrap();
    let mut connection = sqlx::SqliteConnection::connect(&format!("sqlite://{url}")).await.unwrap();
    let mode: String = sqlx::query("PRAGMA journal_mode").fetch_one(&mut connection).await.unwrap().get(0);
    assert_eq!(mode, "wal");
    assert!(std::path::Path::new(&format!("{url}-wal")).exists(), "the write-ahead log is in use");
}

#[tokio::test]
async fn a_bad_store_url_is_named() {
    for url in ["mysql://localhost/db", ""] {
        let error = SqlStore::open(url).await.unwrap_err();
        assert!(matches!(error, StoreError::Url(_)), "{url}: {error}");
        assert!(error.to_string().contains("sqlite://PATH"), "{error}");
    }
}

#[tokio::test]
async fn a_scan_creates_each_delivery_once_and_moves_the_cursor_with_them() {
    for (backend, url) in fresh("scan").await {
        let store = SqlStore::open(&url).await.unwrap();
        assert_eq!(store.cursor(ROUTE, 40).await.unwrap(), 40);
        assert_eq!(store.cursor(ROUTE, 99).await.unwrap(), 40, "a known route keeps its cursor");
        let created = store.record_scan(ROUTE, 40, 50, &[found(1, 41, 2), found(2, 45, 1)], 1_000).await.unwrap();
        let created = created.expect("the cursor was where the scan began");
        assert_eq!(created.len(), 2, "{backend:?}");
        assert_eq!(created[0].orders, found(1, 41, 2).orders);
        assert_eq!(created[0].open_orders(), created[0].orders);
        assert_eq!((created[0].stage, created[0].found_at_ms, created[0].source_block), (Stage::Pending, 1_000, 41));
        assert_eq!(created[0].source_block_hash, B256::with_last_byte(1));
        assert_eq!(store.cursor(ROUTE, 0).await.unwrap(), 50);

        // A scan from a stale cursor (another instance scanned first) writes nothing.
        assert_eq!(store.record_scan(ROUTE, 40, 60, &[found(3, 55, 1)], 0).await.unwrap(), None, "{backend:?}");
        assert_eq!(store.cursor(ROUTE, 0).await.unwrap(), 50);
        assert!(store.delivery(ROUTE, B256::repeat_byte(3)).await.unwrap().is_none());

        // A transaction found again (an overlapping range) is not a second delivery.
        let again = store.record_scan(ROUTE, 50, 60, &[found(1, 41, 2), found(3, 55, 1)], 0).await.unwrap().unwrap();
        assert_eq!(again.iter().map(|d| d.source_transaction).collect::<Vec<_>>(), [B256::repeat_byte(3)]);
        let summary = store.summary().await.unwrap();
        assert_eq!(summary.len(), 1);
        assert_eq!((summary[0].0, summary[0].1.next_block, summary[0].1.pending), (ROUTE, 60, 3), "{backend:?}");
    }
}

#[tokio::test]
async fn a_lease_keeps_a_delivery_to_one_instance_until_it_runs_out() {
    for (backend, url) in fresh("lease").await {
        let store = SqlStore::open(&url).await.unwrap();
        store.cursor(ROUTE, 0).await.unwrap();
        store.record_scan(ROUTE, 0, 10, &[found(1, 1, 1), found(2, 2, 1)], 0).await.unwrap();
        let now = 100_000;
        let a = store.claim(ROUTE, None, &lease("a"), now, 1).await.unwrap();
        assert_eq!(a.len(), 1, "limit");
        let a_all = store.claim(ROUTE, None, &lease("a"), now, 10).await.unwrap();
        assert_eq!(a_all.len(), 2, "a's own claim is renewed, and the other one claimed");
        assert!(store.claim(ROUTE, None, &lease("b"), now + LEASE_MS - 1, 10).await.unwrap().is_empty(), "{backend:?}");

        // a goes silent; once its lease runs out b takes over, and a can no longer write.
        let b = store.claim(ROUTE, None, &lease("b"), now + LEASE_MS, 10).await.unwrap();
        assert_eq!(b.len(), 2, "{backend:?}");
        let id = b[0].id;
        for result in [
            store.record_submission(id, "a", &submission(9, 0)).await,
            store.clear_submission(id, "a").await,
            store.record_failure(id, "a", "no").await,
            store.record_attempt(id, "a", &Attempt { attempts: 1, not_before_ms: 0, error: "x".into() }, false).await,
            store.record_outcomes(id, "a", &[], None, 0).await.map(drop),
        ] {
            assert!(matches!(result, Err(StoreError::LeaseLost(lost)) if lost == id), "{backend:?}: {result:?}");
        }
        let unchanged = store.delivery(ROUTE, b[0].source_transaction).await.unwrap().unwrap();
        assert_eq!((unchanged.stage, unchanged.submission.clone(), unchanged.attempts), (Stage::Pending, None, 0));

        // b stops cleanly: its leases go at once.
        store.release("b").await.unwrap();
        assert_eq!(store.claim(ROUTE, None, &lease("c"), now + LEASE_MS, 10).await.unwrap().len(), 2, "{backend:?}");
    }
}

#[tokio::test]
async fn a_delivery_goes_through_its_stages_and_each_write_is_durable() {
    for (backend, url) in fresh("stages").await {
        let store = SqlStore::open(&url).await.unwrap();
        store.cursor(ROUTE, 0).await.unwrap();
        store.record_scan(ROUTE, 0, 10, &[found(1, 1, 3)], 0).await.unwrap();
        let delivery = store.claim(ROUTE, None, &lease("a"), 0, 10).await.unwrap().remove(0);
        let orders = delivery.orders.clone();

        store.record_submission(delivery.id, "a", &submission(7, 4)).await.unwrap();
        drop(store);
        let store = SqlStore::open(&url).await.unwrap();
        let resumed = store.claim(ROUTE, None, &lease("a"), 1, 10).await.unwrap().remove(0);
        assert_eq!(resumed.stage, Stage::Submitted, "{backend:?}");
        assert_eq!(resumed.submission, Some(submission(7, 4)), "the signed bytes survive a restart");

        // The transaction failed: back to pending, after a backoff.
        let retry = Attempt { attempts: 1, not_before_ms: 500, error: "delivery transaction failed".into() };
        store.record_attempt(delivery.id, "a", &retry, true).await.unwrap();
        assert!(store.claim(ROUTE, None, &lease("a"), 499, 10).await.unwrap().is_empty(), "not due yet: {backend:?}");
        let due = store.claim(ROUTE, None, &lease("a"), 500, 10).await.unwrap().remove(0);
        assert_eq!((due.stage, due.attempts, due.submission.clone()), (Stage::Pending, 1, None));
        assert_eq!(due.last_error.as_deref(), Some("delivery transaction failed"));

        // Two orders settle; the third is still open.
        let executed =
            Outcome::Executed { order_id: orders[0], result: false, reason: Bytes::from_static(b"\x08\xc3") };
        let forwarded = Outcome::Forwarded { order_id: orders[2], to_chain: 2 };
        let partial = store
            .record_outcomes(delivery.id, "a", &[executed.clone(), forwarded.clone()], Some(B256::repeat_byte(5)), 600)
            .await
            .unwrap();
        assert_eq!((partial.stage, partial.attempts, partial.last_error.clone()), (Stage::Pending, 0, None));
        assert_eq!(partial.open_orders(), [orders[1]], "{backend:?}");
        assert_eq!(partial.outcomes, [executed.clone(), forwarded.clone()]);
        let already = Outcome::AlreadyDelivered { order_id: orders[1] };
        let done = store.record_outcomes(delivery.id, "a", std::slice::from_ref(&already), None, 700).await.unwrap();
        assert_eq!((done.stage, done.delivered_at_ms), (Stage::Delivered, Some(700)), "{backend:?}");
        assert_eq!(done.delivery_transaction, Some(B256::repeat_byte(5)), "the transaction that settled orders");
        assert_eq!(done.outcomes, [executed, already, forwarded], "in log order");
        assert!(store.claim(ROUTE, None, &lease("a"), 10_000, 10).await.unwrap().is_empty(), "a delivered one is done");
        drop(store);
        let store = SqlStore::open(&url).await.unwrap();
        assert_eq!(store.delivery(ROUTE, delivery.source_transaction).await.unwrap(), Some(done));
    }
}

#[tokio::test]
async fn a_refused_delivery_waits_until_asked_to_be_tried_again() {
    for (backend, url) in fresh("refused").await {
        let store = SqlStore::open(&url).await.unwrap();
        for route in [ROUTE, OTHER_ROUTE] {
            store.cursor(route, 0).await.unwrap();
            store.record_scan(route, 0, 10, &[found(1, 1, 1)], 0).await.unwrap();
            let delivery = store.claim(route, None, &lease("a"), 0, 10).await.unwrap().remove(0);
            store.record_failure(delivery.id, "a", "MOSV3: paused").await.unwrap();
        }
        assert!(store.claim(ROUTE, None, &lease("a"), 0, 10).await.unwrap().is_empty());
        let failed = store.deliveries(None, Some(Stage::Failed), 10).await.unwrap();
        assert_eq!(failed.len(), 2, "{backend:?}");
        assert_eq!(failed[0].route, OTHER_ROUTE, "newest first");
        assert!(failed.iter().all(|d| d.last_error.as_deref() == Some("MOSV3: paused")));

        assert_eq!(store.retry_failed(Some(ROUTE)).await.unwrap(), 1, "{backend:?}");
        assert_eq!(store.claim(ROUTE, None, &lease("b"), 0, 10).await.unwrap().len(), 1, "released with the failure");
        assert_eq!(store.deliveries(Some(OTHER_ROUTE), Some(Stage::Failed), 10).await.unwrap().len(), 1);
        assert_eq!(store.retry_failed(None).await.unwrap(), 1);
        assert!(store.deliveries(None, Some(Stage::Failed), 10).await.unwrap().is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn instances_claiming_at_once_never_get_the_same_delivery() {
    for (backend, url) in fresh("contention").await {
        let store = Arc::new(SqlStore::open(&url).await.unwrap());
        store.cursor(ROUTE, 0).await.unwrap();
        let many: Vec<NewDelivery> = (0..200u16)
            .map(|i| NewDelivery { source_transaction: B256::left_padding_from(&i.to_be_bytes()), ..found(1, 1, 1) })
            .collect();
        store.record_scan(ROUTE, 0, 1_000, &many, 0).await.unwrap();
        let mut tasks = Vec::new();
        for instance in 0..8 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                let owner = format!("instance-{instance}");
                let mut mine = Vec::new();
                loop {
                    let claimed = store.claim(ROUTE, None, &lease(&owner), 0, 7).await.unwrap();
                    let ids: Vec<i64> = claimed.iter().map(|d| d.id).collect();
                    let mut settled = 0;
                    for delivery in claimed {
                        // Settle each at once, so the next claim looks for new ones.
                        let outcome = Outcome::AlreadyDelivered { order_id: delivery.orders[0] };
                        if delivery.stage == Stage::Pending {
                            store.record_outcomes(delivery.id, &owner, &[outcome], None, 1).await.unwrap();
                            settled += 1;
                        }
                    }
                    mine.extend(ids);
                    if settled == 0 {
                        return mine;
                    }
                }
            }));
        }
        let mut claimed = Vec::new();
        for task in tasks {
            claimed.extend(task.await.unwrap());
        }
        let distinct: BTreeSet<i64> = claimed.iter().copied().collect();
        assert_eq!(distinct.len(), 200, "{backend:?}: every delivery claimed");
        assert_eq!(claimed.len(), 200, "{backend:?}: none claimed twice");
        let summary = store.summary().await.unwrap();
        assert_eq!(summary[0].1.delivered, 200);
    }
}

#[tokio::test]
async fn a_senders_next_nonce_is_recorded_with_its_transactions_per_chain_and_only_rises() {
    for (backend, url) in fresh("nonces").await {
        let store = SqlStore::open(&url).await.unwrap();
        store.cursor(ROUTE, 0).await.unwrap();
        store.record_scan(ROUTE, 0, 10, &[found(1, 1, 1), found(2, 2, 1)], 0).await.unwrap();
        let claimed = store.claim(ROUTE, None, &lease("a"), 0, 10).await.unwrap();
        let sender = submission(7, 0).sender;
        assert_eq!(store.next_nonce(ROUTE.to, sender).await.unwrap(), None, "{backend:?}");

        store.record_submission(claimed[0].id, "a", &submission(7, 4)).await.unwrap();
        assert_eq!(store.next_nonce(ROUTE.to, sender).await.unwrap(), Some(5), "{backend:?}");
        store.record_submission(claimed[1].id, "a", &submission(7, 2)).await.unwrap();
        assert_eq!(store.next_nonce(ROUTE.to, sender).await.unwrap(), Some(5), "a lower nonce: {backend:?}");
        assert_eq!(store.next_nonce(ROUTE.from, sender).await.unwrap(), None, "another chain: {backend:?}");
        assert_eq!(store.next_nonce(ROUTE.to, Address::ZERO).await.unwrap(), None, "another sender: {backend:?}");

        // A write refused for a lost lease records no nonce either.
        let lost = store.record_submission(claimed[0].id, "b", &submission(7, 9)).await;
        assert!(matches!(lost, Err(StoreError::LeaseLost(_))), "{backend:?}: {lost:?}");
        drop(store);
        let store = SqlStore::open(&url).await.unwrap();
        assert_eq!(store.next_nonce(ROUTE.to, sender).await.unwrap(), Some(5), "durable: {backend:?}");
    }
}
