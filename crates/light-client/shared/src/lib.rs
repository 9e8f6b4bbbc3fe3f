//! What the light-client programs (`mos-light-node`, `mos-light-client-manager`) share: dispatch by
//! selector ([`route`]), reverts with Solidity's `Error(string)` ([`revert`], [`require`]), their
//! ABI arguments ([`args`], [`address_arg`], [`bytes_arg`]) and Solidity's mapping slots
//! ([`mapping_slot`]).
//!
//! A program declares `stylus_host::entrypoint!(route)` with
//! `fn route(input: &[u8]) -> Result<Vec<u8>, Vec<u8>> { mos_light_client_shared::route(input, FUNCTIONS) }`.
//! Malformed arguments revert without data, as Solidity's ABI decoder does.

#![no_std]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

extern crate alloc;

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::{Revert, SolError};
use mos_message::abi::{TupleReader, TupleWriter};
use stylus_host as host;

/// A function: its arguments (after the selector) in; return data, or revert data, out.
pub type Handler = fn(&[u8]) -> Result<Vec<u8>, Vec<u8>>;

/// A program's functions, by selector: a table rather than a `match`, which keeps the router a
/// small loop over data.
pub type Functions = &'static [([u8; 4], Handler)];

/// Dispatches calldata to the function of `functions` with its selector. No function is payable.
///
/// # Errors
/// The function's revert data; empty for an unknown selector, calldata shorter than a selector,
/// or a call with value.
pub fn route(input: &[u8], functions: Functions) -> Result<Vec<u8>, Vec<u8>> {
    let (selector, args) = input.split_first_chunk::<4>().ok_or_else(Vec::new)?;
    let (_, handler) = functions.iter().find(|(key, _)| key == selector).ok_or_else(Vec::new)?;
    if !host::msg_value().is_zero() {
        return Err(Vec::new());
    }
    handler(args)
}

/// `Error(reason)` as revert data, as `require(false, reason)` reverts.
pub fn revert(reason: &str) -> Vec<u8> {
    TupleWriter::call(Revert::SELECTOR, 1).bytes(reason.as_bytes()).finish()
}

/// `Err(Error(reason))` unless `condition`.
///
/// # Errors
/// `Error(reason)` when `condition` is false.
pub fn require(condition: bool, reason: &str) -> Result<(), Vec<u8>> {
    if condition {
        Ok(())
    } else {
        Err(revert(reason))
    }
}

/// The `count` head words of a function's arguments.
///
/// # Errors
/// Empty revert data when the arguments are shorter.
pub fn args(input: &[u8], count: usize) -> Result<TupleReader<'_>, Vec<u8>> {
    TupleReader::new(input, 0, count).map_err(|_| Vec::new())
}

/// Argument `index`, an `address`.
///
/// # Errors
/// Empty revert data when the word is not an address.
pub fn address_arg(args: &TupleReader<'_>, index: usize) -> Result<Address, Vec<u8>> {
    args.address(index, "address").map_err(|_| Vec::new())
}

/// Argument `index`, `bytes`; dynamic arguments are read in order.
///
/// # Errors
/// Empty revert data when the tail is not where the canonical encoding puts it, or truncated.
pub fn bytes_arg<'a>(args: &mut TupleReader<'a>, index: usize) -> Result<&'a [u8], Vec<u8>> {
    args.bytes(index, "bytes").map_err(|_| Vec::new())
}

/// `keccak(key ‖ uint256(base))`: Solidity's slot of `mapping(key => ...)` at slot `base`.
pub fn mapping_slot(key: B256, base: u64) -> U256 {
    let mut preimage = [0u8; 64];
    preimage[..32].copy_from_slice(key.as_slice());
    preimage[56..].copy_from_slice(&base.to_be_bytes());
    host::keccak(&preimage).into()
}
