//! The MOS messenger: the off-chain relayer that carries messages between chains, and the
//! deployment of the MOS suite it serves.
//!
//! The messenger, as the parts a relayer is made of:
//! - [`messenger`]: the rounds. Every route served at once: scanned, its deliveries claimed,
//!   confirmed, proven, attested and submitted.
//! - [`store`]: where every step is recorded, one database transaction each (SQLite by default,
//!   PostgreSQL for several instances sharing the work, with leases), so that a messenger killed at
//!   any point and restarted loses nothing and sends nothing twice.
//! - [`route`]: the routes of a deployment (each chain to the relay, the relay to each chain) and
//!   the chains' endpoints; [`scan`]: a MOS's `mapMessageOut` logs read into source transactions;
//!   [`attest`]: a source block attested to the destination's light node; [`deliver`]: one
//!   delivery's steps at the destination.
//! - [`transactions`]: the transaction manager of the messenger's account on each chain: its own
//!   nonces, several transactions in flight, a stuck one replaced with higher fees, a lost one
//!   broadcast again.
//! - [`metrics`]: the Prometheus metrics, served with `/healthz` by [`http`].
//! - [`explorer`]: each message's journey across the chains and why one waits, as pages and a JSON
//!   API, served by [`http`] too.
//! - [`config`]: how it runs, and [`config_file`]: its TOML file; [`events`]: what it reports as it
//!   goes.
//!
//! The deployment it serves:
//! - [`deployment`]: the deployment description (chains, RPC URLs, MOS and light-client
//!   addresses), JSON, written by `mos deploy` and read by the messenger.
//! - [`deploy`]: the whole suite deployed over JSON-RPC with signed transactions, on the relay
//!   chain and on each chain, configured and registered with each other.
//! - [`dapp`]: the Echo dApps (Stylus and Solidity) and the Solidity contracts solc compiled.
//! - `local` (feature `local`): three devnet chains in this process with everything deployed, and
//!   an Echo dApp ([`dapp::Dapp`]: the Stylus or the Solidity Echo), the programs built from source for
//!   them, and a messenger tuned for them: what `mos demo` and the end-to-end tests run.
//!
//! Chains are reached through `mos-rpc`, the JSON-RPC client the `mos` command uses too.
//! `docs/messenger.md` describes how to run it.

#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod attest;
pub mod config;
pub mod config_file;
pub mod dapp;
pub mod deliver;
pub mod deploy;
pub mod deployment;
pub mod epochs;
pub mod events;
pub mod explorer;
pub mod file;
pub mod http;
#[cfg(feature = "local")]
pub mod local;
pub mod messenger;
pub mod metrics;
pub mod route;
pub mod scan;
pub mod store;
pub mod transactions;

pub use config::Config;
pub use deployment::{ChainEntry, Committee, Deployment, LightNodeKind, Role};
pub use events::Event;
pub use messenger::{Messenger, MessengerError};
pub use mos_rpc::{Chain, ChainError, ChainExt, Node, Sender};
pub use route::RouteId;
pub use store::Outcome;
