//! The MOS messenger: the off-chain relayer that carries messages between chains, and the
//! deployment of the MOS suite it serves.
//!
//! - [`deployment`]: the deployment description (chains, RPC URLs, MOS and light-client
//!   addresses), JSON, written by `mos deploy` and read by the messenger.
//! - [`deploy`]: the whole suite deployed over JSON-RPC with signed transactions, on the relay
//!   chain and on each chain, configured and registered with each other.
//! - [`messenger`]: the relay loop. For each route (each chain to the relay, the relay to each
//!   chain) it follows the source MOS's `mapMessageOut` logs, proves each transaction's receipt
//!   with `mos-prover`, has the source block attested where it holds committee keys, submits
//!   `transferIn` to the destination's MOS and waits for it; what it has done is persisted
//!   ([`state`]) after every step, so that it can be killed at any point and restarted without
//!   losing or repeating a delivery.
//! - [`node`]: a chain's JSON-RPC node and an account that signs and sends through it.
//! - [`dapp`]: the Echo dApps (Stylus and Solidity) and the Solidity contracts solc compiled.
//! - `local` (feature `local`): three devnet chains in this process with everything deployed, and
//!   an Echo dApp ([`dapp::Dapp`]: the Stylus or the Solidity Echo), the programs built from source for
//!   them, and a messenger tuned for them: what `mos demo` and the end-to-end tests run.
//!
//! `docs/messenger.md` describes how to run it.

#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod dapp;
pub mod deploy;
pub mod deployment;
pub mod file;
#[cfg(feature = "local")]
pub mod local;
pub mod messenger;
pub mod node;
pub mod state;

pub use deployment::{ChainEntry, Committee, Deployment, Role};
pub use messenger::{Config, Event, Messenger, MessengerError, Outcome, RouteId};
pub use node::{ChainError, Node, Sender};
