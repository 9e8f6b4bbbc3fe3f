//! What the messenger has seen and done, persisted after every step (atomically: see
//! [`crate::file`]) so that a messenger killed at any point and restarted loses nothing and
//! delivers nothing twice.
//!
//! Per route (`"<from chain id>-><to chain id>"`):
//! - `nextBlock`: the first source block not read yet. Logs up to it have been turned into
//!   pending deliveries in the same write that moved it.
//! - `pending`: source transactions whose messages are not delivered yet. One whose transaction was
//!   signed keeps it (`submitted`: hash and signed bytes) from before it is broadcast, so that a
//!   restart finds it mined, or broadcasts the same bytes again, rather than sending another.
//! - `failed`: deliveries the destination refused for good (its simulation reverts), with the
//!   reason; they stay until someone asks for them to be tried again.
//! - `delivered`: how many source transactions were delivered.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use alloy_primitives::{Bytes, B256};
use serde::{Deserialize, Serialize};

use crate::file::{self, FileError};

/// The state file's format version.
pub const VERSION: u32 = 1;

/// Everything the messenger persists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct State {
    /// [`VERSION`].
    pub version: u32,
    /// Per route, keyed `"<from>-><to>"` (chain ids).
    pub routes: BTreeMap<String, RouteState>,
}

/// One route's progress.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteState {
    /// The first source block not read yet.
    pub next_block: u64,
    /// Source transactions whose messages are still to be delivered, in the order they were found.
    pub pending: Vec<PendingDelivery>,
    /// Deliveries refused for good.
    pub failed: Vec<FailedDelivery>,
    /// How many source transactions were delivered (or found already delivered).
    pub delivered: u64,
}

/// A source transaction whose messages are to be delivered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingDelivery {
    /// The source transaction.
    pub source_transaction: B256,
    /// Its block.
    pub source_block: u64,
    /// The orders it carries for the destination, in log order.
    pub orders: Vec<B256>,
    /// Failed attempts so far (transient failures), for the backoff.
    pub attempts: u32,
    /// Not before this time (milliseconds since the Unix epoch).
    pub not_before_ms: u64,
    /// Why the last attempt did not deliver.
    pub last_error: Option<String>,
    /// The delivery transaction, once signed.
    pub submitted: Option<Submitted>,
}

impl PendingDelivery {
    /// A delivery of `orders` from `source_transaction`, due now.
    pub fn new(source_transaction: B256, source_block: u64, orders: Vec<B256>) -> Self {
        Self {
            source_transaction,
            source_block,
            orders,
            attempts: 0,
            not_before_ms: 0,
            last_error: None,
            submitted: None,
        }
    }
}

/// A delivery transaction, recorded before it is broadcast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Submitted {
    /// Its hash.
    pub transaction: B256,
    /// Its signed bytes, to broadcast again if the node lost it.
    pub raw: Bytes,
    /// Its nonce: once the account's mined nonce passes it without this transaction mined,
    /// another transaction took its place and it never will be.
    pub nonce: u64,
}

/// A delivery the destination refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FailedDelivery {
    /// The source transaction.
    pub source_transaction: B256,
    /// Its block.
    pub source_block: u64,
    /// The orders it carries for the destination.
    pub orders: Vec<B256>,
    /// Why: the destination's revert reason.
    pub reason: String,
    /// When it was refused (milliseconds since the Unix epoch).
    pub at_ms: u64,
}

/// The state and the file it lives in.
#[derive(Debug)]
pub struct StateFile {
    path: PathBuf,
    state: State,
}

impl StateFile {
    /// The state in `path`, or an empty state if the file does not exist yet.
    ///
    /// # Errors
    /// [`FileError`] when the file exists and cannot be read or parsed, or has another version.
    pub fn open(path: &Path) -> Result<Self, FileError> {
        let state = if path.exists() {
            let state: State = file::read_json(path)?;
            if state.version != VERSION {
                return Err(FileError::Io {
                    path: path.into(),
                    source: std::io::Error::other(format!(
                        "state format version {} (this messenger reads version {VERSION})",
                        state.version
                    )),
                });
            }
            state
        } else {
            State { version: VERSION, routes: BTreeMap::new() }
        };
        Ok(Self { path: path.into(), state })
    }

    /// The state.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Route `key`'s state, created at `start_block` if new.
    pub fn route(&mut self, key: &str, start_block: u64) -> &mut RouteState {
        self.state
            .routes
            .entry(key.to_owned())
            .or_insert_with(|| RouteState { next_block: start_block, ..Default::default() })
    }

    /// Writes the state to its file, atomically.
    ///
    /// # Errors
    /// [`FileError::Io`] when it cannot be written.
    pub fn save(&self) -> Result<(), FileError> {
        file::write_json(&self.path, &self.state)
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| u64::try_from(since.as_millis()).unwrap_or(u64::MAX))
}

/// `now_ms() + delay`.
pub fn after_ms(delay: Duration) -> u64 {
    now_ms().saturating_add(u64::try_from(delay.as_millis()).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(name: &str) -> PathBuf {
        std::env::temp_dir().join(format!("mos-state-{name}-{}.json", std::process::id()))
    }

    #[test]
    fn a_missing_file_is_an_empty_state_and_a_saved_one_reads_back() {
        let path = path("round-trip");
        let _ = std::fs::remove_file(&path);
        let mut file = StateFile::open(&path).unwrap();
        assert!(file.state().routes.is_empty());
        let route = file.route("1->2", 40);
        assert_eq!(route.next_block, 40);
        let mut pending = PendingDelivery::new(B256::repeat_byte(1), 41, vec![B256::repeat_byte(2)]);
        pending.submitted =
            Some(Submitted { transaction: B256::repeat_byte(3), raw: Bytes::from_static(&[1, 2]), nonce: 4 });
        route.pending.push(pending);
        file.save().unwrap();
        let reopened = StateFile::open(&path).unwrap();
        assert_eq!(reopened.state(), file.state());
        assert_eq!(reopened.state().routes["1->2"].pending[0].submitted.as_ref().unwrap().raw.as_ref(), [1, 2]);
        assert!(!path.with_file_name(format!("{}.tmp", path.file_name().unwrap().to_string_lossy())).exists());
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn an_existing_route_keeps_its_cursor() {
        let path = path("cursor");
        let _ = std::fs::remove_file(&path);
        let mut file = StateFile::open(&path).unwrap();
        file.route("1->2", 40).next_block = 90;
        assert_eq!(file.route("1->2", 40).next_block, 90);
    }

    #[test]
    fn another_version_or_bad_json_is_refused() {
        let path = path("version");
        std::fs::write(&path, r#"{"version": 2, "routes": {}}"#).unwrap();
        let error = StateFile::open(&path).unwrap_err().to_string();
        assert!(error.ends_with("state format version 2 (this messenger reads version 1)"), "{error}");
        std::fs::write(&path, "{").unwrap();
        assert!(StateFile::open(&path).is_err());
        std::fs::remove_file(path).unwrap();
    }
}
