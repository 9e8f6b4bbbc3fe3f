//! The MOS V3 message formats, shared byte for byte by the Stylus programs and the off-chain tools.
//!
//! - [`interfaces`]: the `sol!` definitions of `IMOSV3`, the relay's extra functions, `IMapoExecutor`,
//!   `IFeeService`, the admin and upgrade functions (`IMOSAdmin`), the additions beyond MOS V3
//!   (`IMOSExtensions`) and the ERC-20 calls the MOS makes; selectors and topics come from here.
//! - [`MessageData`]: what a dApp sends, in either encoding the interface accepts.
//! - [`order_id`]: the identity of an outgoing message.
//! - [`MessageOut`]: a decoded `mapMessageOut` log.
//! - [`abi`]: the strict reader and the writer of canonical ABI tuples these formats use, which the
//!   Stylus programs use for their calldata, results, events and calls too.
//!
//! Decoders take untrusted bytes and never panic: every malformed input is a [`DecodeError`] or a
//! [`MessageOutError`]. `no_std` with `alloc`.

#![no_std]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

extern crate alloc;

pub mod abi;
mod error;
pub mod interfaces;
mod message_data;
mod message_out;
mod order_id;
mod types;

pub use error::DecodeError;
pub use message_data::{Encoding, MessageData};
pub use message_out::{MessageOut, MessageOutError};
pub use order_id::order_id;
pub use types::{ChainType, MessageType, UnknownEnumValue};
