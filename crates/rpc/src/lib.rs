//! The JSON-RPC client of the MOS tools, shared by the messenger and the `mos` command: what the
//! tools need of a chain ([`Chain`]), a chain's JSON-RPC node that provides it ([`Node`]), and an
//! account that signs and sends transactions through a chain ([`Sender`]).
//!
//! A [`Sender`] signs each transaction itself, so that the caller holds the signed bytes and the
//! hash before anything is broadcast: the messenger records them first, and a messenger restarted
//! after a crash can look the transaction up, or broadcast the very same bytes again, instead of
//! sending a second one.

mod chain;
mod error;
mod node;
mod observe;
mod sender;
mod timeout;

pub use chain::{Chain, ChainExt};
pub use error::{endpoint, revert_reason, ChainError, Refusal, UrlError};
pub use node::Node;
pub use observe::{RpcObserver, RpcOutcome};
pub use sender::{decode_signed, Fees, Sender, SignedTransaction, Unsigned};
