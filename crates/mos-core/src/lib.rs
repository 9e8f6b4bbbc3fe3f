//! What every MOS program shares, so that it is written once: the one storage layout
//! ([`layout`]), the common interface (admin, upgrades, pause, configuration, getters: [`admin`]),
//! the execution of incoming messages and their retry ([`deliver`]), the delivery guards
//! ([`guard`]) and the interface's revert strings ([`revert`]).
//!
//! Built on `mos-program`, the suite's framework on stylus-sdk: a program's router lists its own
//! role's table, the source role's (`mos-source`), then [`admin::FUNCTIONS`] ([`PAYABLE`]
//! gives the rules for value). Functions are `fn(&Host, &[u8]) -> ProgramResult` taking the
//! arguments after the selector and returning the ABI-encoded result. Selectors and event topics
//! come from the `sol!` interfaces of `mos-message`, the one definition; arguments, results,
//! events and calls are read and written with its ABI codec (`mos_program::Args`,
//! `mos_message::abi::TupleWriter`), one small codec where alloy's would generate one per
//! signature.

#![cfg_attr(not(test), no_std)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

extern crate alloc;

pub mod admin;
pub mod deliver;
pub mod guard;
pub mod layout;
pub mod revert;

use alloy_sol_types::SolCall;
use mos_message::interfaces::IMOSV3;

/// The selectors a MOS takes value with: `transferOut` (the native fee). Empty calldata is
/// `receive()` (native value for `emergencyWithdraw` to return); any other function called with
/// value reverts, as a non-payable Solidity function does.
pub const PAYABLE: &[[u8; 4]] = &[IMOSV3::transferOutCall::SELECTOR];

#[cfg(test)]
mod tests;
