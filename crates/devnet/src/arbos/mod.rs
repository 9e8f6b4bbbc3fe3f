//! ArbOS on the devnet: the state it keeps in its own account ([`storage`]), the per-transaction
//! context Stylus needs ([`ArbosTx`]), and the Arbitrum precompiles dApps and operators call, at
//! Nitro's addresses with Nitro's ABIs ([`ArbPrecompiles`]).

mod arb_gas_info;
mod arb_sys;
mod arb_wasm;
mod arb_wasm_cache;
mod method;
mod precompiles;
pub mod storage;

use std::collections::HashMap;

use alloy_primitives::Address;
use stylus_wasm::{
    activate::ActivationParams,
    pricing::{self, StylusParams},
};

pub use arb_gas_info::{ArbGasInfo, ARB_GAS_INFO};
pub use arb_sys::{ArbSys, ARB_SYS};
pub use arb_wasm::{active_program, ArbWasm, InactiveProgram, ARB_WASM};
pub use arb_wasm_cache::{ArbWasmCache, ARB_WASM_CACHE};
pub use precompiles::ArbPrecompiles;

use crate::{exec::BlockEnv, stylus::ProgramCache};

/// What a transaction's execution knows beyond the EVM's context: the chain's ArbOS settings, the
/// compiled programs, the Stylus pages open, and the frames open per address.
pub struct ArbosTx<'a> {
    /// The block, with the ArbOS version and the cache managers.
    pub env: &'a BlockEnv,
    /// Compiled Stylus programs, by code hash.
    pub programs: &'a mut ProgramCache,
    /// Stylus pages open now and the most ever open in this transaction (reference §4.2).
    pages_open: u16,
    pages_ever: u16,
    /// Open frames per acting address, delegate frames excluded (Nitro's `msg_reentrant`, §7).
    active: HashMap<Address, u32>,
    /// Why the last frame that failed without data failed, when something knows (an activation
    /// that broke a rule); `eth_call` reports it as geth reports a non-revert error.
    failure: Option<String>,
}

impl<'a> ArbosTx<'a> {
    /// The context of a transaction in the block `env`.
    pub fn new(env: &'a BlockEnv, programs: &'a mut ProgramCache) -> Self {
        Self { env, programs, pages_open: 0, pages_ever: 0, active: HashMap::new(), failure: None }
    }

    /// The Stylus parameters of this chain (ink price, stack depth, memory model, init gas).
    pub fn stylus_params(&self) -> StylusParams {
        StylusParams::for_arbos_version(self.env.arbos_version)
    }

    /// The activation rules of this chain, with the pages this transaction has open.
    pub fn activation_params(&self) -> ActivationParams {
        let params = self.stylus_params();
        ActivationParams {
            page_limit: params.page_limit.saturating_sub(self.pages_open),
            debug_chain: self.env.debug_chain,
            ..ActivationParams::for_arbos_version(self.env.arbos_version)
        }
    }

    /// Pages open now and ever in this transaction.
    pub fn stylus_pages(&self) -> (u16, u16) {
        (self.pages_open, self.pages_ever)
    }

    /// Opens `pages` more pages; returns their gas (the memory model of §4.2).
    pub fn add_stylus_pages(&mut self, pages: u16) -> u64 {
        let cost = pricing::memory_gas_cost(pages, self.pages_open, self.pages_ever, &self.stylus_params());
        self.pages_open = self.pages_open.saturating_add(pages);
        self.pages_ever = self.pages_ever.max(self.pages_open);
        cost
    }

    /// Closes the pages a finished program opened (`open` is restored, `ever` is kept).
    pub fn restore_open_pages(&mut self, open: u16) {
        self.pages_open = open;
    }

    /// Counts a frame acting as `address` as open.
    pub fn enter(&mut self, address: Address) {
        *self.active.entry(address).or_default() += 1;
    }

    /// Counts a frame acting as `address` as closed.
    pub fn leave(&mut self, address: Address) {
        if let Some(count) = self.active.get_mut(&address) {
            *count = count.saturating_sub(1);
        }
    }

    /// Whether a program acting as `address` is re-entered: another non-delegate frame of the
    /// same address is open below it.
    pub fn is_reentrant(&self, address: Address) -> bool {
        self.active.get(&address).copied().unwrap_or(0) > 1
    }

    /// Records why a frame failed without revert data.
    pub fn record_failure(&mut self, reason: String) {
        self.failure = Some(reason);
    }

    /// The last recorded failure reason, if any.
    pub fn take_failure(&mut self) -> Option<String> {
        self.failure.take()
    }
}
