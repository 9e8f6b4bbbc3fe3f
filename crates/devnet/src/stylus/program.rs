//! Activated programs: the record ArbWasm stores (consensus state) and the compiled modules the
//! devnet keeps beside it (a cache, rebuilt from the code whenever it is missing).

use std::{collections::HashMap, sync::Arc};

use alloy_primitives::{Bytes, B256};
use serde::{Deserialize, Serialize};
use stylus_wasm::activate::{activate, Activated, ActivationParams, CostInputs, ProgramInfo};

use super::StylusError;

/// What ArbWasm records for an activated program (reference §4.4, `programs.go` `setProgram`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgramRecord {
    /// The Stylus version it was activated under.
    pub version: u16,
    /// Init cost, charged at entry when the program is not cached.
    pub init_cost: u16,
    /// Cached init cost, charged at every entry from Stylus version 2.
    pub cached_init_cost: u16,
    /// Memory footprint in pages.
    pub footprint: u16,
    /// Hours since 2015-01-16 (Nitro's epoch for programs) when it was activated.
    pub activated_at: u32,
    /// Size estimate of the compiled module, in KiB.
    pub asm_estimate_kb: u32,
    /// Whether it is in the program cache (ArbWasmCache).
    pub cached: bool,
    /// The hash of the instrumented module.
    pub module_hash: B256,
}

impl ProgramRecord {
    /// The costs in the form the pricing functions take.
    pub fn info(&self) -> ProgramInfo {
        ProgramInfo {
            init_cost: self.init_cost,
            cached_init_cost: self.cached_init_cost,
            footprint: self.footprint,
            asm_estimate: self.asm_estimate_kb.saturating_mul(1024),
            inputs: CostInputs::default(),
        }
    }
}

/// A program ready to run.
pub struct CompiledProgram {
    /// The instrumented module, compiled by wasmi.
    pub module: wasmi::Module,
}

/// Compiled modules by code hash.
pub struct ProgramCache {
    engine: wasmi::Engine,
    modules: HashMap<B256, Arc<CompiledProgram>>,
}

impl Default for ProgramCache {
    fn default() -> Self {
        // Nitro's depth checker (reference §1.7) must be what ends deep recursion: 22 000 words
        // allow about 3 700 of the smallest frames (6 words), beyond wasmi's default limit of 1000.
        let mut config = wasmi::Config::default();
        config.set_max_recursion_depth(8192).set_max_stack_height(64 << 20);
        Self { engine: wasmi::Engine::new(&config), modules: HashMap::new() }
    }
}

impl ProgramCache {
    /// The engine every module and store of this chain uses.
    pub fn engine(&self) -> &wasmi::Engine {
        &self.engine
    }

    /// Compiles an activated program and keeps it under its code hash.
    ///
    /// # Errors
    /// [`StylusError::Compile`] if wasmi rejects the instrumented module.
    pub fn insert(&mut self, codehash: B256, activated: &Activated) -> Result<Arc<CompiledProgram>, StylusError> {
        let module =
            wasmi::Module::new(&self.engine, &activated.module).map_err(|e| StylusError::Compile(e.to_string()))?;
        let program = Arc::new(CompiledProgram { module });
        self.modules.insert(codehash, Arc::clone(&program));
        Ok(program)
    }

    /// The compiled program for `codehash`, activating `code` again if the cache lost it (after a
    /// restart from a saved state).
    ///
    /// # Errors
    /// [`StylusError`] if the code no longer activates (it did when the record was written, so this
    /// means the stored state is not this chain's).
    pub fn get_or_compile(
        &mut self,
        codehash: B256,
        code: &Bytes,
        params: &ActivationParams,
        max_wasm_size: usize,
    ) -> Result<Arc<CompiledProgram>, StylusError> {
        if let Some(program) = self.modules.get(&codehash) {
            return Ok(Arc::clone(program));
        }
        let wasm = stylus_wasm::deploy::decompress_program(code, max_wasm_size)
            .map_err(|e| StylusError::Activation(e.to_string()))?;
        let activated = activate(&wasm, params).map_err(|e| StylusError::Activation(e.to_string()))?;
        self.insert(codehash, &activated)
    }
}
