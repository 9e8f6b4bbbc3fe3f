//! What can stop a proof from being built.

use alloy_primitives::B256;

/// Why a proof could not be built.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ProveError {
    /// The receipt asked for is not in the block.
    #[error("the block has {count} receipts: there is no receipt {index}")]
    NoSuchReceipt {
        /// The index asked for.
        index: u64,
        /// How many receipts the block has.
        count: usize,
    },
    /// The receipts do not rebuild the header's receipts root: they are not this block's receipts
    /// (or the source encodes them differently), and a proof built from them could not verify.
    #[error("the receipts rebuild the receipts root {rebuilt}, but the header commits to {expected}")]
    ReceiptsRootMismatch {
        /// `receiptsRoot` of the header.
        expected: B256,
        /// The root of the trie of the receipts given.
        rebuilt: B256,
    },
}
