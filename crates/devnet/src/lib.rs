//! An in-process Arbitrum-style dev chain that runs the real Stylus wasm.
//!
//! Programs are deployed the Stylus way (a CREATE whose init code returns `EF F0 00` framed,
//! brotli-compressed wasm) and run only after `ArbWasm.activateProgram` validates and instruments
//! them with Nitro's rules ([`stylus_wasm`]). EVM code runs on revm (Osaka), and Stylus programs run
//! as frames inside revm's frame loop ([`exec`]), so both VMs share revm's journal; gas follows
//! revm for EVM code and Nitro's ink metering for programs. ArbOS's precompiles and state are in
//! [`arbos`]. Blocks have real
//! transactions and receipts tries, so receipt proofs built against the devnet verify with
//! [`light_client_iface`]. [`Chain`] is the in-process API; [`rpc::RpcServer`] serves it over
//! Ethereum JSON-RPC.
//!
//! `docs/devnet.md` lists how close this is to Nitro and every deliberate difference.

pub mod arbos;
pub mod block;
mod chain;
pub mod config;
pub mod dev_accounts;
pub mod exec;
pub mod ibft;
pub mod persist;
pub mod predeploys;
pub mod rpc;
pub mod state;
pub mod stylus;
pub mod tx;

pub use chain::{BlockId, Chain, ChainError, IndexedLog, LogFilter};
pub use config::{ChainConfig, DevAccounts};
