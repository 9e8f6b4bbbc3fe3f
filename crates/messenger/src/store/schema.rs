//! The store's schema, as numbered migrations written once for both backends: `{id}`, `{int}` and
//! `{blob}` stand for each backend's key, integer and byte-string types.
//!
//! A database records the migrations applied to it (`schema_migrations`); opening it applies the
//! missing ones in order, each in its own transaction, and refuses a database a newer messenger
//! migrated ([`super::StoreError::SchemaTooNew`]). A released migration is never edited: a change
//! is a new one.

/// A migration: its version, what it does, and its statements.
pub(super) struct Migration {
    /// Its version: migrations apply in this order, each once.
    pub version: i64,
    /// What it does, recorded with it.
    pub description: &'static str,
    /// Its statements, with the type placeholders.
    pub statements: &'static [&'static str],
}

/// Every migration, oldest first.
pub(super) const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        description: "routes, deliveries with their leases and submissions, orders with their outcomes",
        statements: &[
            "CREATE TABLE routes (
            route TEXT PRIMARY KEY,
            next_block {int} NOT NULL
        )",
            "CREATE TABLE deliveries (
            id {id},
            route TEXT NOT NULL,
            source_transaction {blob} NOT NULL,
            source_block {int} NOT NULL,
            source_block_hash {blob} NOT NULL,
            stage TEXT NOT NULL,
            attempts {int} NOT NULL DEFAULT 0,
            not_before_ms {int} NOT NULL DEFAULT 0,
            last_error TEXT,
            lease_owner TEXT,
            lease_until_ms {int} NOT NULL DEFAULT 0,
            submitted_transaction {blob},
            submitted_raw {blob},
            submitted_sender {blob},
            submitted_nonce {int},
            submitted_at_ms {int},
            found_at_ms {int} NOT NULL,
            delivered_at_ms {int},
            delivery_transaction {blob},
            UNIQUE (route, source_transaction)
        )",
            "CREATE INDEX deliveries_due ON deliveries (route, stage, not_before_ms)",
            "CREATE TABLE orders (
            delivery_id {int} NOT NULL REFERENCES deliveries (id),
            position {int} NOT NULL,
            order_id {blob} NOT NULL,
            outcome TEXT,
            result {int},
            reason {blob},
            to_chain {int},
            PRIMARY KEY (delivery_id, position)
        )",
            "CREATE INDEX orders_by_order_id ON orders (order_id)",
        ],
    },
    Migration {
        version: 2,
        description: "accounts: each sender's next nonce on each chain",
        statements: &["CREATE TABLE accounts (
            chain_id {int} NOT NULL,
            address {blob} NOT NULL,
            next_nonce {int} NOT NULL,
            PRIMARY KEY (chain_id, address)
        )"],
    },
];

/// The table of applied migrations, created before any migration runs.
pub(super) const MIGRATIONS_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version {int} PRIMARY KEY,
    description TEXT NOT NULL,
    applied_at_ms {int} NOT NULL
)";

/// `statement` with the placeholders replaced by a backend's types: `(id, int, blob)`.
pub(super) fn render(statement: &str, (id, int, blob): (&str, &str, &str)) -> String {
    statement.replace("{id}", id).replace("{int}", int).replace("{blob}", blob)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_rise_by_one_from_one() {
        for (index, migration) in MIGRATIONS.iter().enumerate() {
            assert_eq!(migration.version, index as i64 + 1, "{}", migration.description);
        }
    }

    #[test]
    fn every_placeholder_is_replaced() {
        let types = ("ID", "INT", "BLOB");
        for statement in MIGRATIONS.iter().flat_map(|m| m.statements).chain([&MIGRATIONS_TABLE]) {
            assert!(!render(statement, types).contains('{'), "{statement}");
        }
    }
}
