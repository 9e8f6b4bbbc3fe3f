//! The MOS V3 message formats, shared byte for byte by the Stylus programs and the off-chain tools.
//!
//! - [`interfaces`]: the `sol!` definitions of `IMOSV3`, the relay's extra functions, `IMapoExecutor`
//!   and `IFeeService`; selectors and topics come from here.
//! - [`MessageData`]: what a dApp sends, in either encoding the interface accepts.
//! - [`order_id`]: the identity of an outgoing message.
//! - [`MessageOut`]: a decoded `mapMessageOut` log.
//!
//! Decoders take untrusted bytes and never panic: every malformed input is a [`DecodeError`] or a
//! [`MessageOutError`]. `no_std` with `alloc`.

#![no_std]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

extern crate alloc;

mod abi;
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
