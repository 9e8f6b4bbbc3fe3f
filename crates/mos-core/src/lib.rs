//! What every MOS program shares, so that it is written once: the one storage layout
//! ([`layout`]), the host operations the MOS needs ([`Mos`]), the common interface (admin,
//! upgrades, pause, configuration, getters: [`admin`]), the execution of incoming messages and
//! their retry ([`deliver`]), revert data with the interface's strings ([`revert`]), and the
//! dispatch of calldata to functions ([`dispatch`]).
//!
//! A program's entrypoint hands its calldata to [`dispatch`] with its function tables: its own
//! role's, the source role's (`mos-source`), then [`admin::FUNCTIONS`]. Functions are
//! `fn(&Mos, &[u8]) -> MosResult<Vec<u8>>` taking the arguments after the selector and returning
//! the ABI-encoded result. Selectors and event topics come from the `sol!` interfaces of
//! `mos-message`, the one definition; arguments, results, events and calls are read and written
//! with its ABI codec ([`Args`], `mos_message::abi::TupleWriter`), one small codec where alloy's
//! would generate one per signature.

#![no_std]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

extern crate alloc;

pub mod admin;
pub mod deliver;
mod host;
pub mod layout;
pub mod revert;

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolCall;
use mos_message::abi::{TupleReader, TupleWriter};
use mos_message::interfaces::IMOSV3;

pub use host::Mos;

/// A function's result: ABI-encoded return data, or revert data.
pub type MosResult<T> = Result<T, Vec<u8>>;

/// A function of the interface: takes the arguments after the selector.
pub type Handler = fn(&Mos, &[u8]) -> MosResult<Vec<u8>>;

/// A call's arguments, read with `mos-message`'s strict ABI reader. Every malformed argument
/// reverts with empty data, as Solidity does; bytes after the arguments are ignored, as Solidity
/// ignores them.
pub struct Args<'a>(TupleReader<'a>);

impl<'a> Args<'a> {
    /// The `count` arguments after the selector.
    ///
    /// # Errors
    /// Empty revert data when `args` is shorter than `count` words.
    pub fn new(args: &'a [u8], count: usize) -> MosResult<Self> {
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
    pub fn address(&self, index: usize) -> MosResult<Address> {
        self.0.address(index, "address").map_err(|_| Vec::new())
    }

    /// Argument `index`, a `bool`.
    ///
    /// # Errors
    /// Empty revert data when the word is neither 0 nor 1.
    pub fn bool(&self, index: usize) -> MosResult<bool> {
        self.0.bool(index, "bool").map_err(|_| Vec::new())
    }

    /// Argument `index`, `bytes` or `string`; dynamic arguments are read in order.
    ///
    /// # Errors
    /// Empty revert data when the tail is not where the canonical encoding puts it, or truncated.
    pub fn bytes(&mut self, index: usize) -> MosResult<&'a [u8]> {
        self.0.bytes(index, "bytes").map_err(|_| Vec::new())
    }
}

/// Return data of a function returning one static word.
pub fn returns(word: B256) -> Vec<u8> {
    word.to_vec()
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

/// A role's functions, by selector: a table rather than a `match`, which keeps the router a small
/// loop over data instead of a comparison tree in code.
pub type Functions = &'static [([u8; 4], Handler)];

/// Routes calldata to the function with its selector in the first of `tables` that has one.
///
/// Empty calldata is `receive()` (native value for `emergencyWithdraw` to return). Only
/// `transferOut` is payable: any other function called with value reverts, as a non-payable
/// Solidity function does. An unknown selector reverts with empty data (there is no fallback).
///
/// # Errors
/// The function's revert data; empty revert data for an unknown selector, calldata shorter than a
/// selector, or value sent to a non-payable function.
pub fn dispatch(mos: &Mos, input: &[u8], tables: &[Functions]) -> MosResult<Vec<u8>> {
    if input.is_empty() {
        return Ok(Vec::new());
    }
    let (selector, args) = input.split_first_chunk::<4>().ok_or_else(Vec::new)?;
    let handler = find(tables, *selector).ok_or_else(Vec::new)?;
    if *selector != IMOSV3::transferOutCall::SELECTOR && !mos.value().is_zero() {
        return Err(Vec::new());
    }
    handler(mos, args)
}

/// The function with `selector` in the first of `tables` that has one.
pub fn find(tables: &[Functions], selector: [u8; 4]) -> Option<Handler> {
    tables.iter().flat_map(|table| table.iter()).find(|(key, _)| *key == selector).map(|(_, handler)| *handler)
}
