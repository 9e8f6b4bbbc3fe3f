//! What a MOS light client and its callers agree on, byte for byte.
//!
//! - [`interfaces`]: `ILightNode` and `ILightClientManager`, the calls the MOS makes, and the
//!   committee light node's and the manager's own interfaces.
//! - [`attestation`]: what a committee signs (EIP-712) for a block hash or a new committee.
//! - [`LogList`] / [`LogView`]: the RLP log list `verifyProofData` returns, read in place.
//! - [`Receipt`] / [`ReceiptView`]: receipts as they sit in a receipts trie (legacy and EIP-2718).
//! - [`Header`]: block headers through Prague; the block hash is keccak of their RLP.
//! - [`verify_proof`]: Merkle-Patricia proof verification.
//! - [`ReceiptProof`]: the receipt-proof format a light node verifies (see [`proof`] for the layout)
//!   and [`ReceiptProofView::verify`], which checks it up to the block hash.
//!
//! `no_std` with `alloc`: the same code runs in the Stylus programs and in the off-chain tools.

#![no_std]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

extern crate alloc;

pub mod attestation;
mod error;
mod header;
pub mod interfaces;
mod log;
mod mpt;
pub mod proof;
mod receipt;
mod rlp;

pub use error::{push_decimal, MptError, ProofError, RlpError};
pub use header::Header;
pub use log::{encode_log_list, LogIter, LogList, LogView};
pub use mpt::{index_key, verify_proof, EMPTY_ROOT};
pub use proof::{ProvenReceipt, ReceiptProof, ReceiptProofView};
pub use receipt::{Receipt, ReceiptView};
