//! Typed errors of the decoders and the proof verifier.

use alloy_primitives::B256;

/// Bytes that are not the RLP structure a format expects.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RlpError {
    /// Not canonical RLP, truncated, or a list where a string belongs (or the reverse).
    #[error("{what}: {source}")]
    Malformed {
        /// The item being read.
        what: &'static str,
        /// What alloy-rlp found wrong.
        source: alloy_rlp::Error,
    },
    /// A fixed-size string (address, hash, topic, bloom) of the wrong size.
    #[error("{what}: expected {expected} bytes, found {found}")]
    WrongLength {
        /// The item being read.
        what: &'static str,
        /// The size the format requires.
        expected: usize,
        /// The size found.
        found: usize,
    },
    /// A list with the wrong number of items.
    #[error("{what}: expected {expected} items, found {found}")]
    WrongItemCount {
        /// The list being read.
        what: &'static str,
        /// How many the format requires (the least, where more are optional).
        expected: usize,
        /// How many were found.
        found: usize,
    },
    /// Bytes left after the item ends.
    #[error("{what}: {extra} bytes after the end")]
    TrailingBytes {
        /// The item being read.
        what: &'static str,
        /// How many.
        extra: usize,
    },
    /// A receipt status that is neither 0 nor 1 (pre-Byzantium state roots are not accepted).
    #[error("receipt status: expected 0 or 1, found {0}")]
    BadStatus(u64),
    /// A receipt's EIP-2718 type byte outside 0x01..=0x7f.
    #[error("receipt type byte {0:#04x} is not an EIP-2718 type")]
    BadReceiptType(u8),
    /// A log index past the end of the list.
    #[error("log index {index} out of range: the receipt has {len} logs")]
    LogIndexOutOfRange {
        /// The index asked for.
        index: usize,
        /// How many logs there are.
        len: usize,
    },
}

/// Why a Merkle-Patricia proof does not prove a value for a key under a root.
///
/// `depth` is the position in the path (0 = the root node), counting inline nodes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MptError {
    /// The proof ends before the path does.
    #[error("proof ends at depth {depth}: node {hash} is missing")]
    MissingNode {
        /// Where the path stopped.
        depth: usize,
        /// The hash the next node must have.
        hash: B256,
    },
    /// A node's keccak is not the hash its parent (or the root) commits to.
    #[error("node at depth {depth} does not hash to {expected}")]
    WrongHash {
        /// Where.
        depth: usize,
        /// The hash the parent commits to.
        expected: B256,
    },
    /// A node that is not a trie node: not a list of 2 or 17 items, a bad path prefix, a bad child
    /// reference.
    #[error("bad trie node at depth {depth}: {reason}")]
    BadNode {
        /// Where.
        depth: usize,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A leaf or extension whose path leaves the key: the key is not in the trie.
    #[error("key mismatch at depth {depth}: the trie's path leaves the key")]
    KeyMismatch {
        /// Where.
        depth: usize,
    },
    /// The path ends at an empty slot: the key is not in the trie.
    #[error("key absent: the path ends at an empty slot at depth {depth}")]
    Absent {
        /// Where.
        depth: usize,
    },
    /// Nodes left after the value was reached.
    #[error("{0} proof nodes left after the value was reached")]
    UnusedNodes(usize),
}

/// Why a receipt proof does not prove a receipt.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProofError {
    /// The proof bytes, the header or the receipt are not well-formed.
    #[error("malformed: {0}")]
    Rlp(#[from] RlpError),
    /// The receipt is not in the header's receipts trie.
    #[error("invalid receipt proof: {0}")]
    Mpt(#[from] MptError),
}

impl MptError {
    /// What went wrong, as `<what> at depth <n>` (and the bad node's reason), written without
    /// `core::fmt`, which would cost a Stylus program kilobytes: what a light node reports.
    pub fn message(&self) -> alloc::vec::Vec<u8> {
        let (what, depth, detail) = match *self {
            Self::MissingNode { depth, .. } => ("missing node", Some(depth), ""),
            Self::WrongHash { depth, .. } => ("wrong node hash", Some(depth), ""),
            Self::BadNode { depth, reason } => ("bad node", Some(depth), reason),
            Self::KeyMismatch { depth } => ("key mismatch", Some(depth), ""),
            Self::Absent { depth } => ("key absent", Some(depth), ""),
            Self::UnusedNodes(_) => ("nodes after the receipt", None, ""),
        };
        let mut message = what.as_bytes().to_vec();
        if let Some(depth) = depth {
            message.extend_from_slice(b" at depth ");
            push_decimal(&mut message, depth);
        }
        if !detail.is_empty() {
            message.extend_from_slice(b" (");
            message.extend_from_slice(detail.as_bytes());
            message.push(b')');
        }
        message
    }
}

/// Appends `n` in decimal, without `core::fmt`.
pub fn push_decimal(out: &mut alloc::vec::Vec<u8>, n: usize) {
    if n >= 10 {
        push_decimal(out, n / 10);
    }
    out.push(b'0' + (n % 10) as u8);
}
