//! An in-process Arbitrum-style dev chain that runs the real Stylus wasm.
//!
//! Programs are deployed the Stylus way (a CREATE whose init code returns `EF F0 00` framed,
//! brotli-compressed wasm) and run only after `ArbWasm.activateProgram` validates and instruments
//! them with Nitro's rules ([`stylus_wasm`]). Calls between programs, EVM contracts and precompiles
//! are journaled per frame; gas follows Nitro's ink metering and the EVM's costs. Blocks have real
//! transactions and receipts tries, so receipt proofs built against the devnet verify with
//! [`light_client_iface`]. [`Chain`] is the in-process API; [`rpc::RpcServer`] serves it over
//! Ethereum JSON-RPC.
//!
//! `docs/devnet.md` lists how close this is to Nitro and every deliberate difference.

pub mod block;
mod chain;
pub mod config;
pub mod dev_accounts;
pub mod exec;
pub mod persist;
pub mod rpc;
pub mod state;
pub mod stylus;
pub mod tx;

pub use chain::{BlockId, Chain, ChainError, IndexedLog, LogFilter};
pub use config::ChainConfig;
