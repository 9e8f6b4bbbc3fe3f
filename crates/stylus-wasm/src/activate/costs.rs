//! What activation records about a program's cost (reference §4.3) and what activating it costs
//! (reference §5.6 item 4).

use super::module::Module;
use super::ActivationError;

/// The ArbOS version from which activation also pays for the wasm's length
/// (`ArbosVersion_StylusChargingFixes`); it also caps the number of imports.
pub(crate) const ARBOS_VERSION_CHARGING_FIXES: u64 = 32;

/// The quantities the cost formulas of reference §4.3 read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CostInputs {
    /// Code bodies.
    pub funcs: u64,
    /// Parameters plus results over the local functions' types.
    pub type_len: u64,
    /// Length of the decompressed wasm, custom sections included.
    pub wasm_len: u64,
    /// Globals, counting the 4 instrumentation adds.
    pub globals: u64,
    /// Encoded bytes of every data and element segment entry (flags, offset, length, payload).
    pub data_len: u64,
}

/// The costs Nitro stores with an activated program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProgramInfo {
    /// Cost of an uncached entry, before conversion to gas (`init_cost`).
    pub init_cost: u16,
    /// Cost of a cached entry, before conversion to gas (`cached_init_cost`).
    pub cached_init_cost: u16,
    /// Initial memory, in pages.
    pub footprint: u16,
    /// Nitro's estimate of the compiled program's size, in bytes; it prices the data fee.
    pub asm_estimate: u32,
    /// What the costs were computed from.
    pub inputs: CostInputs,
}

impl ProgramInfo {
    /// Applies the formulas of reference §4.3 (`binary.rs` `instrument`): each term is divided on
    /// its own and the terms add with saturation. In Stylus version 1 the cached cost is part of
    /// the init cost.
    ///
    /// # Errors
    ///
    /// [`ActivationError::InitCostTooHigh`] or [`ActivationError::CachedCostTooHigh`] when a
    /// cost does not fit in a u16, [`ActivationError::AsmEstimateTooLarge`] when the estimate does
    /// not fit in a u32.
    pub fn compute(inputs: CostInputs, footprint: u16, stylus_version: u16) -> Result<Self, ActivationError> {
        let CostInputs { funcs, type_len, wasm_len, globals, data_len } = inputs;
        let term = |count: u64, numerator: u64, denominator: u64| count.saturating_mul(numerator) / denominator;
        let sum = |terms: &[u64]| terms.iter().fold(0u64, |total, &term| total.saturating_add(term));

        let asm_estimate =
            sum(&[512_000, term(funcs, 996_829, 1000), term(type_len, 11_416, 1000), term(wasm_len, 62_628, 10_000)]);
        let cached_init_cost = sum(&[
            term(funcs, 13_420, 100_000),
            term(type_len, 89, 100_000),
            term(wasm_len, 122, 100_000),
            term(globals, 1628, 1000),
            term(data_len, 75_244, 100_000),
            u64::from(footprint) * 5,
        ]);
        let included_cached = if stylus_version == 1 { cached_init_cost } else { 0 };
        let init_cost =
            sum(&[included_cached, term(funcs, 8252, 1000), term(type_len, 1059, 1000), term(wasm_len, 1286, 10_000)]);

        Ok(Self {
            init_cost: init_cost.try_into().map_err(|_| ActivationError::InitCostTooHigh(init_cost))?,
            cached_init_cost: cached_init_cost
                .try_into()
                .map_err(|_| ActivationError::CachedCostTooHigh(cached_init_cost))?,
            footprint,
            asm_estimate: asm_estimate.try_into().map_err(|_| ActivationError::AsmEstimateTooLarge(asm_estimate))?,
            inputs,
        })
    }

    /// The estimate as the program record stores it: kilobytes, rounded up.
    pub fn asm_estimate_kb(&self) -> u32 {
        self.asm_estimate.div_ceil(1024)
    }
}

impl CostInputs {
    /// Measures a parsed program whose wasm was `wasm_len` bytes.
    pub(super) fn measure(module: &Module<'_>, wasm_len: usize) -> Self {
        let type_len = module
            .functions
            .iter()
            .filter_map(|&index| module.type_at(index))
            .map(|ty| (ty.params().len() + ty.results().len()) as u64)
            .sum();
        let data_len = module.datas.iter().map(|data| data.range.len() as u64).sum::<u64>()
            + module.elements.iter().map(|element| element.range.len() as u64).sum::<u64>();
        Self {
            funcs: module.codes.len() as u64,
            type_len,
            wasm_len: wasm_len as u64,
            globals: (module.globals.len() + super::globals::StylusGlobals::COUNT) as u64,
            data_len,
        }
    }
}

/// The gas Nitro's Rust side charges for activating a program, item by item (reference §5.6
/// item 4, `Module::activate`). Each item is measured in microseconds and converted with
/// `µs × 2 × 7 000 000 / 500 000` (28 gas per µs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ActivationGas {
    /// `wasm_len × 31 733 / 100 000` µs, from ArbOS 32 on.
    pub wasm: u64,
    /// `function-section entries × 17 263 / 100 000` µs.
    pub funcs: u64,
    /// `Σ data payload bytes × 17 376 / 100 000` µs.
    pub data: u64,
    /// `Σ encoded element-segment bytes × 17 376 / 100 000` µs.
    pub elements: u64,
    /// `initial pages × 2217` µs.
    pub memory: u64,
    /// `instrumented operators × 535 / 1000` µs.
    pub code: u64,
    /// The operator count the `code` item was computed from.
    pub instrumented_ops: u64,
}

impl ActivationGas {
    /// The sum of the items. Nitro pays them one at a time and fails with "out of gas" at the first
    /// it cannot afford; since a failed activation burns all gas anyway, comparing the gas left
    /// with this total gives the same outcome.
    pub fn total(&self) -> u64 {
        [self.wasm, self.funcs, self.data, self.elements, self.memory, self.code]
            .iter()
            .fold(0u64, |total, &item| total.saturating_add(item))
    }

    /// Measures a parsed and instrumented program. ArbOS version 0 means a recompilation, which
    /// Nitro does not charge for.
    pub(super) fn measure(module: &Module<'_>, wasm_len: usize, instrumented_ops: u64, arbos_version: u64) -> Self {
        if arbos_version == 0 {
            return Self { instrumented_ops, ..Self::default() };
        }
        let us_to_gas = |us: u64| us.saturating_mul(2 * 7_000_000) / 500_000;
        let item =
            |count: u64, numerator: u64, denominator: u64| us_to_gas(count.saturating_mul(numerator) / denominator);
        let wasm =
            if arbos_version >= ARBOS_VERSION_CHARGING_FIXES { item(wasm_len as u64, 31_733, 100_000) } else { 0 };
        let data_bytes = module.datas.iter().map(|data| data.data.len() as u64).sum();
        let element_bytes = module.elements.iter().map(|element| element.range.len() as u64).sum();
        let pages = module.memories.first().map_or(0, |memory| memory.initial);
        Self {
            wasm,
            funcs: item(module.functions.len() as u64, 17_263, 100_000),
            data: item(data_bytes, 17_376, 100_000),
            elements: item(element_bytes, 17_376, 100_000),
            memory: us_to_gas(pages.saturating_mul(2217)),
            code: item(instrumented_ops, 535, 1000),
            instrumented_ops,
        }
    }
}
