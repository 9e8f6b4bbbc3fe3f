//! A function's arguments and results, with `mos-message`'s strict ABI codec.

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use mos_message::abi::{TupleReader, TupleWriter};

use crate::ProgramResult;

/// A call's arguments, read with `mos-message`'s strict ABI reader. Every malformed argument
/// reverts with empty data, as Solidity's ABI decoder does; bytes after the arguments are ignored,
/// as Solidity ignores them.
pub struct Args<'a>(TupleReader<'a>);

impl<'a> Args<'a> {
    /// The `count` arguments after the selector.
    ///
    /// # Errors
    /// Empty revert data when `args` is shorter than `count` words.
    pub fn new(args: &'a [u8], count: usize) -> ProgramResult<Self> {
        TupleReader::new(args, 0, count).map(Self).map_err(|_| Vec::new())
    }

    /// Argument `index`, a `uint256`.
    pub fn uint(&self, index: usize) -> U256 {
        self.0.uint(index)
    }

    /// Argument `index`, a `bytes32`.
    pub fn bytes32(&self, index: usize) -> B256 {
        self.0.bytes32(index)
    }

    /// Argument `index`, an `address`.
    ///
    /// # Errors
    /// Empty revert data when the word is not an address.
    pub fn address(&self, index: usize) -> ProgramResult<Address> {
        self.0.address(index, "address").map_err(|_| Vec::new())
    }

    /// Argument `index`, a `bool`.
    ///
    /// # Errors
    /// Empty revert data when the word is neither 0 nor 1.
    pub fn bool(&self, index: usize) -> ProgramResult<bool> {
        self.0.bool(index, "bool").map_err(|_| Vec::new())
    }

    /// Argument `index`, `bytes` or `string`; dynamic arguments are read in order.
    ///
    /// # Errors
    /// Empty revert data when the tail is not where the canonical encoding puts it, or truncated.
    pub fn bytes(&mut self, index: usize) -> ProgramResult<&'a [u8]> {
        self.0.bytes(index, "bytes").map_err(|_| Vec::new())
    }
}

/// Return data of a function returning one static word (`bytes32`, or a `uint256` as a word).
pub fn returns(word: impl Into<B256>) -> Vec<u8> {
    word.into().to_vec()
}

/// Return data of a function returning a `bool`.
pub fn returns_bool(value: bool) -> Vec<u8> {
    TupleWriter::new(1).bool(value).finish()
}

/// Return data of a function returning a `uint256`.
pub fn returns_uint(value: U256) -> Vec<u8> {
    TupleWriter::new(1).uint(value).finish()
}

/// Return data of a function returning an `address`.
pub fn returns_address(address: Address) -> Vec<u8> {
    TupleWriter::new(1).address(address).finish()
}
