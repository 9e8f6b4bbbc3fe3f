//! Revert data as Solidity writes it: `Error(string)`, and `require`.

use alloc::vec::Vec;

use alloy_sol_types::{Revert, SolError};
use mos_message::abi::TupleWriter;

use crate::ProgramResult;

/// `Error(reason)`, as `require(false, reason)` reverts.
pub fn error(reason: &str) -> Vec<u8> {
    error_bytes(reason.as_bytes())
}

/// `Error(reason)` for a reason that arrived as bytes (a callee's failure message).
pub fn error_bytes(reason: &[u8]) -> Vec<u8> {
    TupleWriter::call(Revert::SELECTOR, 1).bytes(reason).finish()
}

/// `Err(Error(reason))` unless `condition`, as Solidity's `require(condition, reason)`.
///
/// # Errors
/// `Error(reason)` when `condition` is false.
pub fn require(condition: bool, reason: &str) -> ProgramResult<()> {
    if condition {
        Ok(())
    } else {
        Err(error(reason))
    }
}
