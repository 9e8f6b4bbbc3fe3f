//! One module per `mos` command.

pub mod abi;
pub mod decode_logs;
pub mod devnet;
pub mod message;
pub mod order_id;
