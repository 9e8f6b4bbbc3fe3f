//! `test-nest`: a chain of nested calls, one frame per depth, each writing its own slot, with a
//! revert at a chosen depth, so tests can check which writes survive at every level (reference
//! §7: a failed sub-call's state changes are rolled back, the caller's are not).
//!
//! `run(depth, revertAt)` writes slot `depth` := `depth + 1`, calls this same program with
//! `run(depth - 1, revertAt)` unless `depth` is 0, ignores whether that call failed, and then
//! reverts if `depth == revertAt`. So after `run(n, r)`:
//!
//! - `r < n`: slots `r + 1 ..= n` hold their values, slots `0 ..= r` are zero, and it returns
//!   `n - r`, the number of frames whose writes are held;
//! - `r > n`: slots `0 ..= n` are all written and it returns `n + 1`;
//! - `r == n`: the call itself reverts (with `n` ABI-encoded) and nothing is written.
//!
//! The program calls itself, so it is built with the SDK's `reentrant` feature; without it the
//! SDK would refuse the nested frames.
//!
//! ```solidity
//! interface ITestNest {
//!     /// Returns how many frames' writes, this one's included, are held when this frame returns.
//!     function run(uint256 depth, uint256 revertAt) external returns (uint256 committed);
//!     /// The word at slot `depth`.
//!     function written(uint256 depth) external view returns (uint256);
//! }
//! ```
//!
//! Selectors are listed in `crates/devnet/test-programs/README.md`.

// `#[entrypoint]` generates an undocumented `user_entrypoint`.
#![allow(missing_docs)]

extern crate alloc;

use alloc::vec::Vec;

use alloy_sol_types::{sol, SolCall, SolValue};
use stylus_sdk::alloy_primitives::{B256, U256};
use stylus_sdk::prelude::*;

sol! {
    /// The ABI of `run`, to encode the nested call.
    function run(uint256 depth, uint256 revertAt) returns (uint256);
}

/// The program; its state is one slot per depth, addressed directly.
#[storage]
#[entrypoint]
pub struct Nest {}

#[public]
impl Nest {
    /// Writes slot `depth`, runs `depth - 1` in a nested call and reverts when
    /// `depth == revert_at`; see the crate docs.
    ///
    /// # Errors
    ///
    /// Reverts with `depth` ABI-encoded when `depth == revert_at`.
    pub fn run(&mut self, depth: U256, revert_at: U256) -> Result<U256, Vec<u8>> {
        // SAFETY: the program holds no storage references this write could alias.
        #[allow(unsafe_code)]
        unsafe {
            self.vm().storage_cache_bytes32(depth, B256::from(depth.wrapping_add(U256::from(1))));
        }
        let mut committed = U256::from(1);
        if !depth.is_zero() {
            let data = runCall { depth: depth - U256::from(1), revertAt: revert_at }.abi_encode();
            let this = self.vm().contract_address();
            let context = Call::new_mutating(self);
            if let Ok(output) = call(self.vm(), context, this, &data) {
                committed += U256::abi_decode(&output).unwrap_or_default();
            }
        }
        if depth == revert_at {
            return Err(depth.abi_encode());
        }
        Ok(committed)
    }

    /// The word at slot `depth`: `depth + 1` if that level's write survived, else 0.
    pub fn written(&self, depth: U256) -> U256 {
        self.vm().storage_load_bytes32(depth).into()
    }
}
