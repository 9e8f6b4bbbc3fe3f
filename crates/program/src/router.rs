//! Dispatch of calldata to a program's functions by selector.

use alloc::vec::Vec;

use crate::{Host, ProgramResult};

/// A function: the arguments after the selector in; return data, or revert data, out.
pub type Handler = fn(&Host, &[u8]) -> ProgramResult;

/// Functions by selector: a table rather than a `match`, which keeps the router a small loop over
/// data instead of a comparison tree in code.
pub type Functions = &'static [([u8; 4], Handler)];

/// A program's functions and Solidity's rules for value.
#[derive(Debug, Clone, Copy)]
pub struct Router {
    /// The program's tables, searched in order: a selector belongs to the first that has it.
    pub tables: &'static [Functions],
    /// The selectors that take value; any other function called with value reverts, as a
    /// non-payable Solidity function does.
    pub payable: &'static [[u8; 4]],
    /// Whether empty calldata is `receive()`: it succeeds, keeping the value. Without it, empty
    /// calldata reverts like an unknown selector.
    pub receives: bool,
}

impl Router {
    /// Routes `input` to the function with its selector.
    ///
    /// # Errors
    /// The function's revert data; empty revert data for an unknown selector, calldata shorter
    /// than a selector (but for `receive`), or value sent to a function that is not payable.
    pub fn route(&self, host: &Host, input: &[u8]) -> ProgramResult {
        if input.is_empty() && self.receives {
            return Ok(Vec::new());
        }
        let (selector, args) = input.split_first_chunk::<4>().ok_or_else(Vec::new)?;
        let handler = self.find(*selector).ok_or_else(Vec::new)?;
        if !self.payable.contains(selector) && !host.value().is_zero() {
            return Err(Vec::new());
        }
        handler(host, args)
    }

    /// The function with `selector` in the first table that has one.
    pub fn find(&self, selector: [u8; 4]) -> Option<Handler> {
        self.tables.iter().flat_map(|table| table.iter()).find(|(key, _)| *key == selector).map(|(_, handler)| *handler)
    }
}
