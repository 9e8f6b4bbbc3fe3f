//! The one error type of the ABI decoders in this crate.

use alloy_primitives::U256;

/// Why bytes are not a canonical ABI encoding of the expected MOS value.
///
/// `field` names the member being read (`target`, `payload`, `fromAddress`, ...), so a person can
/// see which part of a message is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The input ends before a word or a byte string it must contain.
    #[error("truncated at {field}: {needed} bytes needed, {available} present")]
    Truncated {
        /// The member being read.
        field: &'static str,
        /// Bytes the encoding needs up to the end of that member.
        needed: usize,
        /// Bytes present.
        available: usize,
    },
    /// A dynamic member's offset is not where the canonical encoding places its tail.
    #[error("bad offset for {field}: found {found}, the canonical encoding has {expected}")]
    BadOffset {
        /// The member being read.
        field: &'static str,
        /// The offset `abi.encode` writes.
        expected: usize,
        /// The offset in the input.
        found: U256,
    },
    /// A byte string's length runs past the end of the input.
    #[error("bad length for {field}: {length} bytes declared, {available} present")]
    BadLength {
        /// The member being read.
        field: &'static str,
        /// The declared length.
        length: U256,
        /// Bytes present after the length word.
        available: usize,
    },
    /// The zero padding after a byte string holds non-zero bytes.
    #[error("non-zero padding after {field}")]
    DirtyPadding {
        /// The member being read.
        field: &'static str,
    },
    /// Bytes follow the end of the encoding.
    #[error("{extra} trailing bytes after the encoding")]
    TrailingBytes {
        /// How many.
        extra: usize,
    },
    /// A `bool` word is neither 0 nor 1.
    #[error("{field} is not a bool: {value:#x}")]
    InvalidBool {
        /// The member being read.
        field: &'static str,
        /// The word found.
        value: U256,
    },
    /// An `address` word with non-zero upper bytes.
    #[error("{field} is not an address: {value:#x}")]
    InvalidAddress {
        /// The member being read.
        field: &'static str,
        /// The word found.
        value: U256,
    },
    /// `msgType` is not a `MessageType` (0 CALLDATA, 1 MESSAGE).
    #[error("msgType {0} is not a MessageType (0 CALLDATA, 1 MESSAGE)")]
    InvalidMessageType(U256),
    /// The first word of a `MessageData` is neither the struct head offset (0x20) nor a flattened
    /// tuple's `relay` flag (0 or 1).
    #[error("first word {0:#x} starts neither encoding of MessageData (0x20: struct, 0 or 1: flattened tuple)")]
    UnknownEncoding(U256),
}
