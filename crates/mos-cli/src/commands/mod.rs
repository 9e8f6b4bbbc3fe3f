//! One module per `mos` command.

pub mod abi;
pub mod attest;
pub mod decode_logs;
pub mod demo;
pub mod deploy;
pub mod devnet;
pub mod explorer;
pub mod message;
pub mod messenger;
pub mod order_id;
pub mod prove;
pub mod retry;
pub mod send;
pub mod status;
