//! The off-chain side of the MOS light clients: builds the receipt proofs a light node verifies
//! (`light_client_iface::proof` documents the format) and the committee attestations a committee
//! light node stores (`light_client_iface::attestation`).
//!
//! - [`receipt_proof`], [`receipt_proofs`]: from a block's header and all its receipts, the proof of one
//!   receipt, or of several from one build of the trie ([`trie_paths`]: the nodes alone, for any
//!   header format).
//! - [`rpc`]: the same from a JSON-RPC node ([`rpc::prove_transaction`], [`rpc::prove_log`]),
//!   refusing a header or receipts that do not hash to what the node claims; and the attestation of
//!   a block for a light node, and its submission ([`rpc::header_to_attest`], [`rpc::submit_header`]).
//! - [`rpc::sealed`]: for a MAP light node, a MAP-style relay chain's sealed Atlas headers with their
//!   signers' summed G2 key, its epochs' validators and epoch updates; with
//!   [`rpc::prove_sealed_transactions_in_block`], the proofs such a node verifies.
//! - [`attest`]: committee members' signatures over a header attestation or a committee rotation,
//!   and the calldata of `updateBlockHeader` / `updateLightClient`.

#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod attest;
mod error;
mod receipts;
pub mod rpc;

pub use error::ProveError;
pub use receipts::{receipt_proof, receipt_proofs, trie_paths};
