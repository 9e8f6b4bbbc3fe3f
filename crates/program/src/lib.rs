//! The one framework every Stylus program of the suite is built on, on stylus-sdk:
//!
//! - [`entrypoint!`]: the SDK's `#[entrypoint]` (its `user_entrypoint`, its allocator, its storage
//!   cache flush), handing the calldata and a [`Host`] to the program's router;
//! - [`Host`]: the SDK's host access (`stylus_sdk::host::VM`) as the programs use it: storage words
//!   through the SDK's cache, calls through `RawCall`, logs, block and message context, and the
//!   transient words the SDK does not yet offer;
//! - [`Router`] and [`Functions`]: dispatch of calldata to a table of functions by selector, with
//!   Solidity's rules for value and empty calldata;
//! - [`Args`] and [`returns`]: arguments and results, with `mos-message`'s one ABI codec rather
//!   than alloy's per-signature coders (docs/sizes.md gives what each costs);
//! - [`revert`]: Solidity's `Error(string)` and `require`;
//! - [`mapping_slot`]: Solidity's slot of a mapping entry;
//! - [`constructor`]: stylus-sdk's constructor protocol, for programs that take an owner;
//! - `testing` (feature `testing`): an in-memory host, so program logic runs in unit tests on the
//!   build machine;
//! - `export_abi` (feature `export-abi`): what `cargo stylus export-abi` runs.
//!
//! Every function of a program is `fn(&Host, &[u8]) -> ProgramResult` (the arguments after the
//! selector in; ABI-encoded return data, or revert data, out).

#![no_std]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

extern crate alloc;

mod args;
pub mod constructor;
#[cfg(feature = "export-abi")]
pub mod export_abi;
mod host;
pub mod revert;
mod router;
#[cfg(feature = "testing")]
pub mod testing;

pub use args::{returns, returns_address, returns_bool, returns_uint, Args};
pub use host::Host;
pub use revert::require;
pub use router::{Functions, Handler, Router};
#[doc(hidden)]
pub use stylus_sdk;

use alloc::vec::Vec;

use alloy_primitives::{B256, U256};

/// A function's result: ABI-encoded return data (or a value to encode), or revert data.
pub type ProgramResult<T = Vec<u8>> = Result<T, Vec<u8>>;

/// `keccak(key ‖ uint256(base))`: Solidity's slot of `mapping(key => ...)` declared at slot `base`.
pub fn mapping_slot(host: &Host, key: B256, base: U256) -> U256 {
    let mut preimage = [0u8; 64];
    preimage[..32].copy_from_slice(key.as_slice());
    preimage[32..].copy_from_slice(&base.to_be_bytes::<32>());
    host.keccak(&preimage).into()
}

/// Gives a program its entrypoint: `entrypoint!(ROUTER)` with a `static ROUTER: Router` at the
/// crate's root.
///
/// On wasm this is the SDK's `#[entrypoint]` on a function that hands the calldata to the router:
/// the SDK's `user_entrypoint` reads the calldata, runs it, flushes the storage cache, writes the
/// result and returns 0 (success) or 1 (revert). The SDK is built with `reentrant`, so there is no
/// blanket reentrancy guard: a program guards what it must itself. Elsewhere (unit tests, the
/// devnet suite linking the crate) the macro expands to nothing.
#[macro_export]
macro_rules! entrypoint {
    ($router:ident) => {
        #[cfg(target_arch = "wasm32")]
        mod stylus_entrypoint {
            extern crate alloc;
            use $crate::stylus_sdk;
            #[allow(unused_imports)]
            use $crate::stylus_sdk::prelude::*;

            #[$crate::stylus_sdk::prelude::entrypoint]
            fn route(input: alloc::vec::Vec<u8>, vm: stylus_sdk::host::VM) -> stylus_sdk::ArbResult {
                super::$router.route(&$crate::Host::new(vm), &input)
            }
        }
    };
}
