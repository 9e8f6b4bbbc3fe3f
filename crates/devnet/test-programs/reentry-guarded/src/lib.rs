//! `test-reentry-guarded` and `test-reentry-open`: one program, built twice, to show the two ways
//! stylus-sdk 0.10 treats a re-entrant call (reference §7, §8).
//!
//! - `test-reentry-guarded` uses the SDK's defaults: its entrypoint calls `msg_reentrant` first
//!   and reverts a re-entrant call at once, with empty data.
//! - `test-reentry-open` enables the SDK's `reentrant` feature: the entrypoint lets the call run,
//!   and `isReentrant` reports what `msg_reentrant` says.
//!
//! So `forward(self, isReentrant())` returns `(false, 0x)` from the guarded build and
//! `(true, abi.encode(true))` from the open one, while `isReentrant()` called directly returns
//! false from both.
//!
//! ```solidity
//! interface ITestReentry {
//!     /// Whether this frame re-enters the program (`msg_reentrant`).
//!     function isReentrant() external view returns (bool);
//!     /// Calls `target` with `data` and all gas; returns whether it succeeded and its return data.
//!     function forward(address target, bytes data) external returns (bool success, bytes returnData);
//! }
//! ```
//!
//! Selectors are listed in `crates/devnet/test-programs/README.md`.

// `#[entrypoint]` generates an undocumented `user_entrypoint`.
#![allow(missing_docs)]

extern crate alloc;

use stylus_sdk::abi::Bytes;
use stylus_sdk::alloy_primitives::Address;
use stylus_sdk::prelude::*;

/// The program; it keeps no state.
#[storage]
#[entrypoint]
pub struct Reentry {}

#[public]
impl Reentry {
    /// Whether this frame re-enters the program (`msg_reentrant`).
    pub fn is_reentrant(&self) -> bool {
        self.vm().msg_reentrant()
    }

    /// Calls `target` with `data`, all gas and no value; returns whether the call succeeded and
    /// its return data (the revert data when it did not).
    pub fn forward(&mut self, target: Address, data: Bytes) -> (bool, Bytes) {
        let context = Call::new_mutating(self);
        match call(self.vm(), context, target, &data) {
            Ok(output) => (true, output.into()),
            Err(err) => (false, Vec::<u8>::from(err).into()),
        }
    }
}
