//! Activation: what `ArbWasm.activateProgram` does with a program's wasm once it is decompressed
//! (reference §1.2–1.7, §4.3, §5.2–5.6).
//!
//! [`activate`] validates the wasm with Nitro's feature set and rules, instruments it in Nitro's
//! order (StartMover, Meter, DynamicMeter, DepthChecker, HeapBound), checks the structural limits
//! and the imports, and returns the instrumented module with the costs Nitro records. The
//! instrumented module runs in any interpreter: the host sets `stylus_ink_left` and
//! `stylus_stack_left` before calling `user_entrypoint` and reads them (and `stylus_ink_status`)
//! afterwards.

mod costs;
mod depth;
mod dynamic;
mod encode;
mod error;
mod exports;
mod globals;
mod heap;
mod limits;
mod link;
mod meter;
mod module;

use alloy_primitives::{keccak256, B256};
use wasmparser::Operator;

pub use costs::{ActivationGas, CostInputs, ProgramInfo};
pub use error::ActivationError;
pub use exports::{ENTRYPOINT_EXPORT, MEMORY_EXPORT, START_EXPORT};
pub use globals::{INK_LEFT_EXPORT, INK_STATUS_EXPORT, SCRATCH_EXPORT, STACK_LEFT_EXPORT};

use crate::pricing::{StylusParams, DEFAULT_ARBOS_VERSION};
use globals::StylusGlobals;
use module::Module;

/// The chain state activation depends on. (The stack budget, `MaxStackDepth`, is not one of them:
/// it is set at each call, see [`crate::pricing::StylusParams::max_stack_depth`].)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ActivationParams {
    /// ArbOS version at activation; gates multi-value (refused from 60), the import limit and the
    /// wasm-length charge (from 32). 0 means Nitro's recompilation path, which is not charged.
    pub arbos_version: u64,
    /// Stylus version (2 from ArbOS 31); in version 1 the cached cost is part of the init cost.
    pub stylus_version: u16,
    /// Most pages the memory may start with: `PageLimit` (128) minus the pages open in this
    /// transaction.
    pub page_limit: u16,
    /// Whether the chain allows debug functions (`AllowDebugPrecompiles`): start functions (kept
    /// as the `stylus_start` export), every export kept, `console` imports.
    pub debug_chain: bool,
}

impl ActivationParams {
    /// Nitro's defaults at `arbos_version`, with no pages open and a non-debug chain.
    pub fn for_arbos_version(arbos_version: u64) -> Self {
        let stylus = StylusParams::for_arbos_version(arbos_version);
        Self { arbos_version, stylus_version: stylus.version, page_limit: stylus.page_limit, debug_chain: false }
    }
}

impl Default for ActivationParams {
    fn default() -> Self {
        Self::for_arbos_version(DEFAULT_ARBOS_VERSION)
    }
}

/// An activated program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Activated {
    /// The instrumented module, ready to instantiate.
    pub module: Vec<u8>,
    /// keccak256 of [`Activated::module`]. Nitro hashes its own compiled module instead, so the
    /// value differs from a real chain's (see the crate docs).
    pub module_hash: B256,
    /// The costs Nitro stores with the program.
    pub info: ProgramInfo,
    /// The gas the Rust side of activation charges.
    pub activation_gas: ActivationGas,
}

/// Activates `wasm` (the decompressed program) as Nitro's `activateProgram` would.
///
/// # Errors
///
/// An [`ActivationError`] naming the first rule the program breaks, checked in Nitro's order:
/// validation and parsing (reference §5.3), import and export names (§5.5), the start function,
/// memory and `pay_for_memory_grow` (§1.6), per function the refused bulk-memory operators and the
/// stack limits (§1.5, §1.7), the entry point, the costs fitting their types (§4.3), the
/// structural limits (§5.4), then the imports' types, float operations and segment bounds.
pub fn activate(wasm: &[u8], params: &ActivationParams) -> Result<Activated, ActivationError> {
    let module = Module::parse(wasm, params.arbos_version)?;
    module.check_symbols()?;

    let globals = StylusGlobals::after(module.globals.len());
    let exports = exports::instrumented_exports(&module, params.debug_chain, &globals)?;
    let memory = heap::memory(&module, &exports)?;
    let pay_func = heap::pay_for_memory_grow(&module, memory)?;

    let mut bodies: Vec<Vec<Operator<'_>>> = Vec::with_capacity(module.codes.len());
    for (func, code) in module.codes.iter().enumerate() {
        let func = u32::try_from(func).unwrap_or(u32::MAX);
        let ops = meter::meter(code.ops.clone(), &module, &globals);
        let ops = dynamic::meter_bulk_memory(ops, func, &globals)?;
        let ops = depth::check_depth(ops, code.locals.len(), func, &module, &globals)?;
        bodies.push(heap::bound_heap(ops, pay_func, &globals));
    }

    // `heap::pay_for_memory_grow` has checked the minimum against the 128-page heap bound.
    let footprint = u16::try_from(memory.initial).unwrap_or(u16::MAX);
    exports::check_entrypoint(&module, &exports)?;
    let info = ProgramInfo::compute(CostInputs::measure(&module, wasm.len()), footprint, params.stylus_version)?;

    let instrumented_lens: Vec<usize> = bodies.iter().map(Vec::len).collect();
    limits::check_limits(&module, &exports, &instrumented_lens, params)?;
    let instrumented_ops = instrumented_lens.iter().map(|&len| len as u64).sum();
    let activation_gas = ActivationGas::measure(&module, wasm.len(), instrumented_ops, params.arbos_version);

    link::check_linking(&module, params.debug_chain)?;

    let instrumented = encode::encode_instrumented(wasm, &module, &exports, &bodies)?;
    Ok(Activated { module_hash: keccak256(&instrumented), module: instrumented, info, activation_gas })
}
